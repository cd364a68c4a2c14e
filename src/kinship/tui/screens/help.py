"""The help screen (``?``): every key, generated from the bindings and the active keymap."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

INTRO = (
    'Keys can be changed in the config file\'s [keys] table: binding id = "key", e.g.\n'
    '  main.log = "L"\n'
    "Search terms: free text, tag:NAME org: email: phone: name: nick: is:due is:archived"
)


def sections() -> list[tuple[str, list[Binding]]]:
    from kinship.tui.context import APP_BINDINGS
    from kinship.tui.dialogs.base import FormScreen
    from kinship.tui.dialogs.path import PathForm
    from kinship.tui.dialogs.relate import RelateForm
    from kinship.tui.screens.brief import BriefScreen
    from kinship.tui.screens.introductions import IntroductionsScreen
    from kinship.tui.screens.main import MainScreen
    from kinship.tui.screens.plugins import PluginsScreen
    from kinship.tui.screens.today import TodayScreen
    from kinship.tui.widgets.contact_list import ContactList
    from kinship.tui.widgets.panes import EventsPane, NotesPane

    listed: list[tuple[str, list[BindingType]]] = [
        (
            "Everywhere",
            [
                *APP_BINDINGS,
                Binding(
                    "ctrl+p",
                    "command_palette",
                    "Command palette: every action, jump to a contact, plugin commands",
                ),
            ],
        ),
        ("Main screen", MainScreen.BINDINGS),
        ("Contact list", [*ContactList.BINDINGS, Binding("enter", "brief", "Open the brief")]),
        ("Events pane", EventsPane.BINDINGS),
        ("Notes pane", NotesPane.BINDINGS),
        ("Today", TodayScreen.BINDINGS),
        ("Brief", BriefScreen.BINDINGS),
        ("Introductions", IntroductionsScreen.BINDINGS),
        (
            "Forms",
            [
                *FormScreen.BINDINGS,
                Binding("enter", "save", "Save (in a one-line field)"),
                Binding("tab", "next", "Next field"),
            ],
        ),
        ("Relate form", RelateForm.BINDINGS),
        ("How do I know… (h)", PathForm.BINDINGS),
        ("Plugins", PluginsScreen.BINDINGS),
    ]
    return [(title, _as_bindings(items)) for title, items in listed]


def _as_bindings(items: Iterable[BindingType]) -> list[Binding]:
    # A (key, action[, description]) tuple is shown like the Binding it stands for.
    return [b if isinstance(b, Binding) else Binding(*b) for b in items]


def help_content(keymap: dict[str, str]) -> Content:
    lines: list[Content] = [Content(INTRO), Content("")]
    for title, bindings in sections():
        lines.append(Content.styled(title, "bold $text-accent"))
        for b in bindings:
            key = keymap.get(b.id, b.key) if b.id else b.key
            keys = ", ".join(_display(k) for k in key.split(","))
            text = b.tooltip or b.description
            ident = f"  [{b.id}]" if b.id else ""
            lines.append(Content.assemble((f"  {keys:<18}", "bold"), text, (ident, "$text-muted")))
        lines.append(Content(""))
    return Content("\n").join(lines)


def _display(key: str) -> str:
    key = key.strip()
    return {"question_mark": "?", "slash": "/", "escape": "esc", "delete": "del"}.get(key, key)


class HelpScreen(ModalScreen[None]):
    """All keys; close with escape, q or ?."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss(None)", "Close", id="help.close"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 100; max-width: 100%; height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        keymap = dict(getattr(self.app, "_keymap", {}) or {})
        with VerticalScroll():
            yield Static(help_content(keymap), id="help-body")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
