"""Opening the store: a path or URL → a ready, migrated database.

Everything backend-specific (pragmas, IMMEDIATE transactions, file modes, FTS) stays in
``kinship.store``; the services only call :meth:`Store.write` and the query helpers.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peewee import (
    Database,
    ImproperlyConfigured,
    OperationalError,
    PeeweeException,
    PostgresqlDatabase,
    SqliteDatabase,
)

from kinship.errors import StoreError
from kinship.store import migrations, search
from kinship.store.models import database

BUSY_TIMEOUT_S = 10.0


@dataclass
class Store:
    """An open database. ``target`` is the path or URL it was opened from."""

    db: Database
    target: str
    path: Path | None = None

    @property
    def label(self) -> str:
        """The target for messages (a URL without its password)."""
        return _safe(self.target)

    @property
    def is_sqlite(self) -> bool:
        return isinstance(self.db, SqliteDatabase)

    @property
    def is_postgres(self) -> bool:
        return isinstance(self.db, PostgresqlDatabase)

    def write(self) -> Any:
        """A write transaction. On SQLite it begins IMMEDIATE, so a second writer waits
        for the lock up front instead of failing with "database is locked" on upgrade; on
        PostgreSQL it takes the store's advisory write lock, to the same effect."""
        if self.db.in_transaction():
            return self.db.atomic()
        if self.is_sqlite:
            return self.db.atomic(lock_type="IMMEDIATE")
        return self.db.atomic(write=True)

    def snapshot(self) -> Any:
        """A read transaction that sees one consistent state of the store throughout
        (an export reads many tables one after another)."""
        if self.is_sqlite or self.db.in_transaction():
            return self.db.atomic()
        return self.db.atomic(isolation_level="REPEATABLE READ")

    def analyze(self, *models: Any) -> None:
        """After a bulk load: refresh the planner's statistics of these tables.

        PostgreSQL plans a table it has no statistics for as if it held a row or two, and a
        correlated subquery over thousands of fresh rows then takes seconds instead of
        milliseconds (its autovacuum catches up only after a while). SQLite plans from its
        indexes alone here."""
        if self.is_postgres:
            for model in models:
                self.db.execute_sql(f'ANALYZE "{model._meta.table_name}"')

    def sync_ids(self, *models: Any) -> None:
        """After rows were inserted with explicit ids: let new rows number after them.

        SQLite numbers from the largest id by itself; PostgreSQL's sequences do not move."""
        if not self.is_sqlite:
            from kinship.store import postgres

            postgres.sync_sequences(self.db, [m._meta.table_name for m in models])

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()

    def backup_to(self, dest: Path) -> None:
        """Copy the whole database to ``dest`` with SQLite's online backup."""
        if not self.is_sqlite:
            raise StoreError("backup works on SQLite stores; use pg_dump for PostgreSQL")
        dest = Path(dest)
        if dest.exists():
            raise StoreError(f"{dest}: already exists; choose another file")
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        try:
            target = sqlite3.connect(dest)
            with target:
                self.db.connection().backup(target)
            target.close()
        except (sqlite3.Error, OSError) as exc:
            dest.unlink(missing_ok=True)
            raise StoreError(f"{dest}: backup failed: {exc}") from None


_current: Store | None = None


def describe_error(exc: BaseException) -> str:
    """A database error as one line; a lock held past the busy timeout says so plainly."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if (
        "database is locked" in text
        or "database is busy" in text
        or "lock timeout" in text  # PostgreSQL: another writer held the write lock
    ):
        return (
            f"the database is busy: another program kept it locked for over "
            f"{BUSY_TIMEOUT_S:g} s; try again"
        )
    return text


def _safe(target: str) -> str:
    from kinship.config import describe_target

    return describe_target(target)


def current() -> Store:
    """The store opened by :func:`open_store` (services use it)."""
    if _current is None:
        raise StoreError("no database is open")
    return _current


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
    from kinship.store import postgres

    if postgres.is_url(url):
        return postgres.make_database(url, lock_timeout_s=BUSY_TIMEOUT_S)
    try:
        from playhouse.db_url import connect
    except ImportError as exc:  # pragma: no cover - playhouse ships with peewee
        raise StoreError(str(exc)) from None
    try:
        return connect(url)
    except (ImportError, PeeweeException, ValueError, RuntimeError) as exc:
        raise StoreError(f"cannot open {_safe(url)}: {exc}") from None


def connect(target: str | os.PathLike[str], *, create: bool = True) -> Store:
    """Connect to ``target`` without migrating it or making it the current store.

    ``create=False`` refuses a SQLite file that does not exist instead of making one.
    """
    target = os.fspath(target)
    path = _sqlite_path(target)
    if not create and path is not None and not path.exists():
        raise StoreError(f"{target}: no such database")
    try:
        db = _make_sqlite(path) if path is not None or target == ":memory:" else _make_other(target)
        db.connect(reuse_if_open=True)
    except ImproperlyConfigured as exc:
        raise StoreError(f"{_safe(target)}: {exc}") from None
    except (PeeweeException, OSError, sqlite3.Error) as exc:
        from kinship.store import postgres

        if postgres.is_url(target):
            raise postgres.connect_error(target, exc) from None
        raise StoreError(f"{_safe(target)}: cannot open database: {describe_error(exc)}") from None
    return Store(db=db, target=target, path=path.resolve() if path else None)


def open_store(target: str | os.PathLike[str], *, upgrade: bool = True) -> Store:
    """Open (creating if needed) and migrate the database at ``target``.

    ``target`` is a file path, ``:memory:``, ``sqlite:///path`` or a server URL such as
    ``postgresql://user@host/db``. An older schema is upgraded after a backup copy; a newer
    one is refused.
    """
    global _current
    store = connect(target)
    target = store.target
    database.initialize(store.db)
    try:
        migrations.prepare(store, upgrade=upgrade)
        search.prepare(store)
    except OperationalError as exc:
        store.close()
        raise StoreError(f"{_safe(target)}: {describe_error(exc)}") from None
    except StoreError:
        store.close()
        raise
    if _current is not None and _current is not store:
        with contextlib.suppress(Exception):
            _current.close()
    _current = store
    return store


def close_store() -> None:
    global _current
    if _current is not None:
        _current.close()
        _current = None


@contextlib.contextmanager
def opened(target: str | os.PathLike[str]) -> Iterator[Store]:
    store = open_store(target)
    try:
        yield store
    finally:
        close_store()
