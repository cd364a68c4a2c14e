"""Store rows → the plain records plugins receive (:mod:`kinship.records`).

Below the writers (:mod:`~kinship.services.contacts`, :mod:`~kinship.services.interactions`)
and the notifications (:mod:`~kinship.services._notify`), which all need them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TypeVar

from kinship.dates import from_store
from kinship.records import (
    ContactRecord,
    FieldRecord,
    FollowUpRecord,
    InteractionRecord,
    PartialDate,
)
from kinship.store import queries
from kinship.store.models import Contact, ContactField, Event, FollowUp, Interaction, Participant
from kinship.validation import unreadable_value

T = TypeVar("T", dict, list)  # type: ignore[type-arg]

__all__ = [
    "followup_record",
    "interaction_record",
    "records",
    "stored_json",
    "stored_partial",
    "to_record",
]


def stored_partial(where: str, text: str | None) -> PartialDate | None:
    """A stored birthday or anniversary; one kinship cannot read is left out (and said)."""
    if not text:
        return None
    return unreadable_value(where, text, "a date (YYYY-MM-DD or --MM-DD)", PartialDate.parse)


def stored_json(where: str, text: str | None, kind: type[T]) -> T:
    """A stored JSON column (``extra``, ``edited``); an unreadable one reads as empty."""
    if not text:
        return kind()

    def parse(value: str) -> T:
        data = json.loads(value)
        if not isinstance(data, kind):
            raise ValueError(f"not a JSON {kind.__name__}")
        return data

    found = unreadable_value(where, text, f"a JSON {kind.__name__}", parse)
    return found if found is not None else kind()


def to_record(
    c: Contact, *, fields: list[ContactField] | None = None, tags: list[str] | None = None
) -> ContactRecord:
    """One contact as a :class:`~kinship.records.ContactRecord` (two queries unless given)."""
    if fields is None:
        fields = list(c.fields.order_by(ContactField.kind, ContactField.position))
    if tags is None:
        tags = queries.tags_by_contact([c.id])[c.id]
    return ContactRecord(
        display_name=c.display_name,
        uid=c.uid,
        given_name=c.given_name,
        family_name=c.family_name,
        nickname=c.nickname,
        organization=c.organization,
        title=c.title,
        birthday=stored_partial(f"birthday of {_who(c)}", c.birthday),
        anniversary=stored_partial(f"anniversary of {_who(c)}", c.anniversary),
        met_how=c.met_how,
        met_on=c.met_on,
        cadence_days=c.cadence_days,
        strategy=c.strategy,
        notes=c.notes,
        archived=c.archived,
        tags=list(tags),
        fields=[FieldRecord(f.kind, f.value, f.label, f.preferred) for f in fields],
        extra=stored_json(f"extra of {_who(c)}", c.extra, dict),
        snoozed_until=c.snoozed_until,
        edited=sorted(stored_json(f"edited fields of {_who(c)}", c.edited, list)),
        source=c.source,
    )


def _who(c: Contact) -> str:
    name = " ".join(str(c.display_name).split())
    return f"contact {name[:60]!r}"


def records(contacts: Sequence[Contact]) -> list[ContactRecord]:
    """Records for many contacts with two extra queries in all."""
    ids = [c.id for c in contacts]
    fields = queries.fields_by_contact(ids)
    tags = queries.tags_by_contact(ids)
    return [to_record(c, fields=fields[c.id], tags=tags[c.id]) for c in contacts]


def interaction_record(row: Interaction) -> InteractionRecord:
    """One interaction as an :class:`~kinship.records.InteractionRecord`."""
    uids = [
        c.uid
        for c in Contact.select(Contact.uid)
        .join(Participant)
        .where(Participant.interaction == row.id)
        .order_by(Contact.sort_name)
    ]
    event_uid = ""
    if row.event_id:
        event_uid = Event.get_by_id(row.event_id).uid
    occurred = from_store(row.occurred_at)
    assert occurred is not None
    return InteractionRecord(
        occurred_at=occurred,
        kind=row.kind,
        summary=row.summary,
        participants=uids,
        notes=row.notes,
        uid=row.uid,
        event_uid=event_uid,
        source=row.source,
    )


def followup_record(row: FollowUp, contact: Contact | None = None) -> FollowUpRecord:
    """One follow-up as a :class:`~kinship.records.FollowUpRecord`, with the contact's
    name (what notifiers show)."""
    from kinship.dates import as_date

    person = contact if contact is not None else Contact.get_by_id(row.contact_id)
    due = as_date(row.due)
    assert due is not None
    return FollowUpRecord(
        contact_uid=person.uid,
        due=due,
        reason=row.reason,
        kind=row.kind,
        origin=row.origin,
        status=row.status,
        uid=row.uid,
        contact_name=person.display_name,
        priority=row.priority,
        snoozed_until=as_date(person.snoozed_until) if row.status == "snoozed" else None,
    )
