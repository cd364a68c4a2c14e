from __future__ import annotations

import re
from pathlib import Path

import pytest

from kinship.store import close_store, migrations, open_store
from kinship.store.models import MODELS


def _schema(db) -> list[tuple[str, str]]:
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


def test_upgrade_keeps_a_backup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.db"
    s = open_store(path)
    s.db.execute_sql("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    close_store()
    # Schema 0 → 1 re-runs 0001 (CREATE TABLE IF NOT EXISTS), after copying the file.
    with pytest.raises(Exception, match="needs an upgrade"):
        open_store(path, upgrade=False)
    close_store()
    open_store(path)
    close_store()
    assert (tmp_path / "old.db.v0.bak").exists()
