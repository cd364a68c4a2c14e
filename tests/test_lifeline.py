"""The lifeline in process: its order of business when leaving, and its signal handling.

``exit_now`` and ``interrupt`` are fakes that record what happened, and the deadline thread
runs on a fake clock that its sleeps move on: the grace periods pass at once, in order, and
the tests wait for the fake exit (an event), not for a guessed time.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from kinship.lifeline import HARD_AFTER, WRITES_AFTER, Lifeline

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


class Clock:
    """The deadline thread's time: it starts at 0 and moves only when the thread sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self._lock = threading.Lock()
        #: Cleared, time stands still: the thread's next sleep waits until it is set again.
        self.running = threading.Event()
        self.running.set()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        assert self.running.wait(60)
        with self._lock:
            self.now += seconds
        time.sleep(0)  # let the other threads run


class Recorder:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.start = clock()
        self.interrupts: list[tuple[float, bool]] = []
        self.exited = threading.Event()
        self.code: int | None = None
        self.at: float | None = None
        self.asked = threading.Event()
        self.restored = threading.Event()

    def interrupt(self, *, writes: bool) -> None:
        self.interrupts.append((self.clock() - self.start, writes))

    def exit_now(self, code: int) -> None:
        self.code, self.at = code, self.clock() - self.start
        self.exited.set()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    import types

    from kinship import lifeline

    fake = Clock()
    # Only the lifeline module's view of `time`: its deadline thread sleeps on the fake clock.
    monkeypatch.setattr(lifeline, "time", types.SimpleNamespace(monotonic=fake, sleep=fake.sleep))
    return fake


@pytest.fixture
def rec(clock: Clock) -> Recorder:
    return Recorder(clock)


@pytest.fixture
def lifeline(rec: Recorder, clock: Clock) -> Iterator[Lifeline]:
    line = Lifeline(exit_now=rec.exit_now, interrupt=rec.interrupt, clock=clock)
    yield line
    line.uninstall()
    if line.leaving.is_set():  # its deadline thread is done before the fake clock goes
        assert rec.exited.wait(10)


def test_leaving_asks_the_app_stops_reads_then_writes_then_ends(
    lifeline: Lifeline, rec: Recorder
) -> None:
    lifeline.attach(rec.asked.set)
    lifeline.on_hard_exit(rec.restored.set)
    lifeline.leave(143, "SIGTERM")
    assert rec.asked.is_set()
    first_at, first_writes = rec.interrupts[0]
    assert first_at < 0.5 and not first_writes  # reads: at once
    assert rec.exited.wait(10)
    assert rec.code == 143
    assert rec.restored.is_set()
    assert lifeline.forced
    writes = [t for t, w in rec.interrupts if w]
    assert writes and min(writes) >= WRITES_AFTER  # a write got its grace period
    assert rec.at is not None and HARD_AFTER <= rec.at < HARD_AFTER + 1


def test_leave_is_idempotent_and_a_signal_after_quit_sets_the_status(
    lifeline: Lifeline, rec: Recorder, clock: Clock
) -> None:
    asked: list[int] = []
    lifeline.attach(lambda: asked.append(1))
    clock.running.clear()  # the signals come within the grace period, whatever the machine
    lifeline.leave(0, "quit")
    lifeline.leave(129, "SIGHUP")
    lifeline.leave(143, "SIGTERM")
    clock.running.set()
    assert asked == [1]
    assert (lifeline.code, lifeline.reason) == (129, "SIGHUP")
    assert rec.exited.wait(10)
    assert rec.code == 129


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM, signal.SIGINT])
def test_a_signal_asks_the_running_app_to_exit(lifeline: Lifeline, rec: Recorder, sig: int) -> None:
    lifeline.install()
    lifeline.attach(rec.asked.set)
    os.kill(os.getpid(), sig)
    assert rec.asked.wait(10)
    assert lifeline.exit_code == 128 + sig
    assert rec.exited.wait(10)


def test_a_signal_during_start_up_unwinds_the_main_thread(
    lifeline: Lifeline, rec: Recorder
) -> None:
    lifeline.install()
    with pytest.raises(SystemExit) as info:
        os.kill(os.getpid(), signal.SIGHUP)
        threading.Event().wait(10)  # the handler raises here, in the main thread
    assert info.value.code == 129
    assert rec.exited.wait(10)  # and the deadline still ends the process if unwinding hangs


def test_uninstall_puts_the_previous_handlers_back(lifeline: Lifeline) -> None:
    before = signal.getsignal(signal.SIGTERM)
    lifeline.install()
    assert signal.getsignal(signal.SIGTERM) != before
    lifeline.uninstall()
    assert signal.getsignal(signal.SIGTERM) == before


def test_a_signal_is_seen_even_while_the_main_thread_is_stuck_in_c(
    lifeline: Lifeline, rec: Recorder
) -> None:
    """The wakeup pipe's reader thread starts leaving although no Python handler can run
    (the main thread blocked in a C call: here, a long sqlite query)."""
    import sqlite3

    lifeline.install()
    lifeline.attach(rec.asked.set)
    con = sqlite3.connect(":memory:")
    endless = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
        "SELECT count(*) FROM n WHERE i < 0"
    )
    querying, done = threading.Event(), threading.Event()

    def kill_then_stop() -> None:
        querying.wait(10)
        os.kill(os.getpid(), signal.SIGTERM)
        rec.asked.wait(10)  # the reader thread reacted; the main thread is still in C
        while not done.is_set():  # stop the query (an interrupt before it starts is lost)
            con.interrupt()
            done.wait(0.01)

    stopper = threading.Thread(target=kill_then_stop)
    stopper.start()
    try:
        querying.set()
        with pytest.raises(sqlite3.OperationalError, match="interrupted"):
            con.execute(endless).fetchone()
    finally:
        done.set()
    stopper.join()
    assert lifeline.exit_code == 143
    assert rec.exited.wait(10)
