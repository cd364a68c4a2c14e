"""User text made safe to show: the one place the TUI turns stored strings into visuals.

Every name, summary, note or imported value goes through :func:`clean` (controls, invisible
format characters and bidi controls removed — the rule of :mod:`kinship.text` — so no escape
sequence reaches the terminal and every cell drawn is one the terminal draws) and is shown as
*data*: a
:class:`~textual.content.Content` or :class:`rich.text.Text` built from plain text, never
parsed as markup. In Textual 8 a ``Label("[@click=app.quit]x[/]")`` runs the action when
clicked; ``Content("...")`` does not.
"""

from __future__ import annotations

import os

from rich.text import Text
from textual.content import Content
from textual.markup import escape

from kinship.text import MASK, MASK_PLAIN, mask_contact_details, strip_controls


def clean(value: object, *, single_line: bool = True) -> str:
    """The text of ``value`` with control characters removed (``None`` → "")."""
    if value is None:
        return ""
    return strip_controls(str(value), single_line=single_line)


def shown(value: object, presenter: bool = False, *, single_line: bool = True) -> str:
    """:func:`clean` text, with the emails and phone numbers in it masked in presenter mode
    (names, organizations, summaries, reasons: readable, but no contact details)."""
    text = clean(value, single_line=single_line)
    if presenter and text:
        return mask_contact_details(text, mask=mask_symbol())
    return text


def mask_symbol() -> str:
    """What a masked value looks like: ``•••`` (``***`` without emoji/colour)."""
    return MASK_PLAIN if plain_symbols() else MASK


def hidden_note() -> str:
    """What stands for a note body in presenter mode (short: the notes pane is narrow)."""
    return f"{mask_symbol()} hidden"


def content(value: object, style: str = "", *, single_line: bool = True) -> Content:
    """Plain ``Content`` (never markup) of user text, optionally styled as a whole."""
    c = Content(clean(value, single_line=single_line))
    return c.stylize(style) if style else c


def text(value: object, style: str = "") -> Text:
    """A rich ``Text`` of user text (never markup)."""
    return Text(clean(value), style=style)


def markup(value: object) -> str:
    """User text escaped for the few Textual APIs that only take markup strings
    (command-palette help lines)."""
    return escape(clean(value))


def plain_symbols() -> bool:
    """Text instead of emoji (NO_COLOR, KINSHIP_ASCII, or the Linux console, which has none)."""
    return bool(
        os.environ.get("NO_COLOR")
        or os.environ.get("KINSHIP_ASCII")
        or os.environ.get("TERM") == "linux"
    )
