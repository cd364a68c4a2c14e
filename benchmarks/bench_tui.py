"""Speed as a person feels it: kinship and a bare Textual app in a real pseudo-terminal.

    python benchmarks/bench_tui.py            # --quick: 10k contacts (what `tox -e bench` runs)
    python benchmarks/bench_tui.py --full     # 100k contacts, 1M interactions
    python benchmarks/bench_tui.py --contacts 50000 --markdown

Both programs are started the same way (this interpreter, ``-m kinship --db STORE`` and
``bare_app.py``) in a pseudo-terminal of ``--cols`` × ``--rows``; what they write is fed to a
``pyte`` screen, and every figure is read off that screen, the way a person sees it:

- **first paint**: process start → the first row of the list visible (median of ``--runs``,
  the two programs started in turn);
- **keystroke → settled**: each key is sent once the screen has settled from the last one;
  the time is from the write of the key to the last change of the screen's text, taken once
  the screen shows the expected result and then has not changed for ``--quiet`` seconds.
  For kinship the expected result of a search keystroke is the query in the box, the first
  matching name at the top of the list and the exact count in the status line (computed
  here with the same queries); for the bare app it is the echo in its Input. "visible" is
  the first moment the expected result was on screen;
- **PageDown / End / Home** through the contact list (bare: an OptionList of 1,000 rows);
- **opening Today** (``t``; bare: a screen with a 200-row OptionList) and **opening a
  contact** (enter → the brief; bare: a screen with the row's text);
- **peak RSS** (``VmHWM`` of the process, read just before it quits) of one short session
  (first paint, End, a search, Today, a brief) at 1k / 10k (/ 100k with ``--full``).

Stores are generated once per size (``generate.py``) and enriched with organizations, e-mails
and phones (``bench_search.enrich``) in ``$TMPDIR`` (never in the repository). The budgets
(DESIGN §10, issue 12) are judged on the ratios of one run; the exit status is 1 when one
is missed. Timings are wall-clock on whatever else the machine is doing: the load average is
printed with the table.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import queue
import re
import signal
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from _util import HERE, TMP, ensure_store, kinship_env, machine, percentile, table, verdict

# Keys as a terminal sends them.
PAGE_DOWN = "\x1b[6~"
END = "\x1b[F"
HOME = "\x1b[H"
DOWN = "\x1b[B"
ENTER = "\r"
ESCAPE = "\x1b"
CTRL_U = "\x15"
CTRL_Q = "\x11"

#: What is typed into the search box: free text, then each filter; each followed by ctrl+u
#: (clear), which is measured too (widening back to every contact is the costly direction).
SEQUENCES = ("lovelace", "ada lov", "hopper", "tag:mentors", "org:acme", "email:ada@", "is:due")

#: Synchronized output (DEC private mode 2026): the terminal here answers Textual's query
#: as most current terminals do (supported), so each frame comes between a start and an end
#: mark and is looked at whole, as a terminal shows it, never half drawn (a frame larger
#: than a pipe's write arrives in pieces, and the cursor parked mid-frame is no change).
SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"
SYNC_START = b"\x1b[?2026h"
SYNC_END = b"\x1b[?2026l"

BARE_ROWS = 1000
BUDGETS = {
    "first_paint": 1.3,  # × bare
    "keystroke_p95": 2.0,  # × bare echo p95
    "today_ms": 50.0,  # absolute
    "rss_growth": 1.3,  # RSS at the largest size ÷ at 1k
}


# --------------------------------------------------------------------------- the terminal


@dataclass
class Wait:
    """What one wait saw: seconds from ``since`` to the first frame showing the expected
    result (``visible``) and to the last change of the screen's text (``settled``)."""

    visible: float
    settled: float


class Timeout(Exception):
    pass


