"""The footer every full screen shows: the keys of what has focus, with ``? Help`` first.

Textual's footer lists the focused widget's keys first and the app's last, so on an 80-column
terminal the way to every other key (``? Help``) was the first to be cut off.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

__all__ = ["KinshipFooter"]

#: The actions shown first, in this order, whatever else the footer holds.
FIRST = ("help",)
#: Below this width (a phone over SSH) the footer is compact and leaves out the palette key
#: (ctrl+p still opens it): the room goes to the keys of what has focus.
PHONE = 60


class KinshipFooter(Footer):
    """A :class:`~textual.widgets.Footer` that always starts with ``? Help``, compact on a
    phone's width."""

    def on_resize(self, event: Resize) -> None:
        phone = event.size.width < PHONE
        if self.compact != phone:
            self.compact = phone
            self.show_command_palette = not phone

    _shown: tuple[Any, ...] | None = None

    def _keys(self) -> tuple[Any, ...]:
        """What the footer draws: the keys of what has focus, as Footer.compose reads them."""
        app = self.app
        bindings = self.screen.active_bindings
        palette = bindings.get(app.COMMAND_PALETTE_BINDING)
        keys = tuple(
            (
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                enabled,
                tooltip,
                None if binding.group is None else binding.group.description,
            )
            for (_, binding, enabled, tooltip) in bindings.values()
            if binding.show
        )
        return keys, self.show_command_palette, palette and palette[1:]

    def bindings_changed(self, screen: Screen[Any]) -> None:
        # Textual rebuilds the footer each time its screen is shown again or focus moves. The
        # same keys built again cost a layout and a frame after the screen's first (about
        # 30 ms when Today or a brief is shown): rebuilt only when the keys changed.
        if (
            self._shown is not None
            and screen is self.screen
            and self.is_attached
            and self._keys() == self._shown
        ):
            return
        when_drawn = getattr(self.app, "when_drawn", None)
        drawn = getattr(self.app, "first_frame_drawn", True)
        if when_drawn is not None and not drawn and screen is self.screen:
            # The keys are built once the first frame (the rows) is on the terminal: the
            # app's first paint does not wait for a dozen more widgets.
            self._bindings_ready = True
            when_drawn(self._keys_after_first_frame)
            return
        if self._rebuild_pending and screen is self.screen:
            # Focus settling at start-up changes the bindings twice before the first frame:
            # the rebuild already asked for reads them when it runs (one rebuild, ~10 ms).
            self._bindings_ready = True
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._rebuild_pending = True
        super().bindings_changed(screen)

    _rebuild_pending = False

    def _keys_after_first_frame(self) -> None:
        # In the footer's own context: its rebuild binds data to it.
        self.call_later(self.bindings_changed, self.screen)

    def compose(self) -> ComposeResult:
        self._rebuild_pending = False
        if self._bindings_ready:
            self._shown = self._keys()
        widgets = list(super().compose())
        first = [
            w
            for action in FIRST
            for w in widgets
            if isinstance(w, FooterKey) and w.action == action
        ]
        yield from first
        yield from (w for w in widgets if w not in first)
