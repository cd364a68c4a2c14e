"""What every form and the help screen look like at each size: nothing cut, nothing
selected behind the person's back, the keys that save and cancel always in sight."""

from __future__ import annotations

import pytest
from textual.geometry import Region
from textual.widgets import Checkbox, Input, Label, Static

from kinship.services import contacts, interactions, notes
from kinship.store import Store
from kinship.tui.app import KinshipApp
from kinship.tui.dialogs.base import HINT
from kinship.tui.dialogs.path import PathForm

from .conftest import FORMS, make_app, screen_text, settle, size_ids


def region_text(app: KinshipApp, region: Region) -> str:
    """The words drawn in ``region`` of the screen, lines joined by a space."""
    lines = screen_text(app).splitlines()[region.y : region.bottom]
    return " ".join(line[region.x : region.right].strip() for line in lines).strip()


def people() -> None:
    ada = contacts.add("Ada Lovelace", cadence_days=30)
    interactions.log("Tea", [ada.uid])
    notes.add(ada, "Loves poetry", kind="interest")


@size_ids
async def test_every_form_shows_whole_labels_and_the_save_hint(
    tui_store: Store, size: tuple[int, int]
) -> None:
    # One app per size, every form opened and cancelled in turn (an app start per form cost
    # most of this test's time).
    people()
    app = make_app(tui_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, app)
        for key, form in FORMS.items():
            await pilot.press(key)
            await settle(pilot, app)
            assert type(app.screen).__name__ == form, key
            text = screen_text(app)
            # How do I know… finds rather than saves, and says so.
            hint = PathForm.hint if key == "h" else HINT
            assert hint in text, (key, text)
            shown = 0
            dialog = app.screen.query_one("#dialog").region
            bottom = app.screen.query_one("#buttons").region.y  # docked over what scrolls
            for label in app.screen.query(Label).filter(".field-label"):
                region = label.region
                if not region.height or region.y < dialog.y or region.bottom > bottom:
                    continue  # scrolled out of view, or the blank beside a checkbox
                shown += 1
                drawn = region_text(app, label.region)
                assert drawn == str(label.render()).replace("\n", " "), (key, drawn)
            assert shown, key
            await pilot.press("escape")
            await settle(pilot, app)
            assert app.screen is app.main, key


@size_ids
async def test_pinned_checkbox_draws_whole(tui_store: Store, size: tuple[int, int]) -> None:
    people()
    app = make_app(tui_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, app)
        await pilot.press("n")
        await settle(pilot, app)
        box = app.screen.query_one("#f-pinned", Checkbox)
        drawn = region_text(app, box.region)
        assert drawn.endswith("Pinned (shown first and in the brief)"), drawn
        assert "…" not in drawn
        box.focus()
        await pilot.press("space")
        assert box.value


async def test_tabbing_into_a_filled_field_keeps_its_text(tui_store: Store) -> None:
    people()
    contacts.add("Grace Hopper")
    app = make_app(tui_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("l")
        await settle(pilot, app)
        await pilot.press("tab")  # from "What happened" to "With"
        with_field = app.screen.query_one("#f-people", Input)
        assert with_field.has_focus
        assert with_field.selection.is_empty
        await pilot.press(*", Grace Hopper")
        assert with_field.value == "Ada Lovelace, Grace Hopper"


async def test_search_keeps_its_text_when_focused_again(tui_store: Store) -> None:
    people()
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"ada", "enter", "slash", *" tag:x", "backspace", "backspace")
        assert app.main.query_one("#search", Input).value == "ada tag"


@pytest.mark.parametrize("size", [(120, 40), (50, 20)], ids=["120x40", "50x20"])
async def test_help_has_a_title_and_wraps_under_its_text(
    tui_store: Store, size: tuple[int, int]
) -> None:
    app = make_app(tui_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, app)
        await pilot.press("question_mark")
        await settle(pilot, app)
        title = app.screen.query_one("#help-title", Static)
        assert region_text(app, title.region) == "Keys  ·  Esc closes"
        rows = list(app.screen.query(".help-row"))
        assert rows
        for row in rows[:6]:  # those on the first screen
            key, text = row.query_one(".help-key"), row.query_one(".help-text")
            if not text.region.height or text.region.bottom > app.size.height:
                continue
            # Continuation lines start under the text, never under the keys.
            if size[0] < 60:
                assert key.region.y < text.region.y and text.region.x >= key.region.x + 4
            else:
                assert text.region.x == key.region.x + 20
            drawn = region_text(app, text.region)
            assert drawn.split() == str(text.render()).split(), drawn
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is app.main