class Term:
    """A program in a pseudo-terminal; its output on a ``pyte`` screen.

    A thread reads the pty and stamps each chunk with the time it arrived; the caller feeds
    chunks to the screen and notes the arrival time of each one that changed the text.
    """

    def __init__(self, argv: Sequence[str], env: dict[str, str], cols: int, rows: int) -> None:
        import pyte

        self.cols, self.rows = cols, rows
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.lines: list[str] = [" " * cols] * rows
        self.cursor = (0, 0)
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = dict(env, TERM="xterm-256color", COLORTERM="truecolor")
        env.pop("NO_COLOR", None)
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.last_change = self.started
        #: Inside a synchronized frame: what it has drawn so far is not looked at yet.
        self.in_frame = False
        self._tail = b""
        self.rss_kib: int | None = None
        self._chunks: queue.Queue[tuple[float, bytes]] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 1 << 16)
            except OSError:
                data = b""
            if SYNC_QUERY in data:
                with contextlib.suppress(OSError):
                    os.write(self.master, SYNC_REPLY)
            self._chunks.put((time.perf_counter(), data))
            if not data:
                return

    def send(self, keys: str) -> float:
        """Write ``keys``; the time they were written."""
        self.drain()
        at = time.perf_counter()
        os.write(self.master, keys.encode())
        return at

    def _feed(self, at: float, data: bytes) -> None:
        self.stream.feed(data)
        # The last frame mark decides (searched with the end of the last chunk: a mark may
        # be cut in two); the rows are compared once the frame is complete.
        seen = self._tail + data
        start, end = seen.rfind(SYNC_START), seen.rfind(SYNC_END)
        if start != end:
            self.in_frame = start > end
        self._tail = seen[-(len(SYNC_START) - 1) :]
        if self.in_frame:
            return
        dirty = self.screen.dirty
        if not dirty:
            return
        buffer = self.screen.buffer
        changed = False
        for y in list(dirty):
            if 0 <= y < self.rows:
                row = buffer[y]
                text = "".join(row[x].data for x in range(self.cols))
                if text != self.lines[y]:
                    self.lines[y] = text
                    changed = True
        dirty.clear()
        if changed:
            self.last_change = at

    def drain(self, at: float | None = None) -> None:
        """Feed what has arrived so far (``at``: when the last chunk fed arrived)."""
        while True:
            try:
                at, data = self._chunks.get_nowait()
            except queue.Empty:
                break
            if data:
                self._feed(at, data)
        if at is not None and not self.in_frame:
            # Textual parks the (hidden) terminal cursor at the Input's cursor after each
            # frame: a typed space moves it without changing any text. Compared once the
            # output has been read to the end, so a frame cut in two is not seen as a move.
            cursor = (self.screen.cursor.x, self.screen.cursor.y)
            if cursor != self.cursor:
                self.cursor = cursor
                self.last_change = at

    def wait(
        self,
        shows: Callable[[Term], bool],
        *,
        since: float,
        quiet: float,
        timeout: float = 60.0,
        what: str = "",
    ) -> Wait:
        """Wait until the screen ``shows`` the expected result and has then not changed for
        ``quiet`` seconds."""
        deadline = since + timeout
        visible: float | None = None
        while True:
            now = time.perf_counter()
            # Quiet since the key was sent, too: an unchanged screen must be watched for
            # ``quiet`` before it counts as settled.
            if visible is not None and now - max(self.last_change, since) >= quiet:
                if shows(self):
                    settled = max(visible, self.last_change)
                    return Wait(max(0.0, visible - since), max(0.0, settled - since))
                visible = None
            if now > deadline:
                raise Timeout(f"{what}: not seen within {timeout:.0f} s\n" + self.text())
            wait = max(self.last_change, since) + quiet - now if visible is not None else 0.05
            try:
                at, data = self._chunks.get(timeout=max(0.001, wait))
            except queue.Empty:
                if visible is None and shows(self):
                    visible = self.last_change
                continue
            if not data:
                if self.proc.poll() is not None:
                    raise Timeout(f"{what}: the program ended\n" + self.text())
                continue
            self._feed(at, data)
            self.drain(at)
            if visible is None and shows(self):
                visible = self.last_change

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.lines)

    def peak_rss(self) -> int | None:
        """The process's peak RSS so far (KiB), from ``VmHWM``. Not ``ru_maxrss`` from
        ``wait4``: a forked child starts with its parent's high-water mark, so every
        program would report at least this script's own size."""
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return None

    def close(self, *, keys: str = CTRL_Q, timeout: float = 15.0) -> int | None:
        """Quit with ``keys`` and reap the process, keeping its peak RSS (KiB)."""
        self.rss_kib = self.peak_rss()
        with contextlib.suppress(OSError):
            os.write(self.master, keys.encode())
        deadline = time.perf_counter() + timeout
        status = None
        while status is None:
            pid, status_word = os.waitpid(self.proc.pid, os.WNOHANG)
            if pid:
                status = os.waitstatus_to_exitcode(status_word)
                self.proc.returncode = status
                break
            if time.perf_counter() > deadline:
                os.killpg(self.proc.pid, signal.SIGKILL)
                deadline = time.perf_counter() + 5
            self.drain()
            time.sleep(0.02)  # polling for exit, not a measurement
        with contextlib.suppress(OSError):
            os.close(self.master)
        return status


