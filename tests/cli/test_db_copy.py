"""``kinship db copy SOURCE TARGET``: whole stores between backends, lossless and atomic.

On the PostgreSQL test run ``db_path`` is a database on the test server, so the round trip
is SQLite → PostgreSQL → SQLite; on the SQLite run it is SQLite → SQLite → SQLite.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kinship.store import close_store, open_store


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    from kinship.sample import demo
    from kinship.services import contacts

    path = tmp_path / "demo.db"
    open_store(path)
    demo.generate(60, today=date(2025, 3, 14))
    # Text the backends store differently: accents, emoji, quotes, a long note.
    contacts.add("Zoë «Ω» O'Hara 🎉", notes="line one\nline two; " + "x" * 5000)
    close_store()
    return path


def _export(cli: Any, db: Any, dest: Path) -> str:
    r = cli("export", "--format", "json", "-o", str(dest), "--db", str(db), db=False)
    assert r.code == 0, r.err
    return dest.read_text(encoding="utf-8")


def test_copy_there_and_back_is_lossless(cli: Any, db_path: Any, demo_file: Path) -> None:
    tmp = demo_file.parent
    r = cli("db", "copy", str(demo_file), str(db_path), db=False)
    assert r.code == 0, r.err
    assert r.out.startswith("copied ") and "rows to" in r.out
    assert "copied contact: 61 rows" in r.err  # progress on stderr (a line per table here)
    back = tmp / "back.db"
    r = cli("db", "copy", str(db_path), str(back), "--json", db=False)
    assert r.code == 0, r.err
    assert r.json()["rows"]["contact"] == 61
    original = _export(cli, demo_file, tmp / "a.json")
    assert original == _export(cli, db_path, tmp / "b.json")
    assert original == _export(cli, back, tmp / "c.json")
    # The copy is a working store: search, new rows after the copied ids, due.
    assert cli("contacts", "--json", "zoe hara").json()[0]["display_name"].startswith("Zoë")
    assert cli("add", "Someone New").code == 0
    assert cli("log", "coffee", "--with", "Someone New").code == 0
    assert cli("due", "--json").code == 0


def test_a_target_with_data_is_refused_then_replaced_with_force(
    cli: Any, db_path: Any, demo_file: Path
) -> None:
    assert cli("add", "Already Here").code == 0
    r = cli("db", "copy", str(demo_file), str(db_path), db=False)
    assert r.code == 1 and "already holds data" in r.err and "--force" in r.err
    assert [c["display_name"] for c in cli("contacts", "--json").json()] == ["Already Here"]
    r = cli("db", "copy", str(demo_file), str(db_path), "--force", db=False)
    assert r.code == 0, r.err
    names = [c["display_name"] for c in cli("contacts", "--json").json()]
    assert "Already Here" not in names and len(names) == 61
    assert cli("contacts", "--json", "already").json() == []  # the search index too


def test_a_failed_copy_leaves_the_target_empty(
    cli: Any, db_path: Any, demo_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kinship.store import copy

    real = copy._copy_table

    def failing(src: Any, dst: Any, model: Any, progress: Any) -> int:
        if model._meta.table_name == "interaction":
            raise OSError("disk full (simulated)")
        return real(src, dst, model, progress)

    monkeypatch.setattr(copy, "_copy_table", failing)
    r = cli("db", "copy", str(demo_file), str(db_path), db=False)
    assert r.code == 1 and "disk full" in r.err
    store = open_store(db_path)
    try:
        assert copy.is_empty(store.db)
    finally:
        close_store()


def test_copy_needs_an_existing_current_source(cli: Any, db_path: Any, tmp_path: Path) -> None:
    r = cli("db", "copy", str(tmp_path / "missing.db"), str(db_path), db=False)
    assert r.code == 1 and "no database there" in r.err
    assert not (tmp_path / "missing.db").exists()
    r = cli("db", "copy", str(tmp_path / "missing.db"), db=False)
    assert r.code == 2 and "SOURCE TARGET" in r.err
    r = cli("db", "path", "extra", db=False)
    assert r.code == 2


def test_copy_refuses_a_source_at_an_older_schema(cli: Any, db_path: Any, tmp_path: Path) -> None:
    from kinship.store import migrations
    from kinship.store.db import Store, _make_sqlite
    from kinship.store.models import database

    old = tmp_path / "old.db"
    db = _make_sqlite(old)
    database.initialize(db)
    migrations.apply(Store(db=db, target=str(old), path=old), migrations.steps()[:1])
    db.close()
    r = cli("db", "copy", str(old), str(db_path), db=False)
    assert r.code == 1 and "db upgrade" in r.err
