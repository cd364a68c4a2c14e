"""Shared set-up for the network workflows' service tests: a store with the builtin
strategies and a fixed today (a Monday-free Sunday, so "this week" is unambiguous)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from kinship.builtin.strategies import default_strategies
from kinship.config import Settings
from kinship.services import followups

#: A Sunday: the week began on Monday 2025-06-09.
TODAY = date(2025, 6, 15)
MONDAY = TODAY - timedelta(days=TODAY.weekday())
NAMES = ("cadence", "occasions", "appreciation", "give-first", "introductions", "new-people")


def use(today: date = TODAY, **tables: Any) -> followups.Engine:
    strategies = {n: {"tz": "UTC"} for n in NAMES}
    for name, table in tables.items():
        strategies.setdefault(name.replace("_", "-"), {}).update(table)
    return followups.use(default_strategies(), Settings(strategies=strategies), today=today)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def ago(days: int, hour: int = 12) -> datetime:
    return at(TODAY - timedelta(days=days), hour)


def due(today: date = TODAY, **kw: Any) -> list[tuple[str, str, str]]:
    followups.refresh_stale(today)
    return [(i.display_name, i.kind, i.reason) for i in followups.due_items(today, **kw)]
