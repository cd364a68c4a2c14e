"""The kinship Textual app.

Construct it with :class:`KinshipApp` (tests pass a fixed ``today`` and no plugins), or run it
from the CLI through :func:`run_app`, which hands it the CLI's :class:`kinship.wiring.Wiring`
(the plugin host and the settings). While it runs, the app's wiring is what the services
were handed: its strategies and its plugins' notifications. All database work runs on one
database thread (:meth:`KinshipApp.db`): one connection, serialised reads and writes, the UI
never waits. Imports run in a thread worker with their own connection. Plugins, follow-up
computation and the heavy import libraries load in workers after the first paint.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import io
import os
import signal
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from textual import work
from textual.app import App
from textual.binding import BindingType
from textual.reactive import reactive
from textual.screen import Screen

from kinship import failpoints
from kinship.records import PaletteCommand
from kinship.tui.commands import (
    ContactJumpProvider,
    KinshipCommandsProvider,
    PluginCommandsProvider,
)
from kinship.tui.context import APP_BINDINGS, AppContext
from kinship.tui.errors import describe_error, is_database_error
from kinship.tui.safe import plain_symbols

if TYPE_CHECKING:
    from kinship.tui.screens.today import TodayScreen
    from kinship.wiring import Wiring

T = TypeVar("T")


class KinshipApp(App[None]):
    """Keyboard-first personal CRM: contacts, their timeline, what matters to them, Today."""

    TITLE = "kinship"
    CSS_PATH = "app.tcss"
    COMMANDS: ClassVar = App.COMMANDS | {
        KinshipCommandsProvider,
        ContactJumpProvider,
        PluginCommandsProvider,
    }
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS

    #: Set by :func:`run_app` for a run in a real terminal: signals, hang-ups and the exit
    #: deadline (:mod:`kinship.lifeline`). ``None`` in tests.
    lifeline: Any = None

    #: Presenter mode: contact details and note bodies are masked on every screen.
    presenter: reactive[bool] = reactive(False, init=False)

    def __init__(
        self,
        store_target: str | os.PathLike[str] | None = None,
        *,
        today: date | None = None,
        settings: Any = None,
        host: Any = None,
        host_loader: Callable[[], Any] | None = None,
        started_at: float | None = None,
        presenter: bool = False,
        wiring: Wiring | None = None,
    ) -> None:
        self.started_at = started_at if started_at is not None else time.perf_counter()
        super().__init__()
        from kinship.store import current, open_store

        if store_target is not None:
            open_store(store_target)
        self.store = current()
        self._fixed_today = today
        if wiring is None:
            from kinship.config import Settings
            from kinship.wiring import Wiring

            # No settings given (tests): the defaults, never the user's config file.
            wiring = Wiring(
                settings=settings if settings is not None else Settings(),
                host=host,
                load_host=host_loader,
                today=today,
            )
        self.wiring = wiring
        if self._fixed_today is None:
            self._fixed_today = wiring.today  # a day the entry point (or a test) fixed
        self.settings = settings
        #: The plugin host once loaded (after the first paint); ``None`` without plugins.
        self.host: Any = host
        self._bound: Any = None
        self.plain = plain_symbols()
        self.plugin_commands: list[PaletteCommand] = []
        self.startup_ms: float | None = None
        self.first_rows_ms: float | None = None
        #: Set once the first frame is on the terminal (what is not in it waits for it).
        self.first_frame = asyncio.Event()
        #: What waits for the first frame (:meth:`when_drawn`), in the order it asked.
        self._when_drawn: list[Callable[[], Any]] = []
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kinship-db")
        #: Set once the plugin host is loaded and follow-ups are up to date for today.
        self.followups_ready = asyncio.Event()
        keys = getattr(settings, "keys", None) or {}
        if keys:
            self.set_keymap(dict(keys))
        self.set_reactive(KinshipApp.presenter, presenter)

    # ----------------------------------------------------------------- basics

    @property
    def today(self) -> date:
        return self._fixed_today or date.today()

    @property
    def first_frame_drawn(self) -> bool:
        return self.first_frame.is_set()

    def when_drawn(self, callback: Callable[[], Any]) -> None:
        """Run ``callback`` once the first frame is on the terminal: now if it is, else
        then (once, however often it was asked)."""
        if self.first_frame.is_set():
            callback()
        elif callback not in self._when_drawn:
            self._when_drawn.append(callback)

    def first_frame_is_drawn(self) -> None:
        """The first frame is on the terminal: run what waited for it."""
        self.first_frame.set()
        waiting, self._when_drawn = self._when_drawn, []
        for callback in waiting:
            callback()

    @property
    def read_only(self) -> bool:
        """The store opened read-only (not writable by this user, or ``--read-only``)."""
        return bool(getattr(self.store, "read_only", False))

    async def db(self, func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run ``func`` on the database thread and await its result."""
        loop = asyncio.get_running_loop()
        job = functools.partial(func, *args, **kwargs)
        if failpoints.armed():
            job = functools.partial(_at_failpoint, f"db:{getattr(func, '__name__', 'job')}", job)
        return await loop.run_in_executor(self._executor, job)

    def say(
        self, message: str, *, severity: str = "information", timeout: float | None = None
    ) -> None:
        """A toast that shows ``message`` literally (it may hold user text)."""
        from kinship.tui.safe import clean

        self.notify(clean(message), severity=severity, timeout=timeout, markup=False)  # type: ignore[arg-type]

    def get_default_screen(self) -> Screen[Any]:
        """The main screen is the app's first screen. (Pushed over Textual's default one
        from ``on_mount``, it is laid out and rendered inside Textual's start-up batch,
        where nothing is drawn, and rendered again after it.)"""
        from kinship.tui.screens.main import MainScreen

        # Before the first page is fetched (below), not in on_mount, which comes after.
        # The services' warnings (a stored value kinship cannot read …) become messages.
        self._previous_warn = self.wiring.warn
        self.wiring.warn = self.warn_from_any_thread
        if not self.wiring.bound:
            # The services compute with our strategies and notify our plugins while we run.
            self._bound = self.wiring.bind()
        main = MainScreen()
        main.prefetch(self._executor.submit)
        return main

    def on_mount(self) -> None:
        if self.plain:
            self.add_class("-plain")
        self._show_presenter()
        if self.lifeline is not None and self.lifeline.leaving.is_set():
            self.exit()  # a signal came while the app was starting
        if not self.is_headless and self.lifeline is None:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError, AttributeError):
                asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.exit)

    def on_ready(self) -> None:
        self.startup_ms = (time.perf_counter() - self.started_at) * 1000
        self.log.info(f"kinship started in {self.startup_ms:.0f} ms")
        # Textual is ready once the first screen is laid out, but at start that is inside
        # its start-up batch, where the frame is not drawn: the first frame goes out after
        # this. What would compete with drawing it waits until it has.
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        from kinship.tui.startup import resume_gc

        resume_gc()
        self.first_frame_is_drawn()
        # The plugin host and the builtin strategies import a lot (zoneinfo alone pulls in
        # sysconfig), and a thread importing next to a frame slows it down through the GIL.
        self.load_plugins()
        self.call_after_refresh(self._build_today)

    def get_driver_class(self) -> Any:
        from kinship.tui.driver import guarded

        return guarded(super().get_driver_class())

    def exit(self, *args: Any, **kwargs: Any) -> None:
        # Whatever still runs (a blocked plugin, a long count) gets the lifeline's grace
        # period, then the process ends: quitting never hangs.
        if self.lifeline is not None:
            self.lifeline.leave(0, "quit")
        super().exit(*args, **kwargs)

    def on_unmount(self) -> None:
        self.wiring.warn = getattr(self, "_previous_warn", None)
        if self.lifeline is not None:
            self.lifeline.leave(0, "quit")
        if self._bound is not None:
            self._bound.restore()
            self._bound = None

        def close() -> None:
            with contextlib.suppress(Exception):
                self.store.db.close()

        with contextlib.suppress(RuntimeError):
            self._executor.submit(close)
        self._executor.shutdown(wait=False)

    @work(thread=True, exclusive=True, exit_on_error=False, group="plugins")
    def load_plugins(self) -> None:
        """Off the first paint: load the plugin host and its palette commands, build the
        follow-up engine from its strategies and run the daily catch-up (own connection)."""
        from kinship.services import followups

        try:
            host = self.wiring.host
            commands: list[PaletteCommand] = []
            if host is not None:
                # Every registration hook once, so each plugin that fails is known now.
                host.check()
                commands = list(host.palette_commands())
                # Each plugin disabled so far, and from now on, is a message on screen.
                for info in host.subscribe(self.plugin_disabled):
                    self.plugin_disabled(info)
            self.call_from_thread(self._set_host, host, commands)
            followups.engine()  # the strategies the app handed the services (plugins loaded)
            followups.refresh_stale(self._fixed_today)
        finally:
            with contextlib.suppress(Exception):
                self.store.db.close()  # this thread's connection
            with contextlib.suppress(Exception):
                self.call_from_thread(self.followups_ready.set)

    def _set_host(self, host: Any, commands: list[PaletteCommand]) -> None:
        self.host = host
        self.plugin_commands = commands

    # ----------------------------------------------------------------- from any thread

    def _from_any_thread(self, func: Callable[..., Any], *args: Any) -> None:
        """Run ``func`` on the UI thread, whichever thread asks (a worker, the db thread)."""
        import threading

        if threading.get_ident() == self._thread_id:
            func(*args)
        else:
            with contextlib.suppress(RuntimeError):  # the app is closing
                self.call_from_thread(func, *args)

    def warn_from_any_thread(self, message: str) -> None:
        """The services' warnings, as a message on screen."""
        self._from_any_thread(functools.partial(self.say, message, severity="warning"))

    def plugin_disabled(self, info: Any) -> None:
        """A plugin was disabled (by now, or while loading): say so, and redraw the Plugins
        screen if it is open. Called by the plugin host, from any thread."""
        self._from_any_thread(self._show_disabled, info)

    def _show_disabled(self, info: Any) -> None:
        from kinship.tui.screens.plugins import PluginsScreen

        self.say(
            f"plugin {info.label} disabled: {info.error} (! lists the plugins)",
            severity="warning",
            timeout=10,
        )
        if isinstance(self.screen, PluginsScreen):
            self.screen.refresh_rows()

    # ----------------------------------------------------------------- workers

    def run_worker(self, work: Any, *args: Any, **kwargs: Any) -> Any:
        """Textual's ``run_worker``, but a worker that raises is a message, never the end of
        the app: plugins' palette commands start workers, and their errors are theirs."""
        kwargs["exit_on_error"] = False
        return super().run_worker(work, *args, **kwargs)

    def _handle_exception(self, error: Exception) -> None:
        # A worker started elsewhere (a plugin's own screen, ``@work`` with the default
        # exit_on_error) that raises: a message, not a crash. Anything else is a bug of the
        # app itself and ends it as Textual does.
        from textual.worker import WorkerFailed

        if isinstance(error, WorkerFailed):
            self.say(f"a background task failed: {describe_error(error.error)}", severity="error")
            return
        super()._handle_exception(error)

    def on_worker_state_changed(self, event: Any) -> None:
        """One place for worker errors: shown as a message, never a crash."""
        from textual.worker import WorkerState

        if event.state == WorkerState.ERROR and event.worker.error is not None:
            err = event.worker.error
            if event.worker.group == "plugins" and not is_database_error(err):
                self.say(f"plugins not loaded: {err}", severity="warning")
            elif event.worker.group == "plugin-command":
                self.say(f"{event.worker.name}: {describe_error(err)}", severity="error")
            else:
                self.say(describe_error(err), severity="error")

    # ----------------------------------------------------------------- actions

    def action_help(self) -> None:
        from kinship.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_plugins(self) -> None:
        from kinship.tui.screens.plugins import PluginsScreen

        if isinstance(self.screen, PluginsScreen):
            self.pop_screen()
        elif not self.screen.is_modal:
            self.push_screen(PluginsScreen())

    def action_today(self) -> None:
        from kinship.tui.screens.today import TodayScreen

        if isinstance(self.screen, TodayScreen):
            self.pop_screen()
        elif not self.screen.is_modal:
            today = self.today_screen()
            today.opening()
            self.push_screen(today)

    def today_screen(self) -> TodayScreen:
        """The one Today screen: installed (kept when popped), built on first use."""
        from kinship.tui.screens.today import TodayScreen

        if not self.is_screen_installed("today"):
            self.install_screen(TodayScreen(), "today")
        return cast("TodayScreen", self.get_screen("today"))

    def _build_today(self) -> None:
        """Build Today off the first paint, so that ``t`` shows it instead of building it
        (composing a screen with a list is most of what opening it cost: 100+ ms)."""
        screen = self.today_screen()
        if not screen.is_running and not self._exit:
            # Textual starts an installed screen when it is first pushed; start it now, off
            # screen (its rows load once follow-ups are ready).
            self._get_screen(screen)

    def action_toggle_presenter(self) -> None:
        self.presenter = not self.presenter
        if self.presenter:
            self.say("Presenter mode: emails, phones, addresses and notes are masked (P: off)")
        else:
            self.say("Presenter mode off: everything is shown")

    def watch_presenter(self) -> None:
        self._show_presenter()
        # Every screen on the stack redraws what it shows from what it already has.
        for screen in self.screen_stack:
            changed = getattr(screen, "presenter_changed", None)
            if changed is not None:
                changed()

    def _show_presenter(self) -> None:
        self.set_class(self.presenter, "-presenter")
        self.title = "kinship · presenter mode" if self.presenter else "kinship"

    def run_plugin_command(self, command: PaletteCommand) -> None:
        """Run a plugin's palette entry. ``run(app)`` may be a plain function (quick, on the
        UI thread) or a coroutine function, run as a worker: it may ``await`` database work
        (``kinship.api.call``). Whatever it raises, there or in a worker it starts, is a
        message naming the command."""
        import inspect

        try:
            result = command.run(self)
            if inspect.isawaitable(result):
                self.run_worker(result, name=clean_title(command.title), group="plugin-command")
        except Exception as exc:  # a plugin must not take the app down
            self.say(f"{command.title}: {describe_error(exc)}", severity="error")

    @property
    def main(self) -> Any:
        from kinship.tui.screens.main import MainScreen

        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None


