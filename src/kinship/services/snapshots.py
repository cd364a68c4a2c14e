"""Snapshots for the follow-up strategies, built in bulk with a few set-based queries.

:func:`build` turns one chunk of contact ids into :class:`~kinship.records.ContactSnapshot`
objects with nine queries in all, whatever the chunk size (never one query per contact):

1. the contacts themselves;
2. their tags (with each tag's cadence);
3. every interaction of theirs, newest first, read once: the last one and the number per
   kind, the dates of the last :data:`MAX_DATES` (for rhythm), and help, introductions and
   gifts received (for "unthanked", filtered after the last thanks);
4. life events from :data:`LIFE_EVENT_DAYS` ago to :data:`LOOKAHEAD_DAYS` ahead, and the
   first one beyond (the day it comes into the window is a day the snapshot changes);
5. open manual follow-ups of kind ``promise``;
6. open introductions either side of which is in the chunk (with both names);
7. event captures of the last :data:`CAPTURE_DAYS` days (with the event's name);
8. this week's match of needs and offers, when the ``introductions`` strategy is on
   (:func:`kinship.services.matching.weekly_picks`: computed once, cached across chunks).

Callers work in chunks of :data:`CHUNK` contacts, so 100k contacts never sit in memory at once.
Nothing here writes.
"""

from __future__ import annotations

import os
import time as _time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from peewee import fn

from kinship.records import (
    GIVEN_KINDS,
    INTRO_OPEN,
    LIFE_EVENT_KINDS,
    RECEIVED_KINDS,
    CaptureStep,
    ContactSnapshot,
    IntroductionStep,
    LifeEvent,
    MatchHint,
    PartialDate,
)
from kinship.services import matching
from kinship.store import dialect
from kinship.store.models import (
    Capture,
    Contact,
    ContactTag,
    Event,
    EventPerson,
    FollowUp,
    Interaction,
    Introduction,
    Participant,
    Tag,
)
from kinship.validation import unreadable

__all__ = [
    "CAPTURE_DAYS",
    "CHUNK",
    "LIFE_EVENT_DAYS",
    "LOOKAHEAD_DAYS",
    "MAX_DATES",
    "Config",
    "build",
    "effective_cadences",
]

#: Contacts per chunk (snapshots, recompute).
CHUNK = 1000
#: Interaction dates kept per contact for rhythm-learning strategies.
MAX_DATES = 50
#: Unthanked receipts kept per contact (the most recent ones).
MAX_UNTHANKED = 50
#: Life events this many days back are in the snapshot: the longest builtin sequence (a loss:
#: day +42) plus ``recent_days`` (30), with room to spare.
LIFE_EVENT_DAYS = 90
#: Upcoming life events this many days ahead are in the snapshot (``lead_days`` of occasions).
LOOKAHEAD_DAYS = 31
#: Captures this many days back are in the snapshot (a sprint lasts two weeks by default).
CAPTURE_DAYS = 60
#: The builtin strategy that reads ``snapshot.match``: the week's pick is only worked out
#: when it is enabled.
MATCH_STRATEGY = "introductions"


def id_filter(column: Any, ids: Sequence[int]) -> Any:
    """``column IN ids`` — as ``column BETWEEN lo AND hi`` when the sorted ids are dense
    (callers drop the extra rows), else with the ids bound as one value
    (:func:`kinship.store.dialect.in_ids`)."""
    lo, hi = min(ids), max(ids)
    if hi - lo + 1 <= 2 * len(ids):
        return column.between(lo, hi)
    return dialect.in_ids(column, ids)


def _positive_int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= 3650 else None


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, (list, tuple)):
        return ()
    return tuple(str(v).strip() for v in value if str(v).strip())


