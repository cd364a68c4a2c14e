"""Opening the store: a path or URL → a ready, migrated database.

Everything backend-specific (pragmas, IMMEDIATE transactions, file modes, FTS) stays in
``kinship.store``; the services only call :meth:`Store.write` and the query helpers.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from peewee import (
    Database,
    ImproperlyConfigured,
    PeeweeException,
    SqliteDatabase,
)

from kinship.errors import StoreError
from kinship.store import migrations, search
from kinship.store.models import database

BUSY_TIMEOUT_S = 10.0


#: Files SQLite keeps beside an open database, and what they are called in messages.
SIDE_FILES = {
    "": "the open database",
    "-wal": "the open database's write-ahead log (-wal)",
    "-shm": "the open database's shared-memory file (-shm)",
    "-journal": "the open database's journal",
}


def real_path(path: str | os.PathLike[str]) -> Path:
    """``path`` absolute, with ``~`` and every symlink resolved (it need not exist)."""
    return Path(os.path.realpath(os.path.expanduser(os.fspath(path))))


@dataclass
class Store:
    """An open database. ``target`` is the path or URL it was opened from."""

    db: Database
    target: str
    path: Path | None = None
    #: The copy kept before this open upgraded the schema, if it did.
    upgrade_backup: Path | None = None

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

    # ------------------------------------------------------------------ its files

    def own_file(self, path: str | os.PathLike[str]) -> str | None:
        """What ``path`` is to this store — the database, its -wal/-shm/journal, or one of
        the backups kinship keeps beside it (``<name>.*.bak``) — or None.

        Relative paths, symlinks and hard links to those files count as the files.
        """
        if self.path is None:
            return None
        real = real_path(path)
        db = self.path
        mine = {db.with_name(db.name + suffix): what for suffix, what in SIDE_FILES.items()}
        if real in mine:
            return mine[real]
        if _is_backup_name(db, real):
            return f"a backup of the open database ({real.name})"
        try:
            st = os.stat(real)
        except OSError:
            return None
        for candidate, what in mine.items():
            with contextlib.suppress(OSError):
                if os.path.samestat(st, candidate.stat()):
                    return what
        with contextlib.suppress(OSError):
            for backup in db.parent.glob(glob_escape(db.name) + ".*.bak"):
                if os.path.samestat(st, backup.stat()):
                    return f"a backup of the open database ({backup.name})"
        return None

    def in_own_folder(self, folder: str | os.PathLike[str]) -> bool:
        """Whether ``folder`` is the folder that holds the database file."""
        if self.path is None:
            return False
        real = real_path(folder)
        if real == self.path.parent:
            return True
        try:
            return os.path.samefile(real, self.path.parent)
        except OSError:
            return False

    def backup_to(self, dest: Path) -> None:
        """Copy the whole database to ``dest`` (which must not exist) with SQLite's online
        backup. The copy is written beside ``dest`` under a temporary name and linked into
        place, so ``dest`` is either the whole copy or absent, and is never replaced."""
        if not self.is_sqlite:
            raise StoreError("backup works on SQLite stores; use pg_dump for PostgreSQL")
        dest = Path(dest).expanduser()
        what = self.own_file(dest)
        if what is not None:
            raise StoreError(f"{dest}: that is {what}; choose another file")
        if dest.exists() or dest.is_symlink():
            raise StoreError(f"{dest}: already exists; choose another file")
        if not self._copy_to(dest):
            raise StoreError(f"{dest}: already exists; choose another file")

    def keep_backup(self, label: str) -> Path:
        """Copy the database beside itself as ``<name>.<label>-<UTC time>.bak`` (with a
        counter when that name is taken: two copies in one second never collide, and an
        old copy never blocks a new one). Returns the copy's path."""
        if self.path is None:
            raise StoreError("only a database file can be copied beside itself")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        for n in range(1000):
            name = f"{self.path.name}.{label}-{stamp}{f'-{n}' if n else ''}.bak"
            dest = self.path.with_name(name)
            if dest.exists() or dest.is_symlink():
                continue
            if self._copy_to(dest):
                return dest
        raise StoreError(f"{self.path}: cannot find a free name for a backup copy")

    def _copy_to(self, dest: Path) -> bool:
        """The online backup into ``dest``; False when ``dest`` appeared meanwhile."""
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
        except OSError as exc:
            raise StoreError(f"{dest}: backup failed: {describe_error(exc, dest)}") from None
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            target = sqlite3.connect(tmp)
            try:
                with target:
                    self.db.connection().backup(target)
            finally:
                target.close()
            try:
                os.link(tmp, dest)  # never replaces: fails if dest exists
            except FileExistsError:
                return False
            except OSError:
                # A filesystem without hard links: rename, having just checked.
                if dest.exists() or dest.is_symlink():
                    return False
                os.replace(tmp, dest)
            return True
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"{dest}: backup failed: {describe_error(exc, dest)}") from None
        finally:
            for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
                with contextlib.suppress(OSError):
                    leftover.unlink()

    def restore_from(self, backup: Path) -> None:
        """Put the contents of ``backup`` (a copy made by :meth:`keep_backup`) back into
        the open database, through SQLite's backup API (locks and WAL are respected)."""
        source = sqlite3.connect(f"{real_path(backup).as_uri()}?mode=ro", uri=True)
        try:
            source.backup(self.db.connection())
        finally:
            source.close()


def glob_escape(name: str) -> str:
    import glob

    return glob.escape(name)


def _is_backup_name(db: Path, path: Path) -> bool:
    return (
        path.parent == db.parent
        and path.name.startswith(db.name + ".")
        and path.name.endswith(".bak")
    )


