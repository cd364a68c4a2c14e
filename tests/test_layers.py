"""The two faces read through the views: ``kinship.tui`` and ``kinship.cli`` import no
peewee and neither the models nor the store's queries (DESIGN §1). Opening and closing the
store through ``kinship.store`` stays theirs.

An AST scan of the source, so an import inside a function or under ``TYPE_CHECKING`` counts
as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import kinship

SRC = Path(kinship.__file__).parent
FORBIDDEN = ("peewee", "playhouse", "kinship.store.models", "kinship.store.queries")


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
            # ``from kinship.store import models`` names the module too.
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _violations(root: Path) -> list[str]:
    out = []
    for path in sorted(root.rglob("*.py")):
        lines = set()
        for line, name in _imports(path):
            if line not in lines and any(name == f or name.startswith(f + ".") for f in FORBIDDEN):
                lines.add(line)  # one report per import statement
                out.append(f"{path.relative_to(root.parent)}:{line}: imports {name}")
    return out


def test_tui_and_cli_import_no_peewee_models_or_queries() -> None:
    bad = _violations(SRC / "tui") + _violations(SRC / "cli")
    assert not bad, "\n".join(bad)


def test_the_scan_finds_a_forbidden_import(tmp_path: Path) -> None:
    face = tmp_path / "face"
    face.mkdir()
    (face / "a.py").write_text(
        "def f():\n    from kinship.store import models\n    import peewee\n", encoding="utf-8"
    )
    (face / "b.py").write_text("from kinship.store import current, open_store\n", encoding="utf-8")
    assert _violations(face) == [
        "face/a.py:2: imports kinship.store.models",
        "face/a.py:3: imports peewee",
    ]
