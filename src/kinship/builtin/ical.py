"""iCalendar (.ics) import and export, as single files or vdir folders of .ics files.

Reading scans the text for top-level components itself (for line numbers and so that one
malformed event costs only that event), registers the file's VTIMEZONEs, then parses each
VEVENT/VTODO with icalendar.

Time semantics (documented for the services and users):

- All-day events have ``date`` start/end and ``all_day=True``; ``timezone`` is "".
- Times with a TZID keep that zone (IANA names, Windows names mapped by icalendar, and
  custom VTIMEZONEs from the file); ``timezone`` is the IANA name when there is one, else the
  TZID as written. ``…Z`` times are UTC with ``timezone="UTC"``.
- Floating times (no TZID, no Z) are read in the calendar's ``X-WR-TIMEZONE`` when it names a
  known zone, else as UTC; ``timezone`` is then "" so the UI can tell. A TZID that names no
  known zone is read as UTC, with a (non-fatal) problem.

Birthday calendars: Google's birthday events (``X-GOOGLE-CALENDAR-CONTENT-ICON`` with a cake),
events with a ``BIRTHDAY`` X- property or category, and yearly all-day events titled like
"Ada Lovelace's birthday" / "Birthday: Ada" / "Geburtstag von Ada" become
``EventRecord(kind="birthday")`` whose ``summary`` is just the person's name (see
:func:`birthday_name`). Services should map them to contacts, not store them as events:
``contact_uids`` first (our own exports carry ``X-KINSHIP-CONTACT-UID``), else a contact whose
display name equals the summary; then set that contact's birthday to the start's month/day,
with the year unless it is :data:`YEARLESS_YEAR` (or earlier), if the contact has none yet.

Recurring events: a series keeps its RRULE, RDATEs and EXDATEs; each edited occurrence
(a VEVENT with the series' UID and a ``RECURRENCE-ID``) is read as an event record of its
own with ``recurrence_id`` set, and written back the same way.

Writing emits events, contact birthdays/anniversaries as yearly all-day events (a year-less
date starts in :data:`YEARLESS_YEAR`, Apple's convention), and open/snoozed follow-ups as
VTODOs whose SUMMARY says what to do and with whom ("Check in with Ada Lovelace"), with the
reason as DESCRIPTION and ``X-KINSHIP-*`` properties, which the importer turns back into
:class:`FollowUpRecord`. ``bundle.written`` says how many of each were written. DTSTAMP is a
fixed value, so the output is deterministic.
"""

from __future__ import annotations

import re
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kinship import hookimpl
from kinship.builtin._io import atomic_writer, decode, describe_problem, dir_files, first_line
from kinship.records import (
    EVENT_KINDS,
    ContactRecord,
    EventRecord,
    ExportBundle,
    Exporter,
    FollowUpRecord,
    Importer,
    ImportProblem,
    PartialDate,
    Record,
)

SUFFIXES = (".ics", ".ical")
#: Start year of exported year-less birthdays/anniversaries; read back as "no year".
YEARLESS_YEAR = 1604
_DTSTAMP = datetime(2000, 1, 1, tzinfo=UTC)
_UID_NAMESPACE = uuid.UUID("0c8a3c52-5b0f-4d0e-8f0e-6b696e736869")
_PRODID = "-//kinship//NONSGML kinship//EN"

_BIRTHDAY_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^(?P<n>.+?)[’'`]s?\s+(?:\d+\s*(?:st|nd|rd|th|\.)?\s+)?birthday$",
        r"^birthday(?:\s+of|\s*:|\s+-|\s+–)?\s+(?P<n>.+)$",
        r"^(?P<n>.+?)\s+\(birthday\)$",
        r"^geburtstag(?:\s+von|\s*:)?\s+(?P<n>.+)$",
        r"^(?P<n>.+?)\s+hat\s+geburtstag$",
        r"^anniversaire(?:\s+de|\s+d['’]|\s*:)\s*(?P<n>.+)$",
        r"^cumpleaños(?:\s+de|\s*:)\s+(?P<n>.+)$",
        r"^verjaardag(?:\s+van|\s*:)\s+(?P<n>.+)$",
    )
]
_TZID_RE = re.compile(r"(?im)^TZID[^:\r\n]*:(.*)$")
_STATUS_FROM_ICAL = {"COMPLETED": "done", "CANCELLED": "dismissed"}
_STATUS_TO_ICAL = {
    "open": "NEEDS-ACTION",
    "snoozed": "NEEDS-ACTION",
    "done": "COMPLETED",
    "dismissed": "CANCELLED",
}


