"""Undo an import run: delete what it created, restore what it changed.

Reads the run's :class:`~kinship.store.models.ImportRunChange` rows newest first, in
chunks, each chunk one short write transaction (an undo never blocks other writers for
long either, and one that is stopped half-way is finished by running it again): created
rows are deleted (with their fields, tags and links), changed rows get their before-image
back (a contact's fields and tags too; people the run linked to an event or interaction
are unlinked). Then the search text, due dates and last interaction of the people
concerned are recomputed.

Nothing someone changed *after* the run is lost: a contact, event or note whose
``updated_at`` is later than the run's last write to it, and a contact the run created
that has since gained interactions, notes, relationships or follow-ups of its own, are
kept and reported. A run whose rows a later run changed again is refused until that
later run is undone (restoring would overwrite it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from peewee import Case, DateField, DateTimeField, Model

from kinship.errors import KinshipError
from kinship.services.followups.compute import refresh_due
from kinship.services.importing import journal
from kinship.services.importing.interactions import refresh_last_interaction
from kinship.store import current, search
from kinship.store.models import (
    Capture,
    Contact,
    ContactField,
    ContactTag,
    EmpathyNote,
    Event,
    EventPerson,
    FollowUp,
    ImportRun,
    ImportRunChange,
    Interaction,
    Introduction,
    Participant,
    Relationship,
    Tag,
    utcnow,
)

#: Change rows undone per transaction.
CHUNK = 500

_MODELS: dict[str, type[Model]] = {
    m._meta.table_name: m
    for m in (
        Contact,
        Tag,
        Event,
        Interaction,
        EmpathyNote,
        Relationship,
        FollowUp,
        Introduction,
        Capture,
    )
}
#: The order created rows are deleted in: what points at contacts first, tags last.
_DELETE_ORDER = (
    "capture",
    "introduction",
    "interaction",
    "empathy_note",
    "relationship",
    "follow_up",
    "event",
    "contact",
    "tag",
)


@dataclass
class UndoReport:
    """What undoing a run did."""

    run_id: int
    deleted: int = 0
    restored: int = 0
    #: Rows left as they are because they changed after the run (one message each).
    kept: list[str] = field(default_factory=list)
    state: str = "undone"

    def summary(self) -> str:
        text = f"run {self.run_id} undone: {self.deleted} removed, {self.restored} restored"
        if self.kept:
            text += f", {len(self.kept)} kept (changed since the import)"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "run": self.run_id,
            "state": self.state,
            "deleted": self.deleted,
            "restored": self.restored,
            "kept": list(self.kept),
        }


def undo_run(
    run_id: int,
    *,
    state: str = "undone",
    message: str = "",
    progress: Callable[[int, int | None], None] | None = None,
) -> UndoReport:
    """Undo run ``run_id``; leave it in ``state`` (``failed`` when an import rolls itself
    back after an error, with ``message`` saying why)."""
    journal.mark_interrupted()
    run = ImportRun.get_or_none(ImportRun.id == run_id)
    if run is None:
        raise KinshipError(f"no import run {run_id}; `kinship import --runs` lists them")
    rolling_back = state == "failed"
    if run.state == "running" and not rolling_back:
        raise KinshipError(
            f"run {run_id} is still running (process {run.pid} on {run.host or 'this host'})"
        )
    if run.state == "undone":
        raise KinshipError(f"run {run_id} was undone already")
    if run.state == "failed" and not rolling_back and not _has_changes(run_id):
        raise KinshipError(
            f"run {run_id} failed and was rolled back: nothing of it is left to undo"
        )
    later = _later_runs(run_id)
    if later:
        names = ", ".join(str(r) for r in later[:5])
        raise KinshipError(
            f"run {run_id}: later import runs changed the same rows again ({names}); "
            f"undo {'them' if len(later) > 1 else 'it'} first"
        )
    report = UndoReport(run_id=run_id, state=state)
    total = ImportRunChange.select().where(ImportRunChange.run == run_id).count()
    done = 0
    while True:
        with current().write():
            # Newest first; created tags last of all, once no restored contact uses them.
            changes = list(
                ImportRunChange.select()
                .where(ImportRunChange.run == run_id)
                .order_by(
                    Case(None, [(ImportRunChange.table_name == "tag", 1)], 0),
                    ImportRunChange.id.desc(),
                )
                .limit(CHUNK)
            )
            if not changes:
                break
            _undo_chunk(run_id, changes, report)
            ImportRunChange.delete().where(
                ImportRunChange.id.in_([c.id for c in changes])
            ).execute()
        done += len(changes)
        if progress:
            progress(done, total)
    note = message
    if report.kept:
        note = (note + "; " if note else "") + f"kept {len(report.kept)} rows changed since"
    with current().write():
        ImportRun.update(
            state=state,
            finished_at=run.finished_at or utcnow(),
            message=note[:2000],
        ).where(ImportRun.id == run_id).execute()
    return report


def _has_changes(run_id: int) -> bool:
    return bool(ImportRunChange.select().where(ImportRunChange.run == run_id).exists())


def _later_runs(run_id: int) -> list[int]:
    """Runs after ``run_id`` that changed or created rows this run changed or created."""
    mine = ImportRunChange.alias()
    theirs = ImportRunChange.alias()
    rows = (
        theirs.select(theirs.run)
        .join(
            mine,
            on=(
                (mine.table_name == theirs.table_name)
                & (mine.row_id == theirs.row_id)
                & (mine.run == run_id)
            ),
        )
        .where(theirs.run > run_id)
        .distinct()
        .tuples()
    )
    return sorted(r for (r,) in rows)


def _undo_chunk(run_id: int, changes: list[ImportRunChange], report: UndoReport) -> None:
    created: dict[str, list[ImportRunChange]] = {}
    changed: dict[str, list[ImportRunChange]] = {}
    for c in changes:
        (created if c.before is None else changed).setdefault(c.table_name, []).append(c)
    affected: set[int] = set()
    for images in changed.values():
        for c in images:
            _restore(c, report, affected)
    for table in _DELETE_ORDER:
        rows = created.get(table)
        if rows:
            _delete(run_id, table, rows, report, affected)
    gone = {cid for cid in affected if cid is not None}
    existing = (
        sorted(
            cid
            for (cid,) in Contact.select(Contact.id)
            .where(Contact.id.in_(sorted(gone)))
            .tuples()
            .iterator()
        )
        if gone
        else []
    )
    if existing:
        refresh_last_interaction(existing)
        search.reindex(existing)
        refresh_due(existing)


# --------------------------------------------------------------------------- deleting


def _delete(
    run_id: int,
    table: str,
    rows: list[ImportRunChange],
    report: UndoReport,
    affected: set[int],
) -> None:
    model = _MODELS[table]
    ids = [c.row_id for c in rows]
    stamp = {c.row_id: c.changed_at for c in rows}
    if table == "contact":
        ids = _deletable_contacts(run_id, ids, stamp, report)
        search.forget(ids)
    elif table == "tag":
        used = {
            t for (t,) in ContactTag.select(ContactTag.tag).where(ContactTag.tag.in_(ids)).tuples()
        }
        ids = [i for i in ids if i not in used]
    elif table == "event":
        ids = _unchanged_since(Event, ids, stamp, report, "event", Event.summary)
        affected.update(_column(EventPerson.contact, EventPerson.event, ids))
    elif table == "interaction":
        affected.update(_column(Participant.contact, Participant.interaction, ids))
    elif table == "empathy_note":
        ids = _unchanged_since(EmpathyNote, ids, stamp, report, "note", EmpathyNote.body)
        affected.update(_column(EmpathyNote.contact, EmpathyNote.id, ids))
    elif table == "follow_up":
        affected.update(_column(FollowUp.contact, FollowUp.id, ids))
    elif table == "relationship":
        affected.update(_column(Relationship.from_contact, Relationship.id, ids))
        affected.update(_column(Relationship.to_contact, Relationship.id, ids))
    elif table == "introduction":
        affected.update(_column(Introduction.person, Introduction.id, ids))
        affected.update(_column(Introduction.to, Introduction.id, ids))
    elif table == "capture":
        affected.update(_column(Capture.contact, Capture.id, ids))
    if ids:
        report.deleted += model.delete().where(model._meta.primary_key.in_(ids)).execute()


def _column(what: Any, key: Any, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    return {v for (v,) in what.model.select(what).where(key.in_(ids)).tuples()}


def _deletable_contacts(
    run_id: int, ids: list[int], stamp: dict[int, datetime], report: UndoReport
) -> list[int]:
    """The contacts of ``ids`` nobody touched after the run created them."""
    ids = _unchanged_since(Contact, ids, stamp, report, "contact", Contact.display_name)
    if not ids:
        return ids

    def created(table: str) -> Any:
        return ImportRunChange.select(ImportRunChange.row_id).where(
            (ImportRunChange.run == run_id)
            & (ImportRunChange.table_name == table)
            & ImportRunChange.before.is_null()
        )

    others: set[int] = set()
    others |= _ids(
        Participant.select(Participant.contact).where(
            Participant.contact.in_(ids) & Participant.interaction.not_in(created("interaction"))
        )
    )
    others |= _ids(
        EmpathyNote.select(EmpathyNote.contact).where(
            EmpathyNote.contact.in_(ids) & EmpathyNote.id.not_in(created("empathy_note"))
        )
    )
    others |= _ids(
        FollowUp.select(FollowUp.contact).where(
            FollowUp.contact.in_(ids)
            & (FollowUp.origin == "manual")
            & FollowUp.id.not_in(created("follow_up"))
        )
    )
    for side, other in (
        (Relationship.from_contact, Relationship.to_contact),
        (Relationship.to_contact, Relationship.from_contact),
    ):
        others |= _ids(
            Relationship.select(side).where(
                side.in_(ids) & Relationship.id.not_in(created("relationship")) & other.not_in(ids)
            )
        )
    if others:
        names = dict(
            Contact.select(Contact.id, Contact.display_name)
            .where(Contact.id.in_(sorted(others)))
            .tuples()
        )
        for cid in sorted(others):
            report.kept.append(
                f"kept {names.get(cid, cid)}: created by the import, since then given "
                "interactions, notes or follow-ups of their own"
            )
    return [i for i in ids if i not in others]


def _ids(query: Any) -> set[int]:
    return {v for (v,) in query.tuples()}


def _unchanged_since(
    model: Any,
    ids: list[int],
    stamp: dict[int, datetime],
    report: UndoReport,
    what: str,
    label: Any,
) -> list[int]:
    """The rows of ``ids`` whose ``updated_at`` is not later than the run's last write."""
    keep: list[int] = []
    out: list[int] = []
    for row_id, updated, name in (
        model.select(model.id, model.updated_at, label).where(model.id.in_(ids)).tuples()
    ):
        if _later(updated, stamp.get(row_id)):
            keep.append(row_id)
            report.kept.append(f"kept {what} {_short(name)}: changed after the import")
        else:
            out.append(row_id)
    return out


