"""User mistakes give one line on stderr and exit 1 (2 for usage), never a traceback, and
change nothing."""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kinship.dates import parse_date, parse_datetime
from kinship.errors import ValidationError
from tests.conftest import CLI, Result


def one_line_error(r: Result, code: int = 1) -> None:
    assert r.code == code, (r.out, r.err)
    assert r.err.startswith("kinship: ") and len(r.err.splitlines()) == 1, r.err
    assert "Traceback" not in r.err


@pytest.mark.parametrize(
    "text",
    [
        "99999999999 days ago",
        "in 99999999999 years",
        "in 99999999 years",
        "in 7999 years",
        "99999999999 weeks ago",
        "0001-01-01",
        "0001-01-01T00:00",
        "0001-01-01T00:00+05:00",
        "9999-12-31T23:59-05:00",
    ],
)
def test_dates_out_of_range_are_validation_errors(text: str) -> None:
    with pytest.raises(ValidationError, match="out of range"):
        parse_datetime(text)


def test_relative_dates_out_of_range() -> None:
    for text in ("in 99999999 years", "99999999999 days ago", "in 10000 years"):
        with pytest.raises(ValidationError, match="out of range"):
            parse_date(text)


@pytest.mark.parametrize("cmd", ["log", "event", "snooze"])
def test_cli_huge_relative_dates(cli: CLI, cmd: str) -> None:
    assert cli("add", "Ada", "--uid", "ada").code == 0
    args = {
        "log": ("log", "x", "--with", "ada", "--date", "99999999999 days ago"),
        "event": ("event", "x", "--date", "in 99999999 years"),
        "snooze": ("snooze", "ada", "--until", "in 99999999 years"),
    }[cmd]
    one_line_error(cli(*args))
    assert cli("show", "ada", "--json").json()["interactions"] == []


@pytest.mark.parametrize("cmd", [("due",), ("today",), ("today", "--oneline"), ("due", "--json")])
def test_huge_within_means_everything(cli: CLI, cmd: tuple[str, ...]) -> None:
    assert cli("add", "Ada", "--every", "1").code == 0
    r = cli(*cmd, "--within", "99999999999")
    assert r.code == 0, r.err
    assert ("1 due" if "--oneline" in cmd else "Ada") in r.out


def test_yearless_date_after_an_option(cli: CLI) -> None:
    # The form the help suggests, typed the natural way (not --birthday=--04-15).
    assert cli("add", "Ada", "--birthday", "--04-15").code == 0
    assert cli("edit", "Ada", "--anniversary", "--0601").code == 0
    data = cli("show", "Ada", "--json").json()
    assert (data["birthday"], data["anniversary"]) == ("--04-15", "--06-01")
    one_line_error(cli("add", "Bo", "--birthday", "--04-31"))


def test_ical_export_of_last_possible_birthday(cli: CLI, tmp_path: Path) -> None:
    assert cli("add", "Max", "--birthday", "9999-12-31").code == 0
    out = tmp_path / "out.ics"
    r = cli("export", "--format", "ical", "-o", str(out))
    assert r.code == 0, r.err
    assert "DTSTART;VALUE=DATE:99991231" in out.read_text()


def test_text_that_is_not_utf8_is_refused(cli: CLI) -> None:
    bad = b"Bad\xffname".decode("utf-8", "surrogateescape")  # how argv arrives
    one_line_error(cli("add", bad))
    assert cli("add", "Ada").code == 0
    one_line_error(cli("show", bad))
    one_line_error(cli("note", "Ada", bad))
    assert cli("contacts", "--json").json()[0]["display_name"] == "Ada"
    assert cli("show", "Ada", "--json").json()["notes"] == []


def test_empty_db_option_is_a_usage_error(cli: CLI, tmp_path: Path) -> None:
    one_line_error(cli("add", "Ada", "--db", "", db=False), code=2)
    assert not (tmp_path / "xdg-data").exists()  # the default store was not created


