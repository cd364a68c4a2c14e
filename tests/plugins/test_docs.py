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


def test_the_tutorial_plugin_and_its_tests_run(tmp_path: Path) -> None:
    files = tutorial_files()
    assert set(files) == {
        "pyproject.toml",
        "src/kinship_names/__init__.py",
        "tests/conftest.py",
        "tests/test_names.py",
    }
    for rel, content in files.items():
        path = tmp_path / "kinship-names" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
        cwd=tmp_path / "kinship-names",
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"^2 passed", proc.stdout, flags=re.M), proc.stdout


@pytest.mark.parametrize("page", ["plugins.md", "plugin-hooks.md"])
def test_pages_link_only_to_pages_that_exist(page: str) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", text):
        assert (DOCS / target).exists() or target in ("plugins.md", "plugin-hooks.md"), target
