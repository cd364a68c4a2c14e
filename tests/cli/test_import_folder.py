"""Importing what a person has: a folder of several formats, and birthday calendars."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from tests.conftest import CLI

YEAR = date.today().year
CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:ada\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\nEND:VCARD\r\n"
)


def birthday(uid: str, title: str, day: str, description: str = "") -> str:
    extra = f"DESCRIPTION:{description}\r\n" if description else ""
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20250101T000000Z\r\nSUMMARY:{title}\r\n"
        f"DTSTART;VALUE=DATE:{day}\r\nRRULE:FREQ=YEARLY\r\n{extra}END:VEVENT\r\n"
    )


def calendar(*events: str) -> str:
    body = "".join(events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{body}END:VCALENDAR\r\n"


def folder(tmp_path: Path) -> Path:
    d = tmp_path / "export"
    d.mkdir()
    (d / "contacts.vcf").write_bytes(CARD.encode())
    (d / "birthdays.ics").write_bytes(
        calendar(
            birthday("b1", "Ada Lovelace's birthday", f"{YEAR}1210"),
            birthday("b2", "Rosalind Franklin's birthday", f"{YEAR}0725"),
            birthday("b3", "Mary Somerville's birthday", "17801226", "born 1780"),
        ).encode()
    )
    (d / "notes.txt").write_text("not a contact\n")
    (d / "color").write_text("#ff0000\n")  # vdirsyncer's metadata: not worth a mention
    return d


def test_a_folder_of_vcards_and_calendars_imports_both_and_says_what_it_skipped(
    cli: CLI, tmp_path: Path
) -> None:
    d = folder(tmp_path)
    r = cli("import", str(d))
    assert r.code == 0, r.err
    assert "export (vcard): 1 created" in r.out
    assert "export (ical):" in r.out
    assert "export: 1 file(s) skipped" in r.out
    # What went wrong is on stderr, as `file:line: message`.
    assert "notes.txt: skipped: no importer reads .txt files" in r.err
    assert "color" not in r.err
    assert "Rosalind Franklin" in r.err and "creating people adds them" in r.err
    (ada,) = cli("contacts", "Ada", "--json").json()
    # A yearly event dated this year says nothing of the year Ada was born.
    assert ada["birthday"] == "--12-10"


def test_create_people_and_a_year_only_when_the_event_says_it(cli: CLI, tmp_path: Path) -> None:
    d = folder(tmp_path)
    report = cli("import", str(d), "--create-people", "--json").json()
    assert report["created"] == 3  # Ada from the card, Rosalind and Mary from the calendar
    assert report["skipped"] == 1  # notes.txt
    assert {p["message"] for p in report["problems"]} == {"skipped: no importer reads .txt files"}
    people = {c["display_name"]: c["birthday"] for c in cli("contacts", "--json").json()}
    assert people == {
        "Ada Lovelace": "--12-10",
        "Rosalind Franklin": "--07-25",
        "Mary Somerville": "1780-12-26",  # the event says "born 1780"
    }
    again = cli("import", str(d), "--create-people", "--json").json()
    assert again["created"] == 0  # nobody twice


def test_our_own_calendar_export_keeps_the_years(cli: CLI, tmp_path: Path) -> None:
    cli("add", "Ada Lovelace", "--birthday", "1815-12-10")
    cli("add", "Grace Hopper", "--birthday", "--12-09")
    out = tmp_path / "k.ics"
    assert cli("export", "--format", "ical", "-o", str(out)).code == 0
    other = tmp_path / "other.db"
    r = cli("import", str(out), "--create-people", "--json", "--db", str(other), db=False)
    assert r.code == 0, r.err
    listed = json.loads(cli("contacts", "--json", "--db", str(other), db=False).out)
    assert {c["display_name"]: c["birthday"] for c in listed} == {
        "Ada Lovelace": "1815-12-10",
        "Grace Hopper": "--12-09",
    }