@dataclass(frozen=True)
class Config:
    """What the engine reads from the config file (:class:`kinship.config.Settings`).

    - ``strategies``: the ``[strategies.<name>]`` tables, handed to strategies as
      ``snapshot.settings``;
    - ``tag_cadence``: ``[tags.<name>] cadence = N`` — a tag's default cadence when the tag
      itself has none in the store (``kinship tag --every`` wins), keyed by case-folded name;
    - ``tag_strategies``: ``[tags.<name>] strategies = [...]`` — the strategies used for the
      tag's members (unless the contact names its own).
    """

    strategies: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    tag_cadence: Mapping[str, int] = field(default_factory=dict)
    tag_strategies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Any) -> Config:
        if settings is None:
            return cls()
        strategies = {
            str(name): dict(table)
            for name, table in (getattr(settings, "strategies", None) or {}).items()
            if isinstance(table, Mapping)
        }
        tag_cadence: dict[str, int] = {}
        tag_strategies: dict[str, tuple[str, ...]] = {}
        for name, table in (getattr(settings, "tags", None) or {}).items():
            if not isinstance(table, Mapping):
                continue
            days = _positive_int(table.get("cadence"))
            if days is not None:
                tag_cadence[str(name).casefold()] = days
            if "strategies" in table:
                tag_strategies[str(name).casefold()] = _names(table["strategies"])
        return cls(strategies, tag_cadence, tag_strategies)

    def enabled(self, name: str) -> bool:
        """``enabled = false`` under ``[strategies.<name>]`` turns a strategy off."""
        value = self.strategies.get(name, {}).get("enabled", True)
        if isinstance(value, str):
            return value.strip().lower() not in ("false", "no", "off", "0")
        return value is not False and value != 0

    def max_lead_days(self) -> int:
        """The longest ``lead_days`` any strategy is configured with (at least 7)."""
        leads = [7]
        for table in self.strategies.values():
            days = _positive_int(table.get("lead_days"))
            if days is not None:
                leads.append(days)
        return min(max(leads), 366)


def _dt(value: Any) -> datetime | None:
    """A stored naive-UTC value (or its text, from aggregates) → aware UTC."""
    naive = _naive(value)
    return naive.replace(tzinfo=UTC) if naive is not None else None


