"""Today's done: a one-key kind picker prefilled from the item, and u takes it back."""

from __future__ import annotations

from datetime import datetime

import pytest
from textual.widgets import OptionList

from kinship.services import contacts, interactions
from kinship.store import Store
from kinship.store.models import FollowUp, Interaction
from kinship.tui.dialogs.kind import KindPicker

from .conftest import make_app, open_today, screen_text, settle


def due_people() -> None:
    old = datetime(2025, 1, 2, 12).astimezone()
    for name in ("Ada Lovelace", "Charles Babbage"):
        c = contacts.add(name, cadence_days=14)
        interactions.log("Long ago", [c.uid], occurred_at=old)


@pytest.mark.parametrize("size", [(120, 40), (50, 20)], ids=["120x40", "50x20"])
async def test_done_asks_the_kind_prefilled_and_enter_accepts(
    tui_store: Store, size: tuple[int, int]
) -> None:
    due_people()
    app = make_app(tui_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, app)
        today = await open_today(pilot, app)
        first = today.current
        assert first is not None and first.kind == "check-in"
        before = Interaction.select().count()
        await pilot.press("d")
        await settle(pilot, app)
        picker = app.screen
        assert isinstance(picker, KindPicker)
        kinds = picker.query_one(OptionList)
        assert kinds.highlighted is not None
        assert kinds.get_option_at_index(kinds.highlighted).id == "message"  # DONE_AS
        text = screen_text(app)
        assert "Done: " in text and first.name in text and "c  call" in text
        assert Interaction.select().count() == before  # nothing logged yet
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen is today
        logged = Interaction.select().order_by(Interaction.id.desc()).get()
        assert logged.kind == "message"
        assert Interaction.select().count() == before + 1


async def test_a_key_picks_the_kind_esc_logs_nothing_and_u_takes_it_back(
    tui_store: Store,
) -> None:
    due_people()
    app = make_app(tui_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        today = await open_today(pilot, app)
        first = today.current
        assert first is not None
        before = Interaction.select().count()
        await pilot.press("d", "escape")
        await settle(pilot, app)
        assert app.screen is today and Interaction.select().count() == before
        await pilot.press("d", "c")  # c: a call
        await settle(pilot, app)
        assert app.screen is today
        logged = Interaction.select().order_by(Interaction.id.desc()).get()
        assert logged.kind == "call"
        assert (
            FollowUp.get(
                (FollowUp.contact == first.contact_id) & (FollowUp.kind == "check-in")
            ).status
            == "done"
        )
        assert today.current is not None and today.current.uid != first.uid
        await pilot.press("u")
        await settle(pilot, app)
        assert Interaction.select().count() == before
        assert (
            FollowUp.get(
                (FollowUp.contact == first.contact_id) & (FollowUp.kind == "check-in")
            ).status
            == "open"
        )
        assert first.name in screen_text(app)
        await pilot.press("u")  # nothing left to undo: says so
        await settle(pilot, app)
        assert Interaction.select().count() == before


async def test_a_logged_interaction_is_undone_with_u(tui_store: Store) -> None:
    contacts.add("Ada Lovelace")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("l")
        await settle(pilot, app)
        await pilot.press(*"Tea", "ctrl+s")
        await settle(pilot, app)
        assert Interaction.select().count() == 1
        await pilot.press("u")
        await settle(pilot, app)
        assert Interaction.select().count() == 0
