"""kinship-cadence-learner: notice when a relationship is cooling, without setting a cadence.

A third-party follow-up strategy for kinship. It learns each person's rhythm from the dates of
past interactions (the median gap between days you were in touch) and suggests a check-in once
the silence is clearly longer than usual::

    you usually talk every ~21 days; last talked on Oct 7, 2026 (cooling)

Like every kinship strategy it is a pure function of a :class:`kinship.records.ContactSnapshot`
and ``today``: no database, no I/O. It imports only :data:`kinship.hookimpl` and
:mod:`kinship.records`.

Settings (``[strategies.cadence-learner]`` in kinship's config file):

``factor`` (1.5)
    suggest once the days since the last interaction exceed ``factor`` × the median gap.
``min_interactions`` (4)
    how many days with an interaction are needed before a rhythm is trusted.
``skip_if_cadence`` (true)
    leave contacts with an explicit cadence to the builtin ``cadence`` strategy.
``tz`` (the system's zone)
    IANA zone name whose calendar days count for ``last_interaction_at``.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kinship import hookimpl
from kinship.records import ContactSnapshot, Strategy, Suggestion

__all__ = ["NAME", "PRIORITY", "changes", "kinship_register_followup_strategies", "suggest"]
__version__ = "0.2.0"

NAME = "cadence-learner"
#: Between a due check-in (40) and an offer of help (80) on kinship's priority scale.
PRIORITY = 60


def _number(settings: Mapping[str, Any], key: str, default: float, minimum: float) -> float:
    value = settings.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value) if value >= minimum else default


def _local_last(snapshot: ContactSnapshot, settings: Mapping[str, Any]) -> date | None:
    moment = snapshot.last_interaction_at
    if moment is None:
        return None
    zone = None
    name = settings.get("tz")
    if isinstance(name, str) and name.strip():
        try:
            zone = ZoneInfo(name.strip())
        except (ZoneInfoNotFoundError, ValueError):
            zone = None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date()


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _settings(snapshot: ContactSnapshot) -> Mapping[str, Any] | None:
    """The plugin's settings, or None when it has nothing to say about this person."""
    raw = snapshot.settings.get(NAME) if snapshot.settings else None
    settings: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    if settings.get("skip_if_cadence", True) is not False and snapshot.cadence_days:
        return None
    return settings


def _rhythm(
    snapshot: ContactSnapshot, settings: Mapping[str, Any], today: date
) -> tuple[float, date, date] | None:
    """(the usual gap, the last day in touch, the day it is cooling from) as of ``today``."""
    factor = _number(settings, "factor", 1.5, minimum=1.0)
    needed = int(_number(settings, "min_interactions", 4, minimum=2))
    days = sorted({d for d in snapshot.interaction_dates if d <= today})
    if len(days) < needed:
        return None
    gaps = [(later - earlier).days for earlier, later in itertools.pairwise(days)]
    usual = statistics.median(gaps)
    last = days[-1]
    local_last = _local_last(snapshot, settings)
    if local_last is not None and last < local_last <= today:
        last = local_last
    return usual, last, last + timedelta(days=math.floor(factor * usual) + 1)


def suggest(snapshot: ContactSnapshot, today: date) -> Iterator[Suggestion]:
    """Suggest a check-in when the silence is longer than ``factor`` × the usual gap."""
    if snapshot.archived or (snapshot.snoozed_until is not None and snapshot.snoozed_until > today):
        return
    settings = _settings(snapshot)
    found = _rhythm(snapshot, settings, today) if settings is not None else None
    if found is None:
        return
    usual, last, due = found
    if today < due:
        return
    rhythm = "every day" if round(usual) <= 1 else f"every ~{round(usual)} days"
    # A date, not "it has been 40": a reason that counts days changes (is rewritten) daily.
    when = f"{_MONTHS[last.month - 1]} {last.day}, {last.year}"
    reason = f"you usually talk {rhythm}; last talked on {when} (cooling)"
    yield Suggestion(snapshot.uid, "check-in", due, reason, PRIORITY, NAME)


def changes(snapshot: ContactSnapshot, today: date) -> date | None:
    """The next day :func:`suggest` may answer differently: the day the silence turns into
    cooling, a logged day still ahead coming round, a snooze ending."""
    if snapshot.archived:
        return None
    if snapshot.snoozed_until is not None and snapshot.snoozed_until > today:
        return snapshot.snoozed_until
    settings = _settings(snapshot)
    if settings is None:
        return None
    ahead = [d for d in snapshot.interaction_dates if d > today]
    local_last = _local_last(snapshot, settings)
    if local_last is not None and local_last > today:
        ahead.append(local_last)
    found = _rhythm(snapshot, settings, today)
    if found is not None and found[2] > today:
        ahead.append(found[2])
    return min(ahead) if ahead else None


STRATEGY = Strategy(
    NAME,
    "Notice when a relationship is cooling, from its own rhythm",
    suggest,
    changes=changes,
)


@hookimpl
def kinship_register_followup_strategies(register: Callable[[Strategy], None]) -> None:
    register(STRATEGY)
