"""Dated events: networking events, meetings and life events (new job, wedding, loss …)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from kinship import validation
from kinship.dates import to_store
from kinship.errors import ValidationError
from kinship.records import EVENT_KINDS, EventRecord
from kinship.services.followups.compute import refresh_due
from kinship.store import current
from kinship.store.models import Contact, Event, EventPerson, utcnow


def validate_kind(kind: str) -> str:
    if not isinstance(kind, str):
        raise ValidationError(f"an event kind must be text, not {type(kind).__name__}")
    kind = kind.strip().lower()
    if kind not in EVENT_KINDS:
        raise ValidationError(f"unknown event kind {kind!r} (use {', '.join(EVENT_KINDS)})")
    return kind


def _start(value: date | datetime) -> tuple[datetime, bool]:
    if isinstance(value, datetime):
        return to_store(value), False
    return datetime.combine(value, time(0, 0)), True


def add(
    summary: str,
    start: date | datetime,
    *,
    kind: str = "event",
    people: Sequence[Contact] = (),
    end: date | datetime | None = None,
    location: str = "",
    description: str = "",
    timezone: str = "",
    rrule: str = "",
    rdates: Sequence[date | datetime] = (),
    exdates: Sequence[date | datetime] = (),
    uid: str | None = None,
    source: str = "",
) -> Event:
    def typed(name: str, value: Any) -> Any:
        return validation.check_value(EventRecord, name, value)

    if not isinstance(summary, str) or not summary.strip():
        raise ValidationError("an event needs a summary")
    summary = typed("summary", summary.strip())
    start, end = typed("start", start), typed("end", end)
    location, description = typed("location", location), typed("description", description)
    timezone, rrule, source = (
        typed("timezone", timezone),
        typed("rrule", rrule),
        typed("source", source),
    )
    rdates, exdates = typed("rdates", list(rdates)), typed("exdates", list(exdates))
    uid = typed("uid", uid) or None
    kind = validate_kind(kind)
    stored_start, all_day = _start(start)
    stored_end = _start(end)[0] if end is not None else None
    if stored_end is not None and stored_end < stored_start:
        raise ValidationError("the event ends before it starts")
    with current().write():
        event = Event.create(
            uid=uid or str(uuid.uuid4()),
            summary=summary,
            kind=kind,
            start=stored_start,
            end=stored_end,
            all_day=all_day,
            timezone=timezone,
            location=location,
            description=description,
            rrule=rrule,
            rdates=json.dumps([d.isoformat() for d in rdates]) if rdates else "",
            exdates=json.dumps([d.isoformat() for d in exdates]) if exdates else "",
            source=source,
            updated_at=utcnow(),
        )
        if people:
            EventPerson.insert_many(
                [(event.id, c.id) for c in people], fields=[EventPerson.event, EventPerson.contact]
            ).on_conflict_ignore().execute()
            refresh_due([c.id for c in people])  # a life event can start a follow-up
    return event


def for_contact(contact: Contact, *, limit: int = 50) -> list[Event]:
    return list(
        Event.select()
        .join(EventPerson)
        .where(EventPerson.contact == contact)
        .order_by(Event.start.desc())
        .limit(limit)
    )


def upcoming(*, start: datetime | None = None, limit: int = 50) -> list[Event]:
    """Non-recurring events from ``start`` on (recurring ones are expanded by the caller)."""
    start = start or utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    return list(
        Event.select()
        .where((Event.start >= start) | (Event.rrule != ""))
        .order_by(Event.start)
        .limit(limit)
    )
