"""The open store: :class:`Store`, :func:`current` and :func:`describe_error`, the one
line every face shows for an error.

This sits under everything else in ``kinship.store``: :mod:`kinship.store.db` opens a store
(running :mod:`~kinship.store.migrations` and :mod:`~kinship.store.search` on it) and makes it
current here, while migrations, search and queries only need the handle. Keeping the handle
apart from the opening is what lets ``db`` import them without an import circle.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from peewee import Database, PeeweeException, PostgresqlDatabase, SqliteDatabase

from kinship.errors import KinshipError, StoreError
from kinship.fileperms import private_dir, touch_private

BUSY_TIMEOUT_S = 10.0
#: How much of the file :meth:`Store.for_bulk_reads` maps (SQLite reads up to this much of
#: it through the map; past it, as usual).
BULK_MMAP_BYTES = 1 << 30


class ReadOnlyStore(StoreError):
    """A write to a store opened read-only."""


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
    #: The copy kept before this open upgraded the schema, if it did.
    upgrade_backup: Path | None = None

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

    def commit_counter(self) -> int | None:
        """A number that changes whenever *another* connection commits to this store (its
        own commits leave it alone): SQLite's ``data_version``, on a store whose readers
        elsewhere see each commit whole (a WAL file). None where there is no such number
        (PostgreSQL, ``:memory:``, a rollback journal)."""
        if not self.is_sqlite or self.path is None:
            return None
        mode = self.db.execute_sql("PRAGMA journal_mode").fetchone()
        if not mode or str(mode[0]).lower() != "wal":
            return None
        row = self.db.execute_sql("PRAGMA data_version").fetchone()
        return int(row[0]) if row else None

    def for_bulk_reads(self) -> None:
        """This connection is about to read most of the store once (a worker process of a
        full recompute): map the file instead of reading it page by page into the small
        page cache, which scattered reads of 1M interactions keep missing."""
        if self.is_sqlite:
            self.db.execute_sql(f"PRAGMA mmap_size = {BULK_MMAP_BYTES}")

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
            for backup in db.parent.glob(glob.escape(db.name) + ".*.bak"):
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
        if dest.exists() or dest.is_symlink() or not self._copy_to(dest):
            raise StoreError(f"{dest}: already exists; choose another file")

    def keep_backup(self, label: str) -> Path:
        """Copy the database beside itself as ``<name>.<label>-<UTC time>.bak`` (with a
        counter when that name is taken: two copies in one second never collide, and an
        old copy never blocks a new one). Returns the copy's path."""
        if self.path is None:
            raise StoreError("only a database file can be copied beside itself")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        for n in range(1000):
            dest = self.path.with_name(
                f"{self.path.name}.{label}-{stamp}{f'-{n}' if n else ''}.bak"
            )
            if dest.exists() or dest.is_symlink():
                continue
            if self._copy_to(dest):
                return dest
        raise StoreError(f"{self.path}: cannot find a free name for a backup copy")

    def _copy_to(self, dest: Path) -> bool:
        """The online backup into ``dest`` (0600, in folders created 0700); False when
        ``dest`` appeared meanwhile."""
        try:
            private_dir(dest.parent)
            tmp = _private_temp(dest)
        except OSError as exc:
            raise StoreError(f"{dest}: backup failed: {database_text(exc, dest)}") from None
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
            raise StoreError(f"{dest}: backup failed: {database_text(exc, dest)}") from None
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


def _private_temp(dest: Path) -> Path:
    """A new empty ``0600`` file beside ``dest`` (whatever the umask), named so that it is
    hidden and never taken for a backup."""
    import secrets

    for _ in range(100):
        tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(6)}.tmp")
        try:
            touch_private(tmp)
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(f"no free temporary name beside {dest}")


def _is_backup_name(db: Path, path: Path) -> bool:
    return (
        path.parent == db.parent
        and path.name.startswith(db.name + ".")
        and path.name.endswith(".bak")
    )


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

    kinship's own errors are already worded for the user; a full disk or a damaged database
    says what it is, where, and what to do; another database error says so (a lock held past
    the busy timeout, or a read-only file, in plain words); anything else names its type.
    """
    if isinstance(exc, KinshipError):
        return str(exc)
    if is_database_error(exc) or isinstance(exc, OSError):
        special = explain(exc)
        if special:
            return special
    if is_database_error(exc):
        return f"database error: {database_text(exc)}"
    return f"{type(exc).__name__}: {_one_line(exc)}"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


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


def _code(e: BaseException) -> int:
    return int(getattr(e, "sqlite_errorcode", 0) or 0) & 0xFF if isinstance(e, sqlite3.Error) else 0


def is_disk_full(exc: BaseException) -> bool:
    for e in _chain(exc):
        if _code(e) == SQLITE_FULL or "database or disk is full" in str(e):
            return True
        if isinstance(e, OSError) and e.errno == errno.ENOSPC:
            return True
    return False


def is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` says the database file is damaged (not locked, not full)."""
    for e in _chain(exc):
        if _code(e) in (SQLITE_CORRUPT, SQLITE_NOTADB):
            return True
        text = str(e).casefold()
        if any(t in text for t in _DAMAGE_TEXTS):
            return True
    return False


def explain(exc: BaseException, path: str | os.PathLike[str] | None = None) -> str | None:
    """The one line for a full disk or a damaged database — what, where (``path``, by
    default the file the error names or the open database) and what to do — or None."""
    where = _where(exc, path)
    if is_disk_full(exc) or (_is_io_error(exc) and _nearly_full(where)):
        return f"disk full: {where}; free some space and try again"
    if is_damage(exc):
        return damaged(where, _chain(exc)[-1])
    return None


def damaged(where: str, exc: BaseException) -> str:
    """The one line for a damaged database file."""
    detail = _one_line(exc)[:100]
    if isinstance(exc, UnicodeDecodeError):
        detail = f"text that is not UTF-8 ({detail})"
    return f"{where}: the database is damaged ({detail}); {CHECK_HINT}"


def _is_io_error(exc: BaseException) -> bool:
    """SQLITE_IOERR: what SQLite says when it cannot even create its -shm on a full disk."""
    return any(_code(e) == SQLITE_IOERR or "disk I/O error" in str(e) for e in _chain(exc))


def _nearly_full(where: str) -> bool:
    import shutil

    try:
        return shutil.disk_usage(Path(where).parent).free < 64 * 1024
    except (OSError, ValueError):
        return False


def _where(exc: BaseException, path: str | os.PathLike[str] | None) -> str:
    if path is not None:
        return os.fspath(path)
    for e in _chain(exc):
        if isinstance(e, OSError) and isinstance(e.filename, str | bytes | os.PathLike):
            return os.fsdecode(e.filename)
    if _current is not None:
        return str(_current.path) if _current.path else _current.label
    return "the database"


def database_text(exc: BaseException, path: str | os.PathLike[str] | None = None) -> str:
    """A database error's own text as one line; a lock held past the busy timeout, a full
    disk and a damaged file say so plainly."""
    special = explain(exc, path)
    if special:
        return special
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
