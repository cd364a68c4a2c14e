"""The run: one import's report and the state the record handlers share.

A :class:`Run` is what every handler receives. It says where a record came from (file and
line, for the report), counts what happened, and collects the contacts a batch touched so
the driver (:mod:`.batches`) can refresh their search text and due dates before the next
batch. Handlers also tell it which rows they create (:meth:`Run.created`) and which they are
about to change (:meth:`Run.changing`), for the run record that lets a run be undone. It
knows nothing of how records are read, batched or committed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kinship.records import Importer, ImportProblem
from kinship.store.models import utcnow

if TYPE_CHECKING:
    from kinship.services.importing.journal import Journal

#: Progress callback: ``progress(done_items, total_or_None)``.
Progress = Callable[[int, "int | None"], None]


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
    #: The import run this file was imported under (None for a dry run or a failure
    #: before the run began); ``resumed`` is set when it finished an interrupted run.
    run_id: int | None = None
    resumed: bool = False
    #: A failed run whose rollback failed too: what it wrote is still in (undo the run).
    partial: bool = False

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
            if self.partial:
                text = f"failed part-way; undo run {self.run_id} to take out what it wrote"
        if self.dry_run:
            return f"{text} (dry run)"
        if self.run_id is not None and not self.failed:
            what = "finished interrupted run" if self.resumed else "run"
            text = f"{text} ({what} {self.run_id})"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "importer": self.importer,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "failed": self.failed,
            "run": self.run_id,
            "problems": [problem_dict(p) for p in self.problems],
        }


def problem_dict(p: ImportProblem) -> dict[str, Any]:
    return {"file": p.file, "line": p.line, "message": p.message}


class Run:
    """One import of one file or folder: its report and what its handlers share."""

    def __init__(
        self,
        report: ImportReport,
        importer: Importer,
        path: Path,
        *,
        create_unknown_attendees: bool,
        occasions: bool,
        create_people: bool = False,
        plugin: str = "",
    ) -> None:
        self.report = report
        self.importer = importer
        #: The plugin the importer comes from ("" when the caller did not say).
        self.plugin = plugin
        self.path = path
        self.create_unknown_attendees = create_unknown_attendees
        #: Whether a birthday/anniversary of someone kinship does not know creates them.
        self.create_people = create_people
        #: Whether yearly birthday/anniversary events set the contact's date (see events).
        self.occasions = occasions
        #: A backup restores each record's own ``source`` as it is (see :meth:`source`).
        self.keep_sources = not occasions
        #: Records applied so far (what progress reports).
        self.done = 0
        #: Tag ids by case-folded name, so each tag is looked up once per run.
        self.tag_ids: dict[str, int] = {}
        #: Events met so far, by (UID, recurrence id): a digest of their values and line.
        self.events_seen: dict[tuple[str, str], tuple[int, int | None]] = {}
        #: The file's UIDs of people matched by email or phone, who keep the UID kinship
        #: already had: the file's notes, interactions and events name them by the file's.
        self.uid_aliases: dict[str, int] = {}
        #: Contacts the current batch changed: reindexed and re-dued at the batch's end.
        self.touched: set[int] = set()
        #: Open strategy suggestions this batch wrote, settled after its recompute (see
        #: ``others.settle_suggested``): (follow-up id, values, record, "created"/"updated").
        self.suggested: list[tuple[int, dict[str, Any], Any, str]] = []
        #: Contacts changed by the whole run, told to plugins after the commit.
        self.notify: set[int] = set()
        self.new_interactions: list[int] = []
        #: The batch's time: what it writes into created_at/updated_at.
        self.now = utcnow()
        #: When the run began: a row created since was created by this run (or its engine).
        self.started = self.now
        #: What the batches change, for the run record (None in a dry run: nothing stays).
        self.journal: Journal | None = None

    # -- what the run record keeps (see .journal) -------------------------------------

    def created(self, table: str, ids: Iterable[int]) -> None:
        """Rows of ``table`` this batch inserted (undo deletes them)."""
        if self.journal is not None:
            self.journal.created(table, ids)

    def changing(self, table: str, row_id: int, before: Callable[[], dict[str, Any]]) -> None:
        """A row of ``table`` this batch is about to change; ``before()`` images it (see
        :func:`.journal.image`). The run keeps the first record it has of a row."""
        if self.journal is not None:
            self.journal.changing(table, row_id, before)

    # -- where a record comes from ----------------------------------------------------

    def here(self, record: Any) -> str | None:
        """The record's file when it is this file or one inside this folder, else None (a
        backup keeps each record's original source, which is not where it is read from)."""
        return self.inside(getattr(record, "source", "") or "")

    def inside(self, src: str) -> str | None:
        base = str(self.path)
        if (
            isinstance(src, str)
            and src
            and (src == base or src.startswith(base.rstrip(os.sep) + os.sep))
        ):
            return src
        return None

    def where(self, record: Any) -> str:
        return self.here(record) or str(self.path)

    def source(self, rec: Any) -> str:
        """``importer:path`` for what this file brings; a backup's own origin is kept (a
        restore keeps even "none": a contact added by hand stays without a source)."""
        origin = getattr(rec, "source", "") or ""
        if self.keep_sources:
            return str(origin)[:255]
        if origin and self.here(rec) is None:
            return str(origin)[:255]
        return f"{self.importer.name}:{self.where(rec)}"[:255]

    # -- the report -------------------------------------------------------------------

    def who(self) -> str:
        """How a problem names where a bad record came from: ``plugin kinship-names
        (importer 'names')``, or the importer alone."""
        importer = f"importer {self.importer.name!r}"
        return f"plugin {self.plugin} ({importer})" if self.plugin else importer

    def problem(self, record: Any, message: str) -> None:
        line = getattr(record, "line", None)
        if isinstance(line, bool) or not isinstance(line, int) or line < 0:
            line = None  # a plugin's record may hold anything there
        self.report.problems.append(ImportProblem(self.where(record), message, line))

    def skip(self, record: Any, message: str) -> None:
        self.report.skipped += 1
        self.problem(record, message)

    def fail(self, problem: ImportProblem) -> None:
        r = self.report
        r.created = r.updated = r.unchanged = r.skipped = 0
        r.failed = True
        problem.fatal = True
        r.problems.append(problem)


#: A record handler: applies one batch of records of one type (see ``batches.HANDLERS``).
Handler = Callable[[Run, list[Any]], None]
