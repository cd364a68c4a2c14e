"""Command-palette providers (Ctrl+P): every action, jump to a contact, plugin commands.

Textual's ``Matcher.highlight`` parses its candidate as markup, so user text (contact names,
plugin titles) is highlighted here on a plain ``Content`` instead.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from kinship.tui.safe import clean, markup, shown

if TYPE_CHECKING:
    from kinship.tui.context import AppContext


def highlight(matcher: Matcher, candidate: str) -> Content:
    """Like ``matcher.highlight`` but for untrusted text: never parsed as markup."""
    text = clean(candidate)
    result = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if score:
        for offset in offsets:
            if offset < len(text) and not text[offset].isspace():
                result = result.stylize(matcher.match_style, offset, offset + 1)
    return result


def palette_actions(app: Any) -> list[tuple[str, str, str, Any]]:
    """(title, help, action, screen) for every bound action with a description."""
    from kinship.tui.screens.main import MainScreen
    from kinship.tui.widgets.panes import NotesPane

    main = app.main
    out: list[tuple[str, str, str, Any]] = []
    seen: set[str] = set()
    for owner, bindings in (
        (main, MainScreen.BINDINGS),
        (main, NotesPane.BINDINGS),
        (app, app.BINDINGS),
    ):
        for b in bindings:
            if not isinstance(b, Binding) or not b.description or b.action in seen:
                continue
            seen.add(b.action)
            out.append((b.description, b.tooltip or b.description, b.action, owner))
    return out


class KinshipCommandsProvider(Provider):
    """Every action of the app, by its name."""

    @property
    def kapp(self) -> AppContext:
        return self.app  # type: ignore[return-value]

    def _run(self, owner: Any, action: str) -> None:
        if owner is None:
            return
        if owner is not self.app and self.app.screen is not owner:
            # Actions belong to the main screen: go back there first (e.g. from Today).
            while self.app.screen is not owner and len(self.app.screen_stack) > 1:
                self.app.pop_screen()
        self.app.call_later(owner.run_action, action)

    async def discover(self) -> Hits:
        if self.kapp.main is None:
            return
        for title, help_text, action, owner in palette_actions(self.app):
            yield DiscoveryHit(title, partial(self._run, owner, action), help=help_text)

    async def search(self, query: str) -> Hits:
        if self.kapp.main is None:
            return
        matcher = self.matcher(query)
        for title, help_text, action, owner in palette_actions(self.app):
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self._run, owner, action),
                    text=title,
                    help=help_text,
                )


class ContactJumpProvider(Provider):
    """Jump to a contact by name: SQL search on the database thread, at most 20 rows."""

    @property
    def kapp(self) -> AppContext:
        return self.app  # type: ignore[return-value]

    async def search(self, query: str) -> Hits:
        from kinship.services import views

        if len(query.strip()) < 2 or self.kapp.main is None:
            return
        try:
            rows = await self.kapp.db(views.search_names, query, limit=20, today=self.kapp.today)
        except Exception:
            return
        matcher = self.matcher(query)
        presenter = self.kapp.presenter
        for row in rows:
            name = shown(row.name, presenter)
            score = max(matcher.match(name), 0.2)
            org = f" · {shown(row.org, presenter)}" if row.org else ""
            yield Hit(
                score,
                Content.assemble(highlight(matcher, name), (org, "$text-muted")),
                partial(self.kapp.main.jump_to, row.uid),
                text=name,
                help="Go to this contact",
            )


class PluginCommandsProvider(Provider):
    """Commands that plugins add (``kinship_palette_commands``), loaded after start-up."""

    @property
    def kapp(self) -> AppContext:
        return self.app  # type: ignore[return-value]

    async def discover(self) -> Hits:
        for command in self.kapp.plugin_commands:
            yield DiscoveryHit(
                Content(clean(command.title)),
                partial(self.kapp.run_plugin_command, command),
                text=clean(command.title),
                help=markup(command.help),
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.kapp.plugin_commands:
            title = clean(command.title)
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    highlight(matcher, title),
                    partial(self.kapp.run_plugin_command, command),
                    text=title,
                    help=markup(command.help),
                )
