"""The network workflows in the app: capture (c), introduce (o), the Introductions screen (I),
the follow-ups they put on Today and how they go away, and the give-and-get in the brief and
the events pane."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from textual.widgets import OptionList, Sparkline

from kinship.services import contacts, followups, interactions, introductions, notes, views
from kinship.store import Store
from kinship.store.models import Capture, Contact, Event, Interaction, Introduction
from kinship.tui.dialogs.capture import CaptureForm
from kinship.tui.dialogs.interaction import LogForm
from kinship.tui.dialogs.introduce import IntroduceForm
from kinship.tui.dialogs.kind import KindPicker
from kinship.tui.screens.brief import BriefScreen
from kinship.tui.screens.introductions import IntroductionsScreen
from kinship.tui.screens.today import TodayScreen

from .conftest import TODAY, make_app, open_today, press_for, screen_text, settle
from .test_forms import fill, save

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from kinship.tui.app import KinshipApp


async def test_capture_checks_every_line_then_writes_all_and_starts_the_sprint(
    tui_store: Store,
) -> None:
    contacts.add("Ada Lovelace", emails=["ada@example.org"])
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await press_for(pilot, app, "c", CaptureForm)
        await fill(
            pilot,
            app,
            event="PyCon 2025",
            people="Linus, kernels\n, nameless\nGrace, compilers, not-an-email\n",
        )
        await save(pilot, app)
        assert isinstance(app.screen, CaptureForm)  # stays open with the problems
        text = screen_text(app)
        assert "line 2: no name" in text
        assert "line 3: not an email address" in text
        assert Event.select().count() == 0 and Contact.select().count() == 1
        await fill(
            pilot,
            app,
            people="Linus Torvalds, kernels\nCountess, engines, ADA@example.org\n",
        )
        await save(pilot, app)
        assert not isinstance(app.screen, CaptureForm)
        assert Capture.select().count() == 2
        assert Contact.select().count() == 2  # Ada was found by her email
        await press_for(pilot, app, "t", TodayScreen)
        text = screen_text(app)
        assert "New people (2)" in text
        assert "met at PyCon 2025 on Mar 14 (kernels); say nice to meet you" in text


async def test_introduce_then_move_it_along_on_the_introductions_screen(
    tui_store: Store,
) -> None:
    ada = contacts.add("Ada Lovelace")
    contacts.add("Charles Babbage")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.main.jump_to(ada.uid)
        await settle(pilot, app)
        await press_for(pilot, app, "o", IntroduceForm)
        await fill(pilot, app, to="Nobody Here", why="engines")
        await save(pilot, app)
        assert isinstance(app.screen, IntroduceForm)
        assert "no contact matches 'Nobody Here'" in screen_text(app)
        await fill(pilot, app, to="charl", why="engines")
        await save(pilot, app)
        assert not isinstance(app.screen, IntroduceForm)
        [row] = Introduction.select()
        assert (row.person.display_name, row.to.display_name, row.status) == (
            "Ada Lovelace",
            "Charles Babbage",
            "proposed",
        )
        await pilot.press("I")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, IntroductionsScreen)
        assert "Open introductions (1)" in screen_text(app)
        assert screen.current_key == f"intro-{row.id}"
        await pilot.press("n")
        await settle(pilot, app)
        assert Introduction.get_by_id(row.id).status == "asked"
        await pilot.press("n")
        await settle(pilot, app)
        assert Introduction.get_by_id(row.id).status == "made"
        assert Interaction.select().where(Interaction.kind == "intro-given").count() == 1
        await pilot.press("x")  # a made introduction cannot be declined
        await settle(pilot, app)
        assert Introduction.get_by_id(row.id).status == "made"
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is app.main


def highlight(screen: TodayScreen | IntroductionsScreen, name: str) -> None:
    """Move the cursor of the screen's list to the row that names ``name``."""
    ol = screen.query_one(OptionList)
    for index in range(ol.option_count):
        option = ol.get_option_at_index(index)
        if not option.disabled and name in str(option.prompt):
            ol.highlighted = index
            return
    raise AssertionError(f"no row for {name!r}")


