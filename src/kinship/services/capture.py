"""Event capture: right after a networking event, everyone you met, in one go.

One person per line: ``name, phrase, email`` — the phrase (what you talked about, something
to remember them by) and the email are optional; a second field that looks like an email is
taken as the email. Fields may be quoted like CSV (``"Kim, Jr.", likes Rust``). Blank lines
and lines starting with ``#`` are skipped.

Everything is checked before anything is written: a line without a name, with a bad email,
with too many fields, naming two contacts at once or repeating a person is reported with its
line number, and then *nothing* is written. Otherwise, in one transaction:

- the event is found by UID, else by name (and by day, when one is given); when no event
  has that name it is **created** (kind ``networking``, all day, on the day given or today) —
  you are capturing people you just met, so the event is usually new to kinship;
- each person is found by email, else by exact name (case and accents as typed are folded
  the way names are sorted); someone new is created with "met at <event>" and the day; a
  known person gets the email if it is new for them, and is unarchived if archived;
- each is linked to the event (role ``met``) with a capture row holding the phrase, which
  starts the ``new-people`` follow-up sprint: "nice to meet you" within a day, a real
  follow-up within a week, ending as soon as any interaction with them is logged.

Capturing the same person at the same event again changes nothing but a new phrase.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from peewee import fn

from kinship.errors import ValidationError
from kinship.services import contacts
from kinship.services.followups.compute import refresh_due
from kinship.services.followups.engine import engine
from kinship.store import current, search
from kinship.store.models import Capture, Contact, ContactField, Event, EventPerson, utcnow

__all__ = [
    "CaptureError",
    "CaptureLine",
    "CaptureProblem",
    "CaptureReport",
    "CapturedPerson",
    "capture",
    "parse",
]

MAX_LINES = 500
MAX_PHRASE = 500
_EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")


@dataclass(frozen=True, slots=True)
class CaptureLine:
    line: int
    name: str
    phrase: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class CaptureProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class CaptureError(ValidationError):
    """Lines that cannot be captured; nothing was written."""

    def __init__(self, problems: list[CaptureProblem]) -> None:
        self.problems = problems
        n = len(problems)
        first = str(problems[0]) if problems else ""
        more = f" (and {n - 1} more)" if n > 1 else ""
        super().__init__(f"nothing captured: {first}{more}")


@dataclass(frozen=True, slots=True)
class CapturedPerson:
    line: int
    uid: str
    display_name: str
    phrase: str
    email: str
    #: "new" (created now), "known" (an existing contact), "again" (already captured at
    #: this event: only the phrase may have changed).
    status: str

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "contact": {"uid": self.uid, "display_name": self.display_name},
            "phrase": self.phrase,
            "email": self.email or None,
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class CaptureReport:
    event_uid: str
    event_summary: str
    event_day: date
    event_created: bool
    people: list[CapturedPerson] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "event": {
                "uid": self.event_uid,
                "summary": self.event_summary,
                "date": self.event_day.isoformat(),
                "created": self.event_created,
            },
            "people": [p.to_json() for p in self.people],
        }


# --------------------------------------------------------------------------- parsing


def parse(text: str | Iterable[str]) -> tuple[list[CaptureLine], list[CaptureProblem]]:
    """The people in ``text`` and the problems of the lines that are not right."""
    lines = text.splitlines() if isinstance(text, str) else [t.rstrip("\r\n") for t in text]
    people: list[CaptureLine] = []
    problems: list[CaptureProblem] = []
    seen_names: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        if number > MAX_LINES:
            problems.append(CaptureProblem(number, f"more than {MAX_LINES} lines"))
            break
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            cells = next(csv.reader([raw], skipinitialspace=True))
        except csv.Error as exc:
            problems.append(CaptureProblem(number, f"cannot read the line ({exc})"))
            continue
        cells = [" ".join(c.split()) for c in cells]
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > 3:
            problems.append(
                CaptureProblem(
                    number,
                    f"{len(cells)} fields; write name, phrase, email "
                    '(quote a field that has a comma: "Kim, Jr.")',
                )
            )
            continue
        name = cells[0] if cells else ""
        phrase = cells[1] if len(cells) > 1 else ""
        email = cells[2] if len(cells) > 2 else ""
        if len(cells) == 2 and _EMAIL.match(phrase):
            phrase, email = "", phrase
        # Every problem of the line is reported, and a name or email is taken by the first
        # line that has it even when that line is wrong: a repeat is found in the same pass.
        wrong: list[str] = []
        if not name:
            wrong.append("no name")
        elif len(name) > contacts.MAX_NAME:
            wrong.append(f"name too long ({len(name)} characters)")
        if len(phrase) > MAX_PHRASE:
            wrong.append(f"phrase too long ({len(phrase)} characters)")
        if email and not _EMAIL.match(email):
            wrong.append(f"not an email address: {email!r}")
        key = name.casefold()
        if key and key in seen_names:
            wrong.append(f"{name} is already on line {seen_names[key]}")
        elif key:
            seen_names[key] = number
        if email and _EMAIL.match(email):
            folded = contacts.normalize_email(email)
            if folded in seen_emails:
                wrong.append(f"{email} is already on line {seen_emails[folded]}")
            else:
                seen_emails[folded] = number
        if wrong:
            problems.extend(CaptureProblem(number, text) for text in wrong)
            continue
        people.append(CaptureLine(number, name, phrase, email))
    return people, problems


# --------------------------------------------------------------------------- the event


def _event_day(value: Any) -> date:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.date() if isinstance(value, datetime) else value


def _find_event(name: str, on: date | None) -> Event | None:
    text = name.strip()
    # A recurring series and its edited occurrences share a UID: the series is the event.
    by_uid = (
        Event.select()
        .where(Event.uid == text)
        .order_by(Event.recurrence_id != "", Event.start)
        .first()
    )
    if by_uid is not None:
        return by_uid
    q = Event.select().where(fn.LOWER(Event.summary) == text.lower())
    if on is not None:
        q = q.where(
            (Event.start >= datetime.combine(on, time(0, 0)))
            & (Event.start <= datetime.combine(on, time(23, 59, 59)))
        )
    found = list(q.order_by(Event.start.desc()).limit(20))
    if len(found) > 1:
        days = "; ".join(f"{e.uid} on {_event_day(e.start).isoformat()}" for e in found[:5])
        raise ValidationError(
            f"{len(found)} events are called {text!r} ({days}); name one by UID or add --date"
        )
    return found[0] if found else None


# --------------------------------------------------------------------------- capture


def _resolve(person: CaptureLine) -> tuple[Contact | None, str | None]:
    """The contact this line names (or None: someone new), or a problem."""
    if person.email:
        rows = list(
            Contact.select()
            .join(ContactField)
            .where(
                (ContactField.kind == "email")
                & (ContactField.normalized == contacts.normalize_email(person.email))
            )
            .distinct()
            .limit(3)
        )
        if len(rows) == 1:
            return rows[0], None
        if len(rows) > 1:
            names = ", ".join(f"{r.display_name} ({r.uid})" for r in rows)
            return None, f"{person.email} belongs to several contacts: {names}"
    rows = list(Contact.select().where(Contact.sort_name == person.name.casefold()).limit(3))
    if len(rows) > 1:
        return None, (
            f"{len(rows)} contacts are called {person.name}; add the email of the one you met"
        )
    return (rows[0], None) if rows else (None, None)


def capture(
    event: str,
    people: Iterable[CaptureLine] | str,
    *,
    on: date | None = None,
    at: datetime | None = None,
    problems: Sequence[CaptureProblem] = (),
) -> CaptureReport:
    """Capture ``people`` (lines, or the text to :func:`parse`) at ``event``.

    ``on`` is the event's day (to tell two events of one name apart, and for a new event;
    default today); ``at`` is when the capture happens (default now) — the sprint's clock.
    Raises :class:`CaptureError` (nothing written) when any line is not right: ``problems``
    are those :func:`parse` found already, reported with what checking the other lines
    against the store finds (a name that fits two contacts …), so all come in one pass.
    """
    parsed = list(problems)
    if isinstance(people, str):
        lines, found_now = parse(people)
        parsed.extend(found_now)
    else:
        lines = list(people)
    if not event.strip():
        raise ValidationError("name the event: kinship capture EVENT")
    if not lines:
        if parsed:
            raise CaptureError(parsed)
        raise ValidationError("nobody to capture: give one person per line (name, phrase, email)")
    stamp = _utc(at)
    with current().write():
        found = _find_event(event, on)
        resolved: list[tuple[CaptureLine, Contact | None]] = []
        problems = list(parsed)
        for line in lines:
            contact, problem = _resolve(line)
            if problem:
                problems.append(CaptureProblem(line.line, problem))
            resolved.append((line, contact))
        taken: dict[int, int] = {}
        for line, contact in resolved:
            if contact is None:
                continue
            if contact.id in taken:
                problems.append(
                    CaptureProblem(
                        line.line,
                        f"{contact.display_name} is already on line {taken[contact.id]}",
                    )
                )
            taken.setdefault(contact.id, line.line)
        if problems:
            raise CaptureError(sorted(problems, key=lambda p: p.line))
        created = found is None
        if found is None:
            from kinship.services import events

            found = events.add(
                " ".join(event.split()),
                on or engine().today(),
                kind="networking",
                source="capture",
            )
        day = _event_day(found.start)
        out: list[CapturedPerson] = []
        touched: list[int] = []
        for line, contact in resolved:
            status = "known"
            if contact is None:
                met = f"met at {found.summary}" + (f": {line.phrase}" if line.phrase else "")
                contact = contacts.add(
                    line.name,
                    emails=[line.email] if line.email else [],
                    met_how=met,
                    met_on=day,
                )
                status = "new"
            else:
                _known(contact, line)
            link = Capture.get_or_none(
                (Capture.event == found.id) & (Capture.contact == contact.id)
            )
            if link is None:
                Capture.create(event=found, contact=contact, phrase=line.phrase, captured_at=stamp)
            else:
                status = "again" if status == "known" else status
                if line.phrase and line.phrase != link.phrase:
                    Capture.update(phrase=line.phrase).where(Capture.id == link.id).execute()
            EventPerson.insert(
                event=found, contact=contact, role="met"
            ).on_conflict_ignore().execute()
            touched.append(contact.id)
            out.append(
                CapturedPerson(
                    line.line, contact.uid, contact.display_name, line.phrase, line.email, status
                )
            )
        refresh_due(touched)
    return CaptureReport(found.uid, found.summary, day, created, out)


def _known(contact: Contact, line: CaptureLine) -> None:
    """A known person met again: the email if it is new, back from the archive."""
    changed = False
    if line.email:
        norm = contacts.normalize_email(line.email)
        have = (
            ContactField.select()
            .where(
                (ContactField.contact == contact.id)
                & (ContactField.kind == "email")
                & (ContactField.normalized == norm)
            )
            .exists()
        )
        if not have:
            position = (
                ContactField.select(fn.COUNT(ContactField.id))
                .where((ContactField.contact == contact.id) & (ContactField.kind == "email"))
                .scalar()
            )
            ContactField.create(
                contact=contact,
                kind="email",
                value=line.email,
                normalized=norm,
                position=position or 0,
            )
            changed = True
    if contact.archived:
        changed = True
    if changed:
        Contact.update(archived=False, version=Contact.version + 1, updated_at=utcnow()).where(
            Contact.id == contact.id
        ).execute()
        search.reindex([contact.id])


def _utc(at: datetime | None) -> datetime:
    if at is None:
        return engine().now()
    if at.tzinfo is None:
        at = at.astimezone()
    return at.astimezone(UTC).replace(tzinfo=None)
