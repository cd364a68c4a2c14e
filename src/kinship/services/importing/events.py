"""Events: match by UID (or one derived from summary and start) and recurrence id (an
edited occurrence of a series is an event of its own), link their people.

People come from ``contact_uids``, then attendees by email (created as contacts when the
caller asks). A yearly all-day ``birthday``/``anniversary`` event (Google's birthday
calendar, khal's, our own iCal export) is an *occasion*: it sets that date on the contact it
names (by ``contact_uids``, else by display name) when the contact has none, instead of
being stored as an event — with a year only when the event says it (:func:`_occasion_year`),
and creating the person when the caller asks (``create_people``). The JSON backup stores
such events as events (it is lossless).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from datetime import time as dtime
from functools import partial
from typing import Any

from kinship.dates import to_store
from kinship.errors import KinshipError
from kinship.records import EVENT_KINDS, ContactRecord, EventRecord, PartialDate
from kinship.services.contacts import normalize, validate_field
from kinship.services.importing.common import (
    chunks,
    contact_ids,
    derived_uid,
    insert_many,
    jsonable,
    less_precise,
    same,
)
from kinship.services.importing.contacts import Incoming, create_contacts
from kinship.services.importing.journal import image
from kinship.services.importing.run import Run
from kinship.store.models import Contact, ContactField, Event, EventPerson

#: Year that exported year-less occasions start in (Apple's convention); read as "no year".
_YEARLESS_MAX = 1604
_OCCASION_TITLE = re.compile(r"^(?P<n>.+?)[’'`]s?\s+(?:birthday|anniversary)$", re.IGNORECASE)


def apply_events(run: Run, records: list[EventRecord]) -> None:
    """Create or update events by (UID, recurrence id): a recurring series and each of its
    edited occurrences are rows of their own. An event the file lists again (the same UID
    and recurrence id) is counted once: the first one is kept, so importing the file again
    changes nothing."""
    keys = [event_key(r) for r in records]
    existing: dict[tuple[str, str], Event] = {}
    for part in chunks(sorted({uid for uid, _ in keys})):
        existing.update(
            {(e.uid, e.recurrence_id): e for e in Event.select().where(Event.uid.in_(part))}
        )
    occasions: list[EventRecord] = []
    plain: list[tuple[EventRecord, tuple[str, str]]] = []
    for rec, key in zip(records, keys, strict=True):
        if key not in existing and run.occasions and _is_occasion(rec):
            occasions.append(rec)
        else:
            plain.append((rec, key))
    if occasions:
        _apply_occasions(run, occasions)
    if not plain:
        return
    people = _people_for(run, [r for r, _ in plain])
    roles = _roles_for(run, [r for r, _ in plain])
    links: dict[int, dict[int, str]] = {}  # event id → {contact id: role}
    ids = [e.id for e in existing.values()]
    for part in chunks(ids):
        for eid, cid, role in (
            EventPerson.select(EventPerson.event, EventPerson.contact, EventPerson.role)
            .where(EventPerson.event.in_(part))
            .tuples()
        ):
            links.setdefault(eid, {})[cid] = role
    new_rows: list[dict[str, Any]] = []
    new_people: list[tuple[tuple[str, str], set[int], dict[int, str]]] = []
    for rec, key in plain:
        values = _event_values(run, rec)
        if values is None:
            continue
        if _listed_again(run, rec, key, values):
            run.report.unchanged += 1
            continue
        who = people.get(id(rec), set())
        wanted = roles.get(id(rec), {})
        row = existing.get(key)
        if row is None:
            uid, rid = key
            values.update(
                uid=uid,
                recurrence_id=rid,
                source=run.source(rec),
                created_at=run.now,
                updated_at=run.now,
            )
            new_rows.append(values)
            new_people.append((key, who, wanted))
            run.report.created += 1
            continue
        stored = {k: getattr(row, k) for k in values}
        stored["end"] = _one_day_end(stored["start"], stored["end"], stored["all_day"])
        changes = {k: v for k, v in values.items() if not same(k, stored[k], v)}
        linked = links.get(row.id, {})
        missing = who - set(linked)
        # A role the record names (a backup's "subject") is set; others are left as stored.
        recast = {c: r for c, r in wanted.items() if c in linked and linked[c] != r}
        if not changes and not missing and not recast:
            run.report.unchanged += 1
            continue
        run.changing("event", row.id, partial(image, row, people=sorted(linked)))
        if changes:
            changes["updated_at"] = run.now
            Event.update(changes).where(Event.id == row.id).execute()
        if missing:
            insert_many(
                EventPerson,
                [_link(row.id, cid, wanted) for cid in sorted(missing)],
                ignore=True,
            )
        for cid, role in recast.items():
            EventPerson.update(role=role).where(
                (EventPerson.event == row.id) & (EventPerson.contact == cid)
            ).execute()
        run.report.updated += 1
    if new_rows:
        insert_many(Event, new_rows)
        event_ids: dict[tuple[str, str], int] = {}
        new_keys = {key for key, _, _ in new_people}
        for part in chunks(sorted({uid for uid, _ in new_keys})):
            for uid, rid, eid in (
                Event.select(Event.uid, Event.recurrence_id, Event.id)
                .where(Event.uid.in_(part))
                .tuples()
            ):
                if (uid, rid) in new_keys:
                    event_ids[(uid, rid)] = eid
        run.created("event", event_ids.values())
        insert_many(
            EventPerson,
            [
                _link(event_ids[key], cid, roles_of)
                for key, who, roles_of in new_people
                for cid in sorted(who)
            ],
            ignore=True,
        )


def _link(event_id: int, contact_id: int, roles: dict[int, str]) -> dict[str, Any]:
    return {"event": event_id, "contact": contact_id, "role": roles.get(contact_id, "attendee")}


def _roles_for(run: Run, records: list[EventRecord]) -> dict[int, dict[int, str]]:
    """Per event record: contact id → the role its ``roles`` names (by contact UID)."""
    by_uid = contact_ids((u for r in records for u in r.roles), run.uid_aliases)
    out: dict[int, dict[int, str]] = {}
    for r in records:
        wanted = {
            by_uid[u]: str(role).strip()[:255] or "attendee"
            for u, role in r.roles.items()
            if u in by_uid
        }
        if wanted:
            out[id(r)] = wanted
    return out


def event_key(rec: EventRecord) -> tuple[str, str]:
    """(UID, recurrence id as stored): what an event is matched by."""
    uid = rec.uid or derived_uid("event", rec.summary, str(rec.start))
    return uid, recurrence_text(rec.recurrence_id, rec.recurrence_range)


def recurrence_text(value: date | datetime | None, range_: str = "") -> str:
    """A RECURRENCE-ID as ``Event.recurrence_id`` keeps it: "" for none, ``YYYY-MM-DD`` for a
    day, naive UTC ``YYYY-MM-DDTHH:MM:SS`` for a time, ``;THISANDFUTURE`` after it when the
    edit covers the later occurrences."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        text = to_store(value).replace(microsecond=0).isoformat()
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        raise TypeError(f"not a date: {value!r}")
    range_ = (range_ or "").strip().upper()
    return f"{text};{range_}" if range_ == "THISANDFUTURE" else text


