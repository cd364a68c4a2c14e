"""User text is data: markup and escape sequences in names and notes show literally everywhere,
and clicking them runs nothing."""

from __future__ import annotations

from datetime import datetime

from textual.widgets import Input

from kinship.services import contacts, interactions, notes
from kinship.store import Store
from kinship.tui.dialogs.contact import ContactForm
from kinship.tui.dialogs.note import NoteForm
from kinship.tui.screens.brief import BriefScreen
from kinship.tui.screens.today import TodayScreen

from .conftest import make_app, press_for, screen_text, settle

EVIL = "Anna [Work] \x1b[2J[@click=app.quit]x[/]"
SHOWN = "Anna [Work] [2J[@click=app.quit]x[/]"  # the ESC is stripped, nothing else changes


async def test_markup_in_user_text_is_shown_literally_everywhere(tui_store: Store) -> None:
    anna = contacts.add(EVIL, organization="[b]Org[/b]", cadence_days=7)
    friend = contacts.add("Bob [red]Friend[/red]")
    interactions.log(
        "[@click=app.quit]Coffee[/]",
        [anna.uid, friend.uid],
        occurred_at=datetime(2025, 1, 1, 12).astimezone(),
    )
    notes.add(anna, "foo[/]", kind="need", pinned=True)
    app = make_app(tui_store)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        main = app.main
        main.jump_to(anna.uid)
        await settle(pilot, app)
        text = screen_text(app)
        assert SHOWN in text  # contacts list, timeline and notes titles
        assert "Bob [red]Friend[/red]" in text
        assert "[@click=app.quit]Coffee[/]" in text  # timeline
        assert "foo[/]" in text  # notes pane
        # Clicking the name in the list, the timeline and the notes runs no action.
        await pilot.click("#contact-list", offset=(3, main.query_one("#contact-list").cursor))
        await pilot.click("#timeline", offset=(10, 1))
        await pilot.click("#notes-list", offset=(5, 1))  # opens the note (like Enter)
        await settle(pilot, app)
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, NoteForm)
        assert app.screen.value("body") == "foo[/]"
        await pilot.press("escape")
        await settle(pilot, app)

        await press_for(pilot, app, "b", BriefScreen)
        text = screen_text(app)
        assert SHOWN in text and "foo[/]" in text and "[@click=app.quit]Coffee[/]" in text
        await pilot.click("#brief-body", offset=(20, 0))
        assert app.is_running
        await pilot.press("escape")

        main.query_one("#contact-list").focus()  # (e in the notes pane edits the note)
        form = await press_for(pilot, app, "e", ContactForm)
        assert form.query_one("#f-display_name", Input).value == SHOWN
        assert SHOWN in screen_text(app)  # the form heading
        await pilot.click("#form-title", offset=(12, 0))
        assert app.is_running
        await pilot.press("escape")
        await settle(pilot, app)

        await press_for(pilot, app, "t", TodayScreen)
        assert SHOWN in screen_text(app)
        await pilot.click("#today-list", offset=(5, 1))
        assert app.is_running
        await pilot.press("escape")
        await settle(pilot, app)

        await pilot.press("ctrl+p")
        await pilot.press(*"anna")
        await settle(pilot, app)
        await settle(pilot, app)
        assert SHOWN in screen_text(app)
        assert app.is_running


async def test_plugin_command_titles_and_help_are_data(tui_store: Store) -> None:
    from kinship.records import PaletteCommand

    app = make_app(tui_store)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        app.plugin_commands = [
            PaletteCommand("[@click=app.quit]Evil[/]", "help [b]text[/b]", lambda a: None)
        ]
        await pilot.press("ctrl+p")
        await pilot.press(*"evil")
        await settle(pilot, app)
        text = screen_text(app)
        assert "[@click=app.quit]Evil[/]" in text
        assert "help [b]text[/b]" in text
        assert app.is_running


def test_safe_helpers() -> None:
    from kinship.tui.safe import clean, content, markup

    assert clean("a\x1b[2Jb\nc") == "a[2Jb c"
    assert content("[b]x[/b]").plain == "[b]x[/b]"
    from textual.content import Content

    assert Content.from_markup(markup("[@click=app.quit]x[/]")).plain == "[@click=app.quit]x[/]"
