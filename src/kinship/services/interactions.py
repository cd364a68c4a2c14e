"""Logging what happened: interactions with one or more people."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from peewee import fn

from kinship import validation
from kinship.dates import from_store, to_store
from kinship.errors import NotFound, ValidationError
from kinship.records import INTERACTION_KINDS, InteractionRecord
from kinship.services import _notify, trash
from kinship.services.convert import interaction_record as interaction_record
from kinship.services.followups.compute import refresh_due
from kinship.store import current
from kinship.store.models import Contact, Event, FollowUp, Interaction, Participant


def validate_kind(kind: str) -> str:
    if not isinstance(kind, str):
        raise ValidationError(f"an interaction kind must be text, not {type(kind).__name__}")
    kind = kind.strip().lower()
    if kind not in INTERACTION_KINDS:
        raise ValidationError(
            f"unknown interaction kind {kind!r} (use {', '.join(INTERACTION_KINDS)})"
        )
    return kind


def log(
    summary: str,
    participant_uids: Sequence[str],
    *,
    kind: str = "meeting",
    occurred_at: datetime | None = None,
    notes: str = "",
    event_uid: str | None = None,
    uid: str | None = None,
    source: str = "",
) -> Interaction:
    """Record an interaction and move each participant's last contact and due date."""

    def typed(name: str, value: Any) -> Any:
        return validation.check_value(InteractionRecord, name, value)

    if not isinstance(summary, str) or not summary.strip():
        raise ValidationError("an interaction needs a summary")
    summary = typed("summary", summary.strip())
    notes, source = typed("notes", notes), typed("source", source)
    uid = typed("uid", uid) or None
    participant_uids = typed("participants", list(participant_uids or ()))
    kind = validate_kind(kind)
    if occurred_at is not None:
        occurred_at = typed("occurred_at", occurred_at)
    when = occurred_at or datetime.now().astimezone()
    stored = to_store(when)
    if stored > to_store(datetime.now().astimezone()) + timedelta(days=1):
        raise ValidationError("that date is in the future; log what happened, or add an event")
    if not participant_uids:
        raise ValidationError("an interaction needs at least one person")
    with current().write():
        people = list(Contact.select().where(Contact.uid.in_(list(participant_uids))))
        missing = set(participant_uids) - {c.uid for c in people}
        if missing:
            raise NotFound(f"no contact with UID {sorted(missing)[0]!r}")
        event = None
        if event_uid:
            event = Event.get_or_none((Event.uid == event_uid) & (Event.recurrence_id == ""))
            if event is None:
                raise NotFound(f"no event with UID {event_uid!r}")
        row = Interaction.create(
            uid=uid or str(uuid.uuid4()),
            occurred_at=stored,
            kind=kind,
            summary=summary,
            notes=notes,
            event=event,
            source=source,
        )
        Participant.insert_many(
            [(row.id, c.id) for c in people], fields=[Participant.interaction, Participant.contact]
        ).execute()
        ids = [c.id for c in people]
        Contact.update(last_interaction_at=stored).where(
            Contact.id.in_(ids)
            & ((Contact.last_interaction_at.is_null()) | (Contact.last_interaction_at < stored))
        ).execute()
        refresh_due(ids)
        _notify.interaction_logged(row.id)
    return row


def delete(uid: str) -> trash.Deleted:
    """Remove an interaction; participants' last contact is recomputed. It is kept in the
    trash: ``kinship undo`` (:func:`restore`) logs it again as it was."""
    with current().write():
        row = Interaction.get_or_none(Interaction.uid == uid)
        if row is None:
            raise NotFound(f"no interaction with UID {uid!r}")
        record = interaction_record(row)
        ids = [p.contact_id for p in row.participants]
        row.delete_instance(recursive=False)
        Participant.delete().where(Participant.interaction == row.id).execute()
        recompute_last(ids)
        refresh_due(ids)
        payload = {
            "uid": record.uid,
            "occurred_at": record.occurred_at.isoformat(),
            "kind": record.kind,
            "summary": record.summary,
            "notes": record.notes,
            "participants": record.participants,
            "event_uid": record.event_uid,
            "source": record.source,
        }
        what = f"{record.kind} of {record.occurred_at.date()} ({record.summary})"
        return trash.put("interaction", what, payload)


