"""The TUI's reads: small, paged, set-based queries returning plain rows.

No Textual here, so these run on the database thread (see ``app.KinshipApp.db``) and in
tests without an app. Writes go through :mod:`kinship.services` only. The two services still
being written elsewhere (follow-ups, importing) are reached through one adapter function
each (:func:`today_groups`, :func:`followup_action`, :func:`import_preview`, :func:`import_run`)
so they plug in without touching the screens.
"""

from __future__ import annotations

import contextlib
import importlib
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from peewee import Case, PeeweeException, fn

from kinship.records import PartialDate
from kinship.store import current, queries
from kinship.store.models import (
    Contact,
    ContactField,
    EmpathyNote,
    Event,
    EventPerson,
    FollowUp,
    Interaction,
    Participant,
    Relationship,
)

PAGE = 100
BIRTHDAY_SOON = 14


# --------------------------------------------------------------------------- contact list


@dataclass(frozen=True, slots=True)
class ContactRow:
    id: int
    uid: str
    name: str
    org: str
    next_due: date | None
    birthday: str | None
    last_at: datetime | None
    archived: bool


_ROW_COLUMNS = (
    Contact.id,
    Contact.uid,
    Contact.display_name,
    Contact.organization,
    Contact.next_due_at,
    Contact.birthday,
    Contact.last_interaction_at,
    Contact.archived,
)


def contact_page(
    query: str, sort: str, *, archived: bool, offset: int, limit: int, today: date
) -> list[ContactRow]:
    """One window of the contact list: ``LIMIT``/``OFFSET`` on the indexed sort."""
    q = queries.contacts(query, sort=sort, include_archived=archived, today=today)
    q = q.select(*_ROW_COLUMNS).limit(limit).offset(offset).tuples()
    return [ContactRow(*row) for row in q]


def contact_count(query: str, *, archived: bool, today: date) -> int:
    return queries.count_contacts(query, include_archived=archived, today=today)


def first_window(
    query: str, sort: str, *, archived: bool, today: date, limit: int = PAGE
) -> tuple[int, list[ContactRow]]:
    """The count and the first page of a new search, in one round trip to the DB thread.

    The count is skipped when the first page is short (it *is* the count).
    """
    rows = contact_page(query, sort, archived=archived, offset=0, limit=limit, today=today)
    total = len(rows) if len(rows) < limit else contact_count(query, archived=archived, today=today)
    return total, rows


class Cancelled(Exception):
    """A read given up because a newer one (the next keystroke) made it stale."""


@contextlib.contextmanager
def cancellable(stale: Callable[[], bool], *, every: int = 4000) -> Iterator[None]:
    """Run reads that stop as soon as ``stale()`` turns true, raising :class:`Cancelled`.

    ``stale`` is checked before the block and, on SQLite, every ``every`` VM steps of a
    running statement (a progress handler, so a broad ``COUNT`` the user has typed past stops
    within a millisecond instead of holding up the database thread). Call it on the thread
    that owns the connection (the database thread); the handler is removed on the way out,
    so it can only ever stop the statements inside the block.
    """
    if stale():
        raise Cancelled
    store = current()
    conn = store.db.connection() if store.is_sqlite else None
    if conn is not None:
        conn.set_progress_handler(lambda: 1 if stale() else 0, every)
    try:
        yield
    except (sqlite3.Error, PeeweeException):
        if stale():
            raise Cancelled from None
        raise
    finally:
        if conn is not None:
            conn.set_progress_handler(None, every)
    if stale():
        raise Cancelled


def store_is_empty() -> bool:
    return Contact.select(Contact.id).limit(1).count() == 0


def badge(row: ContactRow, today: date, *, plain: bool = False) -> tuple[str, str]:
    """The short status shown at the end of a row, and its style class
    (``overdue``, ``due``, ``soon``, ``birthday`` or "")."""
    if row.archived:
        return "archived", "archived"
    if row.birthday:
        try:
            nxt = PartialDate.parse(row.birthday).next_on_or_after(today)
        except ValueError:
            nxt = None
        if nxt is not None and (nxt - today).days <= BIRTHDAY_SOON:
            days = (nxt - today).days
            when = "today" if days == 0 else f"in {days}d"
            return (f"bday {when}" if plain else f"🎂 {when}"), "birthday"
    if row.next_due is not None:
        days = (row.next_due - today).days
        if days < 0:
            return f"overdue {-days}d", "overdue"
        if days == 0:
            return "due", "due"
        if days <= 7:
            return f"due in {days}d", "soon"
    return "", ""


