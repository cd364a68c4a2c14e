"""The plugin border: every record handed to kinship, checked field by field.

A plugin is someone else's code. What its importer yields, what its strategy suggests and what
its command passes to the services is checked here before anything reaches the store, against
the types :mod:`kinship.records` declares and the limits below (:data:`LIMITS`, documented in
``docs/plugin-hooks.md``). :func:`check` returns a :class:`Checked`:

- ``record``: the record to keep — the same object when it was fine, a cleaned copy when an
  optional field had to be dropped (set back to its default) — or ``None`` when a required
  field is wrong and the record cannot be kept at all;
- ``problems``: one :class:`FieldProblem` per field that was wrong, naming the field.

The rules are the same for every record type: a wrong *type* is never guessed at (a
``birthday`` of ``"June 5th"`` is not parsed, it is dropped: the contract says
:class:`~kinship.records.PartialDate`); text longer than its limit is dropped, not cut; text
with a NUL character or that is not valid Unicode is dropped (the store cannot hold it). A
kind kinship does not know is a problem where kinship cannot store the record without one
(interactions, relationships, follow-up statuses); the vocabularies importers map to a default
(note, event and field kinds) are the import's business.

Pure Python with no database: the services call it at the border, and ``kinship db check``
runs the same checks over the stored rows read back as records.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from kinship.records import (
    FOLLOWUP_STATUSES,
    INTERACTION_KINDS,
    INTRO_STATUSES,
    RELATIONSHIP_KINDS,
    CaptureRecord,
    ContactRecord,
    EventRecord,
    FieldRecord,
    FollowUpRecord,
    InteractionRecord,
    IntroductionRecord,
    NoteRecord,
    PartialDate,
    RelationshipRecord,
    Suggestion,
    TagRecord,
)

__all__ = [
    "LIMITS",
    "MAX_CADENCE",
    "MAX_EXTRA",
    "MAX_ITEMS",
    "MAX_KIND",
    "MAX_NAME",
    "MAX_NOTE",
    "MAX_SUMMARY",
    "MAX_TAG",
    "MAX_TEXT",
    "MAX_UID",
    "RECORD_TYPES",
    "Checked",
    "FieldProblem",
    "check",
    "check_suggestion",
    "check_value",
    "describe",
    "report_to",
    "unreadable",
]

#: Names: display, given and family name, nickname, organization, title (a column of 255).
MAX_NAME = 255
#: UIDs, sources, labels, strategy names, origins, timezones, attendee addresses.
MAX_UID = 255
#: Kinds (of interaction, note, event, field, follow-up).
MAX_KIND = 40
#: One tag.
MAX_TAG = 64
#: One-line text: interaction and event summaries, follow-up reasons, event locations,
#: recurrence rules, one email/phone/address/URL value.
MAX_SUMMARY = 2_000
#: An empathy note's body (the same limit the app's note form has).
MAX_NOTE = 20_000
#: Long free text: contact notes, how you met, interaction notes, event descriptions.
MAX_TEXT = 100_000
#: ``ContactRecord.extra`` as JSON (a vCard photo of 256 KB, base64, fits).
MAX_EXTRA = 512 * 1024
#: Items in one list: tags, fields, participants, attendees, recurrence dates.
MAX_ITEMS = 1_000
#: A contact's cadence: 1 to 3650 days.
MAX_CADENCE = 3650

#: Every limit by what it applies to, for the docs and for error messages.
LIMITS: dict[str, int] = {
    "name": MAX_NAME,
    "uid": MAX_UID,
    "kind": MAX_KIND,
    "tag": MAX_TAG,
    "summary": MAX_SUMMARY,
    "note": MAX_NOTE,
    "text": MAX_TEXT,
    "extra": MAX_EXTRA,
    "items": MAX_ITEMS,
    "cadence": MAX_CADENCE,
}


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """What is wrong with one field. ``fatal``: the record could not be kept."""

    field: str
    message: str
    fatal: bool = False

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


R = TypeVar("R")


@dataclass(slots=True)
class Checked(Generic[R]):
    """A record after :func:`check`: what to keep (``None``: nothing) and what was wrong."""

    record: R | None
    problems: list[FieldProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """The problems as one line: ``birthday: expected …; notes: too long …``."""
        return "; ".join(str(p) for p in self.problems)


class _Bad(Exception):
    """A value that does not fit its field (the message says why)."""


# --------------------------------------------------------------------------- values


def _show(value: Any) -> str:
    """A short, safe picture of a value for a message (never the 10 MB of it)."""
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:40] + "…"
        return f"str {text!r}"
    if value is None:
        return "None"
    try:
        text = repr(value)
    except Exception:
        text = "?"
    if len(text) > 40:
        text = text[:40] + "…"
    return f"{type(value).__name__} {text}"


def _plain_text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad(f"expected text, got {_show(value)}")
    if "\x00" in value:
        raise _Bad("contains a NUL character")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _Bad("is not valid Unicode (a lone surrogate)") from None
    return value


def _text(limit: int, *, required: bool = False) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value is None and not required:
            return ""
        text = _plain_text(value)
        if len(text) > limit:
            raise _Bad(f"too long ({len(text):,} characters, at most {limit:,})")
        if required and not text.strip():
            raise _Bad("is empty")
        return text

    return check


def _choice(choices: Iterable[str], what: str) -> Callable[[Any], str]:
    known = tuple(choices)

    def check(value: Any) -> str:
        text = _text(MAX_KIND, required=True)(value)
        folded = text.strip().lower()
        if folded not in known:
            raise _Bad(f"unknown {what} {text!r} (known: {', '.join(known)})")
        return folded

    return check


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise _Bad(f"expected True or False, got {_show(value)}")


def _int(low: int, high: int, *, optional: bool = True) -> Callable[[Any], int | None]:
    def check(value: Any) -> int | None:
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad(f"expected a whole number, got {_show(value)}")
        if not low <= value <= high:
            raise _Bad(f"{value} is out of range ({low} to {high})")
        return value

    return check


def _line(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Bad(f"expected a line number (0 or more), got {_show(value)}")
    return value


def _partial(value: Any) -> PartialDate | None:
    if value is None:
        return None
    if not isinstance(value, PartialDate):
        hint = " (use kinship.records.PartialDate.parse)" if isinstance(value, str) else ""
        raise _Bad(f"expected a PartialDate{hint}, got {_show(value)}")
    try:
        # Built again: a subclass or object.__setattr__ may have skipped its own check.
        PartialDate(value.month, value.day, value.year)
    except (TypeError, ValueError) as exc:
        raise _Bad(f"not a valid date: {exc}") from None
    return value


def _date(*, optional: bool = True) -> Callable[[Any], date | None]:
    def check(value: Any) -> date | None:
        if value is None and optional:
            return None
        if isinstance(value, datetime):
            return value.date()
        if not isinstance(value, date):
            raise _Bad(f"expected a date, got {_show(value)}")
        return value

    return check


def _datetime(*, optional: bool = True) -> Callable[[Any], datetime | None]:
    def check(value: Any) -> datetime | None:
        if value is None and optional:
            return None
        if not isinstance(value, datetime):
            raise _Bad(f"expected a datetime, got {_show(value)}")
        _offset(value)
        return value

    return check


def _offset(value: datetime) -> None:
    try:
        value.utcoffset()
    except Exception as exc:  # a broken tzinfo object
        raise _Bad(f"its timezone is broken ({type(exc).__name__})") from None


def _moment(*, optional: bool = True) -> Callable[[Any], date | datetime | None]:
    def check(value: Any) -> date | datetime | None:
        if value is None and optional:
            return None
        if isinstance(value, datetime):
            _offset(value)
            return value
        if isinstance(value, date):
            return value
        raise _Bad(f"expected a date or a datetime, got {_show(value)}")

    return check


def _list(item: Callable[[Any], Any], what: str) -> Callable[[Any], Any]:
    """A list whose items are checked one by one (bad items are dropped, see ``_apply``)."""

    def check(value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            raise _Bad(f"expected a list of {what}, got {_show(value)}")
        items = list(value) if not isinstance(value, list) else value
        if len(items) > MAX_ITEMS:
            raise _Bad(f"too many ({len(items):,}, at most {MAX_ITEMS:,})")
        return items

    check.item = item  # type: ignore[attr-defined]
    return check


def _extra(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _Bad(f"expected a dict, got {_show(value)}")
    if not all(isinstance(k, str) for k in value):
        raise _Bad("keys must be text")
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        # Only what JSON holds (text, numbers, booleans, None, lists, dicts) round-trips
        # through the store and the JSON backup unchanged.
        raise _Bad(f"cannot be saved as JSON ({_one_line(exc)})") from None
    if len(text) > MAX_EXTRA:
        raise _Bad(f"too large ({len(text):,} characters as JSON, at most {MAX_EXTRA:,})")
    try:
        _plain_text(text)
    except _Bad as exc:
        raise _Bad(f"holds text that {exc}") from None
    return dict(value)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:80]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _field_record(value: Any) -> FieldRecord:
    if not isinstance(value, FieldRecord):
        raise _Bad(f"expected a FieldRecord, got {_show(value)}")
    checked = check(value)
    if checked.record is None:
        raise _Bad(checked.summary())
    assert isinstance(checked.record, FieldRecord)
    return checked.record


def _roles(value: Any) -> dict[str, str]:
    """An event's roles: contact UID → role, both short text."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _Bad(f"expected a dict, got {_show(value)}")
    if len(value) > MAX_ITEMS:
        raise _Bad(f"too many ({len(value):,}, at most {MAX_ITEMS:,})")
    uid, role = _text(MAX_UID, required=True), _text(MAX_KIND, required=True)
    return {uid(k): role(v) for k, v in value.items()}