# --------------------------------------------------------------------------- what to expect


@dataclass
class Expect:
    """What kinship's screen should show, computed with the same queries."""

    first: str
    last: str
    names: list[str]  # the first rows in name order (the briefs opened)
    searches: dict[str, tuple[str | None, int | None, str | None]] = field(default_factory=dict)


def expectations(db: Path, today: date) -> Expect:
    from kinship.errors import KinshipError
    from kinship.services.followups import due_condition
    from kinship.store import close_store, open_store, queries
    from kinship.store.models import Contact

    open_store(db)
    try:
        names = [
            n
            for (n,) in queries.contacts("", today=today)
            .select(Contact.display_name)
            .limit(8)
            .tuples()
        ]
        last = (
            Contact.select(Contact.display_name)
            .where(Contact.archived == False)  # noqa: E712
            .order_by(Contact.sort_name.desc(), Contact.id.desc())
            .scalar()
        )
        searches: dict[str, tuple[str | None, int | None, str | None]] = {}
        for seq in SEQUENCES:
            for i in range(1, len(seq) + 1):
                q = seq[:i]
                try:
                    first = (
                        queries.contacts(q, today=today, due=due_condition)
                        .select(Contact.display_name)
                        .limit(1)
                        .scalar()
                    )
                    count = queries.count_contacts(q, today=today, due=due_condition)
                    searches[q] = (first, count, None)
                except KinshipError as exc:
                    searches[q] = (None, None, str(exc))
        searches[""] = (names[0], queries.count_contacts("", today=today), None)
        return Expect(names[0], last, names, searches)
    finally:
        close_store()


# --------------------------------------------------------------------------- the two programs


class Program:
    """How to start one of the two apps and what its screen looks like."""

    label = ""

    def argv(self) -> list[str]:
        raise NotImplementedError

    def env(self) -> dict[str, str]:
        env = kinship_env()
        # Started as installed programs are (pip compiles every module): bytecode cached,
        # under $TMPDIR rather than in the source tree, even where the environment asks for
        # none. Without it kinship's own modules were compiled at every start and Textual's
        # were not (they come compiled in site-packages).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(TMP / "kinship-bench-pycache")
        return env

    def first_row(self, lines: list[str]) -> bool:
        raise NotImplementedError

    def ready(self, lines: list[str]) -> bool:
        return self.first_row(lines)

    placeholder = ""
    #: Where the search box's text starts: (row, column), found from its placeholder.
    box: tuple[int, int] | None = None

    def find_box(self, lines: list[str]) -> bool:
        for y, line in enumerate(lines):
            x = line.find(self.placeholder)
            if x >= 0:
                self.box = (y, x)
                return True
        return False

    def typed(self, t: Term, q: str) -> bool:
        """The search box shows exactly ``q``, with the cursor after it (a typed space
        changes no text: only the cursor moves)."""
        assert self.box is not None and self.cursor0 is not None
        y, x = self.box
        line = t.lines[y]
        if not q:
            return self.placeholder in line and t.cursor == self.cursor0
        cx, cy = t.cursor
        end = x + len(q)
        return (
            cy == self.cursor0[1]
            and cx == self.cursor0[0] + len(q)
            and line[x:end] == q
            and not line[end : end + 8].strip()
        )

    #: The terminal cursor in the empty, focused search box.
    cursor0: tuple[int, int] | None = None

    def search_shows(self, t: Term, q: str) -> bool:
        return self.typed(t, q)

    def list_region(self, lines: list[str]) -> list[str]:
        return lines

    def loading(self, lines: list[str]) -> bool:
        return False

    def shows_name(self, lines: list[str], name: str) -> bool:
        return any(name in line for line in self.list_region(lines))

    def nth(self, i: int) -> str:
        raise NotImplementedError

    def last(self) -> str:
        raise NotImplementedError

    def today_shows(self, lines: list[str]) -> bool:
        raise NotImplementedError

    def brief_shows(self, lines: list[str], name: str) -> bool:
        raise NotImplementedError


