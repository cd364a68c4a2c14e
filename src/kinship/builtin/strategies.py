"""The builtin follow-up strategies: cadence, occasions, appreciation, give-first,
introductions, new-people.

Each strategy is a pure, deterministic function ``suggest(snapshot, today)`` over a
:class:`~kinship.records.ContactSnapshot`: no database, no I/O, no clock (``today`` is given).
Settings come from ``snapshot.settings[<strategy name>]`` (the ``[strategies.<name>]`` table of
the config file); every key has a default, and a value of the wrong type falls back to it.

Priority scale (lower is more urgent), shared by all strategies so the Today list sorts well:

===  ==========================================================
10   thanks overdue (help received, no thanks within the window)
15   condolences after a loss; wishing well before an illness
20   check-in overdue (past the cadence plus its grace)
22   nice to meet you (someone captured at an event, within a day)
25   congratulations on a life event
30   birthday or anniversary coming up
35   thanks due soon
38   a real follow-up with someone met at an event (within a week)
40   check-in due (within the grace band, or nothing logged yet)
42   an introduction's next step (ask, make it)
45   check-in after a loss or illness (the follow-up sequence)
50   check-in coming up (``lead_days`` ahead of the due date)
55   ask how an introduction went
60   rhythm-based check-in (third-party ``cadence-learner``)
80   offer help (give-first)
85   introduce two people whose need and offer match (the week's match)
===  ==========================================================

See ``docs/follow-ups.md`` for how each strategy decides and every setting.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kinship import hookimpl
from kinship.records import (
    GIVEN_KINDS,
    CaptureStep,
    ContactSnapshot,
    LifeEvent,
    Strategy,
    Suggestion,
)

__all__ = [
    "PRIORITY",
    "appreciation",
    "cadence",
    "default_strategies",
    "give_first",
    "introductions",
    "kinship_register_followup_strategies",
    "new_people",
    "occasions",
]

#: The priority of each kind of suggestion (lower is more urgent); see the module docstring.
PRIORITY: dict[str, int] = {
    "thank-overdue": 10,
    "condole": 15,
    "wish-well": 15,
    "check-in-overdue": 20,
    "congratulate": 25,
    "occasion": 30,
    "thank": 35,
    "check-in-due": 40,
    "life-check-in": 45,
    "check-in-soon": 50,
    "offer-help": 80,
    "nice-to-meet": 22,
    "first-follow-up": 38,
    "intro-step": 42,
    "intro-how": 55,
    "introduce": 85,
}

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# --------------------------------------------------------------------------- helpers


def _settings(snapshot: ContactSnapshot, name: str) -> Mapping[str, Any]:
    value = snapshot.settings.get(name) if snapshot.settings else None
    return value if isinstance(value, Mapping) else {}


#: The largest day count a setting may hold (ten years, as for cadences); beyond it date
#: arithmetic would overflow, so such a value is malformed like any other.
MAX_DAYS = 3650


def _int(
    settings: Mapping[str, Any], key: str, default: int, minimum: int = 0, maximum: int = MAX_DAYS
) -> int:
    """An integer setting in ``minimum..maximum``; missing or malformed values give
    ``default``."""
    value = settings.get(key)
    if isinstance(value, bool) or value is None:
        return default
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return number if minimum <= number <= maximum else default


def _float(settings: Mapping[str, Any], key: str, default: float, minimum: float = 0.0) -> float:
    value = settings.get(key)
    if isinstance(value, bool) or value is None:
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if number >= minimum and number == number else default


def _zone(settings: Mapping[str, Any]) -> tzinfo | None:
    """The ``tz`` setting as a zone; ``None`` means the system's local zone."""
    name = settings.get("tz")
    if not isinstance(name, str) or not name.strip():
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _local_date(moment: datetime, zone: tzinfo | None) -> date:
    """The calendar date of ``moment`` in ``zone`` (system local zone when ``None``).

    Naive datetimes are taken as UTC, which is how the store keeps them.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date()


def _inactive(snapshot: ContactSnapshot, today: date) -> bool:
    """Archived and snoozed contacts get no suggestions from any strategy."""
    return snapshot.archived or (
        snapshot.snoozed_until is not None and snapshot.snoozed_until > today
    )


def _fmt(day: date, today: date) -> str:
    """``Dec 10``; with the year when it is far from ``today`` (``Mar 3, 2024``)."""
    text = f"{_MONTHS[day.month - 1]} {day.day}"
    if day.year != today.year and abs((day - today).days) > 180:
        text += f", {day.year}"
    return text


def _fmt_changes(day: date, today: date) -> date | None:
    """The first day after ``today`` on which ``_fmt(day, ·)`` reads differently, if any.

    ``_fmt`` only moves where the year starts to show or stops showing: at a new year, 181
    days after a past ``day``, 180 days before a future one.
    """
    shown = _fmt(day, today)
    breaks = sorted(
        d
        for d in (
            date(today.year + 1, 1, 1) if today.year < date.max.year else None,
            _plus(day, 181),
            _plus(day, -180),
        )
        if d is not None and d > today
    )
    return next((d for d in breaks if _fmt(day, d) != shown), None)


def _plus(day: date, days: int) -> date | None:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


def _first_after(today: date, *days: date | None) -> date | None:
    """The earliest of ``days`` after ``today`` (``None``: none is)."""
    later = [d for d in days if d is not None and d > today]
    return min(later) if later else None


def _inactive_changes(snapshot: ContactSnapshot, today: date) -> tuple[bool, date | None]:
    """(inactive, the day that changes): an archived contact changes only by an edit; a
    snoozed one on the day the snooze ends."""
    if snapshot.archived:
        return True, None
    if snapshot.snoozed_until is not None and snapshot.snoozed_until > today:
        return True, snapshot.snoozed_until
    return False, None


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _latest(moments: Iterable[datetime | None]) -> datetime | None:
    present = [_aware(m) for m in moments if m is not None]
    return max(present) if present else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# --------------------------------------------------------------------------- cadence

CADENCE = "cadence"


def cadence(snapshot: ContactSnapshot, today: date) -> Iterator[Suggestion]:
    """Check in every ``cadence_days``; any interaction restarts the clock.

    Settings: ``lead_days`` (0) — suggest this many days before the due date;
    ``grace_days`` (max(3, cadence // 5)) — after due + grace it is *overdue*;
    ``tz`` (system zone) — the zone whose calendar days count.
    """
    every = snapshot.cadence_days
    if not every or every <= 0 or _inactive(snapshot, today):
        return
    settings = _settings(snapshot, CADENCE)
    lead = _int(settings, "lead_days", 0)
    grace = _int(settings, "grace_days", max(3, every // 5))

    if snapshot.last_interaction_at is None:
        # Due since the person was added (a date that holds, so a dismissal holds too).
        yield Suggestion(
            snapshot.uid,
            "check-in",
            _added(snapshot, settings, today) or today,
            f"no interaction logged yet; you planned every {_days(every)}",
            PRIORITY["check-in-due"],
            CADENCE,
        )
        return

    last = _local_date(snapshot.last_interaction_at, _zone(settings))
    due = last + timedelta(days=every)
    if due > today + timedelta(days=lead):
        return
    # The reason says why, in words that hold from day to day (a date, not "40 days ago": a
    # count would rewrite every stored suggestion daily); how overdue it is, every face
    # says once beside it (from the due date).
    reason = f"last talked on {_fmt(last, today)}; you planned every {_days(every)}"
    if today > due + timedelta(days=grace):
        priority = PRIORITY["check-in-overdue"]
    elif due <= today:
        priority = PRIORITY["check-in-due"]
    else:
        priority = PRIORITY["check-in-soon"]
    yield Suggestion(snapshot.uid, "check-in", due, reason, priority, CADENCE)


def _added(snapshot: ContactSnapshot, settings: Mapping[str, Any], today: date) -> date | None:
    """The day the person was added, if known and not after ``today``."""
    if snapshot.created_at is None:
        return None
    day = _local_date(snapshot.created_at, _zone(settings))
    return day if day <= today else None


def cadence_changes(snapshot: ContactSnapshot, today: date) -> date | None:
    """When :func:`cadence` next answers differently: the day a check-in comes into the
    lead window, is due, is overdue (or the day a snooze ends)."""
    every = snapshot.cadence_days
    inactive, wakes = _inactive_changes(snapshot, today)
    if not every or every <= 0:
        return None
    if inactive:
        return wakes
    settings = _settings(snapshot, CADENCE)
    if snapshot.last_interaction_at is None:
        # Due since the person was added; when that is not known, due today, every day.
        return None if _added(snapshot, settings, today) else today + timedelta(days=1)
    lead = _int(settings, "lead_days", 0)
    grace = _int(settings, "grace_days", max(3, every // 5))
    last = _local_date(snapshot.last_interaction_at, _zone(settings))
    due = last + timedelta(days=every)
    if due > today + timedelta(days=lead):
        return due - timedelta(days=lead)
    return _first_after(today, due, _plus(due, grace + 1), _fmt_changes(last, today))


# --------------------------------------------------------------------------- occasions

OCCASIONS = "occasions"

#: Life events that call for congratulations, and those that call for care.
CONGRATULATE_KINDS = frozenset({"new-job", "promotion", "wedding", "baby", "move", "graduation"})
CONDOLE_KINDS = frozenset({"loss"})

#: The follow-up sequence per life event kind: (days from the event, suggestion kind).
#: ``wish-well`` comes before the event (an operation, a hard time ahead); ``check-in`` steps
#: only once the event is past ("ask how it went", "2 weeks on …"). Condolences are for a
#: loss only. The first step is satisfied by a congratulation/condolence logged after the
#: event (or any interaction on or after its due date); later steps by any interaction on or
#: after theirs.
SEQUENCES: dict[str, tuple[tuple[int, str], ...]] = {
    **{kind: ((1, "congratulate"),) for kind in CONGRATULATE_KINDS},
    "loss": ((1, "condole"), (14, "check-in"), (42, "check-in")),
    "illness": ((-1, "wish-well"), (1, "check-in"), (14, "check-in")),
}

_PAST = {
    "new-job": "started a new job",
    "promotion": "got promoted",
    "wedding": "got married",
    "baby": "had a baby",
    "move": "moved",
    "graduation": "graduated",
    "loss": "suffered a loss",
    "illness": "was unwell",
}
_FUTURE = {
    "new-job": "starts a new job",
    "promotion": "gets promoted",
    "wedding": "gets married",
    "baby": "is expecting a baby",
    "move": "moves",
    "graduation": "graduates",
    "loss": "mourns a loss",
    "illness": "faces an illness",
}
#: What to do, per first-step kind.
_ADVICE = {
    "congratulate": "congratulate them",
    "condole": "send your condolences",
    "wish-well": "wish them well",
}
_ANSWER_KIND = {"congratulate": "congratulation", "condole": "condolence"}


def occasions(snapshot: ContactSnapshot, today: date) -> Iterator[Suggestion]:
    """Birthdays, anniversaries and life events.

    Settings: ``lead_days`` (7) — how far ahead birthdays, anniversaries and life-event steps
    show; ``recent_days`` (30) — how long a missed life-event step keeps showing;
    ``tz`` (system zone) — the zone whose calendar days count.
    """
    if _inactive(snapshot, today):
        return
    settings = _settings(snapshot, OCCASIONS)
    lead = _int(settings, "lead_days", 7)
    recent = _int(settings, "recent_days", 30)
    zone = _zone(settings)
    horizon = today + timedelta(days=lead)
    last = (
        _local_date(snapshot.last_interaction_at, zone)
        if snapshot.last_interaction_at is not None
        else None
    )

    for kind, when in (("birthday", snapshot.birthday), ("anniversary", snapshot.anniversary)):
        if when is None:
            continue
        on = when.next_on_or_after(today)
        if on > horizon or (last is not None and last >= on):
            continue  # too far ahead, or already in touch on the day itself
        years = on.year - when.year if when.year is not None else 0
        if kind == "birthday":
            reason = (
                f"turns {years} on {_fmt(on, today)}"
                if years > 0
                else f"birthday on {_fmt(on, today)}"
            )
        else:
            reason = (
                f"{_ordinal(years)} anniversary on {_fmt(on, today)}"
                if years > 0
                else f"anniversary on {_fmt(on, today)}"
            )
        yield Suggestion(snapshot.uid, kind, on, reason, PRIORITY["occasion"], OCCASIONS)

    for event in sorted(snapshot.life_events, key=lambda e: (e.on, e.kind)):
        suggestion = _life_event_step(snapshot, event, today, horizon, recent, zone, last)
        if suggestion is not None:
            yield suggestion


def occasions_changes(snapshot: ContactSnapshot, today: date) -> date | None:
    """When :func:`occasions` next answers differently: an occasion coming into the lead
    window or passing, a life event's step coming up, starting or being let go, the event
    passing (a snooze ending). Early rather than late: every day any of it can move."""
    inactive, wakes = _inactive_changes(snapshot, today)
    if inactive:
        return wakes
    settings = _settings(snapshot, OCCASIONS)
    lead = timedelta(days=_int(settings, "lead_days", 7))
    recent = _int(settings, "recent_days", 30)
    horizon = today + lead
    days: list[date | None] = []
    for when in (snapshot.birthday, snapshot.anniversary):
        if when is None:
            continue
        on = when.next_on_or_after(today)
        if on > horizon:
            days.append(on - lead)
        else:
            days += [_plus(on, 1), _fmt_changes(on, today)]
    for event in snapshot.life_events:
        steps = SEQUENCES.get(event.kind)
        if not steps:
            continue
        days += [event.on, _plus(event.on, 1), _fmt_changes(event.on, today)]
        for offset, _kind in steps:
            due = _plus(event.on, offset)
            if due is not None:
                days += [_plus(due, -lead.days), _plus(due, recent + 1)]
    return _first_after(today, *days)


def _life_event_step(
    snapshot: ContactSnapshot,
    event: LifeEvent,
    today: date,
    horizon: date,
    recent: int,
    zone: tzinfo | None,
    last: date | None,
) -> Suggestion | None:
    """The one step of ``event``'s sequence to suggest now, if any."""
    steps = SEQUENCES.get(event.kind)
    if not steps:
        return None
    reachable = [
        (event.on + timedelta(days=offset), kind)
        for offset, kind in steps
        if event.on + timedelta(days=offset) <= horizon
        # "How did it go" waits until it has gone: not while the event is ahead.
        and (kind != "check-in" or event.on < today)
    ]
    if not reachable:
        return None
    due, kind = reachable[-1]
    if (today - due).days > recent:
        return None  # missed long ago: let it go
    if last is not None and last >= due:
        return None  # they have been in touch since this step was due
    answered = snapshot.last_by_kind.get(_ANSWER_KIND.get(kind, ""))
    if answered is not None and _local_date(answered, zone) >= event.on:
        return None  # congratulated / condoled since the event
    what = event.summary.strip()
    about = f" ({what})" if what else ""
    when = _fmt(event.on, today)
    if kind == "check-in":
        days = (due - event.on).days
        then = "ask how it went" if days < 7 else f"{days // 7} weeks on, ask how they are doing"
        reason = f"{_PAST[event.kind]} on {when}{about}; {then}"
        priority = PRIORITY["life-check-in"]
    else:
        ahead = kind == "wish-well" or event.on > today
        verb = _FUTURE[event.kind] if ahead else _PAST[event.kind]
        reason = f"{verb} on {when}{about}; {_ADVICE[kind]}"
        priority = PRIORITY[kind]
    return Suggestion(snapshot.uid, kind, due, reason, priority, OCCASIONS)


# --------------------------------------------------------------------------- appreciation

APPRECIATION = "appreciation"


def appreciation(snapshot: ContactSnapshot, today: date) -> Iterator[Suggestion]:
    """Thank people for help, introductions and gifts received.

    Settings: ``within_days`` (2) — thank within this many days of the (earliest) help;
    ``max_age_days`` (180) — help older than this is not brought up (old imported history);
    ``tz`` (system zone).
    """
    if _inactive(snapshot, today) or not snapshot.unthanked:
        return
    within, _max_age, days = _unthanked(snapshot, today)
    if not days:
        return
    first = days[0]
    due = first + timedelta(days=within)
    if len(days) == 1:
        reason = f"helped you on {_fmt(first, today)}; no thanks logged yet"
    else:
        reason = f"helped you {len(days)} times since {_fmt(first, today)}; no thanks logged yet"
    priority = PRIORITY["thank-overdue"] if due < today else PRIORITY["thank"]
    yield Suggestion(snapshot.uid, "thank", due, reason, priority, APPRECIATION)


def _unthanked(snapshot: ContactSnapshot, today: date) -> tuple[int, int, list[date]]:
    """(``within_days``, ``max_age_days``, the days of help not yet thanked and not too old
    to bring up, oldest first)."""
    settings = _settings(snapshot, APPRECIATION)
    within = _int(settings, "within_days", 2)
    max_age = _int(settings, "max_age_days", 180)
    zone = _zone(settings)
    thanked = snapshot.last_by_kind.get("thanks")
    thanked_at = _aware(thanked) if thanked is not None else None
    days = sorted(
        _local_date(moment, zone)
        for moment in snapshot.unthanked
        if thanked_at is None or _aware(moment) > thanked_at
    )
    return within, max_age, [d for d in days if (today - d).days <= max_age]


def appreciation_changes(snapshot: ContactSnapshot, today: date) -> date | None:
    """When :func:`appreciation` next answers differently: thanks becoming overdue, the
    oldest help growing too old to bring up (a snooze ending)."""
    inactive, wakes = _inactive_changes(snapshot, today)
    if inactive or not snapshot.unthanked:
        return wakes
    within, max_age, days = _unthanked(snapshot, today)
    if not days:
        return None
    first = days[0]
    return _first_after(
        today,
        _plus(first, max_age + 1),
        _plus(first, within + 1),
        _fmt_changes(first, today),
    )


# --------------------------------------------------------------------------- give-first

GIVE_FIRST = "give-first"


def give_first(snapshot: ContactSnapshot, today: date) -> Iterator[Suggestion]:
    """Offer value where you mostly received — gently and rarely.

    Suggested when ``received >= min_received`` (2), ``received > given * ratio`` (2) and
    nothing was given in the last ``quiet_days`` (90). It then shows for ``show_days`` (7) out of
    every ``every_days`` (60): the cycle starts ``quiet_days`` after you last gave (or, if you
    never did, at a stable per-contact offset so not everyone comes up on the same day), and
    the suggestion's due date is the start of the current window, so it stays stable while shown.
    """
    if _inactive(snapshot, today):
        return
    window = _give_window(snapshot)
    if window is None:
        return
    start, every, show = window
    if today < start:
        return
    phase = (today - start).days % every
    if phase >= show:
        return
    received, given = snapshot.received, snapshot.given
    gave = f"gave {given}" if given else "gave nothing yet"
    reason = f"you received {received} times and {gave}; offer an intro, advice or a resource"
    due = today - timedelta(days=phase)
    yield Suggestion(snapshot.uid, "offer-help", due, reason, PRIORITY["offer-help"], GIVE_FIRST)


def _give_window(snapshot: ContactSnapshot) -> tuple[date, int, int] | None:
    """(the day the cycle starts, ``every_days``, ``show_days``), or None when this person
    gave about as much as they received."""
    settings = _settings(snapshot, GIVE_FIRST)
    ratio = _float(settings, "ratio", 2.0)
    min_received = _int(settings, "min_received", 2, minimum=1, maximum=10**6)
    quiet = _int(settings, "quiet_days", 90)
    every = _int(settings, "every_days", 60, minimum=1)
    show = max(1, min(_int(settings, "show_days", 7, minimum=1), every))
    received, given = snapshot.received, snapshot.given
    if received < min_received or received <= given * ratio:
        return None
    last_given = _latest(snapshot.last_by_kind.get(kind) for kind in GIVEN_KINDS)
    if last_given is not None:
        start = _local_date(last_given, _zone(settings)) + timedelta(days=quiet)
    else:
        start = date(2000, 1, 1) + timedelta(days=zlib.crc32(snapshot.uid.encode()) % every)
    return start, every, show


def give_first_changes(snapshot: ContactSnapshot, today: date) -> date | None:
    """When :func:`give_first` next answers differently: its window opening or closing."""
    inactive, wakes = _inactive_changes(snapshot, today)
    if inactive:
        return wakes
    window = _give_window(snapshot)
    if window is None:
        return None
    start, every, show = window
    if today < start:
        return start
    phase = (today - start).days % every
    return _plus(today, every - phase if phase >= show else show - phase)


# --------------------------------------------------------------------------- introductions

INTRODUCTIONS = "introductions"


def introductions(snapshot: ContactSnapshot, today: date) -> Iterator[Suggestion]:
    """The next step of each open introduction, and the week's match of needs and offers.

    - *proposed* (you offered to introduce A to B): ask B, from the day it was proposed;
    - *asked*: make the introduction ``make_days`` (3) after asking, on B;
    - *made*: ask A how it went ``how_days`` (14) after it was made;
    - the week's match (``snapshot.match``): "Ada needs …; Charles offers …", due on the
      Monday of the week, on the one who needs it.

    Settings: ``make_days`` (3), ``how_days`` (14), ``fresh_days`` (14) and ``per_week`` (1)
    for the match (read when the snapshot is built), ``tz`` (system zone).
    """
    if _inactive(snapshot, today):
        return
    settings = _settings(snapshot, INTRODUCTIONS)
    make_days = _int(settings, "make_days", 3)
    how_days = _int(settings, "how_days", 14)
    zone = _zone(settings)
    steps: dict[str, list[tuple[date, str]]] = {}
    for intro in sorted(snapshot.introductions, key=lambda i: (i.since, i.id)):
        since = _local_date(intro.since, zone)
        if intro.status == "proposed" and intro.role == "to":
            kind, due = "intro-ask", since
            reason = (
                f"you offered to introduce {intro.person} to {intro.to} "
                f"on {_fmt(since, today)}; ask {intro.to}"
            )
        elif intro.status == "asked" and intro.role == "to":
            kind, due = "intro-make", since + timedelta(days=make_days)
            reason = (
                f"you asked {intro.to} about meeting {intro.person} on {_fmt(since, today)}; "
                f"make the introduction (or mark it declined)"
            )
        elif intro.status == "made" and intro.role == "person":
            kind, due = "intro-how", since + timedelta(days=how_days)
            reason = (
                f"you introduced {intro.person} to {intro.to} on {_fmt(since, today)}; "
                "ask how it went"
            )
        else:
            continue
        if due > today:
            continue
        if intro.why:
            reason += f" ({intro.why})"
        steps.setdefault(kind, []).append((due, reason))
    for kind, found in steps.items():
        due, reason = found[0]
        if len(found) > 1:
            reason += f"; and {len(found) - 1} more"
        priority = PRIORITY["intro-how"] if kind == "intro-how" else PRIORITY["intro-step"]
        yield Suggestion(snapshot.uid, kind, due, reason, priority, INTRODUCTIONS)
    match = snapshot.match
    if match is not None and match.week <= today:
        need = " ".join(match.need.split())
        offer = " ".join(match.offer.split())
        reason = f"needs: {need}; {match.offerer} offers: {offer}; introduce them?"
        yield Suggestion(
            snapshot.uid, "introduce", match.week, reason, PRIORITY["introduce"], INTRODUCTIONS
        )


def introductions_changes(snapshot: ContactSnapshot, today: date) -> date | None:
    """When :func:`introductions` next answers differently: a step coming due, a date read
    differently, the week's match moving on Monday (a snooze ending)."""
    inactive, wakes = _inactive_changes(snapshot, today)
    if inactive:
        return wakes
    settings = _settings(snapshot, INTRODUCTIONS)
    make_days = _int(settings, "make_days", 3)
    how_days = _int(settings, "how_days", 14)
    zone = _zone(settings)
    days: list[date | None] = []
    for intro in snapshot.introductions:
        since = _local_date(intro.since, zone)
        if intro.status == "proposed" and intro.role == "to":
            due: date | None = since
        elif intro.status == "asked" and intro.role == "to":
            due = _plus(since, make_days)
        elif intro.status == "made" and intro.role == "person":
            due = _plus(since, how_days)
        else:
            continue
        days += [due, _fmt_changes(since, today)]
    if snapshot.match is not None:
        days += [snapshot.match.week, today + timedelta(days=7 - today.weekday())]
    return _first_after(today, *days)


# --------------------------------------------------------------------------- new people

NEW_PEOPLE = "new-people"


def new_people(snapshot: ContactSnapshot, today: date) -> Iterator[Suggestion]:
    """A follow-up sprint for people captured at an event (``kinship capture``).

    Within a day: "say nice to meet you". After that, until ``within_days`` (7): a real
    follow-up (a coffee, the link you promised). It shows, overdue, until ``sprint_days``
    (14), then lets go. Any interaction logged with them after the capture ends the sprint.

    Settings: ``within_days`` (7), ``sprint_days`` (14), ``tz`` (system zone).
    """
    if _inactive(snapshot, today) or not snapshot.captures:
        return
    sprint_of = _sprint(snapshot)
    if sprint_of is None:
        return
    capture, met, within, sprint = sprint_of
    age = (today - met).days
    if age < 0 or age > sprint:
        return
    about = f" ({' '.join(capture.phrase.split())})" if capture.phrase.strip() else ""
    where = f"met at {capture.event} on {_fmt(capture.on or met, today)}{about}"
    if age <= 1:
        yield Suggestion(
            snapshot.uid,
            "nice-to-meet",
            met + timedelta(days=1),
            f"{where}; say nice to meet you",
            PRIORITY["nice-to-meet"],
            NEW_PEOPLE,
        )
        return
    yield Suggestion(
        snapshot.uid,
        "first-follow-up",
        met + timedelta(days=within),
        f"{where}; follow up for real: a coffee, the link you promised",
        PRIORITY["first-follow-up"],
        NEW_PEOPLE,
    )


def _sprint(snapshot: ContactSnapshot) -> tuple[CaptureStep, date, int, int] | None:
    """(the latest capture, the day met, ``within_days``, ``sprint_days``), or None when an
    interaction logged since the capture ended the sprint."""
    settings = _settings(snapshot, NEW_PEOPLE)
    within = _int(settings, "within_days", 7, minimum=1)
    sprint = max(within, _int(settings, "sprint_days", 14, minimum=1))
    capture = max(snapshot.captures, key=lambda c: c.at)
    last = snapshot.last_interaction_at
    if last is not None and _aware(last) > _aware(capture.at):
        return None
    return capture, _local_date(capture.at, _zone(settings)), within, sprint


def new_people_changes(snapshot: ContactSnapshot, today: date) -> date | None:
    """When :func:`new_people` next answers differently: the sprint starting, moving from
    "nice to meet you" to a real follow-up, ending (a snooze ending)."""
    inactive, wakes = _inactive_changes(snapshot, today)
    if inactive or not snapshot.captures:
        return wakes
    sprint_of = _sprint(snapshot)
    if sprint_of is None:
        return None
    capture, met, _within, sprint = sprint_of
    return _first_after(
        today, met, _plus(met, 2), _plus(met, sprint + 1), _fmt_changes(capture.on or met, today)
    )


# --------------------------------------------------------------------------- registration


def default_strategies() -> list[Strategy]:
    """The builtin strategies, in the order they are registered."""
    return [
        Strategy(
            CADENCE,
            "Check in every N days (contact or tag cadence)",
            cadence,
            changes=cadence_changes,
        ),
        Strategy(
            OCCASIONS,
            "Birthdays, anniversaries, and life events to congratulate or condole",
            occasions,
            changes=occasions_changes,
        ),
        Strategy(
            APPRECIATION,
            "Thank people for help, introductions and gifts",
            appreciation,
            changes=appreciation_changes,
        ),
        Strategy(
            GIVE_FIRST,
            "Offer help where you have mostly received",
            give_first,
            changes=give_first_changes,
        ),
        Strategy(
            INTRODUCTIONS,
            "Next steps of introductions, and the week's match of needs and offers",
            introductions,
            changes=introductions_changes,
        ),
        Strategy(
            NEW_PEOPLE,
            "Nice to meet you, then a real follow-up, for people captured at an event",
            new_people,
            changes=new_people_changes,
        ),
    ]


@hookimpl
def kinship_register_followup_strategies(register: Callable[[Strategy], None]) -> None:
    for strategy in default_strategies():
        register(strategy)
