"""Interrupting the store's connections: reads stop at once, a write rolls back whole."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from peewee import OperationalError

from kinship.store import close_store, current, open_store
from kinship.store.live import interrupt, open_count
from kinship.store.models import Contact

ENDLESS = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
    "SELECT count(*) FROM n WHERE i < 0"
)


def in_thread(job: Any) -> tuple[threading.Thread, dict[str, Any]]:
    """Run ``job`` on its own thread (its own connection), as the app's workers do."""
    out: dict[str, Any] = {"started": threading.Event()}

    def run() -> None:
        try:
            out["result"] = job(out["started"])
        except BaseException as exc:
            out["error"] = exc
        finally:
            current().db.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


def wait_running(out: dict[str, Any]) -> None:
    assert out["started"].wait(10)


def stop(thread: threading.Thread, *, writes: bool) -> None:
    """Interrupt until the thread's statement has stopped (an interrupt that lands before
    the statement starts is a no-op in SQLite)."""
    end = time.monotonic() + 10
    while thread.is_alive() and time.monotonic() < end:
        interrupt(writes=writes)
        thread.join(0.02)
    assert not thread.is_alive()


@pytest.fixture
def store(tmp_path: Path) -> Any:
    s = open_store(tmp_path / "live.db")
    yield s
    close_store()


def test_a_running_read_is_stopped(store: Any) -> None:
    def read(started: threading.Event) -> Any:
        current().db.connection()
        started.set()
        return current().db.execute_sql(ENDLESS).fetchone()

    thread, out = in_thread(read)
    wait_running(out)
    stop(thread, writes=False)
    assert isinstance(out.get("error"), OperationalError)
    assert "interrupted" in str(out["error"])


def test_a_write_is_spared_by_a_reads_only_interrupt_then_rolled_back(store: Any) -> None:
    from kinship.services import contacts

    contacts.add("Committed Before")
    go = threading.Event()

    def write(started: threading.Event) -> Any:
        with current().write():
            contacts.add("In Flight")
            started.set()
            go.wait(10)
            return current().db.execute_sql(ENDLESS).fetchone()

    thread, out = in_thread(write)
    wait_running(out)
    # The open write transaction is not a read: a reads-only interrupt passes it by.
    assert interrupt(writes=False) == open_count() - 1
    go.set()
    stop(thread, writes=True)
    assert isinstance(out.get("error"), OperationalError)
    names = {c.display_name for c in Contact.select()}
    assert names == {"Committed Before"}  # the interrupted write left no trace


def test_closed_connections_are_forgotten(store: Any) -> None:
    before = open_count()
    thread, _ = in_thread(lambda started: current().db.connection() and started.set())
    thread.join(10)
    assert open_count() == before  # the thread closed its connection
