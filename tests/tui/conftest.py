"""TUI fixtures: a file store in tmp_path (thread workers need one), a fixed today, no plugins."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import shutil
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import pytest
from textual.worker import WorkerCancelled

from kinship.store import Store, close_store, open_store

if TYPE_CHECKING:
    from textual.app import App
    from textual.pilot import Pilot

    from kinship.tui.app import KinshipApp
    from kinship.tui.screens.today import TodayScreen

TODAY = date(2025, 3, 14)

#: The terminal sizes every screen is checked at: roomy, the classic, and a small SSH window.
SIZES = [(120, 40), (80, 24), (50, 20)]
#: ``@size_ids``: a test run at each of :data:`SIZES`, named ``120x40`` …
size_ids = pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")

#: Every modal the main screen opens, with the key that opens it.
MODALS = {
    "a": "ContactForm",
    "e": "ContactForm",
    "l": "LogForm",
    "n": "NoteForm",
    "v": "EventForm",
    "r": "RelateForm",
    "m": "MergeForm",
    "b": "BriefScreen",
    "i": "ImportScreen",
    "question_mark": "HelpScreen",
    "t": "TodayScreen",
    "c": "CaptureForm",
    "o": "IntroduceForm",
    "h": "PathForm",
    "I": "IntroductionsScreen",
    "exclamation_mark": "PluginsScreen",
}
#: The forms among them.
FORMS = {key: name for key, name in MODALS.items() if name.endswith("Form")}


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: Any) -> bool | None:
    """Run ``async def`` tests on a fresh event loop (no pytest-asyncio needed)."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        names = pyfuncitem._fixtureinfo.argnames
        asyncio.run(pyfuncitem.obj(**{n: pyfuncitem.funcargs[n] for n in names}))
        return True
    return None


async def _until_quiet(min_sleep: float = 0, max_sleep: float = 1) -> None:
    """Textual's ``wait_for_idle``, on state instead of time.

    Textual's pilot waits after each key (and in ``pause()``) by sleeping 20 ms slices until
    the process's CPU time stops growing: a guess about time, half of a TUI test's wall time,
    and on a loaded machine a guess that can be wrong. This yields to the event loop until
    every message queue of the app and the widgets on screen is empty, nothing waits to run
    after a refresh and the screen has nothing left to lay out or paint (painting it when it
    has) and no resize is held back, three looks in a row. Workers are ``settle``'s business.
    """
    from textual._context import active_app

    app = active_app.get()
    quiet = 0
    for _ in range(10_000):
        await asyncio.sleep(0)
        try:
            screen = app.screen
        except Exception:  # no screen yet, or the app is closing
            return
        pumps = [app, *app.screen_stack, *screen.walk_children()]
        busy = any(not p._message_queue.empty() or p._next_callbacks for p in pumps)
        if not busy and app._resize_timer is not None:
            app._check_resize()  # a resize, which Textual holds back 1/120 s to merge
            busy = True
        if not busy and (
            screen._layout_required
            or screen._scroll_required
            or screen._repaint_required
            or screen._dirty_widgets
        ):
            screen._on_timer_update()  # what Textual's update timer would do next
            busy = True
        quiet = 0 if busy else quiet + 1
        if quiet == 3:
            return


@pytest.fixture(autouse=True)
def _pilot_waits_on_state(monkeypatch: pytest.MonkeyPatch) -> None:
    import textual.app
    import textual.pilot

    monkeypatch.setattr(textual.app, "wait_for_idle", _until_quiet)
    monkeypatch.setattr(textual.pilot, "wait_for_idle", _until_quiet)


@pytest.fixture(autouse=True)
def _tui_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("KINSHIP_ASCII", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    from kinship.builtin.strategies import default_strategies
    from kinship.config import Settings
    from kinship.services import followups

    followups.use(default_strategies(), Settings(), today=TODAY)
    yield
    followups.reset()


@pytest.fixture
def tui_store(fresh_store: Callable[[], Store]) -> Iterator[Store]:
    """An empty store: a file (thread workers need one), or a PostgreSQL database in the
    ``pg`` run, where the screens and forms run against the server."""
    s = fresh_store()
    try:
        yield s
    finally:
        close_store()


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample store, generated once per session; each test opens a copy of the file."""
    from kinship.builtin.strategies import default_strategies
    from kinship.config import Settings
    from kinship.sample import demo
    from kinship.services import followups

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    open_store(path)
    try:
        followups.use(default_strategies(), Settings(), today=TODAY)
        demo.generate(60, seed=3, today=TODAY)
    finally:
        followups.reset()
        close_store()  # checkpoints the WAL into the file
    return path


@pytest.fixture
def demo_store(_demo_template: Path, tmp_path: Path) -> Iterator[Store]:
    target = tmp_path / "tui.db"
    shutil.copyfile(_demo_template, target)
    s = open_store(target)
    try:
        yield s
    finally:
        close_store()


class SnapCompare(Protocol):
    """The ``snap_compare`` fixture of pytest-textual-snapshot."""

    def __call__(
        self,
        app: App[Any],
        press: tuple[str, ...] = (),
        terminal_size: tuple[int, int] = (80, 24),
        run_before: Callable[[Pilot[Any]], Awaitable[None] | None] | None = None,
    ) -> bool: ...


def make_app(store: Store, **kw: Any) -> KinshipApp:
    from kinship.tui.app import KinshipApp

    return KinshipApp(store.target, today=TODAY, host=None, **kw)


async def settle(pilot: Pilot[Any], app: App[Any]) -> None:
    """Let every worker and the messages they post finish (no sleeps).

    Done when twice in a row the pending messages were handled and no worker was running:
    a worker's result posts a message (a search's rows → the highlighted row) whose handler
    starts the next worker (its detail), which a single look could miss on a busy machine.
    """

    def busy() -> bool:
        return any(w.is_running or w.state.name == "PENDING" for w in app.workers)

    quiet = 0
    for _ in range(100):
        await pilot.pause(0)  # the screen's pending messages, without an idle wait
        if busy():
            quiet = 0
            # A newer search cancels an exclusive worker mid-wait: that is settling too.
            with contextlib.suppress(WorkerCancelled):
                await app.workers.wait_for_complete()
            continue
        await pilot.pause()
        if busy():
            quiet = 0
            continue
        quiet += 1
        if quiet == 2:
            break
    await pilot.pause()


async def until(pilot: Pilot[Any], ready: Callable[[], bool], *, within: float = 60) -> None:
    """Wait until ``ready()`` holds, for what ``settle`` cannot wait on (a worker a test holds
    blocked on purpose). ``within`` bounds a hang; it is no guess at how long the work takes."""
    deadline = time.monotonic() + within
    while not ready():
        assert time.monotonic() < deadline, f"not ready after {within} s"
        await pilot.pause(0.005)  # let the worker thread run


S = TypeVar("S")


async def press_for(pilot: Pilot[Any], app: App[Any], key: str, kind: type[S]) -> S:
    """Press ``key`` and wait: the screen it opens, which must be a ``kind``."""
    await pilot.press(key)
    await settle(pilot, app)
    screen = app.screen
    assert isinstance(screen, kind), f"{key} opened {screen!r}, not a {kind.__name__}"
    return screen


async def open_today(pilot: Pilot[Any], app: App[Any]) -> TodayScreen:
    """Press t on the main screen: the Today screen, shown."""
    from kinship.tui.screens.today import TodayScreen

    return await press_for(pilot, app, "t", TodayScreen)


def screen_text(app: App[Any]) -> str:
    """Everything on screen as plain text (what a person would read)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)
