"""kinship: a keyboard-first terminal app for keeping strong relationships.

Plugin authors need only ``from kinship import hookimpl`` and :mod:`kinship.records`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["__version__", "hookimpl"]

__version__ = "0.1.0"

#: The distribution name on the package index (what ``pip install`` takes): ``kinship`` there
#: is an unrelated project, so ours is ``kinship-crm``; the import package, the command and
#: the entry-point group stay ``kinship``.
DISTRIBUTION = "kinship-crm"
#: The command that adds PostgreSQL support (psycopg 3), for messages and docs.
POSTGRES_INSTALL = f'pip install "{DISTRIBUTION}[postgres]"'

if TYPE_CHECKING:
    import pluggy

    #: Marks plugin hook implementations: ``@hookimpl`` over ``def kinship_register_…``.
    hookimpl: pluggy.HookimplMarker


def __getattr__(name: str) -> Any:
    # pluggy is imported on first use of ``hookimpl``, not by ``kinship --version`` or
    # commands that never load plugins (~12 ms of start-up).
    if name == "hookimpl":
        import pluggy

        marker = pluggy.HookimplMarker("kinship")
        globals()["hookimpl"] = marker
        return marker
    raise AttributeError(f"module 'kinship' has no attribute {name!r}")
