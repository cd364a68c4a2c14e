"""kinship-cadence-learner: notice when a relationship is cooling, without setting a cadence.

A third-party follow-up strategy for kinship. It learns each person's rhythm from the dates of
past interactions (the median gap between days you were in touch) and suggests a check-in once
the silence is clearly longer than usual::

    you usually talk every ~21 days; it has been 40 (cooling)

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

__all__ = ["NAME", "PRIORITY", "kinship_register_followup_strategies", "suggest"]
__version__ = "0.1.0"

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


def suggest(snapshot: ContactSnapshot, today: date) -> Iterator[Suggestion]:
    """Suggest a check-in when the silence is longer than ``factor`` × the usual gap."""
    if snapshot.archived or (snapshot.snoozed_until is not None and snapshot.snoozed_until > today):
        return
    raw = snapshot.settings.get(NAME) if snapshot.settings else None
    settings: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    if settings.get("skip_if_cadence", True) is not False and snapshot.cadence_days:
        return
    factor = _number(settings, "factor", 1.5, minimum=1.0)
    needed = int(_number(settings, "min_interactions", 4, minimum=2))

    days = sorted({d for d in snapshot.interaction_dates if d <= today})
    if len(days) < needed:
        return
    gaps = [(later - earlier).days for earlier, later in itertools.pairwise(days)]
    usual = statistics.median(gaps)
    last = days[-1]
    local_last = _local_last(snapshot, settings)
    if local_last is not None and last < local_last <= today:
        last = local_last
    silence = (today - last).days
    threshold = factor * usual
    if silence <= threshold:
        return
    due = last + timedelta(days=math.floor(threshold) + 1)
    rhythm = "every day" if round(usual) <= 1 else f"every ~{round(usual)} days"
    reason = f"you usually talk {rhythm}; it has been {silence} (cooling)"
    yield Suggestion(snapshot.uid, "check-in", due, reason, PRIORITY, NAME)


STRATEGY = Strategy(NAME, "Notice when a relationship is cooling, from its own rhythm", suggest)


@hookimpl
def kinship_register_followup_strategies(register: Callable[[Strategy], None]) -> None:
    register(STRATEGY)