def _priority(value: Any) -> int:
    result = _int(-1_000_000, 1_000_000, optional=False)(value)
    assert result is not None
    return result


# --------------------------------------------------------------------------- specs

#: (field, check, required). A required field that fails rejects the record; an optional
#: one is set back to its default, with a problem.
_Spec = tuple[tuple[str, Callable[[Any], Any], bool], ...]

_COMMON: _Spec = (("source", _text(MAX_UID), False), ("line", _line, False))

_SPECS: dict[type, _Spec] = {
    FieldRecord: (
        ("kind", _text(MAX_KIND, required=True), True),
        ("value", _text(MAX_SUMMARY), True),
        ("label", _text(MAX_UID), False),
        ("preferred", _bool, False),
    ),
    ContactRecord: (
        ("display_name", _text(MAX_NAME, required=True), True),
        ("uid", _text(MAX_UID), False),
        ("given_name", _text(MAX_NAME), False),
        ("family_name", _text(MAX_NAME), False),
        ("nickname", _text(MAX_NAME), False),
        ("organization", _text(MAX_NAME), False),
        ("title", _text(MAX_NAME), False),
        ("birthday", _partial, False),
        ("anniversary", _partial, False),
        ("met_how", _text(MAX_TEXT), False),
        ("met_on", _date(), False),
        ("cadence_days", _int(1, MAX_CADENCE), False),
        ("strategy", _text(MAX_UID), False),
        ("notes", _text(MAX_TEXT), False),
        ("archived", _bool, False),
        ("tags", _list(_text(MAX_TAG, required=True), "tag names"), False),
        ("fields", _list(_field_record, "FieldRecords"), False),
        ("extra", _extra, False),
        ("snoozed_until", _date(), False),
        ("edited", _list(_text(MAX_KIND, required=True), "field names"), False),
        *_COMMON,
    ),
    EventRecord: (
        ("summary", _text(MAX_SUMMARY, required=True), True),
        ("start", _moment(optional=False), True),
        ("uid", _text(MAX_UID), False),
        ("end", _moment(), False),
        ("all_day", _bool, False),
        ("timezone", _text(MAX_UID), False),
        ("kind", _text(MAX_KIND), False),
        ("location", _text(MAX_SUMMARY), False),
        ("description", _text(MAX_TEXT), False),
        ("rrule", _text(MAX_SUMMARY), False),
        ("rdates", _list(_moment(optional=False), "dates"), False),
        ("exdates", _list(_moment(optional=False), "dates"), False),
        ("attendees", _list(_text(MAX_UID, required=True), "email addresses"), False),
        ("contact_uids", _list(_text(MAX_UID, required=True), "UIDs"), False),
        ("recurrence_id", _moment(), False),
        ("recurrence_range", _text(MAX_KIND), False),
        ("vtimezone", _text(MAX_TEXT), False),
        ("roles", _roles, False),
        *_COMMON,
    ),
    InteractionRecord: (
        ("occurred_at", _datetime(optional=False), True),
        ("kind", _choice(INTERACTION_KINDS, "interaction kind"), True),
        ("summary", _text(MAX_SUMMARY, required=True), True),
        ("participants", _list(_text(MAX_UID, required=True), "UIDs"), False),
        ("notes", _text(MAX_TEXT), False),
        ("uid", _text(MAX_UID), False),
        ("event_uid", _text(MAX_UID), False),
        *_COMMON,
    ),
    NoteRecord: (
        ("contact_uid", _text(MAX_UID, required=True), True),
        ("body", _text(MAX_NOTE, required=True), True),
        ("kind", _text(MAX_KIND), False),
        ("pinned", _bool, False),
        ("created_at", _datetime(), False),
        ("updated_at", _datetime(), False),
        *_COMMON,
    ),
    RelationshipRecord: (
        ("from_uid", _text(MAX_UID, required=True), True),
        ("to_uid", _text(MAX_UID, required=True), True),
        ("kind", _choice(RELATIONSHIP_KINDS, "relationship"), True),
        *_COMMON,
    ),
    FollowUpRecord: (
        ("contact_uid", _text(MAX_UID, required=True), True),
        ("due", _date(optional=False), True),
        ("reason", _text(MAX_SUMMARY), False),
        ("kind", _text(MAX_KIND), False),
        ("origin", _text(MAX_UID), False),
        ("status", _choice(FOLLOWUP_STATUSES, "status"), True),
        ("uid", _text(MAX_UID), False),
        ("snoozed_until", _date(), False),
        ("contact_name", _text(MAX_NAME), False),
        ("priority", _priority, False),
        ("done_at", _datetime(), False),
        *_COMMON,
    ),
    TagRecord: (
        ("name", _text(MAX_TAG, required=True), True),
        ("cadence_days", _int(1, MAX_CADENCE), False),
        *_COMMON,
    ),
    IntroductionRecord: (
        ("person_uid", _text(MAX_UID, required=True), True),
        ("to_uid", _text(MAX_UID, required=True), True),
        ("why", _text(MAX_TEXT), False),
        ("status", _choice(INTRO_STATUSES, "introduction status"), True),
        ("created_at", _datetime(), False),
        ("asked_at", _datetime(), False),
        ("made_at", _datetime(), False),
        ("followed_up_at", _datetime(), False),
        ("declined_at", _datetime(), False),
        ("status_at", _datetime(), False),
        *_COMMON,
    ),
    CaptureRecord: (
        ("event_uid", _text(MAX_UID, required=True), True),
        ("contact_uid", _text(MAX_UID, required=True), True),
        ("phrase", _text(MAX_SUMMARY), False),
        ("captured_at", _datetime(), False),
        ("event_recurrence_id", _text(MAX_UID), False),
        *_COMMON,
    ),
    Suggestion: (
        ("contact_uid", _text(MAX_UID, required=True), True),
        ("kind", _text(MAX_KIND, required=True), True),
        ("due", _date(optional=False), True),
        ("reason", _text(MAX_TEXT), True),
        ("priority", _priority, False),
        ("strategy", _text(MAX_UID), False),
    ),
}

