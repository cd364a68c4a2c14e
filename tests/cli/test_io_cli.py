"""``kinship import`` / ``kinship export``: output, JSON contract, exit codes, progress."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

CARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:ada-1\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\n"
    "EMAIL:ada@example.org\r\nBDAY:1815-12-10\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:grace\r\nFN:Grace Hopper\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:nobody\r\nEND:VCARD\r\n"
)


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def test_import_plain_report_and_problem_lines(cli: Callable[..., Any], tmp_path: Path) -> None:
    f = write(tmp_path / "contacts.vcf", CARDS)
    r = cli("import", str(f))
    assert r.code == 0, r.err
    # The report on stdout; the problem on stderr (and no progress bar: not a terminal).
    assert r.out.splitlines() == [
        "contacts.vcf: 2 created, 0 updated, 0 unchanged, 1 skipped (run 1)"
    ]
    (problem,) = r.err.splitlines()
    assert problem.startswith(f"{f}:14: vCard skipped")
    again = cli("import", str(f))
    first = again.out.splitlines()[0]
    assert first == "contacts.vcf: 0 created, 0 updated, 2 unchanged, 1 skipped (run 2)"


def test_import_json_contract(cli: Callable[..., Any], tmp_path: Path) -> None:
    f = write(tmp_path / "contacts.vcf", CARDS)
    r = cli("import", str(f), "--json")
    assert r.code == 0
    data = r.json()
    assert {k: data[k] for k in ("created", "updated", "unchanged", "skipped")} == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
    }
    assert data["problems"] == [
        {"file": str(f), "line": 14, "message": data["problems"][0]["message"]}
    ]
    assert data["files"][0]["importer"] == "vcard"


def test_dry_run_changes_nothing(cli: Callable[..., Any], tmp_path: Path) -> None:
    f = write(tmp_path / "contacts.vcf", CARDS)
    r = cli("import", str(f), "--dry-run", "--json")
    assert r.json()["created"] == 2
    assert cli("contacts", "--json").json() == []


def test_fatal_file_fails_others_still_import(cli: Callable[..., Any], tmp_path: Path) -> None:
    good = write(tmp_path / "good.vcf", CARDS)
    bad = write(tmp_path / "bad.json", '{"format": "something else"}')
    r = cli("import", str(bad), str(good), str(tmp_path / "missing.vcf"), "--json")
    assert r.code == 1
    data = r.json()
    assert [f["failed"] for f in data["files"]] == [True, False, True]
    assert data["created"] == 2
    messages = [p["message"] for p in data["problems"]]
    assert any("not a kinship backup" in m for m in messages)
    assert "no such file or folder" in messages


def test_truncated_vcard_file_changes_nothing(cli: Callable[..., Any], tmp_path: Path) -> None:
    f = write(tmp_path / "cut.ics", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:cut")
    r = cli("import", str(f))
    assert r.code == 1
    assert "failed, nothing imported" in r.out


def test_unknown_format_is_an_error(cli: Callable[..., Any], tmp_path: Path) -> None:
    f = write(tmp_path / "c.vcf", CARDS)
    r = cli("import", str(f), "--format", "nope")
    assert r.code == 1
    assert "failed, nothing imported" in r.out
    assert "unknown import format 'nope'" in r.err
    r = cli("export", "--format", "nope", "-o", str(tmp_path / "x"))
    assert r.code == 1
    assert "unknown export format" in r.err


def test_export_then_import_into_another_store(cli: Callable[..., Any], tmp_path: Path) -> None:
    cli("add", "Ada Lovelace", "--email", "ada@example.org", "--birthday=--12-10")
    out = tmp_path / "backup.json"
    r = cli("export", "--format", "json", "-o", str(out), "--json")
    assert r.code == 0, r.err
    assert r.json()["contacts"] == 1
    other = tmp_path / "other.db"
    from kinship.cli import main

    buf = io.StringIO()
    assert main(["import", str(out), "--db", str(other), "--json"], out=buf, err=io.StringIO()) == 0
    assert '"created": ' in buf.getvalue()
    buf = io.StringIO()
    main(["contacts", "--json", "--db", str(other)], out=buf, err=io.StringIO())
    assert '"birthday": "--12-10"' in buf.getvalue()


def test_export_vcard_version(cli: Callable[..., Any], tmp_path: Path) -> None:
    cli("add", "Ada")
    r = cli("export", "--format", "vcard", "-o", str(tmp_path / "a.vcf"), "--vcard-version", "4.0")
    assert r.code == 0
    assert r.out.startswith("exported 1 contact to")
    assert "VERSION:4.0" in (tmp_path / "a.vcf").read_text()
    assert cli("export", "--format", "vcard", "-o", "x.vcf", "--vcard-version", "2.1").code == 2


class TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(db_path: Path, tmp_path: Path) -> None:
    from kinship.cli import main

    f = write(tmp_path / "contacts.vcf", CARDS)
    err = TTY()
    assert main(["import", str(f), "--db", str(db_path)], out=io.StringIO(), err=err) == 0
    shown = err.getvalue()
    assert "importing contacts.vcf: " in shown and " items" in shown
    # The bar's line is cleared before the problem lines that follow it on stderr.
    _bar, problems = shown.rsplit("\r\x1b[2K", 1)
    assert problems.startswith(f"{f}:14: vCard skipped")
    plain = io.StringIO()
    assert main(["import", str(f), "--db", str(db_path)], out=io.StringIO(), err=plain) == 0
    assert plain.getvalue().splitlines() == [problems.strip()]  # no bar when not a terminal


def test_export_counts_what_was_written(cli: Callable[..., Any], tmp_path: Path) -> None:
    """A calendar holds open follow-ups only, and contacts as birthdays: the report counts
    what the file holds, in words that read right."""
    cli("add", "Ada Lovelace", "--every", "7", "--birthday", "--12-10")
    cli("add", "Grace Hopper")
    cli("due")  # computes Ada's check-in
    cli("done", "Ada")  # …and closes it: a follow-up that is not written
    out = tmp_path / "k.ics"
    r = cli("export", "--format", "ical", "-o", str(out))
    assert r.code == 0, r.err
    assert r.out.startswith("exported 1 birthday to"), r.out
    assert "VTODO" not in out.read_text()
    report = cli("export", "--format", "ical", "-o", str(out), "--json").json()
    assert (report["followups"], report["contacts"], report["birthdays"]) == (0, 0, 1)
    cli("undo")  # the check-in is open again
    r = cli("export", "--format", "ical", "-o", str(out))
    assert r.out.startswith("exported 1 follow-up, 1 birthday to"), r.out
    assert "SUMMARY:Check in with Ada Lovelace" in out.read_text()
    assert cli("export", "--format", "vcard", "-o", str(tmp_path / "a.vcf")).out.startswith(
        "exported 2 contacts"
    )
    cards = (tmp_path / "a.vcf").read_text()
    assert "N:Lovelace;Ada;;;" in cards and "N:Hopper;Grace;;;" in cards
    assert "N:;;;;" not in cards
