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
import os
import signal
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import work
from textual.app import App
from textual.binding import BindingType
from textual.reactive import reactive

from kinship.records import PaletteCommand
from kinship.tui.commands import (
    ContactJumpProvider,
    KinshipCommandsProvider,
    PluginCommandsProvider,
)
from kinship.tui.context import APP_BINDINGS, AppContext
from kinship.tui.errors import describe_error
from kinship.tui.safe import plain_symbols

if TYPE_CHECKING:
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
        self.settings = settings
        #: The plugin host once loaded (after the first paint); ``None`` without plugins.
        self.host: Any = host
        self._bound: Any = None
        self.plain = plain_symbols()
        self.plugin_commands: list[PaletteCommand] = []
        self.startup_ms: float | None = None
        self.first_rows_ms: float | None = None
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
    def read_only(self) -> bool:
        """The store opened read-only (not writable by this user, or ``--read-only``)."""
        return bool(getattr(self.store, "read_only", False))

    async def db(self, func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run ``func`` on the database thread and await its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(func, *args, **kwargs))

    def say(
        self, message: str, *, severity: str = "information", timeout: float | None = None
    ) -> None:
        """A toast that shows ``message`` literally (it may hold user text)."""
        from kinship.tui.safe import clean

        self.notify(clean(message), severity=severity, timeout=timeout, markup=False)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        from kinship.tui.screens.main import MainScreen

        if not self.wiring.bound:
            # The services compute with our strategies and notify our plugins while we run.
            self._bound = self.wiring.bind()
        if self.plain:
            self.add_class("-plain")
        self._show_presenter()
        main = MainScreen()
        main.prefetch(self._executor.submit)
        self.push_screen(main)
        if not self.is_headless:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError, AttributeError):
                asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.exit)

    def on_ready(self) -> None:
        self.startup_ms = (time.perf_counter() - self.started_at) * 1000
        self.log.info(f"kinship started in {self.startup_ms:.0f} ms")
        # After the first frame: the plugin host and the builtin strategies import a lot
        # (zoneinfo alone pulls in sysconfig), and a thread importing next to the first
        # paint slows it down through the GIL.
        self.load_plugins()

    def on_unmount(self) -> None:
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
                commands = list(host.palette_commands())
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

    def on_worker_state_changed(self, event: Any) -> None:
        """One place for worker errors: shown as a message, never a crash."""
        from textual.worker import WorkerState

        if event.state == WorkerState.ERROR and event.worker.error is not None:
            err = event.worker.error
            if event.worker.group == "plugins":
                self.say(f"plugins not loaded: {err}", severity="warning")
            else:
                self.say(describe_error(err), severity="error")

    # ----------------------------------------------------------------- actions

    def action_help(self) -> None:
        from kinship.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_today(self) -> None:
        from kinship.tui.screens.today import TodayScreen

        if isinstance(self.screen, TodayScreen):
            self.pop_screen()
        elif not self.screen.is_modal:
            self.push_screen(TodayScreen())

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
        try:
            command.run(self)
        except Exception as exc:  # a plugin must not take the app down
            self.say(f"{command.title}: {exc}", severity="error")

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
        app = KinshipApp(
            None,
            settings=ctx.settings,
            started_at=started,
            wiring=ctx.wiring,
            presenter=bool(getattr(ctx.args, "presenter", False)),
        )
        _run_quietly(app)
    finally:
        if tmpdir is not None:
            from kinship.store import close_store

            close_store()
            tmpdir.cleanup()
    return 0


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
