"""The import contracts of docs/architecture.md hold, and breaking one is caught.

``lint-imports`` (tox -e lint) checks the contracts in pyproject.toml (kinship) and
plugins/.importlinter (the plugin distributions). Here each contract is broken on purpose in a
copy of the package, by a throwaway module that imports across, and must be reported.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("importlinter")
grimp = pytest.importorskip("grimp")

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PLUGIN_SRCS = [
    ROOT / "plugins" / "kinship-csv" / "src",
    ROOT / "plugins" / "kinship-cadence-learner" / "src",
    ROOT / "plugins" / "kinship-notify" / "src",
]
PLUGINS_CONFIG = ROOT / "plugins" / ".importlinter"

#: What builtin and third-party plugins may import from kinship (besides themselves).
PLUGIN_API = {"kinship", "kinship.records", "kinship.hookspecs"}
#: …and what a third-party plugin's commands, palette entries and notifiers may call.
THIRD_PARTY_API = PLUGIN_API | {"kinship.api"}


def lint_imports(
    config: Path, *, path: list[Path], cwd: Path, contract: str | None = None
) -> subprocess.CompletedProcess[str]:
    args = ["--no-cache", "--no-logo", str(config)]
    if contract:
        args += ["--contract", contract]
    code = "from importlinter.cli import lint_imports_command; lint_imports_command()"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, path)), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_kinship(tmp_path: Path) -> Path:
    dest = tmp_path / "src"
    shutil.copytree(SRC / "kinship", dest / "kinship", ignore=shutil.ignore_patterns("__pycache__"))
    return dest


# (file written into the copy, its text, the contract id, what the report must name)
BREAKS = [
    ("store/_bad.py", "import kinship.tui\n", "layers", "kinship.store._bad"),
    ("store/_bad.py", "import textual\n", "headless-core", "kinship.store._bad -> textual"),
    ("cli/_bad.py", "from rich import print\n", "headless-core", "kinship.cli._bad -> rich"),
    (
        "builtin/_bad.py",
        "from kinship.store import models\n",
        "builtin-plugins",
        "kinship.builtin._bad -> kinship.store",
    ),
    ("builtin/_bad.py", "import peewee\n", "builtin-plugins", "kinship.builtin._bad -> peewee"),
    (
        "services/_bad.py",
        "import kinship.cli\n",
        "services",
        "kinship.services._bad -> kinship.cli",
    ),
    (
        "services/_bad.py",
        "from kinship import wiring\n",
        "services",
        "kinship.services._bad -> kinship.wiring",
    ),
    ("sample/_bad.py", "import kinship.wiring\n", "layers", "kinship.sample._bad"),
    ("tui/_bad.py", "import peewee\n", "faces-read-views", "kinship.tui._bad -> peewee"),
    (
        "cli/_bad.py",
        "from kinship.store import queries\n",
        "faces-read-views",
        "kinship.cli._bad -> kinship.store.queries",
    ),
]


@pytest.mark.parametrize(("where", "text", "contract", "named"), BREAKS, ids=lambda v: str(v))
def test_a_module_that_imports_across_breaks_the_contract(
    tmp_path: Path, where: str, text: str, contract: str, named: str
) -> None:
    src = copy_kinship(tmp_path)
    (src / "kinship" / where).write_text(text, encoding="utf-8")
    r = lint_imports(ROOT / "pyproject.toml", path=[src], cwd=tmp_path, contract=contract)
    assert r.returncode != 0, r.stdout
    assert "BROKEN" in r.stdout
    assert named in r.stdout, r.stdout


def test_the_plugin_host_importing_a_face_breaks_its_contract(tmp_path: Path) -> None:
    src = copy_kinship(tmp_path)
    with (src / "kinship" / "plugins.py").open("a", encoding="utf-8") as f:
        f.write("\nimport kinship.tui.widgets  # noqa\n")
    r = lint_imports(ROOT / "pyproject.toml", path=[src], cwd=tmp_path, contract="plugin-host")
    assert r.returncode != 0
    assert "kinship.plugins -> kinship.tui.widgets" in r.stdout, r.stdout


def test_an_import_circle_breaks_the_acyclic_contract(tmp_path: Path) -> None:
    src = copy_kinship(tmp_path)
    (src / "kinship" / "store" / "_bad_a.py").write_text("from kinship.store import _bad_b\n")
    (src / "kinship" / "store" / "_bad_b.py").write_text("from kinship.store import _bad_a\n")
    r = lint_imports(ROOT / "pyproject.toml", path=[src], cwd=tmp_path, contract="acyclic")
    assert r.returncode != 0
    assert re.search(r"\._bad_[ab] -> \._bad_[ab]", r.stdout), r.stdout


def test_a_plugin_distribution_reaching_into_the_store_breaks_its_contract(
    tmp_path: Path,
) -> None:
    dest = tmp_path / "plugin-src"
    shutil.copytree(
        PLUGIN_SRCS[0] / "kinship_csv",
        dest / "kinship_csv",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (dest / "kinship_csv" / "_bad.py").write_text("from kinship.store import models\n")
    r = lint_imports(PLUGINS_CONFIG, path=[dest, SRC, *PLUGIN_SRCS[1:]], cwd=tmp_path)
    assert r.returncode != 0
    assert "kinship_csv._bad -> kinship.store" in r.stdout, r.stdout


def test_plugins_import_only_the_plugin_api(monkeypatch: pytest.MonkeyPatch) -> None:
    """An allow-list over the graph: a kinship module added later is refused as well, even
    before the forbidden lists in the contracts name it."""
    for path in PLUGIN_SRCS:
        monkeypatch.syspath_prepend(str(path))
    third_party = ["kinship_csv", "kinship_cadence_learner", "kinship_notify"]
    graph = grimp.build_graph("kinship", *third_party, cache_dir=None)
    wrong = []
    for package in ["kinship.builtin", *third_party]:
        allowed = PLUGIN_API if package == "kinship.builtin" else THIRD_PARTY_API
        for module in {package} | graph.find_descendants(package):
            for imported in graph.find_modules_directly_imported_by(module):
                own = imported == package or imported.startswith(package + ".")
                kinship = imported == "kinship" or imported.startswith("kinship.")
                if kinship and not own and imported not in allowed:
                    wrong.append(f"{module} -> {imported}")
    assert wrong == []


def test_the_plugin_distributions_keep_their_contracts(tmp_path: Path) -> None:
    r = lint_imports(PLUGINS_CONFIG, path=[SRC, *PLUGIN_SRCS], cwd=tmp_path)
    assert r.returncode == 0, r.stdout


def test_the_tree_keeps_every_contract(tmp_path: Path) -> None:
    r = lint_imports(ROOT / "pyproject.toml", path=[SRC], cwd=tmp_path)
    assert r.returncode == 0, r.stdout
