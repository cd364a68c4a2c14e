"""Deleted notes and interactions, kept so that a delete can be undone; and what takes a
logged interaction back.

The deleting (or logging) service puts what undoes it here, in the same transaction;
:mod:`kinship.services.undo` takes it back out. Only the newest :data:`KEEP` are kept, and
:func:`purge` forgets them all (the text of a deleted note stays in the database until then).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kinship.dates import from_store
from kinship.errors import NotFound
from kinship.store import current
from kinship.store.models import Trash

__all__ = ["KEEP", "Deleted", "listing", "purge", "put", "take"]

#: How many deletions can be undone.
KEEP = 200


@dataclass(frozen=True, slots=True)
class Deleted:
    """A deletion that can be undone: its undo number, what was deleted, and when."""

    id: int
    #: "note" or "interaction" (deleted), or "logged" (an interaction to take back).
    kind: str
    what: str
    #: Local time, aware.
    deleted_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "what": self.what,
            "deleted_at": self.deleted_at.isoformat(),
        }


def _deleted(row: Trash) -> Deleted:
    when = from_store(row.deleted_at)
    assert when is not None
    return Deleted(row.id, row.kind, row.what, when)


def put(kind: str, what: str, payload: dict[str, Any]) -> Deleted:
    """Keep a deleted thing (call inside the delete's transaction); forget the oldest."""
    with current().write():
        row = Trash.create(kind=kind, what=what, payload=json.dumps(payload))
        newest = Trash.select(Trash.id).order_by(Trash.id.desc()).limit(KEEP)
        Trash.delete().where(Trash.id.not_in(newest)).execute()
    return _deleted(row)


def take(undo_id: int | None = None) -> tuple[Deleted, dict[str, Any]]:
    """Remove a kept deletion (the newest when ``undo_id`` is None) and return it with its
    payload. Call inside the restore's transaction, so a failed restore keeps it."""
    q = Trash.select()
    q = q.where(Trash.id == undo_id) if undo_id is not None else q.order_by(Trash.id.desc())
    row = q.first()
    if row is None:
        raise NotFound(
            "nothing to undo" if undo_id is None else f"nothing to undo with number {undo_id}"
        )
    row.delete_instance()
    payload: dict[str, Any] = json.loads(row.payload)
    return _deleted(row), payload


def listing(limit: int = 20) -> list[Deleted]:
    """The newest deletions that can be undone, newest first."""
    return [_deleted(r) for r in Trash.select().order_by(Trash.id.desc()).limit(limit)]


def purge() -> int:
    """Forget every kept deletion (they can no longer be undone); how many there were."""
    with current().write():
        return int(Trash.delete().execute())
