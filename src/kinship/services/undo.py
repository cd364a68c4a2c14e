"""Undo: deleted notes and interactions come back, logged interactions go again.

``notes.delete`` and ``interactions.delete`` keep what they delete (:mod:`.trash`) and return
its undo number; so do ``checkin.done`` and ``interactions.log_undoable`` for what they
logged. :func:`restore` takes the step back, from the TUI (``u``) or the CLI
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
    """What was undone: ``kind`` "note" (``ref`` its number, as text), "interaction" (``ref``
    its UID) for a deletion, or "logged" (``ref`` the UID of the interaction taken back)."""

    kind: str
    what: str
    ref: str


def restore(undo_id: int | None = None) -> Restored:
    """Bring back a deleted note or interaction, or take back a logged interaction (and
    reopen the follow-up it closed); the newest step when ``undo_id`` is None. On an error
    nothing changes and the step stays to be undone."""
    with current().write():
        deleted, payload = trash.take(undo_id)
        if deleted.kind == "note":
            ref = str(notes.restore(payload).id)
        elif deleted.kind == "interaction":
            ref = interactions.restore(payload).uid
        elif deleted.kind == "logged":
            interactions.unlog(payload)
            ref = str(payload["uid"])
        else:
            raise KinshipError(f"cannot undo a deleted {deleted.kind!r}")
    return Restored(deleted.kind, deleted.what, ref)
