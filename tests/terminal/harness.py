"""kinship in a real pseudo-terminal, the way a terminal emulator or sshd runs it.

The app is the session leader with the pty as its controlling terminal, so closing our end
(:meth:`Terminal.hang_up`) delivers what a dropped SSH connection delivers: SIGHUP and
SIGCONT from the kernel, then EIO on every read and write. A reader thread keeps draining
the output (as a terminal does) unless told to stop, to play a connection that stalled.
Everything waits on state — text on the screen, a failpoint's marker file, the process
ending — with a deadline, never on a fixed sleep.
"""

from __future__ import annotations

import fcntl
import os
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path
from typing import Any

#: What the process gets from a fault to its end (kinship's own deadline is 1.5 s; the
#: rest is room for a loaded CI machine to schedule the exit).
BUDGET = 2.0

#: Run the command with the pty as controlling terminal (start_new_session made us a
#: session leader; TIOCSCTTY attaches the terminal), then become kinship.
_CTTY = (
    "import fcntl, os, sys, termios; "
    "fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)


def kinship_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "kinship", *args]


def child_env(tmp: Path, **extra: str | None) -> dict[str, str]:
    """The environment of an app under test: no real config or data, the source tree on
    the path (as pytest sees it), no plugins unless asked."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KINSHIP_", "PYTEST_", "COLUMNS", "LINES", "NO_COLOR"))
    }
    env.update(
        TERM="xterm-256color",
        KINSHIP_CONFIG=str(tmp / "no-config.toml"),
        XDG_DATA_HOME=str(tmp / "xdg-data"),
        KINSHIP_NO_PLUGINS="1",
        PYTHONPATH=os.pathsep.join(p for p in sys.path if p and Path(p).is_dir()),
        PYTHONDONTWRITEBYTECODE="1",
    )
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


class Terminal:
    """One app run in a pty of ``size`` (columns, rows)."""

    def __init__(
        self,
        argv: list[str],
        env: dict[str, str],
        *,
        size: tuple[int, int] = (100, 30),
    ) -> None:
        self.primary, secondary = os.openpty()
        cols, rows = size
        fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _CTTY, *argv],
            stdin=secondary,
            stdout=secondary,
            stderr=secondary,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(secondary)
        self._out = bytearray()
        self._changed = threading.Condition()
        self._reading = threading.Event()
        self._reading.set()
        self._closed = False
        self.fault_at: float | None = None
        threading.Thread(target=self._read, daemon=True).start()

    # ----------------------------------------------------------------- the screen

    def _read(self) -> None:
        while True:
            self._reading.wait()
            try:
                chunk = os.read(self.primary, 65536)
            except OSError:
                chunk = b""
            with self._changed:
                if not chunk:
                    self._closed = True
                    self._changed.notify_all()
                    return
                self._out += chunk
                self._changed.notify_all()

    @property
    def output(self) -> bytes:
        with self._changed:
            return bytes(self._out)

    def mark(self) -> int:
        """A position in the output: :meth:`wait_for` after it looks only at what follows."""
        with self._changed:
            return len(self._out)

    def wait_for(self, *texts: str, since: int = 0, timeout: float = 30.0) -> str:
        """Wait until one of ``texts`` has been drawn (after ``since``); return it."""
        wanted = [(t, t.encode()) for t in texts]
        end = time.monotonic() + timeout
        with self._changed:
            while True:
                seen = bytes(self._out[since:])
                for text, raw in wanted:
                    if raw in seen:
                        return text
                left = end - time.monotonic()
                if left <= 0 or self._closed:
                    tail = seen[-1500:].decode("utf-8", "replace")
                    raise AssertionError(f"never drew {texts!r}; the screen ended with {tail!r}")
                self._changed.wait(left)

    def stop_reading(self) -> None:
        """Play a connection that stalled: nobody reads the output any more."""
        self._reading.clear()

    # ----------------------------------------------------------------- input and faults

    def type(self, keys: str | bytes, *, fault: bool = False) -> None:
        """Send keys; ``fault``: they end the app (ctrl+q), time the exit from now."""
        if fault:
            self.fault_at = time.monotonic()
        os.write(self.primary, keys.encode() if isinstance(keys, str) else keys)

    def signal(self, sig: int) -> None:
        self.fault_at = time.monotonic()
        self.proc.send_signal(sig)

    def hang_up(self) -> None:
        """Close the terminal, as sshd does when the connection drops."""
        self.fault_at = time.monotonic()
        self._reading.set()
        os.close(self.primary)

    def wait_exit(self, timeout: float = 10.0) -> tuple[int, float]:
        """The exit status and the seconds from the fault to the end. A process still
        there after ``timeout`` fails the test (and is killed)."""
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"kinship still running {timeout} s after the fault") from None
        took = time.monotonic() - (self.fault_at or time.monotonic())
        return code, took

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def close(self) -> None:
        self.kill()
        if not self._closed:
            self._reading.set()
            try:
                os.close(self.primary)
            except OSError:
                pass


def wait_for_file(path: Path, proc: subprocess.Popen[Any], timeout: float = 30.0) -> None:
    """Wait until ``path`` exists (a failpoint or plugin reached), or fail if ``proc`` ends."""
    end = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"kinship ended ({proc.returncode}) before {path.name}")
        if time.monotonic() > end:
            raise AssertionError(f"{path.name} was never reached")
        _nap()


def _nap() -> None:
    # Polling a file the child creates: there is no portable way to be woken for it.
    # 10 ms between looks; the deadline above is what bounds the wait.
    threading.Event().wait(0.01)


def leftover(db: Path) -> list[int]:
    """Processes still running with ``db`` on their command line (there must be none)."""
    out = subprocess.run(["pgrep", "-f", str(db)], capture_output=True, text=True)
    return [int(pid) for pid in out.stdout.split()]


def integrity(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        con.close()


def names(db: Path) -> set[str]:
    con = sqlite3.connect(db)
    try:
        return {row[0] for row in con.execute("SELECT display_name FROM contact")}
    finally:
        con.close()


def cli(db: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        kinship_argv(*args, "--db", str(db)), env=env, capture_output=True, text=True, timeout=60
    )


def expected_code(fault: int | str) -> int:
    """The exit status kinship gives for a fault: 128 + the signal (a closed terminal is a
    hang-up)."""
    if fault == "hangup":
        return 128 + signal.SIGHUP
    return 128 + int(fault)


def apply_fault(term: Terminal, fault: int | str) -> None:
    if fault == "hangup":
        term.hang_up()
    else:
        term.signal(int(fault))


FAULTS: list[Any] = [signal.SIGHUP, signal.SIGTERM, signal.SIGINT, "hangup"]


def fault_id(fault: Any) -> str:
    return fault if isinstance(fault, str) else signal.Signals(fault).name


def make_store(db: Path, contacts: int, *names: str) -> None:
    """A store at ``db`` with ``names`` and ``contacts`` generated people (for a count that
    does not end with the first page)."""
    import importlib

    from kinship.store import close_store, open_store

    open_store(db)
    try:
        if contacts:
            for module in ("kinship.sample.dataset", "kinship.services.dataset"):
                try:
                    dataset = importlib.import_module(module)
                    break
                except ImportError:
                    continue
            dataset.generate(contacts, 0, recompute=False)
        if names:
            from kinship.services import contacts as service

            for name in names:
                service.add(name)
    finally:
        close_store()


#: A plugin that stops where a test asks (``BLOCKER_AT``: ``listener`` — in
#: ``kinship_contact_changed``, after the save committed; ``strategy`` — in a follow-up
#: strategy, inside the save's transaction), for the contact called ``BLOCKER_WHO``. It
#: writes ``BLOCKER_MARKS/<where>`` when it gets there, then blocks for good.
BLOCKER = """
import os
import threading
from pathlib import Path

