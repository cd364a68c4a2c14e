"""Contacts: clean each card, match it (UID, then email, then phone), create or merge.

Merging never clears a stored value with an empty one, replaces a kind of field (emails,
phones, …) only when the file lists that kind, only adds tags, keeps a birthday's year
against a year-less one, and keeps what the user edited in kinship (``Contact.edited``),
saying so in the report.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from functools import partial
from typing import Any

from peewee import fn

from kinship.errors import KinshipError
from kinship.records import CONTACT_FIELD_KINDS, ContactRecord
from kinship.services.contacts import (
    EDITABLE,
    normalize,
    validate_cadence,
    validate_field,
    validate_name,
    validate_tag,
)
from kinship.services.convert import stored_json
from kinship.services.importing.common import chunks, insert_many, jsonable, less_precise, same
from kinship.services.importing.journal import image
from kinship.services.importing.run import Run
from kinship.store.models import Contact, ContactField, ContactTag, Tag

#: Scalar contact attributes compared and merged (edited-field names match these).
_SCALARS = (*EDITABLE, "archived")


@dataclass
class Incoming:
    """A contact record, cleaned and validated, ready to match and write."""

    record: ContactRecord
    values: dict[str, Any]
    #: kind → [(value, normalized, label, preferred)]
    fields: dict[str, list[tuple[str, str, str, bool]]]
    tags: list[str]
    extra: dict[str, Any]
    uid: str


def apply_contacts(run: Run, records: list[ContactRecord]) -> None:
    """Create the contacts no stored one matches, merge the others into theirs."""
    incoming = [c for c in (_clean(run, r) for r in records) if c is not None]
    if not incoming:
        return
    by_uid, by_email, by_phone = _lookup(incoming)
    pending: list[Incoming] = []
    pending_keys: set[tuple[str, str]] = set()
    matched: list[tuple[Incoming, int]] = []

    def keys(c: Incoming) -> set[tuple[str, str]]:
        out = {("uid", c.uid)} if c.uid else set()
        out |= {(k, n) for k in ("email", "phone") for (_, n, _, _) in c.fields.get(k, [])}
        return out

    def flush() -> None:
        created = create_contacts(run, pending)
        for c, cid in zip(pending, created, strict=True):
            by_uid[c.uid] = cid
            for k, target in (("email", by_email), ("phone", by_phone)):
                for _, n, _, _ in c.fields.get(k, []):
                    target.setdefault(n, cid)
        pending.clear()
        pending_keys.clear()

    for c in incoming:
        ks = keys(c)
        if ks & pending_keys:
            # The file names the same person twice: make the first one real, then match.
            flush()
        cid = by_uid.get(c.uid) if c.uid else None
        if cid is None:
            for _, n, _, _ in c.fields.get("email", []):
                if n in by_email:
                    cid = by_email[n]
                    break
        if cid is None:
            for _, n, _, _ in c.fields.get("phone", []):
                if n in by_phone:
                    cid = by_phone[n]
                    break
        if cid is None:
            if not c.uid:
                c.uid = str(uuid.uuid4())
            pending.append(c)
            pending_keys.update(keys(c))
        else:
            if c.uid and c.uid not in by_uid:
                run.uid_aliases[c.uid] = cid
            matched.append((c, cid))
    if matched:
        _update_contacts(run, matched)
    if pending:
        flush()


def _clean(run: Run, rec: ContactRecord) -> Incoming | None:
    try:
        name = validate_name(rec.display_name or "")
    except KinshipError as exc:
        run.skip(rec, f"contact skipped: {exc}")
        return None
    values: dict[str, Any] = {"display_name": name}
    for key in ("given_name", "family_name", "nickname", "organization", "title", "strategy"):
        values[key] = (getattr(rec, key) or "").strip()
    values["met_how"] = (rec.met_how or "").strip()
    values["notes"] = (rec.notes or "").strip()
    values["birthday"] = str(rec.birthday) if rec.birthday else None
    values["anniversary"] = str(rec.anniversary) if rec.anniversary else None
    values["met_on"] = rec.met_on
    values["archived"] = bool(rec.archived)
    # What a backup carries beyond a card: the snooze, and which fields the user edited
    # (so their edits keep winning after a restore). Names kinship does not know are dropped.
    values["snoozed_until"] = rec.snoozed_until
    values["edited"] = sorted(
        {e for e in rec.edited if e in _SCALARS or e[:-1] in CONTACT_FIELD_KINDS}
    )
    try:
        values["cadence_days"] = validate_cadence(rec.cadence_days)
    except (KinshipError, ValueError, TypeError) as exc:
        run.problem(rec, f"cadence of {name} ignored: {exc}")
        values["cadence_days"] = None
    fields: dict[str, list[tuple[str, str, str, bool]]] = {}
    seen: set[tuple[str, str]] = set()
    for f in rec.fields:
        kind = f.kind if f.kind in CONTACT_FIELD_KINDS else "custom"
        try:
            value = (
                validate_field(kind, f.value)
                if kind in ("email", "phone")
                else (f.value or "").strip()
            )
        except KinshipError as exc:
            run.problem(rec, f"{kind} of {name} not kept: {exc}")
            continue
        if not value:
            continue
        norm = normalize(kind, value)
        if (kind, norm) in seen:
            continue
        seen.add((kind, norm))
        fields.setdefault(kind, []).append(
            (value, norm, (f.label or "").strip(), bool(f.preferred))
        )
    tags: list[str] = []
    for raw in rec.tags:
        try:
            t = validate_tag(raw)
        except KinshipError as exc:
            run.problem(rec, f"tag of {name} not kept: {exc}")
            continue
        if t.casefold() not in {x.casefold() for x in tags}:
            tags.append(t)
    extra = dict(rec.extra) if isinstance(rec.extra, dict) else {}
    uid = (rec.uid or "").strip()
    return Incoming(rec, values, fields, tags, extra, uid)


def _lookup(incoming: list[Incoming]) -> tuple[dict[str, int], ...]:
    """Stored contact ids by UID, by normalised email and by normalised phone."""
    uids = [c.uid for c in incoming if c.uid]
    emails = [n for c in incoming for (_, n, _, _) in c.fields.get("email", [])]
    phones = [n for c in incoming for (_, n, _, _) in c.fields.get("phone", [])]
    by_uid: dict[str, int] = {}
    by_email: dict[str, int] = {}
    by_phone: dict[str, int] = {}
    for part in chunks(uids):
        by_uid.update(Contact.select(Contact.uid, Contact.id).where(Contact.uid.in_(part)).tuples())
    for kind, wanted, out in (("email", emails, by_email), ("phone", phones, by_phone)):
        for part in chunks(sorted(set(wanted))):
            rows = (
                ContactField.select(ContactField.normalized, ContactField.contact)
                .where((ContactField.kind == kind) & ContactField.normalized.in_(part))
                .order_by(ContactField.contact)
                .tuples()
            )
            for norm, cid in rows:
                out.setdefault(norm, cid)
    return by_uid, by_email, by_phone


def create_contacts(run: Run, items: list[Incoming]) -> list[int]:
    """Insert new contacts with their fields and tags; their ids, in the same order."""
    if not items:
        return []
    rows = []
    for c in items:
        v = c.values
        rows.append(
            {
                "uid": c.uid,
                "display_name": v["display_name"],
                "sort_name": v["display_name"].casefold(),
                "given_name": v["given_name"],
                "family_name": v["family_name"],
                "nickname": v["nickname"],
                "organization": v["organization"],
                "title": v["title"],
                "birthday": v["birthday"],
                "anniversary": v["anniversary"],
                "met_how": v["met_how"],
                "met_on": v["met_on"],
                "cadence_days": v["cadence_days"],
                "strategy": v["strategy"],
                "archived": v["archived"],
                "notes": v["notes"],
                "source": run.source(c.record),
                "extra": json.dumps(c.extra, sort_keys=True, default=str) if c.extra else "",
                "snoozed_until": v.get("snoozed_until"),
                "edited": json.dumps(v["edited"]) if v.get("edited") else "",
                "created_at": run.now,
                "updated_at": run.now,
                "version": 1,
            }
        )
    insert_many(Contact, rows)
    ids: dict[str, int] = {}
    for part in chunks([c.uid for c in items]):
        ids.update(Contact.select(Contact.uid, Contact.id).where(Contact.uid.in_(part)).tuples())
    out = [ids[c.uid] for c in items]
    run.created("contact", out)
    field_rows = []
    tag_rows = []
    for c, cid in zip(items, out, strict=True):
        for kind, values in c.fields.items():
            field_rows += _field_rows(cid, kind, values)
        tag_rows += [{"contact": cid, "tag": _tag_id(run, t)} for t in c.tags]
    insert_many(ContactField, field_rows)
    insert_many(ContactTag, tag_rows, ignore=True)
    run.report.created += len(items)
    run.touched.update(out)
    return out


def _update_contacts(run: Run, matched: list[tuple[Incoming, int]]) -> None:
    ids = sorted({cid for _, cid in matched})
    rows: dict[int, Contact] = {}
    fields: dict[int, list[ContactField]] = {cid: [] for cid in ids}
    tags: dict[int, dict[str, int]] = {cid: {} for cid in ids}
    for part in chunks(ids):
        rows.update({c.id: c for c in Contact.select().where(Contact.id.in_(part))})
        for f in (
            ContactField.select()
            .where(ContactField.contact.in_(part))
            .order_by(ContactField.contact, ContactField.kind, ContactField.position)
        ):
            fields[f.contact_id].append(f)
        for cid, tag_id, name in (
            ContactTag.select(ContactTag.contact, Tag.id, Tag.name)
            .join(Tag)
            .where(ContactTag.contact.in_(part))
            .tuples()
        ):
            tags[cid][name.casefold()] = tag_id
    for c, cid in matched:
        _merge(run, c, rows[cid], fields[cid], tags[cid])


def _merge(
    run: Run,
    c: Incoming,
    row: Contact,
    stored_fields: list[ContactField],
    stored_tags: dict[str, int],
) -> None:
    """Merge ``c`` into the stored ``row`` (``stored_tags``: tag id by case-folded name)."""
    edited = set(stored_json("contact.edited", row.edited, list))
    name = row.display_name
    changes: dict[str, Any] = {}
    kept: list[str] = []
    for key in _SCALARS:
        new = c.values[key]
        if new in (None, "", False):
            continue  # an empty incoming value never clears a stored one
        old = getattr(row, key)
        if same(key, old, new):
            continue
        if key in ("birthday", "anniversary") and less_precise(new, old):
            continue
        if key in edited:
            kept.append(key.replace("_", " "))
            continue
        changes[key] = new
    field_changes: dict[str, list[tuple[str, str, str, bool]]] = {}
    for kind, values in c.fields.items():
        old_set = {
            (f.normalized, f.label, bool(f.preferred)) for f in stored_fields if f.kind == kind
        }
        new_set = {(n, label, pref) for (_, n, label, pref) in values}
        if old_set == new_set:
            continue
        if f"{kind}s" in edited:
            kept.append(f"{kind}s")
            continue
        field_changes[kind] = values
    snooze = c.values["snoozed_until"]
    if snooze is not None and not same("snoozed_until", row.snoozed_until, snooze):
        changes["snoozed_until"] = snooze
    if not edited.issuperset(c.values["edited"]):  # markers are added, never removed
        changes["edited"] = json.dumps(sorted(edited | set(c.values["edited"])))
    new_tags = [t for t in c.tags if t.casefold() not in stored_tags]
    old_extra = stored_json("contact.extra", row.extra, dict)
    merged_extra = {**old_extra, **c.extra}
    extra_changed = jsonable(merged_extra) != jsonable(old_extra)
    for what in kept:
        run.problem(c.record, f"kept your edit of {what} for {name}")
    if not (changes or field_changes or new_tags or extra_changed):
        run.report.unchanged += 1
        return
    update: dict[Any, Any] = dict(changes)
    if "display_name" in changes:
        update["sort_name"] = changes["display_name"].casefold()
    if extra_changed:
        update["extra"] = json.dumps(merged_extra, sort_keys=True, default=str)
    update["updated_at"] = run.now
    update["version"] = Contact.version + 1
    run.changing(
        "contact",
        row.id,
        partial(
            image,
            row,
            fields=[dict(f.__data__) for f in stored_fields],
            tags=sorted(stored_tags.values()),
        ),
    )
    Contact.update(update).where(Contact.id == row.id).execute()
    for kind, values in field_changes.items():
        ContactField.delete().where(
            (ContactField.contact == row.id) & (ContactField.kind == kind)
        ).execute()
        insert_many(ContactField, _field_rows(row.id, kind, values))
    if new_tags:
        insert_many(
            ContactTag,
            [{"contact": row.id, "tag": _tag_id(run, t)} for t in new_tags],
            ignore=True,
        )
    run.report.updated += 1
    run.touched.add(row.id)


def _tag_id(run: Run, name: str) -> int:
    key = name.casefold()
    if key not in run.tag_ids:
        row = Tag.get_or_none(fn.LOWER(Tag.name) == key)
        if row is None:
            row = Tag.create(name=name)
            run.created("tag", [row.id])
        run.tag_ids[key] = row.id
    return run.tag_ids[key]


def _field_rows(
    cid: int, kind: str, values: list[tuple[str, str, str, bool]]
) -> list[dict[str, Any]]:
    return [
        {
            "contact": cid,
            "kind": kind,
            "label": label,
            "value": value,
            "normalized": norm[:255],
            "preferred": pref,
            "position": i,
        }
        for i, (value, norm, label, pref) in enumerate(values)
    ]
