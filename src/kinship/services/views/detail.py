"""One contact: the TUI's detail panes (:func:`detail`) and everything ``show`` prints
(:func:`card`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kinship.dates import from_store
from kinship.services.interactions import others_in
from kinship.services.views._common import day
from kinship.services.views.contacts import ContactSummary, summaries_of
from kinship.services.views.ledger import GiveGet, give_get
from kinship.services.views.notes import NoteItem, notes
from kinship.services.views.relations import RelationItem, relations
from kinship.services.views.timeline import TimelineItem, monthly_counts, timeline
from kinship.store import queries
from kinship.store.models import (
    Contact,
    ContactField,
    Event,
    EventPerson,
    FollowUp,
    Interaction,
    Participant,
)


@dataclass(frozen=True, slots=True)
class FollowUpItem:
    """An open follow-up of one contact."""

    due: date
    kind: str
    reason: str
    origin: str
    status: str

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "due": self.due.isoformat(),
            "reason": self.reason,
            "origin": self.origin,
            "status": self.status,
        }


def open_followups(contact_id: int) -> list[FollowUpItem]:
    """A contact's open follow-ups, soonest first."""
    return [
        FollowUpItem(day(due), kind, reason, origin, status)
        for due, kind, reason, origin, status in FollowUp.select(
            FollowUp.due, FollowUp.kind, FollowUp.reason, FollowUp.origin, FollowUp.status
        )
        .where((FollowUp.contact == contact_id) & (FollowUp.status == "open"))
        .order_by(FollowUp.due)
        .tuples()
        if due is not None  # unreadable (reported when read): left out
    ]


# --------------------------------------------------------------------------- the TUI panes


@dataclass(frozen=True, slots=True)
class ContactDetail:
    """What the events and notes panes show for the selected contact."""

    id: int
    uid: str
    name: str
    version: int
    org: str
    title: str
    emails: list[str]
    phones: list[str]
    tags: list[str]
    birthday: str | None
    cadence: int | None
    next_due: date | None
    last_at: datetime | None
    archived: bool
    timeline: list[TimelineItem]
    #: Interactions per month, the last 24 months, oldest first.
    monthly: list[int]
    notes: list[NoteItem]
    relations: list[RelationItem]
    #: What you gave and received (counts, and per month for the sparkline pair).
    give_get: GiveGet | None = None
    #: A snooze still running: nothing of theirs is due until then.
    snoozed_until: date | None = None


def detail(contact_id: int, today: date) -> ContactDetail | None:
    c = Contact.get_or_none(Contact.id == contact_id)
    if c is None:
        return None
    fields = queries.fields_by_contact([c.id])[c.id]
    return ContactDetail(
        id=c.id,
        uid=c.uid,
        name=c.display_name,
        version=c.version,
        org=c.organization,
        title=c.title,
        emails=[f.value for f in fields if f.kind == "email"],
        phones=[f.value for f in fields if f.kind == "phone"],
        tags=queries.tags_by_contact([c.id])[c.id],
        birthday=c.birthday,
        cadence=c.cadence_days,
        next_due=c.next_due_at,
        last_at=c.last_interaction_at,
        archived=c.archived,
        timeline=timeline(c.id, today),
        monthly=monthly_counts(c.id, today),
        notes=notes(c.id),
        relations=relations(c.id),
        give_get=give_get(c.id, today),
        snoozed_until=(
            day(c.snoozed_until)
            if c.snoozed_until is not None and day(c.snoozed_until) > today
            else None
        ),
    )


# --------------------------------------------------------------------------- show


@dataclass(frozen=True, slots=True)
class FieldItem:
    kind: str
    label: str
    value: str
    preferred: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "value": self.value,
            "preferred": self.preferred,
        }


@dataclass(frozen=True, slots=True)
class InteractionItem:
    uid: str
    #: Local time, aware.
    occurred_at: datetime
    kind: str
    summary: str
    notes: str
    #: Who else was there (display names).
    others: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "occurred_at": self.occurred_at.isoformat(),
            "kind": self.kind,
            "summary": self.summary,
            "notes": self.notes,
            "with": list(self.others),
        }


@dataclass(frozen=True, slots=True)
class EventItem:
    uid: str
    summary: str
    kind: str
    #: The day of an all-day event; else the local start time, aware.
    start: date | datetime
    all_day: bool
    location: str
    rrule: str

    def to_json(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "summary": self.summary,
            "kind": self.kind,
            "start": self.start.isoformat(),
            "all_day": self.all_day,
            "location": self.location,
            "rrule": self.rrule,
        }