def _later(updated: Any, stamp: Any) -> bool:
    a, b = _as_datetime(updated), _as_datetime(stamp)
    return a is not None and b is not None and a > b


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).replace(tzinfo=None)
        except ValueError:
            return None
    return None


def _short(text: Any) -> str:
    s = " ".join(str(text).split())
    return repr(s if len(s) <= 60 else s[:59] + "…")


# --------------------------------------------------------------------------- restoring


def _restore(change: ImportRunChange, report: UndoReport, affected: set[int]) -> None:
    model = _MODELS[change.table_name]
    assert change.before is not None
    before = json.loads(change.before)
    row_id = change.row_id
    current_row = model.get_or_none(model._meta.primary_key == row_id)
    if current_row is None:
        return  # deleted since: nothing to restore into
    if "updated_at" in model._meta.fields and _later(current_row.updated_at, change.changed_at):
        label = (
            getattr(current_row, "display_name", None)
            or getattr(current_row, "summary", None)
            or getattr(current_row, "body", "")
        )
        report.kept.append(
            f"kept {change.table_name.replace('_', ' ')} {_short(label)}: changed after the import"
        )
        return
    values = _values(model, before["row"])
    if model is Contact:
        # The version comes back with the content it numbers: an edit begun on that
        # content saves; one begun on what the run wrote is refused as stale.
        affected.add(row_id)
    event = values.get("event") if model is Interaction else None
    if event is not None and not Event.select().where(Event.id == event).exists():
        values["event"] = None  # an event the run created, undone with it
    if model in (EmpathyNote, FollowUp, Capture):
        affected.add(before["row"].get("contact"))
    if model is Introduction:
        affected.update({before["row"].get("person"), before["row"].get("to")})
    model.update(values).where(model._meta.primary_key == row_id).execute()
    if "fields" in before:
        ContactField.delete().where(ContactField.contact == row_id).execute()
        rows = [_values(ContactField, f) | {"id": f["id"]} for f in before["fields"]]
        if rows:
            ContactField.insert_many(rows).execute()
    if "tags" in before:
        _keep_links(ContactTag, ContactTag.contact, ContactTag.tag, row_id, before["tags"])
    if "people" in before:
        affected.update(_column(EventPerson.contact, EventPerson.event, [row_id]))
        _keep_links(EventPerson, EventPerson.event, EventPerson.contact, row_id, before["people"])
    if "participants" in before:
        affected.update(_column(Participant.contact, Participant.interaction, [row_id]))
        _keep_links(
            Participant,
            Participant.interaction,
            Participant.contact,
            row_id,
            before["participants"],
        )
    report.restored += 1


def _keep_links(model: Any, owner: Any, other: Any, row_id: int, keep: Iterable[int]) -> None:
    """Remove the links of ``row_id`` the run added (the import only ever adds links)."""
    model.delete().where((owner == row_id) & other.not_in(list(keep))).execute()


def _values(model: Any, data: dict[str, Any]) -> dict[str, Any]:
    """A before-image's JSON values as the model's Python values (dates parsed back)."""
    out: dict[str, Any] = {}
    for name, value in data.items():
        f = model._meta.fields.get(name)
        if f is None or name in journal.DERIVED:
            continue
        if isinstance(value, str) and isinstance(f, DateTimeField):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                pass
        elif isinstance(value, str) and isinstance(f, DateField):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                pass
        out[name] = value
    return out