def search_names(text: str, *, limit: int = 20, today: date | None = None) -> list[ContactRow]:
    """Jump-to-contact for the command palette: SQL search, at most ``limit`` rows."""
    if not text.strip():
        return []
    return contact_page(
        text, "name", archived=False, offset=0, limit=limit, today=today or date.today()
    )


# --------------------------------------------------------------------------- one contact


@dataclass(slots=True)
class TimelineItem:
    when: date
    kind: str
    summary: str
    others: list[str] = field(default_factory=list)
    source: str = "interaction"  # or "event", "life"
    upcoming: bool = False
    who: str = ""
    #: The interaction's UID (to delete it from the timeline); "" for events.
    uid: str = ""


@dataclass(slots=True)
class NoteItem:
    id: int
    kind: str
    body: str
    pinned: bool
    updated: date


@dataclass(slots=True)
class ContactDetail:
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
    monthly: list[int]
    notes: list[NoteItem]
    relations: list[tuple[str, str]]


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _readable(value: Any) -> bool:
    """Whether a stored date was read (one kinship cannot read comes back as None and is
    reported when read: its row is left out of what is shown)."""
    return value is not None


def timeline(contact_id: int, today: date, *, limit: int = 100) -> list[TimelineItem]:
    """Interactions (with who else was there) and events of one person, newest first."""
    rows = list(
        Interaction.select(
            Interaction.id,
            Interaction.occurred_at,
            Interaction.kind,
            Interaction.summary,
            Interaction.uid,
        )
        .join(Participant)
        .where(Participant.contact == contact_id)
        .order_by(Interaction.occurred_at.desc())
        .limit(limit)
        .tuples()
    )
    from kinship.services.interactions import others_in

    others = others_in([r[0] for r in rows], exclude=contact_id) if rows else {}
    items = [
        TimelineItem(_day(at), kind, summary, others.get(iid, []), "interaction", uid=uid)
        for iid, at, kind, summary, uid in rows
        if _readable(at)
    ]
    from kinship.records import LIFE_EVENT_KINDS

    for start, kind, summary in (
        Event.select(Event.start, Event.kind, Event.summary)
        .join(EventPerson)
        .where(EventPerson.contact == contact_id)
        .order_by(Event.start.desc())
        .limit(limit)
        .tuples()
    ):
        if not _readable(start):
            continue
        day = _day(start)
        items.append(
            TimelineItem(
                day, kind, summary, [], "life" if kind in LIFE_EVENT_KINDS else "event", day > today
            )
        )
    items.sort(key=lambda i: i.when, reverse=True)
    return items[:limit]


def upcoming(today: date, *, days: int = 60, limit: int = 60) -> list[TimelineItem]:
    """Everyone's dated things ahead: events and birthdays (nobody selected)."""
    start = datetime.combine(today, datetime.min.time())
    end = start + timedelta(days=days)
    items: list[TimelineItem] = []
    events = list(
        Event.select(Event.id, Event.start, Event.kind, Event.summary)
        .where((Event.start >= start) & (Event.start < end))
        .order_by(Event.start)
        .limit(limit)
        .tuples()
    )
    who: dict[int, list[str]] = {}
    if events:
        for eid, name in (
            EventPerson.select(EventPerson.event, Contact.display_name)
            .join(Contact)
            .where(EventPerson.event.in_([e[0] for e in events]))
            .tuples()
        ):
            who.setdefault(eid, []).append(name)
    for eid, st, kind, summary in events:
        items.append(TimelineItem(_day(st), kind, summary, who.get(eid, []), "event", True))
    for name, bday in birthdays_between(today, today + timedelta(days=days), limit=limit):
        items.append(TimelineItem(bday, "birthday", name, [], "event", True, who=name))
    items.sort(key=lambda i: i.when)
    return items[:limit]


