"""PostgreSQL: opening errors, the write lock, reconnecting, migrations, search parity.

The tests that need a server are ``postgres_only`` (``KINSHIP_TEST_BACKEND=postgresql``,
the ``pg`` tox env); the error messages for a missing driver or an unreachable server run
everywhere.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

from kinship import POSTGRES_INSTALL
from kinship.errors import StoreError
from kinship.store import close_store, migrations, open_store
from kinship.store.models import Contact


def test_missing_driver_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(StoreError) as err:
        open_store("postgresql://ann:s3cret@db.example/kinship")
    msg = str(err.value)
    assert POSTGRES_INSTALL in msg and "\n" not in msg
    assert "s3cret" not in msg and "postgresql://ann@db.example/kinship" in msg


def test_unreachable_server_says_where_and_why() -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError) as err:
        open_store("postgresql://nobody:pw@127.0.0.1:1/none")
    msg = str(err.value)
    assert "cannot reach the PostgreSQL server at 127.0.0.1:1: Connection refused" in msg
    assert "\n" not in msg and "pw" not in msg.replace("postgresql", "")


def test_passwords_never_reach_messages() -> None:
    from kinship.config import describe_target

    assert describe_target("postgresql://ann:pw@h:5432/k") == "postgresql://ann@h:5432/k"
    assert describe_target("postgresql://h/k?sslmode=require&password=pw") == (
        "postgresql://h/k?sslmode=require&password=***"
    )


def test_config_file_database_url(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from kinship.config import database_target, load_settings
    from kinship.errors import KinshipError

    conf = tmp_path / "config.toml"
    conf.write_text('[database]\nurl = "postgresql://ann@home.lan/kinship"\n')
    assert database_target(None, load_settings(conf)) == "postgresql://ann@home.lan/kinship"
    monkeypatch.setenv("KINSHIP_DB", "other.db")
    assert database_target(None, load_settings(conf)) == "other.db"
    conf.write_text('db = "a.db"\n[database]\nurl = "postgresql://ann@home.lan/kinship"\n')
    with pytest.raises(KinshipError, match="keep one"):
        load_settings(conf)


pg = pytest.mark.postgres_only


@pg
def test_wrong_password_and_missing_database(pg_server: Any) -> None:
    # The test server trusts local connections; make one role prove its password.
    pg_server.admin.execute("CREATE ROLE ann LOGIN PASSWORD 'right'")
    from pathlib import Path

    path = Path(pg_server.sql("postgres", "SHOW hba_file")[0][0])
    original = path.read_text()
    path.write_text("local all ann scram-sha-256\n" + original)
    pg_server.admin.execute("SELECT pg_reload_conf()")
    try:
        url = pg_server.url(pg_server.template).replace("postgres:@", "ann:wrong@")
        with pytest.raises(StoreError, match="wrong password for user 'ann'") as err:
            open_store(url)
        assert "wrong@" not in str(err.value) and "\n" not in str(err.value)
        url = pg_server.url("nosuchdb").replace("postgres:@", "ann:right@")
        with pytest.raises(StoreError, match="database 'nosuchdb' does not exist"):
            open_store(url)
        url = pg_server.url(pg_server.template).replace("postgres:@", "nobody@")
        with pytest.raises(StoreError, match="user 'nobody' does not exist"):
            open_store(url)
    finally:
        path.write_text(original)
        pg_server.admin.execute("SELECT pg_reload_conf()")
        pg_server.admin.execute("DROP ROLE ann")


@pg
def test_a_database_with_other_tables_is_refused(pg_server: Any) -> None:
    name = pg_server.create(migrated=False)
    try:
        pg_server.sql(name, "CREATE TABLE things (x int)")
        with pytest.raises(StoreError, match="not a kinship database"):
            open_store(pg_server.url(name))
    finally:
        pg_server.drop(name)


@pg
def test_write_transactions_hold_the_write_lock(store: Any, pg_server: Any) -> None:
    from kinship.store.postgres import WRITE_LOCK

    def held() -> int:
        rows = pg_server.sql(
            "postgres",
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND ((classid::bigint << 32) | objid::bigint) = %s",
            (WRITE_LOCK,),
        )
        return int(rows[0][0])

    assert held() == 0
    with store.write():
        Contact.select().count()
        assert held() == 1
        with store.write():  # nested: a savepoint, not a second lock
            assert held() == 1
    assert held() == 0


@pg
def test_a_writer_held_too_long_is_reported_as_busy(
    store: Any, db_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peewee import OperationalError

    from kinship.store import postgres
    from kinship.store.db import describe_error

    other = postgres.make_database(db_path, lock_timeout_s=0.05)
    other.connect()
    try:
        with store.write(), pytest.raises(OperationalError) as err:
            other.begin(write=True)
        assert "busy" in describe_error(err.value)
        assert not other.in_transaction()
        other.begin(write=True)  # free again: the other connection is still usable
        other.rollback()
    finally:
        other.close()


@pg
def test_a_dropped_connection_is_reopened_outside_a_transaction(store: Any, pg_server: Any) -> None:
    from kinship.services import contacts

    contacts.add("Ada")
    pid = store.db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    pg_server.admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    assert [c.display_name for c in Contact.select()] == ["Ada"]
    assert store.db.execute_sql("SELECT pg_backend_pid()").fetchone()[0] != pid
    # The session settings come back with the new connection.
    assert store.db.execute_sql("SHOW TIME ZONE").fetchone()[0] == "UTC"
    assert store.db.execute_sql("SHOW plan_cache_mode").fetchone()[0] == "force_custom_plan"


def _schema(pg_server: Any, name: str) -> tuple[list[Any], list[Any]]:
    columns = pg_server.sql(
        name,
        "SELECT table_name, column_name, data_type, is_nullable, column_default"
        " FROM information_schema.columns WHERE table_schema = 'public'"
        " ORDER BY table_name, column_name",
    )
    indexes = pg_server.sql(
        name, "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"
    )
    return columns, indexes


@pg
def test_migrations_from_empty_equal_the_models(pg_server: Any) -> None:
    """Every migration on an empty database gives the models' schema plus the search table."""
    from peewee import PostgresqlDatabase

    from kinship.store.models import MODELS, database

    migrated, fresh = pg_server.create(migrated=False), pg_server.create(migrated=False)
    try:
        open_store(pg_server.url(migrated))
        close_store()
        db = PostgresqlDatabase(pg_server.url(fresh), prefer_psycopg3=True)
        database.initialize(db)
        db.create_tables(MODELS)
        migrations.steps()[2].module.up(db, None)  # 0003: the search table
        db.close()
        want_cols, want_idx = _schema(pg_server, fresh)
        got_cols, got_idx = _schema(pg_server, migrated)
        assert got_cols == want_cols
        assert got_idx == want_idx
    finally:
        close_store()
        pg_server.drop(migrated)
        pg_server.drop(fresh)


