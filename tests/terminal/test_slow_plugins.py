"""A plugin that blocks can neither freeze the app nor keep a command or a hang-up waiting.

The blocker plugin (:data:`harness.BLOCKER`) stops for good in ``kinship_contact_changed``
(after the save committed) or in a follow-up strategy (inside the save's transaction) when
the contact is called "Block Me", and says so with a marker file.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

from tests.terminal.harness import (
    BUDGET,
    Terminal,
    blocker_env,
    cli,
    expected_code,
    integrity,
    kinship_argv,
    leftover,
    make_store,
    names,
    wait_for_file,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals only")

ENTER, ESCAPE, CTRL_Q = "\r", "\x1b", "\x11"


def add_block_me(term: Terminal) -> None:
    """Main screen → a (add) → the name → Enter (saves)."""
    term.wait_for("Someone")
    since = term.mark()
    term.type("a")
    term.wait_for("Add a contact", since=since)
    term.type("Block Me" + ENTER)


def finish(term: Terminal, db: Path, want: int) -> float:
    code, took = term.wait_exit()
    term.close()
    assert code == want
    assert took < BUDGET, f"took {took:.2f} s to end"
    assert leftover(db) == []
    assert integrity(db) == "ok"
    return took


def test_a_listener_that_blocks_is_skipped_and_the_app_keeps_answering(tmp_path: Path) -> None:
    db = tmp_path / "slow.db"
    make_store(db, 0, "Someone")
    env = blocker_env(tmp_path, "listener", KINSHIP_PLUGIN_TIME_LIMIT="2")
    term = Terminal(kinship_argv("--db", str(db)), env)
    try:
        add_block_me(term)
        wait_for_file(tmp_path / "marks" / "listener", term.proc)
        # The save waits for the listener (at most the limit); the form answers meanwhile.
        since = term.mark()
        term.type(ESCAPE)
        term.wait_for("Still saving", since=since)
        # After the limit: reported once, the plugin disabled, the save done.
        term.wait_for("took longer than 2 s", since=since)
        term.wait_for("Saved Block Me", since=since)
        term.type(CTRL_Q, fault=True)
        finish(term, db, 0)
    finally:
        term.close()
    assert {"Someone", "Block Me"} <= names(db)


def test_quit_while_a_listener_blocks(tmp_path: Path) -> None:
    db = tmp_path / "quit.db"
    make_store(db, 0, "Someone")
    env = blocker_env(tmp_path, "listener", KINSHIP_PLUGIN_TIME_LIMIT="600")
    term = Terminal(kinship_argv("--db", str(db)), env)
    try:
        add_block_me(term)
        wait_for_file(tmp_path / "marks" / "listener", term.proc)
        term.type(CTRL_Q, fault=True)
        finish(term, db, 0)
    finally:
        term.close()
    # The listener is told after the commit: the contact is saved.
    assert {"Someone", "Block Me"} <= names(db)


@pytest.mark.parametrize(
    ("at", "sig", "saved"),
    [
        # Told after the commit: saved, whatever happens to the listener.
        ("listener", signal.SIGTERM, True),
        # Inside the transaction: the save never committed, no trace of it.
        ("strategy", signal.SIGHUP, False),
    ],
)
def test_a_signal_while_a_plugin_hook_is_in_flight(
    tmp_path: Path, at: str, sig: int, saved: bool
) -> None:
    db = tmp_path / "hook.db"
    make_store(db, 0, "Someone")
    env = blocker_env(tmp_path, at, KINSHIP_PLUGIN_TIME_LIMIT="600")
    term = Terminal(kinship_argv("--db", str(db)), env)
    try:
        add_block_me(term)
        wait_for_file(tmp_path / "marks" / at, term.proc)
        term.signal(sig)
        finish(term, db, expected_code(sig))
    finally:
        term.close()
    assert "Someone" in names(db)
    assert ("Block Me" in names(db)) is saved


def test_a_command_exits_although_its_listener_blocks(tmp_path: Path) -> None:
    """``kinship add``: the listener is abandoned on a daemon thread after the limit, the
    command says so once and exits 0 with the contact saved."""
    db = tmp_path / "cli.db"
    env = blocker_env(tmp_path, "listener", KINSHIP_PLUGIN_TIME_LIMIT="1")
    done = cli(db, env, "add", "Block Me")
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("took longer than 1 s") == 1
    assert (tmp_path / "marks" / "listener").exists()
    assert "Block Me" in names(db)
