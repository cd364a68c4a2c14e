"""Empathy notes, as the notes pane, the brief and ``show`` list them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from kinship.dates import from_store
from kinship.store.models import EmpathyNote


@dataclass(frozen=True, slots=True)
class NoteItem:
    id: int
    kind: str
    body: str
    pinned: bool
    #: The stored (UTC) date of the last change, as the notes pane shows it.
    updated: date
    #: Local time, aware.
    created_at: datetime
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "body": self.body,
            "pinned": self.pinned,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _item(n: EmpathyNote) -> NoteItem:
    created, updated = from_store(n.created_at), from_store(n.updated_at)
    # A time kinship cannot read (reported when read) stands in for the other, or the epoch.
    created = created or updated or _EPOCH
    updated = updated or created
    return NoteItem(n.id, n.kind, n.body, n.pinned, updated.date(), created, updated)


def notes(contact_id: int, *, by_kind: bool = True) -> list[NoteItem]:
    """Pinned first; then by kind (the notes pane) or not (``show``); newest first."""
    order = [EmpathyNote.pinned.desc()]
    if by_kind:
        order.append(EmpathyNote.kind)
    order.append(EmpathyNote.updated_at.desc())
    q = EmpathyNote.select().where(EmpathyNote.contact == contact_id).order_by(*order)
    return [_item(n) for n in q]


def note(note_id: int) -> NoteItem | None:
    """One note by its number, or None."""
    n = EmpathyNote.get_or_none(EmpathyNote.id == note_id)
    return None if n is None else _item(n)
