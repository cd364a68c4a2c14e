"""What the app is to its screens, widgets and palette providers: :class:`AppContext`, and
the app-wide keys (:data:`APP_BINDINGS`).

They reach the running app as ``self.app`` and type it as this protocol rather than as
:class:`kinship.tui.app.KinshipApp`: the app imports the screens (it pushes them), so the
screens importing the app — even for an annotation — would close an import circle.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar, Protocol, TypeVar

from textual.binding import Binding, BindingType

from kinship.records import PaletteCommand

__all__ = ["APP_BINDINGS", "AppContext"]

T = TypeVar("T")

#: The keys that work everywhere (the app's ``BINDINGS``; the help screen lists them).
APP_BINDINGS: list[BindingType] = [
    Binding(
        "question_mark,f1",
        "help",
        "Help",
        key_display="?",
        id="app.help",
        tooltip="Every key, generated from the bindings",
    ),
    Binding("t", "today", "Today", id="app.today", tooltip="Who to reach out to today, and why"),
    Binding(
        "exclamation_mark",
        "plugins",
        "Plugins",
        show=False,
        id="app.plugins",
        tooltip="Installed plugins: version, hooks, status, and why one is disabled",
    ),
    Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit (everything is saved as you go)"),
    Binding(
        "P",
        "toggle_presenter",
        "Presenter mode",
        show=False,
        id="app.presenter",
        tooltip="Presenter mode on/off: mask emails, phones, addresses and notes on every "
        "screen (for screen sharing or working in public)",
    ),
]


class AppContext(Protocol):
    """The part of :class:`kinship.tui.app.KinshipApp` that screens and widgets use."""

    BINDINGS: ClassVar[list[BindingType]]
    #: ASCII symbols instead of Unicode ones (``KINSHIP_ASCII``, a plain terminal).
    plain: bool
    #: The open store (a worker thread closes its own connection with it).
    store: Any
    #: The plugin host once loaded, else ``None``.
    host: Any
    plugin_commands: list[PaletteCommand]
    #: Set once plugins are loaded and follow-ups are up to date for today.
    followups_ready: asyncio.Event
    started_at: float
    first_rows_ms: float | None
    #: Set once the app's first frame is on the terminal (the panes, the first count and
    #: the plugins wait for it).
    first_frame: asyncio.Event
    #: Presenter mode: contact details and note bodies masked on every screen.
    presenter: bool

    @property
    def today(self) -> date: ...

    @property
    def first_frame_drawn(self) -> bool: ...

    def when_drawn(self, callback: Callable[[], Any]) -> None:
        """Run ``callback`` once the first frame is on the terminal (now if it is)."""

    @property
    def read_only(self) -> bool:
        """The store is read-only (the banner is shown, the writing keys dimmed)."""

    @property
    def main(self) -> Any:
        """The main screen, if it is on the stack."""

    @property
    def log(self) -> Any: ...

    async def db(self, func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run ``func`` on the database thread and await its result."""

    def say(
        self, message: str, *, severity: str = "information", timeout: float | None = None
    ) -> None:
        """A toast that shows ``message`` literally (it may hold user text)."""

    def run_plugin_command(self, command: PaletteCommand) -> None: ...
