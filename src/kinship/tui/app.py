"""Minimal app until the full TUI lands: says what is in the store."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class KinshipApp(App[None]):
    TITLE = "kinship"
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, summary: str) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.summary, markup=False)
        yield Footer()


def run_app(ctx: Any) -> int:
    from kinship.store.models import Contact, Interaction

    ctx.store
    n, m = Contact.select().count(), Interaction.select().count()
    KinshipApp(f"{n} contacts, {m} interactions in {ctx.target}").run()
    return 0
