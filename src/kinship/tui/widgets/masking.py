"""Presenter mode in forms: private fields are masked until you move into them.

A form field marked private (emails, phones, notes, a note's body, an event's place) shows
``•••`` while presenter mode is on: a one-line field is a password field, a multi-line one
is replaced by a :class:`FieldMask`. Moving into the field (tab, a click) shows it — you are
about to edit it — and leaving it masks it again. What is typed or stored is never changed:
masking is only how the field is drawn.
"""

from __future__ import annotations

from typing import Any

from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from kinship.tui.safe import mask_symbol

PRIVATE = "-private"


class FieldMask(Static, can_focus=True):
    """Stands in for a private multi-line field in presenter mode; focus shows the field."""

    def __init__(self, field_id: str) -> None:
        super().__init__(
            f"{mask_symbol()} hidden (presenter mode) · move here to show it",
            classes="field-mask",
            markup=False,
        )
        self.field_id = field_id


def presenter_on(screen: Any) -> bool:
    return bool(getattr(screen.app, "presenter", False))


def apply(screen: Any) -> None:
    """Mask (or show) every private field of ``screen`` but the one being edited."""
    presenter = presenter_on(screen)
    focused = screen.focused
    for w in screen.query(f".{PRIVATE}"):
        hide = presenter and w is not focused
        if isinstance(w, Input):
            w.password = hide
        elif isinstance(w, TextArea) and w.parent is not None:
            w.parent.set_class(hide, "-masked")


def focused(screen: Any, widget: Widget) -> None:
    """Moving into a masked field shows it."""
    if isinstance(widget, FieldMask):
        if widget.parent is not None:
            widget.parent.remove_class("-masked")
        screen.query_one(f"#{widget.field_id}").focus()
    elif isinstance(widget, Input) and widget.has_class(PRIVATE):
        widget.password = False


def blurred(screen: Any, widget: Widget) -> None:
    """Leaving a private field masks it again (in presenter mode)."""
    if not widget.has_class(PRIVATE) or not presenter_on(screen):
        return
    if isinstance(widget, Input):
        widget.password = True
    elif isinstance(widget, TextArea) and widget.parent is not None:
        widget.parent.add_class("-masked")
