"""Importing records into the store: idempotent, transactional, streaming (DESIGN §6).

:func:`import_path` reads one file (or vdir folder) with an importer plugin and applies what
it yields:

- **One transaction per file.** A fatal :class:`ImportProblem` or any unexpected error rolls
  the whole file back: the store is as it was. A problem with one item skips that item only.
- **Idempotent.** Each incoming record is compared with the stored one, field by field after
  normalisation; an item that would change nothing is counted *unchanged* and not written, so
  importing the same file twice leaves every ``updated_at`` and ``version`` as it was.
- **Matching** of contacts is by UID, then normalised email, then normalised phone. Events
  and interactions match by UID, follow-ups by UID then (contact, kind, due, reason), notes by
  (contact, body), relationships by (from, to, kind).
- **Merging.** An empty incoming value never clears a stored one (most vCards carry none of
  kinship's own fields); a non-empty one replaces it. A kind of field (emails, phones, …) the
  file lists replaces that kind; tags are added, never removed. A year-less birthday does not
  replace the same birthday with a year.
- **Your edits win.** Fields changed in kinship (``Contact.edited``) are not overwritten; the
  report says "kept your edit of <field> for <name>".
- **Streaming.** Records are applied in batches of :data:`BATCH` with bulk queries and
  ``insert_many``, so 10k+ cards never sit in memory at once; the search index and due dates
  of touched contacts are refreshed per batch, in the same transaction.
- **Birthday calendars.** A yearly all-day ``birthday``/``anniversary`` event (Google's
  birthday calendar, khal's, our own iCal export) sets that date on the contact it names
  (by ``contact_uids``, else by display name) when the contact has none, instead of being
  stored as an event. The JSON backup stores such events as events (it is lossless).

``dry_run`` does all of the work inside the transaction and rolls it back, so the report is
exactly what a real import would say.
"""

from __future__ import annotations

import json
import os
import re
import time as _time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

from peewee import fn

from kinship.dates import to_store
from kinship.errors import KinshipError
from kinship.records import (
    CONTACT_FIELD_KINDS,
    EVENT_KINDS,
    INTERACTION_KINDS,
    NOTE_KINDS,
    RELATIONSHIP_KINDS,
    ContactRecord,
    EventRecord,
    FollowUpRecord,
    Importer,
    ImportProblem,
    InteractionRecord,
    NoteRecord,
    PartialDate,
    Record,
    RelationshipRecord,
    TagRecord,
)
from kinship.services import _notify, inputs
from kinship.services.contacts import (
    EDITABLE,
    normalize,
    validate_cadence,
    validate_field,
    validate_name,
    validate_tag,
)
from kinship.services.due import refresh_due
from kinship.store import current, search
from kinship.store.db import explain
from kinship.store.models import (
    Contact,
    ContactField,
    ContactTag,
    EmpathyNote,
    Event,
    EventPerson,
    FollowUp,
    Interaction,
    Participant,
    Relationship,
    Tag,
    utcnow,
)

__all__ = ["BATCH", "ImportReport", "Progress", "import_path"]

#: Records applied per batch (one set of bulk queries per batch).
BATCH = 500
#: Progress callback: ``progress(done_items, total_or_None)``.
Progress = Callable[[int, "int | None"], None]

_FOLLOWUP_STATUSES = ("open", "done", "snoozed", "dismissed")
#: Year that exported year-less occasions start in (Apple's convention); read as "no year".
_YEARLESS_MAX = 1604
_OCCASION_TITLE = re.compile(r"^(?P<n>.+?)[’'`]s?\s+(?:birthday|anniversary)$", re.IGNORECASE)
_UID_NAMESPACE = uuid.UUID("3f0b7f3e-2d7c-4f43-9a57-6b696e736869")
#: Scalar contact attributes compared and merged (edited-field names match these).
_SCALARS = (*EDITABLE, "archived")
_ORDER = (
    TagRecord,
    ContactRecord,
    EventRecord,
    InteractionRecord,
    NoteRecord,
    RelationshipRecord,
    FollowUpRecord,
)


@dataclass
class ImportReport:
    """What one import did (or, with ``dry_run``, would do)."""

    file: str
    importer: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    #: True when a fatal problem or an error rolled the whole file back.
    failed: bool = False
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def items(self) -> int:
        return self.created + self.updated + self.unchanged + self.skipped

    def summary(self) -> str:
        text = (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.skipped} skipped"
        )
        if self.failed:
            text = "failed, nothing imported"
        return f"{text} (dry run)" if self.dry_run else text

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "importer": self.importer,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "failed": self.failed,
            "problems": [problem_dict(p) for p in self.problems],
        }


def problem_dict(p: ImportProblem) -> dict[str, Any]:
    return {"file": p.file, "line": p.line, "message": p.message}


class _Rollback(Exception):
    """Raised inside the transaction to undo it (dry run, fatal problem)."""


