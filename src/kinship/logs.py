"""Every library's logging through one safe, quiet handler.

Libraries log what they were given: vobject logs each unreadable vCard line as it was in the
file, escape sequences included (``ESC [ 31 m`` turns the terminal red), and a 100 KB garbage
card makes thousands of lines. The entry points (the CLI and the app) call :func:`install`
first, which routes the root logger — and with it vobject, icalendar, peewee, pluggy and
Python's warnings — through one :class:`SafeHandler`:

- each record is one line, ``kinship: <logger>: <message>``, with control, format and bidi
  characters shown as escapes (:func:`kinship.text.visible`) and long messages cut;
- a message of the same shape (logger, level, the text with its numbers taken out) is shown
  at most :data:`REPEATS` times; the rest are counted and reported in one line,
  ``kinship: <logger>: … N more like this suppressed``, when the command ends
  (:meth:`SafeHandler.flush_suppressed`);
- handlers that libraries attached to their own loggers to print to the terminal (vobject
  adds one to ``vobject.base`` when the root logger has none) are removed, so nothing
  bypasses it.

The handler writes to ``sys.stderr`` as it is at the time of each record; inside the app,
Textual captures that stream, so no log line reaches the terminal under the screen.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from typing import TextIO

#: How many records of one shape are shown before the rest are only counted.
REPEATS = 3
#: Longest message shown (characters, after escaping).
WIDTH = 300

_NUMBERS = re.compile(r"\d+")


class SafeHandler(logging.Handler):
    """One line per record, hidden characters made visible, repeats rate-limited."""

    def __init__(
        self, stream: TextIO | None = None, *, repeats: int = REPEATS, width: int = WIDTH
    ) -> None:
        super().__init__(logging.WARNING)
        self._stream = stream
        self.repeats = repeats
        self.width = width
        self._seen: dict[tuple[str, int, str], int] = {}
        self._order: list[tuple[str, int, str]] = []
        self._guard = threading.Lock()

    @property
    def stream(self) -> TextIO:
        return self._stream if self._stream is not None else sys.stderr

    @stream.setter
    def stream(self, value: TextIO | None) -> None:
        self._stream = value

    def shape(self, record: logging.LogRecord) -> tuple[str, int, str]:
        """What makes two records "the same message": logger, level, and the first words of
        the message template with numbers taken out (vobject puts the line number first)."""
        template = record.msg if isinstance(record.msg, str) else type(record.msg).__name__
        return (record.name, record.levelno, _NUMBERS.sub("#", template)[:40])

    def emit(self, record: logging.LogRecord) -> None:
        try:
            key = self.shape(record)
            with self._guard:
                n = self._seen.get(key, 0) + 1
                self._seen[key] = n
                if n == 1:
                    self._order.append(key)
            if n > self.repeats:
                return
            self._write(self.line(record))
        except RecursionError:  # pragma: no cover - as logging.StreamHandler does
            raise
        except Exception:
            self.handleError(record)

    def line(self, record: logging.LogRecord) -> str:
        from kinship.text import visible

        try:
            message = record.getMessage()
        except Exception:  # a library's bad format arguments
            message = str(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            message += f" ({type(exc).__name__}: {exc})"
        text = visible(message)
        if len(text) > self.width:
            text = text[: self.width - 1] + "…"
        level = "" if record.levelno < logging.ERROR else "error: "
        return f"kinship: {visible(record.name)}: {level}{text}\n"

    def flush_suppressed(self) -> None:
        """Write one line per shape that went over the limit, and start counting again."""
        from kinship.text import visible

        with self._guard:
            over = [(key, self._seen[key] - self.repeats) for key in self._order]
            self._seen.clear()
            self._order.clear()
        for (name, _level, _shape), more in over:
            if more > 0:
                self._write(f"kinship: {visible(name)}: … {more} more like this suppressed\n")

    def reset(self) -> None:
        """Forget the counts (what the app captured is not reported after it exits)."""
        with self._guard:
            self._seen.clear()
            self._order.clear()

    def _write(self, text: str) -> None:
        stream = self.stream
        try:
            stream.write(text)
            stream.flush()
        except (OSError, ValueError):  # a closed or broken stream (the terminal went away)
            pass

    def close(self) -> None:
        self.flush_suppressed()
        super().close()


_installed: SafeHandler | None = None


def install(stream: TextIO | None = None) -> SafeHandler:
    """Route all logging (and warnings) through one :class:`SafeHandler`; idempotent.

    ``stream`` (default: ``sys.stderr`` at each record) may be changed on the returned
    handler later, e.g. by the CLI for a command's own error stream.
    """
    global _installed
    root = logging.getLogger()
    if _installed is None or _installed not in root.handlers:
        _installed = SafeHandler(stream)
        root.addHandler(_installed)
    elif stream is not None:
        _installed.stream = stream
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)
    _detach_library_handlers(root, _installed)
    logging.captureWarnings(True)
    return _installed


def installed() -> SafeHandler | None:
    return _installed


def _detach_library_handlers(root: logging.Logger, ours: logging.Handler) -> None:
    """Remove terminal handlers that libraries attached to their own loggers (and the root
    handlers others added), so every record goes through ``ours``."""
    for h in list(root.handlers):
        if h is not ours and _to_terminal(h):
            root.removeHandler(h)
    for logger in list(logging.Logger.manager.loggerDict.values()):
        if not isinstance(logger, logging.Logger):
            continue
        for h in list(logger.handlers):
            if _to_terminal(h):
                logger.removeHandler(h)
                logger.propagate = True


def _to_terminal(handler: logging.Handler) -> bool:
    """A plain ``StreamHandler`` (what vobject and ``basicConfig`` add): it prints records
    raw to a terminal stream. Subclasses (test harnesses' capture handlers) and file
    handlers are somebody's deliberate choice and stay."""
    return type(handler) is logging.StreamHandler
