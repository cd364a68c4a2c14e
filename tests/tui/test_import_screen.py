"""The app's import: a folder of several formats in one preview, and people to create for
birthdays of someone not in kinship."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input

from kinship.store import Store
from kinship.store.models import Contact
from kinship.tui.screens.importing import ImportScreen
from tests.cli.test_import_folder import folder

from .conftest import make_app, screen_text, settle


async def test_a_folder_previews_every_format_and_can_create_people(
    tui_store: Store, tmp_path: Path
) -> None:
    d = folder(tmp_path)
    app = make_app(tui_store)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("i")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        screen.query_one("#path", Input).value = str(d)
        await pilot.press("enter")  # preview
        await settle(pilot, app)
        text = screen_text(app)
        assert "vcard: 1 created" in text
        assert "ical: 0 created, 1 updated" in text  # Ada's birthday
        assert "Rosalind Franklin" in text
        assert "notes.txt" in text and "no importer reads .txt files" in text
        assert Contact.select().count() == 0
        screen.query_one("#create-people", Checkbox).value = True
        await settle(pilot, app)
        assert screen.query_one("#import").disabled  # a new preview first
        screen.query_one("#path", Input).focus()
        await pilot.press("enter")  # preview again
        await settle(pilot, app)
        assert "ical: 2 created, 1 updated" in screen_text(app), screen_text(app)
        await pilot.click("#import")
        await settle(pilot, app)
        assert screen.imported
        names = {c.display_name: c.birthday for c in Contact.select()}
        assert names == {
            "Ada Lovelace": "--12-10",
            "Rosalind Franklin": "--07-25",
            "Mary Somerville": "1780-12-26",
        }