@hookimpl
def kinship_register_importers(register: Any) -> None:
    register(
        Importer(
            name="ical",
            description="iCalendar .ics files and vdir folders of .ics (events, birthdays)",
            suffixes=SUFFIXES,
            read=read,
            sniff=sniff,
        )
    )


@hookimpl
def kinship_register_exporters(register: Any) -> None:
    register(
        Exporter(
            name="ical",
            description="one .ics: events, birthdays/anniversaries, open follow-ups as to-dos",
            suffix=".ics",
            write=write,
            sniff=lambda path: path.is_file() and first_line(path) == "BEGIN:VCALENDAR",
        )
    )


def birthday_name(summary: str) -> str | None:
    """The person's name in a birthday event title such as "Ada's birthday", else None."""
    text = summary.strip().strip("🎂🎉🎈🥳 ").strip()
    for pattern in _BIRTHDAY_PATTERNS:
        m = pattern.match(text)
        if m and m.group("n").strip():
            return m.group("n").strip()
    return None


# --------------------------------------------------------------------------- reading


def sniff(path: Path) -> bool:
    if path.is_dir():
        return bool(dir_files(path, SUFFIXES))
    return first_line(path) == "BEGIN:VCALENDAR"


def read(path: Path) -> Iterator[Record | ImportProblem]:
    """Yield EventRecords (VEVENT), FollowUpRecords (our VTODOs) and problems."""
    if path.is_dir():
        files = dir_files(path, SUFFIXES)
        if not files:
            yield ImportProblem(str(path), "no .ics files in this folder", fatal=True)
        for f in files:
            yield from _read_file(f, in_vdir=True)
    else:
        yield from _read_file(path, in_vdir=False)


@dataclass
class _Scan:
    timezones: list[tuple[int, str]] = field(default_factory=list)
    items: list[tuple[int, str, str]] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    calendar_tz: str = ""
    fatal: ImportProblem | None = None


def _scan(text: str, src: str) -> _Scan:
    """Find top-level components (under VCALENDAR, or bare) with their first line numbers.

    A component with mismatched BEGIN/END lines is reported and skipped; a file that ends
    inside a component (truncated) or holds no calendar at all is fatal.
    """
    scan = _Scan()
    stack: list[tuple[str, int]] = []  # open components below VCALENDAR
    buf: list[str] = []
    broken = ""
    in_calendar = seen_calendar = False
    lineno = 0
    for lineno, line in enumerate(text.splitlines(keepends=True), 1):
        key = line.strip().upper()
        if key.startswith("BEGIN:"):
            name = key[6:].strip()
            if name == "VCALENDAR" and not stack and not in_calendar:
                in_calendar = seen_calendar = True
                continue
            if not stack:
                buf, broken = [], ""
            stack.append((name, lineno))
            buf.append(line)
        elif key.startswith("END:"):
            name = key[4:].strip()
            if name == "VCALENDAR" and not stack and in_calendar:
                in_calendar = False
                continue
            names = [n for n, _ in stack]
            if name not in names:
                scan.problems.append(ImportProblem(src, f"stray END:{name} ignored", lineno))
                continue
            while stack[-1][0] != name:
                broken = broken or f"{stack[-1][0]} begun at line {stack[-1][1]} has no END"
                stack.pop()
            comp, start = stack.pop()
            buf.append(line)
            if not stack:
                if broken:
                    scan.problems.append(ImportProblem(src, f"{comp} skipped: {broken}", start))
                elif comp == "VTIMEZONE":
                    scan.timezones.append((start, "".join(buf)))
                else:
                    scan.items.append((start, comp, "".join(buf)))
                buf = []
        elif stack:
            buf.append(line)
        elif in_calendar and key.startswith("X-WR-TIMEZONE:"):
            scan.calendar_tz = line.split(":", 1)[1].strip()
    if stack:
        name, start = stack[0]
        scan.fatal = ImportProblem(
            src, f"file ends inside {name} begun at line {start} (truncated?)", start, True
        )
    elif in_calendar:
        scan.fatal = ImportProblem(src, "no END:VCALENDAR (truncated?)", lineno, True)
    elif not seen_calendar and not any(c in ("VEVENT", "VTODO") for _, c, _ in scan.items):
        scan.fatal = ImportProblem(src, "not an iCalendar file (no BEGIN:VCALENDAR)", 1, True)
    return scan


