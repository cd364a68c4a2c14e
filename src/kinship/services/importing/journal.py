"""The import run record: what a run created and changed, written with each batch.

An import commits batch by batch (so other programs can write between batches), under an
:class:`~kinship.store.models.ImportRun`. Each batch adds, in its own transaction, one
:class:`~kinship.store.models.ImportRunChange` row per row it created (``before`` NULL) and
per row it changed for the first time in this run (``before`` is the row as it was, with
the contact's fields and tags, the event's people or the interaction's participants).
Child rows of a created row (a new contact's fields, tags and links) are not listed: they
go with it. Derived values (search text, due dates, follow-ups the strategies suggest, last
interaction) are not listed either: undo recomputes them. So the record stays small: one
row per item created or changed.

:mod:`.undo` reads it back to roll a run out.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kinship.store import current
from kinship.store.models import ImportRun, ImportRunChange, utcnow

#: The states a run can be in (see ImportRun).
STATES = ("running", "complete", "failed", "interrupted", "undone")
#: Columns a before-image leaves out: derived, recomputed after an undo.
DERIVED = frozenset({"id", "last_interaction_at", "next_due_at", "recheck_on"})


def _host() -> str:
    return socket.gethostname()[:255]


def image(row: Any, **extra: Any) -> dict[str, Any]:
    """A model instance as a before-image: its columns (not the derived ones) plus
    ``extra`` (e.g. ``fields=…``, ``people=…``)."""
    data = {k: v for k, v in row.__data__.items() if k not in DERIVED}
    return {"row": data, **extra}


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=_default, separators=(",", ":"))


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


class Journal:
    """Collects a batch's changes and writes them with the batch (see the module doc).

    It holds one batch's worth, never the run's: whether a row already has its record (an
    earlier batch created or imaged it) is the database's to say, through the unique
    (run, table, row) key, so a million-card import does not grow a million-entry set.
    """

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.pending: dict[tuple[str, int], str | None] = {}

    def created(self, table: str, ids: Iterable[int]) -> None:
        for row_id in ids:
            self.pending[(table, row_id)] = None

    def changing(self, table: str, row_id: int, before: Callable[[], dict[str, Any]]) -> None:
        """Record ``before()`` for a row about to change (kept only if the run has no
        record of the row yet)."""
        key = (table, row_id)
        if key not in self.pending:  # created or imaged earlier in this batch: that stays
            self.pending[key] = dumps(before())

    def flush(self, counts: dict[str, int], now: datetime) -> None:
        """Write the batch's changes and the run's counts (inside the batch's transaction).

        A row recorded before (by this run, in an earlier batch or an earlier pass of a
        resumed run) keeps its first record, created or before-image; only its
        ``changed_at`` moves on.
        """
        db = current().db
        if self.pending:
            left, right = db.quote

            def q(name: str) -> str:
                return f"{left}{name}{right}"

            sql = (
                f"INSERT INTO {q('import_run_change')} ({q('run_id')}, {q('table_name')}, "
                f"{q('row_id')}, {q('before')}, {q('changed_at')}) "
                f"VALUES ({', '.join([db.param] * 5)}) "
                f"ON CONFLICT ({q('run_id')}, {q('table_name')}, {q('row_id')}) "
                f"DO UPDATE SET {q('changed_at')} = excluded.{q('changed_at')}"
            )
            stamp = ImportRunChange.changed_at.db_value(now)
            db.cursor().executemany(
                sql,
                [
                    (self.run_id, table, row_id, before, stamp)
                    for (table, row_id), before in self.pending.items()
                ],
            )
        self.pending = {}
        ImportRun.update(
            items=ImportRun.items + counts["items"],
            created=ImportRun.created + counts["created"],
            updated=ImportRun.updated + counts["updated"],
            unchanged=ImportRun.unchanged + counts["unchanged"],
            skipped=ImportRun.skipped + counts["skipped"],
            last_batch_at=now,
        ).where(ImportRun.id == self.run_id).execute()


# --------------------------------------------------------------------------- runs


def start(path: Path, fmt: str) -> tuple[int, int | None]:
    """Begin a run for ``path`` read with ``fmt``; return (run id, id of the interrupted
    run this one resumes, or None).

    Re-importing a file is idempotent, so importing it again finishes an interrupted run:
    when the latest run is an interrupted one of the same path and format, it carries on
    under that run (so undoing it takes the whole file out); else a new run begins.
    """
    where = str(path.absolute())
    with current().write():
        mark_interrupted()
        last = ImportRun.select().order_by(ImportRun.id.desc()).first()
        if (
            last is not None
            and last.state == "interrupted"
            and last.path == where
            and last.format == fmt
        ):
            ImportRun.update(
                state="running", pid=os.getpid(), host=_host(), finished_at=None, message=""
            ).where(ImportRun.id == last.id).execute()
            return last.id, last.id
        run = ImportRun.create(
            started_at=utcnow(), path=where, format=fmt, pid=os.getpid(), host=_host()
        )
        return run.id, None


def finish(run_id: int, state: str, message: str = "") -> None:
    with current().write():
        ImportRun.update(state=state, finished_at=utcnow(), message=message[:2000]).where(
            ImportRun.id == run_id
        ).execute()


def mark_interrupted() -> int:
    """Mark the runs still ``running`` whose process is gone as ``interrupted``."""
    gone = [
        run_id
        for run_id, pid, host in ImportRun.select(ImportRun.id, ImportRun.pid, ImportRun.host)
        .where(ImportRun.state == "running")
        .tuples()
        if host == _host() and not _alive(pid)
    ]
    if gone:
        with current().write():
            ImportRun.update(
                state="interrupted",
                finished_at=utcnow(),
                message="the importing process ended before the import finished",
            ).where(ImportRun.id.in_(gone) & (ImportRun.state == "running")).execute()
    return len(gone)


def _alive(pid: int | None) -> bool:
    """Whether process ``pid`` runs here (a zombie, killed but not yet reaped, does not)."""
    if not pid or pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[:1] != ["Z"]


# --------------------------------------------------------------------------- listing


@dataclass(frozen=True)
class RunInfo:
    """One import run as ``kinship import --runs`` shows it."""

    id: int
    state: str
    started_at: datetime
    finished_at: datetime | None
    path: str
    format: str
    items: int
    created: int
    updated: int
    unchanged: int
    skipped: int
    #: Rows it created or changed that an undo would take out.
    changes: int
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "path": self.path,
            "format": self.format,
            "items": self.items,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "changes": self.changes,
            "message": self.message,
        }


def list_runs(limit: int | None = None) -> list[RunInfo]:
    """Import runs, newest first (runs whose process is gone are marked interrupted)."""
    from peewee import fn

    mark_interrupted()
    query = ImportRun.select().order_by(ImportRun.id.desc())
    if limit:
        query = query.limit(limit)
    runs = list(query)
    counts = dict(
        ImportRunChange.select(ImportRunChange.run, fn.COUNT(ImportRunChange.id))
        .where(ImportRunChange.run.in_([r.id for r in runs]))
        .group_by(ImportRunChange.run)
        .tuples()
    )
    return [
        RunInfo(
            id=r.id,
            state=r.state,
            started_at=r.started_at,
            finished_at=r.finished_at,
            path=r.path,
            format=r.format,
            items=r.items,
            created=r.created,
            updated=r.updated,
            unchanged=r.unchanged,
            skipped=r.skipped,
            changes=int(counts.get(r.id, 0)),
            message=r.message,
        )
        for r in runs
    ]