def birthdays_between(start: date, end: date, *, limit: int = 200) -> list[tuple[str, date]]:
    """(name, next birthday) for birthdays in [start, end], by month-day text (one query).

    SQL orders by month-day from ``start`` on (wrapping at the new year) and stops after
    ``limit`` rows and a small margin, so only those few are parsed in Python: at 100k
    contacts a 60-day window holds ~16k birthdays.
    """
    keys: list[str] = []
    d = start
    while d <= end and len(keys) < 400:
        keys.append(f"{d.month:02d}-{d.day:02d}")
        d += timedelta(days=1)
    if not keys:
        return []
    md = fn.SUBSTR(Contact.birthday, -5)
    first = f"{start.month:02d}-{start.day:02d}"
    rows = (
        Contact.select(Contact.display_name, Contact.birthday)
        .where(
            Contact.birthday.is_null(False)
            # Not through the (archived, …) indexes: one scan of the table is faster than
            # 100k lookups from an index.
            & (fn.IFNULL(Contact.archived, 0) == 0)
            & md.in_(keys)
        )
        .order_by(Case(None, [(md >= first, 0)], 1), md, Contact.display_name)
        .limit(limit + 16)  # margin: a 29 February can land on the 28th or the 1st
        .tuples()
    )
    out = []
    for name, bday in rows:
        try:
            nxt = PartialDate.parse(bday).next_on_or_after(start)
        except ValueError:
            continue
        out.append((name, nxt))
    out.sort(key=lambda x: (x[1], x[0]))
    return out[:limit]


def monthly_counts(contact_id: int, today: date, *, months: int = 24) -> list[int]:
    """Interactions per month for the last ``months`` months (SQL GROUP BY month)."""
    first = date(today.year, today.month, 1)
    y, m = divmod(first.month - 1 - (months - 1), 12)
    since = date(first.year + y, m + 1, 1)
    if current().is_sqlite:
        month = fn.strftime("%Y-%m", Interaction.occurred_at)
    else:  # pragma: no cover - PostgreSQL
        month = fn.to_char(Interaction.occurred_at, "YYYY-MM")
    counts = dict(
        Interaction.select(month, fn.COUNT(Interaction.id))
        .join(Participant)
        .where((Participant.contact == contact_id) & (Interaction.occurred_at >= since))
        .group_by(month)
        .tuples()
    )
    out = []
    for i in range(months):
        y, m = divmod(since.month - 1 + i, 12)
        out.append(int(counts.get(f"{since.year + y:04d}-{m + 1:02d}", 0)))
    return out


def notes(contact_id: int) -> list[NoteItem]:
    return [
        NoteItem(n.id, n.kind, n.body, n.pinned, _day(n.updated_at or n.created_at or date.min))
        for n in EmpathyNote.select()
        .where(EmpathyNote.contact == contact_id)
        .order_by(EmpathyNote.pinned.desc(), EmpathyNote.kind, EmpathyNote.updated_at.desc())
    ]


def detail(contact_id: int, today: date) -> ContactDetail | None:
    c = Contact.get_or_none(Contact.id == contact_id)
    if c is None:
        return None
    fields = queries.fields_by_contact([c.id])[c.id]
    rels = [
        (kind, name)
        for kind, name in Relationship.select(Relationship.kind, Contact.display_name)
        .join(Contact, on=(Relationship.to_contact == Contact.id))
        .where(Relationship.from_contact == c.id)
        .tuples()
    ]
    rels += [
        (f"{kind} of", name)
        for kind, name in Relationship.select(Relationship.kind, Contact.display_name)
        .join(Contact, on=(Relationship.from_contact == Contact.id))
        .where(Relationship.to_contact == c.id)
        .tuples()
    ]
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
        relations=rels,
    )


@dataclass(frozen=True, slots=True)
class RelationItem:
    """One relationship as seen from a contact: "<other> is their <kind>" when ``outgoing``,
    else "they are <other>'s <kind>"."""

    kind: str
    other_uid: str
    other_name: str
    outgoing: bool
    #: The stored direction, for ``contacts.unrelate``/``relate``.
    from_uid: str
    to_uid: str

    @property
    def label(self) -> str:
        return self.kind if self.outgoing else f"{self.kind} of"


