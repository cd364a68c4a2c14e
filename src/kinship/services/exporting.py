"""Exporting the store through an exporter plugin, page by page.

:func:`export` hands the exporter an :class:`ExportBundle` of lazy generators: each reads the
store in pages of :data:`PAGE` rows (keyset pagination on the primary key, so page 200 costs
what page 1 does) and builds the records of one page with a few set-based queries. An export
of 100k contacts never holds more than a page of them.

Everything is exported (archived contacts too, flagged; every follow-up whatever its status);
each exporter keeps what its format holds (the iCal exporter writes only open and snoozed
follow-ups, the vCard exporter only contacts). Reads run inside one transaction, so the
records form a consistent snapshot even while another process writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kinship.dates import from_store
from kinship.records import (
    ContactRecord,
    EventRecord,
    ExportBundle,
    Exporter,
    FollowUpRecord,
    InteractionRecord,
    NoteRecord,
    RelationshipRecord,
)
from kinship.services.contacts import records as contact_records
from kinship.store import current
from kinship.store.models import (
    Contact,
    EmpathyNote,
    Event,
    EventPerson,
    FollowUp,
    Interaction,
    Participant,
    Relationship,
)

__all__ = ["PAGE", "ExportCounts", "export", "iter_contacts", "iter_events"]

#: Rows read per query.
PAGE = 500


@dataclass
class ExportCounts:
    """How many records of each kind the exporter wrote (what it says it wrote, else what it
    consumed)."""

    counts: dict[str, int] = field(default_factory=dict)

    def bump(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def export(
    exporter: Exporter,
    path: str | Path,
    *,
    options: dict[str, str] | None = None,
    counts: ExportCounts | None = None,
) -> int:
    """Write the whole store with ``exporter`` to ``path``; return the records it consumed.

    ``options`` reach the exporter as ``bundle.options`` (e.g. ``{"vcard_version": "4.0"}``);
    ``counts``, when given, is filled per kind (contacts, events, …).
    """
    counts = counts if counts is not None else ExportCounts()
    bundle = ExportBundle(
        contacts=_counted(iter_contacts(), "contacts", counts),
        events=_counted(iter_events(), "events", counts),
        interactions=_counted(iter_interactions(), "interactions", counts),
        notes=_counted(iter_notes(), "notes", counts),
        relationships=_counted(iter_relationships(), "relationships", counts),
        followups=_counted(iter_followups(), "followups", counts),
        options=dict(options or {}),
    )
    from kinship.fileperms import private_output

    # One consistent state for every generator; what the write creates is private (0600/0700).
    with current().snapshot(), private_output(path):
        exporter.write(bundle, Path(path))
    if bundle.written:
        # The exporter says what it wrote (a calendar writes open follow-ups only, and
        # contacts as birthday events): that is what the report counts.
        counts.counts = {kind: int(n) for kind, n in bundle.written.items()}
    return counts.total


def _counted(items: Iterator[Any], kind: str, counts: ExportCounts) -> Iterator[Any]:
    for item in items:
        counts.bump(kind)
        yield item


def _pages(query: Any, key: Any) -> Iterator[list[Any]]:
    """Rows of ``query`` ordered by ``key`` (the primary key), one page at a time."""
    last = 0
    while True:
        page = list(query.where(key > last).order_by(key).limit(PAGE))
        if not page:
            return
        yield page
        last = page[-1].id
        if len(page) < PAGE:
            return


# --------------------------------------------------------------------------- records


def iter_contacts() -> Iterator[ContactRecord]:
    """Every contact, by id, as records (three queries per page)."""
    for page in _pages(Contact.select(), Contact.id):
        yield from contact_records(page)


def _zone(name: str) -> Any:
    if not name or name == "UTC":
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _event_time(stored: datetime | None, all_day: bool, zone: Any) -> date | datetime | None:
    if stored is None:
        return None
    if all_day:
        return stored.date()
    aware = from_store(stored)
    assert aware is not None
    return aware.astimezone(zone) if zone is not None else aware


def _date_list(text: str, zone: Any) -> list[date | datetime]:
    if not text:
        return []
    out: list[date | datetime] = []
    for item in json.loads(text):
        if "T" in item:
            dt = datetime.fromisoformat(item)
            if dt.tzinfo is None:  # naive UTC, as the importer stores them
                dt = dt.replace(tzinfo=UTC)
            if zone is not None:
                dt = dt.astimezone(zone)
            out.append(dt)
        else:
            out.append(date.fromisoformat(item))
    return out


def _recurrence(text: str, zone: Any) -> dict[str, Any]:
    """``Event.recurrence_id`` (see the model) as the record's recurrence_id and range."""
    if not text:
        return {}
    value, _, range_ = text.partition(";")
    when: date | datetime
    if "T" in value:
        when = datetime.fromisoformat(value).replace(tzinfo=UTC)
        if zone is not None:
            when = when.astimezone(zone)
    else:
        when = date.fromisoformat(value)
    return {"recurrence_id": when, "recurrence_range": range_}


