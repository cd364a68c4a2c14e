"""Done: log the interaction that satisfies a follow-up and close it, in one transaction.

It sits beside :mod:`kinship.services.followups` rather than inside it because it writes an
interaction, and writing interactions keeps ``next_due_at`` right through the follow-up
package: inside, the two packages would import each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kinship.services import _notify, interactions
from kinship.services.followups.actions import contact_by_uid, open_followup
from kinship.services.followups.compute import recompute_ids
from kinship.services.followups.engine import engine
from kinship.services.followups.reading import DueItem, _date
from kinship.store import current
from kinship.store.models import FollowUp, utcnow

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
        text = (
            (summary or "").strip()
            or _DONE_SUMMARY_BY_FOLLOWUP.get(row.kind)
            or _DONE_SUMMARY.get(logged_kind, "Checked in")
        )
        logged = interactions.log(text, [contact.uid], kind=logged_kind, occurred_at=occurred_at)
        kept = interactions.keep_undo(logged, reopen=row.id)
        _notify.followup("kinship_followup_done", row.id)
        item = DueItem(
            contact.uid,
            contact.display_name,
            row.kind,
            _date(row.due),
            row.reason,
            row.origin,
            row.priority,
            row.id,
        )
    return DoneReport(item, logged.uid, logged_kind, kept.id)
