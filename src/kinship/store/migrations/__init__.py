"""Numbered schema migrations (``NNNN_name.py`` files with ``up(db, migrator)``).

Opening a database applies what is missing: a new database gets every step, an older one is
copied to ``<name>.v<N>-<UTC time>.bak`` first (a fresh name each time, so an old copy never
blocks an upgrade), a newer one is refused. A step that fails puts that copy back, so the
database is as it was, and the error says where the copy is. Once released, a migration file
never changes: schema changes go in a new numbered file using ``playhouse.migrate``.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from kinship.errors import StoreError

if TYPE_CHECKING:
    from kinship.store.handle import Store

_NAME = re.compile(r"^(\d{4})_\w+$")


@dataclass(frozen=True)
class Step:
    number: int
    name: str
    #: The step's code when it was handed in; else imported on first use (:attr:`module`).
    given: ModuleType | None = None

    @property
    def module(self) -> ModuleType:
        """The step's code, imported when it is applied (or asked for): opening a store that
        is up to date imports none of them (each imports ``playhouse.migrate``, which imports
        peewee's every driver, psycopg among them: tens of ms before the app's first frame)."""
        if self.given is not None:
            return self.given
        return importlib.import_module(f"{__name__}.{self.name}")


def steps() -> list[Step]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        m = _NAME.match(info.name)
        if m:
            found.append(Step(int(m.group(1)), info.name))
    found.sort(key=lambda s: s.number)
    return found


def latest() -> int:
    return steps()[-1].number


def schema_version(store: Store) -> int | None:
    tables = set(store.db.get_tables())
    if "meta" not in tables:
        if tables - {"sqlite_sequence"}:
            raise StoreError(f"{store.label}: not a kinship database (it has other tables)")
        return None
    row = store.db.execute_sql("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if not row:
        return 0
    try:
        return int(row[0])
    except (TypeError, ValueError):
        from kinship.store.handle import CHECK_HINT

        raise StoreError(
            f"{store.label}: the database is damaged (schema_version is {row[0]!r}, "
            f"not a number); {CHECK_HINT}"
        ) from None


def prepare(store: Store, *, upgrade: bool = True) -> list[Step]:
    """Bring the schema up to date; return the steps applied."""
    current = schema_version(store)
    todo = [s for s in steps() if current is None or s.number > current]
    if current is not None and current > latest():
        raise StoreError(
            f"{store.label}: database schema {current} is newer than this kinship "
            f"(schema {latest()}); upgrade kinship"
        )
    if not todo:
        return []
    if current is not None:
        if not upgrade:
            raise StoreError(
                f"{store.label}: schema {current} needs an upgrade: run `kinship db upgrade`"
            )
        if store.path is not None:
            store.upgrade_backup = store.keep_backup(f"v{current}")
    try:
        apply(store, todo)
    except Exception as exc:
        raise StoreError(_failed_upgrade(store, current, exc)) from None
    return todo


def _failed_upgrade(store: Store, current: int | None, exc: Exception) -> str:
    """Undo a partial upgrade from the copy taken before it; the message says what happened."""
    from kinship.store.handle import database_text

    step = "creating the schema" if current is None else f"upgrading schema {current}"
    what = f"{store.label}: {step} failed: {database_text(exc)}"
    backup = store.upgrade_backup
    if backup is None:
        return what
    try:
        store.restore_from(backup)
    except Exception as again:
        return (
            f"{what}; restoring the copy failed too ({database_text(again)}): "
            f"copy {backup} over the database by hand"
        )
    return f"{what}; the database is as it was (a copy is at {backup})"


def apply(store: Store, todo: list[Step]) -> None:
    from playhouse.migrate import SchemaMigrator

    migrator = SchemaMigrator.from_database(store.db)
    for step in todo:
        with store.write():
            step.module.up(store.db, migrator)
            if store.db.table_exists("meta"):
                from kinship.store.models import Meta

                # Delete + insert: portable (REPLACE is SQLite's, not PostgreSQL's).
                Meta.delete().where(Meta.key == "schema_version").execute()
                Meta.create(key="schema_version", value=str(step.number))
