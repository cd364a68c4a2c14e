"""Importing records into the store: idempotent, in short batches, undoable (DESIGN §6).

:func:`import_path` reads one file (or vdir folder) with an importer plugin and applies what
it yields:

- **Batches under a run.** Records are applied in batches of :data:`BATCH`, each in a
  short write transaction of its own, so other programs write between them; an
  :class:`~kinship.store.models.ImportRun` records what every batch created and changed
  (:mod:`.journal`). A fatal :class:`ImportProblem` or any unexpected error rolls the whole
  run back (:mod:`.undo`): the store is as it was. A run that is killed or stopped keeps
  its committed batches and is reported *interrupted* (:func:`list_runs`); importing the
  same file again finishes it, :func:`undo_run` takes it out. A problem with one item
  skips that item only.
- **Idempotent.** Each incoming record is compared with the stored one, field by field after
  normalisation; an item that would change nothing is counted *unchanged* and not written, so
  importing the same file twice leaves every ``updated_at`` and ``version`` as it was.
- **Matching** of contacts is by UID, then normalised email, then normalised phone. Events
  match by (UID, recurrence id): a recurring series and each of its edited occurrences are
  events of their own. Interactions match by UID, follow-ups by UID then (contact, kind,
  due, reason), notes by (contact, body), relationships by (from, to, kind).
- **Merging.** An empty incoming value never clears a stored one (most vCards carry none of
  kinship's own fields); a non-empty one replaces it. A kind of field (emails, phones, …) the
  file lists replaces that kind; tags are added, never removed. A year-less birthday does not
  replace the same birthday with a year.
- **Your edits win.** Fields changed in kinship (``Contact.edited``) are not overwritten; the
  report says "kept your edit of <field> for <name>".
- **Streaming.** A batch is read before its transaction begins and applied with bulk
  queries and ``insert_many``, so 10k+ cards never sit in memory at once; the search index
  and due dates of touched contacts are refreshed per batch, in the batch's transaction,
  and plugins hear about the batch when it commits.
- **Birthday calendars.** A yearly all-day ``birthday``/``anniversary`` event (Google's
  birthday calendar, khal's, our own iCal export) sets that date on the contact it names
  (by ``contact_uids``, else by display name) when the contact has none, instead of being
  stored as an event. The JSON backup stores such events as events (it is lossless).

``dry_run`` does all of the work inside one transaction and rolls it back, so the report is
exactly what a real import would say (it holds the write lock while it works).

Layout: :mod:`.batches` drives a run (transaction, the importer's stream, batches, the
table from record type to handler, progress, notifications); :mod:`.run` holds the report
and the state handlers share; :mod:`.contacts`, :mod:`.events`, :mod:`.interactions` and
:mod:`.others` (notes, relationships, follow-ups) each apply one batch of their records;
:mod:`.common` has the bulk queries and value comparison they share; :mod:`.journal` keeps
the run record and :mod:`.undo` rolls a run out.
"""

from __future__ import annotations

from kinship.services.importing.batches import (
    HANDLERS,
    ImportInterrupted,
    import_path,
    import_paths,
)
from kinship.services.importing.common import BATCH
from kinship.services.importing.journal import RunInfo, list_runs
from kinship.services.importing.run import ImportReport, Progress, problem_dict
from kinship.services.importing.undo import UndoReport, undo_run

__all__ = [
    "BATCH",
    "HANDLERS",
    "ImportInterrupted",
    "ImportReport",
    "Progress",
    "RunInfo",
    "UndoReport",
    "import_path",
    "import_paths",
    "list_runs",
    "problem_dict",
    "undo_run",
]
