"""The SQLite connections open in this process, so that leaving can stop their work.

Peewee keeps one connection per thread (the app's database thread, an import worker, the
follow-up catch-up). When the app has to end — a hang-up, SIGTERM, quit — a read that is
still running (a broad count, a search at 100k contacts) must not hold the exit up, and a
write still running after a grace period must stop too. :func:`interrupt` calls
``sqlite3.Connection.interrupt()`` on them: the statement fails with "interrupted", and a
write's whole transaction is rolled back by SQLite, so a store interrupted mid-write holds
either all of that write (it committed first) or none of it.

``interrupt()`` must never touch a connection that is being closed (SQLite forbids it), so
closing goes through :meth:`LiveSqliteDatabase._close`, which forgets the connection under
the same lock first. Connections of threads that have ended are forgotten (and so closed)
when the next one opens. PostgreSQL connections are not tracked: a process that ends drops
its connection and the server rolls its transaction back.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from typing import Any

from peewee import SqliteDatabase

__all__ = ["LiveSqliteDatabase", "interrupt", "open_count", "writes_interrupted"]

_lock = threading.Lock()
#: Set once writes were interrupted: the process is leaving, work that fails now was
#: stopped, not broken (an import keeps its committed batches and says it was interrupted).
_writes_stopped = threading.Event()
#: Thread ident → the connection that thread opened.
_live: dict[int, sqlite3.Connection] = {}


class LiveSqliteDatabase(SqliteDatabase):
    """A :class:`peewee.SqliteDatabase` whose connections :func:`interrupt` can reach."""

    def _connect(self) -> Any:
        conn = super()._connect()
        me = threading.get_ident()
        with _lock:
            alive = {t.ident for t in threading.enumerate()}
            for ident in [i for i in _live if i not in alive]:
                del _live[ident]
            _live[me] = conn
        return conn

    def _close(self, conn: Any) -> None:
        with _lock:
            for ident, known in list(_live.items()):
                if known is conn:
                    del _live[ident]
        super()._close(conn)


def interrupt(*, writes: bool, leaving: bool = False) -> int:
    """Stop the statements running on every tracked connection; with ``writes=False`` only
    those outside a transaction (reads). ``leaving``: the process is ending (the lifeline),
    so :func:`writes_interrupted` turns true with ``writes``. Returns how many connections
    were interrupted. Safe from any thread."""
    n = 0
    if writes and leaving:
        _writes_stopped.set()
    with _lock:
        for conn in list(_live.values()):
            with contextlib.suppress(sqlite3.Error):
                if writes or not conn.in_transaction:
                    conn.interrupt()
                    n += 1
    return n


def open_count() -> int:
    """How many connections are tracked (tests)."""
    with _lock:
        return len(_live)


def writes_interrupted() -> bool:
    """Whether the process is leaving and :func:`interrupt` stopped its writes."""
    return _writes_stopped.is_set()
