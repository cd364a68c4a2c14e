"""The open store: :class:`Store`, :func:`current` and :func:`describe_error`, the one
line every face shows for an error.

This sits under everything else in ``kinship.store``: :mod:`kinship.store.db` opens a store
(running :mod:`~kinship.store.migrations` and :mod:`~kinship.store.search` on it) and makes it
current here, while migrations, search and queries only need the handle. Keeping the handle
apart from the opening is what lets ``db`` import them without an import circle.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peewee import Database, PeeweeException, PostgresqlDatabase, SqliteDatabase

from kinship.errors import KinshipError, StoreError
from kinship.fileperms import private_dir, touch_private

BUSY_TIMEOUT_S = 10.0


class ReadOnlyStore(StoreError):
    """A write to a store opened read-only."""


@dataclass
class Store:
    """An open database. ``target`` is the path or URL it was opened from.

    ``read_only`` is set when the store was opened read-only: asked for (``--read-only``),
    or because this user may not write the file or its folder. Reads work; every write
    raises :class:`ReadOnlyStore` before touching anything. ``read_only_reason`` says why.
    """

    db: Database
    target: str
    path: Path | None = None
    read_only: bool = False
    read_only_reason: str = ""

    @property
    def label(self) -> str:
        """The target for messages (a URL without its password)."""
        from kinship.config import describe_target

        return describe_target(self.target)

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
        if self.read_only:
            from kinship.config import describe_target

            raise ReadOnlyStore(
                f"{describe_target(self.target)} is read-only ({self.read_only_reason}): "
                "nothing was changed"
            )
        if self.db.in_transaction():
            return self.db.atomic()
        if self.is_sqlite:
            return self.db.atomic(lock_type="IMMEDIATE")
        if self.is_postgres:
            return self.db.atomic(write=True)
        return self.db.atomic()

    def snapshot(self) -> Any:
        """A read transaction that sees one consistent state of the store throughout
        (an export reads many tables one after another)."""
        if not self.is_postgres or self.db.in_transaction():
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
        if self.is_postgres:
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
        private_dir(dest.parent)  # every folder created 0700, the copy 0600
        try:
            touch_private(dest)
        except FileExistsError:
            raise StoreError(f"{dest}: already exists; choose another file") from None
        try:
            target = sqlite3.connect(dest)
            with target:
                self.db.connection().backup(target)
            target.close()
        except (sqlite3.Error, OSError) as exc:
            dest.unlink(missing_ok=True)
            raise StoreError(f"{dest}: backup failed: {exc}") from None


_current: Store | None = None


def current() -> Store:
    """The store opened by :func:`kinship.store.open_store` (services use it)."""
    if _current is None:
        raise StoreError("no database is open")
    return _current


def make_current(store: Store | None) -> Store | None:
    """Make ``store`` the current one (``None``: none); return the one it replaces."""
    global _current
    previous, _current = _current, store
    return previous


def is_database_error(exc: BaseException) -> bool:
    """Whether ``exc`` came from the database driver or the ORM (not from kinship itself)."""
    return isinstance(exc, PeeweeException | sqlite3.Error)


def describe_error(exc: BaseException) -> str:
    """Any error a service or the database raised, as the one line the CLI and the app show.

    kinship's own errors are already worded for the user; a database error says so (a lock
    held past the busy timeout, or a read-only file, in plain words); anything else names
    its type.
    """
    if isinstance(exc, KinshipError):
        return str(exc)
    if is_database_error(exc):
        return f"database error: {database_text(exc)}"
    return f"{type(exc).__name__}: {_one_line(exc)}"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def database_text(exc: BaseException) -> str:
    """A database error's own text as one line; a lock held past the busy timeout says so
    plainly."""
    text = _one_line(exc)
    if (
        "database is locked" in text
        or "database is busy" in text
        or "lock timeout" in text  # PostgreSQL: another writer held the write lock
    ):
        return (
            f"the database is busy: another program kept it locked for over "
            f"{BUSY_TIMEOUT_S:g} s; try again"
        )
    if "readonly database" in text:
        return "the database is read-only: nothing was changed"
    return text