class Bare(Program):
    label = "bare Textual"
    placeholder = "/ search"

    def argv(self) -> list[str]:
        return [sys.executable, str(HERE / "bare_app.py"), str(BARE_ROWS)]

    def nth(self, i: int) -> str:
        from bare_app import name

        return name(i)

    def last(self) -> str:
        return self.nth(BARE_ROWS - 1)

    def first_row(self, lines: list[str]) -> bool:
        return self.shows_name(lines, self.nth(0))

    def today_shows(self, lines: list[str]) -> bool:
        text = "\n".join(lines)
        return "200 to reach out to" in text and self.nth(0) in text

    def brief_shows(self, lines: list[str], name: str) -> bool:
        return any(f"Before you meet {name}" in line for line in lines)


class Kinship(Program):
    label = "kinship"
    placeholder = "/ search (tag:mentors"

    def __init__(self, db: Path, expect: Expect, cols: int) -> None:
        self.db = db
        self.expect = expect
        # The contacts pane is two fifths of a wide terminal (app.tcss: 2fr 2fr 1fr).
        self.pane = cols * 2 // 5

    def argv(self) -> list[str]:
        return [sys.executable, "-m", "kinship", "--db", str(self.db)]

    def list_region(self, lines: list[str]) -> list[str]:
        return [line[: self.pane] for line in lines[3:]]

    def loading(self, lines: list[str]) -> bool:
        return any(
            line.strip().strip("▊▎▌▐█│┃|").strip() == "…" for line in self.list_region(lines)
        )

    def nth(self, i: int) -> str:
        return self.expect.names[i]

    def last(self) -> str:
        return self.expect.last

    def first_row(self, lines: list[str]) -> bool:
        return self.shows_name(lines, self.expect.first)

    def ready(self, lines: list[str]) -> bool:
        # The follow-ups are ready (plugins loaded, the daily catch-up run) once the header
        # says how many are due.
        head = " ".join(lines[:2])
        return self.first_row(lines) and ("reach out to" in head or "nothing due" in head)

    def search_shows(self, t: Term, q: str) -> bool:
        if not self.typed(t, q):
            return False
        first, total, error = self.expect.searches[q]
        text = "\n".join(self.list_region(t.lines))
        if error is not None:
            return error[:30] in text
        if total is None or f"{total:,} contact" not in text or "counting" in text:
            return False
        return first is None or first in text

    def today_shows(self, lines: list[str]) -> bool:
        text = "\n".join(lines)
        if "Nobody to reach out to" in text:
            return True
        return "to reach out to" in text and re.search(r"\(\d[\d,]*\)", text) is not None

    def brief_shows(self, lines: list[str], name: str) -> bool:
        text = "\n".join(lines)
        return f"Before you meet {name}" in text and "Last three interactions" in text


# --------------------------------------------------------------------------- sessions


@dataclass
class Session:
    first_paint: float = 0.0
    keys: list[tuple[str, Wait]] = field(default_factory=list)
    paging: list[tuple[str, Wait]] = field(default_factory=list)
    today: list[Wait] = field(default_factory=list)
    brief: list[Wait] = field(default_factory=list)
    rss_kib: int = 0


def start(prog: Program, cols: int, rows: int) -> tuple[Term, float]:
    term = Term(prog.argv(), prog.env(), cols, rows)
    seen = term.wait(
        lambda t: prog.first_row(t.lines), since=term.started, quiet=0.0, what="first paint"
    )
    return term, seen.visible


