"""Two processes on one store (SQLite file or PostgreSQL database): nothing is lost."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

from kinship.services import contacts
from kinship.store.models import Contact


def _kinship(db: Any, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kinship", "--db", str(db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "KINSHIP_NO_PLUGINS": "1"},
    )


def _wait_for_lock_waiter(store: Any) -> None:
    """On PostgreSQL, wait until another session queues for the write lock."""
    if not store.is_postgres:
        return
    from kinship.store.postgres import WRITE_LOCK

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        # A separate connection sees the other session's wait; ours is inside a transaction.
        import psycopg

        with psycopg.connect(store.target, autocommit=True) as conn:
            waiting = conn.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                " AND ((classid::bigint << 32) | objid::bigint) = %s",
                (WRITE_LOCK,),
            ).fetchone()
        if waiting and waiting[0]:
            return
        time.sleep(0.02)
    raise AssertionError("the other process never queued for the write lock")


def test_second_editor_of_a_contact_gets_the_conflict(store: Any, db_path: Any) -> None:
    """We change Ada while another process edits the version it read: it is refused."""
    ada = contacts.add("Ada Lovelace")
    assert ada.version == 1
    with store.write():
        contacts.update(ada.uid, 1, organization="Analytical Engines")
        other = _kinship(db_path, "edit", "Ada", "--org", "Babbage & Co", "--if-version", "1")
        _wait_for_lock_waiter(store)
    out, err = other.communicate(timeout=60)
    assert other.returncode == 1, (out, err)
    assert "changed elsewhere" in err and "\n" not in err.strip()
    row = Contact.get(Contact.uid == ada.uid)
    assert (row.organization, row.version) == ("Analytical Engines", 2)


def test_two_cli_processes_one_after_the_other(store: Any, db_path: Any) -> None:
    contacts.add("Grace Hopper")
    runs = []
    for change in (["--title", "Rear Admiral"], ["--org", "Navy"]):
        proc = _kinship(db_path, "edit", "Grace", *change, "--if-version", "1")
        _out, err = proc.communicate(timeout=60)
        runs.append((proc.returncode, err))
    assert runs[0][0] == 0, runs[0][1]
    assert runs[1][0] == 1 and "changed elsewhere" in runs[1][1]
    row = Contact.get(Contact.display_name == "Grace Hopper")
    assert (row.title, row.organization, row.version) == ("Rear Admiral", "", 2)
