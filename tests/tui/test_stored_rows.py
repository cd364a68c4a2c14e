"""Values kinship cannot read in an older database: the app shows the rest and says so."""

from __future__ import annotations

from datetime import date
from typing import Any

from kinship.services import contacts, events, interactions
from kinship.store.models import Contact, Event, FollowUp, Interaction

from .conftest import TODAY, make_app, screen_text, settle
from .test_plugins_tui import recording


async def test_a_contact_with_unreadable_values_opens(tui_store: Any) -> None:
    ada = contacts.add("Ada Lovelace", emails=["ada@example.org"])
    contacts.add("Bob Babbage")
    interactions.log("Coffee", [ada.uid], kind="meeting")
    interactions.log("Call", [ada.uid], kind="call")
    events.add("Launch", date(2024, 5, 1), people=[ada], rrule="FREQ=YEARLY")
    FollowUp.create(contact=ada, due=TODAY, reason="ask", kind="manual")
    Contact.update(birthday="June 5th", met_on="garbage", extra="{not json", edited="nope").where(
        Contact.id == ada.id
    ).execute()
    Interaction.update(occurred_at="never").where(Interaction.summary == "Call").execute()
    Event.update(start="whenever").execute()
    FollowUp.update(due="soon").where(FollowUp.reason == "ask").execute()

    app = recording(make_app(tui_store))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.main.jump_to(ada.uid)
        await settle(pilot, app)
        assert app.is_running and app.return_code is None
        text = screen_text(app)
        assert "Ada Lovelace" in text and "Coffee" in text
        for key in ("b", "escape", "e", "escape", "t", "escape"):
            await pilot.press(key)
            await settle(pilot, app)
            assert app.is_running and app.return_code is None, key
        said = app.said
        assert any("kinship db check" in m for m in said), said