from kinship import hookimpl
from kinship.records import Strategy

AT = os.environ.get("BLOCKER_AT", "")
WHO = os.environ.get("BLOCKER_WHO", "Block Me")


def _stop(where):
    Path(os.environ["BLOCKER_MARKS"], where).write_text("reached")
    threading.Event().wait()


@hookimpl
def kinship_contact_changed(contact):
    if AT == "listener" and contact.display_name == WHO:
        _stop("listener")


def _suggest(snapshot, today):
    if AT == "strategy" and snapshot.display_name == WHO:
        _stop("strategy")
    return []


@hookimpl
def kinship_register_followup_strategies(register):
    register(Strategy(name="blocker", description="stops where told", suggest=_suggest))
"""


def blocker_env(tmp: Path, at: str, **extra: str | None) -> dict[str, str]:
    """:func:`child_env` with the blocker plugin installed (a dist-info on the path)."""
    site = tmp / "site"
    site.mkdir(exist_ok=True)
    (site / "kinship_blocker.py").write_text(BLOCKER, encoding="utf-8")
    info = site / "kinship_blocker-1.0.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: kinship-blocker\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[kinship]\nblocker = kinship_blocker\n", encoding="utf-8"
    )
    marks = tmp / "marks"
    marks.mkdir(exist_ok=True)
    env = child_env(
        tmp,
        KINSHIP_NO_PLUGINS=None,
        KINSHIP_LOAD_PLUGINS="kinship-blocker",
        BLOCKER_AT=at,
        BLOCKER_MARKS=str(marks),
        **extra,
    )
    env["PYTHONPATH"] = os.pathsep.join([str(site), env["PYTHONPATH"]])
    return env
