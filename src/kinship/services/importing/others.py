"""The rest, all attached to contacts named by UID: empathy notes (matched by contact and
body), relationships (by from, to and kind) and follow-ups (by UID, then by contact, kind,
due date and reason); and a backup's tags with their cadences (by name)."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Any

from peewee import fn

from kinship.dates import to_store
from kinship.records import (
    INTRO_STATUSES,
    NOTE_KINDS,
    RELATIONSHIP_KINDS,
    CaptureRecord,
    FollowUpRecord,
    IntroductionRecord,
    NoteRecord,
    RelationshipRecord,
    TagRecord,
)
from kinship.services.importing.common import chunks, contact_ids, same
from kinship.services.importing.journal import image
from kinship.services.importing.run import Run
from kinship.store.models import (
    Capture,
    ContactTag,
    EmpathyNote,
    Event,
    FollowUp,
    Introduction,
    Relationship,
    Tag,
)

_FOLLOWUP_STATUSES = ("open", "done", "snoozed", "dismissed")


def apply_notes(run: Run, records: list[NoteRecord]) -> None:
    ids = contact_ids((r.contact_uid for r in records), run.uid_aliases)
    existing: dict[tuple[int, str], EmpathyNote] = {}
    for part in chunks(sorted(set(ids.values()))):
        for note in EmpathyNote.select().where(EmpathyNote.contact.in_(part)):
            existing.setdefault((note.contact_id, note.body.strip()), note)
    for rec in records:
        cid = ids.get(rec.contact_uid)
        if cid is None:
            run.skip(rec, f"note skipped: no contact with UID {rec.contact_uid!r}")
            continue
        body = (rec.body or "").strip()
        if not body:
            run.skip(rec, "note skipped: no text")
            continue
        kind = (rec.kind or "general").strip().lower()
        if kind not in NOTE_KINDS:
            run.problem(rec, f"unknown note kind {kind!r}; kept as 'general'")
            kind = "general"
        try:
            created_at = to_store(rec.created_at) if rec.created_at else None
            updated_at = to_store(rec.updated_at) if rec.updated_at else None
        except (OverflowError, ValueError):
            run.skip(rec, "note skipped: date out of range")
            continue
        row = existing.get((cid, body))
        if row is None:
            created = created_at or run.now
            values: dict[str, Any] = {
                "contact": cid,
                "kind": kind,
                "body": body,
                "pinned": bool(rec.pinned),
                "created_at": created,
                "updated_at": updated_at or created,
            }
            new_id = EmpathyNote.insert(values).execute()
            run.created("empathy_note", [new_id])
            existing[(cid, body)] = EmpathyNote(id=new_id, **values)
            run.report.created += 1
            run.touched.add(cid)
            continue
        changes: dict[str, Any] = {}
        if row.kind != kind:
            changes["kind"] = kind
        if bool(row.pinned) != bool(rec.pinned):
            changes["pinned"] = bool(rec.pinned)
        if not changes:
            run.report.unchanged += 1
            continue
        changes["updated_at"] = updated_at or run.now
        run.changing("empathy_note", row.id, partial(image, row))
        EmpathyNote.update(changes).where(EmpathyNote.id == row.id).execute()
        for k, v in changes.items():
            setattr(row, k, v)
        run.report.updated += 1


def apply_relationships(run: Run, records: list[RelationshipRecord]) -> None:
    ids = contact_ids([u for r in records for u in (r.from_uid, r.to_uid)], run.uid_aliases)
    have: set[tuple[int, int, str]] = set()
    for part in chunks(sorted(set(ids.values()))):
        have.update(
            Relationship.select(
                Relationship.from_contact, Relationship.to_contact, Relationship.kind
            )
            .where(Relationship.from_contact.in_(part))
            .tuples()
        )
    for rec in records:
        kind = (rec.kind or "").strip().lower()
        a, b = ids.get(rec.from_uid), ids.get(rec.to_uid)
        if kind not in RELATIONSHIP_KINDS:
            run.skip(rec, f"relationship skipped: unknown kind {rec.kind!r}")
        elif a is None or b is None:
            uid = rec.from_uid if a is None else rec.to_uid
            run.skip(rec, f"relationship skipped: no contact with UID {uid!r}")
        elif a == b:
            run.skip(rec, "relationship skipped: a contact related to itself")
        elif (a, b, kind) in have:
            run.report.unchanged += 1
        else:
            new_id = Relationship.insert(
                from_contact=a, to_contact=b, kind=kind, created_at=run.now
            ).execute()
            run.created("relationship", [new_id])
            have.add((a, b, kind))
            run.report.created += 1


def apply_followups(run: Run, records: list[FollowUpRecord]) -> None:
    ids = contact_ids((r.contact_uid for r in records), run.uid_aliases)
    by_uid: dict[str, FollowUp] = {}
    by_key: dict[tuple[int, str, date, str], FollowUp] = {}
    uids = sorted({r.uid for r in records if r.uid})
    for part in chunks(uids):
        by_uid.update({f.uid: f for f in FollowUp.select().where(FollowUp.uid.in_(part))})
    for part in chunks(sorted(set(ids.values()))):
        for f in FollowUp.select().where(FollowUp.contact.in_(part)):
            by_key.setdefault((f.contact_id, f.kind, f.due, f.reason), f)
    for rec in records:
        cid = ids.get(rec.contact_uid)
        if cid is None:
            run.skip(rec, f"follow-up skipped: no contact with UID {rec.contact_uid!r}")
            continue
        status = (rec.status or "open").strip().lower()
        if status not in _FOLLOWUP_STATUSES:
            run.skip(rec, f"follow-up skipped: unknown status {rec.status!r}")
            continue
        if not isinstance(rec.due, date):
            run.skip(rec, "follow-up skipped: no due date")
            continue
        due = rec.due.date() if isinstance(rec.due, datetime) else rec.due
        values: dict[str, Any] = {
            "contact": cid,
            "due": due,
            "reason": (rec.reason or "").strip(),
            "kind": (rec.kind or "manual").strip(),
            "origin": (rec.origin or "manual").strip(),
            "status": status,
        }
        key = (cid, values["kind"], due, values["reason"])
        row = by_uid.get(rec.uid) if rec.uid else None
        row = row or by_key.get(key)
        # An open suggestion of a strategy is the engine's: the recompute after this batch
        # may replace it. Whether it stayed is settled then (settle_suggested).
        suggested = status == "open" and values["origin"] != "manual"
        if row is None:
            new = {
                **values,
                "uid": rec.uid or "",
                "created_at": run.now,
                # A backup's own details; a VTODO carries none of them.
                "priority": rec.priority if isinstance(rec.priority, int) else 50,
                "snoozed_until": rec.snoozed_until,
                "done_at": _closed_at(run, rec, status),
            }
            new_id = FollowUp.insert(new).execute()
            run.created("follow_up", [new_id])
            by_key[key] = FollowUp(id=new_id, **new)
            if rec.uid:
                by_uid[rec.uid] = by_key[key]
            run.report.created += 1
            run.touched.add(cid)
            if suggested:
                run.suggested.append((new_id, values, rec, "created"))
            continue
        changes = _followup_changes(row, values)
        # The engine may have made this row moments ago, from contacts this same import
        # created (a restore into an empty store): for the report it is new, not changed.
        counted = "created" if row.created_at and row.created_at >= run.started else "updated"
        if not changes:
            if counted == "created":
                run.report.created += 1
            else:
                run.report.unchanged += 1
            continue
        if "status" in changes:
            changes["done_at"] = _closed_at(run, rec, status)
        if changes.get("status") == "snoozed" and rec.snoozed_until:
            changes["snoozed_until"] = rec.snoozed_until
        run.changing("follow_up", row.id, partial(image, row))
        FollowUp.update(changes).where(FollowUp.id == row.id).execute()
        setattr(run.report, counted, getattr(run.report, counted) + 1)
        run.touched.update({cid, row.contact_id})
        if suggested:
            run.suggested.append((row.id, values, rec, counted))


def _closed_at(run: Run, rec: FollowUpRecord, status: str) -> Any:
    """When a follow-up was closed: the backup's time (done or dismissed), else now for one
    done; an open one has none."""
    if status == "open":
        return None
    if rec.done_at is not None:
        return to_store(rec.done_at)
    return run.now if status == "done" else None


_SUGGESTED = "an open suggestion of the {} strategy, which suggests otherwise from the data here"


def settle_suggested(run: Run) -> None:
    """After a batch's recompute: a strategy's suggestion the engine replaced did not stay,
    so it counts as skipped (with why), not as created or updated."""
    for fid, values, rec, counted in run.suggested:
        row = FollowUp.get_or_none(FollowUp.id == fid)
        if row is not None and not _followup_changes(row, values):
            continue
        setattr(run.report, counted, getattr(run.report, counted) - 1)
        run.skip(rec, f"follow-up skipped: {_SUGGESTED.format(values['origin'])}")
    run.suggested = []


def _followup_changes(row: FollowUp, values: dict[str, Any]) -> dict[str, Any]:
    stored = {
        "contact": row.contact_id,
        "due": row.due,
        "reason": row.reason,
        "kind": row.kind,
        "origin": row.origin,
        "status": row.status,
    }
    return {k: v for k, v in values.items() if not same(k, stored[k], v)}


def apply_tags(run: Run, records: list[TagRecord]) -> None:
    """A backup's tags: created if missing, their cadence set as the backup has it."""
    for rec in records:
        name = (rec.name or "").strip()
        if not name:
            run.skip(rec, "tag skipped: no name")
            continue
        cadence = rec.cadence_days
        if cadence is not None and not 1 <= cadence <= 3650:
            run.skip(rec, f"tag {name!r} skipped: cadence {cadence} is not 1 to 3650 days")
            continue
        row = Tag.get_or_none(fn.LOWER(Tag.name) == name.casefold())
        if row is None:
            row = Tag.create(name=name, cadence_days=cadence)
            run.created("tag", [row.id])
            run.report.created += 1
        elif row.cadence_days == cadence:
            run.report.unchanged += 1
        else:
            run.changing("tag", row.id, partial(image, row))
            Tag.update(cadence_days=cadence).where(Tag.id == row.id).execute()
            members = ContactTag.select(ContactTag.contact).where(ContactTag.tag == row.id)
            run.touched.update(m.contact_id for m in members)  # their cadence moved
            run.report.updated += 1
        run.tag_ids[name.casefold()] = row.id