def _naive(value: Any) -> datetime | None:
    """A stored value (text on SQLite, a ``datetime`` on PostgreSQL) → naive UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:  # text in a date column (an older version, a hand edit)
            unreadable("interaction date", value, "a date and time")
            return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0))
    return None


_UNKNOWN: Any = object()


class _LocalDates:
    """UTC moments → calendar dates in the local zone, with the zone's offset looked up once
    per UTC day (when it is the same at both ends of the day, which is every day but the
    two a year when the clocks change) instead of a zone conversion per moment."""

    def __init__(self, zone: Any = None) -> None:
        #: The local zone these offsets are of (:func:`_local_dates`).
        self.zone = zone
        #: UTC day → the local zone's offset all that day (None: it changes that day).
        self.offsets: dict[date, timedelta | None] = {}

    def date(self, moment: datetime) -> date:
        """The local day of ``moment`` (aware, or naive UTC)."""
        day = moment.date()
        if day in self.offsets:
            offset = self.offsets[day]
        else:
            start = datetime.combine(day, time(0, 0), tzinfo=UTC)
            first = start.astimezone().utcoffset()
            last = (start + timedelta(days=1, microseconds=-1)).astimezone().utcoffset()
            offset = first if first == last else None
            self.offsets[day] = offset
        if offset is None:
            aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
            return aware.astimezone().date()
        return (moment + offset).date()


_local: _LocalDates = _LocalDates()


def _local_dates() -> _LocalDates:
    """The offsets of the local zone, kept across chunks and runs (a 100k recompute looks up
    ~1,000 UTC days per chunk, the same ones each time) until the zone changes (``TZ``)."""
    global _local
    zone = (os.environ.get("TZ"), _time.tzname, _time.timezone, _time.altzone)
    if _local.zone != zone:
        _local = _LocalDates(zone)
    return _local


class _ContactRow(NamedTuple):
    id: int
    uid: str
    display_name: str
    cadence_days: int | None
    birthday: str | None
    anniversary: str | None
    snoozed_until: Any
    archived: Any
    strategy: str | None
    last_interaction_at: Any
    created_at: Any


def _partial(text: str | None) -> PartialDate | None:
    if not text:
        return None
    try:
        return PartialDate.parse(text)
    except ValueError:
        return None


def _raw(query: Any) -> Iterable[tuple[Any, ...]]:
    """The rows of ``query`` as the driver gives them, without Peewee's per-value
    conversion: the big queries here return ~20 rows per contact, and converting each value
    through its field was most of the time of a recompute (dates are text on SQLite and
    ``datetime`` on PostgreSQL: :func:`_dt` takes both)."""
    from kinship.store import current

    return current().db.execute(query)


def _tag_rows(ids: Sequence[int]) -> Iterable[tuple[int, str, int | None]]:
    return (
        ContactTag.select(ContactTag.contact, Tag.name, Tag.cadence_days)
        .join(Tag)
        .where(id_filter(ContactTag.contact, ids))
        .order_by(ContactTag.contact, Tag.name)
        .tuples()
    )


def _cadences_from(
    own: Mapping[int, int | None],
    tags: Iterable[tuple[int, str, int | None]],
    config: Config,
) -> dict[int, int | None]:
    """Contact's own cadence, else the shortest of its tags' (store value, else config)."""
    best: dict[int, int] = {}
    for cid, name, days in tags:
        value = days or config.tag_cadence.get(name.casefold())
        if value and (cid not in best or value < best[cid]):
            best[cid] = value
    return {cid: (mine or best.get(cid)) for cid, mine in own.items()}


def effective_cadences(ids: Sequence[int], config: Config) -> dict[int, int | None]:
    """The effective cadence of each contact in ``ids`` (two queries)."""
    wanted = set(ids)
    own = {
        cid: days
        for cid, days in Contact.select(Contact.id, Contact.cadence_days)
        .where(id_filter(Contact.id, ids))
        .tuples()
        if cid in wanted
    }
    return _cadences_from(own, (r for r in _tag_rows(ids) if r[0] in wanted), config)


@dataclass
class Built:
    """One chunk of snapshots, with what the engine needs beside them."""

    #: contact id → snapshot, in the order of the ids asked for (missing ids are skipped).
    snapshots: dict[int, ContactSnapshot]
    #: contact id → effective cadence (for ``next_due_at``).
    cadences: dict[int, int | None]
    #: contact id → case-folded tag names (for per-tag strategy choice).
    tags: dict[int, list[str]]
    #: contact id → the first day after ``today`` on which the snapshot itself would differ
    #: (a life event coming into its window or leaving it, a capture leaving it); absent:
    #: only a change to the person changes it.
    changes: dict[int, date] = field(default_factory=dict)


def build(ids: Sequence[int], *, today: date, config: Config | None = None) -> Built:
    """Snapshots for the contacts ``ids`` (one chunk; keep it to about :data:`CHUNK`)."""
    config = config or Config()
    ids = list(ids)
    if not ids:
        return Built({}, {}, {})
    settings = {name: dict(table) for name, table in config.strategies.items()}

    contacts_query = (
        Contact.select(
            Contact.id,
            Contact.uid,
            Contact.display_name,
            Contact.cadence_days,
            Contact.birthday,
            Contact.anniversary,
            Contact.snoozed_until,
            Contact.archived,
            Contact.strategy,
            Contact.last_interaction_at,
            Contact.created_at,
        )
        .where(id_filter(Contact.id, ids))
        .order_by(Contact.id)
    )
    # Raw rows, not model instances (a tenth of the cost): the dates are converted where
    # they are read (_dt, _partial take text or values).
    contacts = [_ContactRow._make(row) for row in _raw(contacts_query)]
    wanted = set(ids)
    contacts = [c for c in contacts if c.id in wanted]
    present = [c.id for c in contacts]
    if not present:
        return Built({}, {}, {})
    wanted = set(present)

    tag_rows = [r for r in _tag_rows(present) if r[0] in wanted]
    tags: dict[int, list[str]] = defaultdict(list)
    for cid, name, _days in tag_rows:
        tags[cid].append(name)
    cadences = _cadences_from({c.id: c.cadence_days for c in contacts}, tag_rows, config)

    # One pass over every interaction of the chunk, newest first per contact: the last one
    # per kind and the counts, the dates of the last MAX_DATES, and what was received. (Three
    # queries — a GROUP BY, a window function and the receipts — each joined every
    # participant row to its interaction again: most of a full recompute's time.)
    last_by_kind: dict[int, dict[str, datetime]] = {}
    given: dict[int, int] = {}
    received: dict[int, int] = {}
    counts: dict[int, int] = {}
    dates: dict[int, list[date]] = {}
    unthanked: dict[int, list[datetime]] = {}
    local = _local_dates()
    offsets = local.offsets
    fromisoformat = datetime.fromisoformat
    kinds: dict[str, datetime] = {}
    recent: list[date] = []
    receipts: list[datetime] = []
    n = gave = got = 0

    def done(cid: int) -> None:
        # Rows come newest first: the dates and receipts are put oldest first.
        counts[cid], given[cid], received[cid] = n, gave, got
        last_by_kind[cid] = kinds
        recent.reverse()
        dates[cid] = recent
        thanked = kinds.get("thanks")
        unthanked[cid] = [m for m in reversed(receipts) if thanked is None or m > thanked]

    current_id: int | None = None
    for cid, kind, at in _raw(
        Participant.select(Participant.contact, Interaction.kind, Interaction.occurred_at)
        .join(Interaction)
        .where(id_filter(Participant.contact, present))
        .order_by(Participant.contact, Interaction.occurred_at.desc())
    ):
        if cid != current_id:
            if current_id is not None:
                done(current_id)
            current_id, kinds, recent, receipts = cid, {}, [], []
            n = gave = got = 0
        n += 1
        receipt = kind in RECEIVED_KINDS
        if receipt:
            got += 1
        elif kind in GIVEN_KINDS:
            gave += 1
        if kind in kinds and not receipt and len(recent) >= MAX_DATES:
            continue  # past the first rows, most need nothing more
        # Inlined for the million rows of a full recompute: text (SQLite) parsed here, the
        # local day from the cached offset of its UTC day.
        naive: datetime | None
        if at.__class__ is str:
            try:
                naive = fromisoformat(at)
            except ValueError:
                naive = _naive(at)  # says it is unreadable
        else:
            naive = _naive(at)
        if naive is None:
            continue
        if len(recent) < MAX_DATES:
            utc_day = naive.date()
            offset = offsets.get(utc_day, _UNKNOWN)
            if offset is _UNKNOWN or offset is None:
                recent.append(local.date(naive))
            else:
                recent.append((naive + offset).date() if offset else utc_day)
        if receipt or kind not in kinds:
            stamped = naive.replace(tzinfo=UTC)
            kinds.setdefault(kind, stamped)
            if receipt:
                receipts.append(stamped)
    if current_id is not None:
        done(current_id)

    life: dict[int, list[LifeEvent]] = defaultdict(list)
    changes: dict[int, date] = {}

    def changes_on(cid: int, day: date) -> None:
        if day > today and (cid not in changes or day < changes[cid]):
            changes[cid] = day

    start = datetime.combine(today - timedelta(days=LIFE_EVENT_DAYS), time(0, 0))
    end = datetime.combine(today + timedelta(days=LOOKAHEAD_DAYS + 1), time(0, 0))
    for cid, kind, at, all_day, summary in (
        EventPerson.select(
            EventPerson.contact, Event.kind, Event.start, Event.all_day, Event.summary
        )
        .join(Event)
        .where(
            id_filter(EventPerson.contact, present)
            & Event.kind.in_(list(LIFE_EVENT_KINDS))
            & (Event.start >= start)
            & (Event.start < end)
        )
        .order_by(EventPerson.contact, Event.start)
        .tuples()
    ):
        moment = _dt(at)
        if moment is None:
            continue
        # All-day events are stored at midnight of their day; timed ones in UTC.
        on = moment.date() if all_day else moment.astimezone().date()
        life[cid].append(LifeEvent(kind, on, summary or ""))
        changes_on(cid, moment.date() + timedelta(days=LIFE_EVENT_DAYS + 1))
    for cid, first in (
        EventPerson.select(EventPerson.contact, fn.MIN(Event.start))
        .join(Event)
        .where(
            id_filter(EventPerson.contact, present)
            & Event.kind.in_(list(LIFE_EVENT_KINDS))
            & (Event.start >= end)
        )
        .group_by(EventPerson.contact)
        .tuples()
    ):
        moment = _dt(first)
        if moment is not None:
            changes_on(cid, moment.date() - timedelta(days=LOOKAHEAD_DAYS))

    promises: dict[int, list[str]] = defaultdict(list)
    for cid, reason in (
        FollowUp.select(FollowUp.contact, FollowUp.reason)
        .where(
            id_filter(FollowUp.contact, present)
            & (FollowUp.kind == "promise")
            & (FollowUp.status == "open")
            & (FollowUp.origin == "manual")
        )
        .order_by(FollowUp.contact, FollowUp.due)
        .tuples()
    ):
        promises[cid].append(reason)

    intros = _introductions(present, wanted)
    captures = _captures(present, wanted, today)
    for cid, steps in captures.items():
        for step in steps:
            changes_on(cid, step.at.date() + timedelta(days=CAPTURE_DAYS + 1))
    picks: dict[int, MatchHint] = {}
    if config.enabled(MATCH_STRATEGY):
        picks = matching.weekly_picks(today, config.strategies.get(MATCH_STRATEGY))

    snaps: dict[int, ContactSnapshot] = {}
    by_id = {c.id: c for c in contacts}
    for cid in ids:
        c = by_id.get(cid)
        if c is None:
            continue
        kinds = last_by_kind.get(cid, {})
        last = max(kinds.values()) if kinds else _dt(c.last_interaction_at)
        snaps[cid] = ContactSnapshot(
            uid=c.uid,
            display_name=c.display_name,
            cadence_days=cadences.get(cid),
            birthday=_partial(c.birthday),
            anniversary=_partial(c.anniversary),
            last_interaction_at=last,
            last_by_kind=dict(kinds),
            interaction_dates=dates.get(cid, []),
            interaction_count=counts.get(cid, 0),
            life_events=life.get(cid, []),
            unthanked=unthanked.get(cid, [])[-MAX_UNTHANKED:],
            given=given.get(cid, 0),
            received=received.get(cid, 0),
            open_promises=promises.get(cid, []),
            snoozed_until=Contact.snoozed_until.python_value(c.snoozed_until),
            archived=bool(c.archived),
            tags=list(tags.get(cid, [])),
            strategy=c.strategy or "",
            settings=settings,
            introductions=intros.get(cid, []),
            captures=captures.get(cid, []),
            match=picks.get(cid),
            created_at=_dt(c.created_at),
        )
    folded = {cid: [t.casefold() for t in names] for cid, names in tags.items()}
    return Built(snaps, cadences, folded, {c: d for c, d in changes.items() if c in wanted})


def _introductions(ids: Sequence[int], wanted: set[int]) -> dict[int, list[IntroductionStep]]:
    """Open introductions per contact of the chunk, on both sides (one query, names by a
    second one)."""
    rows = list(
        Introduction.select(
            Introduction.id,
            Introduction.person,
            Introduction.to,
            Introduction.status,
            Introduction.status_at,
            Introduction.why,
        )
        .where(
            Introduction.status.in_(sorted(INTRO_OPEN))
            & (id_filter(Introduction.person, ids) | id_filter(Introduction.to, ids))
        )
        .order_by(Introduction.status_at, Introduction.id)
        .tuples()
    )
    rows = [r for r in rows if r[1] in wanted or r[2] in wanted]
    if not rows:
        return {}
    names = dict(
        Contact.select(Contact.id, Contact.display_name)
        .where(Contact.id.in_(sorted({r[1] for r in rows} | {r[2] for r in rows})))
        .tuples()
    )
    out: dict[int, list[IntroductionStep]] = defaultdict(list)
    for iid, person, to, status, at, why in rows:
        since = _dt(at)
        if since is None:
            continue
        for cid, role in ((person, "person"), (to, "to")):
            if cid in wanted:
                out[cid].append(
                    IntroductionStep(iid, status, role, names[person], names[to], since, why)
                )
    return out


def _captures(ids: Sequence[int], wanted: set[int], today: date) -> dict[int, list[CaptureStep]]:
    """Recent captures per contact, oldest first (one query)."""
    since = datetime.combine(today - timedelta(days=CAPTURE_DAYS), time(0, 0))
    out: dict[int, list[CaptureStep]] = defaultdict(list)
    for cid, summary, at, phrase, start, all_day in (
        Capture.select(
            Capture.contact,
            Event.summary,
            Capture.captured_at,
            Capture.phrase,
            Event.start,
            Event.all_day,
        )
        .join(Event)
        .where(id_filter(Capture.contact, ids) & (Capture.captured_at >= since))
        .order_by(Capture.contact, Capture.captured_at)
        .tuples()
    ):
        moment, began = _dt(at), _dt(start)
        if cid in wanted and moment is not None:
            on = None
            if began is not None:
                on = began.date() if all_day else began.astimezone().date()
            out[cid].append(CaptureStep(summary or "", moment, phrase or "", on))
    return out
