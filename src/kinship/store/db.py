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

from kinship.errors import KinshipError, StoreError
from kinship.store import migrations, search
from kinship.store.handle import Store, activate, current, deactivate
from kinship.store.models import database

__all__ = [
    "BUSY_TIMEOUT_S",
    "Store",
    "close_store",
    "current",
    "describe_error",
    "is_database_error",
    "open_store",
    "opened",
]

BUSY_TIMEOUT_S = 10.0


def is_database_error(exc: BaseException) -> bool:
    """Whether ``exc`` came from the database driver or the ORM (not from kinship itself)."""
    return isinstance(exc, PeeweeException | sqlite3.Error)


def describe_error(exc: BaseException) -> str:
    """Any error a service or the database raised, as the one line the CLI and the app show.

    kinship's own errors are already worded for the user; a database error says so (a lock
    held past the busy timeout in plain words); anything else names its type.
    """
    if isinstance(exc, KinshipError):
        return str(exc)
    if is_database_error(exc):
        return f"database error: {_database_text(exc)}"
    return f"{type(exc).__name__}: {_one_line(exc)}"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _database_text(exc: BaseException) -> str:
    text = _one_line(exc)
    if "database is locked" in text or "database is busy" in text:
        return (
            f"the database is busy: another program kept it locked for over "
            f"{BUSY_TIMEOUT_S:g} s; try again"
        )
    return text


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
        raise StoreError(f"{_safe(target)}: cannot open database: {_database_text(exc)}") from None
    store = Store(db=db, target=target, path=path.resolve() if path else None)
    try:
        migrations.prepare(store, upgrade=upgrade)
        search.prepare(store)
    except OperationalError as exc:
        store.close()
        raise StoreError(f"{_safe(target)}: {_database_text(exc)}") from None
    except StoreError:
        store.close()
        raise
    activate(store)
    return store


def close_store() -> None:
    deactivate()


@contextlib.contextmanager
def opened(target: str | os.PathLike[str]) -> Iterator[Store]:
    store = open_store(target)
    try:
        yield store
    finally:
        close_store()