async def done_on_today(pilot: Pilot[Any], app: KinshipApp) -> None:
    """Today's d: the kind picker, prefilled from the item; Enter takes it."""
    await press_for(pilot, app, "d", KindPicker)
    await press_for(pilot, app, "enter", TodayScreen)


async def test_introduction_follow_ups_show_on_today_and_go_away_when_done(
    tui_store: Store,
) -> None:
    """Proposing puts "ask them" on Today; Today's d closes one, moving the introduction on
    (n on the Introductions screen) closes the other; a recompute brings neither back."""
    ada = contacts.add("Ada Lovelace")
    charles = contacts.add("Charles Babbage")
    contacts.add("Grace Hopper")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.main.jump_to(ada.uid)
        await settle(pilot, app)
        for to, why in (("Charles", "engines"), ("Grace", "compilers")):
            await pilot.press("o")
            await settle(pilot, app)
            await fill(pilot, app, to=to, why=why)
            await save(pilot, app)
            assert not isinstance(app.screen, IntroduceForm)
        today = await open_today(pilot, app)
        text = screen_text(app)
        assert "Introductions (2)" in text
        ask_charles = (
            "you offered to introduce Ada Lovelace to Charles Babbage on Mar 14; ask Charles"
        )
        ask_grace = "you offered to introduce Ada Lovelace to Grace Hopper on Mar 14; ask Grace"
        assert ask_charles in text and ask_grace in text
        # Today's d: you asked Charles (a message is logged with him).
        highlight(today, "Charles Babbage")
        await done_on_today(pilot, app)
        text = screen_text(app)
        assert "Introductions (1)" in text
        assert ask_charles not in text and ask_grace in text
        asked = Interaction.select().where(Interaction.summary == "Asked about an introduction")
        assert [p.contact.uid for i in asked for p in i.participants] == [charles.uid]
        # Grace's: moved along on the Introductions screen.
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("I")
        await settle(pilot, app)
        intros = app.screen
        assert isinstance(intros, IntroductionsScreen)
        highlight(intros, "Grace Hopper")
        await pilot.press("n")
        await settle(pilot, app)
        [grace_intro] = [v for v in introductions.listing() if v.to.display_name == "Grace Hopper"]
        assert grace_intro.status == "asked"
        await open_today(pilot, app)
        text = screen_text(app)
        assert "Nobody to reach out to today" in text
        assert ask_grace not in text and ask_charles not in text
        # The main screen's count agrees, and a full recompute brings neither back.
        await pilot.press("escape")
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is app.main
        assert app.main.sub_title == "nothing due today"
        await app.db(followups.recompute_all, TODAY)
        await open_today(pilot, app)
        assert "Nobody to reach out to today" in screen_text(app)


async def test_captured_people_show_on_today_and_go_away_when_followed_up(
    tui_store: Store,
) -> None:
    """A capture puts "say nice to meet you" on Today for each person; Today's d ends one
    sprint, logging an interaction (l there) ends the other; a recompute brings neither back."""
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await press_for(pilot, app, "c", CaptureForm)
        await fill(
            pilot, app, event="PyCon 2025", people="Linus Torvalds, kernels\nGrace Hopper, COBOL\n"
        )
        await save(pilot, app)
        assert not isinstance(app.screen, CaptureForm)
        today = await open_today(pilot, app)
        text = screen_text(app)
        assert "New people (2)" in text
        nice_linus = "met at PyCon 2025 on Mar 14 (kernels); say nice to meet you"
        nice_grace = "met at PyCon 2025 on Mar 14 (COBOL); say nice to meet you"
        assert nice_linus in text and nice_grace in text
        highlight(today, "Linus Torvalds")
        await done_on_today(pilot, app)
        text = screen_text(app)
        assert "New people (1)" in text
        assert nice_linus not in text and nice_grace in text
        linus = contacts.resolve("Linus Torvalds")
        said = Interaction.select().where(Interaction.summary == "Said nice to meet you")
        assert [p.contact.uid for i in said for p in i.participants] == [linus.uid]
        # Grace: any interaction logged with her ends her sprint.
        highlight(today, "Grace Hopper")
        await press_for(pilot, app, "l", LogForm)
        await fill(pilot, app, summary="Sent her the COBOL talk")
        await save(pilot, app)
        assert app.screen is today
        text = screen_text(app)
        assert "Nobody to reach out to today" in text
        assert "New people" not in text
        await app.db(followups.recompute_all, TODAY)
        await pilot.press("escape")
        await settle(pilot, app)
        await open_today(pilot, app)
        assert "Nobody to reach out to today" in screen_text(app)


