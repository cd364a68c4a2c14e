from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kinship.errors import StoreError
from kinship.store import Store, close_store, open_store
from kinship.store.models import Contact


@pytest.mark.sqlite_only("file modes")
def test_new_database_is_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "kinship.db"
    open_store(path)
    close_store()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0


@pytest.mark.sqlite_only("pragmas")
def test_sqlite_pragmas(store: Store) -> None:
    db = store.db
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000
    # The page cache bounds how much the app's memory grows with the store (issue 12's RSS
    # budget: 100k contacts within 1.3× of 1k).
    assert db.execute_sql("PRAGMA cache_size").fetchone()[0] == -12000


@pytest.mark.sqlite_only("BEGIN IMMEDIATE; PostgreSQL: test_postgres.py")
def test_write_transactions_begin_immediate(store: Store) -> None:
    statements: list[str] = []
    store.db.connection().set_trace_callback(statements.append)
    with store.write():
        Contact.select().count()
    store.db.connection().set_trace_callback(None)
    assert statements[0].upper().startswith("BEGIN IMMEDIATE")


@pytest.mark.sqlite_only("a foreign SQLite file; PostgreSQL: test_postgres.py")
def test_not_a_kinship_database(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE things (x)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="not a kinship database"):
        open_store(path)


def test_newer_schema_is_refused(db_path: Path) -> None:
    s = open_store(db_path)
    s.db.execute_sql("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    close_store()
    with pytest.raises(StoreError, match="newer than this kinship"):
        open_store(db_path)


def test_second_writer_waits_instead_of_failing(db_path: Path, tmp_path: Path) -> None:
    """A second process writes while we hold a write transaction: both succeed."""
    from kinship.services import contacts

    s = open_store(db_path)
    contacts.add("Seed")
    script = textwrap.dedent(
        f"""
        from kinship.store import open_store
        from kinship.services import contacts
        open_store({str(db_path)!r})
        print("ready", flush=True)
        contacts.add("From the other process")
        print("done", flush=True)
        """
    )
    with s.write():
        contacts.add("Inside the first transaction")
        proc = subprocess.Popen(
            [sys.executable, "-c", script],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        import time

        time.sleep(0.5)  # the other process is now blocked on our lock, not failing
        assert proc.poll() is None
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "done" in out
    names = {c.display_name for c in Contact.select()}
    assert names == {"Seed", "Inside the first transaction", "From the other process"}
    close_store()


def test_fts_index_is_removed_with_contact_merge(store: Store) -> None:
    from kinship.services import contacts
    from kinship.store import queries

    a = contacts.add("Grace Hopper", emails=["grace@navy.mil"])
    b = contacts.add("G. Hopper", emails=["amazing@grace.org"])
    contacts.merge(a.uid, b.uid)
    assert [c.uid for c in queries.contacts("amazing")] == [a.uid]
    index = "contact_fts" if store.is_sqlite else "contact_search"
    assert store.db.execute_sql(f"SELECT count(*) FROM {index}").fetchone()[0] == 1


def test_url_targets_are_parsed_not_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Read as a relative path, the URL would create a "postgresql:" folder right here.
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreError):
        open_store("postgresql://nobody@127.0.0.1:1/none")
    assert list(tmp_path.iterdir()) == []


def test_env_var_selects_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kinship.config import database_target

    monkeypatch.setenv("KINSHIP_DB", str(tmp_path / "env.db"))
    assert database_target(None) == str(tmp_path / "env.db")
    assert database_target("cli.db") == "cli.db"
    monkeypatch.delenv("KINSHIP_DB")
    assert database_target(None).endswith(os.path.join("kinship", "kinship.db"))


def test_one_wording_for_every_error_the_faces_show() -> None:
    """The CLI and the app both show kinship.store.describe_error's line."""
    from peewee import OperationalError

    from kinship.errors import ValidationError
    from kinship.store import describe_error, is_database_error
    from kinship.tui.errors import describe_error as app_describe_error

    assert app_describe_error is describe_error
    assert describe_error(ValidationError("a contact needs a name")) == "a contact needs a name"
    busy = describe_error(OperationalError("database is locked"))
    assert busy.startswith("database error: the database is busy: another program kept it")
    assert describe_error(sqlite3.DatabaseError("disk\nI/O error")) == (
        "database error: disk I/O error"
    )
    assert describe_error(ValueError("bad\nvalue")) == "ValueError: bad value"
    assert is_database_error(sqlite3.Error()) and not is_database_error(ValueError())
