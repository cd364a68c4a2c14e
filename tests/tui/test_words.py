"""Words a person can trust: the brief and Today say each thing once, and an occasion's
wording fits its kind and whether it is ahead or past."""

from __future__ import annotations

from datetime import datetime, timedelta

from kinship.services import contacts, events, interactions
from kinship.store import Store
from kinship.tui.screens.brief import BriefScreen
from kinship.tui.screens.today import TodayScreen

from .conftest import TODAY, make_app, press_for, screen_text, settle


def people() -> None:
    ada = contacts.add("Ada Lovelace", cadence_days=90)
    talked = datetime.combine(TODAY - timedelta(days=121), datetime.min.time()).replace(hour=12)
    interactions.log("Tea", [ada.uid], occurred_at=talked.astimezone())
    grace = contacts.add("Grace Hopper")
    events.add("Surgery and recovery", TODAY + timedelta(days=6), kind="illness", people=[grace])
    mary = contacts.add("Mary Somerville")
    events.add("her father", TODAY - timedelta(days=2), kind="loss", people=[mary])


async def test_the_brief_says_how_overdue_once(tui_store: Store) -> None:
    people()
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("b")  # Ada, first by name
        await settle(pilot, app)
        assert isinstance(app.screen, BriefScreen)
        body = str(app.screen.query_one("#brief-body").render())
        (line,) = [ln for ln in body.splitlines() if "check in" in ln]
        assert (
            "check in (31 days overdue): last talked on Nov 13; you planned every 90 days" in line
        )
        assert line.count("overdue") == 1 and line.count("31") == 1


async def test_today_wishes_well_before_an_illness_and_condoles_only_a_loss(
    tui_store: Store,
) -> None:
    people()
    app = make_app(tui_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, app)
        await press_for(pilot, app, "t", TodayScreen)
        lines = screen_text(app).splitlines()
        (grace,) = [ln for ln in lines if "Grace Hopper" in ln and "Surgery" in ln]
        assert "faces an illness on Mar 20 (Surgery and recovery); wish them well" in grace
        assert "in 5d" in grace
        assert "condolences" not in grace and "how it went" not in grace
        (mary,) = [ln for ln in lines if "Mary Somerville" in ln and "loss" in ln]
        assert "suffered a loss on Mar 12 (her father); send your condolences" in mary
        (ada,) = [ln for ln in lines if "Ada Lovelace " in ln and "d over" in ln]
        assert "31d over" in ada and "overdue" not in ada
