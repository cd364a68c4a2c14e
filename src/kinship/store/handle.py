"""The open store: the :class:`Store` handle and the one the process is using.

Kept apart from :mod:`kinship.store.db` (which opens, migrates and indexes) so that the
migrations, search and query modules can reach the open store without importing back into
the module that imports them.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peewee import Database, SqliteDatabase

from kinship.errors import StoreError


@dataclass
class Store:
    """An open database. ``target`` is the path or URL it was opened from."""

    db: Database
    target: str
    path: Path | None = None

    @property
    def is_sqlite(self) -> bool:
        return isinstance(self.db, SqliteDatabase)

    def write(self) -> Any:
        """A write transaction. On SQLite it begins IMMEDIATE, so a second writer waits
        for the lock up front instead of failing with "database is locked" on upgrade."""
        if self.is_sqlite:
            if self.db.in_transaction():
                return self.db.atomic()
            return self.db.atomic(lock_type="IMMEDIATE")
        return self.db.atomic()

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


def current() -> Store:
    """The store opened by :func:`kinship.store.open_store` (services use it)."""
    if _current is None:
        raise StoreError("no database is open")
    return _current


def activate(store: Store) -> None:
    """Make ``store`` the open one, closing the one it replaces."""
    global _current
    if _current is not None and _current is not store:
        with contextlib.suppress(Exception):
            _current.close()
    _current = store


def deactivate() -> None:
    global _current
    if _current is not None:
        _current.close()
        _current = None
