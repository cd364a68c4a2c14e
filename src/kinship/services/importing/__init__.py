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

Layout: :mod:`.batches` drives a run (transaction, the importer's stream, batches, the
table from record type to handler, progress, notifications); :mod:`.run` holds the report
and the state handlers share; :mod:`.contacts`, :mod:`.events`, :mod:`.interactions` and
:mod:`.others` (notes, relationships, follow-ups) each apply one batch of their records;
:mod:`.common` has the bulk queries and value comparison they share.
"""

from __future__ import annotations

from kinship.services.importing.batches import HANDLERS, import_path
from kinship.services.importing.common import BATCH
from kinship.services.importing.run import ImportReport, Progress, problem_dict

__all__ = ["BATCH", "HANDLERS", "ImportReport", "Progress", "import_path", "problem_dict"]