def run_app(ctx: Any) -> int:
    started = time.perf_counter()
    demo = bool(getattr(ctx.args, "demo", False))
    tmpdir: tempfile.TemporaryDirectory[str] | None = None
    from kinship.lifeline import Lifeline

    # From the first moment: a hang-up while the store opens must end the process too.
    lifeline = Lifeline().install()
    try:
        if demo:
            from kinship.sample import demo as demo_data
            from kinship.services import runtime
            from kinship.store import open_store
            from kinship.wiring import builtin_strategies

            tmpdir = tempfile.TemporaryDirectory(prefix="kinship-demo-")
            open_store(str(Path(tmpdir.name) / "demo.db"))
            # Builtin strategies for the sample data: plugins load after the first paint.
            with runtime.bind(strategies=builtin_strategies(), settings=ctx.settings):
                demo_data.generate(today=date.today())
        else:
            ctx.store  # noqa: B018 - opens the database (and hands the services the wiring)
        failpoints.reach("startup")
        app = KinshipApp(
            None,
            settings=ctx.settings,
            started_at=started,
            wiring=ctx.wiring,
            presenter=bool(getattr(ctx.args, "presenter", False)),
        )
        app.lifeline = lifeline
        lifeline.attach(functools.partial(_ask_to_exit, app))
        # What the plugin host reports while the app is on screen ("plugin … disabled")
        # is shown as a message; written to the terminal it would tear the screen.
        err, ctx.err = ctx.err, io.StringIO()
        try:
            _run_quietly(app)
        finally:
            ctx.err, said = err, ctx.err.getvalue()
            with contextlib.suppress(OSError, ValueError):
                err.write(said)
        lifeline.attach(None)
    finally:
        if tmpdir is not None:
            from kinship.store import close_store

            close_store()
            tmpdir.cleanup()
        lifeline.uninstall()
    return lifeline.exit_code


def _at_failpoint(name: str, job: Callable[[], T]) -> T:
    failpoints.reach(name)
    return job()


def _ask_to_exit(app: KinshipApp) -> None:
    """From any thread: ask the running app to exit (it checks on mount when it is not
    running yet)."""
    loop = getattr(app, "_loop", None)
    if loop is not None and not loop.is_closed():
        loop.call_soon_threadsafe(app.exit)


def clean_title(title: str) -> str:
    from kinship.tui.safe import clean

    return clean(title)[:80] or "plugin command"


def _run_quietly(app: KinshipApp) -> None:
    """Run the app with library logging going to Textual's captured stderr (its devtools
    log), never to the terminal under the screen; what was counted is not reported after."""
    from kinship import logs

    handler = logs.install()
    previous = handler._stream
    handler.stream = None  # sys.stderr at each record: Textual's capture while it runs
    try:
        app.run()
    finally:
        handler.reset()
        handler.stream = previous


if TYPE_CHECKING:

    def _is_an_app_context(app: KinshipApp) -> AppContext:
        return app  # mypy checks that the screens' view of the app is the app
