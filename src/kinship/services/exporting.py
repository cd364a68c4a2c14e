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
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from peewee import PeeweeException

from kinship.dates import from_store
from kinship.errors import KinshipError, StoreError
from kinship.records import (
    CaptureRecord,
    ContactRecord,
    EventRecord,
    ExportBundle,
    Exporter,
    FollowUpRecord,
    InteractionRecord,
    IntroductionRecord,
    NoteRecord,
    RelationshipRecord,
    TagRecord,
)
from kinship.services import outputs
from kinship.services.contacts import records as contact_records
from kinship.store import current
from kinship.store.handle import CHECK_HINT
from kinship.store.models import (
    Capture,
    Contact,
    EmpathyNote,
    Event,
    EventPerson,
    FollowUp,
    Interaction,
    Introduction,
    Participant,
    Relationship,
    Tag,
)
from kinship.validation import unreadable_value

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
    force: bool = False,
    same_kind: Callable[[Path], bool] | None = None,
) -> int:
    """Write the whole store with ``exporter`` to ``path``; return the records it consumed.

    ``options`` reach the exporter as ``bundle.options`` (e.g. ``{"vcard_version": "4.0"}``);
    ``counts``, when given, is filled per kind (contacts, events, …).

    ``path`` is checked first (:func:`kinship.services.outputs.check_target`): the store's own
    files are never written, and an existing file that is not a previous export of this kind
    (``same_kind``, by default ``exporter.sniff``) only with ``force``. A file export is written
    to a temporary file and renamed into place when complete.
    """
    store = current()
    folder = exporter.suffix == ""
    target = outputs.check_target(
        Path(path),
        store=store,
        folder=folder,
        kind=exporter.name,
        same_kind=same_kind or exporter.sniff,
        force=force,
    )
    counts = counts if counts is not None else ExportCounts()
    bundle = ExportBundle(
        contacts=_counted(iter_contacts(), "contacts", counts),
        events=_counted(iter_events(), "events", counts),
        interactions=_counted(iter_interactions(), "interactions", counts),
        notes=_counted(iter_notes(), "notes", counts),
        relationships=_counted(iter_relationships(), "relationships", counts),
        followups=_counted(iter_followups(), "followups", counts),
        tags=_counted(iter_tags(), "tags", counts),
        introductions=_counted(iter_introductions(), "introductions", counts),
        captures=_counted(iter_captures(), "captures", counts),
        options=dict(options or {}),
    )
    from kinship.fileperms import private_output

    try:
        # One consistent state for every generator; what the write creates is private
        # (0600/0700).
        with store.snapshot(), private_output(target):
            if folder:
                exporter.write(bundle, target)
            else:
                outputs.replace_file(target, lambda tmp: exporter.write(bundle, tmp))
    except (KinshipError, OSError, PeeweeException, sqlite3.Error):
        raise
    except Exception as exc:
        # A bug in the exporter (often a plugin): one line, and the old file is untouched.
        text = " ".join(str(exc).split()) or type(exc).__name__
        kept = "" if folder else f"; {path} is as it was"
        raise KinshipError(
            f"export with {exporter.name!r} failed ({type(exc).__name__}): {text}{kept}"
        ) from exc
    if bundle.written:
        # The exporter says what it wrote (a calendar writes open follow-ups only, and
        # contacts as birthday events): that is what the report counts.
        counts.counts = {kind: int(n) for kind, n in bundle.written.items()}
    return counts.total


def _counted(items: Iterator[Any], kind: str, counts: ExportCounts) -> Iterator[Any]:
    while True:
        try:
            item = next(items)
        except StopIteration:
            return
        except ValueError as exc:
            # A stored value that does not parse: the store's fault, not the exporter's.
            text = " ".join(str(exc).split())
            raise StoreError(
                f"a stored value in {kind} cannot be read ({text}); {CHECK_HINT}"
            ) from exc
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


def _date_list(text: str, zone: Any, where: str = "event.rdates") -> list[date | datetime]:
    """A stored list of recurrence dates; one kinship cannot read is left out (and said)."""
    if not text:
        return []

    def parse(value: str) -> list[date | datetime]:
        out: list[date | datetime] = []
        for item in json.loads(value):
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

    return unreadable_value(where, text, "a list of dates", parse) or []


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
        roles: dict[int, dict[str, str]] = {i: {} for i in ids}
        for eid, uid, role in (
            EventPerson.select(EventPerson.event, Contact.uid, EventPerson.role)
            .join(Contact)
            .where(EventPerson.event.in_(ids))
            .order_by(EventPerson.event, Contact.uid)
            .tuples()
        ):
            people[eid].append(uid)
            if role and role != "attendee":
                roles[eid][uid] = role
        for e in page:
            zone = _zone(e.timezone)
            start = _event_time(e.start, e.all_day, zone)
            if start is None:  # unreadable (reported when read): nothing to export
                continue
            yield EventRecord(
                summary=e.summary,
                start=start,
                uid=e.uid,
                end=_event_time(e.end, e.all_day, zone),
                all_day=bool(e.all_day),
                timezone=e.timezone,
                vtimezone=e.vtimezone,
                kind=e.kind,
                location=e.location,
                description=e.description,
                rrule=e.rrule,
                rdates=_date_list(e.rdates, zone),
                exdates=_date_list(e.exdates, zone, "event.exdates"),
                contact_uids=people[e.id],
                roles=roles[e.id],
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
            if occurred is None:  # unreadable (reported when read): nothing to export
                continue
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
            if f.due is None:  # unreadable (reported when read)
                continue
            yield FollowUpRecord(
                contact_uid=uids[f.contact_id],
                due=f.due,
                reason=f.reason,
                kind=f.kind,
                origin=f.origin,
                status=f.status,
                uid=f.uid,
                priority=f.priority,
                snoozed_until=f.snoozed_until,
                done_at=from_store(f.done_at),
            )


def iter_tags() -> Iterator[TagRecord]:
    for page in _pages(Tag.select(), Tag.id):
        for t in page:
            yield TagRecord(t.name, t.cadence_days)


def iter_introductions() -> Iterator[IntroductionRecord]:
    for page in _pages(Introduction.select(), Introduction.id):
        uids = _uids({i.person_id for i in page} | {i.to_id for i in page})
        for i in page:
            yield IntroductionRecord(
                person_uid=uids[i.person_id],
                to_uid=uids[i.to_id],
                why=i.why,
                status=i.status,
                created_at=from_store(i.created_at),
                asked_at=from_store(i.asked_at),
                made_at=from_store(i.made_at),
                followed_up_at=from_store(i.followed_up_at),
                declined_at=from_store(i.declined_at),
                status_at=from_store(i.status_at),
            )


def iter_captures() -> Iterator[CaptureRecord]:
    for page in _pages(Capture.select(), Capture.id):
        uids = _uids({c.contact_id for c in page})
        events = {
            eid: (uid, rid)
            for eid, uid, rid in Event.select(Event.id, Event.uid, Event.recurrence_id)
            .where(Event.id.in_(sorted({c.event_id for c in page})))
            .tuples()
        }
        for c in page:
            uid, rid = events[c.event_id]
            yield CaptureRecord(
                event_uid=uid,
                contact_uid=uids[c.contact_id],
                phrase=c.phrase,
                captured_at=from_store(c.captured_at),
                event_recurrence_id=rid,
            )
