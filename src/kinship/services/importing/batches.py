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
    TagRecord,
)
from kinship.services import _notify, inputs
from kinship.services.followups.compute import refresh_due
from kinship.services.importing.common import BATCH
from kinship.services.importing.contacts import apply_contacts
from kinship.services.importing.events import apply_events
from kinship.services.importing.interactions import apply_interactions
from kinship.services.importing.others import (
    apply_followups,
    apply_notes,
    apply_relationships,
    apply_tags,
    settle_suggested,
)
from kinship.services.importing.run import Handler, ImportReport, Progress, Run
from kinship.store import current, search
from kinship.store.handle import explain

#: Record type → its handler, in the order a batch applies them: a backup's tags (with their
#: cadences) first, then contacts (everything else names them by UID), events before the
#: interactions that link to them.
HANDLERS: dict[type[Record], Handler] = {
    TagRecord: apply_tags,
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
    max_size: int | None = inputs.DEFAULT_MAX_SIZE,
) -> ImportReport:
    """Import one file or folder with ``importer``; see the package doc for the semantics.
    ``path`` must be a regular file or a folder within ``max_size`` (see services.inputs)."""
    path = Path(path)
    report = ImportReport(file=str(path), importer=importer.name, dry_run=dry_run)
    started = time.perf_counter()
    run = Run(
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
        special = explain(exc)  # a full disk or a damaged store, said plainly
        message = f": {special}" if special else f" ({type(exc).__name__}): {text}"
        run.fail(ImportProblem(str(path), f"import failed{message}", fatal=True))
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
    settle_suggested(run)


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
        yield item
    settle(None)


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
