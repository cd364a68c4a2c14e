"""Empathy notes: what matters to each person (needs, goals, challenges …)."""

from __future__ import annotations

from kinship import validation
from kinship.errors import NotFound, ValidationError
from kinship.records import NOTE_KINDS, NoteRecord
from kinship.store import current, search
from kinship.store.models import Contact, EmpathyNote, utcnow

MAX_NOTE = validation.MAX_NOTE


def validate_kind(kind: str) -> str:
    if not isinstance(kind, str):
        raise ValidationError(f"a note kind must be text, not {type(kind).__name__}")
    kind = kind.strip().lower()
    if kind not in NOTE_KINDS:
        raise ValidationError(f"unknown note kind {kind!r} (use {', '.join(NOTE_KINDS)})")
    return kind


def _body(body: str) -> str:
    if not isinstance(body, str):
        raise ValidationError(f"a note must be text, not {type(body).__name__}")
    body = body.strip()
    if not body:
        raise ValidationError("a note needs some text")
    if len(body) > MAX_NOTE:
        raise ValidationError(f"note too long ({len(body)} characters, at most {MAX_NOTE})")
    return str(validation.check_value(NoteRecord, "body", body, label="note"))


def add(contact: Contact, body: str, *, kind: str = "general", pinned: bool = False) -> EmpathyNote:
    kind, body = validate_kind(kind), _body(body)
    pinned = validation.check_value(NoteRecord, "pinned", pinned)
    with current().write():
        note = EmpathyNote.create(contact=contact, kind=kind, body=body, pinned=pinned)
        search.reindex([contact.id])
    return note


def update(
    note_id: int, *, body: str | None = None, kind: str | None = None, pinned: bool | None = None
) -> EmpathyNote:
    with current().write():
        note = EmpathyNote.get_or_none(EmpathyNote.id == note_id)
        if note is None:
            raise NotFound(f"no note {note_id}")
        if body is not None:
            note.body = _body(body)
        if kind is not None:
            note.kind = validate_kind(kind)
        if pinned is not None:
            note.pinned = validation.check_value(NoteRecord, "pinned", pinned)
        note.updated_at = utcnow()
        note.save()
        search.reindex([note.contact_id])
    return note


def delete(note_id: int) -> EmpathyNote:
    with current().write():
        note = EmpathyNote.get_or_none(EmpathyNote.id == note_id)
        if note is None:
            raise NotFound(f"no note {note_id}")
        note.delete_instance()
        search.reindex([note.contact_id])
    return note


def for_contact(contact: Contact) -> list[EmpathyNote]:
    return list(
        contact.empathy_notes.order_by(EmpathyNote.pinned.desc(), EmpathyNote.updated_at.desc())
    )
