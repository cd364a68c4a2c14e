"""Opening the store: a path or URL → a ready, migrated database.

Everything backend-specific (pragmas, IMMEDIATE transactions, file modes, FTS) stays in
``kinship.store``; the services only call :meth:`Store.write` and the query helpers.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from peewee import (
    Database,
    ImproperlyConfigured,
    OperationalError,
    PeeweeException,
    SqliteDatabase,
)

from kinship.errors import StoreError
from kinship.store import migrations, search
from kinship.store.handle import BUSY_TIMEOUT_S, Store, current, describe_error, make_current
from kinship.store.models import database

__all__ = [
    "BUSY_TIMEOUT_S",
    "Store",
    "close_store",
    "current",
    "describe_error",
    "open_store",
    "opened",
]


def _safe(target: str) -> str:
    from kinship.config import describe_target

    return describe_target(target)


def _sqlite_path(target: str) -> Path | None:
    if target == ":memory:":
        return None
    if target.startswith("sqlite:///"):
        return Path(target[len("sqlite:///") :])
    if "://" in target:
        return None
    return Path(target).expanduser()


def _make_sqlite(path: Path | None) -> SqliteDatabase:
    if path is not None:
        path = path.resolve()
        if not path.parent.exists():
            path.parent.mkdir(parents=True, mode=0o700)
        if not path.exists():
            # Create the file ourselves so it is private from the first byte.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.close(fd)
    return SqliteDatabase(
        str(path) if path else ":memory:",
        timeout=BUSY_TIMEOUT_S,
        pragmas={
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": int(BUSY_TIMEOUT_S * 1000),
            "synchronous": "normal",
            "cache_size": -16000,
        },
        check_same_thread=False,
    )


def _make_other(url: str) -> Database:
    try:
        from playhouse.db_url import connect
    except ImportError as exc:  # pragma: no cover - playhouse ships with peewee
        raise StoreError(str(exc)) from None
    try:
        return connect(url)
    except (ImportError, PeeweeException, ValueError, RuntimeError) as exc:
        raise StoreError(f"cannot open {_safe(url)}: {exc}") from None


def open_store(target: str | os.PathLike[str], *, upgrade: bool = True) -> Store:
    """Open (creating if needed) and migrate the database at ``target``.

    ``target`` is a file path, ``:memory:``, ``sqlite:///path`` or a server URL such as
    ``postgresql://user@host/db``. An older schema is upgraded after a backup copy; a newer
    one is refused.
    """
    target = os.fspath(target)
    path = _sqlite_path(target)
    try:
        db = _make_sqlite(path) if path is not None or target == ":memory:" else _make_other(target)
        database.initialize(db)
        db.connect(reuse_if_open=True)
    except ImproperlyConfigured as exc:
        hint = " (pip install 'kinship[postgres]')" if target.startswith("postgres") else ""
        raise StoreError(f"{_safe(target)}: {exc}{hint}") from None
    except (PeeweeException, OSError, sqlite3.Error) as exc:
        raise StoreError(f"{_safe(target)}: cannot open database: {describe_error(exc)}") from None
    store = Store(db=db, target=target, path=path.resolve() if path else None)
    try:
        migrations.prepare(store, upgrade=upgrade)
        search.prepare(store)
    except OperationalError as exc:
        store.close()
        raise StoreError(f"{_safe(target)}: {describe_error(exc)}") from None
    except StoreError:
        store.close()
        raise
    previous = make_current(store)
    if previous is not None and previous is not store:
        with contextlib.suppress(Exception):
            previous.close()
    return store


def close_store() -> None:
    previous = make_current(None)
    if previous is not None:
        previous.close()


@contextlib.contextmanager
def opened(target: str | os.PathLike[str]) -> Iterator[Store]:
    store = open_store(target)
    try:
        yield store
    finally:
        close_store()
