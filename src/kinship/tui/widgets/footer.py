"""The footer every full screen shows: the keys of what has focus, with ``? Help`` first.

Textual's footer lists the focused widget's keys first and the app's last, so on an 80-column
terminal the way to every other key (``? Help``) was the first to be cut off.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.events import Resize
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

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        first = [
            w
            for action in FIRST
            for w in widgets
            if isinstance(w, FooterKey) and w.action == action
        ]
        yield from first
        yield from (w for w in widgets if w not in first)
