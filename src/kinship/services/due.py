"""Keeping ``Contact.next_due_at`` right, set-based, inside the caller's transaction.

next_due_at is the earliest of: the cadence date (last interaction, or creation, plus the
contact's cadence or the shortest cadence of its tags) and the earliest open follow-up; a
snooze pushes it to the snooze date. The due list is then an index lookup on this column.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from peewee import fn

from kinship.store.models import Contact, ContactTag, FollowUp, Tag

CHUNK = 500


def _cadence_due(last: object, created: object, cadence: int | None) -> date | None:
    if not cadence:
        return None
    base = last or created
    if base is None:
        return None
    return base.date() + timedelta(days=cadence)  # type: ignore[attr-defined]


def refresh_due(contact_ids: Iterable[int]) -> None:
    ids = list(set(contact_ids))
    for start in range(0, len(ids), CHUNK):
        _refresh_chunk(ids[start : start + CHUNK])


def _refresh_chunk(ids: list[int]) -> None:
    tag_cadence = dict(
        ContactTag.select(ContactTag.contact, fn.MIN(Tag.cadence_days))
        .join(Tag)
        .where(ContactTag.contact.in_(ids) & Tag.cadence_days.is_null(False))
        .group_by(ContactTag.contact)
        .tuples()
    )
    open_due = dict(
        FollowUp.select(FollowUp.contact, fn.MIN(FollowUp.due))
        .where(FollowUp.contact.in_(ids) & (FollowUp.status == "open"))
        .group_by(FollowUp.contact)
        .tuples()
    )
    rows = Contact.select(
        Contact.id,
        Contact.cadence_days,
        Contact.last_interaction_at,
        Contact.created_at,
        Contact.snoozed_until,
        Contact.archived,
        Contact.next_due_at,
    ).where(Contact.id.in_(ids))
    for c in rows:
        due: date | None = None
        if not c.archived:
            cadence = c.cadence_days or tag_cadence.get(c.id)
            candidates = [d for d in (_cadence_due(c.last_interaction_at, c.created_at, cadence), _as_date(open_due.get(c.id))) if d]
            due = min(candidates) if candidates else None
            if due and c.snoozed_until and c.snoozed_until > due:
                due = c.snoozed_until
        if due != c.next_due_at:
            Contact.update(next_due_at=due).where(Contact.id == c.id).execute()


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value  # type: ignore[return-value]
    return date.fromisoformat(str(value)[:10])
