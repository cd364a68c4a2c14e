"""A dropped connection, SIGTERM or SIGINT ends the app within 2 s at any moment, the store
consistent and nothing left running.

Each test runs the real app in a pty (:mod:`harness`), brings it to a moment — idle after
the first paint, a search, a count, Today or an import in flight (held there by a failpoint,
:mod:`kinship.failpoints`), a terminal that stopped reading — then applies the fault and
checks: the process ended within the budget with 128 + the signal, no process has the store
open, what was committed before is there, what was in flight left no trace, the store
passes ``PRAGMA integrity_check`` and opens normally again.
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import pytest

from tests.conftest import runner
from tests.terminal.harness import (
    BUDGET,
    FAULTS,
    Terminal,
    apply_fault,
    child_env,
    cli,
    expected_code,
    fault_id,
    integrity,
    kinship_argv,
    leftover,
    make_store,
    names,
    wait_for_file,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals only")


def run_app(tmp_path: Path, db: Path, **env: str | None) -> Terminal:
    return Terminal(kinship_argv("--db", str(db)), child_env(tmp_path, **env))


def check_after(
    tmp_path: Path, db: Path, term: Terminal, fault: int | str, kept: set[str]
) -> float:
    """The common end of every test: exit status and time, nothing left, store intact."""
    code, took = term.wait_exit()
    term.close()
    assert code == expected_code(fault)
    assert took < BUDGET, f"took {took:.2f} s to end"
    assert leftover(db) == []
    assert integrity(db) == "ok"
    assert kept <= names(db)
    # It opens again (in this process: a kinship process more per test cost ~0.3 s).
    again = runner(db)("contacts", "--json")
    assert again.code == 0, again.err
    return took


@pytest.mark.parametrize("fault", FAULTS, ids=fault_id)
def test_idle_after_first_paint(tmp_path: Path, fault: int | str) -> None:
    db = tmp_path / "idle.db"
    make_store(db, 0, "Saved Before Hangup")
    term = run_app(tmp_path, db)
    try:
        term.wait_for("Saved Before Hangup")
        apply_fault(term, fault)
        check_after(tmp_path, db, term, fault, {"Saved Before Hangup"})
    finally:
        term.close()


def test_typing_a_search_and_the_terminal_closes_at_once(tmp_path: Path) -> None:
    """The reported hang: "/", "l", and the terminal killed at once — the output thread died
    on the closed terminal and the 31st write blocked the app forever."""
    db = tmp_path / "typing.db"
    make_store(db, 300, "Lin Saved")
    term = run_app(tmp_path, db)
    try:
        term.wait_for("contacts")
        term.type("/l")
        term.hang_up()
        check_after(tmp_path, db, term, "hangup", {"Lin Saved"})
    finally:
        term.close()


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM], ids=fault_id)
def test_a_terminal_that_stopped_reading(tmp_path: Path, sig: int) -> None:
    """A stalled connection: the app's output fills the pty and its writer blocks. The exit
    must not wait for a terminal that never reads again."""
    db = tmp_path / "stalled.db"
    make_store(db, 300, "Kept Anyway")
    term = run_app(tmp_path, db)
    try:
        term.wait_for("contacts")
        term.stop_reading()
        # Scrolling redraws the list: more output than the pty holds.
        term.type("\x1b[6~" * 40 + "s" * 6)
        apply_fault(term, sig)
        check_after(tmp_path, db, term, sig, {"Kept Anyway"})
    finally:
        term.close()


def test_before_the_app_starts(tmp_path: Path) -> None:
    """Start-up: the store is open, the app not yet running, a query runs on the main thread
    (where a Python signal handler cannot run until it returns)."""
    db = tmp_path / "startup.db"
    make_store(db, 0, "Before Start")
    marks = tmp_path / "marks"
    marks.mkdir()
    term = run_app(tmp_path, db, KINSHIP_FAILPOINT="startup", KINSHIP_FAILPOINT_DIR=str(marks))
    try:
        wait_for_file(marks / "startup", term.proc)
        apply_fault(term, signal.SIGTERM)
        check_after(tmp_path, db, term, signal.SIGTERM, {"Before Start"})
    finally:
        term.close()


IN_FLIGHT = [
    # (failpoint, fault, keys): a search page, its count, the header's count of people due,
    # Today — each as a query that runs until interrupted (sql) or as Python code nothing can
    # interrupt (hang). The first page at start-up is fetched while the screen is built;
    # "db:first" is a typed search's.
    ("db:first:sql", signal.SIGHUP, "/l"),
    ("db:count:sql", "hangup", ""),
    ("db:count:hang", signal.SIGHUP, ""),
    ("db:people_due:sql", signal.SIGINT, ""),
    ("db:people_due:hang", signal.SIGTERM, ""),
    ("db:today_groups:sql", signal.SIGINT, "t"),
    ("db:today_groups:hang", signal.SIGTERM, "t"),
]


@pytest.mark.parametrize(
    ("failpoint", "fault", "keys"),
    IN_FLIGHT,
    ids=[f"{f}-{fault_id(s)}" for f, s, _ in IN_FLIGHT],
)
def test_with_a_read_in_flight(tmp_path: Path, failpoint: str, fault: int | str, keys: str) -> None:
    db = tmp_path / "reads.db"
    make_store(db, 300, "Read Safe")  # more than a page: the count is a job of its own
    marks = tmp_path / "marks"
    marks.mkdir()
    term = run_app(tmp_path, db, KINSHIP_FAILPOINT=failpoint, KINSHIP_FAILPOINT_DIR=str(marks))
    try:
        if keys:
            term.wait_for("Read Safe", "contacts")
            term.type(keys)
        where = failpoint.rsplit(":", 1)[0].replace(":", "-")
        wait_for_file(marks / where, term.proc)
        apply_fault(term, fault)
        check_after(tmp_path, db, term, fault, {"Read Safe"})
    finally:
        term.close()


def vcards(n: int) -> str:
    return "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:in-flight-{i}\r\nFN:Imported Person {i}\r\n"
        f"EMAIL:p{i}@example.org\r\nEND:VCARD\r\n"
        for i in range(n)
    )


@pytest.mark.parametrize("mode", ["sql", "hang"])
def test_with_an_import_in_flight(tmp_path: Path, mode: str) -> None:
    """An import commits in batches of 500, each its own transaction. The fault comes with
    the second batch written but not committed: the first batch is in the store, nothing of
    the second is."""
    from kinship.services.importing.common import BATCH

    db = tmp_path / "import.db"
    make_store(db, 0, "Before Import")
    cards = tmp_path / "people.vcf"
    cards.write_text(vcards(BATCH + 100), encoding="utf-8")
    marks = tmp_path / "marks"
    marks.mkdir()
    # The preview (a dry run, rolled back) reaches the failpoint once per batch first: the
    # import's second batch is the fourth time.
    term = run_app(
        tmp_path,
        db,
        KINSHIP_FAILPOINT=f"import:batch@4:{mode}",
        KINSHIP_FAILPOINT_DIR=str(marks),
    )
    try:
        term.wait_for("Before Import")
        since = term.mark()
        term.type("i")
        term.wait_for("Import contacts", since=since)
        since = term.mark()
        term.type(str(cards) + "\r")
        term.wait_for("Nothing written yet", since=since)
        term.type("\t\t\t\t\r")  # the birthdays checkbox, Close, Preview, Import: press Import
        wait_for_file(marks / "import-batch", term.proc)
        apply_fault(term, signal.SIGHUP)
        check_after(tmp_path, db, term, signal.SIGHUP, {"Before Import"})
    finally:
        term.close()
    imported = [n for n in names(db) if n.startswith("Imported Person")]
    assert len(imported) == BATCH
    # The run is listed as interrupted: importing the file again finishes it.
    runs = cli(db, child_env(tmp_path), "import", "--runs", "--json")
    assert json.loads(runs.stdout)[0]["state"] == "interrupted"
