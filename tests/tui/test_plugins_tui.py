"""Plugins in the app: disabled ones are messages and a Plugins screen; a plugin's palette
command (or a worker it starts) that raises leaves the app running with a message."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from textual.screen import Screen
from textual.widgets import DataTable

from kinship import hookimpl
from kinship.records import ContactSnapshot, PaletteCommand, Strategy, Suggestion
from kinship.services import contacts

from .conftest import TODAY, press_for, screen_text, settle


def messages(app: Any) -> list[str]:
    """Every message the app showed (a toast may have timed out by the time a slow run
    looks: they are recorded as they are shown)."""
    return list(app.said)


def recording(app: Any) -> Any:
    app.said = []
    show = app.notify

    def notify(message: Any, *args: Any, **kwargs: Any) -> Any:
        app.said.append(str(message))
        return show(message, *args, **kwargs)

    app.notify = notify
    return app


class Broken:
    """Raises while registering: disabled as the host loads."""

    __name__ = "broken_plugin"

    @hookimpl
    def kinship_register_importers(self, register: Any) -> None:
        raise RuntimeError("no config [bold]here[/]")


class Palette:
    """Palette entries: a worker that raises, an awaited database call, a coroutine that
    raises, and a worker on the plugin's own screen with Textual's default exit_on_error."""

    __name__ = "palette_plugin"

    @hookimpl
    def kinship_palette_commands(self) -> list[PaletteCommand]:
        def boom() -> None:
            raise ValueError("the server said no")

        async def aboom() -> None:
            raise ValueError("the server said no")

        async def count(app: Any) -> None:
            from kinship import api

            people = await api.call(app, api.contacts)
            app.notify(f"{len(people)} people")

        async def fails(app: Any) -> None:
            raise LookupError("nothing to look up")

        return [
            PaletteCommand("Boom in a worker", "", run=lambda app: app.run_worker(aboom())),
            PaletteCommand(
                "Boom in a thread", "", run=lambda app: app.run_worker(boom, thread=True)
            ),
            PaletteCommand("Count people", "", run=count),
            PaletteCommand("Fail awaiting", "", run=fails),
            PaletteCommand("Own screen", "", run=lambda app: app.push_screen(OwnScreen())),
        ]


class OwnScreen(Screen[None]):
    def on_mount(self) -> None:
        # Textual's default: exit_on_error=True would end the app.
        self.run_worker(self.fail())

    async def fail(self) -> None:
        raise OSError("disk on fire")


def flaky_suggest(snapshot: ContactSnapshot, today: date) -> list[Suggestion]:
    if Flaky.broken:
        raise ValueError("lost its config")
    return [Suggestion(snapshot.uid, "flaky-nudge", today, "say hi")]


class Flaky:
    __name__ = "flaky_plugin"
    broken = False

    @hookimpl
    def kinship_register_followup_strategies(self, register: Any) -> None:
        register(Strategy("flaky", "nudges everyone", suggest=flaky_suggest))


def app_with(tui_store: Any, *plugins: Any) -> Any:
    from kinship.plugins import PluginHost
    from kinship.tui.app import KinshipApp

    host = PluginHost.for_plugins(*plugins, builtins=True, err=io.StringIO())
    return recording(KinshipApp(tui_store.target, today=TODAY, host=host))


async def test_disabled_plugins_are_messages_and_on_the_plugins_screen(tui_store: Any) -> None:
    from kinship.tui.screens.plugins import PluginsScreen

    app = app_with(tui_store, Broken(), Palette())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        assert app.host.err.getvalue() == (
            "kinship: plugin broken_plugin disabled: kinship_register_importers raised "
            "RuntimeError: no config [bold]here[/]\n"
        )
        # The host's line is not written over the screen: it is a message, shown once.
        said = [
            m
            for m in messages(app)
            if m.startswith("plugin broken_plugin disabled: kinship_register_importers raised")
        ]
        assert len(said) == 1, messages(app)
        await press_for(pilot, app, "exclamation_mark", PluginsScreen)
        table = app.screen.query_one(DataTable)
        cells = {
            str(table.get_row_at(n)[0]): [str(c) for c in table.get_row_at(n)]
            for n in range(table.row_count)
        }
        assert cells["broken_plugin"][3:] == [
            "disabled",
            "kinship_register_importers raised RuntimeError: no config [bold]here[/]",
        ]
        assert cells["palette_plugin"][2:4] == ["palette_commands", "ok"]
        assert cells["kinship.builtin.vcard"][1] == "0.1.0 (builtin)"
        text = screen_text(app)
        assert "no config [bold]here[/]" in text  # shown as data, never as markup
        await pilot.press("escape")
        await settle(pilot, app)
        assert not isinstance(app.screen, PluginsScreen)


async def test_the_plugins_screen_is_in_the_palette_and_the_help(tui_store: Any) -> None:
    from kinship.tui.screens.help import sections
    from kinship.tui.screens.plugins import PluginsScreen

    everywhere = dict(sections())["Everywhere"]
    [binding] = [b for b in everywhere if getattr(b, "action", "") == "plugins"]
    assert (binding.key, binding.id) == ("exclamation_mark", "app.plugins")
    app = app_with(tui_store)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+p")
        await pilot.press(*"plugins")
        await settle(pilot, app)
        await press_for(pilot, app, "enter", PluginsScreen)


async def test_a_palette_worker_that_raises_leaves_the_app_running(tui_store: Any) -> None:
    contacts.add("Ada Lovelace")
    app = app_with(tui_store, Palette())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        for title, expected in (
            ("boom in a worker", "ValueError: the server said no"),
            ("boom in a thread", "ValueError: the server said no"),
            ("fail awaiting", "Fail awaiting: LookupError: nothing to look up"),
            ("count people", "1 people"),
        ):
            await pilot.press("ctrl+p")
            await pilot.press(*title)
            await settle(pilot, app)
            await pilot.press("enter")
            await settle(pilot, app)
            assert app.is_running and app.return_code is None, title
            assert any(expected in m for m in messages(app)), (title, messages(app))
        # A worker on the plugin's own screen, with Textual's exit_on_error=True.
        command = next(c for c in app.plugin_commands if c.title == "Own screen")
        app.run_plugin_command(command)
        await settle(pilot, app)
        assert app.is_running and app.return_code is None
        assert any("OSError: disk on fire" in m for m in messages(app)), messages(app)
        await pilot.press("escape")


async def test_a_strategy_that_raises_in_the_app_is_a_message(tui_store: Any) -> None:
    from kinship.services import followups

    contacts.add("Ada Lovelace")
    Flaky.broken = False
    app = app_with(tui_store, Flaky())
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot, app)
            assert "flaky" in followups.engine().names
            Flaky.broken = True
            await app.db(contacts.add, "Grace Hopper")
            await settle(pilot, app)
            assert any(
                m.startswith("plugin flaky_plugin disabled: follow-up strategy 'flaky' raised")
                for m in messages(app)
            ), messages(app)
            [info] = [i for i in app.host.infos() if i.name == "flaky_plugin"]
            assert info.status == "disabled"
            await pilot.press("t")
            await settle(pilot, app)
            assert "say hi" not in screen_text(app)  # its suggestions are withdrawn
    finally:
        Flaky.broken = False
