"""Acting on follow-ups: dismiss, snooze.

``done`` logs an interaction, so it lives in :mod:`kinship.services.checkin`.
"""

from __future__ import annotations

from datetime import date

from kinship.errors import NotFound, ValidationError
from kinship.services import _notify
from kinship.services.followups.compute import recompute_ids, update_next_due
from kinship.services.followups.engine import engine
from kinship.services.followups.reading import DueItem
from kinship.store import current
from kinship.store.models import Contact, FollowUp, utcnow

__all__ = ["contact_by_uid", "dismiss", "open_followup", "snooze"]


def contact_by_uid(uid: str) -> Contact:
    row = Contact.get_or_none(Contact.uid == uid)
    if row is None:
        raise NotFound(f"no contact with UID {uid!r}")
    return row


def open_followup(contact: Contact, kind: str | None) -> FollowUp:
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


def dismiss(contact_uid: str, *, kind: str | None = None) -> DueItem:
    """Dismiss a follow-up for this occurrence: the same kind and due date stays dismissed;
    the next occurrence (next birthday, next cadence date …) comes back."""
    with current().write():
        contact = contact_by_uid(contact_uid)
        recompute_ids([contact.id])
        row = open_followup(contact, kind)
        FollowUp.update(status="dismissed", done_at=utcnow()).where(FollowUp.id == row.id).execute()
        update_next_due([contact.id])
        _notify.contact_changed(contact.id)
        _notify.followup("kinship_followup_dismissed", row.id)
    return DueItem.of(contact, row)


def snooze(contact_uid: str, until: date | None) -> Contact:
    """Hide a contact's suggestions until ``until`` (they come back that day); ``None``
    ends a snooze."""
    today = engine().today()
    if until is not None and until <= today:
        raise ValidationError(
            f"snooze until a day after today ({today.isoformat()}), not {until.isoformat()}"
        )
    with current().write():
        contact = contact_by_uid(contact_uid)
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
