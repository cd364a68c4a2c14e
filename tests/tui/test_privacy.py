"""Presenter mode masks contact details and notes on every screen until it is turned off; a
read-only store opens with a banner and no way to write."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, TextArea

from kinship.services import contacts, interactions, notes
from kinship.store import Store
from kinship.tui.dialogs.contact import ContactForm
from kinship.tui.dialogs.note import NoteForm
from kinship.tui.screens.brief import BriefScreen
from kinship.tui.screens.main import MainScreen
from kinship.tui.screens.today import TodayScreen
from kinship.tui.widgets.masking import FieldMask

from .conftest import TODAY, make_app, press_for, screen_text, settle

SECRETS = ("ada@example.org", "+44 20 7946 0958", "Secret plan", "free secret notes", "grace@")


def people() -> Any:
    ada = contacts.add(
        "Ada Lovelace",
        emails=["ada@example.org"],
        phones=["+44 20 7946 0958"],
        cadence_days=7,
        notes="free secret notes",
    )
    notes.add(ada, "Secret plan to publish", kind="goal", pinned=True)
    interactions.log(
        "Emailed ada@example.org the draft",
        [ada.uid],
        kind="email",
        occurred_at=datetime(2025, 1, 10, 12).astimezone(),
    )
    contacts.add("grace@example.org", cadence_days=3)  # imported without a name
    return ada


def leaks(app: Any) -> list[str]:
    text = screen_text(app)
    return [s for s in SECRETS if s in text]


async def test_presenter_mode_masks_every_screen_until_turned_off(tui_store: Store) -> None:
    ada = people()
    app = make_app(tui_store)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        app.main.jump_to(ada.uid)
        await settle(pilot, app)
        assert {"Secret plan", "ada@example.org", "grace@"} <= set(leaks(app))

        await pilot.press("P")
        await settle(pilot, app)
        assert app.presenter
        assert leaks(app) == []
        text = screen_text(app)
        assert "Ada Lovelace" in text  # who it is stays readable
        assert "Emailed ••• the draft" in text  # the timeline summary, details masked
        assert "••• hidden" in text  # the note's body
        assert "presenter mode" in app.title

        await press_for(pilot, app, "b", BriefScreen)
        assert leaks(app) == []
        assert "goal: ••• hidden" in screen_text(app)
        await pilot.press("escape")

        await press_for(pilot, app, "t", TodayScreen)
        assert "•••" in screen_text(app)  # the contact named by an email address
        assert leaks(app) == []
        await pilot.press("escape")
        await settle(pilot, app)

        # The palette's contact search.
        await pilot.press("ctrl+p")
        await pilot.press(*"grace")
        await settle(pilot, app)
        await settle(pilot, app)
        assert leaks(app) == []
        await pilot.press("escape")
        await settle(pilot, app)

        # Turned off: everything is back, without reloading.
        await pilot.press("P")
        await settle(pilot, app)
        assert not app.presenter
        assert {"Secret plan", "ada@example.org", "grace@"} <= set(leaks(app))


async def test_forms_mask_private_fields_until_focused(tui_store: Store) -> None:
    ada = people()
    app = make_app(tui_store, presenter=True)
    async with app.run_test(size=(120, 45)) as pilot:
        await settle(pilot, app)
        app.main.jump_to(ada.uid)
        await settle(pilot, app)
        assert leaks(app) == []  # masked from the first paint (kinship --presenter)
        form = await press_for(pilot, app, "e", ContactForm)
        assert leaks(app) == []
        emails = form.query_one("#f-emails", Input)
        assert emails.password and form.focused is form.query_one("#f-display_name")
        # Moving into a field shows it; leaving masks it again.
        emails.focus()
        await settle(pilot, app)
        assert not emails.password and "ada@example.org" in screen_text(app)
        form.query_one("#f-title").focus()
        await settle(pilot, app)
        assert emails.password and leaks(app) == []
        # The notes area stands behind a mask; focusing the mask opens the area.
        area = form.query_one("#f-notes", TextArea)
        assert not area.display
        form.query_one(FieldMask).focus()
        await settle(pilot, app)
        assert area.display and form.focused is area
        assert "free secret notes" in screen_text(app)
        # Saving changes nothing that was only masked.
        form.query_one("#f-title").focus()
        await press_for(pilot, app, "ctrl+s", MainScreen)
    c = contacts.resolve(ada.uid)
    assert c.notes == "free secret notes"
    from kinship.store import queries

    values = [f.value for f in queries.fields_by_contact([c.id])[c.id]]
    assert "ada@example.org" in values and "+44 20 7946 0958" in values


async def test_note_form_in_presenter_mode_starts_on_a_public_field(tui_store: Store) -> None:
    ada = people()
    app = make_app(tui_store, presenter=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.main.jump_to(ada.uid)
        await settle(pilot, app)
        await press_for(pilot, app, "n", NoteForm)
        assert app.screen.focused is not None and app.screen.focused.id == "f-kind"
        # Turned off from inside the form (the palette; P would be typed into a field).
        await app.run_action("toggle_presenter")
        await settle(pilot, app)
        assert app.screen.query_one("#f-body", TextArea).display


def test_presenter_flag_reaches_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    from kinship.cli import Context, build_parser
    from kinship.tui import app as tui_app

    seen: dict[str, bool] = {}
    monkeypatch.setattr(tui_app.KinshipApp, "run", lambda self: seen.update(p=self.presenter))
    args = build_parser().parse_args(["--presenter", "--demo"])
    args.db, args.no_plugins, args.read_only = None, True, False
    tui_app.run_app(Context(args=args))
    assert seen == {"p": True}


async def test_read_only_store_banner_and_no_writes(tmp_path: Path) -> None:
    from kinship.store import close_store, open_store
    from kinship.tui.app import KinshipApp

    path = tmp_path / "k.db"
    open_store(path)
    contacts.add("Ada Lovelace", cadence_days=7)
    close_store()
    open_store(path, read_only=True)
    try:
        app = KinshipApp(None, today=TODAY, host=None)
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot, app)
            text = screen_text(app)
            assert "Read-only:" in text and "nothing can be changed" in text
            assert "Ada Lovelace" in text  # reads work
            for key in ("a", "e", "l", "n", "x"):
                await pilot.press(key)
                await settle(pilot, app)
                assert isinstance(app.screen, MainScreen), key
            await press_for(pilot, app, "t", TodayScreen)
            assert "Ada Lovelace" in screen_text(app)
    finally:
        close_store()