class _Fatal(Exception):
    def __init__(self, problem: ImportProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


# --------------------------------------------------------------------------- entry point


def import_path(
    path: str | Path,
    *,
    importer: Importer,
    dry_run: bool = False,
    progress: Progress | None = None,
    create_unknown_attendees: bool = False,
    max_size: int | None = inputs.DEFAULT_MAX_SIZE,
) -> ImportReport:
    """Import one file or folder with ``importer``; see the module doc for the semantics.
    ``path`` must be a regular file or a folder within ``max_size`` (see services.inputs)."""
    path = Path(path)
    report = ImportReport(file=str(path), importer=importer.name, dry_run=dry_run)
    started = _time.perf_counter()
    run = _Run(
        report,
        importer,
        path,
        create_unknown_attendees=create_unknown_attendees,
        occasions=importer.name != "json",
    )
    store = current()
    try:
        inputs.check(path, suffixes=importer.suffixes, max_size=max_size)
        with store.write():
            run.consume(importer.read(path), progress)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except _Fatal as exc:
        run.fail(exc.problem)
    except KinshipError as exc:
        run.fail(ImportProblem(str(path), f"import failed: {exc}", fatal=True))
    except Exception as exc:
        # A bug in a plugin or a database error: nothing of this file is kept.
        text = " ".join(str(exc).split()) or type(exc).__name__
        special = explain(exc)  # a full disk or a damaged store, said plainly
        message = special or f"({type(exc).__name__}): {text}"
        run.fail(ImportProblem(str(path), f"import failed{':' if special else ''} {message}", True))
    report.seconds = _time.perf_counter() - started
    return report


# --------------------------------------------------------------------------- the run


@dataclass
class _IncomingContact:
    record: ContactRecord
    values: dict[str, Any]
    #: kind → [(value, normalized, label, preferred)]
    fields: dict[str, list[tuple[str, str, str, bool]]]
    tags: list[str]
    extra: dict[str, Any]
    uid: str


class _Run:
    def __init__(
        self,
        report: ImportReport,
        importer: Importer,
        path: Path,
        *,
        create_unknown_attendees: bool,
        occasions: bool,
    ) -> None:
        self.report = report
        self.importer = importer
        self.path = path
        self.create_unknown_attendees = create_unknown_attendees
        self.occasions = occasions
        self.done = 0
        self.tag_ids: dict[str, int] = {}
        self.touched: set[int] = set()
        #: Open strategy suggestions written in this batch: (id, values, record, counted as).
        self.suggested: list[tuple[int, dict[str, Any], FollowUpRecord, str]] = []
        self.notify: set[int] = set()
        self.new_interactions: list[int] = []
        self.now = utcnow()
        # Importer problems wait to see whether a record for the same item follows.
        self._pending: tuple[str, int | None] | None = None
        self._pending_skips = False

    # -- bookkeeping ------------------------------------------------------------------

    def _here(self, record: Any) -> str | None:
        """The record's file when it is this file or one inside this folder, else None (a
        backup keeps each record's original source, which is not where it is read from)."""
        return self._inside(getattr(record, "source", "") or "")

    def _inside(self, src: str) -> str | None:
        base = str(self.path)
        if src and (src == base or src.startswith(base.rstrip(os.sep) + os.sep)):
            return src
        return None

    def where(self, record: Any) -> str:
        return self._here(record) or str(self.path)

    def problem(self, record: Any, message: str) -> None:
        self.report.problems.append(
            ImportProblem(self.where(record), message, getattr(record, "line", None))
        )

    def skip(self, record: Any, message: str) -> None:
        self.report.skipped += 1
        self.problem(record, message)

    def fail(self, problem: ImportProblem) -> None:
        r = self.report
        r.created = r.updated = r.unchanged = r.skipped = 0
        r.failed = True
        problem.fatal = True
        r.problems.append(problem)

    def _settle_pending(self, key: tuple[str, int | None] | None) -> None:
        """Close the pending importer problem unless ``key`` is the item it belongs to.

        An importer problem that says "skipped" with no record for the same file and line
        after it stands for a skipped item; one followed by its record was only a warning.
        """
        if self._pending is None or self._pending == key:
            return
        if self._pending_skips:
            self.report.skipped += 1
        self._pending, self._pending_skips = None, False

    # -- the stream -------------------------------------------------------------------

    def _guarded(self, items: Iterable[Record | ImportProblem]) -> Iterator[Record | ImportProblem]:
        """The importer's items; an exception in the plugin becomes a fatal problem."""
        it = iter(items)
        while True:
            try:
                item = next(it)
            except StopIteration:
                return
            except Exception as exc:
                text = " ".join(str(exc).split()) or type(exc).__name__
                raise _Fatal(
                    ImportProblem(
                        str(self.path),
                        f"importer {self.importer.name!r} failed: {type(exc).__name__}: {text}",
                        fatal=True,
                    )
                ) from exc
            yield item

    def consume(self, items: Iterable[Record | ImportProblem], progress: Progress | None) -> None:
        batch: list[Record] = []
        for item in self._guarded(items):
            if isinstance(item, ImportProblem):
                if item.fatal:
                    raise _Fatal(item)
                key = (self._inside(item.file) or str(self.path), item.line)
                self._settle_pending(key)
                self.report.problems.append(item)
                self._pending = key
                self._pending_skips = self._pending_skips or "skipped" in item.message
                continue
            self._settle_pending((self.where(item), getattr(item, "line", None)))
            self._pending, self._pending_skips = None, False
            batch.append(item)
            if len(batch) >= BATCH:
                self.apply(batch)
                batch = []
                if progress:
                    progress(self.done, None)
        self._settle_pending(None)
        if batch:
            self.apply(batch)
        self.finish()
        if progress:
            progress(self.done, self.done)

    def apply(self, batch: list[Record]) -> None:
        groups: dict[type, list[Any]] = {}
        for item in batch:
            groups.setdefault(type(item), []).append(item)
        for kind in _ORDER:
            items = groups.pop(kind, None)
            if items:
                getattr(self, "_apply_" + kind.__name__)(items)
        for items in groups.values():  # records of a type kinship does not know
            for item in items:
                self.skip(item, f"{type(item).__name__} is not something kinship imports")
        self.done += len(batch)
        if self.touched:
            search.reindex(self.touched)
            refresh_due(self.touched)
            self.notify |= self.touched
            self.touched = set()
        self._settle_suggested()

    def finish(self) -> None:
        """Queue the after-commit notifications (only when some plugin listens: building a
        record per contact for nobody would double the time of a large import)."""
        if _notify.wants("kinship_contact_changed"):
            for cid in sorted(self.notify):
                _notify.contact_changed(cid)
        if _notify.wants("kinship_interaction_logged"):
            for iid in self.new_interactions:
                _notify.interaction_logged(iid)

    # -- contacts ---------------------------------------------------------------------

    def _clean_contact(self, rec: ContactRecord) -> _IncomingContact | None:
        try:
            name = validate_name(rec.display_name or "")
        except KinshipError as exc:
            self.skip(rec, f"contact skipped: {exc}")
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
        try:
            values["cadence_days"] = validate_cadence(rec.cadence_days)
        except (KinshipError, ValueError, TypeError) as exc:
            self.problem(rec, f"cadence of {name} ignored: {exc}")
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
                self.problem(rec, f"{kind} of {name} not kept: {exc}")
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
                self.problem(rec, f"tag of {name} not kept: {exc}")
                continue
            if t.casefold() not in {x.casefold() for x in tags}:
                tags.append(t)
        extra = dict(rec.extra) if isinstance(rec.extra, dict) else {}
        uid = (rec.uid or "").strip()
        return _IncomingContact(rec, values, fields, tags, extra, uid)

    def _lookup(self, incoming: list[_IncomingContact]) -> tuple[dict[str, int], ...]:
        uids = [c.uid for c in incoming if c.uid]
        emails = [n for c in incoming for (_, n, _, _) in c.fields.get("email", [])]
        phones = [n for c in incoming for (_, n, _, _) in c.fields.get("phone", [])]
        by_uid: dict[str, int] = {}
        by_email: dict[str, int] = {}
        by_phone: dict[str, int] = {}
        for part in _chunks(uids):
            by_uid.update(
                Contact.select(Contact.uid, Contact.id).where(Contact.uid.in_(part)).tuples()
            )
        for kind, wanted, out in (("email", emails, by_email), ("phone", phones, by_phone)):
            for part in _chunks(sorted(set(wanted))):
                rows = (
                    ContactField.select(ContactField.normalized, ContactField.contact)
                    .where((ContactField.kind == kind) & ContactField.normalized.in_(part))
                    .order_by(ContactField.contact)
                    .tuples()
                )
                for norm, cid in rows:
                    out.setdefault(norm, cid)
        return by_uid, by_email, by_phone

    def _apply_ContactRecord(self, records: list[ContactRecord]) -> None:
        incoming = [c for c in (self._clean_contact(r) for r in records) if c is not None]
        if not incoming:
            return
        by_uid, by_email, by_phone = self._lookup(incoming)
        pending: list[_IncomingContact] = []
        pending_keys: set[tuple[str, str]] = set()
        matched: list[tuple[_IncomingContact, int]] = []

        def keys(c: _IncomingContact) -> set[tuple[str, str]]:
            out = {("uid", c.uid)} if c.uid else set()
            out |= {(k, n) for k in ("email", "phone") for (_, n, _, _) in c.fields.get(k, [])}
            return out

        def flush() -> None:
            created = self._create_contacts(pending)
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
                matched.append((c, cid))
        if matched:
            self._update_contacts(matched)
        if pending:
            flush()

    def _apply_TagRecord(self, records: list[TagRecord]) -> None:
        """A backup's tags: created if missing, their cadence set as the backup has it."""
        for rec in records:
            name = (rec.name or "").strip()
            if not name:
                self.skip(rec, "tag skipped: no name")
                continue
            cadence = rec.cadence_days
            if cadence is not None and not 1 <= cadence <= 3650:
                self.skip(rec, f"tag {name!r} skipped: cadence {cadence} is not 1 to 3650 days")
                continue
            row = Tag.get_or_none(fn.LOWER(Tag.name) == name.casefold())
            if row is None:
                row = Tag.create(name=name, cadence_days=cadence)
                self.report.created += 1
            elif row.cadence_days == cadence:
                self.report.unchanged += 1
            else:
                Tag.update(cadence_days=cadence).where(Tag.id == row.id).execute()
                members = ContactTag.select(ContactTag.contact).where(ContactTag.tag == row.id)
                self.touched.update(m.contact_id for m in members)  # their cadence moved
                self.report.updated += 1
            self.tag_ids[name.casefold()] = row.id

    def _tag_id(self, name: str) -> int:
        key = name.casefold()
        if key not in self.tag_ids:
            row = Tag.get_or_none(fn.LOWER(Tag.name) == key)
            if row is None:
                row = Tag.create(name=name)
            self.tag_ids[key] = row.id
        return self.tag_ids[key]

    def _create_contacts(self, items: list[_IncomingContact]) -> list[int]:
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
                    "source": self._source(c.record),
                    "extra": json.dumps(c.extra, sort_keys=True, default=str) if c.extra else "",
                    "edited": "",
                    "created_at": self.now,
                    "updated_at": self.now,
                    "version": 1,
                }
            )
        _insert_many(Contact, rows)
        ids: dict[str, int] = {}
        for part in _chunks([c.uid for c in items]):
            ids.update(
                Contact.select(Contact.uid, Contact.id).where(Contact.uid.in_(part)).tuples()
            )
        out = [ids[c.uid] for c in items]
        field_rows = []
        tag_rows = []
        for c, cid in zip(items, out, strict=True):
            for kind, values in c.fields.items():
                field_rows += _field_rows(cid, kind, values)
            tag_rows += [{"contact": cid, "tag": self._tag_id(t)} for t in c.tags]
        _insert_many(ContactField, field_rows)
        _insert_many(ContactTag, tag_rows, ignore=True)
        self.report.created += len(items)
        self.touched.update(out)
        return out

    def _source(self, rec: Any) -> str:
        """``importer:path`` for what this file brings; a backup's own origin is kept."""
        origin = getattr(rec, "source", "") or ""
        if origin and self._here(rec) is None:
            return str(origin)[:255]
        return f"{self.importer.name}:{self.where(rec)}"[:255]

    def _update_contacts(self, matched: list[tuple[_IncomingContact, int]]) -> None:
        ids = sorted({cid for _, cid in matched})
        rows: dict[int, Contact] = {}
        fields: dict[int, list[ContactField]] = {cid: [] for cid in ids}
        tags: dict[int, set[str]] = {cid: set() for cid in ids}
        for part in _chunks(ids):
            rows.update({c.id: c for c in Contact.select().where(Contact.id.in_(part))})
            for f in (
                ContactField.select()
                .where(ContactField.contact.in_(part))
                .order_by(ContactField.contact, ContactField.kind, ContactField.position)
            ):
                fields[f.contact_id].append(f)
            for cid, name in (
                ContactTag.select(ContactTag.contact, Tag.name)
                .join(Tag)
                .where(ContactTag.contact.in_(part))
                .tuples()
            ):
                tags[cid].add(name.casefold())
        for c, cid in matched:
            self._merge_contact(c, rows[cid], fields[cid], tags[cid])

    def _merge_contact(
        self,
        c: _IncomingContact,
        row: Contact,
        stored_fields: list[ContactField],
        stored_tags: set[str],
    ) -> None:
        edited = set(json.loads(row.edited)) if row.edited else set()
        name = row.display_name
        changes: dict[str, Any] = {}
        kept: list[str] = []
        for key in _SCALARS:
            new = c.values[key]
            if new in (None, "", False):
                continue  # an empty incoming value never clears a stored one
            old = getattr(row, key)
            if _same(key, old, new):
                continue
            if key in ("birthday", "anniversary") and _less_precise(new, old):
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
        new_tags = [t for t in c.tags if t.casefold() not in stored_tags]
        old_extra = json.loads(row.extra) if row.extra else {}
        merged_extra = {**old_extra, **c.extra}
        extra_changed = _jsonable(merged_extra) != _jsonable(old_extra)
        for what in kept:
            self.problem(c.record, f"kept your edit of {what} for {name}")
        if not (changes or field_changes or new_tags or extra_changed):
            self.report.unchanged += 1
            return
        update: dict[Any, Any] = dict(changes)
        if "display_name" in changes:
            update["sort_name"] = changes["display_name"].casefold()
        if extra_changed:
            update["extra"] = json.dumps(merged_extra, sort_keys=True, default=str)
        update["updated_at"] = self.now
        update["version"] = Contact.version + 1
        Contact.update(update).where(Contact.id == row.id).execute()
        for kind, values in field_changes.items():
            ContactField.delete().where(
                (ContactField.contact == row.id) & (ContactField.kind == kind)
            ).execute()
            _insert_many(ContactField, _field_rows(row.id, kind, values))
        if new_tags:
            _insert_many(
                ContactTag,
                [{"contact": row.id, "tag": self._tag_id(t)} for t in new_tags],
                ignore=True,
            )
        self.report.updated += 1
        self.touched.add(row.id)

    # -- events -----------------------------------------------------------------------

    def _apply_EventRecord(self, records: list[EventRecord]) -> None:
        uids = [r.uid or _derived_uid("event", r.summary, str(r.start)) for r in records]
        existing: dict[str, Event] = {}
        for part in _chunks(sorted(set(uids))):
            existing.update({e.uid: e for e in Event.select().where(Event.uid.in_(part))})
        occasions: list[EventRecord] = []
        plain: list[tuple[EventRecord, str]] = []
        for rec, uid in zip(records, uids, strict=True):
            if uid not in existing and self.occasions and _is_occasion(rec):
                occasions.append(rec)
            else:
                plain.append((rec, uid))
        if occasions:
            self._apply_occasions(occasions)
        if not plain:
            return
        people = self._people_for([r for r, _ in plain])
        links: dict[int, set[int]] = {}
        ids = [e.id for e in existing.values()]
        for part in _chunks(ids):
            for eid, cid in (
                EventPerson.select(EventPerson.event, EventPerson.contact)
                .where(EventPerson.event.in_(part))
                .tuples()
            ):
                links.setdefault(eid, set()).add(cid)
        new_rows: list[dict[str, Any]] = []
        new_people: list[tuple[str, set[int]]] = []
        seen_new: set[str] = set()
        for rec, uid in plain:
            values = self._event_values(rec)
            if values is None:
                continue
            who = people.get(id(rec), set())
            row = existing.get(uid)
            if row is None and uid in seen_new:
                self.report.unchanged += 1  # the file lists the same event twice
                continue
            if row is None:
                values.update(
                    uid=uid, source=self._source(rec), created_at=self.now, updated_at=self.now
                )
                new_rows.append(values)
                new_people.append((uid, who))
                seen_new.add(uid)
                self.report.created += 1
                continue
            stored = {k: getattr(row, k) for k in values}
            stored["end"] = _one_day_end(stored["start"], stored["end"], stored["all_day"])
            changes = {k: v for k, v in values.items() if not _same(k, stored[k], v)}
            missing = who - links.get(row.id, set())
            if not changes and not missing:
                self.report.unchanged += 1
                continue
            if changes:
                changes["updated_at"] = self.now
                Event.update(changes).where(Event.id == row.id).execute()
            if missing:
                _insert_many(
                    EventPerson,
                    [{"event": row.id, "contact": cid} for cid in sorted(missing)],
                    ignore=True,
                )
            self.report.updated += 1
        if new_rows:
            _insert_many(Event, new_rows)
            event_ids: dict[str, int] = {}
            for part in _chunks([uid for uid, _ in new_people]):
                event_ids.update(
                    Event.select(Event.uid, Event.id).where(Event.uid.in_(part)).tuples()
                )
            _insert_many(
                EventPerson,
                [
                    {"event": event_ids[uid], "contact": cid}
                    for uid, who in new_people
                    for cid in sorted(who)
                ],
                ignore=True,
            )

    def _event_values(self, rec: EventRecord) -> dict[str, Any] | None:
        try:
            start, all_day = _event_time(rec.start)
            end = _event_time(rec.end)[0] if rec.end is not None else None
        except (TypeError, ValueError, OverflowError) as exc:
            self.skip(rec, f"event skipped: bad date ({exc})")
            return None
        if end is not None and end < start:
            self.problem(rec, f"event {rec.summary!r} ends before it starts; end dropped")
            end = None
        end = _one_day_end(start, end, all_day)
        kind = (rec.kind or "event").strip().lower()
        if kind not in EVENT_KINDS:
            self.problem(rec, f"unknown event kind {kind!r}; stored as 'event'")
            kind = "event"
        return {
            "summary": (rec.summary or "").strip() or "(no title)",
            "kind": kind,
            "start": start,
            "end": end,
            "all_day": bool(rec.all_day or all_day),
            "timezone": rec.timezone or "",
            "vtimezone": rec.vtimezone or "",
            "location": (rec.location or "").strip(),
            "description": (rec.description or "").strip(),
            "rrule": (rec.rrule or "").removeprefix("RRULE:").strip(),
            "rdates": _iso_list(rec.rdates),
            "exdates": _iso_list(rec.exdates),
        }

    def _people_for(self, records: list[EventRecord]) -> dict[int, set[int]]:
        """Contact ids per event record: by ``contact_uids``, then attendees by email."""
        uids = sorted({u for r in records for u in r.contact_uids if u})
        emails = sorted({normalize("email", a) for r in records for a in r.attendees if a})
        by_uid: dict[str, int] = {}
        by_email: dict[str, int] = {}
        for part in _chunks(uids):
            by_uid.update(
                Contact.select(Contact.uid, Contact.id).where(Contact.uid.in_(part)).tuples()
            )
        for part in _chunks(emails):
            for norm, cid in (
                ContactField.select(ContactField.normalized, ContactField.contact)
                .where((ContactField.kind == "email") & ContactField.normalized.in_(part))
                .order_by(ContactField.contact)
                .tuples()
            ):
                by_email.setdefault(norm, cid)
        out: dict[int, set[int]] = {}
        for r in records:
            who = {by_uid[u] for u in r.contact_uids if u in by_uid}
            for addr in r.attendees:
                norm = normalize("email", addr)
                if not norm:
                    continue
                if norm not in by_email and self.create_unknown_attendees:
                    by_email[norm] = self._create_attendee(r, addr.strip())
                if norm in by_email:
                    who.add(by_email[norm])
            out[id(r)] = who
        return out

    def _create_attendee(self, rec: EventRecord, address: str) -> int:
        try:
            value = validate_field("email", address)
        except KinshipError:
            value = address
        uid = _derived_uid("attendee", normalize("email", value))
        c = _IncomingContact(
            record=ContactRecord(display_name=value, source=rec.source, line=rec.line),
            values={
                "display_name": value[:300],
                "given_name": "",
                "family_name": "",
                "nickname": "",
                "organization": "",
                "title": "",
                "strategy": "",
                "met_how": "",
                "notes": "",
                "birthday": None,
                "anniversary": None,
                "met_on": None,
                "archived": False,
                "cadence_days": None,
            },
            fields={"email": [(value, normalize("email", value), "", False)]},
            tags=[],
            extra={},
            uid=uid,
        )
        (cid,) = self._create_contacts([c])
        return cid

    def _apply_occasions(self, records: list[EventRecord]) -> None:
        for rec in records:
            key = "birthday" if rec.kind == "birthday" else "anniversary"
            contact = None
            for uid in rec.contact_uids:
                contact = Contact.get_or_none(Contact.uid == uid)
                if contact:
                    break
            names = [rec.summary.strip()]
            m = _OCCASION_TITLE.match(rec.summary.strip())
            if m:
                names.append(m.group("n").strip())
            ambiguous = False
            if contact is None:
                for name in filter(None, names):
                    found = list(
                        Contact.select().where(Contact.sort_name == name.casefold()).limit(2)
                    )
                    if len(found) == 1:
                        contact = found[0]
                        break
                    if found:
                        ambiguous = True
                        break
            if contact is None:
                why = "several contacts have that name" if ambiguous else "no contact by that name"
                self.skip(rec, f"{key} of {names[-1]!r} skipped: {why}")
                continue
            start = rec.start.date() if isinstance(rec.start, datetime) else rec.start
            try:
                when = PartialDate(
                    start.month, start.day, start.year if start.year > _YEARLESS_MAX else None
                )
            except ValueError:
                self.skip(rec, f"{key} of {contact.display_name} skipped: bad date {start}")
                continue
            stored = getattr(contact, key)
            if stored:
                if not (_same(key, stored, str(when)) or _less_precise(str(when), stored)):
                    self.problem(
                        rec,
                        f"kept the {key} you have for {contact.display_name} "
                        f"({stored}; the calendar says {when})",
                    )
                self.report.unchanged += 1
                continue
            Contact.update(
                {key: str(when), "updated_at": self.now, "version": Contact.version + 1}
            ).where(Contact.id == contact.id).execute()
            self.touched.add(contact.id)
            self.report.updated += 1

    # -- interactions -----------------------------------------------------------------

    def _contact_ids(self, uids: Iterable[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for part in _chunks(sorted({u for u in uids if u})):
            out.update(
                Contact.select(Contact.uid, Contact.id).where(Contact.uid.in_(part)).tuples()
            )
        return out

    def _apply_InteractionRecord(self, records: list[InteractionRecord]) -> None:
        people = self._contact_ids(u for r in records for u in r.participants)
        event_ids: dict[str, int] = {}
        for part in _chunks(sorted({r.event_uid for r in records if r.event_uid})):
            event_ids.update(Event.select(Event.uid, Event.id).where(Event.uid.in_(part)).tuples())
        uids = [
            r.uid
            or _derived_uid(
                "interaction", str(r.occurred_at), r.kind, r.summary, *sorted(r.participants)
            )
            for r in records
        ]
        existing: dict[str, Interaction] = {}
        for part in _chunks(sorted(set(uids))):
            existing.update(
                {i.uid: i for i in Interaction.select().where(Interaction.uid.in_(part))}
            )
        links: dict[int, set[int]] = {}
        for part in _chunks([i.id for i in existing.values()]):
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
                self.skip(rec, f"interaction skipped: unknown kind {rec.kind!r}")
                continue
            if not summary:
                self.skip(rec, "interaction skipped: no summary")
                continue
            if not isinstance(rec.occurred_at, datetime):
                self.skip(rec, "interaction skipped: no date and time")
                continue
            try:
                occurred_at = to_store(rec.occurred_at)
            except (OverflowError, ValueError):
                self.skip(rec, f"interaction {summary!r} skipped: date out of range")
                continue
            who = {people[u] for u in rec.participants if u in people}
            missing = [u for u in rec.participants if u not in people]
            if not who:
                self.skip(rec, f"interaction {summary!r} skipped: none of its people is in kinship")
                continue
            if missing:
                self.problem(
                    rec,
                    f"interaction {summary!r}: {len(missing)} of its people "
                    "not found (UID " + ", ".join(missing[:3]) + ")",
                )
            event_id = event_ids.get(rec.event_uid) if rec.event_uid else None
            if rec.event_uid and event_id is None:
                self.problem(
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
                    self.report.unchanged += 1  # listed twice in the file
                    continue
                values.update(uid=uid, source=self._source(rec), created_at=self.now)
                new_rows.append(values)
                new_people.append((uid, who))
                affected |= who
                self.report.created += 1
                continue
            stored = {
                "occurred_at": row.occurred_at,
                "kind": row.kind,
                "summary": row.summary,
                "notes": row.notes,
                "event": row.event_id,
            }
            changes = {k: v for k, v in values.items() if not _same(k, stored[k], v)}
            add = who - links.get(row.id, set())
            if not changes and not add:
                self.report.unchanged += 1
                continue
            if changes:
                Interaction.update(changes).where(Interaction.id == row.id).execute()
            if add:
                _insert_many(
                    Participant,
                    [{"interaction": row.id, "contact": cid} for cid in sorted(add)],
                    ignore=True,
                )
            affected |= who | links.get(row.id, set())
            self.report.updated += 1
        if new_rows:
            _insert_many(Interaction, new_rows)
            ids: dict[str, int] = {}
            for part in _chunks([uid for uid, _ in new_people]):
                ids.update(
                    Interaction.select(Interaction.uid, Interaction.id)
                    .where(Interaction.uid.in_(part))
                    .tuples()
                )
            _insert_many(
                Participant,
                [
                    {"interaction": ids[uid], "contact": cid}
                    for uid, who in new_people
                    for cid in sorted(who)
                ],
                ignore=True,
            )
            self.new_interactions += [ids[uid] for uid, _ in new_people]
        if affected:
            self._bump_last(sorted(affected))

    def _bump_last(self, contact_ids: list[int]) -> None:
        """Set ``last_interaction_at`` of these contacts from their interactions."""
        for part in _chunks(contact_ids):
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
                last = _as_datetime(latest.get(cid))
                if not _same("last_interaction_at", stored.get(cid), last):
                    Contact.update(last_interaction_at=last).where(Contact.id == cid).execute()
        self.touched.update(contact_ids)

    # -- notes, relationships, follow-ups ---------------------------------------------

    def _apply_NoteRecord(self, records: list[NoteRecord]) -> None:
        ids = self._contact_ids(r.contact_uid for r in records)
        existing: dict[tuple[int, str], EmpathyNote] = {}
        for part in _chunks(sorted(set(ids.values()))):
            for note in EmpathyNote.select().where(EmpathyNote.contact.in_(part)):
                existing.setdefault((note.contact_id, note.body.strip()), note)
        for rec in records:
            cid = ids.get(rec.contact_uid)
            if cid is None:
                self.skip(rec, f"note skipped: no contact with UID {rec.contact_uid!r}")
                continue
            body = (rec.body or "").strip()
            if not body:
                self.skip(rec, "note skipped: no text")
                continue
            kind = (rec.kind or "general").strip().lower()
            if kind not in NOTE_KINDS:
                self.problem(rec, f"unknown note kind {kind!r}; kept as 'general'")
                kind = "general"
            try:
                created_at = to_store(rec.created_at) if rec.created_at else None
                updated_at = to_store(rec.updated_at) if rec.updated_at else None
            except (OverflowError, ValueError):
                self.skip(rec, "note skipped: date out of range")
                continue
            row = existing.get((cid, body))
            if row is None:
                created = created_at or self.now
                values: dict[str, Any] = {
                    "contact": cid,
                    "kind": kind,
                    "body": body,
                    "pinned": bool(rec.pinned),
                    "created_at": created,
                    "updated_at": updated_at or created,
                }
                new_id = EmpathyNote.insert(values).execute()
                existing[(cid, body)] = EmpathyNote(id=new_id, **values)
                self.report.created += 1
                self.touched.add(cid)
                continue
            changes: dict[str, Any] = {}
            if row.kind != kind:
                changes["kind"] = kind
            if bool(row.pinned) != bool(rec.pinned):
                changes["pinned"] = bool(rec.pinned)
            if not changes:
                self.report.unchanged += 1
                continue
            changes["updated_at"] = updated_at or self.now
            EmpathyNote.update(changes).where(EmpathyNote.id == row.id).execute()
            for k, v in changes.items():
                setattr(row, k, v)
            self.report.updated += 1

    def _apply_RelationshipRecord(self, records: list[RelationshipRecord]) -> None:
        ids = self._contact_ids(u for r in records for u in (r.from_uid, r.to_uid))
        have: set[tuple[int, int, str]] = set()
        for part in _chunks(sorted(set(ids.values()))):
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
                self.skip(rec, f"relationship skipped: unknown kind {rec.kind!r}")
            elif a is None or b is None:
                uid = rec.from_uid if a is None else rec.to_uid
                self.skip(rec, f"relationship skipped: no contact with UID {uid!r}")
            elif a == b:
                self.skip(rec, "relationship skipped: a contact related to itself")
            elif (a, b, kind) in have:
                self.report.unchanged += 1
            else:
                Relationship.insert(
                    from_contact=a, to_contact=b, kind=kind, created_at=self.now
                ).execute()
                have.add((a, b, kind))
                self.report.created += 1

    def _apply_FollowUpRecord(self, records: list[FollowUpRecord]) -> None:
        ids = self._contact_ids(r.contact_uid for r in records)
        by_uid: dict[str, FollowUp] = {}
        by_key: dict[tuple[int, str, date, str], FollowUp] = {}
        uids = sorted({r.uid for r in records if r.uid})
        for part in _chunks(uids):
            by_uid.update({f.uid: f for f in FollowUp.select().where(FollowUp.uid.in_(part))})
        for part in _chunks(sorted(set(ids.values()))):
            for f in FollowUp.select().where(FollowUp.contact.in_(part)):
                by_key.setdefault((f.contact_id, f.kind, f.due, f.reason), f)
        for rec in records:
            cid = ids.get(rec.contact_uid)
            if cid is None:
                self.skip(rec, f"follow-up skipped: no contact with UID {rec.contact_uid!r}")
                continue
            status = (rec.status or "open").strip().lower()
            if status not in _FOLLOWUP_STATUSES:
                self.skip(rec, f"follow-up skipped: unknown status {rec.status!r}")
                continue
            if not isinstance(rec.due, date):
                self.skip(rec, "follow-up skipped: no due date")
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
            # An open suggestion of a strategy is the engine's: the recompute after this
            # batch may replace it. Whether it stayed is settled then (_settle_suggested).
            suggested = status == "open" and values["origin"] != "manual"
            if row is None:
                new = {
                    **values,
                    "uid": rec.uid or "",
                    "created_at": self.now,
                    "done_at": self.now if status == "done" else None,
                }
                new_id = FollowUp.insert(new).execute()
                by_key[key] = FollowUp(id=new_id, **new)
                if rec.uid:
                    by_uid[rec.uid] = by_key[key]
                self.report.created += 1
                self.touched.add(cid)
                if suggested:
                    self.suggested.append((new_id, values, rec, "created"))
                continue
            changes = _followup_changes(row, values)
            if not changes:
                self.report.unchanged += 1
                continue
            if changes.get("status") == "done":
                changes["done_at"] = self.now
            FollowUp.update(changes).where(FollowUp.id == row.id).execute()
            self.report.updated += 1
            self.touched.update({cid, row.contact_id})
            if suggested:
                self.suggested.append((row.id, values, rec, "updated"))

    def _settle_suggested(self) -> None:
        """Suggestions the engine replaced did not stay: counted as skipped, with why."""
        for fid, values, rec, counted in self.suggested:
            row = FollowUp.get_or_none(FollowUp.id == fid)
            if row is not None and not _followup_changes(row, values):
                continue
            setattr(self.report, counted, getattr(self.report, counted) - 1)
            self.skip(rec, f"follow-up skipped: {_SUGGESTED.format(values['origin'])}")
        self.suggested = []


# --------------------------------------------------------------------------- helpers

_SUGGESTED = "an open suggestion of the {} strategy, which suggests otherwise from the data here"


def _followup_changes(row: FollowUp, values: dict[str, Any]) -> dict[str, Any]:
    stored = {
        "contact": row.contact_id,
        "due": row.due,
        "reason": row.reason,
        "kind": row.kind,
        "origin": row.origin,
        "status": row.status,
    }
    return {k: v for k, v in values.items() if not _same(k, stored[k], v)}


def _chunks(items: list[Any], size: int = BATCH) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert_many(model: Any, rows: list[dict[str, Any]], *, ignore: bool = False) -> None:
    """Bulk insert ``rows`` (dicts with the same keys) in chunks of :data:`BATCH`.

    One prepared ``INSERT`` run with ``executemany`` per chunk: Peewee's ``insert_many``
    builds the SQL text for every row, which cost more than the whole database work of a
    10k-card import. Values go through each field's ``db_value``, as Peewee would send them.
    """
    from peewee import chunked

    if not rows:
        return
    db = current().db
    meta = model._meta
    names = list(rows[0])
    # Python-side defaults (e.g. EventPerson.role), as Peewee's own insert would add them.
    defaults = {
        name: f.default
        for name, f in meta.fields.items()
        if name not in names and not f.primary_key and f.default is not None
    }
    fields = [meta.fields[name] for name in [*names, *defaults]]
    left, right = db.quote  # the backend's identifier quotes, e.g. '""'
    columns = ", ".join(f"{left}{f.column_name}{right}" for f in fields)
    marks = ", ".join([db.param] * len(fields))
    # ON CONFLICT DO NOTHING (SQLite 3.24+, PostgreSQL) skips duplicates only; INSERT OR
    # IGNORE would also drop rows that break NOT NULL or CHECK constraints, silently.
    tail = " ON CONFLICT DO NOTHING" if ignore else ""
    sql = f"INSERT INTO {left}{meta.table_name}{right} ({columns}) VALUES ({marks}){tail}"
    converters = [f.db_value for f in fields[: len(names)]]
    fixed = tuple(
        f.db_value(d() if callable(d) else d)
        for f, d in zip(fields[len(names) :], defaults.values(), strict=True)
    )
    for chunk in chunked(rows, BATCH):
        values = [
            tuple(conv(row[name]) for conv, name in zip(converters, names, strict=True)) + fixed
            for row in chunk
        ]
        db.cursor().executemany(sql, values)


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


def _derived_uid(*parts: str) -> str:
    return str(uuid.uuid5(_UID_NAMESPACE, "\x00".join(parts)))


def _event_time(value: date | datetime) -> tuple[datetime, bool]:
    if isinstance(value, datetime):
        return to_store(value), False
    if isinstance(value, date):
        return datetime.combine(value, dtime(0, 0)), True
    raise TypeError(f"not a date: {value!r}")


def _one_day_end(start: datetime, end: datetime | None, all_day: bool) -> datetime | None:
    """An all-day event's end the day after its start says nothing (RFC 5545's default):
    stored as None, so a calendar that adds or drops that DTEND does not count as a change."""
    if all_day and end is not None and end - start == timedelta(days=1):
        return None
    return end


def _iso_list(values: Iterable[date | datetime]) -> str:
    items = [v.isoformat() for v in values]
    return json.dumps(items) if items else ""


def _is_occasion(rec: EventRecord) -> bool:
    return (
        rec.kind in ("birthday", "anniversary")
        and not isinstance(rec.start, datetime)
        and "FREQ=YEARLY" in (rec.rrule or "").upper()
    )


def _jsonable(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _as_datetime(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def _same(key: str, old: Any, new: Any) -> bool:
    """Whether a stored value and an incoming one are the same, after normalisation."""
    if old in (None, "") and new in (None, ""):
        return True
    if isinstance(new, bool) or isinstance(old, bool):
        return bool(old) == bool(new)
    if isinstance(new, datetime) or isinstance(old, datetime):
        a, b = _as_datetime(old), _as_datetime(new)
        if isinstance(a, datetime) and isinstance(b, datetime):
            return a.replace(tzinfo=None, microsecond=0) == b.replace(tzinfo=None, microsecond=0)
        return bool(a == b)
    if isinstance(new, date) and isinstance(old, str):
        return old[:10] == new.isoformat()
    if isinstance(new, str) and isinstance(old, str):
        if key == "timezone":  # "" (not known) is written as UTC and read back as "UTC"
            return (old.strip() or "UTC") == (new.strip() or "UTC")
        if key in ("birthday", "anniversary"):
            try:
                return PartialDate.parse(old) == PartialDate.parse(new)
            except ValueError:
                return old == new
        # vCard and iCalendar can only write LF: a stored CR or CRLF reads back as LF.
        return _lf(old.strip()) == _lf(new.strip())
    return bool(old == new)


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _less_precise(new: Any, old: Any) -> bool:
    """A year-less ``new`` date that matches ``old``'s month and day (which has a year)."""
    try:
        a, b = PartialDate.parse(str(new)), PartialDate.parse(str(old))
    except ValueError:
        return False
    return a.year is None and b.year is not None and (a.month, a.day) == (b.month, b.day)