def _listed_again(run: Run, rec: EventRecord, key: tuple[str, str], values: dict[str, Any]) -> bool:
    """Whether this run met this event before (the first one counts; a different one after
    it is reported)."""
    digest = hash(jsonable(values))
    first = run.events_seen.get(key)
    if first is None:
        run.events_seen[key] = (digest, rec.line)
        return False
    if first[0] != digest:
        where = f" at line {first[1]}" if first[1] else ""
        run.problem(
            rec,
            f"event {rec.summary!r} is listed again with the same UID (first{where}); "
            "the first one is kept",
        )
    return True


def _event_values(run: Run, rec: EventRecord) -> dict[str, Any] | None:
    try:
        start, all_day = _event_time(rec.start)
        end = _event_time(rec.end)[0] if rec.end is not None else None
    except (TypeError, ValueError, OverflowError) as exc:
        run.skip(rec, f"event skipped: bad date ({exc})")
        return None
    if end is not None and end < start:
        run.problem(rec, f"event {rec.summary!r} ends before it starts; end dropped")
        end = None
    end = _one_day_end(start, end, all_day)
    kind = (rec.kind or "event").strip().lower()
    if kind not in EVENT_KINDS:
        run.problem(rec, f"unknown event kind {kind!r}; stored as 'event'")
        kind = "event"
    return {
        "summary": (rec.summary or "").strip() or "(no title)",
        "kind": kind,
        "start": start,
        "end": end,
        "all_day": bool(rec.all_day or all_day),
        "timezone": rec.timezone or "",
        "vtimezone": rec.vtimezone or "",
        "location": (rec.location or "").strip(),
        "description": (rec.description or "").strip(),
        "rrule": (rec.rrule or "").removeprefix("RRULE:").strip(),
        "rdates": _iso_list(rec.rdates),
        "exdates": _iso_list(rec.exdates),
    }


