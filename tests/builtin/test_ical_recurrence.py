"""Recurring events with edited occurrences (RECURRENCE-ID) and EXDATEs, on real calendars.

A series and each of its edited occurrences share a UID; each is kept as an event of its
own, keyed by (UID, recurrence id), exported back as it came, and importing the same
calendar again changes nothing. The calendars are from the icalendar test suite plus one
written for kinship after the cases of recurring-ical-events' suite (tests/data/SOURCES.md).
Set ``KINSHIP_ICAL_CORPUS`` to a folder holding those suites (e.g. their unpacked sdists)
to run the same checks on every calendar in them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from kinship.builtin import ical
from kinship.records import Importer, InteractionRecord
from kinship.services.exporting import export
from kinship.services.importing import import_path
from kinship.store import close_store, open_store
from kinship.store.models import Event, Interaction
from tests.builtin.format_helpers import DATA, split

RECURRENCE = DATA / "ical" / "recurrence"
CALENDARS = sorted(RECURRENCE.glob("*.ics"))


def _plugin(kind: str, name: str) -> Any:
    got: list[Any] = []
    getattr(ical if name == "ical" else _json(), f"kinship_register_{kind}")(got.append)
    return got[0]


def _json() -> Any:
    from kinship.builtin import json_backup

    return json_backup


IMPORTER: Importer = _plugin("importers", "ical")


def events() -> list[tuple[Any, ...]]:
    """The events as comparable rows (EXDATEs/RDATEs as instants, whatever their text)."""
    return sorted(
        (
            e.uid,
            e.recurrence_id,
            e.summary,
            str(e.start),
            str(e.end),
            bool(e.all_day),
            e.rrule,
            _instants(e.exdates),
            _instants(e.rdates),
            e.location,
        )
        for e in Event.select()
    )


def _instants(text: str) -> tuple[Any, ...]:
    out: list[date | datetime] = []
    for item in json.loads(text) if text else []:
        if "T" in item:
            dt = datetime.fromisoformat(item)
            out.append(dt.astimezone(UTC) if dt.tzinfo else dt.replace(tzinfo=UTC))
        else:
            out.append(date.fromisoformat(item))
    return tuple(sorted(out, key=repr))


@pytest.fixture
def stores(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """Open a fresh store by name (closing the last one), on the backend under test."""
    made: list[str] = []

    def open_(name: str) -> Any:
        close_store()
        if backend == "postgresql":
            pg = request.getfixturevalue("pg_server")
            made.append(pg.create())
            return open_store(pg.url(made[-1]))
        return open_store(tmp_path / f"{name}.db")

    yield open_
    close_store()
    for name in made:
        request.getfixturevalue("pg_server").drop(name)


# --- the committed calendars ----------------------------------------------------------------


@pytest.mark.parametrize("path", CALENDARS, ids=[p.name for p in CALENDARS])
def test_importing_again_changes_nothing(path: Path, stores: Any) -> None:
    stores("a")
    first = import_path(path, importer=IMPORTER)
    assert not first.failed and first.created >= 1, first.problems
    kept = events()
    for _ in range(2):  # the old flip-flop showed on every second import
        again = import_path(path, importer=IMPORTER)
        assert (again.created, again.updated, again.failed) == (0, 0, False), again.problems
        assert events() == kept


@pytest.mark.parametrize("path", CALENDARS, ids=[p.name for p in CALENDARS])
def test_export_then_import_into_an_empty_store_keeps_overrides_and_exdates(
    path: Path, stores: Any, tmp_path: Path
) -> None:
    stores("a")
    import_path(path, importer=IMPORTER)
    want = events()
    out = tmp_path / "export.ics"
    export(_plugin("exporters", "ical"), out)
    stores("b")
    report = import_path(out, importer=IMPORTER)
    assert (report.created, report.failed) == (len(want), False), report.problems
    assert events() == want


def test_series_edited_occurrences_and_exdates_are_kept_as_they_are(stores: Any) -> None:
    stores("a")
    report = import_path(RECURRENCE / "edited_occurrences.ics", importer=IMPORTER)
    # 2 series + 4 edited occurrences; the occurrence listed twice (the same) counts once.
    assert (report.created, report.unchanged, report.problems) == (6, 1, [])
    rows = {(e.uid, e.recurrence_id): e for e in Event.select().order_by(Event.uid, Event.start)}
    assert sorted(rows) == [
        ("team-day@example.org", ""),
        ("team-day@example.org", "2026-03-03"),
        ("weekly-sync@example.org", ""),
        ("weekly-sync@example.org", "2026-01-12T09:00:00"),
        ("weekly-sync@example.org", "2026-01-26T09:00:00"),
        ("weekly-sync@example.org", "2026-02-23T09:00:00;THISANDFUTURE"),
    ]
    series = rows[("weekly-sync@example.org", "")]
    assert series.rrule == "FREQ=WEEKLY;COUNT=10;BYDAY=MO"
    assert json.loads(series.exdates) == ["2026-01-19T09:00:00", "2026-02-02T09:00:00"]
    moved = rows[("weekly-sync@example.org", "2026-01-12T09:00:00")]
    assert (moved.summary, str(moved.start), moved.location, moved.rrule) == (
        "Weekly sync (moved to Tuesday)",
        "2026-01-13 13:00:00",
        "Room 2",
        "",
    )
    assert json.loads(rows[("team-day@example.org", "")].exdates) == ["2026-05-03"]


def test_the_exporter_writes_recurrence_ids_back(stores: Any, tmp_path: Path) -> None:
    stores("a")
    import_path(RECURRENCE / "edited_occurrences.ics", importer=IMPORTER)
    out = tmp_path / "export.ics"
    export(_plugin("exporters", "ical"), out)
    text = out.read_text().replace("\r\n ", "")
    assert "RECURRENCE-ID;TZID=Europe/Berlin:20260112T100000" in text
    assert "RECURRENCE-ID;TZID=Europe/Berlin:20260126T100000" in text
    assert "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20260223T100000" in text
    assert "RECURRENCE-ID;VALUE=DATE:20260303" in text
    assert "EXDATE;TZID=Europe/Berlin:20260119T100000,20260202T100000" in text
    records, problems = split(ical.read(out))
    assert problems == []
    assert sum(1 for r in records if r.recurrence_id is not None) == 4


def test_the_reader_gives_edited_occurrences_their_recurrence_id() -> None:
    records, _ = split(ical.read(RECURRENCE / "icalendar_rfc_7265_appendix_example_2.ics"))
    series, edited = records
    assert (series.recurrence_id, series.rrule) == (None, "FREQ=DAILY;COUNT=5")
    assert edited.uid == series.uid
    assert edited.recurrence_id == datetime(2006, 1, 4, 17, tzinfo=UTC)
    assert edited.recurrence_range == ""


def test_two_different_events_with_one_uid_keep_the_first_and_say_so(stores: Any) -> None:
    """Not valid iCalendar (icalendar's own docs example): two events, one UID, no
    RECURRENCE-ID. The first is kept, the second reported; importing again changes nothing."""
    stores("a")
    path = RECURRENCE / "icalendar_docs_same_uid_twice.ics"
    report = import_path(path, importer=IMPORTER)
    assert (report.created, report.unchanged) == (1, 1)
    assert [p.message for p in report.problems] == [
        "event 'Morning ride with the team.' is listed again with the same UID (first at "
        "line 5); the first one is kept"
    ]
    assert [e.summary for e in Event.select()] == ["Pick up bicycle from the workshop."]


def test_json_backup_keeps_edited_occurrences(stores: Any, tmp_path: Path) -> None:
    stores("a")
    import_path(RECURRENCE / "edited_occurrences.ics", importer=IMPORTER)
    want = events()
    backup = tmp_path / "backup.json"
    export(_plugin("exporters", "json"), backup)
    stores("b")
    report = import_path(backup, importer=_plugin("importers", "json"))
    assert (report.created, report.failed) == (len(want), False), report.problems
    assert events() == want


def test_an_interaction_links_to_the_series_not_an_edited_occurrence(stores: Any) -> None:
    from kinship.services import contacts

    stores("a")
    import_path(RECURRENCE / "edited_occurrences.ics", importer=IMPORTER)
    contacts.add("Ada", uid="ada")
    log = InteractionRecord(
        datetime(2026, 1, 13, 13, tzinfo=UTC),
        "meeting",
        "Sync",
        ["ada"],
        uid="i1",
        event_uid="weekly-sync@example.org",
    )
    items = [log]
    fake = Importer("fake", "", (".x",), lambda p: iter(items))
    assert import_path(Path("x"), importer=fake).created == 1
    event = Interaction.get(Interaction.uid == "i1").event
    assert (event.uid, event.recurrence_id) == ("weekly-sync@example.org", "")


# --- the whole suites, when they are at hand --------------------------------------------------

_CORPUS = os.environ.get("KINSHIP_ICAL_CORPUS", "")


@pytest.mark.slow
@pytest.mark.skipif(not _CORPUS, reason="set KINSHIP_ICAL_CORPUS to the unpacked test suites")
def test_every_calendar_of_the_suites(stores: Any, tmp_path: Path) -> None:
    """Each importable calendar re-imports with nothing updated and survives export →
    import into an empty store (events, overrides, EXDATEs)."""
    exporter = _plugin("exporters", "ical")
    changed, differ, importable = [], [], 0
    for i, path in enumerate(sorted(Path(_CORPUS).rglob("*.ics"))):
        stores(f"a{i}")
        if import_path(path, importer=IMPORTER).failed:
            continue
        importable += 1
        again = import_path(path, importer=IMPORTER)
        if again.updated or again.created:
            changed.append((path.name, again.summary()))
        want = events()
        out = tmp_path / f"{i}.ics"
        export(exporter, out)
        stores(f"b{i}")
        import_path(out, importer=IMPORTER)
        if events() != want:
            differ.append(path.name)
    assert importable > 200
    assert changed == []
    assert differ == []


def test_a_broken_rrule_is_reported_and_not_kept(tmp_path: Path) -> None:
    f = tmp_path / "x.ics"
    f.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\n"
        "DTSTART:20260101T100000Z\r\nRRULE:FREQ=SOMETIMES\r\nSUMMARY:x\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (event,), problems = split(ical.read(f))
    assert event.rrule == ""  # it would stop every later iCal export
    assert [p.message for p in problems] == ["RRULE ignored: Expected frequency, got: SOMETIMES"]
