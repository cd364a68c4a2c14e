"""Leaving on time: a hang-up, SIGTERM or SIGINT ends the app within 2 seconds.

kinship runs over SSH, and a dropped connection must not leave a process behind holding the
store open. :class:`Lifeline` is installed by the app's entry point for the whole run
(start-up included). Once the process has to leave — a signal, the terminal gone, or the
user quitting — it:

1. asks the app to exit normally (restoring the terminal, closing the store);
2. stops the reads still running on any database connection at once
   (:func:`kinship.store.live.interrupt`) so that they do not hold the exit up;
3. gives a write that is running :data:`WRITES_AFTER` seconds to commit, then interrupts it
   too — SQLite rolls the whole transaction back;
4. at :data:`HARD_AFTER` seconds, if the process is still there (a plugin blocked in a
   thread the runtime joins at exit, a terminal that no longer reads), restores what it can
   of the terminal and ends the process with :func:`os._exit`. Nothing is half-written:
   every write is one SQLite transaction, and a transaction that did not commit leaves no
   trace (the write-ahead log ignores it when the store is next opened).

Signals are seen twice on purpose. A Python handler runs on the main thread when it can;
during start-up (no app yet) it raises :class:`SystemExit` so that the start-up unwinds.
``signal.set_wakeup_fd`` also writes each signal to a pipe read by a daemon thread, which
starts leaving even when the main thread is stuck inside C code (a long SQLite call, a
blocked write to the terminal) where Python handlers cannot run.

The exit status is 128 + the signal number (129 for a hang-up, 130 for SIGINT, 143 for
SIGTERM) and 0 for a normal quit, whichever way the process ends.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["HANGUP", "HARD_AFTER", "SIGNALS", "WRITES_AFTER", "Lifeline"]

#: Seconds after leaving began when a write still running is interrupted (rolled back).
WRITES_AFTER = 1.0
#: Seconds after leaving began when the process ends whatever it is doing.
HARD_AFTER = 1.5
#: How often the deadline thread interrupts reads that started since.
_TICK = 0.05

SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGHUP", "SIGTERM", "SIGINT") if hasattr(signal, name)
)
#: The exit status of a hang-up (the terminal went away), as for SIGHUP.
HANGUP = 128 + int(getattr(signal, "SIGHUP", 1))


def _interrupt_store(*, writes: bool) -> None:
    from kinship.store.live import interrupt

    interrupt(writes=writes, leaving=True)


class Lifeline:
    """Signals, the grace period and the hard exit of one app run (see the module doc).

    ``exit_now`` (default :func:`os._exit`), ``interrupt`` and ``clock`` are parameters so
    that tests can run the sequence in process.
    """

    def __init__(
        self,
        *,
        exit_now: Callable[[int], Any] = os._exit,
        interrupt: Callable[..., Any] = _interrupt_store,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._exit_now = exit_now
        self._interrupt = interrupt
        self._clock = clock
        self._lock = threading.RLock()
        self._request_exit: Callable[[], Any] | None = None
        self._restorers: list[Callable[[], Any]] = []
        self._previous: dict[int, Any] = {}
        self._previous_wakeup: int | None = None
        self._pipe: tuple[int, int] | None = None
        self._started_at: float | None = None
        #: Set when leaving began; the deadline thread waits on it to stop early (tests).
        self.leaving = threading.Event()
        #: The exit status once leaving began (``None`` before).
        self.code: int | None = None
        #: Why: ``"SIGHUP"``, ``"terminal gone"``, ``"quit"`` …
        self.reason: str | None = None
        #: True once the hard exit ran (tests with a fake ``exit_now``).
        self.forced = False

    # ----------------------------------------------------------------- set-up

    def install(self) -> Lifeline:
        """Catch SIGHUP, SIGTERM and SIGINT from now on (main thread only)."""
        if self._pipe is not None:
            return self
        read_end, write_end = os.pipe()
        os.set_blocking(write_end, False)
        self._pipe = (read_end, write_end)
        for sig in SIGNALS:
            self._previous[sig] = signal.signal(sig, self._on_signal)
        self._previous_wakeup = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
        threading.Thread(
            target=self._listen, args=(read_end,), daemon=True, name="kinship-signals"
        ).start()
        return self

    def uninstall(self) -> None:
        """Put the previous handlers back (the deadline, once started, still runs)."""
        if self._pipe is None:
            return
        with contextlib.suppress(ValueError):
            signal.set_wakeup_fd(self._previous_wakeup if self._previous_wakeup is not None else -1)
        for sig, handler in self._previous.items():
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        self._previous.clear()
        _, write_end = self._pipe
        self._pipe = None
        with contextlib.suppress(OSError):
            os.close(write_end)  # the listener reads end-of-file and stops

    def attach(self, request_exit: Callable[[], Any] | None) -> None:
        """``request_exit()`` asks the running app to exit (it must be safe from any
        thread); ``None`` when there is no app (start-up, after it ended)."""
        self._request_exit = request_exit
        if request_exit is not None and self.leaving.is_set():
            with contextlib.suppress(Exception):
                request_exit()

    def on_hard_exit(self, restore: Callable[[], Any]) -> None:
        """Run ``restore()`` (best effort, must not block) just before a hard exit:
        putting the terminal back when it is still there."""
        self._restorers.append(restore)

    # ----------------------------------------------------------------- leaving

    def leave(self, code: int = 0, reason: str = "quit") -> None:
        """Begin leaving (idempotent; a signal after a quit still sets the status)."""
        if code == HANGUP and self._exit_now is os._exit:
            _detach_stdio()
        with self._lock:
            if self._started_at is not None:
                if code and not self.code:
                    self.code, self.reason = code, reason
                return
            self._started_at = self._clock()
            self.code, self.reason = code, reason
            self.leaving.set()
        request = self._request_exit
        if request is not None:
            with contextlib.suppress(Exception):
                request()
        with contextlib.suppress(Exception):
            self._interrupt(writes=False)
        threading.Thread(target=self._deadline, daemon=True, name="kinship-deadline").start()

    def hang_up(self) -> None:
        """The terminal is gone (a read or write failed): leave as for SIGHUP."""
        self.leave(HANGUP, "terminal gone")

    @property
    def exit_code(self) -> int:
        return self.code or 0

    def _on_signal(self, signum: int, frame: Any) -> None:
        self.leave(128 + signum, _signal_name(signum))
        if self._request_exit is None:
            # Start-up (or after the app ended): unwind the main thread; `finally` blocks
            # close the store, and a write in progress rolls back.
            raise SystemExit(self.exit_code)

    def _listen(self, fd: int) -> None:
        wanted = {int(s) for s in SIGNALS}
        try:
            while True:
                data = os.read(fd, 64)
                if not data:
                    return
                for signum in data:
                    if signum in wanted:
                        self.leave(128 + signum, _signal_name(signum))
        except OSError:
            return
        finally:
            with contextlib.suppress(OSError):
                os.close(fd)

    def _deadline(self) -> None:
        assert self._started_at is not None
        start = self._started_at
        stop_writes, hard = start + WRITES_AFTER, start + HARD_AFTER
        writes = False
        while (now := self._clock()) < hard:
            writes = writes or now >= stop_writes
            with contextlib.suppress(Exception):
                self._interrupt(writes=writes)
            time.sleep(min(_TICK, max(0.0, hard - now)))
        self.forced = True
        for restore in self._restorers:
            with contextlib.suppress(Exception):
                restore()
        self._exit_now(self.exit_code)


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def _detach_stdio() -> None:
    """The terminal is gone: point stdout and stderr at /dev/null, so the exit's last flush
    cannot fail (Python would turn the hang-up's status into 120)."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    for fd in (1, 2):
        with contextlib.suppress(OSError):
            os.dup2(null, fd)
    with contextlib.suppress(OSError):
        os.close(null)
