"""Failpoints: named places where a test can make kinship stop, to act while work is in flight.

The hang-up tests must send a signal *while* a search, a count, Today or an import is
running — not "probably by now". With ``KINSHIP_FAILPOINT=NAME`` set, the first thread to
reach :func:`reach` with that name (``NAME@N``: the Nth time it is reached) creates the file
``NAME`` (``:`` written as ``-``) in ``KINSHIP_FAILPOINT_DIR``, so the test knows it is
there, and then stops, one of two ways:

- ``NAME`` or ``NAME:sql`` — it runs a query that never ends on its database connection,
  as a very slow search or count would: it ends only when interrupted
  (:func:`kinship.store.live.interrupt`), with the error a real interrupted query raises;
- ``NAME:hang`` — it blocks in Python, where nothing can interrupt it, as a stuck plugin
  would: only ending the process ends it.

Unset (always, outside tests) :func:`reach` costs one comparison. Names in use:
``startup`` (the store is open, the app not yet started), ``db:<job>`` (a job on the app's
database thread: ``db:first`` the first page of a typed search, ``db:count`` its count,
``db:today_groups`` Today), ``import:batch`` (an import's batch, written, inside its
transaction).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

__all__ = ["ENV", "ENV_DIR", "armed", "reach"]

ENV = "KINSHIP_FAILPOINT"
ENV_DIR = "KINSHIP_FAILPOINT_DIR"

#: A query with no end (SQLite stops it only when interrupted).
_ENDLESS = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
    "SELECT count(*) FROM n WHERE i < 0"
)

_spec = os.environ.get(ENV, "").strip()
_where, _, _mode = _spec.rpartition(":") if _spec.endswith((":sql", ":hang")) else (_spec, "", "")
_name, _, _nth = _where.partition("@")
_lock = threading.Lock()
_count = 0


def armed(name: str | None = None) -> bool:
    """Whether a failpoint is set (``name``: that one)."""
    return bool(_name) and (name is None or name == _name)


def reach(name: str) -> None:
    """Stop here if ``KINSHIP_FAILPOINT`` names this place (see the module doc)."""
    global _count
    if name != _name or not _name:
        return
    with _lock:
        _count += 1
        if _count != (int(_nth) if _nth.isdigit() else 1):
            return
    folder = os.environ.get(ENV_DIR)
    if folder:
        Path(folder, name.replace(":", "-")).write_text(str(threading.get_ident()))
    if _mode == "hang":
        threading.Event().wait()
    from kinship.store import current

    current().db.execute_sql(_ENDLESS).fetchone()
