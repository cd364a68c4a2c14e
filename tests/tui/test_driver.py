"""The guarded Linux driver: a terminal that is gone or stalled cannot hang the app.

These drive the driver's output path directly over a pipe (no app running): a closed read
end is a hung-up terminal (the write fails), a read end nobody reads is a stalled one.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the Linux driver")


class FakeLifeline:
    def __init__(self) -> None:
        self.leaving = threading.Event()
        self.hung_up = threading.Event()
        self.restorers: list[Any] = []

    def hang_up(self) -> None:
        self.hung_up.set()
        self.leaving.set()

    def on_hard_exit(self, restore: Any) -> None:
        self.restorers.append(restore)


class FakeApp:
    def __init__(self) -> None:
        self.lifeline = FakeLifeline()


@pytest.fixture
def driver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from kinship.tui.driver import GuardedLinuxDriver

    saved = {s: signal.getsignal(s) for s in (signal.SIGTSTP, signal.SIGCONT)}
    monkeypatch.setattr(threading, "excepthook", lambda args: None)  # the writer's EPIPE

    async def make() -> Any:  # a driver belongs to a running loop
        return GuardedLinuxDriver(FakeApp(), debug=False, mouse=False, size=(80, 24))  # type: ignore[arg-type]

    loop = asyncio.new_event_loop()
    try:
        yield loop.run_until_complete(make())
    finally:
        loop.close()
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def start_writer(drv: Any, fd: int) -> Any:
    from textual.drivers._writer_thread import WriterThread

    writer = WriterThread(os.fdopen(fd, "w", encoding="utf-8"))
    writer.start()
    drv._writer_thread = writer
    drv._closed = False
    return writer


def test_writes_after_the_terminal_hung_up_never_block(driver: Any) -> None:
    read_end, write_end = os.pipe()
    writer = start_writer(driver, write_end)
    os.close(read_end)  # the terminal is gone: the next flush fails
    driver.write("first frame")
    writer.join(10)
    assert not writer.is_alive()  # Textual's writer died on EPIPE, its queue unread
    for n in range(200):  # far more than its queue holds (the stock driver blocks at 31)
        driver.write(f"frame {n}")
    assert driver._app.lifeline.hung_up.is_set()
    driver.close()


def test_closing_on_a_terminal_that_stopped_reading_returns(driver: Any) -> None:
    read_end, write_end = os.pipe()
    writer = start_writer(driver, write_end)
    driver._app.lifeline.leaving.set()  # leaving: writes never wait for room
    chunk = "x" * 65536
    for _ in range(64):  # fills the pipe, blocks the writer, fills its queue
        driver.write(chunk)
    started = time.monotonic()
    driver.close()
    assert time.monotonic() - started < 2
    assert writer.is_alive()  # still blocked in its write: left behind, a daemon
    assert writer.daemon

    # Let it go (read what it wrote) so the test leaves no thread behind. The reader stops
    # at the end of the pipe, once the writer is done and its end closed, and only then is
    # the read end closed: closing it under a read in progress failed that read (EBADF).
    def drain() -> None:
        while os.read(read_end, 1 << 20):
            pass

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    writer.join(10)
    assert not writer.is_alive()
    writer._file.close()
    reader.join(10)
    assert not reader.is_alive()
    os.close(read_end)


def test_sigcont_without_our_sigtstp_does_not_restart_the_app(driver: Any) -> None:
    resumed: list[bool] = []
    driver.resume_application_mode = lambda: resumed.append(True)
    driver._auto_restart = True
    driver._sigcont_application(signal.SIGCONT, None)  # as after a hang-up
    assert resumed == []
    driver._suspended = True  # as after ctrl+z
    driver._sigcont_application(signal.SIGCONT, None)
    assert resumed == [True]


def test_only_textuals_own_linux_driver_is_replaced() -> None:
    from textual.drivers.headless_driver import HeadlessDriver
    from textual.drivers.linux_driver import LinuxDriver

    from kinship.tui.driver import GuardedLinuxDriver, guarded

    assert guarded(LinuxDriver) is GuardedLinuxDriver
    assert guarded(HeadlessDriver) is HeadlessDriver