#: The record types :func:`check` knows, for tests and ``kinship db check``.
RECORD_TYPES = tuple(_SPECS)


def _default(record_type: type, name: str) -> Any:
    for f in dataclasses.fields(record_type):
        if f.name == name:
            if f.default is not dataclasses.MISSING:
                return f.default
            if f.default_factory is not dataclasses.MISSING:
                return f.default_factory()
    return None


def _spec_for(record: Any) -> tuple[type, _Spec] | None:
    for record_type in type(record).__mro__:
        spec = _SPECS.get(record_type)
        if spec is not None:
            return record_type, spec
    return None


def check(record: Any) -> Checked[Any]:
    """Check one record field by field; see the module doc for what is kept."""
    found = _spec_for(record)
    if found is None:
        return Checked(
            None,
            [FieldProblem("record", f"{type(record).__name__} is not a kinship record", True)],
        )
    record_type, spec = found
    problems: list[FieldProblem] = []
    changes: dict[str, Any] = {}
    for name, checker, required in spec:
        try:
            value = getattr(record, name)
        except AttributeError:
            value = _default(record_type, name)
            changes[name] = value
        try:
            clean = checker(value)
        except _Bad as exc:
            problems.append(FieldProblem(name, str(exc), fatal=required))
            if required:
                return Checked(None, problems)
            changes[name] = _default(record_type, name)
            continue
        except Exception as exc:  # a value whose own methods raise (len, iter, repr …)
            problems.append(
                FieldProblem(name, f"cannot be read ({type(exc).__name__})", fatal=required)
            )
            if required:
                return Checked(None, problems)
            changes[name] = _default(record_type, name)
            continue
        item = getattr(checker, "item", None)
        if item is not None:
            kept = []
            for n, element in enumerate(clean):
                try:
                    kept.append(item(element))
                except _Bad as exc:  # a bad item is dropped, the others are kept
                    problems.append(FieldProblem(f"{name}[{n}]", str(exc)))
            unchanged = isinstance(value, list) and len(kept) == len(value)
            if unchanged and all(a is b for a, b in zip(kept, value, strict=True)):
                continue
            changes[name] = kept
            continue
        if clean is not value and not _same(clean, value):
            changes[name] = clean
    if changes:
        try:
            record = dataclasses.replace(record, **changes)
        except Exception:
            record = dataclasses.replace(_plain(record_type, record), **changes)
    return Checked(record, problems)