_INTRO_TIMES = ("asked_at", "made_at", "followed_up_at", "declined_at", "status_at")


def apply_introductions(run: Run, records: list[IntroductionRecord]) -> None:
    """A backup's introductions, matched by the two people and when it was proposed."""
    ids = contact_ids([u for r in records for u in (r.person_uid, r.to_uid)], run.uid_aliases)
    existing: dict[tuple[int, int, Any], Introduction] = {}
    for part in chunks(sorted(set(ids.values()))):
        for row in Introduction.select().where(Introduction.person.in_(part)):
            existing.setdefault((row.person_id, row.to_id, row.created_at), row)
    for rec in records:
        person, to = ids.get(rec.person_uid), ids.get(rec.to_uid)
        if person is None or to is None:
            missing = rec.person_uid if person is None else rec.to_uid
            run.skip(rec, f"introduction skipped: no contact with UID {missing!r}")
            continue
        status = (rec.status or "proposed").strip().lower()
        if status not in INTRO_STATUSES:
            run.skip(rec, f"introduction skipped: unknown status {rec.status!r}")
            continue
        created = to_store(rec.created_at) if rec.created_at else run.now
        values: dict[str, Any] = {"why": (rec.why or "").strip(), "status": status}
        for key in _INTRO_TIMES:
            moment = getattr(rec, key)
            values[key] = to_store(moment) if moment else None
        values["status_at"] = values["status_at"] or created
        row = existing.get((person, to, created))
        if row is None:
            new_id = Introduction.insert(
                person=person, to=to, created_at=created, updated_at=run.now, **values
            ).execute()
            run.created("introduction", [new_id])
            run.report.created += 1
            run.touched.update({person, to})
            continue
        changes = {k: v for k, v in values.items() if not same(k, getattr(row, k), v)}
        if not changes:
            run.report.unchanged += 1
            continue
        run.changing("introduction", row.id, partial(image, row))
        Introduction.update(**changes, updated_at=run.now).where(
            Introduction.id == row.id
        ).execute()
        run.report.updated += 1
        run.touched.update({person, to})


