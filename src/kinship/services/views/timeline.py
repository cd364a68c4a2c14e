"""What happened with a person and what is coming: the timeline, everyone's upcoming dates,
and the interactions per month behind the sparkline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import Case, fn

from kinship.records import LIFE_EVENT_KINDS, PartialDate
from kinship.services.interactions import others_in
from kinship.services.views._common import day
from kinship.store import dialect
from kinship.store.models import Contact, Event, EventPerson, Interaction, Participant


@dataclass(frozen=True, slots=True)
class TimelineItem:
    when: date
    kind: str
    summary: str
    others: tuple[str, ...] = ()
    source: str = "interaction"  # or "event", "life"
    upcoming: bool = False
    who: str = ""
    #: The interaction's UID (to delete it from the timeline); "" for events.
    uid: str = ""


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
    others = others_in([r[0] for r in rows], exclude=contact_id) if rows else {}
    items = [
        TimelineItem(day(at), kind, summary, tuple(others.get(iid, ())), "interaction", uid=uid)
        for iid, at, kind, summary, uid in rows
        if at is not None  # unreadable (reported when read): left out
    ]
    for start, kind, summary in (
        Event.select(Event.start, Event.kind, Event.summary)
        .join(EventPerson)
        .where(EventPerson.contact == contact_id)
        .order_by(Event.start.desc())
        .limit(limit)
        .tuples()
    ):
        if start is None:  # unreadable (reported when read): left out
            continue
        when = day(start)
        source = "life" if kind in LIFE_EVENT_KINDS else "event"
        items.append(TimelineItem(when, kind, summary, (), source, when > today))
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
        if st is None:
            continue
        items.append(TimelineItem(day(st), kind, summary, tuple(who.get(eid, ())), "event", True))
    for name, bday in birthdays_between(today, today + timedelta(days=days), limit=limit):
        items.append(TimelineItem(bday, "birthday", name, (), "event", True, who=name))
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
    md = dialect.last_chars(Contact.birthday, 5)
    first = f"{start.month:02d}-{start.day:02d}"
    rows = (
        Contact.select(Contact.display_name, Contact.birthday)
        .where(
            Contact.birthday.is_null(False)
            # Not through the (archived, …) indexes: one scan of the table is faster than
            # 100k lookups from an index.
            & (dialect.unindexed(Contact.archived) == False)  # noqa: E712
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
    """Interactions per month for the last ``months`` months, oldest first (SQL GROUP BY)."""
    first = date(today.year, today.month, 1)
    y, m = divmod(first.month - 1 - (months - 1), 12)
    since = date(first.year + y, m + 1, 1)
    month = dialect.year_month(Interaction.occurred_at)
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