async def test_a_match_opens_the_introduce_form_filled_in(tui_store: Store) -> None:
    ada = contacts.add("Ada Lovelace")
    charles = contacts.add("Charles Babbage")
    notes.add(ada, "Looking for a React mentor", kind="need")
    notes.add(charles, "React mentoring on weekends", kind="offer")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("I")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, IntroductionsScreen)
        assert "Matches of needs and offers (1)" in screen_text(app)
        assert screen.current_key == "match-0"
        form = await press_for(pilot, app, "enter", IntroduceForm)
        assert form.value("to") == "Charles Babbage"
        assert "React mentoring" in form.value("why")
        await save(pilot, app)
        assert isinstance(app.screen, IntroductionsScreen)
        assert introductions.listing()[0].to.uid == charles.uid
        assert "Matches of needs and offers (0)" in screen_text(app)
        ol = app.screen.query_one(OptionList)
        assert ol.option_count > 0


async def test_brief_and_events_pane_show_the_give_and_get(tui_store: Store) -> None:
    ada = contacts.add("Ada Lovelace")
    at = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC)
    interactions.log("Reviewed her talk", [ada.uid], kind="help-given", occurred_at=at)
    for days in (40, 10):
        interactions.log(
            "Lent me a book", [ada.uid], kind="help-received", occurred_at=at - timedelta(days)
        )
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.main.jump_to(ada.uid)
        await settle(pilot, app)
        gave = app.main.query_one("#spark-gave", Sparkline)
        got = app.main.query_one("#spark-got", Sparkline)
        assert list(gave.data or [])[-1] == 1 and sum(gave.data or []) == 1
        assert sum(got.data or []) == 2
        assert gave.display and got.display
        text = screen_text(app)
        assert "gave 1" in text and "received 2" in text
        await press_for(pilot, app, "b", BriefScreen)
        text = screen_text(app)
        assert "Give and get" in text
        assert "gave 1  ·  received 2  ·  thanks 0" in text
        assert "2 helps received since your last thanks: thank them" in text


async def test_the_pair_follows_the_person_on_top(tui_store: Store) -> None:
    """Shown for someone with a give and get, hidden for someone without and for nobody
    (everyone's upcoming), shown again for the first: each row's own display."""
    ada = contacts.add("Ada Lovelace")
    bob = contacts.add("Bob Nobody")
    at = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC)
    interactions.log("Reviewed her talk", [ada.uid], kind="help-given", occurred_at=at)
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:

        async def rows_after(step: Any) -> list[bool]:
            step()
            await settle(pilot, app)
            return [row.display for row in app.main.query(".give-get")]

        await settle(pilot, app)
        assert await rows_after(lambda: app.main.jump_to(ada.uid)) == [True, True]
        assert "gave 1" in screen_text(app)
        assert await rows_after(lambda: app.main.jump_to(bob.uid)) == [False, False]
        assert "gave" not in screen_text(app)

        def nobody() -> None:
            app.main.query_one("#search").value = "zzzz"

        assert await rows_after(nobody) == [False, False]
        assert "Upcoming · everyone" in screen_text(app)
        assert await rows_after(lambda: app.main.jump_to(ada.uid)) == [True, True]
        assert "gave 1" in screen_text(app)


async def test_no_give_and_get_hides_the_pair(tui_store: Store) -> None:
    ada = contacts.add("Ada Lovelace")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.main.jump_to(ada.uid)
        await settle(pilot, app)
        assert [row.display for row in app.main.query(".give-get")] == [False, False]
        assert "gave 0" not in screen_text(app) and "received 0" not in screen_text(app)
        detail = views.detail(ada.id, TODAY)
        assert detail is not None and detail.give_get is not None
        assert detail.give_get.gave == 0
