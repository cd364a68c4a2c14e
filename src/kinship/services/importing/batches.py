"""The driver: read the importer's stream, apply it in batches, commit each batch.

:func:`import_path` begins an import run (:mod:`.journal`), then reads the importer's items
(a plugin's exception becomes a fatal problem) and cuts the records into batches of
:data:`BATCH`. Each batch is read *before* its transaction begins, then applied in one
short write transaction of its own: :func:`apply` groups it by record type and calls the
handler :data:`HANDLERS` names for each, refreshes the touched contacts' search text and
due dates, and the journal records what the batch created and changed, with the run's
counts. Plugins hear about the batch's changes when it commits. So an import never holds
the write lock for longer than one batch, and other programs write between batches.

- A fatal problem or an error rolls the run back (:mod:`.undo`): the file changes nothing.
- A run that is stopped (Ctrl-C) or killed keeps what its committed batches wrote and is
  reported ``interrupted``; importing the same file again finishes it (importing is
  idempotent), ``kinship import --undo RUN`` takes it out.
- A dry run is the one exception: all batches in one transaction, rolled back at the end,
  so the report is exact; it holds the write lock while it works.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from kinship import failpoints, validation
from kinship.errors import KinshipError
from kinship.records import (
    CaptureRecord,
    ContactRecord,
    EventRecord,
    FollowUpRecord,
    Importer,
    ImportProblem,
    InteractionRecord,
    IntroductionRecord,
    NoteRecord,
    Record,
    RelationshipRecord,
    TagRecord,
)
from kinship.services import _notify, inputs
from kinship.services.followups.compute import refresh_due
from kinship.services.importing import journal
from kinship.services.importing.common import BATCH
from kinship.services.importing.contacts import apply_contacts
from kinship.services.importing.events import apply_events
from kinship.services.importing.interactions import apply_interactions
from kinship.services.importing.others import (
    apply_captures,
    apply_followups,
    apply_introductions,
    apply_notes,
    apply_relationships,
    apply_tags,
    settle_suggested,
)
from kinship.services.importing.run import Handler, ImportReport, Progress, Run
from kinship.store import current, live, search
from kinship.store.handle import explain
from kinship.store.models import utcnow

#: Record type → its handler, in the order a batch applies them: contacts first (everything
#: else names them by UID), events before the interactions that link to them.
HANDLERS: dict[type[Record], Handler] = {
    TagRecord: apply_tags,
    ContactRecord: apply_contacts,
    EventRecord: apply_events,
    InteractionRecord: apply_interactions,
    NoteRecord: apply_notes,
    RelationshipRecord: apply_relationships,
    IntroductionRecord: apply_introductions,
    CaptureRecord: apply_captures,
    FollowUpRecord: apply_followups,
}


class _Rollback(Exception):
    """Raised inside the transaction to undo it (dry run)."""


class _Fatal(Exception):
    def __init__(self, problem: ImportProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class ImportInterrupted(KeyboardInterrupt):
    """The import was stopped (Ctrl-C) after some batches committed; its run is
    ``interrupted`` and ``report`` says what is in."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"import of {report.file} interrupted (run {report.run_id})")
        self.report = report


def import_path(
    path: str | Path,
    *,
    importer: Importer,
    dry_run: bool = False,
    progress: Progress | None = None,
    create_unknown_attendees: bool = False,
    create_people: bool = False,
    rollback: bool = True,
    max_size: int | None = inputs.DEFAULT_MAX_SIZE,
    plugin: str = "",
) -> ImportReport:
    """Import one file or folder with ``importer``; see the package doc for the semantics.

    ``create_unknown_attendees`` creates a contact for each event attendee (by email) that
    no contact has; ``create_people`` one for each person a birthday or anniversary event
    names whom no contact is called (otherwise that event is skipped, and the report says).
    A dry run with ``rollback`` False leaves the rolling back to the caller's transaction
    (:func:`import_paths` previews several files together).

    ``path`` must be a regular file or a folder within ``max_size`` (see services.inputs).
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
        create_people=create_people,
        plugin=plugin,
    )
    try:
        inputs.check(path, suffixes=importer.suffixes, max_size=max_size)
        if dry_run:
            _dry_run(run, progress, rollback=rollback)
        else:
            _batched(run, progress)
    except _Fatal as exc:
        run.fail(exc.problem)
    except KinshipError as exc:
        run.fail(ImportProblem(str(path), f"import failed: {exc}", fatal=True))
    except Exception as exc:
        # A bug in a plugin or a database error: nothing of this file is kept.
        special = explain(exc)  # a full disk or a damaged store, said plainly
        message = f": {special}" if special else f" ({_describe(exc)})"
        run.fail(ImportProblem(str(path), f"import failed{message}", fatal=True))
    report.seconds = time.perf_counter() - started
    return report


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text != type(exc).__name__ else text


def import_paths(
    steps: Sequence[tuple[Path, Importer]],
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    create_unknown_attendees: bool = False,
    create_people: bool = False,
    max_size: int | None = inputs.DEFAULT_MAX_SIZE,
    plugin_of: Callable[[Importer], str] | None = None,
) -> list[ImportReport]:
    """Import several files or folders in order (a folder's formats, as the plugin host's
    ``import_plan`` lists them: the cards before the calendars that name their people);
    ``plugin_of`` names each importer's plugin (``host.plugin_of``).

    A dry run previews them together, in one transaction rolled back at the end, so that a
    calendar's preview finds the people the cards before it would create: the reports are
    exactly what the import will say.
    """

    def one(path: Path, importer: Importer, *, rollback: bool = True) -> ImportReport:
        return import_path(
            path,
            importer=importer,
            dry_run=dry_run,
            progress=progress,
            create_unknown_attendees=create_unknown_attendees,
            create_people=create_people,
            rollback=rollback,
            max_size=max_size,
            plugin=plugin_of(importer) if plugin_of is not None else "",
        )

    if not dry_run:
        return [one(p, imp) for p, imp in steps]
    reports: list[ImportReport] = []
    try:
        with current().write():
            reports = [one(p, imp, rollback=False) for p, imp in steps]
            raise _Rollback
    except _Rollback:
        pass
    return reports


def _dry_run(run: Run, progress: Progress | None, *, rollback: bool = True) -> None:
    """Everything in one transaction, rolled back: the report is exactly the real one's."""
    try:
        with current().write():
            for batch in _batches(run):
                apply(run, batch)
                if progress:
                    progress(run.done, None)
            if rollback:
                raise _Rollback
    except _Rollback:
        pass
    if progress:
        progress(run.done, run.done)


