"""ctrl+o hands the real terminal to $EDITOR and takes it back (a 10 MB note included)."""

from __future__ import annotations

import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from tests.terminal.harness import Terminal, child_env, kinship_argv, leftover

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals only")

BIG = "a very long note\n" * 640_000  # ~10 MB


def test_a_huge_note_opens_in_the_editor_and_comes_back(tmp_path: Path) -> None:
    from kinship.services import contacts
    from kinship.store import close_store, open_store
    from kinship.store.models import Contact

    db = tmp_path / "editor.db"
    open_store(db)
    try:
        # Far over today's limit, as an older store may hold: written straight into the row.
        ada = contacts.add("Ada Lovelace")
        Contact.update(notes=BIG).where(Contact.id == ada.id).execute()
    finally:
        close_store()
    editor = tmp_path / "editor"
    editor.write_text(
        "#!/bin/sh\n"
        'echo "the editor has the terminal: $(wc -c < "$1") bytes"\n'
        "printf 'Shorter now' > \"$1\"\n",
        encoding="utf-8",
    )
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    env = child_env(tmp_path, EDITOR=str(editor), VISUAL=None)
    term = Terminal(kinship_argv("--db", str(db)), env, size=(120, 50))
    try:
        term.wait_for("Ada Lovelace")
        since = term.mark()
        term.type("e")
        term.wait_for("too long to edit", since=since)  # the preview, not 10 MB
        since = term.mark()
        term.type("\x0f")  # ctrl+o
        term.wait_for(f"the editor has the terminal: {len(BIG.encode())} bytes", since=since)
        term.wait_for("Shorter now", since=since)  # back in the form, with the new text
        since = term.mark()
        term.type("\x13")  # ctrl+s
        term.wait_for("Saved Ada Lovelace", since=since)
        term.type("\x11", fault=True)  # ctrl+q
        code, _ = term.wait_exit()
    finally:
        term.close()
    assert code == 0
    assert leftover(db) == []
    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT notes FROM contact").fetchone()[0] == "Shorter now"
    finally:
        con.close()
