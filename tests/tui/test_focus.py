"""The focus rule: after every modal closes, every resize and every layout switch, keys go to
a widget the person can see, and the footer shows its keys (``? Help`` first)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from kinship.services import contacts, interactions
from kinship.store import Store
from kinship.tui.app import KinshipApp
from kinship.tui.widgets.contact_list import ContactList

from .conftest import MODALS, make_app, screen_text, settle, size_ids


def footer_line(app: KinshipApp) -> str:
    return screen_text(app).splitlines()[-1]


def assert_focus_visible(app: KinshipApp, after: str = "") -> None:
    """What has focus is drawn on screen (in the computed focus chain, which leaves out
    hidden widgets) and the footer starts with the way to every other key. ``after``: what
    was just done, for the message."""
    focused = app.screen.focused
    assert focused is not None, f"nothing has focus {after}"
    assert focused in app.screen.focus_chain, f"{focused!r} has focus but is hidden {after}"
    region = focused.region
    assert region.width > 0 and region.height > 0, f"{focused!r} has no room {after}"
    assert app.screen.find_widget(focused) is not None, after
    assert footer_line(app).lstrip().startswith("? Help"), (footer_line(app), after)


@size_ids
async def test_first_contact_then_keys_go_to_the_list(
    tui_store: Store, size: tuple[int, int]
) -> None:
    app = make_app(tui_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, app)
        assert app.focused is not None and app.focused.id == "welcome"
        await pilot.press("a")
        await settle(pilot, app)
        await pilot.press(*"Ada Lovelace", "ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.focused, ContactList)
        assert_focus_visible(app)
        assert app.main.query_one("#search", Input).value == ""
        await pilot.press("l")  # log: the form opens, nothing is typed into the search
        await settle(pilot, app)
        assert type(app.screen).__name__ == "LogForm"
        assert app.main.query_one("#search", Input).value == ""


async def test_narrowing_after_switching_panes_keeps_keys_on_the_pane_shown(
    demo_store: Store,
) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        assert app.focused is not None and app.focused.id == "timeline"
        await pilot.resize_terminal(50, 20)
        await settle(pilot, app)
        assert app.main.active_pane == "events"
        assert app.focused is not None and app.focused.id == "timeline"
        assert_focus_visible(app)
        await pilot.press("question_mark")
        await settle(pilot, app)
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await settle(pilot, app)
        assert_focus_visible(app)
        await pilot.press("1")
        await settle(pilot, app)
        assert isinstance(app.focused, ContactList)
        assert app.main.query_one("#search", Input).value == ""
        assert_focus_visible(app)


async def test_search_hidden_by_a_layout_switch_gives_the_keys_back(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash")
        assert app.focused is not None and app.focused.id == "search"
        app.main.show_pane("events", focus=False)  # what a click on the tab bar does
        await pilot.resize_terminal(80, 24)
        await settle(pilot, app)
        assert app.focused is not None and app.focused.id == "timeline"
        assert_focus_visible(app)
        await pilot.press("1")
        await settle(pilot, app)
        assert_focus_visible(app)


async def test_the_tab_bar_switches_panes_and_follows_the_keys(demo_store: Store) -> None:
    """Narrow: a click on a tab shows its pane; 1 / 2 / 3 move the tab bar with them (the
    bar is only mounted, and its module only imported, when the terminal is narrow)."""
    from textual.widgets import Tabs

    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        tabs = app.main.query_one("#pane-tabs", Tabs)
        await pilot.click("#tab-notes")
        await settle(pilot, app)
        assert app.main.active_pane == "notes" and tabs.active == "tab-notes"
        assert_focus_visible(app, "after a click on the Notes tab")
        await pilot.press("2")
        await settle(pilot, app)
        assert app.main.active_pane == "events" and tabs.active == "tab-events"
        assert_focus_visible(app, "after 2")


@size_ids
async def test_selected_row_stays_visible_after_resize(
    demo_store: Store, size: tuple[int, int]
) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        cl = app.main.query_one(ContactList)
        await pilot.press(*["j"] * 33)
        await settle(pilot, app)
        assert cl.cursor == 33
        await pilot.resize_terminal(*size)
        await settle(pilot, app)
        top = cl.scroll_offset.y
        assert top <= cl.cursor < top + cl.size.height, (top, cl.size.height)
        assert_focus_visible(app)
        selected = app.main.selected
        assert selected is not None and selected.name in screen_text(app)


@size_ids
async def test_events_pane_highlights_a_row_when_focused(
    tui_store: Store, size: tuple[int, int]
) -> None:
    ada = contacts.add("Ada Lovelace")
    interactions.log("Tea at the engine works", [ada.uid], kind="meeting")
    interactions.log("Letter about notes", [ada.uid], kind="message")
    app = make_app(tui_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        timeline = app.main.query_one("#timeline", OptionList)
        assert timeline.has_focus
        assert timeline.highlighted == 0
        assert "del Delete" in footer_line(app)
        await pilot.press("j")
        assert timeline.highlighted == 1
        await pilot.press("k", "d")  # j/k move, d deletes what is highlighted
        await settle(pilot, app)
        left = [i.summary for i in interactions.for_contact(ada)]
        assert len(left) == 1
        assert timeline.highlighted == 0  # the refilled list keeps a row highlighted
        assert_focus_visible(app)
        await pilot.press("u")
        await settle(pilot, app)
        assert len(interactions.for_contact(ada)) == 2


async def test_notes_pane_highlights_a_row_when_focused(tui_store: Store) -> None:
    from kinship.services import notes

    ada = contacts.add("Ada Lovelace")
    notes.add(ada, "Loves poetry", kind="interest")
    app = make_app(tui_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("3")
        await settle(pilot, app)
        notes_list = app.main.query_one("#notes-list", OptionList)
        assert notes_list.has_focus and notes_list.highlighted == 0
        await pilot.press("p")
        await settle(pilot, app)
        assert notes.for_contact(ada)[0].pinned
        assert notes_list.highlighted == 0
        assert_focus_visible(app)


@size_ids
async def test_focus_is_visible_after_every_modal_closes(
    tui_store: Store, size: tuple[int, int]
) -> None:
    # One app per size, every modal opened and closed in turn: a modal that leaves focus
    # wrong shows at once (the next key would go astray), and an app start per modal cost
    # most of this test's time.
    ada = contacts.add("Ada Lovelace", cadence_days=7)
    interactions.log("Tea", [ada.uid])
    app = make_app(tui_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, app)
        assert_focus_visible(app)
        for key, modal in MODALS.items():
            await pilot.press(key)
            await settle(pilot, app)
            assert type(app.screen).__name__ == modal, key
            await close(pilot, app)
            assert app.screen is app.main, key
            assert_focus_visible(app, after=f"{modal} ({key}) closed")


async def close(pilot: Pilot[Any], app: KinshipApp) -> None:
    await pilot.press("escape")
    await settle(pilot, app)


async def test_relate_form_relations_list_highlights_on_focus(tui_store: Store) -> None:
    from kinship.store.models import Relationship

    ada = contacts.add("Ada Lovelace")
    mary = contacts.add("Mary Somerville")
    contacts.relate(ada.uid, mary.uid, "mentor")
    app = make_app(tui_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("r")
        await settle(pilot, app)
        await pilot.press("tab", "tab")  # kind, other person, their relationships
        rels = app.screen.query_one("#relations", OptionList)
        assert rels.has_focus and rels.highlighted == 0
        await pilot.press("d")
        await settle(pilot, app)
        assert Relationship.select().count() == 0
