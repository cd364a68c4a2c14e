"""The floor kinship is measured against: a bare Textual app (Header, Input, OptionList,
Footer) with no database, no plugins and one line of CSS.

``bench_tui.py`` starts it exactly as it starts kinship (same interpreter, same pseudo-terminal)
and drives it with the same keys: typing echoes into the Input, PageDown/End move through the
OptionList, ``t`` pushes a screen with a list of 200 rows (kinship: Today) and Enter a screen
with one row's text (kinship: a contact's brief). Nothing else happens, so its figures are
what Textual itself costs on this machine.

    python benchmarks/bare_app.py [ROWS]
"""

from __future__ import annotations

import sys
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Static

GIVEN = ("Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken")
FAMILY = ("Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov")


def name(i: int) -> str:
    return f"{GIVEN[i % len(GIVEN)]} {FAMILY[i % len(FAMILY)]} {i + 1}"


class ListScreen(Screen[None]):
    """Stands in for Today: a header line and 200 rows."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("200 to reach out to")
        yield OptionList(*(f"{name(i)}  in {i % 7}d  check in" for i in range(200)))
        yield Footer()


class DetailScreen(Screen[None]):
    """Stands in for a contact's brief: one row's text."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Before you meet {self.text}", markup=False)
        yield Footer()


class BareApp(App[None]):
    TITLE = "bare"
    CSS = "OptionList { height: 1fr; }"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "today", "Today"),
        Binding("slash", "search", "Search"),
        Binding("escape", "leave", "Back", show=False),
    ]

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="/ search")
        yield OptionList(*(name(i) for i in range(self.rows)), id="list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    # As in kinship: "/" goes to the search box, escape (or enter) back to the list.
    def action_search(self) -> None:
        self.set_focus(self.query_one(Input))

    def action_leave(self) -> None:
        self.query_one(OptionList).focus()

    def on_input_submitted(self) -> None:
        self.action_leave()

    def action_today(self) -> None:
        self.push_screen(ListScreen())

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "list":
            self.push_screen(DetailScreen(str(event.option.prompt)))


if __name__ == "__main__":
    BareApp(int(sys.argv[1]) if len(sys.argv) > 1 else 1000).run()