def _read_file(path: Path, *, in_vdir: bool) -> Iterator[Record | ImportProblem]:
    src = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        yield ImportProblem(src, f"cannot read file: {exc.strerror or exc}", fatal=True)
        return
    text, note = decode(raw)
    if note:
        yield ImportProblem(src, f"calendar {note}", 1)
    scan = _scan(text, src)
    if scan.fatal:
        scan.fatal.fatal = not in_vdir
        yield scan.fatal
        return
    yield from scan.problems
    with warnings.catch_warnings():
        # icalendar warns (e.g. GloballyUniqueTZIDGuessed) where we report problems instead.
        warnings.simplefilter("ignore")
        import icalendar
        from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

        custom: dict[str, str] = {}  # TZID → its VTIMEZONE, for the file's own zones
        for start, body in scan.timezones:
            # Known names resolve to the real zone (tzdata beats a file's often partial
            # VTIMEZONE); only custom ones are taken from the file. Parsing one caches it.
            m = _TZID_RE.search(body)
            tzid = m.group(1).strip().strip('"') if m else ""
            if _zone(tzid) or tzid in WINDOWS_TO_OLSON:
                continue
            try:
                component = icalendar.Timezone.from_ical(body)
                icalendar.timezone.tzp.cache_timezone_component(component)
                custom[tzid] = component.to_ical().decode("utf-8")
            except Exception as exc:
                yield ImportProblem(src, f"VTIMEZONE ignored: {describe_problem(exc)}", start)
        floating = _zone(scan.calendar_tz) or UTC
        for start, name, body in scan.items:
            try:
                for item in _read_item(icalendar, name, body, src, start, floating):
                    if isinstance(item, EventRecord) and item.timezone in custom:
                        item.vtimezone = custom[item.timezone]
                    yield item
            except Exception as exc:
                yield ImportProblem(src, f"{name} skipped: {describe_problem(exc)}", start)


def _zone(name: str) -> tzinfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _read_item(
    icalendar: Any, name: str, body: str, src: str, start: int, floating: tzinfo
) -> Iterator[Record | ImportProblem]:
    if name not in ("VEVENT", "VTODO"):
        return  # VJOURNAL, VFREEBUSY, vendor components: nothing kinship keeps
    comp = icalendar.Component.from_ical(body)
    problems: list[str] = []
    for prop, error in comp.errors:
        if prop not in ("DTSTART", "DTEND", "DUE"):
            problems.append(f"{prop} ignored: {error}")
    record: Record | None = (
        _event(comp, floating, problems) if name == "VEVENT" else _todo(comp, problems)
    )
    for message in problems:
        yield ImportProblem(src, message, start)
    if record is not None:
        record.source, record.line = src, start
        yield record


def _when(prop: Any, floating: tzinfo, problems: list[str]) -> tuple[date | datetime, str]:
    """The value of a DTSTART-like property and its timezone name (see module doc)."""
    value = prop.dt
    if isinstance(value, tuple):  # PERIOD
        value = value[0]
    if not isinstance(value, datetime):
        if not isinstance(value, date):
            raise ValueError(f"not a date: {value!r}")
        return value, ""
    tzid = str(prop.params.get("TZID", "") or "")
    if value.tzinfo is None:
        if tzid:
            problems.append(f"unknown timezone {tzid!r}; times read as UTC")
            return value.replace(tzinfo=UTC), ""
        return value.replace(tzinfo=floating), ""
    key = getattr(value.tzinfo, "key", None)
    if value.utcoffset() == timedelta(0) and (key in (None, "UTC", "Etc/UTC") and not tzid):
        return value, "UTC"
    return value, key or tzid


def _dates(comp: Any, name: str, floating: tzinfo, problems: list[str]) -> list[date | datetime]:
    props = comp.get(name)
    if props is None:
        return []
    out: list[date | datetime] = []
    for prop in props if isinstance(props, list) else [props]:
        for item in getattr(prop, "dts", []):
            out.append(_when(item, floating, problems)[0])
    return out


def _strs(comp: Any, name: str) -> list[str]:
    value = comp.get(name)
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    out: list[str] = []
    for v in values:
        cats = getattr(v, "cats", None)
        out += [str(c) for c in cats] if cats is not None else [str(v)]
    return [s.strip() for s in out if str(s).strip()]