def keep_undo(row: Interaction, *, reopen: int | None = None) -> trash.Deleted:
    """Keep what takes a just-logged interaction back (``kinship undo``, the app's ``u``):
    :func:`unlog` deletes it again and reopens the follow-up ``reopen`` it closed. Call it
    inside the log's transaction."""
    when = from_store(row.occurred_at)
    day = when.date() if when is not None else ""
    what = f"logged {row.kind} of {day} ({row.summary})"
    return trash.put("logged", what, {"uid": row.uid, "followup": reopen})


def log_undoable(
    summary: str, participant_uids: Sequence[str], **kw: Any
) -> tuple[Interaction, trash.Deleted]:
    """:func:`log`, and keep what takes it back (:func:`keep_undo`), in one transaction."""
    with current().write():
        row = log(summary, participant_uids, **kw)
        return row, keep_undo(row)


def unlog(payload: dict[str, Any]) -> str:
    """Take back a logged interaction (a :func:`keep_undo` payload): delete it, reopen the
    follow-up it closed, and bring the participants' last contact and due dates back.
    Nothing is kept to undo this in turn: it is as if it had not been logged."""
    with current().write():
        row = Interaction.get_or_none(Interaction.uid == payload["uid"])
        if row is None:
            raise NotFound("that interaction is no longer there")
        reopen = payload.get("followup")
        if reopen is not None:
            FollowUp.update(status="open", done_at=None).where(
                (FollowUp.id == reopen) & (FollowUp.status == "done")
            ).execute()
        ids = [p.contact_id for p in row.participants]
        summary = row.summary
        row.delete_instance(recursive=False)
        Participant.delete().where(Participant.interaction == row.id).execute()
        recompute_last(ids)
        refresh_due(ids)
    return summary


def restore(payload: dict[str, Any]) -> Interaction:
    """Log a deleted interaction again as it was (from :func:`delete`'s payload): same UID,
    time, kind and notes, with the people of it who are still there."""
    with current().write():
        if Interaction.select().where(Interaction.uid == payload["uid"]).exists():
            raise ValidationError("that interaction is already there")
        present = {
            uid
            for (uid,) in Contact.select(Contact.uid)
            .where(Contact.uid.in_(payload["participants"]))
            .tuples()
        }
        people = [uid for uid in payload["participants"] if uid in present]
        if not people:
            raise NotFound("nobody this interaction was with is still here")
        event_uid = payload["event_uid"] or None
        if event_uid and not Event.select().where(Event.uid == event_uid).exists():
            event_uid = None
        return log(
            payload["summary"],
            people,
            kind=payload["kind"],
            occurred_at=datetime.fromisoformat(payload["occurred_at"]),
            notes=payload["notes"],
            event_uid=event_uid,
            uid=payload["uid"],
            source=payload["source"],
        )


def recompute_last(contact_ids: list[int]) -> None:
    latest = dict(
        Participant.select(Participant.contact, fn.MAX(Interaction.occurred_at))
        .join(Interaction)
        .where(Participant.contact.in_(contact_ids))
        .group_by(Participant.contact)
        .tuples()
    )
    for cid in contact_ids:
        Contact.update(last_interaction_at=latest.get(cid)).where(Contact.id == cid).execute()


def for_contact(contact: Contact, *, limit: int = 50, offset: int = 0) -> list[Interaction]:
    return list(
        Interaction.select()
        .join(Participant)
        .where(Participant.contact == contact)
        .order_by(Interaction.occurred_at.desc())
        .limit(limit)
        .offset(offset)
    )


def others_in(interaction_ids: list[int], exclude: int | None = None) -> dict[int, list[str]]:
    """Display names of participants per interaction (one query)."""
    out: dict[int, list[str]] = {i: [] for i in interaction_ids}
    q = (
        Participant.select(Participant.interaction, Contact.display_name, Contact.id)
        .join(Contact)
        .where(Participant.interaction.in_(interaction_ids))
        .order_by(Contact.sort_name)
        .tuples()
    )
    for iid, name, cid in q:
        if cid != exclude:
            out[iid].append(name)
    return out