def _same(a: Any, b: Any) -> bool:
    # A date checked out of a datetime, "" for None: a change to write back.
    return type(a) is type(b) and a == b


def _plain(record_type: type, record: Any) -> Any:
    """The base record type's copy of a subclass instance (``replace`` needs its fields)."""
    values = {f.name: getattr(record, f.name, None) for f in dataclasses.fields(record_type)}
    return record_type(**values)


def check_value(record_type: type, name: str, value: Any, *, label: str = "") -> Any:
    """One field's value checked as :func:`check` would; raises
    :class:`~kinship.errors.ValidationError` naming the field (``label``, else its name).

    The services check what commands pass them with this (``contacts.add(..., title=…)``),
    so a plugin's command cannot store what an importer could not.
    """
    from kinship.errors import ValidationError

    what = label or name
    for field_name, checker, _required in _SPECS[record_type]:
        if field_name != name:
            continue
        try:
            clean = checker(value)
            item = getattr(checker, "item", None)
            if item is not None:
                out = []
                for n, element in enumerate(clean):
                    try:
                        out.append(item(element))
                    except _Bad as exc:
                        raise _Bad(f"item {n + 1}: {exc}") from None
                clean = out
        except _Bad as exc:
            raise ValidationError(f"{what}: {exc}") from None
        return clean
    raise ValueError(f"{record_type.__name__} has no field {name!r}")


