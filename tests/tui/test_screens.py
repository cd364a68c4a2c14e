"""Brief, Today (done / snooze / dismiss / jump), help, command palette, import."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from textual.widgets import Input, ProgressBar, Static

from kinship.records import PaletteCommand
from kinship.services import contacts, interactions, notes
from kinship.store import Store
from kinship.store.models import Contact, FollowUp, Interaction
from kinship.tui.screens.brief import BriefScreen
from kinship.tui.screens.help import HelpScreen
from kinship.tui.screens.importing import ImportScreen
from kinship.tui.screens.today import TodayScreen
from kinship.tui.widgets.contact_list import ContactList

from .conftest import TODAY, make_app, open_today, press_for, screen_text, settle


def _ada_with_history() -> Contact:
    ada = contacts.add("Ada Lovelace", cadence_days=14)
    bob = contacts.add("Charles Babbage")
    for day, kind, summary in (
        (1, "call", "First call"),
        (20, "meeting", "Tea"),
        (40, "email", "Sent notes"),
        (60, "call", "Old call"),
    ):
        interactions.log(
            summary,
            [ada.uid, bob.uid] if kind == "meeting" else [ada.uid],
            kind=kind,
            occurred_at=datetime(2025, 3, day % 28 + 1, 12).astimezone()
            if day < 28
            else datetime(2025, 1, day % 28 + 1, 12).astimezone(),
        )
    notes.add(ada, "Wants to publish", kind="goal", pinned=True)
    notes.add(ada, "Prefers letters", kind="preference")
    return ada


async def test_brief_before_you_meet(tui_store: Store) -> None:
    _ada_with_history()
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await press_for(pilot, app, "b", BriefScreen)
        text = screen_text(app)
        assert "Before you meet Ada Lovelace" in text
        assert "goal: Wants to publish" in text  # pinned
        assert "Last three interactions" in text
        assert text.count("Old call") == 0  # only the last three
        assert "What is due, and why" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, BriefScreen)
        await pilot.press("enter")  # enter on a row opens it too
        await settle(pilot, app)
        assert isinstance(app.screen, BriefScreen)


async def test_today_groups_done_snooze_dismiss_jump(tui_store: Store) -> None:
    old = datetime(2025, 1, 2, 12).astimezone()
    for name in ("Ada Lovelace", "Charles Babbage", "Mary Somerville", "Zed Last"):
        c = contacts.add(name, cadence_days=14)
        interactions.log("Long ago", [c.uid], occurred_at=old)
    helper = contacts.resolve("Zed Last")
    interactions.log(
        "Reviewed my draft",
        [helper.uid],
        kind="help-received",
        occurred_at=datetime(2025, 3, 10, 12).astimezone(),
    )
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        today = await open_today(pilot, app)
        text = screen_text(app)
        assert "Check in" in text and "Ada Lovelace" in text
        assert "Thank" in text
        first = today.current
        assert first is not None
        before = Interaction.select().count()
        await pilot.press("d", "enter")  # done: logs what satisfies it (the kind suggested)
        await settle(pilot, app)
        assert Interaction.select().count() == before + 1
        assert FollowUp.get(
            (FollowUp.contact == first.contact_id)
            & (FollowUp.kind == first.kind)
            & (FollowUp.status == "done")
        )
        second = today.current
        assert second is not None and second.uid != first.uid
        await pilot.press("z")  # snooze a week
        await settle(pilot, app)
        assert Contact.get(Contact.uid == second.uid).snoozed_until.isoformat() == "2025-03-21"
        third = today.current
        assert third is not None
        await pilot.press("x")  # dismiss
        await settle(pilot, app)
        assert (
            FollowUp.select()
            .where((FollowUp.contact == third.contact_id) & (FollowUp.status == "dismissed"))
            .count()
            == 1
        )
        target = today.current
        assert target is not None
        await pilot.press("enter")  # jump to the contact
        await settle(pilot, app)
        assert not isinstance(app.screen, TodayScreen)
        assert app.main.selected is not None and app.main.selected.uid == target.uid


async def test_today_is_kept_and_shown_again_with_fresh_rows(tui_store: Store) -> None:
    """Today is built once, after the first paint, and shown again on t (building a screen
    with a list was most of what opening it cost); each time it shows what is due now."""
    from textual.widgets import OptionList
    from textual.widgets._footer import FooterKey

    old = datetime(2025, 1, 2, 12).astimezone()
    for name in ("Ada Lovelace", "Charles Babbage"):
        c = contacts.add(name, cadence_days=14)
        interactions.log("Long ago", [c.uid], occurred_at=old)
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        kept = app.get_screen("today")
        assert isinstance(kept, TodayScreen) and kept.is_running  # built before the key
        assert kept.query_one(OptionList).size.height > 0  # and laid out
        await pilot.press("t")
        await settle(pilot, app)
        assert app.screen is kept
        text = screen_text(app)
        assert "Ada Lovelace" in text and "Charles Babbage" in text
        assert "2 to reach out to" in text
        footer_keys = list(kept.query(FooterKey))  # the same keys: not built again
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.main is not None and app.screen is app.main
        await pilot.press("l")  # log with Ada (the first row): her check-in is satisfied
        await settle(pilot, app)
        await pilot.press(*"Tea", "ctrl+s")
        await settle(pilot, app)
        assert app.screen is app.main and "1 to reach out to" in app.main.sub_title
        await pilot.press("t")
        await settle(pilot, app)
        assert app.screen is kept  # shown again, not built again
        text = screen_text(app)
        assert "Charles Babbage" in text and "Ada Lovelace" not in text
        assert "1 to reach out to" in text
        assert kept.current is not None and kept.current.name == "Charles Babbage"
        assert app.focused is kept.query_one(OptionList)
        assert list(kept.query(FooterKey)) == footer_keys


async def test_help_lists_every_binding_with_keymap(tui_store: Store) -> None:
    from kinship.config import Settings

    contacts.add("Ada Lovelace")
    app = make_app(tui_store, settings=Settings(keys={"main.log": "L"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("l")  # remapped away
        await settle(pilot, app)
        assert app.screen is app.main
        await pilot.press("L")
        await settle(pilot, app)
        assert app.screen.__class__.__name__ == "LogForm"
        await pilot.press("escape")
        await press_for(pilot, app, "question_mark", HelpScreen)
        rows = {
            str(row.query_one(".help-text", Static).render()): str(
                row.query_one(".help-key", Static).render()
            )
            for row in app.screen.query(".help-row")
        }
        from kinship.tui.screens.help import sections

        for _, bindings in sections():
            for b in bindings:
                if b.id:
                    assert any(f"[{b.id}]" in text for text in rows)
        (log_key,) = [key for text, key in rows.items() if text.endswith("[main.log]")]
        assert log_key == "L"
        title = screen_text(app)
        assert "Keys" in title and "Esc closes" in title
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_every_binding_has_an_id() -> None:
    from kinship.tui.screens.help import sections

    for title, bindings in sections():
        for b in bindings:
            if title not in (
                "Everywhere",
                "Contact list",
                "Forms",
                "Done on Today: log it as …",
            ) or b.action not in ("command_palette", "brief", "save", "next", "pick"):
                assert b.id, (title, b)


async def test_palette_actions_jump_and_plugin_commands(tui_store: Store) -> None:
    contacts.add("Ada Lovelace")
    contacts.add("Grace Hopper")
    ran = []
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.plugin_commands = [
            PaletteCommand("Say hello", "a plugin command", lambda a: ran.append(a))
        ]
        await pilot.press("ctrl+p")
        await settle(pilot, app)
        await pilot.press(*"grace")
        await settle(pilot, app)
        text = screen_text(app)
        assert "Grace Hopper" in text and "Go to this contact" in text
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.main.selected.name == "Grace Hopper"
        await pilot.press("ctrl+p")
        await pilot.press(*"say hello")
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert ran == [app]
        await pilot.press("ctrl+p")
        await pilot.press(*"add")
        await settle(pilot, app)
        assert "Add a contact" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen.__class__.__name__ == "ContactForm"


async def test_import_preview_then_import(tui_store: Store, tmp_path: Path) -> None:
    vcf = tmp_path / "people.vcf"
    vcf.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u-1\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\n"
        "EMAIL:ada@example.org\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u-2\r\nFN:Grace Hopper\r\n"
        "N:Hopper;Grace;;;\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = await press_for(pilot, app, "i", ImportScreen)
        screen.query_one("#path", Input).value = str(tmp_path / "missing.vcf")
        await pilot.press("enter")
        await settle(pilot, app)
        assert "no such file" in screen_text(app)
        app.screen.query_one("#path", Input).value = str(vcf)
        await pilot.press("enter")  # dry run
        await settle(pilot, app)
        assert "2 created" in screen_text(app) and "dry run" in screen_text(app)
        assert Contact.select().count() == 0
        await pilot.click("#import")
        await settle(pilot, app)
        assert Contact.select().count() == 2
        assert app.screen is screen and screen.imported
        # The import ran in batches under run 1; the bar ends full.
        assert "2 created, 0 updated, 0 unchanged, 0 skipped (run 1)" in screen_text(app)
        bar = app.screen.query_one("#progress", ProgressBar)
        assert bar.total == bar.progress == 2
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.main.query_one(ContactList).total == 2


async def test_started_in_ms_is_logged(tui_store: Store) -> None:
    app = make_app(tui_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert app.startup_ms is not None and app.startup_ms > 0
        assert app.today == TODAY


async def test_today_items_are_one_line_with_full_reason_below(tui_store: Store) -> None:
    """At 80×24 each item is one line (name, badge, reason cut with an ellipsis); the whole
    reason of the highlighted item is shown under the list."""
    old = datetime(2024, 8, 1, 12).astimezone()
    for name in ("Ada Lovelace", "Charles Babbage"):
        c = contacts.add(name, cadence_days=90)
        interactions.log("Long ago", [c.uid], occurred_at=old)
    app = make_app(tui_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        today = await open_today(pilot, app)
        first = today.current
        assert first is not None and len(first.reason) > 50
        lines = screen_text(app).splitlines()
        rows = [line for line in lines if first.name in line]
        item_line = next(line for line in rows if "d over" in line)
        assert item_line.rstrip().endswith("…")
        assert first.reason not in item_line
        detail = str(today.query_one("#today-detail").render())
        assert first.reason in detail.replace("\n", " ")
        # Every line of the list is one item: the next name is on the next line.
        i = lines.index(item_line)
        assert "d over" in lines[i + 1]
        await pilot.press("j")
        await settle(pilot, app)
        assert today.current is not None and today.current.uid != first.uid
        assert today.current.name in str(today.query_one("#today-detail").render())


async def test_today_shows_a_screenful_and_says_how_many_more(
    tui_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Today screen asks the service for a limited list per group and shows the total."""
    from kinship.services import views as data

    monkeypatch.setattr(data, "TODAY_LIMIT", 2)
    old = datetime(2024, 8, 1, 12).astimezone()
    for name in ("Ada Lovelace", "Charles Babbage", "Mary Somerville", "Zed Last"):
        c = contacts.add(name, cadence_days=30)
        interactions.log("Long ago", [c.uid], occurred_at=old)
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("t")
        await settle(pilot, app)
        text = screen_text(app)
        assert "Check in (4)" in text
        assert "… and 2 more" in text
        assert "4 to reach out to" in text
        assert "Zed Last" not in text  # beyond the limit