def relations(contact_id: int) -> list[RelationItem]:
    """Both directions of a contact's relationships, with the UIDs to remove one."""
    me = Contact.get_or_none(Contact.id == contact_id)
    if me is None:
        return []
    out = [
        RelationItem(kind, uid, name, True, me.uid, uid)
        for kind, uid, name in Relationship.select(
            Relationship.kind, Contact.uid, Contact.display_name
        )
        .join(Contact, on=(Relationship.to_contact == Contact.id))
        .where(Relationship.from_contact == contact_id)
        .order_by(Relationship.kind, Contact.sort_name)
        .tuples()
    ]
    out += [
        RelationItem(kind, uid, name, False, uid, me.uid)
        for kind, uid, name in Relationship.select(
            Relationship.kind, Contact.uid, Contact.display_name
        )
        .join(Contact, on=(Relationship.from_contact == Contact.id))
        .where(Relationship.to_contact == contact_id)
        .order_by(Relationship.kind, Contact.sort_name)
        .tuples()
    ]
    return out


def editable(contact_id: int) -> dict[str, Any] | None:
    """What the edit form loads, including the version it will pass back."""
    c = Contact.get_or_none(Contact.id == contact_id)
    if c is None:
        return None
    fields = queries.fields_by_contact([c.id])[c.id]
    return {
        "uid": c.uid,
        "version": c.version,
        "display_name": c.display_name,
        "organization": c.organization,
        "title": c.title,
        "emails": [f.value for f in fields if f.kind == "email"],
        "phones": [f.value for f in fields if f.kind == "phone"],
        "tags": queries.tags_by_contact([c.id])[c.id],
        "birthday": c.birthday or "",
        "cadence_days": c.cadence_days,
        "strategy": c.strategy,
        "notes": c.notes,
        "nickname": c.nickname,
        "met_how": c.met_how,
    }


# --------------------------------------------------------------------------- brief


@dataclass(slots=True)
class Brief:
    name: str
    org: str
    pinned: list[NoteItem]
    other_notes: list[NoteItem]
    last: list[TimelineItem]
    due: list[str]
    relations: list[tuple[str, str]]


def brief(contact_id: int, today: date) -> Brief | None:
    """ "Before you meet": pinned notes, the last three interactions, what is due and why."""
    d = detail(contact_id, today)
    if d is None:
        return None
    due = [
        f"{kind.replace('-', ' ')} ({_when_words(day, today)}): {reason}"
        for day, kind, reason in open_followups(contact_id)
    ]
    if not due and d.next_due is not None:
        due.append(_due_words(d.next_due, today, d.cadence))
    return Brief(
        name=d.name,
        org=", ".join(x for x in (d.title, d.org) if x),
        pinned=[n for n in d.notes if n.pinned],
        other_notes=[n for n in d.notes if not n.pinned][:3],
        last=[t for t in d.timeline if t.source == "interaction"][:3],
        due=due,
        relations=d.relations,
    )


def _when_words(day: date, today: date) -> str:
    days = (day - today).days
    if days < 0:
        return f"{-days} days overdue"
    return "today" if days == 0 else f"in {days} days"


def _due_words(due: date, today: date, cadence: int | None) -> str:
    days = (due - today).days
    every = f" (every {cadence} days)" if cadence else ""
    if days < 0:
        return f"check in: overdue by {-days} days{every}"
    if days == 0:
        return f"check in: due today{every}"
    return f"check in: due in {days} days{every}"


# --------------------------------------------------------------------------- Today (adapter)

#: The interaction kind a "done" pre-fills, per group.
DONE_KIND = {
    "check-in": "call",
    "occasions": "congratulation",
    "thank": "thanks",
    "offer-help": "help-given",
}


@dataclass(slots=True)
class TodayItem:
    contact_id: int
    uid: str
    name: str
    kind: str
    reason: str
    due: date
    group: str = "check-in"
    #: The follow-up service's own item, for done / snooze / dismiss.
    ref: Any = None