def first_paints(progs: Sequence[Program], runs: int, cols: int, rows: int) -> dict[str, list]:
    """Start each program ``runs`` times, in turn; seconds to the first row (after one
    start of each that is not counted: it writes the bytecode cache)."""
    out: dict[str, list[float]] = {p.label: [] for p in progs}
    for prog in progs:
        start(prog, cols, rows)[0].close()
    for _ in range(runs):
        for prog in progs:
            term, took = start(prog, cols, rows)
            term.close()
            out[prog.label].append(took)
    return out


def ready(term: Term, prog: Program, quiet: float) -> None:
    term.wait(
        lambda t: prog.ready(t.lines),
        since=term.started,
        quiet=max(quiet, 0.5),
        timeout=600,
        what="ready",
    )


def today_session(prog: Program, cols: int, rows: int, quiet: float, opens: int) -> list[Wait]:
    """Only Today: start, wait until ready, then ``t`` → settled and back, ``opens`` times."""
    term, _ = start(prog, cols, rows)
    out: list[Wait] = []
    try:
        ready(term, prog, quiet)
        for _ in range(opens):
            at = term.send("t")
            out.append(term.wait(lambda t: prog.today_shows(t.lines), since=at, quiet=quiet))
            at = term.send(ESCAPE)
            term.wait(lambda t: not prog.today_shows(t.lines), since=at, quiet=quiet)
    finally:
        term.close()
    return out


def session(prog: Program, cols: int, rows: int, quiet: float, *, short: bool = False) -> Session:
    """One scripted session; ``short`` is the peak-RSS session run at every size."""
    out = Session()
    term, out.first_paint = start(prog, cols, rows)
    try:
        ready(term, prog, quiet)
        if not prog.find_box(term.lines):
            raise Timeout("no search box on screen\n" + term.text())

        def key(keys: str, shows: Callable[[list[str]], bool], what: str) -> Wait:
            at = term.send(keys)
            return term.wait(lambda t: shows(t.lines), since=at, quiet=quiet, what=what)

        def settled_list(lines: list[str], name: str) -> bool:
            return prog.shows_name(lines, name) and not prog.loading(lines)

        # Through the list: PageDown ×10, End, Home.
        for i in range(3 if short else 10):
            before = list(term.lines)
            down = key(
                PAGE_DOWN,
                lambda ls, b=before: ls != b and not prog.loading(ls),  # type: ignore[misc]
                f"pagedown {i + 1}",
            )
            out.paging.append(("pagedown", down))
        out.paging.append(("end", key(END, lambda ls: settled_list(ls, prog.last()), "end")))
        out.paging.append(("home", key(HOME, lambda ls: settled_list(ls, prog.nth(0)), "home")))

        # Search as you type: each keystroke, then ctrl+u to clear the box.
        key("/", lambda ls: True, "focus the search")
        prog.cursor0 = term.cursor
        for seq in SEQUENCES[:1] if short else SEQUENCES:
            for i in range(1, len(seq) + 1):
                q = seq[:i]
                at = term.send(q[-1])
                seen = term.wait(
                    lambda t, q=q: prog.search_shows(t, q),  # type: ignore[misc]
                    since=at,
                    quiet=quiet,
                    what=repr(q),
                )
                out.keys.append((q, seen))
            at = term.send(CTRL_U)
            seen = term.wait(
                lambda t: prog.search_shows(t, ""), since=at, quiet=quiet, what="clear"
            )
            out.keys.append(("⌫ all", seen))
        key(ESCAPE, lambda ls: prog.first_row(ls), "leave the search")

        # Open a contact (the brief) and come back.
        for i in range(1, 2 if short else 6):
            key(DOWN, lambda ls: True, "down")
            name = prog.nth(i)
            out.brief.append(
                key(ENTER, lambda ls, n=name: prog.brief_shows(ls, n), f"brief {name}")  # type: ignore[misc]
            )
            key(ESCAPE, lambda ls, n=name: not prog.brief_shows(ls, n), "close the brief")  # type: ignore[misc]

        # Today and back.
        for _ in range(1 if short else 5):
            out.today.append(key("t", prog.today_shows, "today"))
            key(ESCAPE, lambda ls: not prog.today_shows(ls), "leave today")
    except BaseException:
        term.close()
        raise
    term.close()
    out.rss_kib = term.rss_kib or 0
    return out


# --------------------------------------------------------------------------- report


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "—"


def load() -> str:
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "?"