def iter_events() -> Iterator[EventRecord]:
    for page in _pages(Event.select(), Event.id):
        ids = [e.id for e in page]
        people: dict[int, list[str]] = {i: [] for i in ids}
        for eid, uid in (
            EventPerson.select(EventPerson.event, Contact.uid)
            .join(Contact)
            .where(EventPerson.event.in_(ids))
            .order_by(EventPerson.event, Contact.uid)
            .tuples()
        ):
            people[eid].append(uid)
        for e in page:
            zone = _zone(e.timezone)
            start = _event_time(e.start, e.all_day, zone)
            assert start is not None
            yield EventRecord(
                summary=e.summary,
                start=start,
                uid=e.uid,
                end=_event_time(e.end, e.all_day, zone),
                all_day=bool(e.all_day),
                timezone=e.timezone,
                kind=e.kind,
                location=e.location,
                description=e.description,
                rrule=e.rrule,
                rdates=_date_list(e.rdates, zone),
                exdates=_date_list(e.exdates, zone),
                contact_uids=people[e.id],
                source=e.source,
                **_recurrence(e.recurrence_id, zone),
            )


def iter_interactions() -> Iterator[InteractionRecord]:
    for page in _pages(Interaction.select(), Interaction.id):
        ids = [i.id for i in page]
        people: dict[int, list[str]] = {i: [] for i in ids}
        for iid, uid in (
            Participant.select(Participant.interaction, Contact.uid)
            .join(Contact)
            .where(Participant.interaction.in_(ids))
            .order_by(Participant.interaction, Contact.uid)
            .tuples()
        ):
            people[iid].append(uid)
        event_ids = sorted({i.event_id for i in page if i.event_id})
        events = dict(Event.select(Event.id, Event.uid).where(Event.id.in_(event_ids)).tuples())
        for i in page:
            occurred = from_store(i.occurred_at)
            assert occurred is not None
            yield InteractionRecord(
                occurred_at=occurred,
                kind=i.kind,
                summary=i.summary,
                participants=people[i.id],
                notes=i.notes,
                uid=i.uid,
                event_uid=events.get(i.event_id, "") if i.event_id else "",
                source=i.source,
            )


def _uids(contact_ids: set[int]) -> dict[int, str]:
    return dict(
        Contact.select(Contact.id, Contact.uid).where(Contact.id.in_(sorted(contact_ids))).tuples()
    )


def iter_notes() -> Iterator[NoteRecord]:
    for page in _pages(EmpathyNote.select(), EmpathyNote.id):
        uids = _uids({n.contact_id for n in page})
        for n in page:
            yield NoteRecord(
                contact_uid=uids[n.contact_id],
                body=n.body,
                kind=n.kind,
                pinned=bool(n.pinned),
                created_at=from_store(n.created_at),
                updated_at=from_store(n.updated_at),
            )


def iter_relationships() -> Iterator[RelationshipRecord]:
    for page in _pages(Relationship.select(), Relationship.id):
        uids = _uids({r.from_contact_id for r in page} | {r.to_contact_id for r in page})
        for r in page:
            yield RelationshipRecord(uids[r.from_contact_id], uids[r.to_contact_id], r.kind)


def iter_followups() -> Iterator[FollowUpRecord]:
    for page in _pages(FollowUp.select(), FollowUp.id):
        uids = _uids({f.contact_id for f in page})
        for f in page:
            yield FollowUpRecord(
                contact_uid=uids[f.contact_id],
                due=f.due,
                reason=f.reason,
                kind=f.kind,
                origin=f.origin,
                status=f.status,
                uid=f.uid,
            )
