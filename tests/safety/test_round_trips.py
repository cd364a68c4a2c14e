"""Round trips that must not change data, reports that add up, problems on stderr, and
config values that are checked instead of silently ignored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI, Result
from tests.safety.safety_helpers import one_line_error, tables

DATA = Path(__file__).parents[1] / "data"


def _rows(db: Path, table: str, *skip: str) -> list[dict[str, Any]]:
    """A table's rows without ids and the columns in ``skip`` (times of writing)."""
    import sqlite3

    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        rows = [dict(r) for r in con.execute(f'SELECT * FROM "{table}"')]
    finally:
        con.close()
    return sorted(({k: v for k, v in r.items() if k not in ("id", *skip)} for r in rows), key=repr)


def test_cr_in_text_survives_vcard_and_json_round_trips(
    cli: CLI, db_path: Path, tmp_path: Path
) -> None:
    assert cli("add", "Ada\rLovelace", "--uid", "ada", "--nickname", "A\r\nB").code == 0
    vcf = tmp_path / "out.vcf"
    assert cli("export", "--format", "vcard", "-o", str(vcf)).code == 0
    before = tables(db_path)
    r = cli("import", str(vcf), "--json")
    assert r.code == 0
    assert (r.json()["updated"], r.json()["unchanged"]) == (0, 1)
    assert tables(db_path) == before
    backup = tmp_path / "b.json"
    assert cli("export", "--format", "json", "-o", str(backup)).code == 0
    other = tmp_path / "other.db"
    assert cli("import", str(backup), "--db", str(other), db=False).code == 0
    shown = cli("show", "ada", "--json", "--db", str(other), db=False).json()
    assert (shown["display_name"], shown["nickname"]) == ("Ada\rLovelace", "A\r\nB")


def test_a_calendars_own_time_zone_is_exported_as_itself(
    cli: CLI, db_path: Path, tmp_path: Path
) -> None:
    source = DATA / "ical" / "custom_vtimezone_loop.ics"
    assert cli("import", str(source)).code == 0
    out = tmp_path / "out.ics"
    assert cli("export", "--format", "ical", "-o", str(out)).code == 0
    text = out.read_text()
    assert "DTSTART;TZID=Loop:20240105T090000" in text
    assert "DTEND;TZID=Loop:20240105T100000" in text
    assert text.count("BEGIN:VTIMEZONE") == 1 and "TZID:Loop" in text
    before = tables(db_path)
    again = cli("import", str(out), "--json").json()
    assert (again["updated"], again["unchanged"]) == (0, 1)
    assert tables(db_path) == before
    # Into an empty store, the event is the same row.
    other = tmp_path / "other.db"
    assert cli("import", str(out), "--db", str(other), db=False).code == 0
    times = ("created_at", "updated_at", "source")
    assert _rows(other, "event", *times) == _rows(db_path, "event", *times)


def test_follow_up_to_dos_report_what_stays(cli: CLI, db_path: Path, tmp_path: Path) -> None:
    assert cli("add", "Ada", "--uid", "ada", "--every", "7").code == 0
    assert cli("add", "Grace", "--uid", "grace").code == 0
    assert cli("log", "Coffee", "--with", "ada", "--date", "30 days ago").code == 0
    assert cli("due").code == 0
    ics, vcf = tmp_path / "f.ics", tmp_path / "c.vcf"
    assert cli("export", "--format", "ical", "-o", str(ics)).code == 0
    assert cli("export", "--format", "vcard", "-o", str(vcf)).code == 0
    assert "BEGIN:VTODO" in ics.read_text()

    other = tmp_path / "other.db"

    def run(*args: str) -> Result:
        return cli(*args, "--db", str(other), db=False)

    assert run("import", str(vcf)).code == 0
    assert run("add", "Manual", "--uid", "manual").code == 0
    for _ in range(2):
        rows = len(_rows(other, "follow_up"))
        r = run("import", str(ics), "--json")
        assert r.code == 0
        data = r.json()
        assert len(_rows(other, "follow_up")) == rows + data["created"]
        assert data["skipped"] == sum("skipped" in p["message"] for p in data["problems"])
    assert data["created"] == 0


def test_skips_add_up_in_a_re_indented_backup(cli: CLI, rich: Path, tmp_path: Path) -> None:
    backup = tmp_path / "b.json"
    assert cli("export", "--format", "json", "-o", str(backup)).code == 0
    doc = json.loads(backup.read_text())
    for section, key, bad in (
        ("contacts", "display_name", ["x"]),
        ("notes", "kind", 5),
        ("interactions", "kind", 5),
    ):
        for record in doc[section]:
            record[key] = bad
    backup.write_text(json.dumps(doc, indent=4))  # no longer one record per line
    r = cli("import", str(backup), "--db", str(tmp_path / "other.db"), "--json", db=False)
    data = r.json()
    skip_lines = [p for p in data["problems"] if "skipped" in p["message"]]
    assert data["skipped"] == len(skip_lines) >= 4
    assert all(p["line"] for p in skip_lines)


def test_import_problems_go_to_stderr(cli: CLI, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    r = cli("import", str(bad))
    assert r.code == 1
    assert r.out == "bad.json: failed, nothing imported\n"
    assert r.err.splitlines() == [f'{bad}:1: not a kinship backup (no "format": "kinship-backup")']


@pytest.mark.parametrize(
    ("toml", "says"),
    [
        ('[strategies.occasions]\nlead_days = "ten"\n', '[strategies.occasions] lead_days = "ten"'),
        ("[strategies.cadence]\nlead_day = 3\n", "[strategies.cadence] has no setting 'lead_day'"),
        (
            '[strategies.give-first]\nenabled = "maybe"\n',
            'enabled = "maybe": expected true or false',
        ),
        ('[strategies.appreciation]\ntz = "Mars/Olympus"\n', "expected an IANA time zone"),
        ('[tags."inner circle"]\ncadence = 0\n', '[tags."inner circle"] cadence = 0'),
        ("[strategies]\noccasions = 3\n", "[strategies.occasions] must be a table"),
    ],
)
def test_config_values_are_checked(
    cli: CLI, rich: Path, tmp_path: Path, toml: str, says: str
) -> None:
    config = tmp_path / "no-config.toml"  # KINSHIP_CONFIG in every test
    config.write_text(toml)
    before = tables(rich)
    r = cli("contacts")
    one_line_error(r)
    assert r.err.startswith(f"kinship: {config}: ")
    assert says in r.err
    assert tables(rich) == before


def test_third_party_strategy_settings_are_theirs(cli: CLI, rich: Path, tmp_path: Path) -> None:
    (tmp_path / "no-config.toml").write_text(
        '[strategies.learner]\nwindow = "anything"\nlead_days = 3\n'
        '[strategies.occasions]\nlead_days = 10\nrecent_days = 20\ntz = "Europe/Paris"\n'
    )
    assert cli("contacts").code == 0
