"""Forms: add, edit (optimistic lock), log, note, event, relate, merge; errors keep them open."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import peewee
import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, OptionList, Select, Switch, TextArea

from kinship.services import contacts, interactions, notes
from kinship.store import Store
from kinship.store.models import Contact, EmpathyNote, Event, Interaction, Relationship
from kinship.tui.app import KinshipApp
from kinship.tui.dialogs.base import FormScreen
from kinship.tui.dialogs.contact import ContactForm
from kinship.tui.dialogs.interaction import LogForm
from kinship.tui.dialogs.merge import MergeForm
from kinship.tui.dialogs.note import NoteForm
from kinship.tui.widgets.contact_list import ContactList

from .conftest import make_app, press_for, screen_text, settle


async def fill(pilot: Pilot[Any], app: KinshipApp, **values: str | bool) -> None:
    for name, value in values.items():
        w = app.screen.query_one(f"#f-{name}")
        if isinstance(w, TextArea):
            w.load_text(str(value))
        elif isinstance(w, Checkbox):
            assert isinstance(value, bool), name
            w.value = value
        elif isinstance(w, Input):
            w.value = str(value)
        else:
            assert isinstance(w, Select), w
            w.value = value
    await pilot.pause()


async def save(pilot: Pilot[Any], app: KinshipApp) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot, app)


async def test_add_contact_with_validation(tui_store: Store) -> None:
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await press_for(pilot, app, "a", ContactForm)
        await fill(
            pilot,
            app,
            display_name="",
            emails="not-an-email",
            birthday="13/45",
            cadence_days="often",
        )
        await save(pilot, app)
        form = app.screen
        assert isinstance(form, ContactForm)  # stays open
        text = screen_text(app)
        assert "a contact needs a name" in text
        assert "not an email address" in text
        assert "whole number of days" in text
        assert form.query_one("#e-birthday").has_class("-shown")
        await fill(
            pilot,
            app,
            display_name="Ada Lovelace",
            emails="ada@example.org, ada@work.example",
            phones="+44 20 1234",
            tags="mentors, inner circle",
            birthday="--12-10",
            cadence_days="30",
        )
        await save(pilot, app)
        assert not isinstance(app.screen, FormScreen)
        ada = contacts.resolve("Ada Lovelace")
        assert ada.birthday == "--12-10" and ada.cadence_days == 30
        rec = contacts.to_record(ada)
        assert rec.emails() == ["ada@example.org", "ada@work.example"]
        assert sorted(rec.tags) == ["inner circle", "mentors"]
        cl = app.main.query_one(ContactList)
        assert cl.total == 1 and cl.current.name == "Ada Lovelace"


async def test_edit_contact_and_conflict(tui_store: Store) -> None:
    ada = contacts.add("Ada Lovelace", organization="Engines")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        form = await press_for(pilot, app, "e", ContactForm)
        assert form.initial["version"] == ada.version
        assert form.query_one("#f-organization", Input).value == "Engines"
        await fill(pilot, app, title="Countess")
        await save(pilot, app)
        assert not isinstance(app.screen, FormScreen)
        assert contacts.get(ada.uid).title == "Countess"
        # Someone else changes her while the form is open: a Conflict, the form stays open.
        await pilot.press("e")
        await settle(pilot, app)
        contacts.update(ada.uid, None, organization="Elsewhere")
        await fill(pilot, app, title="Mathematician")
        await save(pilot, app)
        assert isinstance(app.screen, ContactForm)
        assert "was changed elsewhere" in screen_text(app)
        assert app.screen.query_one("#f-title", Input).value == "Mathematician"  # nothing lost
        assert contacts.get(ada.uid).title == "Countess"


async def test_database_error_keeps_form_open(
    tui_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(tui_store)

    def broken(*args: object, **kw: object) -> None:
        raise peewee.OperationalError("disk I/O error")

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("a")
        await settle(pilot, app)
        monkeypatch.setattr(contacts, "add", broken)
        await fill(pilot, app, display_name="Ada Lovelace")
        await save(pilot, app)
        assert isinstance(app.screen, ContactForm)
        assert "database error: disk I/O error" in screen_text(app)
        assert app.screen.query_one("#f-display_name", Input).value == "Ada Lovelace"
        monkeypatch.undo()
        await save(pilot, app)  # retry works once the database is back
        assert not isinstance(app.screen, FormScreen)
        assert Contact.select().count() == 1


async def test_log_interaction_with_several_people(tui_store: Store) -> None:
    contacts.add("Ada Lovelace")
    contacts.add("Charles Babbage")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await press_for(pilot, app, "l", LogForm)
        assert app.screen.query_one("#f-people", Input).value == "Ada Lovelace"
        await fill(pilot, app, summary="", when="someday")
        await save(pilot, app)
        assert "say in a few words" in screen_text(app) and "not a date" in screen_text(app)
        await fill(
            pilot,
            app,
            summary="Tea and engines",
            people="Ada Lovelace, Nobody Known",
            when="yesterday",
            kind="call",
        )
        await save(pilot, app)
        assert "no contact matches 'Nobody Known'" in screen_text(app)
        await fill(pilot, app, people="Ada Lovelace, Charles")
        await save(pilot, app)
        assert not isinstance(app.screen, FormScreen)
        row = Interaction.get()
        assert row.summary == "Tea and engines" and row.kind == "call"
        assert len(list(row.participants)) == 2
        assert "Tea and engines" in screen_text(app)  # the timeline refreshed


async def test_add_note_and_pin_and_delete_with_undo(tui_store: Store) -> None:
    contacts.add("Ada Lovelace")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("n")
        await settle(pilot, app)
        await fill(pilot, app, kind="goal", body="Publish the notes on the engine", pinned=True)
        await save(pilot, app)
        note = EmpathyNote.get()
        assert note.kind == "goal" and note.pinned
        assert "Publish the notes" in screen_text(app)
        app.main.query_one("#notes-list").focus()
        await pilot.pause()
        app.main.query_one("#notes-list").highlighted = 0
        await pilot.press("p")
        await settle(pilot, app)
        assert not EmpathyNote.get().pinned
        app.main.query_one("#notes-list").focus()
        app.main.query_one("#notes-list").highlighted = 0
        await pilot.press("d")
        await settle(pilot, app)
        assert EmpathyNote.select().count() == 0
        await pilot.press("u")
        await settle(pilot, app)
        back = EmpathyNote.get()
        assert back.body == "Publish the notes on the engine"
        # The undo service puts it back as it was: same number, kind and dates.
        assert (back.id, back.kind, back.created_at) == (note.id, "goal", note.created_at)


async def test_add_life_event(tui_store: Store) -> None:
    contacts.add("Ada Lovelace")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("v")
        await settle(pilot, app)
        await fill(pilot, app, summary="Got married", kind="wedding", when="2025-03-01")
        await save(pilot, app)
        ev = Event.get()
        assert ev.kind == "wedding" and ev.start.date().isoformat() == "2025-03-01"
        assert "Got married" in screen_text(app)


async def test_relate_two_contacts(tui_store: Store) -> None:
    contacts.add("Ada Lovelace")
    contacts.add("Mary Somerville")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("r")
        await settle(pilot, app)
        await fill(pilot, app, kind="mentor", other="Ada Lovelace")
        await save(pilot, app)
        assert "cannot be related to themselves" in screen_text(app)
        await fill(pilot, app, other="Mary")
        await save(pilot, app)
        rel = Relationship.get()
        assert rel.kind == "mentor" and rel.to_contact.display_name == "Mary Somerville"


async def test_merge_side_by_side(tui_store: Store) -> None:
    keep = contacts.add("Ada Lovelace", organization="Engines", emails=["ada@example.org"])
    dup = contacts.add(
        "Ada King", organization="Analytical Society", title="Countess", emails=["ada@king.example"]
    )
    notes.add(dup, "Likes poetry", kind="interest")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.main.jump_to(keep.uid)
        await settle(pilot, app)
        await press_for(pilot, app, "m", MergeForm)
        await fill(pilot, app, other="Ada King")
        await save(pilot, app)  # first save compares
        form = app.screen
        assert isinstance(form, MergeForm)
        text = screen_text(app)
        assert "Analytical Society" in text and "Engines" in text and "Countess" in text
        form.query_one("#take-organization", Switch).value = True
        await pilot.pause()
        await save(pilot, app)
        await pilot.press("y")  # a merge cannot be undone: it asks first
        await settle(pilot, app)
        assert not isinstance(app.screen, FormScreen)
        merged = contacts.get(keep.uid)
        assert merged.organization == "Analytical Society" and merged.title == "Countess"
        assert Contact.select().count() == 1
        assert sorted(contacts.to_record(merged).emails()) == [
            "ada@example.org",
            "ada@king.example",
        ]
        assert EmpathyNote.get().contact_id == merged.id


async def test_escape_cancels_form(tui_store: Store) -> None:
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("a")
        await settle(pilot, app)
        await pilot.press("escape")
        await settle(pilot, app)
        assert not isinstance(app.screen, FormScreen)
        assert Contact.select().count() == 0


async def test_log_prefilled_after_interactions_keep_working(tui_store: Store) -> None:
    """Logging moves the due date: the list badge updates after the write."""
    from datetime import datetime

    ada = contacts.add("Ada Lovelace", cadence_days=7)
    interactions.log("Old call", [ada.uid], occurred_at=datetime(2025, 1, 1, 12).astimezone())
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert "overdue" in screen_text(app)
        await pilot.press("l")
        await settle(pilot, app)
        await fill(pilot, app, summary="Caught up")
        await save(pilot, app)
        assert "overdue" not in screen_text(app).split("Timeline")[0]


async def test_edit_note_prefilled_with_e_and_enter(tui_store: Store) -> None:
    ada = contacts.add("Ada Lovelace")
    note = notes.add(ada, "Likes poetry", kind="interest")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        notes_list = app.main.query_one("#notes-list")
        notes_list.focus()
        notes_list.highlighted = 0
        form = await press_for(pilot, app, "e", NoteForm)
        assert form.value("body") == "Likes poetry" and form.value("kind") == "interest"
        assert "Edit the note about Ada Lovelace" in screen_text(app)
        await fill(pilot, app, body="Loves poetry (Byron's, not so much)", kind="preference")
        await save(pilot, app)
        row = EmpathyNote.get_by_id(note.id)
        assert row.body == "Loves poetry (Byron's, not so much)" and row.kind == "preference"
        assert EmpathyNote.select().count() == 1
        assert "Byron's" in screen_text(app)
        # Enter on a note opens the same form.
        notes_list.focus()
        notes_list.highlighted = 0
        form = await press_for(pilot, app, "enter", NoteForm)
        assert form.value("kind") == "preference"


async def test_delete_interaction_from_timeline_and_undo(tui_store: Store) -> None:
    from datetime import datetime

    ada = contacts.add("Ada Lovelace")
    mary = contacts.add("Mary Somerville")
    when = datetime(2025, 3, 1, 15, 30).astimezone()
    row = interactions.log(
        "Tea and engines", [ada.uid, mary.uid], kind="call", occurred_at=when, notes="long one"
    )
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert app.main.selected.name == "Ada Lovelace"
        timeline = app.main.query_one("#timeline")
        timeline.focus()
        timeline.highlighted = 0
        await pilot.press("d")
        await settle(pilot, app)
        assert Interaction.select().count() == 0
        assert "Tea and engines" not in screen_text(app)
        assert contacts.get(ada.uid).last_interaction_at is None
        await pilot.press("u")
        await settle(pilot, app)
        back = Interaction.get()
        assert back.uid == row.uid and back.kind == "call" and back.notes == "long one"
        assert back.occurred_at == row.occurred_at
        rec = interactions.interaction_record(back)
        assert sorted(rec.participants) == sorted([ada.uid, mary.uid])
        assert "Tea and engines" in screen_text(app)


async def test_remove_relationship_from_relate_form_and_brief(tui_store: Store) -> None:
    ada = contacts.add("Ada Lovelace")
    mary = contacts.add("Mary Somerville")
    contacts.relate(ada.uid, mary.uid, "mentor")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("b")  # the brief lists them; r opens the relate form
        await settle(pilot, app)
        assert "mentor: Mary Somerville" in screen_text(app)
        await pilot.press("r")
        await settle(pilot, app)
        assert app.screen.__class__.__name__ == "RelateForm"
        assert "mentor: Mary Somerville" in screen_text(app)
        await pilot.press("d")  # typed into the name field: nothing removed
        await settle(pilot, app)
        assert Relationship.select().count() == 1
        rels = app.screen.query_one("#relations", OptionList)
        rels.focus()
        rels.highlighted = 0
        await pilot.press("d")
        await settle(pilot, app)
        assert Relationship.select().count() == 0
        assert "none yet" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("u")
        await settle(pilot, app)
        rel = Relationship.get()
        assert rel.kind == "mentor" and rel.from_contact_id == ada.id


async def test_merge_asks_before_it_merges(tui_store: Store) -> None:
    keep = contacts.add("Ada Lovelace")
    contacts.add("Ada King")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.main.jump_to(keep.uid)
        await settle(pilot, app)
        await pilot.press("m")
        await settle(pilot, app)
        await fill(pilot, app, other="Ada King")
        await save(pilot, app)  # compare
        await save(pilot, app)  # asks
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        assert "Merge Ada King into Ada Lovelace?" in screen_text(app)
        await pilot.press("n")
        await settle(pilot, app)
        assert isinstance(app.screen, MergeForm) and Contact.select().count() == 2
        await save(pilot, app)
        await pilot.press("y")
        await settle(pilot, app)
        assert not isinstance(app.screen, FormScreen)
        assert Contact.select().count() == 1


def test_dialogs_load_only_when_opened() -> None:
    """The app and its screens import each dialog inside the action that opens it."""
    code = (
        "import sys\n"
        "import kinship.tui.app, kinship.tui.commands\n"
        "import kinship.tui.screens.main, kinship.tui.screens.today, kinship.tui.screens.brief\n"
        "loaded = [m for m in sys.modules if m.startswith('kinship.tui.dialogs')]\n"
        "assert not loaded, loaded\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
