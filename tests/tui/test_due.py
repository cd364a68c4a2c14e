"""One definition of due in the app: the header's count is what is:due finds and what Today
lists, and the list's badge says "due" for exactly those people."""

from __future__ import annotations

import re
from datetime import timedelta

from kinship.services import contacts, followups
from kinship.store import Store
from kinship.tui.screens.today import TodayScreen
from kinship.tui.widgets.contact_list import ContactList, badge

from .conftest import TODAY, make_app, press_for, screen_text, settle


async def test_header_count_is_what_is_due_finds_and_today_lists(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await app.followups_ready.wait()
        await settle(pilot, app)
        header = re.search(r"(\d+) to reach out to today", app.main.sub_title)
        assert header is not None, app.main.sub_title
        count = int(header.group(1))
        listed = {i.contact_uid for i in followups.iter_due(TODAY)}
        assert count == len(listed)
        cl = app.main.query_one(ContactList)
        badged = set()
        for index in range(cl.total):
            row = cl.row_at(index)
            assert row is not None
            if badge(row, TODAY)[1] in ("overdue", "due", "soon"):
                badged.add(row.uid)
        assert badged <= listed  # a birthday badge may stand in for the due one
        await pilot.press("slash", *"is:due", "enter")
        await settle(pilot, app)
        assert f"{count} contacts" in screen_text(app)
        await press_for(pilot, app, "t", TodayScreen)
        assert f"{count} to reach out to" in screen_text(app)


async def test_a_snoozed_contact_shows_snoozed_not_a_due_date(tui_store: Store) -> None:
    eve = contacts.add("Eve Adams", cadence_days=7)
    followups.snooze(eve.uid, TODAY + timedelta(days=14))
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        rows = [ln.split("││")[0] for ln in screen_text(app).splitlines()]
        (line,) = [row for row in rows if "Eve Adams" in row]
        assert "snoozed" in line and "due" not in line
        await pilot.press("b")
        await settle(pilot, app)
        assert "snoozed until 2025-03-28" in screen_text(app)
