"""Undo a delete: deleted notes and interactions come back from the trash.

``notes.delete`` and ``interactions.delete`` keep what they delete (:mod:`.trash`) and return
its undo number; :func:`restore` puts it back, from the TUI (``u``) or the CLI
(``kinship undo [N]``), in another session as well as in the same one.
"""

from __future__ import annotations

from dataclasses import dataclass

from kinship.errors import KinshipError
from kinship.services import interactions, notes, trash
from kinship.services.trash import Deleted, listing, purge
from kinship.store import current

__all__ = ["Deleted", "Restored", "listing", "purge", "restore"]


@dataclass(frozen=True, slots=True)
class Restored:
    """What came back: ``kind`` "note" (``ref`` its number, as text) or "interaction"
    (``ref`` its UID)."""

    kind: str
    what: str
    ref: str


def restore(undo_id: int | None = None) -> Restored:
    """Bring back a deleted note or interaction (the newest deletion when ``undo_id`` is
    None). On an error nothing changes and it stays in the trash."""
    with current().write():
        deleted, payload = trash.take(undo_id)
        if deleted.kind == "note":
            ref = str(notes.restore(payload).id)
        elif deleted.kind == "interaction":
            ref = interactions.restore(payload).uid
        else:
            raise KinshipError(f"cannot undo a deleted {deleted.kind!r}")
    return Restored(deleted.kind, deleted.what, ref)
