"""Reads that give up once they are stale: the next keystroke makes the last one pointless.

On SQLite a progress handler stops a statement that is already running; PostgreSQL has no
such hook on a connection, so there a running statement finishes and only the staleness
checks before and after apply.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator

from peewee import PeeweeException

from kinship.store.handle import current

__all__ = ["Cancelled", "cancellable"]


class Cancelled(Exception):
    """A read given up because a newer one (the next keystroke) made it stale."""


@contextlib.contextmanager
def cancellable(stale: Callable[[], bool], *, every: int = 4000) -> Iterator[None]:
    """Run reads that stop as soon as ``stale()`` turns true, raising :class:`Cancelled`.

    ``stale`` is checked before the block and, on SQLite, every ``every`` VM steps of a
    running statement (a progress handler, so a broad ``COUNT`` the user has typed past stops
    within a millisecond instead of holding up the database thread). Call it on the thread
    that owns the connection (the database thread); the handler is removed on the way out,
    so it can only ever stop the statements inside the block.
    """
    if stale():
        raise Cancelled
    store = current()
    conn = store.db.connection() if store.is_sqlite else None
    if conn is not None:
        conn.set_progress_handler(lambda: 1 if stale() else 0, every)
    try:
        yield
    except (sqlite3.Error, PeeweeException):
        if stale():
            raise Cancelled from None
        raise
    finally:
        if conn is not None:
            conn.set_progress_handler(None, every)
    if stale():
        raise Cancelled
