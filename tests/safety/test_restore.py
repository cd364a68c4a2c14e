"""A JSON backup restores the store exactly: every table, ids aside."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kinship.store import close_store, open_store
from tests.conftest import CLI, Result
from tests.safety.safety_helpers import store_facts


@pytest.fixture
def rich_demo(tmp_path: Path, cli: CLI) -> Path:
    """The demo network, plus what only kinship itself records: tag cadences, snoozes,
    edited fields, follow-ups done, dismissed and snoozed, subjects of life events."""
    from kinship.sample import demo

    path = tmp_path / "demo.db"
    open_store(path)
    demo.generate(60, today=date.today())
    close_store()

    def run(*args: str) -> Result:
        return cli(*args, "--db", str(path), db=False)

    due = run("due", "--json").json()
    assert len(due) >= 6, due
    people = [d["contact"]["uid"] for d in due]
    kinds = [d["kind"] for d in due]
    for args in (
        ("tag", "--cadence", "mentors", "21"),
        ("tag", "--cadence", "family", "10"),
        ("snooze", people[0], "--until", "2099-01-01"),
        ("edit", people[1], "--nickname", "Nick", "--org", "Mine Ltd"),
        ("done", people[2], "--kind", kinds[2]),
        ("dismiss", people[3], "--kind", kinds[3]),
        ("add", "Manual Person", "--uid", "manual-1", "--every", "30"),
    ):
        r = run(*args)
        assert r.code == 0, (args, r.err)
    return path


def test_backup_then_restore_into_an_empty_store_is_the_same_store(
    rich_demo: Path, tmp_path: Path, cli: CLI
) -> None:
    backup = tmp_path / "backup.json"
    r = cli("export", "--format", "json", "-o", str(backup), "--db", str(rich_demo), db=False)
    assert r.code == 0, r.err
    restored = tmp_path / "restored.db"
    r = cli("import", str(backup), "--json", "--db", str(restored), db=False)
    assert r.code == 0, r.err
    report = r.json()
    assert report["updated"] == 0 and report["skipped"] == 0, report["problems"]
    # Follow-ups: the same engine on the same data.
    for store in (rich_demo, restored):
        assert cli("due", "--db", str(store), db=False).code == 0
    want, got = store_facts(rich_demo), store_facts(restored)
    assert want.keys() == got.keys()
    for table in ("tag", "event_person", "follow_up", "introduction", "capture"):
        assert want[table], f"the demo store has no {table} rows to compare"
    for table in want:
        assert got[table] == want[table], table
    again = cli("import", str(backup), "--json", "--db", str(restored), db=False).json()
    assert (again["created"], again["updated"]) == (0, 0), again["problems"]
