"""JSON backup: lossless, deterministic, versioned, with line numbers."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kinship.builtin import json_backup
from kinship.records import (
    ContactRecord,
    EventRecord,
    ExportBundle,
    FieldRecord,
    FollowUpRecord,
    InteractionRecord,
    NoteRecord,
    PartialDate,
    RelationshipRecord,
)
from tests.builtin.format_helpers import bare, split


def bundle() -> ExportBundle:
    return ExportBundle(
        contacts=[
            ContactRecord(
                "Ada Lovelace",
                uid="ada",
                given_name="Ada",
                family_name="Lovelace",
                nickname="Ada",
                organization="Engines",
                title="Countess",
                birthday=PartialDate(12, 10, 1815),
                anniversary=PartialDate(7, 8),
                met_how="Soirée",
                met_on=date(1833, 6, 5),
                cadence_days=30,
                strategy="cadence",
                notes="Notes\n✓",
                archived=True,
                tags=["mentors"],
                fields=[FieldRecord("email", "ada@example.com", "work", True)],
                extra={"photo": "data:…", "nested": {"a": [1, 2]}},
                source="x.vcf",
            ),
            ContactRecord("Grace", uid="grace"),
        ],
        events=[
            EventRecord(
                "Meetup",
                datetime(2030, 1, 2, 18, tzinfo=ZoneInfo("Europe/Berlin")),
                uid="e1",
                end=datetime(2030, 1, 2, 20, tzinfo=timezone(timedelta(hours=1))),
                timezone="Europe/Berlin",
                kind="networking",
                rrule="FREQ=MONTHLY",
                exdates=[datetime(2030, 2, 2, 17, tzinfo=UTC)],
                rdates=[date(2030, 3, 3)],
                attendees=["g@example.com"],
                contact_uids=["grace"],
            ),
            EventRecord("Birthday", date(1815, 12, 10), uid="e2", all_day=True, kind="birthday"),
        ],
        interactions=[
            InteractionRecord(
                datetime(2030, 1, 2, 19, tzinfo=UTC),
                "help-received",
                "Intro",
                participants=["ada", "grace"],
                notes="n",
                uid="i1",
                event_uid="e1",
            ),
        ],
        notes=[
            NoteRecord(
                "ada",
                "Wants to learn Rust",
                "goal",
                True,
                datetime(2030, 1, 1, tzinfo=UTC),
                datetime(2030, 1, 2, tzinfo=UTC),
            )
        ],
        relationships=[RelationshipRecord("ada", "grace", "mentor")],
        followups=[
            FollowUpRecord(
                "ada", date(2030, 2, 1), "Check in", "check-in", "cadence", "snoozed", "f1"
            )
        ],
    )


def all_records(b: ExportBundle) -> list[object]:
    return [*b.contacts, *b.events, *b.interactions, *b.notes, *b.relationships, *b.followups]


def test_round_trip_is_lossless(tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    json_backup.write(bundle(), path)
    records, problems = split(json_backup.read(path))
    assert problems == []
    assert [bare(r) for r in records] == [bare(r) for r in all_records(bundle())]
    assert records[0].source == "x.vcf"  # original provenance kept
    assert records[1].source == ""  # none stays none: a restore keeps it so
    # Each record is on its own line, and reports point at it.
    lines = path.read_text().splitlines()
    assert all(lines[r.line - 1].lstrip().startswith('{"') for r in records)
    assert '"uid": "ada"' in lines[records[0].line - 1]


def test_document_shape_and_determinism(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    json_backup.write(bundle(), a)
    json_backup.write(bundle(), b)
    assert a.read_bytes() == b.read_bytes()
    doc = json.loads(a.read_text())
    assert list(doc) == [
        "format",
        "version",
        "tags",
        "contacts",
        "events",
        "interactions",
        "notes",
        "relationships",
        "introductions",
        "captures",
        "followups",
    ]
    assert (doc["format"], doc["version"]) == ("kinship-backup", 1)
    ada = doc["contacts"][0]
    assert list(ada) == sorted(ada)
    assert (ada["birthday"], ada["anniversary"], ada["met_on"]) == (
        "1815-12-10",
        "--07-08",
        "1833-06-05",
    )
    assert doc["events"][0]["start"] == "2030-01-02T18:00:00+01:00"


def test_empty_bundle(tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    json_backup.write(ExportBundle(), path)
    assert split(json_backup.read(path)) == ([], [])


def test_sniff(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    json_backup.write(bundle(), path)
    assert json_backup.sniff(path)
    (tmp_path / "other.json").write_text('{"format": "something-else"}')
    assert not json_backup.sniff(tmp_path / "other.json")
    assert not json_backup.sniff(tmp_path)


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ('{"format": "kinship-backup",\n "version": 1,\n "contacts": [}', 3, "not valid JSON"),
        ('{"format": "other", "version": 1}', 1, "not a kinship backup"),
        ('{"format": "kinship-backup", "version": 99}', 1, "version 99"),
        ("[1, 2]", 1, "not a kinship backup"),
    ],
)
def test_fatal_problems(tmp_path: Path, content: str, line: int, message: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(content)
    records, (problem,) = split(json_backup.read(path))
    assert records == [] and problem.fatal and problem.line == line and message in problem.message


def test_bad_record_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    json_backup.write(bundle(), path)
    doc = json.loads(path.read_text())
    doc["contacts"][1]["birthday"] = "not a date"
    doc["events"][1] = {"summary": "no start"}
    path.write_text(json.dumps(doc))
    records, problems = split(json_backup.read(path))
    assert len(records) == len(all_records(bundle())) - 2
    assert [p.message.split(" ")[0] for p in problems] == ["contacts[1]", "events[1]"]
    assert not any(p.fatal for p in problems)