def _address(value: str) -> str:
    return value[7:] if value.lower().startswith("mailto:") else value


def _event(comp: Any, floating: tzinfo, problems: list[str]) -> EventRecord | None:
    bad = {prop: error for prop, error in comp.errors}
    dtstart = comp.get("DTSTART")
    if dtstart is None or "DTSTART" in bad:
        problems.append(f"VEVENT skipped: bad or missing DTSTART {bad.get('DTSTART', '')}".strip())
        return None
    start, tz = _when(dtstart, floating, problems)
    end: date | datetime | None = None
    if comp.get("DTEND") is not None and "DTEND" not in bad:
        end = _when(comp["DTEND"], floating, problems)[0]
    elif comp.get("DURATION") is not None and isinstance(comp["DURATION"].dt, timedelta):
        end = start + comp["DURATION"].dt
    rrules = comp.get("RRULE") if "RRULE" not in bad else None  # reported as ignored
    rrule = rrules[0] if isinstance(rrules, list) else rrules
    attendees: list[str] = []
    for who in [*_strs(comp, "ORGANIZER"), *_strs(comp, "ATTENDEE")]:
        email = _address(who)
        if email and email not in attendees:
            attendees.append(email)
    categories = [c.lower() for c in _strs(comp, "CATEGORIES")]
    summary = str(comp.get("SUMMARY", "")).strip()
    ev = EventRecord(
        summary=summary,
        start=start,
        uid=str(comp.get("UID", "")).strip(),
        end=end,
        all_day=not isinstance(start, datetime),
        timezone=tz,
        location=str(comp.get("LOCATION", "")).strip(),
        description=str(comp.get("DESCRIPTION", "")).strip(),
        rrule=rrule.to_ical().decode("ascii") if rrule is not None else "",
        rdates=_dates(comp, "RDATE", floating, problems),
        exdates=_dates(comp, "EXDATE", floating, problems),
        attendees=attendees,
        contact_uids=[u for v in _strs(comp, "X-KINSHIP-CONTACT-UID") for u in v.split(",")],
    )
    rid = comp.get("RECURRENCE-ID")
    rid = rid[0] if isinstance(rid, list) else rid
    if rid is not None and "RECURRENCE-ID" not in bad:
        # An edited occurrence of the series with this UID: an event of its own.
        ev.recurrence_id = _when(rid, floating, problems)[0]
        ev.recurrence_range = str(rid.params.get("RANGE", "") or "").strip().upper()
    own_kind = str(comp.get("X-KINSHIP-KIND", "")).strip().lower()
    if own_kind in EVENT_KINDS:
        ev.kind = own_kind
    elif birthday := _birthday(comp, ev, categories):
        ev.kind, ev.summary = "birthday", birthday
    else:
        ev.kind = next((c for c in categories if c in EVENT_KINDS), "event")
    if not ev.uid:
        ev.uid = _derive_uid("event", ev.summary, _iso(ev.start))
    return ev


def _birthday(comp: Any, ev: EventRecord, categories: list[str]) -> str | None:
    """The event's person name if it comes from a birthday calendar, else None."""
    marked = "birthday" in categories or any(
        name.startswith("X-")
        and (
            "BIRTHDAY" in name
            or str(v).strip().upper() == "BIRTHDAY"
            or ("GOOGLE" in name and "cake" in str(v).lower())
        )
        for name, v in comp.property_items(recursive=False)
    )
    yearly = ev.rrule.upper().startswith("FREQ=YEARLY") or "FREQ=YEARLY" in ev.rrule.upper()
    if not (marked or (ev.all_day and yearly)):
        return None
    name = birthday_name(ev.summary)
    if name:
        return name
    return ev.summary if marked else None


def _todo(comp: Any, problems: list[str]) -> FollowUpRecord | None:
    contact = str(comp.get("X-KINSHIP-CONTACT-UID", "")).strip()
    if not contact:
        problems.append("VTODO skipped: not a kinship follow-up (no X-KINSHIP-CONTACT-UID)")
        return None
    due_prop = comp.get("DUE")
    if due_prop is None or any(prop == "DUE" for prop, _ in comp.errors):
        problems.append("VTODO skipped: no valid DUE")
        return None
    due = due_prop.dt
    if isinstance(due, datetime):
        due = due.date()
    status = str(comp.get("X-KINSHIP-STATUS", "")).strip().lower()
    if not status:
        status = _STATUS_FROM_ICAL.get(str(comp.get("STATUS", "")).strip().upper(), "open")
    return FollowUpRecord(
        contact_uid=contact,
        due=due,
        # Our own to-dos carry the reason; a SUMMARY is a title for people ("Check in with
        # Ada"), so it is only the reason of a to-do from an older export.
        reason=_todo_reason(comp),
        kind=str(comp.get("X-KINSHIP-KIND", "") or "manual").strip(),
        origin=str(comp.get("X-KINSHIP-ORIGIN", "") or "manual").strip(),
        status=status,
        uid=str(comp.get("UID", "")).strip(),
    )


