"""The app in a real pseudo-terminal: a dropped SSH connection (SIGHUP) ends it cleanly."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals only")


def _read_until(fd: int, needle: bytes, timeout: float) -> bytes:
    seen = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end and needle not in seen:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def test_sighup_exits_cleanly_and_keeps_what_was_saved(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    env.pop("NO_COLOR", None)
    add = subprocess.run(
        [sys.executable, "-m", "kinship", "add", "Saved Before Hangup", "--db", str(db)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert add.returncode == 0, add.stderr
    primary, secondary = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kinship", "--db", str(db), "--no-plugins"],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        start_new_session=True,
    )
    os.close(secondary)
    try:
        screen = _read_until(primary, b"Saved Before Hangup", 30)
        assert b"Saved Before Hangup" in screen, screen[-2000:]
        proc.send_signal(signal.SIGHUP)
        code = proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(primary)
    assert code == 0
    check = subprocess.run(
        [sys.executable, "-m", "kinship", "contacts", "--json", "--db", str(db)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert "Saved Before Hangup" in check.stdout
    import sqlite3

    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
