"""Two-way sync through a real CardDAV/CalDAV server: kinship ⇄ vdir ⇄ vdirsyncer ⇄ Radicale.

The recipe of docs/sync.md, run for real: export a vdir, ``vdirsyncer discover`` + ``sync``
it to a throwaway Radicale, change a contact on the server (an HTTP PUT, as a phone would),
sync back, and ``kinship import`` the folder: one update, no duplicate. Skipped when radicale
or vdirsyncer is not installed (the ``sync`` tox environment installs both).
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.sync.sync_helpers import run, tool

pytest.importorskip("radicale")
pytest.importorskip("vdirsyncer")

VDIRSYNCER_CONF = """\
[general]
status_path = "{root}/status/"

[pair contacts]
a = "local_contacts"
b = "radicale_contacts"
collections = ["from a", "from b"]
conflict_resolution = "a wins"
implicit = "create"
metadata = ["displayname"]

[storage local_contacts]
type = "filesystem"
path = "{root}/contacts/"
fileext = ".vcf"

[storage radicale_contacts]
type = "carddav"
url = "{url}"
username = "kinship"
password = "x"

[pair calendars]
a = "local_calendars"
b = "radicale_calendars"
collections = ["from a", "from b"]
conflict_resolution = "a wins"
implicit = "create"

[storage local_calendars]
type = "filesystem"
path = "{root}/calendars/"
fileext = ".ics"

[storage radicale_calendars]
type = "caldav"
url = "{url}"
username = "kinship"
password = "x"
"""

NEW_CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:from-the-phone-1\r\nFN:Katherine Johnson\r\n"
    "N:Johnson;Katherine;;;\r\nEMAIL;TYPE=work:katherine@nasa.example\r\nEND:VCARD\r\n"
)


def http(method: str, url: str, body: str | None = None) -> str:
    kind = "text/calendar" if url.endswith(".ics") else "text/vcard"
    req = urllib.request.Request(
        url,
        data=body.encode("utf-8") if body is not None else None,
        method=method,
        headers={"Content-Type": f"{kind}; charset=utf-8"} if body else {},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return str(resp.read().decode("utf-8"))


def test_two_way_sync_updates_not_duplicates(
    tmp_path: Path, kinship: Callable[..., Any], radicale: str
) -> None:
    vdirsyncer = tool("vdirsyncer")
    book = tmp_path / "contacts" / "friends"
    (tmp_path / "calendars" / "home").mkdir(parents=True)
    ada = kinship(
        "add",
        "Ada Lovelace",
        "--email",
        "ada@example.org",
        "--birthday",
        "1815-12-10",
        "--tag",
        "mentors",
        "--json",
    )["uid"]
    kinship("add", "Grace Hopper", "--email", "grace@example.net", "--json")
    kinship("event", "Salon", "--date", "2030-03-01T19:00", "--with", "Ada")
    kinship("export", "--format", "vdir", "-o", str(book))
    kinship("export", "--format", "ical", "-o", str(tmp_path / "kinship.ics"))
    conf = tmp_path / "vdirsyncer.conf"
    conf.write_text(VDIRSYNCER_CONF.format(root=tmp_path, url=radicale))
    sync = [vdirsyncer, "-c", str(conf)]

    # First sync: the collection is created on the server and every card uploaded.
    run(*sync, "discover", "contacts", root=tmp_path)
    out = run(*sync, "sync", "contacts", root=tmp_path)
    assert out.count("Copying (uploading)") == 2, out
    card_url = f"{radicale}kinship/friends/{ada}.vcf"
    assert "FN:Ada Lovelace" in http("GET", card_url)

    # A phone edits Ada on the server and adds someone new.
    card = http("GET", card_url)
    edited = card.replace("FN:Ada Lovelace", "FN:Ada King\r\nNICKNAME:Countess").replace(
        "END:VCARD", "TEL;TYPE=cell:+44 20 7946 0001\r\nEND:VCARD"
    )
    http("PUT", card_url, edited)
    http("PUT", f"{radicale}kinship/friends/from-the-phone-1.vcf", NEW_CARD)

    out = run(*sync, "sync", "contacts", root=tmp_path)
    assert "Copying (updating)" in out and "Copying (uploading)" in out, out
    assert "NICKNAME:Countess" in (book / f"{ada}.vcf").read_text()

    # Importing the synced folder updates Ada and adds the new person: no duplicates.
    report = kinship("import", str(book), "--json")
    assert (report["created"], report["updated"], report["unchanged"]) == (1, 1, 1), report
    listed = {c["uid"]: c for c in kinship("contacts", "--json")}
    assert len(listed) == 3
    assert listed[ada]["display_name"] == "Ada King"
    assert listed[ada]["nickname"] == "Countess"
    assert listed[ada]["phones"] == ["+44 20 7946 0001"]
    assert listed[ada]["birthday"] == "1815-12-10"
    assert listed[ada]["tags"] == ["mentors"]
    assert listed["from-the-phone-1"]["emails"] == ["katherine@nasa.example"]
    assert kinship("import", str(book), "--json")["unchanged"] == 3  # idempotent

    # Exporting again rewrites only what kinship writes differently; the next sync is quiet
    # after that single upload, and a second export + sync changes nothing at all.
    before = {p.name: p.stat().st_mtime_ns for p in book.iterdir()}
    kinship("export", "--format", "vdir", "-o", str(book))
    after = {p.name: p.stat().st_mtime_ns for p in book.iterdir()}
    rewritten = sorted(n for n in after if before.get(n) != after[n])
    assert len(rewritten) <= 2, rewritten  # the two cards the server wrote in its own form
    run(*sync, "sync", "contacts", root=tmp_path)
    kinship("export", "--format", "vdir", "-o", str(book))
    out = run(*sync, "sync", "contacts", root=tmp_path)
    assert "Copying" not in out, out

    # Calendars the same way: one event per file (what khal writes), synced to CalDAV,
    # moved on the server, synced back, imported as one update.
    import icalendar

    events = tmp_path / "calendars" / "home"
    exported = icalendar.Calendar.from_ical((tmp_path / "kinship.ics").read_bytes())
    for ev in exported.walk("VEVENT"):
        cal = icalendar.Calendar()
        cal.add("PRODID", "-//test//EN")
        cal.add("VERSION", "2.0")
        cal.add_component(ev)
        (events / f"{ev['UID']}.ics").write_bytes(cal.to_ical())
    assert kinship("import", str(events), "--json")["unchanged"] == 2  # Salon + a birthday
    run(*sync, "discover", "calendars", root=tmp_path)
    out = run(*sync, "sync", "calendars", root=tmp_path)
    assert out.count("Copying (uploading)") == 2, out
    salon = next(ev for ev in exported.walk("VEVENT") if ev["SUMMARY"] == "Salon")
    event_url = f"{radicale}kinship/home/{salon['UID']}.ics"
    body = http("GET", event_url).replace("SUMMARY:Salon", "SUMMARY:Salon\r\nLOCATION:Paris")
    http("PUT", event_url, body)
    out = run(*sync, "sync", "calendars", root=tmp_path)
    assert "Copying (updating)" in out, out
    report = kinship("import", str(events), "--json")
    assert (report["updated"], report["unchanged"], report["created"]) == (1, 1, 0), report
    shown = kinship("show", ada, "--json")
    assert [(e["summary"], e["location"]) for e in shown["events"]] == [("Salon", "Paris")]
