"""Textual's Linux driver, made safe for terminals that go away (a dropped SSH session).

Three things in the stock driver can keep a process alive forever after a hang-up:

- Output goes through a writer thread and a queue of 30 writes. When the terminal is gone
  the thread dies on its first failed write (EIO), nobody empties the queue any more, and
  the 31st write — a search result arriving, the exit sequence — blocks the event loop for
  good. Here a write notices that the writer is dead and drops the text (and reports the
  hang-up); while the app is leaving it never waits for room in the queue.
- Closing joins the writer thread with no time limit; on a terminal that no longer reads (a
  stalled connection, a paused pty) that join never returns. Here it waits a moment, then
  leaves the thread (a daemon) behind.
- A hang-up sends SIGHUP *and* SIGCONT. The stock SIGCONT handler "resumes" the app even
  though it was never suspended, starting a second writer thread in the middle of whatever
  the main thread was doing. Here SIGCONT resumes only after our own SIGTSTP.

A read that fails on the terminal (the input thread's EIO) is a hang-up too. Both go to the
app's :class:`kinship.lifeline.Lifeline`, which ends the process within 2 s.
"""

from __future__ import annotations

import contextlib
import os
import queue
import termios
from typing import Any

from textual.drivers.linux_driver import LinuxDriver

__all__ = ["GuardedLinuxDriver", "guarded"]

#: Seconds a write waits for room before looking again (the writer may have died).
_PUT_SLICE = 0.2
#: Seconds closing waits for the writer to flush and stop.
_CLOSE_WAIT = 0.3
#: What puts a terminal back as it was (the stock driver's exit sequence).
_RESTORE = (
    b"\x1b[<u"  # kitty keyboard protocol off
    b"\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l"  # mouse reporting off
    b"\x1b[?2004l"  # bracketed paste off
    b"\x1b[?1004l"  # focus events off
    b"\x1b[?7h"  # line wrap on
    b"\x1b[?1049l"  # leave the alternate screen
    b"\x1b[?25h"  # show the cursor
)


def guarded(driver_class: type[Any]) -> type[Any]:
    """:class:`GuardedLinuxDriver` in place of Textual's own Linux driver; any other
    driver (Windows, a web driver chosen with ``TEXTUAL_DRIVER``) as it is."""
    return GuardedLinuxDriver if driver_class is LinuxDriver else driver_class


class GuardedLinuxDriver(LinuxDriver):
    """The Linux driver with writes, close and SIGCONT that cannot hang the process."""

    _closed = True
    _suspended = False

    def _lifeline(self) -> Any:
        return getattr(self._app, "lifeline", None)

    def _leaving(self) -> bool:
        lifeline = self._lifeline()
        return bool(lifeline is not None and lifeline.leaving.is_set())

    def _terminal_gone(self) -> None:
        lifeline = self._lifeline()
        if lifeline is not None:
            lifeline.hang_up()

    # ----------------------------------------------------------------- output

    def start_application_mode(self) -> None:
        self._closed = False
        super().start_application_mode()  # type: ignore[no-untyped-call]
        lifeline = self._lifeline()
        if lifeline is not None and not getattr(self, "_restore_registered", False):
            self._restore_registered = True
            lifeline.on_hard_exit(self._restore_terminal)

    def write(self, data: str) -> None:
        writer = self._writer_thread
        pending = getattr(writer, "_queue", None)
        if writer is None or pending is None:
            if writer is not None:
                writer.write(data)
            return
        while True:
            if self._closed:
                return  # suspended or closed: nothing is listening (stock: blocks when full)
            if not writer.is_alive():
                self._terminal_gone()
                return
            if self._leaving():
                with contextlib.suppress(queue.Full):
                    pending.put_nowait(data)
                return
            try:
                pending.put(data, timeout=_PUT_SLICE)
                return
            except queue.Full:
                continue  # a slow terminal: wait on, as the stock driver does

    def close(self) -> None:
        self._closed = True
        writer = self._writer_thread
        if writer is None:
            return
        pending = getattr(writer, "_queue", None)
        if pending is None:
            writer.stop()
            return
        if writer.is_alive():
            with contextlib.suppress(queue.Full):
                pending.put(None, timeout=_CLOSE_WAIT)
            writer.join(_CLOSE_WAIT)

    def _restore_terminal(self) -> None:
        """Last words before a hard exit: the terminal modes and screen as they were,
        without ever blocking (the terminal may be gone or not reading)."""
        if self.attrs_before is not None:
            with contextlib.suppress(termios.error, OSError, ValueError):
                termios.tcsetattr(self.fileno, termios.TCSANOW, self.attrs_before)
        try:
            out = self._file.fileno()  # type: ignore[union-attr]
            blocking = os.get_blocking(out)
        except (OSError, ValueError, AttributeError):
            return
        try:
            os.set_blocking(out, False)
            os.write(out, _RESTORE)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                os.set_blocking(out, blocking)

    # ----------------------------------------------------------------- input and signals

    def _run_input_thread(self) -> None:
        try:
            self.run_input_thread()
        except OSError:
            self._terminal_gone()  # EIO: the terminal hung up
        except BaseException:
            import rich.traceback

            self._app.call_later(self._app.panic, rich.traceback.Traceback())

    def _sigtstp_application(self, *args: Any) -> None:
        self._suspended = True
        super()._sigtstp_application(*args)

    def _sigcont_application(self, *args: Any) -> None:
        if self._suspended:
            self._suspended = False
            super()._sigcont_application(*args)