def _people_for(run: Run, records: list[EventRecord]) -> dict[int, set[int]]:
    """Contact ids per event record: by ``contact_uids``, then attendees by email."""
    uids = sorted({u for r in records for u in r.contact_uids if u})
    emails = sorted({normalize("email", a) for r in records for a in r.attendees if a})
    by_uid = contact_ids(uids, run.uid_aliases)
    by_email: dict[str, int] = {}
    for part in chunks(emails):
        for norm, cid in (
            ContactField.select(ContactField.normalized, ContactField.contact)
            .where((ContactField.kind == "email") & ContactField.normalized.in_(part))
            .order_by(ContactField.contact)
            .tuples()
        ):
            by_email.setdefault(norm, cid)
    out: dict[int, set[int]] = {}
    for r in records:
        who = {by_uid[u] for u in r.contact_uids if u in by_uid}
        for addr in r.attendees:
            norm = normalize("email", addr)
            if not norm:
                continue
            if norm not in by_email and run.create_unknown_attendees:
                by_email[norm] = _create_attendee(run, r, addr.strip())
            if norm in by_email:
                who.add(by_email[norm])
        out[id(r)] = who
    return out


def _bare_person(
    rec: EventRecord,
    name: str,
    uid: str,
    *,
    fields: dict[str, list[tuple[str, str, str, bool]]] | None = None,
    dates: dict[str, str] | None = None,
) -> Incoming:
    """A contact an event names and the store does not have: its name, ``fields`` and
    ``dates`` (a birthday …), everything else empty."""
    return Incoming(
        record=ContactRecord(display_name=name, source=rec.source, line=rec.line),
        values={
            "display_name": name[:300],
            "given_name": "",
            "family_name": "",
            "nickname": "",
            "organization": "",
            "title": "",
            "strategy": "",
            "met_how": "",
            "notes": "",
            "birthday": None,
            "anniversary": None,
            "met_on": None,
            "archived": False,
            "cadence_days": None,
            **(dates or {}),
        },
        fields=fields or {},
        tags=[],
        extra={},
        uid=uid,
    )


def _create_attendee(run: Run, rec: EventRecord, address: str) -> int:
    try:
        value = validate_field("email", address)
    except KinshipError:
        value = address
    uid = derived_uid("attendee", normalize("email", value))
    email = [(value, normalize("email", value), "", False)]
    c = _bare_person(rec, value, uid, fields={"email": email})
    (cid,) = create_contacts(run, [c])
    return cid