@pg
def test_upgrade_from_schema_1_fills_the_search_index(pg_server: Any) -> None:
    from kinship.store import queries
    from kinship.store.db import Store
    from kinship.store.models import database
    from kinship.store.postgres import make_database

    name = pg_server.create(migrated=False)
    try:
        url = pg_server.url(name)
        db = make_database(url, lock_timeout_s=1)
        database.initialize(db)
        migrations.apply(Store(db=db, target=url), migrations.steps()[:1])
        Contact.create(uid="u1", display_name="Jörg Müller", sort_name="jörg müller")
        db.close()
        with pytest.raises(StoreError, match="needs an upgrade"):
            open_store(url, upgrade=False)
        store = open_store(url)
        assert migrations.schema_version(store) == migrations.latest()
        assert [c.uid for c in queries.contacts("muller")] == ["u1"]
    finally:
        close_store()
        pg_server.drop(name)


@pg
def test_nul_characters_are_refused_at_the_border_and_dropped_below_it(store: Any) -> None:
    """One rule on both backends: a service refuses text with NUL (a clear error, nothing
    written). A write that skips the services (a migration, a raw model write) must still not
    fail on PostgreSQL, which cannot hold NUL: its text dumper drops the character."""
    from kinship.errors import ValidationError
    from kinship.services import contacts

    with pytest.raises(ValidationError, match="NUL"):
        contacts.add("Ada", notes="before\x00after")
    assert Contact.select().count() == 0
    raw = Contact.create(display_name="Ada", sort_name="ada", uid="raw-1", notes="before\x00after")
    assert Contact.get_by_id(raw.id).notes == "beforeafter"


@pg
def test_upgrade_to_import_runs_keeps_events_and_rekeys_them(pg_server: Any) -> None:
    """0005 on a database with events: each keeps its UID with an empty recurrence id, the
    unique key becomes (uid, recurrence_id), the import run tables appear."""
    from kinship.store.db import Store
    from kinship.store.models import database
    from kinship.store.postgres import make_database

    name = pg_server.create(migrated=False)
    try:
        url = pg_server.url(name)
        db = make_database(url, lock_timeout_s=1)
        database.initialize(db)
        steps = migrations.steps()
        migrations.apply(Store(db=db, target=url), [s for s in steps if s.number < 5])
        db.execute_sql(
            "INSERT INTO event (uid, summary, kind, start, all_day, timezone, location, "
            "description, rrule, rdates, exdates, source, created_at, updated_at) VALUES "
            "('e1', 'Talk', 'event', '2026-01-01', false, '', '', '', '', '', '', '', "
            "'2026-01-01', '2026-01-01')"
        )
        db.close()
        store = open_store(url)
        assert migrations.schema_version(store) == migrations.latest()
        assert {"import_run", "import_run_change"} <= set(store.db.get_tables())
        rows = store.db.execute_sql("SELECT uid, recurrence_id FROM event").fetchall()
        assert [tuple(r) for r in rows] == [("e1", "")]
        keys = {i.name: (i.columns, i.unique) for i in store.db.get_indexes("event")}
        assert keys["event_uid_recurrence_id"] == (["uid", "recurrence_id"], True)
        assert "event_uid" not in keys
    finally:
        close_store()
        pg_server.drop(name)
