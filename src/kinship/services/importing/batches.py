"""The driver: read the importer's stream, apply it in batches, commit or roll back.

:func:`import_path` opens the one write transaction of a file; :func:`consume` reads the
importer's items (a plugin's exception becomes a fatal problem), cuts the records into
batches of :data:`BATCH` and hands each batch to :func:`apply`, which groups it by record
type and calls the handler :data:`HANDLERS` names for each. A batch is a whole unit of
work: after it, the touched contacts' search text and due dates are refreshed, so it can
become a transaction of its own (a resumable run) without the handlers knowing.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kinship import validation
from kinship.errors import KinshipError
from kinship.records import (
    ContactRecord,
    EventRecord,
    FollowUpRecord,
    Importer,
    ImportProblem,
    InteractionRecord,
    NoteRecord,
    Record,
    RelationshipRecord,
)
from kinship.services import _notify
from kinship.services.followups.compute import refresh_due
from kinship.services.importing.common import BATCH
from kinship.services.importing.contacts import apply_contacts
from kinship.services.importing.events import apply_events
from kinship.services.importing.interactions import apply_interactions
from kinship.services.importing.others import apply_followups, apply_notes, apply_relationships
from kinship.services.importing.run import Handler, ImportReport, Progress, Run
from kinship.store import current, search

#: Record type → its handler, in the order a batch applies them: contacts first (everything
#: else names them by UID), events before the interactions that link to them.
HANDLERS: dict[type[Record], Handler] = {
    ContactRecord: apply_contacts,
    EventRecord: apply_events,
    InteractionRecord: apply_interactions,
    NoteRecord: apply_notes,
    RelationshipRecord: apply_relationships,
    FollowUpRecord: apply_followups,
}


class _Rollback(Exception):
    """Raised inside the transaction to undo it (dry run, fatal problem)."""


class _Fatal(Exception):
    def __init__(self, problem: ImportProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def import_path(
    path: str | Path,
    *,
    importer: Importer,
    dry_run: bool = False,
    progress: Progress | None = None,
    create_unknown_attendees: bool = False,
    plugin: str = "",
) -> ImportReport:
    """Import one file or folder with ``importer``; see the package doc for the semantics.

    ``plugin`` names the plugin the importer comes from, for the problems its records cause
    (the entry points know it: ``host.owner(importer)``).
    """
    path = Path(path)
    report = ImportReport(file=str(path), importer=importer.name, dry_run=dry_run)
    started = time.perf_counter()
    run = Run(
        report,
        importer,
        path,
        create_unknown_attendees=create_unknown_attendees,
        occasions=importer.name != "json",
        plugin=plugin,
    )
    store = current()
    try:
        with store.write():
            consume(run, importer.read(path), progress)
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
        run.fail(
            ImportProblem(str(path), f"import failed ({type(exc).__name__}): {text}", fatal=True)
        )
    report.seconds = time.perf_counter() - started
    return report


def consume(run: Run, items: Iterable[Record | ImportProblem], progress: Progress | None) -> None:
    """Apply the importer's ``items`` in batches, then queue the notifications."""
    batch: list[Record] = []
    for record in _records(run, items):
        batch.append(record)
        if len(batch) >= BATCH:
            apply(run, batch)
            batch = []
            if progress:
                progress(run.done, None)
    if batch:
        apply(run, batch)
    _notify_listeners(run)
    if progress:
        progress(run.done, run.done)


def apply(run: Run, batch: list[Record]) -> None:
    """Apply one batch: each record type through its handler, then refresh what it touched."""
    groups: dict[type, list[Any]] = {}
    for item in batch:
        groups.setdefault(type(item), []).append(item)
    for kind, handler in HANDLERS.items():
        items = groups.pop(kind, None)
        if items:
            handler(run, items)
    for items in groups.values():  # records of a type kinship does not know
        for item in items:
            run.skip(item, f"{type(item).__name__} is not something kinship imports")
    run.done += len(batch)
    if run.touched:
        search.reindex(run.touched)
        refresh_due(run.touched)
        run.notify |= run.touched
        run.touched = set()


def _notify_listeners(run: Run) -> None:
    """Queue the after-commit notifications (only when some plugin listens: building a
    record per contact for nobody would double the time of a large import)."""
    if _notify.wants("kinship_contact_changed"):
        for cid in sorted(run.notify):
            _notify.contact_changed(cid)
    if _notify.wants("kinship_interaction_logged"):
        for iid in run.new_interactions:
            _notify.interaction_logged(iid)


# --------------------------------------------------------------------------- the stream


def _records(run: Run, items: Iterable[Record | ImportProblem]) -> Iterator[Record]:
    """The records among the importer's ``items``; its problems go to the report.

    An importer problem that says "skipped" with no record for the same file and line
    after it stands for a skipped item; one followed by its record was only a warning. So a
    problem stays pending until the next item shows which it was.
    """
    pending: tuple[str, int | None] | None = None
    pending_skips = False

    def settle(key: tuple[str, int | None] | None) -> None:
        """Close the pending problem unless ``key`` is the item it belongs to."""
        nonlocal pending, pending_skips
        if pending is None or pending == key:
            return
        if pending_skips:
            run.report.skipped += 1
        pending, pending_skips = None, False

    for item in _guarded(run, items):
        if isinstance(item, ImportProblem):
            if item.fatal:
                raise _Fatal(item)
            key = (run.inside(item.file) or str(run.path), item.line)
            settle(key)
            run.report.problems.append(item)
            pending = key
            pending_skips = pending_skips or "skipped" in item.message
            continue
        settle((run.where(item), getattr(item, "line", None)))
        pending, pending_skips = None, False
        record = _checked(run, item)
        if record is not None:
            yield record
    settle(None)


def _checked(run: Run, item: Any) -> Record | None:
    """The plugin border: ``item`` checked field by field (:mod:`kinship.validation`).

    A record with a wrong required field is skipped; a wrong optional field is left out of
    it. Either way the report gets one line naming the plugin, the record and the field.
    """
    checked = validation.check(item)
    if checked.ok:
        return checked.record  # the item itself, or a copy with None made empty
    who = run.who()
    what = validation.describe(item)
    if checked.record is None:
        run.skip(item, f"{who}: {what} skipped: {checked.summary()}")
        return None
    for problem in checked.problems:
        run.problem(item, f"{who}: {what}: {problem} (left out)")
    return checked.record


def _guarded(run: Run, items: Iterable[Record | ImportProblem]) -> Iterator[Record | ImportProblem]:
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
                    str(run.path),
                    f"importer {run.importer.name!r} failed: {type(exc).__name__}: {text}",
                    fatal=True,
                )
            ) from exc
        yield item