def apply_captures(run: Run, records: list[CaptureRecord]) -> None:
    """A backup's captures, matched by event and person (one capture per pair)."""
    ids = contact_ids((r.contact_uid for r in records), run.uid_aliases)
    events: dict[tuple[str, str], int] = {}
    for part in chunks(sorted({r.event_uid for r in records if r.event_uid})):
        for eid, uid, rid in (
            Event.select(Event.id, Event.uid, Event.recurrence_id)
            .where(Event.uid.in_(part))
            .tuples()
        ):
            events[(uid, rid)] = eid
    for rec in records:
        cid = ids.get(rec.contact_uid)
        eid = events.get((rec.event_uid, rec.event_recurrence_id or ""))
        if cid is None or eid is None:
            what = f"contact {rec.contact_uid!r}" if cid is None else f"event {rec.event_uid!r}"
            run.skip(rec, f"capture skipped: no {what}")
            continue
        values: dict[str, Any] = {"phrase": (rec.phrase or "").strip()}
        if rec.captured_at:
            values["captured_at"] = to_store(rec.captured_at)
        row = Capture.get_or_none((Capture.event == eid) & (Capture.contact == cid))
        if row is None:
            new_id = Capture.insert(event=eid, contact=cid, **values).execute()
            run.created("capture", [new_id])
            run.report.created += 1
            run.touched.add(cid)
            continue
        changes = {k: v for k, v in values.items() if not same(k, getattr(row, k), v)}
        if not changes:
            run.report.unchanged += 1
            continue
        run.changing("capture", row.id, partial(image, row))
        Capture.update(**changes).where(Capture.id == row.id).execute()
        run.report.updated += 1
        run.touched.add(cid)
