"""The rest, all attached to contacts named by UID: empathy notes (matched by contact and
body), relationships (by from, to and kind) and follow-ups (by UID, then by contact, kind,
due date and reason)."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Any

from kinship.dates import to_store
from kinship.records import (
    NOTE_KINDS,
    RELATIONSHIP_KINDS,
    FollowUpRecord,
    NoteRecord,
    RelationshipRecord,
)
from kinship.services.importing.common import chunks, contact_ids, same
from kinship.services.importing.journal import image
from kinship.services.importing.run import Run
from kinship.store.models import EmpathyNote, FollowUp, Relationship

_FOLLOWUP_STATUSES = ("open", "done", "snoozed", "dismissed")


def apply_notes(run: Run, records: list[NoteRecord]) -> None:
    ids = contact_ids(r.contact_uid for r in records)
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
    ids = contact_ids(u for r in records for u in (r.from_uid, r.to_uid))
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
    ids = contact_ids(r.contact_uid for r in records)
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
        if row is None:
            new = {
                **values,
                "uid": rec.uid or "",
                "created_at": run.now,
                "done_at": run.now if status == "done" else None,
            }
            new_id = FollowUp.insert(new).execute()
            run.created("follow_up", [new_id])
            by_key[key] = FollowUp(id=new_id, **new)
            if rec.uid:
                by_uid[rec.uid] = by_key[key]
            run.report.created += 1
            run.touched.add(cid)
            continue
        stored = {
            "contact": row.contact_id,
            "due": row.due,
            "reason": row.reason,
            "kind": row.kind,
            "origin": row.origin,
            "status": row.status,
        }
        changes = {k: v for k, v in values.items() if not same(k, stored[k], v)}
        if not changes:
            run.report.unchanged += 1
            continue
        if changes.get("status") == "done":
            changes["done_at"] = run.now
        run.changing("follow_up", row.id, partial(image, row))
        FollowUp.update(changes).where(FollowUp.id == row.id).execute()
        run.report.updated += 1
        run.touched.update({cid, row.contact_id})