@dataclass(frozen=True, slots=True)
class ContactCard:
    """Everything about one contact: what ``show`` prints and ``show --json`` returns."""

    summary: ContactSummary
    given_name: str
    family_name: str
    anniversary: str | None
    met_how: str
    met_on: date | None
    cadence_days: int | None
    strategy: str
    #: The contact's free notes (not the empathy notes).
    notes_text: str
    version: int
    fields: list[FieldItem]
    relations: list[RelationItem]
    interactions: list[InteractionItem]
    events: list[EventItem]
    notes: list[NoteItem]
    followups: list[FollowUpItem]

    def to_json(self) -> dict[str, Any]:
        data = self.summary.to_json()
        data.update(
            {
                "given_name": self.given_name,
                "family_name": self.family_name,
                "anniversary": self.anniversary,
                "met_how": self.met_how,
                "met_on": self.met_on.isoformat() if self.met_on else None,
                "cadence_days": self.cadence_days,
                "strategy": self.strategy,
                "notes_text": self.notes_text,
                "version": self.version,
                "fields": [f.to_json() for f in self.fields],
                "relationships": [r.to_json() for r in self.relations],
                "interactions": [i.to_json() for i in self.interactions],
                "events": [e.to_json() for e in self.events],
                "notes": [n.to_json() for n in self.notes],
                "followups": [f.to_json() for f in self.followups],
            }
        )
        return data


def _interactions(contact_id: int, limit: int) -> list[InteractionItem]:
    rows = list(
        Interaction.select(
            Interaction.id,
            Interaction.uid,
            Interaction.occurred_at,
            Interaction.kind,
            Interaction.summary,
            Interaction.notes,
        )
        .join(Participant)
        .where(Participant.contact == contact_id)
        .order_by(Interaction.occurred_at.desc())
        .limit(limit)
        .tuples()
    )
    others = others_in([r[0] for r in rows], exclude=contact_id)
    out = []
    for iid, uid, at, kind, summary, text in rows:
        when = from_store(at)
        if when is None:  # unreadable (reported when read): left out
            continue
        out.append(InteractionItem(uid, when, kind, summary, text, tuple(others[iid])))
    return out


def interaction(uid: str) -> InteractionItem | None:
    """One interaction by its UID (``others``: everyone who was there), or None."""
    row = (
        Interaction.select(
            Interaction.id,
            Interaction.occurred_at,
            Interaction.kind,
            Interaction.summary,
            Interaction.notes,
        )
        .where(Interaction.uid == uid)
        .tuples()
        .first()
    )
    if row is None:
        return None
    iid, at, kind, summary, text = row
    when = from_store(at)
    if when is None:  # unreadable (reported when read)
        return None
    return InteractionItem(uid, when, kind, summary, text, tuple(others_in([iid])[iid]))


def _events(contact_id: int, limit: int) -> list[EventItem]:
    out = []
    for uid, summary, kind, start, all_day, location, rrule in (
        Event.select(
            Event.uid,
            Event.summary,
            Event.kind,
            Event.start,
            Event.all_day,
            Event.location,
            Event.rrule,
        )
        .join(EventPerson)
        .where(EventPerson.contact == contact_id)
        .order_by(Event.start.desc())
        .limit(limit)
        .tuples()
    ):
        if start is None:  # unreadable (reported when read): left out
            continue
        when = start.date() if all_day else from_store(start)
        assert when is not None
        out.append(EventItem(uid, summary, kind, when, all_day, location, rrule))
    return out


def card(contact_id: int, *, interactions: int = 200, events: int = 50) -> ContactCard | None:
    """The whole contact: fields, relationships both ways, the last ``interactions``
    interactions and ``events`` events, empathy notes and open follow-ups."""
    c = Contact.get_or_none(Contact.id == contact_id)
    if c is None:
        return None
    fields = (
        ContactField.select()
        .where(ContactField.contact == c.id)
        .order_by(ContactField.kind, ContactField.position)
    )
    return ContactCard(
        summary=summaries_of([c.id])[0],
        given_name=c.given_name,
        family_name=c.family_name,
        anniversary=c.anniversary,
        met_how=c.met_how,
        met_on=c.met_on,
        cadence_days=c.cadence_days,
        strategy=c.strategy,
        notes_text=c.notes,
        version=c.version,
        fields=[FieldItem(f.kind, f.label, f.value, f.preferred) for f in fields],
        relations=relations(c.id),
        interactions=_interactions(c.id, interactions),
        events=_events(c.id, events),
        notes=notes(c.id, by_kind=False),
        followups=open_followups(c.id),
    )
