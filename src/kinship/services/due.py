"""Keeping follow-ups and ``Contact.next_due_at`` right, inside the caller's transaction.

:func:`refresh_due` is what every write that matters calls (log, contact edits, tags, archive,
merge, snooze, done, dismiss): it re-runs the follow-up engine for just those contacts —
so the ``FollowUp`` rows a logged interaction satisfies are closed in the same transaction —
and then updates ``next_due_at``.

``next_due_at`` is the earliest of: the cadence date (last interaction, or creation, plus the
contact's cadence or the shortest cadence of its tags) and the earliest open follow-up. A
contact snoozed until a day on or after ``today`` is due no earlier than that day, so it wakes
up when the snooze ends. Archived contacts have none. The due list and the daily catch-up
(:mod:`kinship.services.followups`) are then index lookups on this column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from peewee import Case, fn

from kinship.services.snapshots import id_filter
from kinship.store.models import Contact, FollowUp

CHUNK = 500


def _cadence_due(last: object, created: object, cadence: int | None) -> date | None:
    if not cadence:
        return None
    base = last or created
    if base is None:
        return None
    if isinstance(base, str):
        base = datetime.fromisoformat(base)
    day = base.date() if isinstance(base, datetime) else base
    assert isinstance(day, date)
    return day + timedelta(days=cadence)


def refresh_due(contact_ids: Iterable[int], *, recompute: bool = True) -> None:
    """Recompute the follow-ups of ``contact_ids`` and their ``next_due_at``.

    Runs inside the caller's transaction when there is one. ``recompute=False`` only updates
    ``next_due_at`` from the rows already there.
    """
    ids = sorted(set(contact_ids))
    if not ids:
        return
    if recompute:
        from kinship.services import followups

        followups.recompute_ids(ids)
        return
    for start in range(0, len(ids), CHUNK):
        update_next_due(ids[start : start + CHUNK])


def update_next_due(
    ids: list[int],
    cadences: Mapping[int, int | None] | None = None,
    *,
    today: date | None = None,
) -> int:
    """Set ``next_due_at`` for ``ids`` (one chunk); return how many rows changed.

    ``cadences`` are the effective cadences when the caller has them already.
    """
    if not ids:
        return 0
    if today is None:
        from kinship.services import followups

        today = followups.engine().today()
    if cadences is None:
        from kinship.services import followups, snapshots

        cadences = snapshots.effective_cadences(ids, followups.engine().config)
    open_due = dict(
        FollowUp.select(FollowUp.contact, fn.MIN(FollowUp.due))
        .where(id_filter(FollowUp.contact, ids) & (FollowUp.status == "open"))
        .group_by(FollowUp.contact)
        .tuples()
    )
    rows = Contact.select(
        Contact.id,
        Contact.last_interaction_at,
        Contact.created_at,
        Contact.snoozed_until,
        Contact.archived,
        Contact.next_due_at,
    ).where(id_filter(Contact.id, ids))
    wanted = set(ids)
    changed: dict[date | None, list[int]] = {}
    for c in rows.tuples():
        cid, last, created, snoozed, archived, current = c
        if cid not in wanted:
            continue
        due: date | None = None
        if not archived:
            candidates = [
                d
                for d in (
                    _cadence_due(last, created, cadences.get(cid)),
                    _as_date(open_due.get(cid)),
                )
                if d
            ]
            due = min(candidates) if candidates else None
            snoozed = _as_date(snoozed)
            if snoozed is not None and snoozed >= today and (due is None or snoozed > due):
                due = snoozed
        if due != _as_date(current):
            changed.setdefault(due, []).append(cid)
    # One UPDATE … CASE per 250 changed contacts, not one per contact.
    pairs = [(cid, due) for due, group in changed.items() for cid in group]
    for start in range(0, len(pairs), 250):
        part = pairs[start : start + 250]
        Contact.update(next_due_at=Case(Contact.id, part)).where(
            Contact.id.in_([cid for cid, _ in part])
        ).execute()
    return sum(len(g) for g in changed.values())


def _as_date(value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
