"""End to end: the store → ``kinship export`` → khard / khal (and khal's files back in).

tests/peers/ proves the format writers against khard and khal record by record; these prove
the whole path a user takes: data entered with the CLI, exported with the CLI, read by the
peers, and what khal writes imported back without duplicates. Skipped without khard/khal.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.sync.sync_helpers import run, tool

#: Shared with the other peer tests and the CLI benchmark.
PEER_CONFIGS = Path(__file__).resolve().parents[1] / "data" / "peers"
KHARD_CONF = (PEER_CONFIGS / "khard.conf").read_text(encoding="utf-8")

KHAL_CONF = (PEER_CONFIGS / "khal.conf").read_text(encoding="utf-8")


@pytest.fixture
def khard() -> str:
    return tool("khard")


@pytest.fixture
def khal() -> str:
    return tool("khal")


@pytest.fixture
def people(kinship: Callable[..., Any]) -> dict[str, str]:
    """A small store made with the CLI; returns name → UID."""
    uids = {}
    for args in (
        [
            "Ada Lovelace",
            "--email",
            "ada@example.org",
            "--birthday",
            "1815-12-10",
            "--tag",
            "mentors",
            "--org",
            "Analytical Engines",
        ],
        [
            "Grace Hopper",
            "--email",
            "grace@example.net",
            "--phone",
            "+1 555 0100",
            "--birthday=--12-09",
        ],
        ["Zoë Ünicode", "--email", "zoe@example.org"],
    ):
        uids[args[0]] = kinship("add", *args, "--json")["uid"]
    kinship(
        "event",
        "PyCon sprint",
        "--date",
        "2030-06-03T09:30",
        "--with",
        "Ada",
        "--location",
        "Berlin",
    )
    kinship("event", "Team offsite", "--date", "2030-06-05", "--kind", "meeting", "--with", "Grace")
    return uids


def test_khard_reads_kinship_export(
    # The tool first: without it the test is skipped before the store is made.
    khard: str,
    tmp_path: Path,
    kinship: Callable[..., Any],
    people: dict[str, str],
) -> None:
    out = kinship("export", "--format", "vdir", "-o", str(tmp_path / "contacts" / "friends"))
    assert out.startswith("exported 3 contacts")
    (tmp_path / "khard.conf").write_text(KHARD_CONF.format(root=tmp_path))
    conf = str(tmp_path / "khard.conf")
    listed = run(khard, "-c", conf, "list", "--parsable", root=tmp_path)
    rows = dict(line.split("\t")[:2] for line in listed.splitlines() if "\t" in line)
    assert rows == {uid: name for name, uid in people.items()}
    emails = run(khard, "-c", conf, "email", "--parsable", root=tmp_path)
    for address in ("ada@example.org", "grace@example.net", "zoe@example.org"):
        assert address in emails
    birthdays = run(khard, "-c", conf, "birthdays", "--parsable", root=tmp_path)
    assert "1815.12.10\tAda Lovelace" in birthdays
    assert "12.09\tGrace Hopper" in birthdays
    shown = run(
        khard,
        "-c",
        conf,
        "show",
        "--format",
        "yaml",
        f"uid:{people['Grace Hopper']}",
        root=tmp_path,
    )
    assert "+1 555 0100" in shown and "grace@example.net" in shown
    # And khard's view of the folder is what kinship re-imports as unchanged.
    report = kinship("import", str(tmp_path / "contacts" / "friends"), "--json")
    assert (report["unchanged"], report["created"], report["updated"]) == (3, 0, 0)


def test_khal_reads_kinship_export(
    khal: str, tmp_path: Path, kinship: Callable[..., Any], people: dict[str, str]
) -> None:
    (tmp_path / "calendars" / "home").mkdir(parents=True)
    (tmp_path / "data").mkdir()
    kinship("export", "--format", "vdir", "-o", str(tmp_path / "contacts" / "friends"))
    ics = tmp_path / "kinship.ics"
    out = kinship("export", "--format", "ical", "-o", str(ics))
    assert "2 events" in out
    (tmp_path / "khal.conf").write_text(KHAL_CONF.format(root=tmp_path))
    conf = str(tmp_path / "khal.conf")
    assert "4 events found" in run(khal, "-c", conf, "printics", str(ics), root=tmp_path)
    run(khal, "-c", conf, "import", "--batch", "-a", "home", str(ics), root=tmp_path)
    june = run(khal, "-c", conf, "list", "-a", "home", "2030-06-01", "2030-06-10", root=tmp_path)
    assert "09:30" in june and "PyCon sprint" in june
    assert "Team offsite" in june
    december = run(khal, "-c", conf, "list", "-a", "home", "2030-12-08", "5d", root=tmp_path)
    assert "Ada Lovelace's birthday" in december and "Grace Hopper's birthday" in december
    # khal's birthday calendar reads the BDAYs of the exported vCards.
    bdays = run(khal, "-c", conf, "list", "-a", "bdays", "2030-12-08", "5d", root=tmp_path)
    assert "Ada Lovelace's 215th birthday" in bdays and "Grace Hopper's birthday" in bdays
    # khal's own files (one event per file) come back in as the same events, no duplicates.
    report = kinship("import", str(tmp_path / "calendars" / "home"), "--json")
    assert report["created"] == 0 and report["skipped"] == 0, report
    # khal gives the timed event its default one-hour DTEND: new data, so one update.
    assert (report["unchanged"], report["updated"]) == (3, 1), report
