"""Store rows → the plain records plugins receive (:mod:`kinship.records`).

Below the writers (:mod:`~kinship.services.contacts`, :mod:`~kinship.services.interactions`)
and the notifications (:mod:`~kinship.services._notify`), which all need them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from kinship.dates import from_store
from kinship.records import ContactRecord, FieldRecord, InteractionRecord, PartialDate
from kinship.store import queries
from kinship.store.models import Contact, ContactField, Event, Interaction, Participant

__all__ = ["interaction_record", "records", "to_record"]


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
        birthday=PartialDate.parse(c.birthday) if c.birthday else None,
        anniversary=PartialDate.parse(c.anniversary) if c.anniversary else None,
        met_how=c.met_how,
        met_on=c.met_on,
        cadence_days=c.cadence_days,
        strategy=c.strategy,
        notes=c.notes,
        archived=c.archived,
        tags=list(tags),
        fields=[FieldRecord(f.kind, f.value, f.label, f.preferred) for f in fields],
        extra=json.loads(c.extra) if c.extra else {},
        snoozed_until=c.snoozed_until,
        edited=sorted(json.loads(c.edited)) if c.edited else [],
        source=c.source,
    )


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
