"""Packages that import their modules when one of their names is first used (PEP 562).

A package that gathers the names of its modules (``from kinship.services import views``,
then ``views.detail(...)``) imports every module when it is imported, whichever one the
caller needs. A lazy package lists where each name lives instead, and imports that module
on the first use of one of its names: the app's first frame needs the contact list's
queries, not the brief's, the ledger's or the follow-up engine's.

Used as::

    if TYPE_CHECKING:
        from kinship.services.views.detail import detail  # what mypy and readers see
    else:
        __getattr__, __dir__ = lazy_package(__name__, {"detail": (".detail", "detail")})

The imports under ``TYPE_CHECKING`` keep the names typed (mypy never sees the
``__getattr__``, so a misspelt name is still an error) and keep the import graph the
linters read the same; a test holds the two lists to each other.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable, Mapping
from typing import Any


class _LazyPackage(types.ModuleType):
    """A lazy package's module object.

    Importing a module binds it on its package under its own name, which is also the name
    of the function most view modules offer (``detail``, ``brief``, ``notes`` …): imported
    eagerly, the package bound the function after the module, and ``views.detail`` was the
    function. Here the module may be imported later (by another module), so it is not bound
    over a name the package lists: that name stays the function, whatever was imported
    first. ``from package import module`` still finds a module the package does not list.
    """

    _lazy_names: Mapping[str, tuple[str, str]] = {}

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self._lazy_names and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


def lazy_package(
    package: str, where: Mapping[str, tuple[str, str]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``, which offers each name of
    ``where`` (name → (module, name there); a module starting with "." is relative to the
    package), imported on first use and kept."""
    module = sys.modules[package]
    names = dict(where)

    def __getattr__(name: str) -> Any:
        try:
            mod, attr = names[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(mod, package), attr)
        module.__dict__[name] = value  # found directly from now on
        return value

    def __dir__() -> list[str]:
        return sorted({*module.__dict__, *names})

    module.__class__ = _LazyPackage
    module._lazy_names = names  # type: ignore[attr-defined]
    return __getattr__, __dir__


def lazy_names(package: types.ModuleType) -> Mapping[str, tuple[str, str]]:
    """Where each name of a lazy package lives (for the tests that check them)."""
    return dict(getattr(package, "_lazy_names", {}))
