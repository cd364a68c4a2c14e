"""Follow-ups: who to reach out to, and why.

- :mod:`~kinship.services.followups.engine`: which strategies run, with which settings
  (what the entry point bound through :mod:`kinship.services.runtime`);
- :mod:`~kinship.services.followups.compute`: snapshots → strategies → ``FollowUp`` rows and
  ``Contact.next_due_at``, after each write and as days pass;
- :mod:`~kinship.services.followups.reading`: the due list, its counts, the Today groups;
- :mod:`~kinship.services.followups.parallel`: a full recompute spread over processes;
- :mod:`~kinship.services.followups.actions`: dismiss, snooze (done, which logs an
  interaction, is :mod:`kinship.services.checkin`).

Everything callers use is importable from here (``from kinship.services import followups``).
Inside the package, modules import each other, never this one.
"""

from kinship.services.followups.actions import dismiss, snooze
from kinship.services.followups.compute import (
    CATCH_UP_CHUNK,
    COMMAND_CHUNK,
    SLICES,
    RefreshReport,
    recompute_all,
    recompute_ids,
    refresh_due,
    refresh_stale,
    update_next_due,
)
from kinship.services.followups.engine import MANUAL, NEVER, Engine, engine, reset, use
from kinship.services.followups.parallel import auto_workers
from kinship.services.followups.reading import (
    TODAY_GROUPS,
    DueItem,
    TodayGroup,
    current_day,
    due_condition,
    due_counts,
    due_date_column,
    due_items,
    iter_due,
    oneline,
    people_due,
    today_groups,
)

__all__ = [
    "CATCH_UP_CHUNK",
    "COMMAND_CHUNK",
    "MANUAL",
    "NEVER",
    "SLICES",
    "TODAY_GROUPS",
    "DueItem",
    "Engine",
    "RefreshReport",
    "TodayGroup",
    "auto_workers",
    "current_day",
    "dismiss",
    "due_condition",
    "due_counts",
    "due_date_column",
    "due_items",
    "engine",
    "iter_due",
    "oneline",
    "people_due",
    "recompute_all",
    "recompute_ids",
    "refresh_due",
    "refresh_stale",
    "reset",
    "snooze",
    "today_groups",
    "update_next_due",
    "use",
]