def _batched(run: Run, progress: Progress | None) -> None:
    """Each batch its own transaction under the run record; see the module doc."""
    store = current()
    run_id, resumed = journal.start(run.path, run.importer.name)
    run.report.run_id, run.report.resumed = run_id, resumed is not None
    run.journal = journal.Journal(run_id)
    counted = _counts(run.report)
    try:
        for batch in _batches(run):
            run.now = utcnow()
            with store.write():
                apply(run, batch)
                now = _counts(run.report)
                run.journal.flush({k: now[k] - counted[k] for k in now}, run.now)
                counted = now
                _notify_listeners(run)
            if progress:
                progress(run.done, None)
        if _counts(run.report) != counted:  # problems after the last batch (skips)
            with store.write():
                now = _counts(run.report)
                run.journal.flush({k: now[k] - counted[k] for k in now}, utcnow())
        journal.finish(run_id, "complete")
    except Exception as exc:
        if not live.writes_interrupted():
            _roll_back(run, exc)
            raise
        # The process is leaving (a hang-up) and interrupted the batch's statement: that
        # is a stop, not a failure — as for Ctrl-C below, what committed stays.
        _stopped(run, run_id, counted)
    except BaseException:
        _stopped(run, run_id, counted)
    if progress:
        progress(run.done, run.done)


def _stopped(run: Run, run_id: int, counted: dict[str, int]) -> NoReturn:
    """Ctrl-C, a hang-up, SystemExit: what committed stays; the run says so, and the
    report counts what committed (not the batch the interruption rolled back)."""
    r = run.report
    r.created, r.updated, r.unchanged, r.skipped = (
        counted[k] for k in ("created", "updated", "unchanged", "skipped")
    )
    with contextlib.suppress(Exception):
        journal.finish(run_id, "interrupted", "stopped before the import finished")
    raise ImportInterrupted(run.report) from None


def _counts(report: ImportReport) -> dict[str, int]:
    return {
        "items": report.items,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "skipped": report.skipped,
    }


def _roll_back(run: Run, exc: BaseException) -> None:
    """Undo what the committed batches of a failed run wrote; say so if that fails too."""
    from kinship.services.importing import undo

    run_id = run.report.run_id
    assert run_id is not None
    problem = exc.problem if isinstance(exc, _Fatal) else None
    why = problem.message if problem else (explain(exc) or _describe(exc))
    try:
        undo.undo_run(run_id, state="failed", message=f"rolled back: {why}")
    except Exception as again:
        run.report.partial = True
        also = "disk full" if explain(again) and "disk full" in why else _describe(again)
        with contextlib.suppress(Exception):
            journal.finish(
                run_id,
                "failed",
                f"{why}; rolling back failed too ({also}): "
                f"`kinship import --undo {run_id}` takes out what it wrote",
            )
        raise KinshipError(
            f"{why}; rolling back failed too ({also}): what the import wrote "
            f"is still there, `kinship import --undo {run_id}` takes it out"
        ) from None


def _batches(run: Run) -> Iterator[list[Record]]:
    """The importer's records in lists of :data:`BATCH` (read outside any transaction)."""
    batch: list[Record] = []
    for record in _records(run, run.importer.read(run.path)):
        batch.append(record)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


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
    failpoints.reach("import:batch")  # tests: a hang-up with the transaction open


def _notify_listeners(run: Run) -> None:
    """Queue the batch's after-commit notifications (only when some plugin listens:
    building a record per contact for nobody would double the time of a large import)."""
    if _notify.wants("kinship_contact_changed"):
        for cid in sorted(run.notify):
            _notify.contact_changed(cid)
    if _notify.wants("kinship_interaction_logged"):
        for iid in run.new_interactions:
            _notify.interaction_logged(iid)
    run.notify = set()
    run.new_interactions = []


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