def test_blank_kinship_db_is_unset(
    cli: CLI, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KINSHIP_DB", "  ")
    r = cli("db", "path", db=False)
    assert r.code == 0 and r.out.strip().endswith("kinship.db"), r.out


def test_import_empty_path_is_not_the_current_folder(cli: CLI) -> None:
    r = cli("import", "")
    assert r.code == 1
    assert "no such file or folder" in r.err


def test_contacts_negative_limit_creates_no_database(cli: CLI, db_path: Path) -> None:
    one_line_error(cli("contacts", "--limit", "-1"), code=2)
    assert not db_path.exists()


def test_mysql_url_without_driver_gets_no_postgres_hint(cli: CLI) -> None:
    if importlib.util.find_spec("pymysql") is not None:  # pragma: no cover
        pytest.skip("a MySQL driver is installed")
    r = cli("contacts", "--db", "mysql://u:secret@localhost/db", db=False)
    one_line_error(r)
    assert "postgres" not in r.err and "secret" not in r.err


def test_unknown_strategy_is_refused(cli: CLI) -> None:
    assert cli("add", "Ada").code == 0
    r = cli("edit", "Ada", "--strategy", "cadense")
    one_line_error(r)
    assert "cadence" in r.err  # the installed ones are listed
    data = cli("show", "Ada", "--json").json()
    assert data["strategy"] == "" and data["version"] == 1
    assert cli("edit", "Ada", "--strategy", "cadence, occasions").code == 0


@pytest.mark.parametrize(
    ("org", "query"),
    [("a_b corp", "org:a_b"), ("50% off", "org:50%"), ("back\\slash", "org:'back\\slash'")],
)
def test_field_terms_match_like_wildcards_literally(cli: CLI, org: str, query: str) -> None:
    assert cli("add", "Wild", "--org", org).code == 0
    assert cli("add", "Tame", "--org", "axb corp 500 off backslash").code == 0
    names = [c["display_name"] for c in cli("contacts", query, "--json").json()]
    assert names == ["Wild"]


def test_email_term_with_underscore(cli: CLI) -> None:
    assert cli("add", "Under", "--email", "first_last@example.org").code == 0
    names = [c["display_name"] for c in cli("contacts", "email:first_last", "--json").json()]
    assert names == ["Under"]


def test_huge_strategy_settings_are_refused_in_one_line(cli: CLI, tmp_path: Path) -> None:
    config = tmp_path / "no-config.toml"
    config.write_text(
        "[strategies.occasions]\nlead_days = 99999999999\n"
        "[strategies.cadence]\ngrace_days = 99999999999\nlead_days = 1e400\n"
        "[strategies.appreciation]\nwithin_days = 99999999999\n"
    )
    r = cli("add", "Ada", "--every", "1", "--birthday", "--01-01")
    one_line_error(r)
    assert f"{config}: [strategies.occasions] lead_days = 99999999999" in r.err
    assert "expected a whole number from 0 to 3650" in r.err


def test_busy_database_is_one_line(
    cli: CLI, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kinship.store.db as store_db

    assert cli("add", "Ada").code == 0
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_S", 0.1)
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        r = cli("add", "Bob")
    finally:
        holder.rollback()
        holder.close()
    one_line_error(r)
    assert "busy" in r.err
    assert [c["display_name"] for c in cli("contacts", "--json").json()] == ["Ada"]


def test_json_import_with_one_out_of_range_date_skips_that_item(cli: CLI, tmp_path: Path) -> None:
    backup = {
        "format": "kinship-backup",
        "version": 1,
        "contacts": [{"uid": "g1", "display_name": "Good"}],
        "events": [],
        "interactions": [
            {
                "uid": "i1",
                "occurred_at": "0001-01-01T00:00:00+05:00",
                "kind": "call",
                "summary": "ancient",
                "participants": ["g1"],
            },
            {
                "uid": "i2",
                "occurred_at": "2020-01-01T10:00:00+00:00",
                "kind": "call",
                "summary": "fine",
                "participants": ["g1"],
            },
        ],
        "notes": [
            {
                "contact_uid": "g1",
                "body": "old",
                "kind": "need",
                "created_at": "0001-01-01T00:00:00+05:00",
            }
        ],
        "relationships": [],
        "followups": [],
    }
    path = tmp_path / "b.json"
    path.write_text(json.dumps(backup))
    r = cli("import", str(path), "--json")
    assert r.code == 0, r.out
    report = r.json()
    assert report["created"] == 2 and report["skipped"] == 2
    assert [i["summary"] for i in cli("show", "g1", "--json").json()["interactions"]] == ["fine"]


def _kinship(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kinship", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env={**os.environ, **env},
        timeout=60,
    )


def test_terminal_that_cannot_show_unicode(tmp_path: Path) -> None:
    db = str(tmp_path / "k.db")
    env = {"KINSHIP_DB": db, "PYTHONIOENCODING": "ascii"}
    assert _kinship("add", "Émoji 😀", env=env).returncode == 0
    text = _kinship("contacts", env=env)
    assert text.returncode == 0, text.stderr
    assert "\\xc9moji" in text.stdout
    data = _kinship("contacts", "--json", env=env)
    assert data.returncode == 0, data.stderr
    assert json.loads(data.stdout)[0]["display_name"] == "Émoji 😀"
    err = _kinship("show", "Zoë", env=env)
    assert err.returncode == 1 and "Traceback" not in err.stderr
