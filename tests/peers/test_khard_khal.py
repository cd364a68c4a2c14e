"""khard and khal read what kinship writes (skipped when they are not installed)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kinship.builtin import ical, vcard
from kinship.records import (
    ContactRecord,
    EventRecord,
    ExportBundle,
    FieldRecord,
    FollowUpRecord,
    PartialDate,
)

SEARCH_PATH = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])

#: Shared with the other peer tests and the CLI benchmark.
PEER_CONFIGS = Path(__file__).resolve().parents[1] / "data" / "peers"
KHARD_CONF = (PEER_CONFIGS / "khard.conf").read_text(encoding="utf-8")

KHAL_CONF = (PEER_CONFIGS / "khal.conf").read_text(encoding="utf-8")

CONTACTS = [
    ContactRecord(
        "Ada Lovelace",
        uid="ada-1815",
        given_name="Ada",
        family_name="Lovelace",
        birthday=PartialDate(12, 10, 1815),
        organization="Engines, Ltd.",
        tags=["mentors"],
        notes="Poetical science; numbers, too",
        fields=[
            FieldRecord("email", "ada@example.com", "work", True),
            FieldRecord("phone", "+44 20 7946 0000", "cell"),
            FieldRecord("email", "ada@home.example", "Old school"),
        ],
    ),
    ContactRecord(
        "Grace Hopper",
        uid="grace",
        given_name="Grace",
        family_name="Hopper",
        birthday=PartialDate(12, 9),
        fields=[FieldRecord("email", "grace@example.net", "home")],
    ),
    ContactRecord(
        "Jürgen Müller",
        uid="urn:uuid:0000-1",
        given_name="Jürgen",
        family_name="Müller",
        anniversary=PartialDate(12, 11, 2001),
    ),
]


def tool(name: str) -> str:
    found = shutil.which(name, path=SEARCH_PATH)
    if not found:
        pytest.skip(f"{name} is not installed")
    return found


def run(*args: str, root: Path) -> str:
    env = {
        **os.environ,
        "HOME": str(root),
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_DATA_HOME": str(root / "share"),
        "TZ": "UTC",
        "LC_ALL": "C.UTF-8",
    }
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "calendars" / "home").mkdir(parents=True)
    (tmp_path / "data").mkdir()
    vcard.write_vdir(ExportBundle(contacts=CONTACTS), tmp_path / "contacts" / "friends")
    (tmp_path / "khard.conf").write_text(KHARD_CONF.format(root=tmp_path))
    (tmp_path / "khal.conf").write_text(KHAL_CONF.format(root=tmp_path))
    return tmp_path


def test_khard_reads_our_vdir(root: Path) -> None:
    khard = tool("khard")
    conf = str(root / "khard.conf")
    listed = run(khard, "-c", conf, "list", "--parsable", root=root)
    rows = {line.split("\t")[0]: line.split("\t")[1] for line in listed.splitlines()}
    assert rows == {
        "ada-1815": "Ada Lovelace",
        "grace": "Grace Hopper",
        "urn:uuid:0000-1": "Jürgen Müller",
    }
    emails = run(khard, "-c", conf, "email", "--parsable", root=root)
    assert "ada@example.com\tAda Lovelace\twork" in emails
    assert "ada@home.example\tAda Lovelace\tOld school" in emails
    assert "grace@example.net\tGrace Hopper" in emails
    birthdays = run(khard, "-c", conf, "birthdays", "--parsable", root=root)
    assert "1815.12.10\tAda Lovelace" in birthdays
    assert "12.09\tGrace Hopper" in birthdays  # year-less (khard shows a 1900 placeholder)
    shown = run(khard, "-c", conf, "show", "--format", "yaml", "uid:ada-1815", root=root)
    assert "Poetical science; numbers, too" in shown and "mentors" in shown


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_khal_birthday_calendar_reads_our_cards(root: Path, version: str) -> None:
    khal = tool("khal")
    vcard.write_vdir(
        ExportBundle(contacts=CONTACTS, options={"vcard_version": version}),
        root / "contacts" / "friends",
    )
    out = run(
        khal, "-c", str(root / "khal.conf"), "list", "-a", "bdays", "2030-12-08", "5d", root=root
    )
    assert "Ada Lovelace's 215th birthday" in out
    assert "Grace Hopper's birthday" in out
    assert "Jürgen Müller's 29th anniversary" in out


def test_khal_reads_our_ics(root: Path) -> None:
    khal = tool("khal")
    berlin = ZoneInfo("Europe/Berlin")
    events = [
        EventRecord(
            "Compiler catch-up",
            datetime(2030, 7, 2, 10, 30, tzinfo=berlin),
            end=datetime(2030, 7, 2, 11, 30, tzinfo=berlin),
            uid="ev-1",
            timezone="Europe/Berlin",
            rrule="FREQ=WEEKLY;COUNT=3",
            exdates=[datetime(2030, 7, 9, 10, 30, tzinfo=berlin)],
            attendees=["grace@example.net"],
        ),
        EventRecord(
            "Conference",
            date(2030, 7, 4),
            end=date(2030, 7, 6),
            uid="ev-2",
            all_day=True,
            kind="networking",
        ),
        EventRecord("Call Ada", datetime(2030, 7, 3, 8, tzinfo=UTC), uid="ev-3", timezone="UTC"),
    ]
    followups = [FollowUpRecord("ada-1815", date(2030, 7, 5), "Check in with Ada", "check-in")]
    path = root / "kinship.ics"
    ical.write(ExportBundle(contacts=CONTACTS, events=events, followups=followups), path)
    conf = str(root / "khal.conf")
    assert "6 events found" in run(khal, "-c", conf, "printics", str(path), root=root)
    # A khal calendar folder holds one item per file; `import` splits ours (to-dos are skipped).
    run(khal, "-c", conf, "import", "--batch", "-a", "home", str(path), root=root)
    out = run(khal, "-c", conf, "list", "-a", "home", "2030-07-01", "20d", root=root)
    assert "08:30-09:30 Compiler catch-up" in out  # 10:30 Berlin shown in UTC
    assert out.count("Compiler catch-up") == 2  # the 9th is excluded
    assert "Conference" in out and "08:00" in out and "Call Ada" in out
    bdays = run(khal, "-c", conf, "list", "-a", "home", "2030-12-08", "5d", root=root)
    assert "Ada Lovelace's birthday" in bdays and "Grace Hopper's birthday" in bdays
    assert "Jürgen Müller's anniversary" in bdays
