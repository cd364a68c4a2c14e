"""The help screen (``?``): every key, generated from the bindings and the active keymap."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
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
    from kinship.tui.dialogs.kind import KIND_KEYS, KindPicker
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
        (
            "Done on Today: log it as …",
            [
                *KindPicker.BINDINGS,
                Binding("enter", "pick", "Log the highlighted kind (the one suggested)"),
                *[Binding(key, "pick", kind) for kind, key in KIND_KEYS.items()],
            ],
        ),
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


@dataclass(frozen=True, slots=True)
class HelpRow:
    """One key of the help screen: the keys as the keymap has them, what it does, its id."""

    keys: str
    text: str
    ident: str


def help_rows(keymap: dict[str, str]) -> list[tuple[str, list[HelpRow]]]:
    """Every section's keys, remapped keys as the keymap says."""
    out: list[tuple[str, list[HelpRow]]] = []
    for title, bindings in sections():
        rows = []
        for b in bindings:
            key = keymap.get(b.id, b.key) if b.id else b.key
            keys = ", ".join(_display(k) for k in key.split(","))
            rows.append(HelpRow(keys, b.tooltip or b.description, b.id or ""))
        out.append((title, rows))
    return out


def _display(key: str) -> str:
    """A key as it is typed: "?" for question_mark, "!" for exclamation_mark, "esc" …"""
    from textual.keys import key_to_character

    key = key.strip()
    named = {"slash": "/", "escape": "esc", "delete": "del", "space": "space"}
    if key in named:
        return named[key]
    char = key_to_character(key)
    return char if char and len(char) == 1 and char.isprintable() else key


class HelpScreen(ModalScreen[None]):
    """All keys, one row each (the text wraps under itself); close with escape, q or ?."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss(None)", "Close", id="help.close"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > #help {
        width: 100; max-width: 100%; height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    HelpScreen #help-title { height: 1; margin-bottom: 1; }
    HelpScreen #help-body { height: 1fr; }
    HelpScreen .help-section { text-style: bold; color: $text-accent; margin-top: 1; }
    HelpScreen .help-row { height: auto; }
    HelpScreen .help-key { width: 20; text-style: bold; }
    HelpScreen .help-text { width: 1fr; }
    HelpScreen.-phone > #help { width: 100%; height: 100%; border: none; padding: 0; }
    HelpScreen.-phone .help-row { layout: vertical; }
    HelpScreen.-phone .help-text { margin-left: 4; }
    """

    def compose(self) -> ComposeResult:
        keymap = dict(getattr(self.app, "_keymap", {}) or {})
        with Vertical(id="help"):
            yield Static(
                Content.assemble(("Keys", "bold"), ("  ·  Esc closes", "$text-muted")),
                id="help-title",
            )
            with VerticalScroll(id="help-body"):
                yield Static(INTRO, id="help-intro", markup=False)
                for title, rows in help_rows(keymap):
                    yield Static(title, classes="help-section", markup=False)
                    for row in rows:
                        ident = (f"  [{row.ident}]" if row.ident else "", "$text-muted")
                        with Horizontal(classes="help-row"):
                            yield Static(row.keys, classes="help-key", markup=False)
                            yield Static(Content.assemble(row.text, ident), classes="help-text")

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < 60, "-phone")
        self.query_one("#help-body", VerticalScroll).focus()

    def on_resize(self) -> None:
        self.set_class(self.app.size.width < 60, "-phone")
