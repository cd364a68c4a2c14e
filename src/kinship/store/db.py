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
from typing import Any

from peewee import (
    Database,
    ImproperlyConfigured,
    PeeweeException,
    SqliteDatabase,
)

from kinship.errors import StoreError
from kinship.fileperms import private_dir, touch_private
from kinship.store import migrations, search
from kinship.store.handle import (
    BUSY_TIMEOUT_S,
    ReadOnlyStore,
    Store,
    current,
    damaged,
    database_text,
    describe_error,
    explain,
    is_database_error,
    make_current,
)
from kinship.store.live import LiveSqliteDatabase
from kinship.store.models import database

__all__ = [
    "BUSY_TIMEOUT_S",
    "ReadOnlyStore",
    "Store",
    "close_store",
    "current",
    "describe_error",
    "is_database_error",
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


def read_only_reason(path: Path) -> str:
    """Why this process may not write the SQLite store at ``path`` ("" when it may).

    Checked with ``os.access`` (the real user's rights): the file itself, and its folder,
    which SQLite needs to create the ``-wal``/``-shm`` files beside it unless writable ones
    are already there.
    """
    if not path.exists():
        return ""
    if not os.access(path, os.W_OK):
        return "the file is not writable"
    shm = path.with_name(path.name + "-shm")
    if shm.exists() and not os.access(shm, os.W_OK):
        return f"{shm.name} is not writable"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if not (side.exists() and os.access(side, os.W_OK)):
                return "its folder is not writable"
    return ""


def _sqlite_uri(path: Path, mode: str) -> str:
    from urllib.parse import quote

    return f"file:{quote(str(path))}?{mode}"


def _make_sqlite(path: Path | None, *, read_only: str = "") -> SqliteDatabase:
    """``read_only``: "" for read-write, else the URI parameter (``mode=ro``/``immutable=1``)."""
    pragmas: dict[str, Any] = {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": int(BUSY_TIMEOUT_S * 1000),
        "synchronous": "normal",
        # 12 MB of pages per connection: what the peak memory grows by from 1k to 100k
        # contacts; searches at 100k are as fast as with 16 MB (bench_search, same run).
        "cache_size": -12000,
    }
    if path is not None:
        path = path.resolve()
        if read_only:
            del pragmas["journal_mode"]  # a read-only connection cannot switch it
            return LiveSqliteDatabase(
                _sqlite_uri(path, read_only),
                timeout=BUSY_TIMEOUT_S,
                pragmas={**pragmas, "query_only": 1},
                check_same_thread=False,
                uri=True,
            )
        # Every folder and the file are created private (0700/0600) from the first byte;
        # SQLite gives the -wal/-shm files the database file's mode.
        private_dir(path.parent)
        if not path.exists():
            try:
                touch_private(path)
            except FileExistsError:
                pass  # another process created it a moment ago
    return LiveSqliteDatabase(
        str(path) if path else ":memory:",
        timeout=BUSY_TIMEOUT_S,
        pragmas=pragmas,
        check_same_thread=False,
    )


def _make_other(url: str, *, read_only: bool = False) -> Database:
    # Imported for any server URL: it also hands peewee psycopg (see kinship.store._drivers).
    from kinship.store import postgres

    if postgres.is_url(url):
        return postgres.make_database(url, lock_timeout_s=BUSY_TIMEOUT_S, read_only=read_only)
    try:
        from playhouse.db_url import connect
    except ImportError as exc:  # pragma: no cover - playhouse ships with peewee
        raise StoreError(str(exc)) from None
    try:
        return connect(url)
    except (ImportError, PeeweeException, ValueError, RuntimeError) as exc:
        raise StoreError(f"cannot open {_safe(url)}: {exc}") from None


def open_store(
    target: str | os.PathLike[str], *, upgrade: bool = True, read_only: bool = False
) -> Store:
    """Open (creating if needed) and migrate the database at ``target``.

    ``target`` is a file path, ``:memory:``, ``sqlite:///path`` or a server URL such as
    ``postgresql://user@host/db``. An older schema is upgraded after a backup copy; a newer
    one is refused.

    A SQLite file this user may not write (or whose folder is not writable) opens read-only,
    as does any store with ``read_only``: reads work, writes raise :class:`ReadOnlyStore`.
    A read-only store is never created or upgraded.
    """
    target = os.fspath(target)
    path = _sqlite_path(target)
    reason = "opened with --read-only" if read_only else ""
    if path is not None and not reason:
        reason = read_only_reason(path.resolve())
    if reason and path is not None and not path.exists():
        raise StoreError(f"{_safe(target)}: no database there (and read-only: none is created)")
    try:
        if path is not None or target == ":memory:":
            db = _make_sqlite(path, read_only=_read_mode(path) if reason else "")
        else:
            db = _make_other(target, read_only=bool(reason))
        database.initialize(db)
        db.connect(reuse_if_open=True)
        if reason and path is not None:
            db = _readable(db, path)
    except ImproperlyConfigured as exc:
        raise StoreError(f"{_safe(target)}: {exc}") from None
    except (PeeweeException, OSError, sqlite3.Error, UnicodeDecodeError) as exc:
        from kinship.store import postgres

        if postgres.is_url(target):
            raise postgres.connect_error(target, exc) from None
        # A damaged schema can fail as early as the connection's first PRAGMA, even to
        # decode SQLite's own error message; a full disk, when SQLite makes its -shm.
        raise StoreError(_open_error(target, path, exc, "cannot open database: ")) from None
    store = Store(
        db=db,
        target=target,
        path=path.resolve() if path else None,
        read_only=bool(reason),
        read_only_reason=reason,
    )
    try:
        if store.read_only:
            _check_readable_schema(store)
        else:
            migrations.prepare(store, upgrade=upgrade)
            search.prepare(store)
    except (PeeweeException, sqlite3.Error, UnicodeDecodeError) as exc:
        store.close()
        raise StoreError(_open_error(target, path, exc, "")) from None
    except StoreError:
        store.close()
        raise
    previous = make_current(store)
    if previous is not None and previous is not store:
        with contextlib.suppress(Exception):
            previous.close()
    return store


def _open_error(target: str, path: Path | None, exc: BaseException, what: str) -> str:
    """The one line for a store that failed to open: damaged, on a full disk, or else."""
    where = str(path) if path is not None else _safe(target)
    if isinstance(exc, UnicodeDecodeError):
        return damaged(where, exc)
    return explain(exc, where) or f"{_safe(target)}: {what}{database_text(exc)}"


def _read_mode(path: Path | None) -> str:
    """How to open a store read-only without leaving anything behind.

    While a writer has the store open its ``-wal``/``-shm`` files exist: read alongside it
    (``mode=ro``, sharing its index). When they do not, the database file is complete and
    nobody is writing; ``mode=ro`` would create a ``-shm`` owned by us with the file's mode
    (read-only), which then stops the owner from writing. Open it ``immutable`` instead:
    nothing is created, nothing locked.
    """
    if path is None:
        return "mode=ro"
    side = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
    return "mode=ro" if any(p.exists() for p in side) else "immutable=1"


def _readable(db: SqliteDatabase, path: Path) -> SqliteDatabase:
    """In a folder we may not write, a ``-wal`` without its ``-shm`` (a writer crashed)
    cannot be read in ``mode=ro``: read the database file as it is (immutable)."""
    try:
        db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except (PeeweeException, sqlite3.Error) as exc:
        if "unable to open" not in str(exc):
            raise
    db.close()
    db = _make_sqlite(path, read_only="immutable=1")
    database.initialize(db)
    db.connect(reuse_if_open=True)
    return db


def _check_readable_schema(store: Store) -> None:
    current = migrations.schema_version(store)
    if current is None:
        raise StoreError(f"{_safe(store.target)}: read-only and not a kinship database yet")
    if current > migrations.latest():
        raise StoreError(
            f"{_safe(store.target)}: database schema {current} is newer than this kinship "
            f"(schema {migrations.latest()}); upgrade kinship"
        )
    if current < migrations.latest():
        raise StoreError(
            f"{_safe(store.target)}: read-only ({store.read_only_reason}) and its schema "
            f"{current} needs an upgrade: open it once with write access (`kinship db upgrade`)"
        )


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
