"""Small conversions the views share."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any


def day(value: Any) -> date:
    """The calendar date of a stored date, datetime or ISO text (no time-zone shift)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
