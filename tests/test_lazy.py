"""Lazy packages (``kinship.lazy``): each name is the one its module defines, the package
imports only what is used, and a view module imported first does not hide its function."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import subprocess
import sys
import types
from pathlib import Path

import pytest

from kinship.lazy import lazy_names
from kinship.services import views

SRC = Path(__file__).resolve().parents[1] / "src"


def _type_checking_names(package: types.ModuleType) -> dict[str, tuple[str, str]]:
    """The names a package imports under ``if TYPE_CHECKING:`` (what mypy sees)."""
    assert package.__file__ is not None
    tree = ast.parse(Path(package.__file__).read_text())
    found: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom) and imp.module is not None
                for alias in imp.names:
                    found[alias.asname or alias.name] = (imp.module, alias.name)
    return found


@pytest.mark.parametrize("package", [views], ids=lambda p: p.__name__)
def test_each_name_is_what_its_module_defines(package: types.ModuleType) -> None:
    lazy = lazy_names(package)
    typed = _type_checking_names(package)
    resolved = {
        name: (importlib.util.resolve_name(mod, package.__name__), attr)
        for name, (mod, attr) in lazy.items()
    }
    # mypy's names, the names offered at run time and __all__ are the same three lists.
    assert resolved == typed
    assert sorted(lazy) == sorted(package.__all__)
    for name, (module, attr) in resolved.items():
        assert getattr(package, name) is getattr(importlib.import_module(module), attr)
    assert set(package.__all__) <= set(dir(package))
    with pytest.raises(AttributeError, match="no_such_view"):
        package.no_such_view  # noqa: B018


PROBE = """
import sys

from kinship.services import views

print(sorted(m for m in sys.modules if m.startswith("kinship.services.views.")))
views.ContactRow
print(sorted(m for m in sys.modules if m.startswith("kinship.services.views.")))
print("kinship.services.introductions" in sys.modules)

import kinship.services.views.detail  # a module named like its function, imported first
import kinship.services.views.timeline

print(callable(views.detail), callable(views.timeline), callable(views.notes))
from kinship.services.views import paths  # a module the package does not name

print(paths.__name__)
"""


def test_views_imports_only_what_is_used() -> None:
    """The app's first frame needs the contact list's rows: importing the views package
    and using a contact-list name imports that module alone (every view, introductions
    and the follow-up engine behind them cost 15-20 ms of each start)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "PATH": ""},
    )
    lines = done.stdout.splitlines()
    assert lines == [
        "[]",
        "['kinship.services.views._common', 'kinship.services.views.contacts']",
        "False",
        "True True True",
        "kinship.services.views.paths",
    ]