def _apply_occasions(run: Run, records: list[EventRecord]) -> None:
    for rec in records:
        key = "birthday" if rec.kind == "birthday" else "anniversary"
        contact = None
        for uid in rec.contact_uids:
            contact = Contact.get_or_none(Contact.uid == uid)
            if contact is None and uid in run.uid_aliases:
                contact = Contact.get_or_none(Contact.id == run.uid_aliases[uid])
            if contact:
                break
        names = [rec.summary.strip()]
        m = _OCCASION_TITLE.match(rec.summary.strip())
        if m:
            names.append(m.group("n").strip())
        ambiguous = False
        if contact is None:
            for name in filter(None, names):
                found = list(Contact.select().where(Contact.sort_name == name.casefold()).limit(2))
                if len(found) == 1:
                    contact = found[0]
                    break
                if found:
                    ambiguous = True
                    break
        start = rec.start.date() if isinstance(rec.start, datetime) else rec.start
        try:
            when = PartialDate(start.month, start.day, _occasion_year(rec, start))
        except ValueError:
            run.skip(rec, f"{key} of {names[-1]!r} skipped: bad date {start}")
            continue
        if contact is None and not ambiguous and run.create_people and names[-1]:
            _create_person(run, rec, names[-1], key, when)
            continue
        if contact is None:
            why = "several contacts have that name" if ambiguous else "no contact by that name"
            hint = "" if ambiguous else "; creating people adds them"
            run.skip(rec, f"{key} of {names[-1]!r} skipped: {why}{hint}")
            continue
        stored = getattr(contact, key)
        if stored:
            if not (same(key, stored, str(when)) or less_precise(str(when), stored)):
                run.problem(
                    rec,
                    f"kept the {key} you have for {contact.display_name} "
                    f"({stored}; the calendar says {when})",
                )
            run.report.unchanged += 1
            continue
        run.changing("contact", contact.id, partial(image, contact))
        Contact.update(
            {key: str(when), "updated_at": run.now, "version": Contact.version + 1}
        ).where(Contact.id == contact.id).execute()
        run.touched.add(contact.id)
        run.report.updated += 1


def _occasion_year(rec: EventRecord, start: date) -> int | None:
    """The year of a birthday or anniversary from a yearly event, when the event says it.

    A recurring event starts in whatever year it was put in the calendar (often the year it
    was made): that is no birth year. It is one when kinship wrote the event (it names the
    contact by UID, and a year-less date starts in 1604), or when the event's title or
    description gives that year ("Ada Lovelace (1815)", "born 1815")."""
    if start.year <= _YEARLESS_MAX:
        return None
    if rec.contact_uids:
        return start.year
    words = f"{rec.summary} {rec.description}"
    if re.search(rf"(?<!\d){start.year}(?!\d)", words):
        return start.year
    return None


def _create_person(run: Run, rec: EventRecord, name: str, key: str, when: PartialDate) -> None:
    """A contact for the person a birthday/anniversary names, with that date."""
    name = " ".join(name.split())[:300]
    # kinship's own calendar names the person by UID: theirs, so their vCard matches.
    uid = rec.contact_uids[0] if rec.contact_uids else derived_uid("occasion", name.casefold())
    person = _bare_person(rec, name, uid, dates={key: str(when)})
    (cid,) = create_contacts(run, [person])  # counted as created there
    run.touched.add(cid)


def _event_time(value: date | datetime) -> tuple[datetime, bool]:
    if isinstance(value, datetime):
        return to_store(value), False
    if isinstance(value, date):
        return datetime.combine(value, dtime(0, 0)), True
    raise TypeError(f"not a date: {value!r}")


def _one_day_end(start: datetime, end: datetime | None, all_day: bool) -> datetime | None:
    """An all-day event's end the day after its start says nothing (RFC 5545's default):
    stored as None, so a calendar that adds or drops that DTEND does not count as a change."""
    if all_day and end is not None and end - start == timedelta(days=1):
        return None
    return end


def _iso_list(values: Iterable[date | datetime]) -> str:
    """RDATEs/EXDATEs as stored: a JSON list of days and naive UTC times (as ``start``), so
    the same instants written in another zone's offset store the same text."""
    items = [to_store(v).isoformat() if isinstance(v, datetime) else v.isoformat() for v in values]
    return json.dumps(items) if items else ""


def _is_occasion(rec: EventRecord) -> bool:
    return (
        rec.recurrence_id is None
        and rec.kind in ("birthday", "anniversary")
        and not isinstance(rec.start, datetime)
        and "FREQ=YEARLY" in (rec.rrule or "").upper()
    )
