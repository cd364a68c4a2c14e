"""Interactions: match by UID (or one derived from when, kind, summary and people), link
their participants and event, and keep each participant's ``last_interaction_at``."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from peewee import fn

from kinship.dates import to_store
from kinship.records import INTERACTION_KINDS, InteractionRecord
from kinship.services.importing.common import (
    as_datetime,
    chunks,
    contact_ids,
    derived_uid,
    insert_many,
    same,
)
from kinship.services.importing.journal import image
from kinship.services.importing.run import Run
from kinship.store.models import Contact, Event, Interaction, Participant


def apply_interactions(run: Run, records: list[InteractionRecord]) -> None:
    people = contact_ids((u for r in records for u in r.participants), run.uid_aliases)
    event_ids: dict[str, int] = {}
    for part in chunks(sorted({r.event_uid for r in records if r.event_uid})):
        event_ids.update(  # the series, not one of its edited occurrences
            Event.select(Event.uid, Event.id)
            .where(Event.uid.in_(part) & (Event.recurrence_id == ""))
            .tuples()
        )
    uids = [
        r.uid
        or derived_uid(
            "interaction", str(r.occurred_at), r.kind, r.summary, *sorted(r.participants)
        )
        for r in records
    ]
    existing: dict[str, Interaction] = {}
    for part in chunks(sorted(set(uids))):
        existing.update({i.uid: i for i in Interaction.select().where(Interaction.uid.in_(part))})
    links: dict[int, set[int]] = {}
    for part in chunks([i.id for i in existing.values()]):
        for iid, cid in (
            Participant.select(Participant.interaction, Participant.contact)
            .where(Participant.interaction.in_(part))
            .tuples()
        ):
            links.setdefault(iid, set()).add(cid)
    new_rows: list[dict[str, Any]] = []
    new_people: list[tuple[str, set[int]]] = []
    affected: set[int] = set()
    for rec, uid in zip(records, uids, strict=True):
        kind = (rec.kind or "").strip().lower()
        summary = (rec.summary or "").strip()
        if kind not in INTERACTION_KINDS:
            run.skip(rec, f"interaction skipped: unknown kind {rec.kind!r}")
            continue
        if not summary:
            run.skip(rec, "interaction skipped: no summary")
            continue
        if not isinstance(rec.occurred_at, datetime):
            run.skip(rec, "interaction skipped: no date and time")
            continue
        try:
            occurred_at = to_store(rec.occurred_at)
        except (OverflowError, ValueError):
            run.skip(rec, f"interaction {summary!r} skipped: date out of range")
            continue
        who = {people[u] for u in rec.participants if u in people}
        missing = [u for u in rec.participants if u not in people]
        if not who:
            run.skip(rec, f"interaction {summary!r} skipped: none of its people is in kinship")
            continue
        if missing:
            run.problem(
                rec,
                f"interaction {summary!r}: {len(missing)} of its people "
                "not found (UID " + ", ".join(missing[:3]) + ")",
            )
        event_id = event_ids.get(rec.event_uid) if rec.event_uid else None
        if rec.event_uid and event_id is None:
            run.problem(
                rec, f"interaction {summary!r}: event {rec.event_uid!r} not found; not linked"
            )
        values: dict[str, Any] = {
            "occurred_at": occurred_at,
            "kind": kind,
            "summary": summary,
            "notes": (rec.notes or "").strip(),
            "event": event_id,
        }
        row = existing.get(uid)
        if row is None:
            if any(u == uid for u, _ in new_people):
                run.report.unchanged += 1  # listed twice in the file
                continue
            values.update(uid=uid, source=run.source(rec), created_at=run.now)
            new_rows.append(values)
            new_people.append((uid, who))
            affected |= who
            run.report.created += 1
            continue
        stored = {
            "occurred_at": row.occurred_at,
            "kind": row.kind,
            "summary": row.summary,
            "notes": row.notes,
            "event": row.event_id,
        }
        changes = {k: v for k, v in values.items() if not same(k, stored[k], v)}
        add = who - links.get(row.id, set())
        if not changes and not add:
            run.report.unchanged += 1
            continue
        run.changing(
            "interaction",
            row.id,
            partial(image, row, participants=sorted(links.get(row.id, ()))),
        )
        if changes:
            Interaction.update(changes).where(Interaction.id == row.id).execute()
        if add:
            insert_many(
                Participant,
                [{"interaction": row.id, "contact": cid} for cid in sorted(add)],
                ignore=True,
            )
        affected |= who | links.get(row.id, set())
        run.report.updated += 1
    if new_rows:
        insert_many(Interaction, new_rows)
        ids: dict[str, int] = {}
        for part in chunks([uid for uid, _ in new_people]):
            ids.update(
                Interaction.select(Interaction.uid, Interaction.id)
                .where(Interaction.uid.in_(part))
                .tuples()
            )
        insert_many(
            Participant,
            [
                {"interaction": ids[uid], "contact": cid}
                for uid, who in new_people
                for cid in sorted(who)
            ],
            ignore=True,
        )
        run.created("interaction", [ids[uid] for uid, _ in new_people])
        run.new_interactions += [ids[uid] for uid, _ in new_people]
    if affected:
        _bump_last(run, sorted(affected))


def _bump_last(run: Run, contact_ids: list[int]) -> None:
    refresh_last_interaction(contact_ids)
    run.touched.update(contact_ids)


def refresh_last_interaction(contact_ids: list[int]) -> None:
    """Set ``last_interaction_at`` of these contacts from their interactions."""
    for part in chunks(contact_ids):
        latest = dict(
            Participant.select(Participant.contact, fn.MAX(Interaction.occurred_at))
            .join(Interaction)
            .where(Participant.contact.in_(part))
            .group_by(Participant.contact)
            .tuples()
        )
        stored = dict(
            Contact.select(Contact.id, Contact.last_interaction_at)
            .where(Contact.id.in_(part))
            .tuples()
        )
        for cid in part:
            last = as_datetime(latest.get(cid))
            if cid in stored and not same("last_interaction_at", stored.get(cid), last):
                Contact.update(last_interaction_at=last).where(Contact.id == cid).execute()
