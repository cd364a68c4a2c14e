from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from kinship.errors import StoreError
from kinship.store import close_store, migrations, open_store
from kinship.store.models import MODELS


def _schema(db: Any) -> list[tuple[str, str]]:
    rows = db.execute_sql(
        "SELECT name, sql FROM sqlite_master"
        " WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [(name, re.sub(r"\s+", " ", sql)) for name, sql in rows]


def test_migrated_database_equals_fresh_one(tmp_path: Path) -> None:
    """Running every migration gives exactly the schema the models describe."""
    migrated = open_store(tmp_path / "migrated.db")
    got = _schema(migrated.db)
    close_store()

    from peewee import SqliteDatabase

    from kinship.store.models import database

    fresh_db = SqliteDatabase(str(tmp_path / "fresh.db"))
    database.initialize(fresh_db)
    fresh_db.create_tables(MODELS)
    from kinship.store.search import _FTS_DDL

    fresh_db.execute_sql(_FTS_DDL)
    want = _schema(fresh_db)
    fresh_db.close()
    assert got == want


def test_migration_numbers_are_unique_and_contiguous() -> None:
    numbers = [s.number for s in migrations.steps()]
    assert len(numbers) == len(set(numbers))
    assert numbers == list(range(1, len(numbers) + 1))


def test_upgrade_from_schema_1_keeps_a_backup(tmp_path: Path) -> None:
    from kinship.store.db import Store, _make_sqlite
    from kinship.store.models import Contact, database

    path = tmp_path / "old.db"
    db = _make_sqlite(path)
    database.initialize(db)
    old = Store(db=db, target=str(path), path=path)
    migrations.apply(old, migrations.steps()[:1])
    Contact.create(uid="u1", display_name="Ada", sort_name="ada")
    db.close()

    with pytest.raises(StoreError, match="needs an upgrade"):
        open_store(path, upgrade=False)
    store = open_store(path)
    assert migrations.schema_version(store) == migrations.latest()
    assert Contact.get(Contact.uid == "u1").display_name == "Ada"
    upgraded = _schema(store.db)
    backup = store.upgrade_backup
    close_store()
    assert backup is not None and backup.parent == tmp_path
    assert re.fullmatch(r"old\.db\.v1-\d{8}T\d{6}Z\.bak", backup.name)
    fresh = open_store(tmp_path / "fresh.db")
    assert upgraded == _schema(fresh.db)
    close_store()