def _todo_reason(comp: Any) -> str:
    """A follow-up's reason: ours carry it (``X-KINSHIP-REASON``); a SUMMARY is a title for
    people ("Check in with Ada"), the reason only of a to-do from an older export."""
    for prop in ("X-KINSHIP-REASON", "DESCRIPTION", "SUMMARY"):
        if prop in comp:
            return str(comp.get(prop)).strip()
    return ""


# --------------------------------------------------------------------------- writing


def _iso(value: date | datetime) -> str:
    return value.isoformat()


def _derive_uid(*parts: str) -> str:
    return str(uuid.uuid5(_UID_NAMESPACE, "\x00".join(parts)))


def _export_dt(value: date | datetime, zone: tzinfo | None) -> date | datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        return value
    return value.astimezone(zone or UTC)


def _custom_zone(icalendar: Any, ev: EventRecord, zones: dict[str, Any]) -> tzinfo | None:
    """The event's own (non-IANA) zone from its VTIMEZONE; the component is kept in
    ``zones`` so the calendar carries each definition once."""
    if not ev.vtimezone or not ev.timezone:
        return None
    try:
        component = zones.get(ev.timezone) or icalendar.Timezone.from_ical(ev.vtimezone)
        zone: tzinfo = component.to_tz()
    except Exception:
        return None  # an unusable definition: the times are written in UTC
    zones[ev.timezone] = component
    return zone


def _event_component(icalendar: Any, ev: EventRecord, zones: dict[str, Any]) -> Any:
    comp = icalendar.Event()
    zone = None if ev.timezone in ("", "UTC") else _zone(ev.timezone)
    if zone is None and ev.timezone not in ("", "UTC"):
        zone = _custom_zone(icalendar, ev, zones)
    comp.add("UID", ev.uid or _derive_uid("event", ev.summary, _iso(ev.start)))
    comp.add("DTSTAMP", _DTSTAMP)
    comp.add("SUMMARY", ev.summary)
    comp.add("DTSTART", _export_dt(ev.start, zone))
    if ev.recurrence_id is not None:
        params = {"RANGE": ev.recurrence_range} if ev.recurrence_range else None
        comp.add("RECURRENCE-ID", _export_dt(ev.recurrence_id, zone), parameters=params)
    if ev.end is not None:
        comp.add("DTEND", _export_dt(ev.end, zone))
    if ev.rrule:
        try:
            comp.add("RRULE", icalendar.vRecur.from_ical(ev.rrule.removeprefix("RRULE:")))
        except Exception as exc:
            raise ValueError(f"event {ev.uid or ev.summary!r}: bad RRULE {ev.rrule!r}") from exc
    for name, values in (("RDATE", ev.rdates), ("EXDATE", ev.exdates)):
        days = [v for v in values if not isinstance(v, datetime)]
        times = [_export_dt(v, zone) for v in values if isinstance(v, datetime)]
        for group in (days, times):
            if group:
                comp.add(name, group)
    if ev.location:
        comp.add("LOCATION", ev.location)
    if ev.description:
        comp.add("DESCRIPTION", ev.description)
    for who in ev.attendees:
        comp.add("ATTENDEE", who if ":" in who else f"mailto:{who}")
    if ev.kind != "event":
        comp.add("CATEGORIES", [ev.kind])
    comp.add("X-KINSHIP-KIND", ev.kind)
    for uid in ev.contact_uids:
        comp.add("X-KINSHIP-CONTACT-UID", uid)
    return comp


