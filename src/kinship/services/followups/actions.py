"""Acting on follow-ups: done (and log what did it), dismiss, snooze."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kinship.errors import NotFound, ValidationError
from kinship.services import _notify
from kinship.services.followups.compute import recompute_ids, update_next_due
from kinship.services.followups.engine import engine
from kinship.services.followups.reading import DueItem, _date
from kinship.store import current
from kinship.store.models import Contact, FollowUp, utcnow

__all__ = ["DONE_AS", "DoneReport", "dismiss", "done", "snooze"]

#: What ``done`` logs for each kind of suggestion (``--as`` overrides it).
DONE_AS: dict[str, str] = {
    "thank": "thanks",
    "birthday": "congratulation",
    "anniversary": "congratulation",
    "congratulate": "congratulation",
    "condole": "condolence",
    "check-in": "message",
    "offer-help": "help-given",
    "promise": "message",
    "manual": "message",
}
_DONE_SUMMARY: dict[str, str] = {
    "thanks": "Said thanks",
    "congratulation": "Sent congratulations",
    "condolence": "Sent condolences",
    "help-given": "Offered help",
}


def _contact(uid: str) -> Contact:
    row = Contact.get_or_none(Contact.uid == uid)
    if row is None:
        raise NotFound(f"no contact with UID {uid!r}")
    return row


def _pick(contact: Contact, kind: str | None) -> FollowUp:
    """The one open follow-up of ``contact`` (of ``kind``) that done/dismiss act on."""
    eng = engine()
    q = (
        FollowUp.select()
        .where(
            (FollowUp.contact == contact.id)
            & (FollowUp.status == "open")
            & FollowUp.origin.in_(eng.listed)
        )
        .order_by(FollowUp.priority, FollowUp.due, FollowUp.id)
    )
    rows = list(q)
    if kind:
        kind = kind.strip().lower()
        rows = [r for r in rows if r.kind == kind]
        if not rows:
            raise NotFound(f"no open {kind} follow-up for {contact.display_name}")
    if not rows:
        raise NotFound(f"nothing is due for {contact.display_name}")
    kinds = sorted({r.kind for r in rows})
    if len(kinds) > 1:
        raise ValidationError(
            f"{contact.display_name} has {len(rows)} follow-ups ({', '.join(kinds)}); "
            "say which with --kind"
        )
    return rows[0]


@dataclass(frozen=True)
class DoneReport:
    followup: DueItem
    interaction_uid: str
    interaction_kind: str


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
    :data:`DONE_AS` of its kind unless ``as_kind`` says otherwise.
    """
    from kinship.services import interactions

    with current().write():
        contact = _contact(contact_uid)
        recompute_ids([contact.id])  # act on what is due now, not on yesterday's rows
        row = _pick(contact, kind)
        logged_kind = interactions.validate_kind(
            as_kind or engine().done_as(row.origin, row.kind) or DONE_AS.get(row.kind, "message")
        )
        FollowUp.update(status="done", done_at=utcnow()).where(FollowUp.id == row.id).execute()
        text = (summary or "").strip() or _DONE_SUMMARY.get(logged_kind, "Checked in")
        logged = interactions.log(text, [contact.uid], kind=logged_kind, occurred_at=occurred_at)
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
    return DoneReport(item, logged.uid, logged_kind)


def dismiss(contact_uid: str, *, kind: str | None = None) -> DueItem:
    """Dismiss a follow-up for this occurrence: the same kind and due date stays dismissed;
    the next occurrence (next birthday, next cadence date …) comes back."""
    with current().write():
        contact = _contact(contact_uid)
        recompute_ids([contact.id])
        row = _pick(contact, kind)
        FollowUp.update(status="dismissed", done_at=utcnow()).where(FollowUp.id == row.id).execute()
        update_next_due([contact.id])
        _notify.contact_changed(contact.id)
        _notify.followup("kinship_followup_dismissed", row.id)
    return DueItem(
        contact.uid,
        contact.display_name,
        row.kind,
        _date(row.due),
        row.reason,
        row.origin,
        row.priority,
        row.id,
    )


def snooze(contact_uid: str, until: date | None) -> Contact:
    """Hide a contact's suggestions until ``until`` (they come back that day); ``None``
    ends a snooze."""
    today = engine().today()
    if until is not None and until <= today:
        raise ValidationError(
            f"snooze until a day after today ({today.isoformat()}), not {until.isoformat()}"
        )
    with current().write():
        contact = _contact(contact_uid)
        Contact.update(snoozed_until=until, version=Contact.version + 1, updated_at=utcnow()).where(
            Contact.id == contact.id
        ).execute()
        recompute_ids([contact.id])
        _notify.contact_changed(contact.id)
        if until is not None:
            # What the snooze hides: the open follow-ups kinship lists for them now.
            hidden = FollowUp.select(FollowUp.id).where(
                (FollowUp.contact == contact.id)
                & (FollowUp.status == "open")
                & FollowUp.origin.in_(engine().listed)
            )
            for (fid,) in hidden.order_by(FollowUp.due, FollowUp.id).tuples():
                _notify.followup("kinship_followup_snoozed", fid, snoozed_until=until)
    return Contact.get_by_id(contact.id)
