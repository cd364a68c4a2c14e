"""iCalendar importer/exporter: real-world files, time zones, birthdays, round trips."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kinship.builtin import ical
from kinship.records import (
    ContactRecord,
    EventRecord,
    ExportBundle,
    Exporter,
    FollowUpRecord,
    Importer,
    ImportProblem,
    PartialDate,
)
from tests.builtin.format_helpers import DATA, bare, split

ICAL = DATA / "ical"
BERLIN = ZoneInfo("Europe/Berlin")


def read(name: str) -> tuple[list[Any], list[ImportProblem]]:
    return split(ical.read(ICAL / name))


def test_registers_importer_and_exporter() -> None:
    importers: list[Importer] = []
    exporters: list[Exporter] = []
    ical.kinship_register_importers(importers.append)
    ical.kinship_register_exporters(exporters.append)
    assert [(i.name, i.suffixes) for i in importers] == [("ical", (".ics", ".ical"))]
    assert [(e.name, e.suffix) for e in exporters] == [("ical", ".ics")]


def test_vtimezone_and_iana_tzid() -> None:
    (ev,), problems = read("khal_event_dt_simple_inkl_vtimezone.ics")
    assert problems == []
    assert ev.start == datetime(2014, 4, 9, 9, 30, tzinfo=BERLIN)
    assert ev.start.utcoffset() == timedelta(hours=2)
    assert (ev.timezone, ev.all_day, ev.kind, ev.line) == ("Europe/Berlin", False, "event", 21)
    assert ev.uid == "V042MJ8B3SJNFXQOJL6P53OFMHJE8Z3VZWOU"


def test_windows_tzids_map_to_iana() -> None:
    (nz,), _ = read("khal_tz_windows_format.ics")
    assert nz.timezone == "Pacific/Auckland"
    assert nz.start.astimezone(UTC) == datetime(2019, 11, 20, 0, 0, tzinfo=UTC)
    (meeting,), problems = read("outlook_meeting.ics")
    assert problems == []
    assert meeting.timezone == "Europe/Berlin"
    assert meeting.start == datetime(2024, 7, 2, 10, 30, tzinfo=BERLIN)
    assert meeting.summary == "Compiler catch-up"
    assert meeting.location == "Room 4.12, Main Building"
    assert meeting.description == (
        "Quarterly catch-up about the compiler project.\n\nAgenda to follow."
    )
    # Organizer first, "mailto:"/"MAILTO:" stripped, as written otherwise.
    assert meeting.attendees == ["ada@example.com", "grace@example.com", "alan@example.org"]


def test_custom_vtimezone_is_honoured(tmp_path: Path) -> None:
    path = tmp_path / "c.ics"
    path.write_text(
        "BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nTZID:Kinship Test Zone\nBEGIN:STANDARD\n"
        "DTSTART:19700101T000000\nTZOFFSETFROM:+0530\nTZOFFSETTO:+0530\nEND:STANDARD\n"
        "END:VTIMEZONE\nBEGIN:VEVENT\nUID:c1\nSUMMARY:x\n"
        "DTSTART;TZID=Kinship Test Zone:20240101T100000\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    (ev,), problems = split(ical.read(path))
    assert problems == [] and ev.timezone == "Kinship Test Zone"
    assert ev.start.utcoffset() == timedelta(hours=5, minutes=30)


def test_unknown_tzid_is_read_as_utc_with_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "u.ics"
    path.write_text(
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:u\nSUMMARY:x\n"
        "DTSTART;TZID=Nowhere/Special:20240101T100000\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    (ev,), (problem,) = split(ical.read(path))
    assert ev.start == datetime(2024, 1, 1, 10, tzinfo=UTC)
    assert "Nowhere/Special" in problem.message and problem.line == 2 and not problem.fatal


def test_floating_times() -> None:
    # No calendar zone: read as UTC wall-clock, timezone "".
    (ev,), _ = read("khal_event_dt_floating.ics")
    assert ev.start == datetime(2014, 4, 9, 9, 30, tzinfo=UTC) and ev.timezone == ""
    # X-WR-TIMEZONE (Google) names the zone of floating times.
    records, _ = read("google_birthdays.ics")
    standup = next(r for r in records if r.uid == "floating-standup@google.com")
    assert standup.start == datetime(2024, 4, 5, 9, tzinfo=ZoneInfo("Europe/London"))


def test_all_day_recurrence_and_bare_vevent() -> None:
    (ev,), problems = read("khal_event_d_rr.ics")
    assert problems == []
    assert (ev.start, ev.end, ev.all_day) == (date(2014, 4, 9), date(2014, 4, 10), True)
    assert ev.rrule == "FREQ=DAILY;COUNT=10"


def test_rrule_exdate_rdate() -> None:
    (monthly,), _ = read("khal_event_rrule_exdate_timezone_datetime.ics")
    assert monthly.rrule == "FREQ=MONTHLY;UNTIL=20301231T060000Z;BYDAY=+4SA"
    assert len(monthly.exdates) == 7
    assert monthly.exdates[0] == datetime(2024, 12, 27, 7, tzinfo=BERLIN)
    (rd,), _ = read("khal_event_dt_rd.ics")
    assert rd.rdates == [datetime(2014, 4, 10, 9, 30, tzinfo=UTC)]
    records, _ = read("thunderbird.ics")
    meetup = records[0]
    assert meetup.kind == "networking"  # from CATEGORIES
    assert meetup.exdates == [datetime(2024, 3, 14, 23, tzinfo=UTC)]
    assert meetup.rdates == [datetime(2024, 3, 21, 18, tzinfo=ZoneInfo("America/New_York"))]


def test_kinds_from_categories_and_duration() -> None:
    wedding, coffee = read("apple_calendar.ics")[0]
    assert (wedding.kind, wedding.all_day, wedding.location) == ("wedding", True, "Bletchley Park")
    assert coffee.end - coffee.start == timedelta(hours=1, minutes=30)  # DURATION
    records, problems = read("rfc5545_examples.ics")
    assert [r.kind for r in records] == ["event", "anniversary"]
    assert records[0].attendees == ["jsmith@example.com"]
    assert "Atlanta, Georgia" in records[0].description
    # A VTODO that is not ours is reported, not imported.
    assert [p.line for p in problems] == [27] and "VTODO" in problems[0].message


def test_google_birthday_calendar() -> None:
    records, problems = read("google_birthdays.ics")
    assert problems == []
    ada, grace = (r for r in records if r.kind == "birthday")
    assert (ada.summary, ada.start, ada.rrule, ada.line) == (
        "Ada Lovelace",
        date(2024, 12, 10),
        "FREQ=YEARLY",
        10,
    )
    assert grace.summary == "Grace Hopper"  # the cake icon alone marks it


@pytest.mark.parametrize(
    ("summary", "name"),
    [
        ("Ada Lovelace's birthday", "Ada Lovelace"),
        ("James’ Birthday", "James"),
        ("Ada's 30th birthday", "Ada"),
        ("Birthday: Grace Hopper", "Grace Hopper"),
        ("🎂 Birthday of Alan", "Alan"),
        ("Geburtstag von Jürgen", "Jürgen"),
        ("Anniversaire de Émilie", "Émilie"),
        ("Team lunch", None),
    ],
)
def test_birthday_names(summary: str, name: str | None) -> None:
    assert ical.birthday_name(summary) == name


def test_yearly_all_day_birthday_without_markers(tmp_path: Path) -> None:
    path = tmp_path / "b.ics"
    path.write_text(
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:b\nDTSTART;VALUE=DATE:19900415\n"
        "RRULE:FREQ=YEARLY\nSUMMARY:Ada's birthday\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:c\nDTSTART:20240415T100000Z\n"
        "SUMMARY:Ada's birthday\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    (yearly, once), _ = split(ical.read(path))
    assert (yearly.kind, yearly.summary) == ("birthday", "Ada")
    assert (once.kind, once.summary) == ("event", "Ada's birthday")  # a party, not a birthday


def test_malformed_components_are_skipped() -> None:
    records, problems = read("broken_component.ics")
    assert [r.uid for r in records] == ["good-1", "good-2"]
    assert sorted((p.line, p.fatal) for p in problems) == [(9, False), (14, False)]


def test_truncated_file_is_fatal() -> None:
    records, problems = read("broken_truncated.ics")
    assert records == [] and [(p.line, p.fatal) for p in problems] == [(9, True)]


@pytest.mark.parametrize("content", [b"", b"just text\n", b"BEGIN:VCARD\nEND:VCARD\n"])
def test_not_a_calendar_is_fatal(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.ics"
    path.write_bytes(content)
    records, problems = split(ical.read(path))
    assert records == [] and [p.fatal for p in problems] == [True]


def test_vdir_of_ics_and_sniff(tmp_path: Path) -> None:
    for name in ("khal_event_d_rr.ics", "outlook_meeting.ics"):
        shutil.copy(ICAL / name, tmp_path / name)
    (tmp_path / "broken.ics").write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\n")
    records, problems = split(ical.read(tmp_path))
    assert len(records) == 2
    assert [p.fatal for p in problems] == [False]  # one bad file does not abort the folder
    assert ical.sniff(tmp_path) and ical.sniff(ICAL / "thunderbird.ics")
    assert not ical.sniff(DATA / "vcard" / "nextcloud.vcf")


# --------------------------------------------------------------------------- export


def sample_events() -> list[EventRecord]:
    return [
        EventRecord(
            summary="Compiler catch-up, part 2",
            start=datetime(2030, 7, 2, 10, 30, tzinfo=BERLIN),
            end=datetime(2030, 7, 2, 11, 30, tzinfo=BERLIN),
            uid="ev-1",
            timezone="Europe/Berlin",
            kind="meeting",
            location="Room 4; main building",
            description="Line one\nLine two",
            rrule="FREQ=WEEKLY;COUNT=4;BYDAY=TU",
            exdates=[datetime(2030, 7, 9, 10, 30, tzinfo=BERLIN)],
            rdates=[datetime(2030, 8, 1, 10, 30, tzinfo=BERLIN)],
            attendees=["grace@example.com", "alan@example.org"],
            contact_uids=["grace-uid"],
        ),
        EventRecord(
            summary="Conference",
            start=date(2030, 9, 1),
            end=date(2030, 9, 4),
            uid="ev-2",
            all_day=True,
            kind="networking",
        ),
        EventRecord(
            summary="Call", start=datetime(2030, 1, 5, 8, tzinfo=UTC), uid="ev-3", timezone="UTC"
        ),
    ]


def sample_followups() -> list[FollowUpRecord]:
    return [
        FollowUpRecord(
            "grace-uid", date(2030, 1, 10), "Check in", "check-in", "cadence", uid="fu-1"
        ),
        FollowUpRecord(
            "alan-uid",
            date(2030, 2, 1),
            "Thank Alan",
            "thank",
            "appreciation",
            status="snoozed",
            uid="fu-2",
        ),
    ]


def test_round_trip_events_and_followups(tmp_path: Path) -> None:
    path = tmp_path / "out.ics"
    done = FollowUpRecord("x", date(2030, 1, 1), "done already", status="done")
    ical.write(
        ExportBundle(events=iter(sample_events()), followups=iter([*sample_followups(), done])),
        path,
    )
    records, problems = split(ical.read(path))
    assert problems == []
    events = [bare(r) for r in records if isinstance(r, EventRecord)]
    followups = [bare(r) for r in records if isinstance(r, FollowUpRecord)]
    assert events == sample_events()
    assert events[0].start.tzinfo == BERLIN
    assert followups == sample_followups()  # only open/snoozed ones are exported


def test_contact_birthdays_and_anniversaries_as_yearly_events(tmp_path: Path) -> None:
    path = tmp_path / "b.ics"
    contacts = [
        ContactRecord(
            "Ada Lovelace",
            uid="ada",
            birthday=PartialDate(12, 10, 1815),
            anniversary=PartialDate(7, 8),
        ),
        ContactRecord("Leap Day", uid="leap", birthday=PartialDate(2, 29)),
        ContactRecord("Nobody", uid="nobody"),
    ]
    ical.write(ExportBundle(contacts=contacts), path)
    records, problems = split(ical.read(path))
    assert problems == []
    got = {(r.summary, r.kind): r for r in records}
    assert set(got) == {
        ("Ada Lovelace's birthday", "birthday"),
        ("Ada Lovelace's anniversary", "anniversary"),
        ("Leap Day's birthday", "birthday"),
    }
    bday = got["Ada Lovelace's birthday", "birthday"]
    assert (bday.start, bday.end, bday.rrule, bday.all_day, bday.contact_uids) == (
        date(1815, 12, 10),
        date(1815, 12, 11),
        "FREQ=YEARLY",
        True,
        ["ada"],
    )
    assert got["Ada Lovelace's anniversary", "anniversary"].start == date(ical.YEARLESS_YEAR, 7, 8)
    leap = got["Leap Day's birthday", "birthday"]
    assert leap.start == date(ical.YEARLESS_YEAR, 2, 29)
    assert leap.rrule == "FREQ=YEARLY;BYMONTHDAY=-1;BYMONTH=2"  # Feb 28 in common years


def test_export_is_deterministic_and_has_vtimezone(tmp_path: Path) -> None:
    a, b = tmp_path / "a.ics", tmp_path / "b.ics"
    for path in (a, b):
        ical.write(ExportBundle(events=sample_events(), followups=sample_followups()), path)
    assert a.read_bytes() == b.read_bytes()
    text = a.read_text()
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin" in text.replace("\n", "\r\n").replace(
        "\r\r\n", "\r\n"
    )
    assert "DTSTAMP:20000101T000000Z" in text
    stamp = a.stat().st_mtime_ns
    ical.write(ExportBundle(events=sample_events(), followups=sample_followups()), a)
    assert a.stat().st_mtime_ns == stamp


def test_bad_rrule_is_reported(tmp_path: Path) -> None:
    bad = EventRecord(summary="x", start=date(2030, 1, 1), rrule="FREQ=SOMETIMES;BYDAY=XX")
    with pytest.raises(ValueError, match="RRULE"):
        ical.write(ExportBundle(events=[bad]), tmp_path / "x.ics")
    assert not (tmp_path / "x.ics").exists()
