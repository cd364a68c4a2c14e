"""Big values: cut short where they are shown, read-only previews in forms, ctrl+o opens the
whole text in $EDITOR (a fake editor script here; the terminal hand-over is replaced by a
no-op because a headless app has no terminal to hand over)."""

from __future__ import annotations

import contextlib
import stat
import tempfile
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, TextArea

from kinship.services import contacts, notes
from kinship.store.models import Contact, EmpathyNote
from kinship.tui import bigtext
from kinship.tui.dialogs.contact import ContactForm

from .conftest import make_app, press_for, screen_text, settle

BIG = ("all work and no play makes a long note\n") * 270_000  # ~10 MB


def add_with_huge_notes(name: str) -> None:
    """A contact whose notes are far over today's limit, as an older store may hold: the
    services refuse such a value now, so it is written straight into the row."""
    c = contacts.add(name)
    Contact.update(notes=BIG).where(Contact.id == c.id).execute()


def test_excerpt_cuts_by_characters_and_lines() -> None:
    assert bigtext.excerpt("short") == "short"
    assert bigtext.excerpt("") == ""
    assert bigtext.excerpt(None) == ""
    assert bigtext.excerpt("x" * 500, chars=10) == "x" * 10 + " …"
    assert bigtext.excerpt("a\nb\nc\nd", lines=2) == "a\nb …"
    assert len(bigtext.excerpt(BIG)) < 500


def test_preview_says_how_to_see_the_rest() -> None:
    text = bigtext.preview(BIG)
    assert len(text) < 3000
    assert f"{len(BIG):,} characters" in text and "ctrl+o" in text


def test_editor_command_prefers_visual_then_editor() -> None:
    assert bigtext.editor_command({"VISUAL": "code -w", "EDITOR": "nano"}) == ["code", "-w"]
    assert bigtext.editor_command({"EDITOR": "emacsclient -t"}) == ["emacsclient", "-t"]
    assert bigtext.editor_command({}) == ["vi"]


def fake_editor(tmp_path: Path, body: str) -> str:
    """An editor that records the file it got (its mode) and writes ``body`` over it."""
    script = tmp_path / "fake-editor"
    log = tmp_path / "editor.log"
    script.write_text(
        "#!/bin/sh\n"
        f'stat -c %a "$1" > "{log}"\n'
        f'wc -c < "$1" >> "{log}"\n'
        f"printf '%s' '{body}' > \"$1\"\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


@pytest.fixture
def no_terminal_handover(monkeypatch: pytest.MonkeyPatch) -> None:
    from kinship.tui.app import KinshipApp

    monkeypatch.setattr(KinshipApp, "suspend", lambda self: contextlib.nullcontext())


async def open_edit(pilot: Any, app: Any) -> ContactForm:
    await settle(pilot, app)
    return await press_for(pilot, app, "e", ContactForm)


async def test_a_huge_contact_note_is_a_read_only_preview_and_saved_untouched(
    tui_store: Any,
) -> None:
    add_with_huge_notes("Ada Lovelace")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_edit(pilot, app)
        area = form.query_one("#f-notes", TextArea)
        assert area.read_only
        assert len(area.text) < 3000 and "too long to edit here" in area.text
        assert form.value("notes") == BIG  # the whole value, not the preview
        form.query_one("#f-title", Input).value = "Analyst"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
    c = Contact.get(Contact.display_name == "Ada Lovelace")
    assert c.title == "Analyst" and c.notes == BIG


async def test_ctrl_o_edits_the_whole_text_in_the_editor(
    tui_store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_terminal_handover: None
) -> None:
    add_with_huge_notes("Ada Lovelace")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", fake_editor(tmp_path, "Short again"))
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_edit(pilot, app)
        form.query_one("#f-notes", TextArea).focus()
        await pilot.press("ctrl+o")
        await settle(pilot, app)
        area = form.query_one("#f-notes", TextArea)
        assert not area.read_only and area.text == "Short again"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
    mode, size = (tmp_path / "editor.log").read_text().split()
    assert mode == "600"  # the note went to a private file
    assert int(size) == len(BIG.encode())  # the whole text, not the preview
    assert Contact.get(Contact.display_name == "Ada Lovelace").notes == "Short again"
    assert not list(Path(tempfile.gettempdir()).glob("kinship-edit-*/note.txt"))


async def test_ctrl_o_in_the_note_form(
    tui_store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_terminal_handover: None
) -> None:
    ada = contacts.add("Ada Lovelace")
    notes.add(ada, "Likes poetry", kind="interest")
    monkeypatch.setenv("VISUAL", fake_editor(tmp_path, "Likes poetry, and engines"))
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        notes_list = app.main.query_one("#notes-list")
        notes_list.focus()
        notes_list.highlighted = 0
        await pilot.press("e")
        await settle(pilot, app)
        assert app.screen.__class__.__name__ == "NoteForm"
        await pilot.press("ctrl+o")  # focus is on the kind: the note's one text field
        await settle(pilot, app)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
    assert EmpathyNote.get().body == "Likes poetry, and engines"


async def test_an_editor_that_is_missing_is_reported(
    tui_store: Any, monkeypatch: pytest.MonkeyPatch, no_terminal_handover: None
) -> None:
    contacts.add("Ada Lovelace", notes="kept")
    monkeypatch.setenv("VISUAL", "/nonexistent/editor")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_edit(pilot, app)
        await pilot.press("ctrl+o")
        await settle(pilot, app)
        said = [n.message for n in app._notifications]
        assert any("editor '/nonexistent/editor' not found" in m for m in said)
        assert form.value("notes") == "kept"


async def test_a_huge_imported_note_is_cut_short_in_the_notes_pane(tui_store: Any) -> None:
    """Imports do not cap a note's length; the pane shows its beginning only (the whole
    10 MB took two minutes to lay out)."""
    ada = contacts.add("Ada Lovelace")
    EmpathyNote.create(contact=Contact.get_by_id(ada.id), body=BIG, kind="general")
    app = make_app(tui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        option = app.main.query_one("#notes-list").get_option_at_index(0)
        assert len(str(option.prompt)) < 600
        assert "all work and no play" in screen_text(app)