def markdown(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    def cell(v: object) -> str:
        return f"{v:.1f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def store_for(n: int) -> Path:
    return TMP / f"kinship-bench-{n // 1000}k.db"


def prepare(n: int) -> Path:
    """The generated, enriched store of ``n`` contacts (made once, then reused)."""
    db = store_for(n)
    ensure_store(db, n)
    from bench_search import enrich

    from kinship.store import close_store, open_store

    open_store(db)
    try:
        enrich()
    finally:
        close_store()
    return db


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    size = p.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="10k contacts (the default)")
    size.add_argument("--full", action="store_true", help="100k contacts, 1M interactions")
    size.add_argument("--contacts", type=int, help="another size")
    p.add_argument("--runs", type=int, default=5, help="first paints of each app (median)")
    p.add_argument("--cols", type=int, default=120)
    p.add_argument("--rows", type=int, default=36)
    p.add_argument("--quiet", type=float, default=0.3, help="seconds without a change = settled")
    p.add_argument("--markdown", action="store_true", help="also print the tables as Markdown")
    p.add_argument(
        "--paint-only", action="store_true", help="only the first paints (to iterate on start-up)"
    )
    p.add_argument(
        "--today-only",
        action="store_true",
        help="only the first paints and opening Today (the first open and the next ones)",
    )
    args = p.parse_args()
    sys.path.insert(0, str(HERE))

    n = args.contacts or (100_000 if args.full else 10_000)
    rss_sizes = [n] if args.paint_only or args.today_only else sorted({1_000, 10_000, n})
    today = date.today()
    dbs = {size: prepare(size) for size in rss_sizes}
    expect = expectations(dbs[n], today)
    bare, kin = Bare(), Kinship(dbs[n], expect, args.cols)
    load_before = load()

    paints = first_paints([bare, kin], args.runs, args.cols, args.rows)
    if args.paint_only or args.today_only:
        fp_b, fp_k = statistics.median(paints[bare.label]), statistics.median(paints[kin.label])
        print(f"first paint: bare {ms(fp_b)} ms, kinship {ms(fp_k)} ms: {ratio(fp_k, fp_b)}")
        print("  bare    " + " ".join(f"{ms(x):.0f}" for x in paints[bare.label]))
        print("  kinship " + " ".join(f"{ms(x):.0f}" for x in paints[kin.label]))
        if not args.today_only:
            return 0
        # Today, several sessions: the first open of each is apart (a kept screen is built
        # after the first paint, so the first open can differ from the next ones).
        for prog in (bare, kin):
            opens = [today_session(prog, args.cols, args.rows, args.quiet, 5) for _ in range(3)]
            first = [o[0].settled for o in opens]
            later = [w.settled for o in opens for w in o[1:]]
            seen = [w.visible for o in opens for w in o]
            print(
                f"open Today, {prog.label}: first {ms(statistics.median(first))} ms"
                f" ({' '.join(f'{ms(x):.0f}' for x in first)}),"
                f" next {ms(statistics.median(later))} ms median,"
                f" max {ms(max(later))} ms (of {len(later)});"
                f" visible {ms(statistics.median(seen))} ms median"
            )
        today_ms = statistics.median(first + later) * 1000  # kinship: the last one run
        print(f"load average {load_before} → {load()}")
        return 0 if today_ms <= BUDGETS["today_ms"] else 1
    b = session(bare, args.cols, args.rows, args.quiet)
    k = session(kin, args.cols, args.rows, args.quiet)
    bare_rss = session(bare, args.cols, args.rows, args.quiet, short=True).rss_kib
    rss: dict[int, int] = {}
    for size in rss_sizes:
        e = expect if size == n else expectations(dbs[size], today)
        prog = Kinship(dbs[size], e, args.cols)
        rss[size] = session(prog, args.cols, args.rows, args.quiet, short=True).rss_kib
    load_after = load()

    med = statistics.median
    rows: list[tuple[object, ...]] = []
    checks: dict[str, bool] = {}

    def row(label: str, bare_s: float, kin_s: float, budget: str = "", ok: bool | None = None):
        rows.append(
            (
                label,
                ms(bare_s),
                ms(kin_s),
                ratio(kin_s, bare_s),
                budget,
                "" if ok is None else verdict(ok),
            )
        )

    fp_b, fp_k = med(paints[bare.label]), med(paints[kin.label])
    checks["first paint"] = fp_k <= BUDGETS["first_paint"] * fp_b
    row(
        f"first paint ms (start → first row), median of {args.runs}",
        fp_b,
        fp_k,
        "≤ 1.3×",
        checks["first paint"],
    )
    settled_b = [w.settled for _, w in b.keys]
    settled_k = [w.settled for _, w in k.keys]
    visible_b = [w.visible for _, w in b.keys]
    visible_k = [w.visible for _, w in k.keys]
    p95_b, p95_k = percentile(settled_b, 95), percentile(settled_k, 95)
    checks["keystroke p95"] = p95_k <= BUDGETS["keystroke_p95"] * p95_b
    row(f"keystroke → settled ms, p50 of {len(settled_k)}", med(settled_b), med(settled_k))
    row(
        f"keystroke → settled ms, p95 of {len(settled_k)}",
        p95_b,
        p95_k,
        "≤ 2×",
        checks["keystroke p95"],
    )
    row("keystroke → result visible ms, p50", med(visible_b), med(visible_k))
    row("keystroke → result visible ms, p95", percentile(visible_b, 95), percentile(visible_k, 95))
    for what, label in (("pagedown", "PageDown"), ("end", "End"), ("home", "Home")):
        got = [med(w.settled for name, w in s.paging if name == what) for s in (b, k)]
        row(f"{label} → settled ms, median", *got)
    today_b, today_k = med(w.settled for w in b.today), med(w.settled for w in k.today)
    checks["Today"] = today_k * 1000 <= BUDGETS["today_ms"]
    row(
        f"open Today ms (t → settled), median of {len(k.today)}",
        today_b,
        today_k,
        "≤ 50 ms",
        checks["Today"],
    )
    row(
        f"open a contact ms (enter → brief), median of {len(k.brief)}",
        med(w.settled for w in b.brief),
        med(w.settled for w in k.brief),
    )
    for size in rss_sizes:
        rows.append(
            (
                f"peak RSS MiB, {size // 1000}k contacts",
                round(bare_rss / 1024, 1),
                round(rss[size] / 1024, 1),
                ratio(rss[size], bare_rss),
                "",
                "",
            )
        )
    growth = rss[n] / rss[1_000]
    checks["RSS growth"] = growth <= BUDGETS["rss_growth"]
    rows.append(
        (
            f"peak RSS {n // 1000}k ÷ 1k",
            "",
            "",
            f"{growth:.2f}×",
            "≤ 1.3×",
            verdict(checks["RSS growth"]),
        )
    )
    headers = ("", "bare", "kinship", "ratio", "budget", "verdict")

    by_seq: dict[str, list[float]] = {}
    seq = iter(SEQUENCES)
    current = next(seq)
    for q, w in k.keys:
        if q == "⌫ all":
            by_seq.setdefault("⌫ all (clear)", []).append(w.settled)
            current = next(seq, "")
        else:
            by_seq.setdefault(current, []).append(w.settled)
    seq_rows = [
        (name, len(v), ms(med(v)), ms(percentile(v, 95)), ms(max(v))) for name, v in by_seq.items()
    ]
    seq_headers = ("kinship: typing", "keys", "p50 ms", "p95 ms", "max ms")
    slowest = sorted(k.keys, key=lambda kw: -kw[1].settled)[:8]

    print(f"# bench_tui — {machine()}")
    print(
        f"# {n:,} contacts · terminal {args.cols}×{args.rows} · quiet {args.quiet:.2f} s"
        f" · load average {load_before} → {load_after}"
    )
    print()
    print(table(headers, rows))
    print()
    print(table(seq_headers, seq_rows))
    print("slowest keystrokes: " + ", ".join(f"{q!r} {ms(w.settled)}" for q, w in slowest))
    if args.markdown:
        print()
        print(markdown(headers, rows))
        print()
        print(markdown(seq_headers, seq_rows))
    missed = [name for name, ok in checks.items() if not ok]
    print()
    print("budgets: " + ("all met" if not missed else "MISSED: " + ", ".join(missed)))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
