"""How do I know X? in the app: ``h`` on a contact, the other person found as the list's search
finds them, the chain with its links, "no chain", Enter goes to a person, Esc closes."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from textual.widgets import Input, OptionList

from kinship.services import contacts, events
from kinship.store import Store
from kinship.tui.dialogs.path import PathForm
from kinship.tui.screens.main import MainScreen

from .conftest import make_app, press_for, screen_text, settle, size_ids
from .test_forms import fill, save

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from kinship.tui.app import KinshipApp

HOSTILE = "[@click=app.quit]Zoë[/]"


def network() -> dict[str, str]:
    """Ada's mentor is Charles; Charles met Zoë (an untrusted name) at PyCon; Grace is alone."""
    ada = contacts.add("Ada Lovelace")
    charles = contacts.add("Charles Babbage")
    zoe = contacts.add(HOSTILE)
    grace = contacts.add("Grace Hopper")
    contacts.relate(ada.uid, charles.uid, "mentor")
    # Before the tests' today (2025-03-14): they met there.
    events.add("PyCon 2025", date(2025, 2, 14), kind="networking", people=[charles, zoe])
    return {"ada": ada.uid, "charles": charles.uid, "zoe": zoe.uid, "grace": grace.uid}


def flat(app: KinshipApp) -> str:
    """The screen's text with wrapped lines joined (a narrow screen wraps the messages)."""
    return " ".join(screen_text(app).split())


async def open_path(pilot: Pilot[None], app: KinshipApp, uid: str) -> PathForm:
    """Go to ``uid`` in the list and press h: the open form."""
    await settle(pilot, app)
    app.main.jump_to(uid)
    await settle(pilot, app)
    return await press_for(pilot, app, "h", PathForm)


def visible_focus(app: KinshipApp) -> None:
    focused = app.focused
    assert focused is not None and focused.display and focused.region.area > 0


@size_ids
async def test_path_shows_the_chain_and_enter_goes_to_a_person(
    tui_store: Store, size: tuple[int, int]
) -> None:
    uids = network()
    app = make_app(tui_store)
    async with app.run_test(size=size) as pilot:
        form = await open_path(pilot, app, uids["ada"])
        assert isinstance(app.focused, Input) and app.focused.id == "f-to"
        await fill(pilot, app, to="zo")  # a prefix, as the list's search takes it
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, PathForm)  # the form stays open with the chain
        chain = form.query_one("#path-chain", OptionList)
        assert chain.has_focus and chain.option_count == 3
        visible_focus(app)
        assert form.found is not None and form.found.path is not None
        assert [s.uid for s in form.found.path.steps] == [
            uids["ada"],
            uids["charles"],
            uids["zoe"],
        ]
        text = screen_text(app)
        assert "2 links" in text
        assert "Ada Lovelace is Charles Babbage's mentor" in text
        assert "met at PyCon 2025 (Feb 2025)" in text
        assert HOSTILE in text  # shown as typed, never run as markup
        # The person on the way (Charles) is highlighted; down, Enter goes to Zoë.
        assert chain.highlighted == 1
        await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot, app)
        main: MainScreen = app.main
        assert app.screen_stack[-1] is main
        assert main.selected is not None and main.selected.uid == uids["zoe"]
        visible_focus(app)


@pytest.mark.parametrize("size", [(80, 24), (50, 20)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_no_chain_says_so_and_keeps_the_field(
    tui_store: Store, size: tuple[int, int]
) -> None:
    uids = network()
    app = make_app(tui_store)
    async with app.run_test(size=size) as pilot:
        form = await open_path(pilot, app, uids["ada"])
        await fill(pilot, app, to="Grace")
        await save(pilot, app)
        assert isinstance(app.screen, PathForm)
        assert "No chain of up to 6 links joins Ada Lovelace and Grace Hopper" in flat(app)
        assert not form.query_one("#path-chain", OptionList).display
        assert app.focused is form.query_one("#f-to")
        visible_focus(app)
        # Nobody by that name, and the person themselves: errors under the field.
        await fill(pilot, app, to="Nobody Here")
        await save(pilot, app)
        assert "no contact matches 'Nobody Here'" in flat(app)
        await fill(pilot, app, to="ada")
        await save(pilot, app)
        assert "that is Ada Lovelace: pick someone else" in flat(app)
        # A second search after a miss finds the chain.
        await fill(pilot, app, to="Charles")
        await save(pilot, app)
        assert form.found is not None and form.found.path is not None
        assert "1 link ·" in flat(app)
        await pilot.press("escape")
        await settle(pilot, app)
        main: MainScreen = app.main
        assert app.screen_stack[-1] is main
        assert main.selected is not None and main.selected.uid == uids["ada"]
        visible_focus(app)


async def test_going_to_someone_archived_on_the_way_shows_archived_contacts(
    tui_store: Store,
) -> None:
    uids = network()
    contacts.set_archived(uids["charles"])
    app = make_app(tui_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_path(pilot, app, uids["ada"])
        await fill(pilot, app, to="zo")
        await pilot.press("enter")
        await settle(pilot, app)
        assert "Charles Babbage (archived)" in screen_text(app)
        await pilot.press("g")  # on Charles, the first on the way
        await settle(pilot, app)
        main: MainScreen = app.main
        assert app.screen_stack[-1] is main
        assert main.listing.archived
        assert main.selected is not None and main.selected.uid == uids["charles"]


async def test_presenter_mode_masks_contact_details_in_the_chain(tui_store: Store) -> None:
    from kinship.text import MASK

    ada = contacts.add("ada@example.org")  # imported with only an email: it is the name
    mailer = contacts.add("ana@example.org")
    contacts.relate(ada.uid, mailer.uid, "friend")
    app = make_app(tui_store, presenter=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        app.main.jump_to(ada.uid)
        await settle(pilot, app)
        await pilot.press("h")
        await settle(pilot, app)
        await fill(pilot, app, to=mailer.uid)
        await pilot.press("enter")
        await settle(pilot, app)
        text = screen_text(app)
        assert "1 link" in text and MASK in text
        assert "ana@example.org" not in text and "ada@example.org" not in text
        assert f"How does {MASK} know…" in text


async def test_path_needs_a_contact_and_is_in_the_palette_and_help(tui_store: Store) -> None:
    from kinship.tui.commands import palette_actions
    from kinship.tui.screens.help import sections

    app = make_app(tui_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("h")  # empty store: nobody selected
        await settle(pilot, app)
        assert not isinstance(app.screen, PathForm)
        titles = {title: action for title, _, action, _ in palette_actions(app)}
        assert titles["How do I know…"] == "path"
    keys = {b.id: b.key for _, bindings in sections() for b in bindings}
    assert keys["main.path"] == "h" and keys["path.go"] == "g"
