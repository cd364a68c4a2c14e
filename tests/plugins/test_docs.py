"""The plugin docs stay true: every hook has its section, and the tutorial's plugin works."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kinship import hookspecs
from tests.plugins.plugin_helpers import kinship_command

DOCS = Path(__file__).resolve().parents[2] / "docs"


def hook_headings() -> list[str]:
    """``## kinship_x(arg)`` for every hookspec, in the order hookspecs.py defines them."""
    specs = [
        fn
        for name, fn in vars(hookspecs).items()
        if name.startswith("kinship_") and hasattr(fn, "kinship_spec")
    ]
    assert len(specs) >= 7
    return [f"## {fn.__name__}({', '.join(inspect.signature(fn).parameters)})" for fn in specs]


def test_plugin_hooks_are_documented() -> None:
    text = (DOCS / "plugin-hooks.md").read_text(encoding="utf-8")
    headings = [ln.rstrip() for ln in text.splitlines() if ln.startswith("## ")]
    missing = [h for h in hook_headings() if h not in headings]
    assert not missing, f"docs/plugin-hooks.md lacks: {missing}"
    # …and documents no hook that does not exist (a renamed or removed one).
    stale = [h for h in headings if h.startswith("## kinship_") and h not in hook_headings()]
    assert not stale, f"docs/plugin-hooks.md documents hooks that do not exist: {stale}"


def tutorial_files() -> dict[str, str]:
    """The code blocks of docs/plugins.md that start with ``# file: PATH``."""
    text = (DOCS / "plugins.md").read_text(encoding="utf-8")
    files = {}
    for block in re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.S | re.M):
        first, _, rest = block.partition("\n")
        if first.startswith("# file: "):
            files[first.removeprefix("# file: ").strip()] = rest
    return files


def install_tutorial(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The tutorial's files, written out, and the plugin *installed*: a dist-info with its
    entry point on PYTHONPATH is what importlib.metadata finds for a wheel in site-packages.
    Returns the project folder and the environment to run in."""
    files = tutorial_files()
    assert set(files) == {
        "pyproject.toml",
        "src/kinship_names/__init__.py",
        "tests/conftest.py",
        "tests/test_names.py",
    }
    project = tmp_path / "kinship-names"
    for rel, content in files.items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    info = tmp_path / "site" / "kinship_names-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: kinship-names\nVersion: 0.1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text("[kinship]\nnames = kinship_names\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "KINSHIP_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(
        [str(tmp_path / "site"), str(project / "src"), *filter(None, [env.get("PYTHONPATH")])]
    )
    return project, env


def test_the_tutorial_plugin_and_its_tests_run(tmp_path: Path) -> None:
    """The tutorial's tests pass with its plugin installed (found through its entry point),
    as they do for an author who ran ``pip install -e .``: kinship.testing keeps installed
    plugins out of a test, so ``register_plugin(kinship_names)`` does not meet a second copy
    ("Plugin already registered under a different name")."""
    project, env = install_tutorial(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"^2 passed", proc.stdout, flags=re.M), proc.stdout


def test_the_installed_tutorial_plugin_works(tmp_path: Path) -> None:
    """Step 4 of the tutorial, as the user runs it: listed, then importing twice."""
    _, env = install_tutorial(tmp_path)
    env["KINSHIP_DB"] = str(tmp_path / "kinship.db")
    env["KINSHIP_CONFIG"] = str(tmp_path / "no-config.toml")
    friends = tmp_path / "friends.names"
    friends.write_text(
        "# my friends\nAda Lovelace <ada@example.org>\nGrace Hopper\n<nobody@example.org>\n",
        encoding="utf-8",
    )

    def kinship(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*kinship_command(), *args],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            stdin=subprocess.DEVNULL,
        )

    listing = kinship("plugins")
    assert listing.returncode == 0, listing.stderr
    # The plugins env installs the other plugin distributions too: look at the tutorial's line.
    ours = [line.split() for line in listing.stdout.splitlines() if line.startswith("names ")]
    assert ours == [["names", "kinship-names", "0.1.0", "register_importers", "ok"]]
    first = kinship("import", str(friends))
    assert first.stdout.splitlines()[0].startswith("friends.names: 2 created, 0 updated")
    assert "friends.names:4: cannot read '<nobody@example.org>'" in first.stderr
    again = kinship("import", str(friends))
    assert again.stdout.splitlines()[0].startswith(
        "friends.names: 0 created, 0 updated, 2 unchanged"
    )


@pytest.mark.parametrize("page", ["plugins.md", "plugin-hooks.md"])
def test_pages_link_only_to_pages_that_exist(page: str) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", text):
        assert (DOCS / target).exists() or target in ("plugins.md", "plugin-hooks.md"), target
