"""Done: log the interaction that satisfies a follow-up and close it, in one transaction.

It sits beside :mod:`kinship.services.followups` rather than inside it because it writes an
interaction, and writing interactions keeps ``next_due_at`` right through the follow-up
package: inside, the two packages would import each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kinship.services import _notify, interactions, introductions
from kinship.services.followups.actions import contact_by_uid, open_followup
from kinship.services.followups.compute import recompute_ids
from kinship.services.followups.engine import engine
from kinship.services.followups.reading import DueItem
from kinship.store import current
from kinship.store.models import Contact, FollowUp, Interaction, Introduction, utcnow

__all__ = ["DONE_AS", "DoneReport", "done", "done_kind"]

#: What ``done`` logs for each kind of suggestion (``--as`` overrides it).
DONE_AS: dict[str, str] = {
    "thank": "thanks",
    "birthday": "congratulation",
    "anniversary": "congratulation",
    "congratulate": "congratulation",
    "condole": "condolence",
    "wish-well": "message",
    "check-in": "message",
    "offer-help": "help-given",
    "promise": "message",
    "manual": "message",
    "nice-to-meet": "message",
    "first-follow-up": "meeting",
    "intro-ask": "message",
    "intro-make": "message",
    "intro-how": "message",
    "introduce": "message",
}
_DONE_SUMMARY: dict[str, str] = {
    "thanks": "Said thanks",
    "congratulation": "Sent congratulations",
    "condolence": "Sent condolences",
    "help-given": "Offered help",
}
#: Summaries for the kinds whose "done" is not said by the interaction kind alone.
_DONE_SUMMARY_BY_FOLLOWUP: dict[str, str] = {
    "nice-to-meet": "Said nice to meet you",
    "first-follow-up": "Followed up after we met",
    "intro-ask": "Asked about an introduction",
    "intro-how": "Asked how the introduction went",
    "wish-well": "Wished them well",
}


#: An introduction's step (the builtin ``introductions`` strategy's follow-ups): the status
#: the introduction is in, the side of it the follow-up is on, and the status done moves it
#: to, as ``kinship intro-status`` would.
INTRO_STEPS: dict[str, tuple[str, str, str]] = {
    "intro-ask": ("proposed", "to", "asked"),
    "intro-make": ("asked", "to", "made"),
    "intro-how": ("made", "person", "followed-up"),
}
_INTRODUCTIONS = "introductions"


def done_kind(origin: str, kind: str) -> str:
    """The interaction "done" logs for a follow-up of ``kind`` from strategy ``origin``:
    what the strategy says (``Strategy.done_as``), else :data:`DONE_AS`."""
    return engine().done_as(origin, kind) or DONE_AS.get(kind, "message")


@dataclass(frozen=True)
class DoneReport:
    followup: DueItem
    interaction_uid: str
    interaction_kind: str
    #: ``undo.restore(undo_id)`` takes it back: the interaction goes, the follow-up reopens.
    undo_id: int | None = None
    #: The introduction the follow-up was a step of, moved to its next status.
    introduction: introductions.IntroductionView | None = None


def done(
    contact_uid: str,
    *,
    kind: str | None = None,
    as_kind: str | None = None,
    summary: str | None = None,
    occurred_at: datetime | None = None,
) -> DoneReport:
    """Mark a follow-up done and log the interaction that satisfies it, in one transaction.

    ``kind`` picks the follow-up when the contact has several; the interaction logged is
    ``as_kind``, else what its strategy says (``Strategy.done_as``), else :data:`DONE_AS`
    of its kind (:func:`done_kind`). Notifiers hear ``kinship_followup_done`` once it is
    committed. The report's ``undo_id`` takes both back (:func:`kinship.services.undo.restore`).
    """
    with current().write():
        contact = contact_by_uid(contact_uid)
        recompute_ids([contact.id])  # act on what is due now, not on yesterday's rows
        row = open_followup(contact, kind)
        logged_kind = interactions.validate_kind(as_kind or done_kind(row.origin, row.kind))
        FollowUp.update(status="done", done_at=utcnow()).where(FollowUp.id == row.id).execute()
        intro = _step_of(contact, row)
        moved = None
        back = None
        logged = None
        if intro is not None:
            status = INTRO_STEPS[row.kind][2]
            # What takes it back: undoing this done puts the introduction where it was.
            back = {
                "id": intro.id,
                "status": intro.status,
                "status_at": _iso(intro.status_at),
                "to": status,
            }
            moved, made = introductions.advance_logged(intro.id, status, at=occurred_at)
            if made is not None and not (summary or as_kind):
                # Making it logs intro-given with both people: that is the interaction.
                logged = Interaction.get(Interaction.uid == made)
                logged_kind = "intro-given"
        if logged is None:
            text = (
                (summary or "").strip()
                or _DONE_SUMMARY_BY_FOLLOWUP.get(row.kind)
                or _DONE_SUMMARY.get(logged_kind, "Checked in")
            )
            logged = interactions.log(
                text, [contact.uid], kind=logged_kind, occurred_at=occurred_at
            )
        kept = interactions.keep_undo(logged, reopen=row.id, introduction=back)
        _notify.followup("kinship_followup_done", row.id)
        item = DueItem.of(contact, row)
    return DoneReport(item, logged.uid, logged_kind, kept.id, moved)


def _step_of(contact: Contact, row: FollowUp) -> Introduction | None:
    """The open introduction a builtin introduction step is about: the oldest in that
    status with the contact on that side (the one the strategy's reason names first)."""
    step = INTRO_STEPS.get(row.kind)
    if step is None or row.origin != _INTRODUCTIONS:
        return None
    status, side, _ = step
    return (
        Introduction.select()
        .where((Introduction.status == status) & (getattr(Introduction, side) == contact.id))
        .order_by(Introduction.status_at, Introduction.id)
        .first()
    )


def _iso(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
