"""The plain records that plugins exchange with kinship.

Plugins import only this module and `kinship.hookimpl`. Nothing here touches the
database: importers yield these records, exporters receive them, follow-up strategies read
`ContactSnapshot` and return `Suggestion`. Keep this module free of heavy
imports; it is loaded on every start.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "CONTACT_FIELD_KINDS",
    "EVENT_KINDS",
    "FOLLOWUP_KINDS",
    "FOLLOWUP_STATUSES",
    "GIVEN_KINDS",
    "INTERACTION_KINDS",
    "INTRO_OPEN",
    "INTRO_STATUSES",
    "LIFE_EVENT_KINDS",
    "NEED_NOTE_KINDS",
    "NOTE_KINDS",
    "OFFER_NOTE_KINDS",
    "RECEIVED_KINDS",
    "RELATIONSHIP_KINDS",
    "CaptureRecord",
    "CaptureStep",
    "ContactRecord",
    "ContactSnapshot",
    "EventRecord",
    "ExportBundle",
    "Exporter",
    "FieldRecord",
    "FollowUpRecord",
    "ImportProblem",
    "Importer",
    "InteractionRecord",
    "IntroductionRecord",
    "IntroductionStep",
    "LifeEvent",
    "MatchHint",
    "NoteRecord",
    "PaletteCommand",
    "PartialDate",
    "Record",
    "RelationshipRecord",
    "Strategy",
    "Suggestion",
    "TagRecord",
]

CONTACT_FIELD_KINDS = ("email", "phone", "address", "url", "social", "custom")

INTERACTION_KINDS = (
    "call",
    "meeting",
    "message",
    "email",
    "event",
    "thanks",
    "help-given",
    "help-received",
    "intro-given",
    "intro-received",
    "gift-given",
    "gift-received",
    "congratulation",
    "condolence",
    "promise",
)
#: Interactions where value went from the user to the contact.
GIVEN_KINDS = frozenset({"help-given", "intro-given", "gift-given"})
#: Interactions where value came to the user; these are what "thank them" looks for.
RECEIVED_KINDS = frozenset({"help-received", "intro-received", "gift-received"})

LIFE_EVENT_KINDS = (
    "new-job",
    "promotion",
    "wedding",
    "baby",
    "move",
    "graduation",
    "loss",
    "illness",
)
EVENT_KINDS = ("event", "networking", "meeting", "birthday", "anniversary", *LIFE_EVENT_KINDS)

NOTE_KINDS = (
    "need",
    "goal",
    "challenge",
    "interest",
    "family",
    "perspective",
    "feeling",
    "preference",
    "general",
    "offer",
)
#: Notes that say what someone is looking for, and what someone can give (``kinship matches``).
NEED_NOTE_KINDS = frozenset({"need", "goal"})
OFFER_NOTE_KINDS = frozenset({"offer"})

RELATIONSHIP_KINDS = (
    "partner",
    "spouse",
    "child",
    "parent",
    "sibling",
    "family",
    "friend",
    "colleague",
    "manager",
    "report",
    "mentor",
    "mentee",
    "client",
    "introduced-by",
)

FOLLOWUP_KINDS = (
    "check-in",
    "birthday",
    "anniversary",
    "congratulate",
    "condole",
    "wish-well",
    "thank",
    "offer-help",
    "promise",
    "intro-ask",
    "intro-make",
    "intro-how",
    "introduce",
    "nice-to-meet",
    "first-follow-up",
    "manual",
)

#: A follow-up is open until it is done or dismissed; snoozed ones come back on their day.
FOLLOWUP_STATUSES = ("open", "done", "snoozed", "dismissed")
#: The life of an introduction: each status and the ones it may move to.
INTRO_STATUSES = ("proposed", "asked", "made", "followed-up", "declined")
INTRO_OPEN = frozenset({"proposed", "asked", "made"})

_PARTIAL_RE = re.compile(r"^(?:(\d{4})-?|--)(\d{2})-?(\d{2})$")


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A calendar date whose year may be unknown (birthdays, anniversaries).

    ``str()`` gives ``YYYY-MM-DD`` or, without a year, the vCard form ``--MM-DD``.
    """

    month: int
    day: int
    year: int | None = None

    def __post_init__(self) -> None:
        # Validate against a leap year when the year is unknown, so --02-29 is allowed.
        date(self.year if self.year is not None else 2000, self.month, self.day)

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY-MM-DD``, ``YYYYMMDD``, ``--MM-DD`` or ``--MMDD``; raise ValueError."""
        if not isinstance(text, str):
            raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD or --MM-DD)")
        m = _PARTIAL_RE.match(text.strip())
        if not m:
            raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD or --MM-DD)")
        year = int(m.group(1)) if m.group(1) else None
        try:
            return cls(int(m.group(2)), int(m.group(3)), year)
        except ValueError as exc:
            raise ValueError(f"not a date: {text!r} ({exc})") from None

    @classmethod
    def from_date(cls, d: date) -> PartialDate:
        return cls(d.month, d.day, d.year)

    def to_date(self, year: int | None = None) -> date:
        """The date in ``year`` (default: its own); Feb 29 falls on Feb 28 in common years."""
        y = year if year is not None else self.year
        if y is None:
            raise ValueError("year unknown")
        try:
            return date(y, self.month, self.day)
        except ValueError:
            return date(y, 2, 28)

    def next_on_or_after(self, today: date) -> date:
        """The next anniversary of this date on or after ``today``."""
        d = self.to_date(today.year)
        return d if d >= today else self.to_date(today.year + 1)

    def __str__(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


@dataclass(slots=True)
class FieldRecord:
    """One email, phone, address, URL, social handle or custom field."""

    kind: str
    value: str
    label: str = ""
    preferred: bool = False


@dataclass(slots=True)
class ContactRecord:
    """A person, as importers produce and exporters receive them.

    ``line`` is the 1-based line in ``source`` where the item started (for reports).
    """

    display_name: str
    uid: str = ""
    given_name: str = ""
    family_name: str = ""
    nickname: str = ""
    organization: str = ""
    title: str = ""
    birthday: PartialDate | None = None
    anniversary: PartialDate | None = None
    met_how: str = ""
    met_on: date | None = None
    cadence_days: int | None = None
    strategy: str = ""
    notes: str = ""
    archived: bool = False
    tags: list[str] = field(default_factory=list)
    fields: list[FieldRecord] = field(default_factory=list)
    #: Anything an importer wants kept for a lossless round trip (e.g. ``{"photo": "..."}``).
    extra: dict[str, Any] = field(default_factory=dict)
    #: No suggestions for this person until this day (exports carry it; importers may leave it).
    snoozed_until: date | None = None
    #: The fields the user changed in kinship (a later import keeps their value and says so).
    edited: list[str] = field(default_factory=list)
    source: str = ""
    line: int | None = None

    def emails(self) -> list[str]:
        return [f.value for f in self.fields if f.kind == "email"]

    def phones(self) -> list[str]:
        return [f.value for f in self.fields if f.kind == "phone"]


@dataclass(slots=True)
class EventRecord:
    """A dated thing: a networking event, a meeting, a life event.

    ``start``/``end`` are ``date`` for all-day events, else timezone-aware ``datetime``.
    ``rrule`` is the RFC 5545 RRULE value (without ``RRULE:``); ``attendees`` are email
    addresses; ``contact_uids`` names people already known by UID. ``vtimezone`` is the
    iCalendar VTIMEZONE text of a ``timezone`` that is not an IANA name (a calendar's own
    zone), so that exports can write times in it.

    An edited occurrence of a recurring series (iCalendar ``RECURRENCE-ID``) is an event of
    its own with the series' ``uid`` and ``recurrence_id`` set to the start of the
    occurrence it replaces (``recurrence_range`` is ``"THISANDFUTURE"`` when the edit covers
    the later occurrences too); a series or a plain event has ``None``.
    """

    summary: str
    start: date | datetime
    uid: str = ""
    end: date | datetime | None = None
    all_day: bool = False
    timezone: str = ""
    vtimezone: str = ""
    kind: str = "event"
    location: str = ""
    description: str = ""
    rrule: str = ""
    rdates: list[date | datetime] = field(default_factory=list)
    exdates: list[date | datetime] = field(default_factory=list)
    attendees: list[str] = field(default_factory=list)
    contact_uids: list[str] = field(default_factory=list)
    #: The role of a linked person when it is not "attendee": contact UID → e.g. "subject"
    #: (whose birthday, new job or loss the event is).
    roles: dict[str, str] = field(default_factory=dict)
    source: str = ""
    line: int | None = None
    recurrence_id: date | datetime | None = None
    recurrence_range: str = ""


@dataclass(slots=True)
class InteractionRecord:
    """Something that happened with one or more people (``participants`` are contact UIDs)."""

    occurred_at: datetime
    kind: str
    summary: str
    participants: list[str] = field(default_factory=list)
    notes: str = ""
    uid: str = ""
    event_uid: str = ""
    source: str = ""
    line: int | None = None


@dataclass(slots=True)
class NoteRecord:
    """An empathy note about one contact."""

    contact_uid: str
    body: str
    kind: str = "general"
    pinned: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None
    source: str = ""
    line: int | None = None


@dataclass(slots=True)
class RelationshipRecord:
    """``from_uid`` is ``kind`` of ``to_uid`` (e.g. A *mentor* of B)."""

    from_uid: str
    to_uid: str
    kind: str
    source: str = ""
    line: int | None = None


@dataclass(slots=True)
class FollowUpRecord:
    """A reminder to reach out: an exported VTODO read back, or what the follow-up hooks
    (``kinship_followups_due``, ``kinship_followup_done`` …) tell notifiers about.

    ``origin`` is the strategy that suggested it (``"manual"``: the user). ``contact_name``,
    ``priority`` and ``snoozed_until`` are filled in when kinship hands a follow-up to a
    plugin; an importer may leave them out.
    """

    contact_uid: str
    due: date
    reason: str
    kind: str = "manual"
    origin: str = "manual"
    status: str = "open"
    uid: str = ""
    #: Lower is more urgent (strategies' suggestions; manual ones are 50).
    priority: int = 50
    snoozed_until: date | None = None
    done_at: datetime | None = None
    source: str = ""
    line: int | None = None
    contact_name: str = ""


@dataclass(slots=True)
class TagRecord:
    """A tag (circle) and its default check-in cadence, as a backup keeps them."""

    name: str
    cadence_days: int | None = None
    source: str = ""
    line: int | None = None


@dataclass(slots=True)
class IntroductionRecord:
    """You introduce ``person_uid`` to ``to_uid`` (``kinship intro``): why, how far it got
    (proposed, asked, made, followed-up, declined) and when each step was reached."""

    person_uid: str
    to_uid: str
    why: str = ""
    status: str = "proposed"
    created_at: datetime | None = None
    asked_at: datetime | None = None
    made_at: datetime | None = None
    followed_up_at: datetime | None = None
    declined_at: datetime | None = None
    status_at: datetime | None = None
    source: str = ""
    line: int | None = None


@dataclass(slots=True)
class CaptureRecord:
    """Someone met at an event and noted right after it (``kinship capture``).

    The event is named by its ``event_uid`` and, for an edited occurrence of a recurring
    series, ``event_recurrence_id`` as the store keeps it ("" for a plain event or a series).
    """

    event_uid: str
    contact_uid: str
    phrase: str = ""
    captured_at: datetime | None = None
    event_recurrence_id: str = ""
    source: str = ""
    line: int | None = None


@dataclass(slots=True)
class ImportProblem:
    """Something an importer could not read. ``fatal`` problems abort the whole file."""

    file: str
    message: str
    line: int | None = None
    fatal: bool = False

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


Record = (
    ContactRecord
    | EventRecord
    | InteractionRecord
    | NoteRecord
    | RelationshipRecord
    | FollowUpRecord
    | TagRecord
    | IntroductionRecord
    | CaptureRecord
)


@dataclass(slots=True)
class ExportBundle:
    """Everything an exporter may write. Iterables may be lazy: consume each once."""

    contacts: Iterable[ContactRecord] = ()
    events: Iterable[EventRecord] = ()
    interactions: Iterable[InteractionRecord] = ()
    notes: Iterable[NoteRecord] = ()
    relationships: Iterable[RelationshipRecord] = ()
    followups: Iterable[FollowUpRecord] = ()
    #: Every tag with its cadence (a lossless backup needs them; other formats may ignore).
    tags: Iterable[TagRecord] = ()
    introductions: Iterable[IntroductionRecord] = ()
    captures: Iterable[CaptureRecord] = ()
    #: Exporter options from the command line, e.g. ``{"vcard_version": "4.0"}``.
    options: dict[str, str] = field(default_factory=dict)
    #: What the exporter wrote, by kind (``{"events": 3, "birthdays": 40}``), when that is
    #: not simply what it was handed: an exporter that writes only some records (open
    #: follow-ups as to-dos) or turns them into others (contacts into birthday events) fills
    #: it, and the export reports these counts. Left empty, the report counts what it read.
    written: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LifeEvent:
    kind: str
    on: date
    summary: str = ""


@dataclass(frozen=True, slots=True)
class IntroductionStep:
    """An open introduction this contact takes part in (``kinship intro``).

    ``person`` is introduced *to* ``to`` (the one asked first, double opt-in); ``role`` says
    which of the two this snapshot's contact is (``"person"`` or ``"to"``). ``since`` is when
    the introduction reached its ``status`` (proposed, asked or made).
    """

    id: int
    status: str
    role: str
    person: str
    to: str
    since: datetime
    why: str = ""


@dataclass(frozen=True, slots=True)
class CaptureStep:
    """This contact was met at ``event`` (on the day ``on``) and captured at ``at``
    (``kinship capture``); ``phrase`` is what you jotted down to remember them by."""

    event: str
    at: datetime
    phrase: str = ""
    on: date | None = None


@dataclass(frozen=True, slots=True)
class MatchHint:
    """This week's best fresh match for this contact: their ``need`` (a need or goal note)
    and what ``offerer`` offers (an offer note). ``week`` is the Monday it was picked for."""

    need: str
    offerer: str
    offer: str
    week: date
    score: float = 0.0
    offerer_uid: str = ""


@dataclass(slots=True)
class ContactSnapshot:
    """What a follow-up strategy knows about one contact. Built in bulk; read only.

    **Times and days.** Every ``datetime`` here (``last_interaction_at``, ``last_by_kind``,
    ``unthanked``, an introduction's ``since``, a capture's ``at``) is timezone-aware, in
    UTC. ``interaction_dates`` are calendar days in the system's local zone, and so is the
    ``today`` the strategy is given (or the day a test fixed). Count days between calendar
    days: turn a moment into the day it was where the user lives, then subtract, as the
    builtin strategies do with their ``tz`` setting (``None``: the system's zone):

        zone = ZoneInfo(tz) if tz else None
        last = snapshot.last_interaction_at.astimezone(zone).date()
        days = (today - last).days

    A call at 23:30 UTC on Nov 1 was on Nov 2 in Berlin; ``last_interaction_at.date()``
    would say Nov 1.

    ``strategy`` is the contact's own list of strategies (``kinship edit --strategy``,
    comma-separated; ``""``: none). kinship has already used it to decide whether to ask
    your strategy at all (see `Strategy`): you need not check it.
    """

    uid: str
    display_name: str
    cadence_days: int | None = None
    birthday: PartialDate | None = None
    anniversary: PartialDate | None = None
    last_interaction_at: datetime | None = None
    #: Most recent interaction per kind.
    last_by_kind: dict[str, datetime] = field(default_factory=dict)
    #: Dates of the most recent interactions (at most 50), oldest first (for a rhythm).
    interaction_dates: list[date] = field(default_factory=list)
    life_events: list[LifeEvent] = field(default_factory=list)
    #: When help/intros/gifts were received with no thanks logged after them.
    unthanked: list[datetime] = field(default_factory=list)
    given: int = 0
    received: int = 0
    #: Summaries of promises made to this person and not yet kept.
    open_promises: list[str] = field(default_factory=list)
    snoozed_until: date | None = None
    archived: bool = False
    tags: list[str] = field(default_factory=list)
    strategy: str = ""
    #: Strategy settings from the config file, per strategy name.
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: How many interactions there are in all (``interaction_dates`` keeps the last 50).
    interaction_count: int = 0
    #: Open introductions (proposed, asked, made) this contact is part of.
    introductions: list[IntroductionStep] = field(default_factory=list)
    #: Events this contact was captured at in the last few weeks, newest last.
    captures: list[CaptureStep] = field(default_factory=list)
    #: This week's fresh match for this contact's needs (only the week's pick has one).
    match: MatchHint | None = None
    #: When the contact was added (``None`` when not known).
    created_at: datetime | None = None


@dataclass(slots=True)
class Suggestion:
    """Reach out to ``contact_uid`` (kind, due date, why). Lower ``priority`` is more urgent.

    - ``contact_uid`` must be the ``uid`` of the snapshot you were given; any other is an
      error (the strategy counts as raising).
    - ``kind``: one of `FOLLOWUP_KINDS` or your own (at most 40 characters; an unknown
      kind is listed under the strategy's ``group``, else "Other").
    - ``due`` is the day the follow-up *became* (or becomes) due — the cadence date, the
      birthday, the day after the event — rather than ``today`` whenever you can: lists sort
      by it (most overdue first), ``kinship due`` lists it from 7 days before (or the longest
      ``lead_days`` set) until it is done, and kinship remembers a follow-up done or
      dismissed *by its kind and due date*, so one whose ``due`` moves every day comes back
      the day after it is dismissed.
    - ``reason`` is stored as one line (runs of whitespace become one space), at most 500
      characters.
    - ``strategy`` may be left empty: kinship sets it to the name of the
      `Strategy` that returned the suggestion, whatever you put there.

    One follow-up per contact and kind: when several strategies suggest the same ``kind``
    for the same contact, the one with the lowest ``priority`` is kept, then the earliest
    ``due``; on a tie the strategy registered first wins, and the builtins are registered
    before any plugin. The others are dropped, without a message; use a kind of your own
    to be listed beside them.

    kinship stores the suggestions as open follow-ups and replaces one (due, reason,
    priority) only when it next asks the strategies about that contact: after any change to
    the person, on the first ``kinship due``/``today`` of a day for the people the calendar
    may have moved, and for everyone weekly or on ``kinship due --recompute``. Changing your
    strategy's code is not a change kinship sees: run ``kinship due --recompute`` (see
    the hook reference, "When suggestions are recomputed").
    """

    contact_uid: str
    kind: str
    due: date
    reason: str
    priority: int = 50
    strategy: str = ""


@dataclass(frozen=True, slots=True)
class Importer:
    """Registered through ``kinship_register_importers``.

    ``read(path)`` yields records and `ImportProblem` (parse only: no database).
    ``sniff(path)`` says whether this importer recognises the file by content.
    """

    name: str
    description: str
    suffixes: tuple[str, ...]
    read: Callable[[Path], Iterator[Record | ImportProblem]]
    sniff: Callable[[Path], bool] | None = None


@dataclass(frozen=True, slots=True)
class Exporter:
    """Registered through ``kinship_register_exporters``; ``write(bundle, path)``.

    ``suffix`` is the file suffix, or ``""`` for an exporter that writes a folder.
    ``sniff(path)`` says whether an existing file (or folder) is a previous export of this
    kind, which ``kinship export`` may replace without ``--force``; without it only an empty
    (or new) file or folder is written.
    """

    name: str
    description: str
    suffix: str
    write: Callable[[ExportBundle, Path], None]
    sniff: Callable[[Path], bool] | None = None


@dataclass(frozen=True, slots=True)
class Strategy:
    """Registered through ``kinship_register_followup_strategies``.

    ``group`` names the Today group its suggestions are listed under (``""``: grouped by
    kind, like the builtin ones: a ``check-in`` under "Check in", an unknown kind under
    "Other"). ``done_as`` maps a suggestion kind to the interaction kind that marking it done
    logs (one of `INTERACTION_KINDS`; kinds it leaves out log what the builtins do,
    else ``message``).

    **Who it is asked about.** ``suggest(snapshot, today)`` is called for every contact,
    archived and snoozed ones included (skip them yourself), with every enabled strategy —
    unless the contact names its own strategies (``kinship edit Ada --strategy
    cadence,my-strategy``: then only those), or else one of its tags does (``[tags.<tag>]
    strategies = [...]`` in the config file: the union over its tags). ``[strategies.<name>]
    enabled = false`` turns a strategy off for everyone.
    """

    name: str
    description: str
    suggest: Callable[[ContactSnapshot, date], Iterable[Suggestion]]
    group: str = ""
    done_as: Mapping[str, str] = field(default_factory=dict)
    #: Optional, and what keeps the daily catch-up small: ``changes(snapshot, today)`` gives
    #: the first day after ``today`` on which ``suggest`` may answer differently for this
    #: same snapshot (a due date reached, a window opening or closing, a date in a reason
    #: read differently), or ``None`` when only a change to the person can change it. An
    #: early day is harmless (the person is asked about again, nothing else); a late one
    #: leaves a stale suggestion until then. Without it, kinship asks the strategy again
    #: every day about the people it suggested something for, and weekly about the rest.
    changes: Callable[[ContactSnapshot, date], date | None] | None = None


@dataclass(frozen=True, slots=True)
class PaletteCommand:
    """A command-palette entry a plugin adds to the TUI.

    ``run(app)`` is called on the UI thread with the running app; keep it quick. It may be
    an ``async def``: kinship runs it as a worker, and it may ``await
    kinship.api.call(app, func, ...)`` for database work. Whatever it raises is a message.
    """

    title: str
    help: str
    run: Callable[[Any], Any]
