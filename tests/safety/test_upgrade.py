"""A failed schema upgrade puts the database back as it was and says where its copy is; old
copies never block a later upgrade."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kinship.errors import StoreError
from kinship.store import close_store, migrations, open_store
from tests.safety.safety_helpers import tables


def _schema_1_store(path: Path) -> None:
    from kinship.store.db import Store, _make_sqlite
    from kinship.store.models import Contact, database

    db = _make_sqlite(path)
    database.initialize(db)
    old = Store(db=db, target=str(path), path=path)
    migrations.apply(old, migrations.steps()[:1])
    Contact.create(uid="u1", display_name="Ada", sort_name="ada")
    db.close()


def _schema(path: Path) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    finally:
        con.close()


def _failing_third_step(monkeypatch: pytest.MonkeyPatch) -> None:
    real = migrations.steps()

    def up(db: Any, migrator: Any) -> None:
        db.execute_sql("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("the disk hiccuped")

    fake = ModuleType("0099_broken")
    fake.up = up  # type: ignore[attr-defined]
    monkeypatch.setattr(
        migrations, "steps", lambda: [*real, migrations.Step(99, "0099_broken", fake)]
    )


def test_failed_upgrade_restores_and_names_the_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    _schema_1_store(path)
    before, schema_before = tables(path), _schema(path)
    _failing_third_step(monkeypatch)

    with pytest.raises(StoreError) as info:
        open_store(path)
    message = str(info.value)
    assert "\n" not in message
    assert "upgrading schema 1 failed: the disk hiccuped" in message
    assert "the database is as it was" in message
    copy = Path(re.search(r"a copy is at (\S+)\)", message).group(1))  # type: ignore[union-attr]
    assert copy.parent == tmp_path and tables(copy) == before
    # Step 2 had committed before step 99 failed: it is undone too.
    assert tables(path) == before
    assert _schema(path) == schema_before

    # Trying again (same second) is not blocked by the first copy: a new name each time.
    with pytest.raises(StoreError, match="is as it was"):
        open_store(path)
    assert len(list(tmp_path.glob("old.db.v1-*.bak"))) == 2

    monkeypatch.undo()
    store = open_store(path)
    assert migrations.schema_version(store) == migrations.latest()
    close_store()


def test_old_copies_never_block_an_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _schema_1_store(path)
    (tmp_path / "old.db.v1.bak").write_text("left over by an older kinship")
    store = open_store(path)
    assert store.upgrade_backup is not None and store.upgrade_backup.exists()
    close_store()
    assert (tmp_path / "old.db.v1.bak").read_text() == "left over by an older kinship"


def test_backup_names_are_unique_within_a_second(tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.db")
    try:
        names = {store.keep_backup("pre-merge").name for _ in range(5)}
    finally:
        close_store()
    assert len(names) == 5


def test_db_upgrade_says_where_the_copy_is(tmp_path: Path, cli: Any, db_path: Path) -> None:
    _schema_1_store(db_path)
    r = cli("db", "upgrade", "--json")
    assert r.code == 0, r.err
    data = r.json()
    assert data["upgraded"] and Path(data["backup"]).exists()
