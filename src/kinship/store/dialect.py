"""SQL that the two backends spell differently, as small functions of the open store.

Services build queries with these instead of testing for SQLite themselves; an expression
that both backends spell alike needs no function here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from peewee import OP, SQL, Expression, NodeList, Value, fn


def _sqlite() -> bool:
    from kinship.store.handle import current

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


def unindexed_value(column: Any) -> Any:
    """``column`` of any type (a date, text) written so that SQLite will not choose an index
    on it: unary ``+`` (``+ 0`` would turn ``'2026-12-01'`` into 2026). Unchanged on
    PostgreSQL."""
    return NodeList((SQL("+"), column), glue="") if _sqlite() else column


def last_chars(text: Any, n: int) -> Any:
    """The last ``n`` characters of ``text`` (the ``MM-DD`` end of a partial date)."""
    return fn.SUBSTR(text, -n) if _sqlite() else fn.RIGHT(text, n)


def year_month(moment: Any) -> Any:
    """A timestamp's ``YYYY-MM`` as text, for grouping by month."""
    # The format is written into the SQL, not bound: PostgreSQL matches a GROUP BY expression
    # to the selected one only when they are the same text, and two parameters are not.
    # Not coerced: peewee would read the text back through the timestamp column's converter
    # (the column is to_char's first argument), which turns "2025-03" into None.
    if _sqlite():
        return fn.strftime(SQL("'%Y-%m'"), moment).coerce(False)
    return fn.to_char(moment, SQL("'YYYY-MM'")).coerce(False)


def json_array(value: Any) -> Any:
    """An aggregate: a JSON array of ``value`` over the group's rows (SQLite's JSON1,
    PostgreSQL's ``json_agg``). The driver hands it back as text or as a list."""
    return fn.json_group_array(value) if _sqlite() else fn.json_agg(value)


def in_ids(column: Any, ids: Sequence[int]) -> Any:
    """``column IN ids`` with the ids bound as one value (a JSON array read by SQLite's
    ``json_each``, an array for PostgreSQL's ``= ANY``): building and binding a thousand
    parameters cost more than the query itself."""
    if _sqlite():
        return column.in_(SQL("(SELECT value FROM json_each(?))", [json.dumps(list(ids))]))
    return Expression(column, OP.EQ, fn.ANY(Value([int(i) for i in ids], unpack=False)))
