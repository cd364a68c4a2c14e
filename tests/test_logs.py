"""Library logging goes through one handler: one line per record, hidden characters made
visible, repeats counted instead of printed (a garbage vCard made 3,120 raw stderr lines)."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kinship import logs
from tests.conftest import CLI

RAW_ESC = "\x1b"


def garbage_card(path: Path, lines: int = 3000) -> Path:
    body = "".join(f"\x1b[31mgarbage line {n} \x07\x9b2J no colon here\r\n" for n in range(lines))
    path.write_bytes(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Garbage\r\n{body}END:VCARD\r\n".encode())
    return path


@pytest.fixture
def handler() -> Iterator[tuple[logs.SafeHandler, io.StringIO]]:
    err = io.StringIO()
    h = logs.install(err)
    h.reset()
    try:
        yield h, err
    finally:
        h.reset()
        h.stream = None


def test_one_safe_line_per_record(handler: tuple[logs.SafeHandler, io.StringIO]) -> None:
    _, err = handler
    logging.getLogger("somelib").warning("bad value %r\nsecond line \x1b[2J", "\u202ex")
    assert err.getvalue() == ("kinship: somelib: bad value '\\u202ex'\\x0asecond line \\x1b[2J\n")


def test_repeats_are_counted_then_reported_once(
    handler: tuple[logs.SafeHandler, io.StringIO],
) -> None:
    h, err = handler
    log = logging.getLogger("vobject.base")
    for n in range(50):
        log.error(f"Skipped line {n}, message: At line {n}: Failed to parse line: x{n}")
    logging.getLogger("other").warning("different")
    assert len(err.getvalue().splitlines()) == logs.REPEATS + 1
    h.flush_suppressed()
    assert err.getvalue().splitlines()[-1] == (
        f"kinship: vobject.base: … {50 - logs.REPEATS} more like this suppressed"
    )


def test_library_handlers_are_detached(handler: tuple[logs.SafeHandler, io.StringIO]) -> None:
    h, err = handler
    import vobject  # noqa: F401 - attaches its own StreamHandler when the root has none

    stray = logging.StreamHandler(sys.stderr)
    logging.getLogger("vobject.base").addHandler(stray)
    logs.install(err)
    assert stray not in logging.getLogger("vobject.base").handlers
    assert logging.getLogger().handlers.count(h) == 1


def test_garbage_vcard_in_process(cli: CLI, tmp_path: Path) -> None:
    path = garbage_card(tmp_path / "garbage.vcf")
    assert path.stat().st_size > 100_000
    r = cli("import", str(path), "--dry-run")
    assert RAW_ESC not in r.err and "\x07" not in r.err and "\x9b" not in r.err
    # Log lines are "kinship: …"; the import's own problem lines (file:line: …) follow.
    logged = [line for line in r.err.splitlines() if line.startswith("kinship: ")]
    assert len(logged) <= logs.REPEATS + 1, r.err
    assert RAW_ESC not in r.out


def test_garbage_vcard_in_a_fresh_process(tmp_path: Path) -> None:
    """The real order of things: vobject is imported after the handler is installed."""
    path = garbage_card(tmp_path / "garbage.vcf")
    env = {
        **os.environ,
        "KINSHIP_DB": str(tmp_path / "k.db"),
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
    }
    r = subprocess.run(
        [sys.executable, "-m", "kinship", "import", str(path), "--dry-run"],
        capture_output=True,
        env=env,
        timeout=120,
    )
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode == 0, err
    assert b"\x1b" not in r.stderr and b"\x1b" not in r.stdout
    lines = [line for line in err.splitlines() if line.startswith("kinship: ")]
    assert len(lines) <= logs.REPEATS + 1, err
    assert lines[-1].endswith("more like this suppressed"), err
