"""SQL that the two backends spell differently, as small functions of the open store.

Services build queries with these instead of testing for SQLite themselves.
"""

from __future__ import annotations

from typing import Any

from peewee import OP, Expression, fn


def _sqlite() -> bool:
    from kinship.store.db import current

    return current().is_sqlite


def modulo(value: Any, n: int) -> Any:
    """``value % n``. (Peewee's ``%`` operator is LIKE, and PostgreSQL's driver reads a bare
    ``%`` in SQL text as a placeholder.)"""
    return Expression(value, OP.MOD, n) if _sqlite() else fn.MOD(value, n)


def unindexed(column: Any) -> Any:
    """``column``, written so that SQLite will not choose an index on it (``+ 0``) when
    another filter has the better plan. PostgreSQL's planner needs no such hint (and has no
    ``boolean + integer``)."""
    return (column + 0) if _sqlite() else column
