"""Values kinship cannot read in an older database never crash a command.

Before the plugin border, a plugin could store a birthday of ``"June 5th"``; a hand edit or
another tool can leave text in a date column. Such a value reads as empty, each command says
so once on stderr (naming ``kinship db check``), and everything else works.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ON_POSTGRES

# PostgreSQL types its date and JSON columns: text like "June 5th" cannot be stored there, so
# the damage these tests read back exists only in SQLite files.
pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="SQLite only: untyped columns")


@pytest.fixture
def damaged(cli: Any, db_path: Path) -> Path:
    from kinship.services import events
    from kinship.store import close_store, open_store
    from kinship.store.models import Contact, Event, FollowUp, Interaction

    assert cli("add", "Ada Lovelace", "--every", "30", "--email", "ada@example.org").code == 0
    assert cli("add", "Bob Babbage").code == 0
    assert cli("log", "Coffee", "--with", "Ada", "--with", "Bob", "--kind", "meeting").code == 0
    assert cli("log", "Call", "--with", "Bob", "--kind", "call").code == 0
    assert cli("note", "Ada", "Likes engines").code == 0
    open_store(db_path)
    try:
        ada = Contact.get(Contact.display_name == "Ada Lovelace")
        events.add("Launch", date(2024, 5, 1), people=[ada], rrule="FREQ=YEARLY")
        FollowUp.create(contact=ada, due=date(2030, 1, 1), reason="ask", kind="manual")
        # What an older version, another tool or a hand edit may have left behind.
        Contact.update(
            birthday="June 5th",
            anniversary="xx",
            met_on="garbage",
            extra="{not json",
            edited="nope",
        ).where(Contact.id == ada.id).execute()
        Interaction.update(occurred_at="never").where(Interaction.summary == "Call").execute()
        Event.update(rdates="[bad", start="whenever").execute()
        FollowUp.update(due="soon").where(FollowUp.reason == "ask").execute()
    finally:
        close_store()
    return db_path


def test_show_edit_and_every_export_work_and_say_what_was_left_out(
    cli: Any, damaged: Path, tmp_path: Path
) -> None:
    show = cli("show", "Ada")
    assert show.code == 0, show.err
    assert "Ada Lovelace" in show.out
    data = cli("show", "Ada", "--json")
    assert data.code == 0, data.err
    assert data.json()["birthday"] in (None, "")
    assert "kinship db check" in data.err

    edit = cli("edit", "Ada", "--title", "Countess")
    assert edit.code == 0, edit.err
    assert cli("show", "Ada", "--json").json()["title"] == "Countess"

    for fmt, target in (
        ("vcard", "out.vcf"),
        ("vdir", "out-vdir"),
        ("ical", "out.ics"),
        ("json", "out.json"),
    ):
        result = cli("export", "--format", fmt, "-o", str(tmp_path / target))
        assert result.code == 0, (fmt, result.err)
        lines = result.err.splitlines()
        # One line per value, each naming the way to find them all; never a traceback.
        assert lines and all(ln.startswith("kinship: stored ") for ln in lines), lines
        assert all("kinship db check" in ln for ln in lines)
        assert len(lines) == len(set(lines))
    backup = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    # The interaction whose time cannot be read is left out; the other one is there.
    assert [i["summary"] for i in backup["interactions"]] == ["Coffee"]
    assert {c["display_name"] for c in backup["contacts"]} == {"Ada Lovelace", "Bob Babbage"}

    for args in (("contacts", "--json"), ("due",), ("today",), ("log", "Hi", "--with", "Ada")):
        result = cli(*args)
        assert result.code == 0, (args, result.err)
        assert "Traceback" not in result.err