@dataclass(slots=True)
class TodayGroup:
    key: str
    title: str
    items: list[TodayItem]
    #: How many are due in the group; more than ``items`` when the screen's limit cut it.
    total: int = 0


def _followups() -> Any:
    try:
        return importlib.import_module("kinship.services.followups")
    except ImportError:
        return None


#: Items per group the Today screen asks for: a screen's worth, fast at any size.
TODAY_LIMIT = 200


def today_groups(today: date) -> list[TodayGroup]:
    """Who to reach out to and why, grouped: ``services.followups.today_groups`` (without its
    daily refresh: the app runs that in a worker at start) — the one adapter to that service."""
    from kinship.services import followups

    return [
        TodayGroup(
            g.key,
            g.title,
            [
                TodayItem(
                    i.contact_id,
                    i.contact_uid,
                    i.display_name,
                    i.kind,
                    i.reason,
                    _day(i.due),
                    g.key,
                    ref=i,
                )
                for i in g.items
            ],
            g.total,
        )
        for g in followups.today_groups(today, refresh=False, limit=TODAY_LIMIT)
    ]


def prepare_followups(today: date | None) -> None:
    """Build the follow-up engine from what the app handed the services (loading the plugin
    host's strategies) and bring the follow-ups up to date for today (the daily catch-up).
    Runs in a thread worker after the first paint."""
    svc = _followups()
    if svc is None:
        return
    svc.engine()
    svc.refresh_stale(today)


def followup_action(item: TodayItem, action: str, today: date, *, days: int = 7) -> str:
    """Done / snooze / dismiss a Today item through ``services.followups``; a one-line message.

    Raises LookupError without the service (the caller then opens the log form for "done":
    logging what happened satisfies a check-in).
    """
    svc = _followups()
    if svc is None or item.ref is None:
        raise LookupError(f"{action} needs the follow-up service")
    if action == "done":
        report = svc.done(item.uid, kind=item.kind)
        return f"Done: {item.name} (logged {report.interaction_kind})"
    if action == "snooze":
        svc.snooze(item.uid, today + timedelta(days=days))
        return f"Snoozed {item.name} for {days} days"
    if action == "dismiss":
        svc.dismiss(item.uid, kind=item.kind)
        return f"Dismissed: {item.reason or item.kind} ({item.name})"
    raise ValueError(action)


# --------------------------------------------------------------------------- contacts by name


def contact_by_uid(uid: str) -> ContactRow | None:
    row = Contact.select(*_ROW_COLUMNS).where(Contact.uid == uid).tuples().first()
    return ContactRow(*row) if row else None


def contact_fields(contact_id: int) -> list[ContactField]:
    return queries.fields_by_contact([contact_id])[contact_id]


def open_followups(contact_id: int) -> list[tuple[date, str, str]]:
    return [
        (_day(due), kind, reason)
        for due, kind, reason in FollowUp.select(FollowUp.due, FollowUp.kind, FollowUp.reason)
        .where((FollowUp.contact == contact_id) & (FollowUp.status == "open"))
        .order_by(FollowUp.due)
        .tuples()
        if _readable(due)
    ]


def position_of(uid: str, query: str, sort: str, *, archived: bool, today: date) -> int | None:
    """The row index of a contact in the current list (to jump to it), or None."""
    row = Contact.get_or_none(Contact.uid == uid)
    if row is None:
        return None
    q = queries.contacts(query, sort=sort, include_archived=archived, today=today)
    ids = q.select(Contact.id)
    if not q.select(Contact.id).where(Contact.id == row.id).exists():
        return None
    if sort == "name":
        return (
            ids.where(
                (Contact.sort_name < row.sort_name)
                | ((Contact.sort_name == row.sort_name) & (Contact.id < row.id))
            )
            .order_by()
            .count()
        )
    # Other sorts: window function would do; a bounded scan of ids is fine for jumps.
    for i, (cid,) in enumerate(ids.tuples().iterator()):
        if cid == row.id:
            return i
    return None


def store_path() -> Path | None:
    return current().path
