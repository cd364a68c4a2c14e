"""Dates as people type them, and the UTC convention of the store.

Accepted: ISO dates and datetimes, ``today``, ``yesterday``, ``tomorrow``, ``3 days ago``,
``2 weeks ago``, ``in 5 days``, ``last friday``, ``next monday``, ``friday`` (the most recent
one), and for birthdays ``--04-15`` / ``--0415`` (no year).

Hand-written on purpose: these few forms cover the CLI and forms, and ``dateparser`` (the
library that does this in general) costs ~0.3 s of import and a large locale dataset on
every command for forms we do not need.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from kinship.errors import ValidationError
from kinship.records import PartialDate

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_UNITS = {"day": 1, "week": 7}
_AGO = re.compile(r"^(\d+|a|an|one)\s+(day|week|month|year)s?\s+ago$")
_IN = re.compile(r"^in\s+(\d+|a|an|one)\s+(day|week|month|year)s?$")
_REL = re.compile(
    r"^(last|next|this)?\s*(" + "|".join(_WEEKDAYS) + r"|mon|tue|wed|thu|fri|sat|sun)$"
)

HELP = "use YYYY-MM-DD, today, yesterday, '3 days ago', 'last friday' or 'in 2 weeks'"


def _count(word: str) -> int:
    return 1 if word in ("a", "an", "one") else int(word)


def _shift(today: date, n: int, unit: str) -> date:
    if unit in _UNITS:
        return today + timedelta(days=n * _UNITS[unit])
    months = n * (12 if unit == "year" else 1)
    y, m = divmod(today.month - 1 + months, 12)
    year, month = today.year + y, m + 1
    if not date.min.year <= year <= date.max.year:
        raise OverflowError("date value out of range")
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def parse_date(text: str, today: date | None = None) -> date:
    """A calendar date from ISO or natural text; raise ValidationError with help."""
    today = today or date.today()
    s = " ".join(text.strip().lower().split())
    if not s:
        raise ValidationError(f"empty date; {HELP}")
    if s == "today" or s == "now":
        return today
    if s == "yesterday":
        return today - timedelta(days=1)
    if s == "tomorrow":
        return today + timedelta(days=1)
    if m := _AGO.match(s) or _IN.match(s):
        sign = -1 if s.endswith("ago") else 1
        try:
            return _shift(today, sign * _count(m.group(1)), m.group(2))
        except (OverflowError, ValueError):
            raise ValidationError(f"date out of range: {text!r}") from None
    if m := _REL.match(s):
        which, name = m.group(1) or "last", m.group(2)
        target = next(i for i, d in enumerate(_WEEKDAYS) if d.startswith(name[:3]))
        if which == "next":
            return today + timedelta(days=(target - today.weekday() - 1) % 7 + 1)
        if which == "this":
            return today + timedelta(days=target - today.weekday())
        return today - timedelta(days=(today.weekday() - target - 1) % 7 + 1)
    try:
        if "t" in s or " " in s:
            return datetime.fromisoformat(text.strip()).date()
        return date.fromisoformat(s)
    except ValueError:
        raise ValidationError(f"not a date: {text!r}; {HELP}") from None


def parse_datetime(text: str, now: datetime | None = None) -> datetime:
    """An aware datetime: full ISO datetimes keep their time, dates mean noon local time
    (so a date typed in any time zone stays that date), ``now`` means now."""
    now = now or datetime.now().astimezone()
    s = text.strip()
    if s.lower() == "now":
        return now
    if ("T" in s or ":" in s) and not s.lower().endswith("ago"):
        try:
            dt = datetime.fromisoformat(s)
        except ValueError:
            raise ValidationError(f"not a date and time: {text!r}; {HELP}") from None
    else:
        day = parse_date(s, now.date())
        if day == now.date():
            return now
        dt = datetime.combine(day, time(12, 0))
    try:
        # Local time and the store's UTC must both exist (not so near year 1 or 9999).
        dt = dt if dt.tzinfo else dt.astimezone()
        dt.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValidationError(f"date out of range: {text!r}") from None
    return dt


def parse_partial(text: str) -> PartialDate:
    """A birthday or anniversary: ``1815-12-10``, ``--12-10`` (no year) or ``--1210``."""
    try:
        return PartialDate.parse(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def to_store(dt: datetime) -> datetime:
    """Aware (or local naive) → naive UTC, as stored."""
    if dt.tzinfo is None:
        dt = dt.astimezone()
    return dt.astimezone(UTC).replace(tzinfo=None)


def from_store(dt: datetime | None) -> datetime | None:
    """Naive UTC from the store → aware UTC."""
    if dt is None:
        return None
    if isinstance(dt, str):  # pragma: no cover - some backends hand back text
        dt = datetime.fromisoformat(dt)
    return dt.replace(tzinfo=UTC)


def local_date(dt: datetime) -> date:
    """The calendar day of an aware instant in the user's local time zone."""
    return dt.astimezone().date()


# --------------------------------------------------------------------------- words


def _n(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def relative(day: date, today: date) -> str:
    """``day`` as people say it: "today", "yesterday", "3 days ago", "3 weeks ago",
    "5 months ago", "2 years ago", "tomorrow", "in 4 days" … (whole units, rounded down)."""
    days = (day - today).days
    if days == 0:
        return "today"
    if days == -1:
        return "yesterday"
    if days == 1:
        return "tomorrow"
    n = abs(days)
    if n < 14:
        text = _n(n, "day")
    elif n < 60:
        text = _n(n // 7, "week")
    elif n < 730:
        text = _n(n // 30, "month")
    else:
        text = _n(n // 365, "year")
    return f"{text} ago" if days < 0 else f"in {text}"


def due_words(due: date, today: date) -> str:
    """How a due date stands today: "due today", "3 days overdue", "due in 2 days"."""
    days = (due - today).days
    if days < 0:
        return f"{_n(-days, 'day')} overdue"
    if days == 0:
        return "due today"
    return f"due in {_n(days, 'day')}"


def as_date(value: object) -> date | None:
    """A stored date (a ``date``, a ``datetime`` or ISO text) as a date; ``None`` for
    nothing or for text that is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
