"""Empathy notes: what matters to each person (needs, goals, challenges …)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kinship import validation
from kinship.errors import NotFound, ValidationError
from kinship.records import NEED_NOTE_KINDS, NOTE_KINDS, OFFER_NOTE_KINDS, NoteRecord
from kinship.services import trash
from kinship.services.followups.compute import refresh_matches
from kinship.store import current, search
from kinship.store.models import Contact, EmpathyNote, utcnow

MAX_NOTE = validation.MAX_NOTE
#: Notes whose changes can change the week's match of needs and offers.
_MATCHED = NEED_NOTE_KINDS | OFFER_NOTE_KINDS


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
        if kind in _MATCHED:
            refresh_matches([contact.id])
    return note


def update(
    note_id: int, *, body: str | None = None, kind: str | None = None, pinned: bool | None = None
) -> EmpathyNote:
    with current().write():
        note = EmpathyNote.get_or_none(EmpathyNote.id == note_id)
        if note is None:
            raise NotFound(f"no note {note_id}")
        matched = note.kind in _MATCHED
        if body is not None:
            note.body = _body(body)
        if kind is not None:
            note.kind = validate_kind(kind)
        if pinned is not None:
            note.pinned = validation.check_value(NoteRecord, "pinned", pinned)
        note.updated_at = utcnow()
        note.save()
        search.reindex([note.contact_id])
        if matched or note.kind in _MATCHED:
            refresh_matches([note.contact_id])
    return note


def delete(note_id: int) -> trash.Deleted:
    """Delete a note, keeping it in the trash: ``kinship undo`` (:func:`restore`) brings it
    back with its number, kind, pin and dates."""
    with current().write():
        note = EmpathyNote.get_or_none(EmpathyNote.id == note_id)
        if note is None:
            raise NotFound(f"no note {note_id}")
        contact = Contact.get_by_id(note.contact_id)
        payload = {
            "id": note.id,
            "contact_uid": contact.uid,
            "kind": note.kind,
            "body": note.body,
            "pinned": note.pinned,
            "created_at": note.created_at.isoformat(),
            "updated_at": note.updated_at.isoformat(),
        }
        note.delete_instance()
        search.reindex([note.contact_id])
        if note.kind in _MATCHED:
            refresh_matches([note.contact_id])
        return trash.put(
            "note", f"{note.kind} note #{note.id} about {_about(contact, note)}", payload
        )


def _about(contact: Contact, note: EmpathyNote) -> str:
    body = " ".join(note.body.split())
    return f"{contact.display_name}: {body[:40]}{'…' if len(body) > 40 else ''}"


def restore(payload: dict[str, Any]) -> EmpathyNote:
    """Put a deleted note back (from :func:`delete`'s payload): the same number when it is
    still free, else a new one."""
    with current().write():
        contact = Contact.get_or_none(Contact.uid == payload["contact_uid"])
        if contact is None:
            raise NotFound("the contact this note was about is gone")
        taken = EmpathyNote.select().where(EmpathyNote.id == payload["id"]).exists()
        note = EmpathyNote.create(
            **({} if taken else {"id": payload["id"]}),
            contact=contact,
            kind=payload["kind"],
            body=payload["body"],
            pinned=payload["pinned"],
            created_at=datetime.fromisoformat(payload["created_at"]),
            updated_at=datetime.fromisoformat(payload["updated_at"]),
        )
        search.reindex([contact.id])
        if note.kind in _MATCHED:
            refresh_matches([contact.id])
    return note


def for_contact(contact: Contact) -> list[EmpathyNote]:
    return list(
        contact.empathy_notes.order_by(EmpathyNote.pinned.desc(), EmpathyNote.updated_at.desc())
    )
