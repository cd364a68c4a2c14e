"""Plugins (``!``): every plugin of this run — name, version, hooks, status and why one is
disabled — the app's ``kinship plugins --all``.

The list is read from the loaded plugin host (plugins load after the first paint) and redrawn
when a plugin is disabled while it is open (a strategy that raises, a listener that fails).
Names, versions and reasons come from third-party code: they are shown as data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from kinship.tui.safe import clean, text
from kinship.tui.widgets.footer import KinshipFooter

if TYPE_CHECKING:
    from kinship.tui.context import AppContext

COLUMNS = ("Name", "Version", "Hooks", "Status", "Reason")


def rows(infos: list[Any]) -> list[tuple[str, str, str, str, str]]:
    """One row of plain text per plugin, as the table shows it."""
    out = []
    for info in infos:
        version = " ".join(x for x in (info.distribution or "", info.version or "") if x)
        if info.builtin:
            version = f"{info.version or ''} (builtin)".strip()
        hooks = ", ".join(h.removeprefix("kinship_") for h in info.hooks) or "-"
        out.append(
            (
                clean(info.name),
                clean(version),
                clean(hooks),
                clean(info.status),
                clean(info.error or ""),
            )
        )
    return out


class PluginsScreen(Screen[None]):
    """Every plugin of this run and its status."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="plugins.back", tooltip="Back to the contacts"),
    ]
    DEFAULT_CSS = """
    PluginsScreen #plugins-status { height: auto; padding: 0 1; color: $text-muted; }
    PluginsScreen DataTable { height: 1fr; }
    PluginsScreen #plugin-detail {
        height: auto; max-height: 6; padding: 0 1; border-top: solid $border-blurred;
    }
    """

    @property
    def kapp(self) -> AppContext:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading plugins …", id="plugins-status")
        table: DataTable[Text] = DataTable(
            id="plugins-table", cursor_type="row", zebra_stripes=True
        )
        table.add_columns(*COLUMNS)
        yield table
        yield Static("", id="plugin-detail")
        yield KinshipFooter()

    def on_mount(self) -> None:
        self.title = "Plugins"
        self.load()

    @work(exclusive=True, group="plugins-screen", exit_on_error=False)
    async def load(self) -> None:
        # The host loads after the first paint; wait for it rather than show nothing.
        await self.kapp.followups_ready.wait()
        self.refresh_rows()

    def refresh_rows(self) -> None:
        """Read the host again (a plugin may have been disabled since)."""
        host = self.kapp.host
        table = self.query_one(DataTable)
        table.clear()
        status = self.query_one("#plugins-status", Static)
        if host is None:
            status.update(text("Plugins are not loaded in this run (--no-plugins, or a test)."))
            return
        infos = list(host.infos())
        self._rows = rows(infos)
        for row in self._rows:
            style = "bold red" if row[3] != "ok" else ""
            table.add_row(*(text(cell, style if n == 3 else "") for n, cell in enumerate(row)))
        # The first disabled one is what the user came for.
        first = next((n for n, row in enumerate(self._rows) if row[3] != "ok"), 0)
        if self._rows:
            table.move_cursor(row=first)
            self._detail(first)
        disabled = sum(1 for i in infos if i.status != "ok")
        summary = f"{len(infos)} plugins, {disabled} disabled"
        status.update(text(summary + (" (the Reason column says why)" if disabled else "")))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(event.cursor_row)

    def _detail(self, index: int) -> None:
        """The highlighted plugin in full: the reason is often longer than its column."""
        rows_ = getattr(self, "_rows", [])
        if not 0 <= index < len(rows_):
            return
        name, version, _hooks, status, reason = rows_[index]
        who = " ".join(x for x in (name, version) if x)
        line = f"{who}: {status}" + (f" — {reason}" if reason else "")
        self.query_one("#plugin-detail", Static).update(text(line))

    def action_back(self) -> None:
        self.app.pop_screen()