_current: Store | None = None


#: SQLite result codes (``sqlite3.Error.sqlite_errorcode``, primary code in the low byte).
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_NOTADB = 10, 11, 13, 26
#: What SQLite and the sqlite3 module say when the file itself is damaged.
_DAMAGE_TEXTS = (
    "database disk image is malformed",
    "file is not a database",
    "could not decode to utf-8",
    "malformed database schema",
    # The schema version says "current" yet a table or column kinship made is gone.
    "no such table",
    "no such column",
)
CHECK_HINT = "run `kinship db check`, and restore a backup if it finds damage"


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it wraps: peewee's ``orig``, the cause and the context. A full disk
    often surfaces as "cannot rollback - no transaction is active", the error SQLite gives
    when the rollback after SQLITE_FULL finds the transaction already gone."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo and len(seen) < 20:
        e = todo.pop(0)
        if e is None or any(e is s for s in seen):
            continue
        seen.append(e)
        todo += [getattr(e, "orig", None), e.__cause__, e.__context__]
    return seen


def is_disk_full(exc: BaseException) -> bool:
    for e in _chain(exc):
        code = getattr(e, "sqlite_errorcode", 0) & 0xFF
        if isinstance(e, sqlite3.Error) and code == SQLITE_FULL:
            return True
        if isinstance(e, OSError) and e.errno == errno.ENOSPC:
            return True
        if "database or disk is full" in str(e):
            return True
    return False


def is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` says the database file is damaged (not locked, not full)."""
    for e in _chain(exc):
        code = getattr(e, "sqlite_errorcode", 0) & 0xFF
        if isinstance(e, sqlite3.Error) and code in (SQLITE_CORRUPT, SQLITE_NOTADB):
            return True
        text = str(e).casefold()
        if any(t in text for t in _DAMAGE_TEXTS):
            return True
    return False


def explain(exc: BaseException, path: str | os.PathLike[str] | None = None) -> str | None:
    """The one line for an error that means something to the user (a full disk, a damaged
    database, a lock held too long), or None. ``path`` is the file concerned (by default
    the open database's)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if "database is locked" in text or "database is busy" in text:
        return (
            f"the database is busy: another program kept it locked for over "
            f"{BUSY_TIMEOUT_S:g} s; try again"
        )
    where = _where(exc, path)
    if is_disk_full(exc) or (_is_io_error(exc) and _nearly_full(where)):
        return f"disk full: {where}; free some space and try again (nothing was changed)"
    if is_damage(exc):
        return damaged(where, _chain(exc)[-1])
    return None


def _is_io_error(exc: BaseException) -> bool:
    """SQLITE_IOERR: what SQLite says when it cannot even create its -shm on a full disk."""
    return any(
        (getattr(e, "sqlite_errorcode", 0) & 0xFF) == SQLITE_IOERR or "disk I/O error" in str(e)
        for e in _chain(exc)
    )


def _nearly_full(where: str) -> bool:
    import shutil

    folder = Path(where).parent
    try:
        return shutil.disk_usage(folder).free < 64 * 1024
    except (OSError, ValueError):
        return False


def damaged(where: str, exc: BaseException) -> str:
    """The one line for a damaged database file."""
    detail = " ".join(str(exc).split())[:100] or type(exc).__name__
    if isinstance(exc, UnicodeDecodeError):
        detail = f"text that is not UTF-8 ({detail})"
    return f"{where}: the database is damaged ({detail}); {CHECK_HINT}"


def describe_error(exc: BaseException, path: str | os.PathLike[str] | None = None) -> str:
    """A database error as one line: :func:`explain`'s when it has one, else its text."""
    return explain(exc, path) or " ".join(str(exc).split()) or type(exc).__name__


def _where(exc: BaseException, path: str | os.PathLike[str] | None) -> str:
    if path is not None:
        return os.fspath(path)
    for e in _chain(exc):
        if isinstance(e, OSError) and isinstance(e.filename, str | bytes | os.PathLike):
            return os.fsdecode(e.filename)
    if _current is not None:
        return str(_current.path) if _current.path else _safe(_current.target)
    return "the database"


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
    global _current
    target = os.fspath(target)
    path = _sqlite_path(target)
    try:
        db = _make_sqlite(path) if path is not None or target == ":memory:" else _make_other(target)
        database.initialize(db)
        db.connect(reuse_if_open=True)
    except ImproperlyConfigured as exc:
        hint = " (pip install 'kinship[postgres]')" if target.startswith("postgres") else ""
        raise StoreError(f"{_safe(target)}: {exc}{hint}") from None
    except (PeeweeException, OSError, sqlite3.Error, UnicodeDecodeError) as exc:
        # A damaged schema can fail as early as the connection's first PRAGMA, even to
        # decode SQLite's own error message.
        where = str(path) if path else _safe(target)
        special = (
            damaged(where, exc) if isinstance(exc, UnicodeDecodeError) else explain(exc, where)
        )
        raise StoreError(
            special or f"{_safe(target)}: cannot open database: {describe_error(exc)}"
        ) from None
    store = Store(db=db, target=target, path=path.resolve() if path else None)
    try:
        migrations.prepare(store, upgrade=upgrade)
        search.prepare(store)
    except (PeeweeException, sqlite3.Error, UnicodeDecodeError) as exc:
        store.close()
        where = str(path) if path else _safe(target)
        special = (
            damaged(where, exc) if isinstance(exc, UnicodeDecodeError) else explain(exc, where)
        )
        raise StoreError(special or f"{_safe(target)}: {describe_error(exc)}") from None
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