def check_suggestion(suggestion: Any, contact_uid: str) -> Suggestion:
    """A strategy's suggestion for ``contact_uid``, checked; raises ValueError naming the
    field (the engine treats that as the strategy failing)."""
    if not isinstance(suggestion, Suggestion):
        raise ValueError(f"suggest() yielded {type(suggestion).__name__}, not Suggestion")
    checked = check(suggestion)
    if checked.problems:
        raise ValueError(f"invalid Suggestion for {contact_uid!r}: {checked.summary()}")
    result = checked.record
    assert isinstance(result, Suggestion)
    if result.contact_uid != contact_uid:
        raise ValueError(f"suggestion for {result.contact_uid!r} while asked about {contact_uid!r}")
    return result


def describe(record: Any) -> str:
    """How a message names a record: ``ContactRecord 'Ada Lovelace'``, ``NoteRecord for
    'uid-1'`` … (short, whatever the record holds)."""
    kind = type(record).__name__
    for attr in ("display_name", "summary", "uid"):
        value = getattr(record, attr, None)
        if isinstance(value, str) and value.strip():
            text = " ".join(value.split())
            return f"{kind} {text[:60] + '…' if len(text) > 60 else text!r}"
    for attr in ("contact_uid", "from_uid"):
        value = getattr(record, attr, None)
        if isinstance(value, str) and value.strip():
            return f"{kind} for {value[:60]!r}"
    return kind


# --------------------------------------------------------------------------- stored values

#: Where :func:`unreadable` reports (set by :mod:`kinship.services.runtime` to its ``warn``).
_report: Callable[[str], None] | None = None


def report_to(sink: Callable[[str], None] | None) -> None:
    """Send what :func:`unreadable` finds to ``sink`` (one line each)."""
    global _report
    _report = sink


def unreadable(where: str, value: Any, expected: str) -> None:
    """A stored value kinship cannot read (``contact.met_on = 'garbage'``): it is shown and
    exported as empty, and the user is told once, with the way to find them all."""
    sink = _report
    if sink is None:
        return
    text = value.decode("utf-8", "backslashreplace") if isinstance(value, bytes) else str(value)
    shown = text if len(text) <= 40 else text[:40] + "…"
    try:
        sink(
            f"stored {where} = {shown!r} is not {expected}; left out "
            "(`kinship db check` lists every such value)"
        )
    except Exception:  # reporting must not become the error
        pass


def unreadable_value(where: str, value: Any, expected: str, parse: Callable[[Any], R]) -> R | None:
    """``parse(value)``, or ``None`` (reported through :func:`unreadable`) when it fails."""
    try:
        return parse(value)
    except (ValueError, TypeError, AttributeError, RecursionError):
        unreadable(where, value, expected)
        return None