def _occasion_component(
    icalendar: Any, contact: ContactRecord, kind: str, when: PartialDate
) -> Any:
    comp = icalendar.Event()
    day = when.to_date(when.year if when.year is not None else YEARLESS_YEAR)
    if (when.month, when.day) == (2, 29):
        day = date(YEARLESS_YEAR if when.year is None else when.year, 2, 29)
        rrule = {"FREQ": "YEARLY", "BYMONTH": 2, "BYMONTHDAY": -1}
    else:
        rrule = {"FREQ": "YEARLY"}
    comp.add("UID", f"{contact.uid or _derive_uid(contact.display_name)}-{kind}")
    comp.add("DTSTAMP", _DTSTAMP)
    comp.add("SUMMARY", f"{contact.display_name}'s {kind}")
    comp.add("DTSTART", day)
    if day < date.max:  # without DTEND an all-day event lasts the day (RFC 5545 3.6.1)
        comp.add("DTEND", day + timedelta(days=1))
    comp.add("RRULE", rrule)
    comp.add("TRANSP", "TRANSPARENT")
    comp.add("CATEGORIES", [kind])
    comp.add("X-KINSHIP-KIND", kind)
    if contact.uid:
        comp.add("X-KINSHIP-CONTACT-UID", contact.uid)
    return comp


#: A to-do's title per kind of follow-up: what to do, and with whom ({name}).
_TODO_TITLES = {
    "check-in": "Check in with {name}",
    "birthday": "Wish {name} a happy birthday",
    "anniversary": "Congratulate {name} on the anniversary",
    "congratulate": "Congratulate {name}",
    "condole": "Send {name} your condolences",
    "wish-well": "Wish {name} well",
    "thank": "Thank {name}",
    "offer-help": "Offer {name} help",
    "promise": "Keep your promise to {name}",
}


def todo_title(kind: str, name: str) -> str:
    """``Check in with Ada Lovelace``: a to-do list shows the SUMMARY, so it says who."""
    return _TODO_TITLES.get(kind, "Follow up with {name}").format(name=name)


def _todo_component(icalendar: Any, f: FollowUpRecord, name: str) -> Any:
    comp = icalendar.Todo()
    comp.add("UID", f.uid or _derive_uid("followup", f.contact_uid, f.kind, _iso(f.due), f.reason))
    comp.add("DTSTAMP", _DTSTAMP)
    comp.add("SUMMARY", todo_title(f.kind, name) if name else f.reason)
    if f.reason:
        comp.add("DESCRIPTION", f.reason)
    # The reason as kinship wrote it, read back exactly (SUMMARY is for people).
    comp.add("X-KINSHIP-REASON", f.reason)
    comp.add("DUE", f.due)
    comp.add("STATUS", _STATUS_TO_ICAL.get(f.status, "NEEDS-ACTION"))
    comp.add("X-KINSHIP-CONTACT-UID", f.contact_uid)
    comp.add("X-KINSHIP-KIND", f.kind)
    comp.add("X-KINSHIP-ORIGIN", f.origin)
    comp.add("X-KINSHIP-STATUS", f.status)
    return comp


def calendar_bytes(bundle: ExportBundle) -> bytes:
    """The .ics text for ``bundle`` (deterministic: same records → same bytes)."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("PRODID", _PRODID)
    cal.add("VERSION", "2.0")
    written = {"events": 0, "birthdays": 0, "anniversaries": 0, "followups": 0}
    zones: dict[str, Any] = {}
    events = [_event_component(icalendar, ev, zones) for ev in bundle.events]
    for tzid in sorted(zones):  # the calendars' own zones, before the events using them
        cal.add_component(zones[tzid])
    for component in events:
        cal.add_component(component)
        written["events"] += 1
    names: dict[str, str] = {}
    for contact in bundle.contacts:
        if contact.uid:
            names[contact.uid] = contact.display_name
        if contact.birthday:
            cal.add_component(_occasion_component(icalendar, contact, "birthday", contact.birthday))
            written["birthdays"] += 1
        if contact.anniversary:
            cal.add_component(
                _occasion_component(icalendar, contact, "anniversary", contact.anniversary)
            )
            written["anniversaries"] += 1
    for followup in bundle.followups:
        if followup.status in ("open", "snoozed"):
            name = names.get(followup.contact_uid, "")
            cal.add_component(_todo_component(icalendar, followup, name))
            written["followups"] += 1
    bundle.written.update(written)
    cal.add_missing_timezones()
    data: bytes = cal.to_ical()
    return data


def write(bundle: ExportBundle, path: Path) -> None:
    data = calendar_bytes(bundle)
    with atomic_writer(path) as fh:
        fh.write(data)
