"""Numbered schema migrations (``NNNN_name.py`` files with ``up(db, migrator)``).

Opening a database applies what is missing: a new database gets every step, an older one is
copied to ``<name>.v<N>.bak`` first, a newer one is refused. Once released, a migration file
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
    module: ModuleType


def steps() -> list[Step]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        m = _NAME.match(info.name)
        if m:
            found.append(
                Step(int(m.group(1)), info.name, importlib.import_module(f"{__name__}.{info.name}"))
            )
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
    return int(row[0]) if row else 0


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
            store.backup_to(store.path.with_name(f"{store.path.name}.v{current}.bak"))
    apply(store, todo)
    return todo


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
