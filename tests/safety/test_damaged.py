"""A damaged or odd database gives one line naming `kinship db check` (never a traceback),
changes nothing, and `kinship db check` lists what is wrong."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CLI
from tests.safety.safety_helpers import one_line_error

HINT = "kinship db check"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sql(path: Path, *statements: str) -> None:
    con = sqlite3.connect(path)
    try:
        for statement in statements:
            con.execute(statement)
        con.commit()
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def _patch_bytes(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    at = data.index(old)
    path.write_bytes(data[:at] + new + data[at + len(new) :])


def _garble_table(path: Path, table: str) -> None:
    con = sqlite3.connect(path)
    try:
        (root,) = con.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()
        (size,) = con.execute("PRAGMA page_size").fetchone()
    finally:
        con.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * size
    data[start + 8 : start + size] = bytes([0xA5]) * (size - 8)
    path.write_bytes(bytes(data))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "text not utf-8": lambda p: _sql(
        p, "UPDATE contact SET display_name = CAST(x'416461ff' AS TEXT) WHERE uid = 'ada'"
    ),
    "schema name not utf-8": lambda p: _patch_bytes(p, b"tabletagtag", b"tablet\x9dgtag"),
    "garbled pages": lambda p: _garble_table(p, "interaction"),
    "schema_version abc": lambda p: _sql(
        p, "UPDATE meta SET value = 'abc' WHERE key = 'schema_version'"
    ),
    "unparsable date": lambda p: _sql(
        p, "UPDATE interaction SET occurred_at = '2026-04-10 09:16\"00'"
    ),
    "bad json": lambda p: _sql(p, "UPDATE contact SET edited = '[\"nick' WHERE uid = 'ada'"),
}


#: Damage no everyday command reads (an old interaction's time, the edited-fields list):
#: only `db check` finds it.
QUIET = {"unparsable date", "bad json"}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_store_one_line_and_db_check(
    cli: CLI, rich: Path, tmp_path: Path, damage: str
) -> None:
    assert cli("due").code == 0  # follow-ups computed today: later reads write nothing
    DAMAGE[damage](rich)
    digest = _digest(rich)
    failed = 0
    for args in (
        ("contacts",),
        ("show", "ada"),
        ("due",),
        ("export", "--format", "json", "-o", str(tmp_path / "out.json")),
    ):
        r = cli(*args)
        assert "Traceback" not in r.err
        if r.code:
            failed += 1
            one_line_error(r)
            assert HINT in r.err, (args, r.err)
    if damage not in QUIET:
        assert failed, "the damage went unnoticed by every command"
    assert _digest(rich) == digest  # nothing was written to the damaged file

    check = cli("db", "check", "--json")
    assert check.code == 1, check.out
    report = check.json()
    assert not report["ok"] and report["problems"]
    plain = cli("db", "check")
    assert plain.code == 1 and "problem" in plain.out.splitlines()[-1]
    assert _digest(rich) == digest


def test_db_check_on_a_sound_store(cli: CLI, rich: Path) -> None:
    r = cli("db", "check", "--json")
    assert r.code == 0, r.out
    assert r.json()["ok"] and r.json()["rows_checked"] > 5
    quick = cli("db", "check", "--quick")
    assert quick.code == 0 and "ok (quick_check" in quick.out


def test_db_check_names_the_row_and_the_newest_backup(cli: CLI, rich: Path) -> None:
    assert cli("merge", "ada", "grace").code == 0  # keeps a .bak beside the store
    _sql(rich, "UPDATE contact SET birthday = '1815-13-45'")
    r = cli("db", "check")
    assert r.code == 1
    assert "contact.birthday (row " in r.out and "'1815-13-45'" in r.out
    assert ".pre-merge-" in r.out.splitlines()[-1]


def test_db_check_needs_an_existing_file(cli: CLI, db_path: Path) -> None:
    one_line_error(cli("db", "check"))
    assert not db_path.exists()  # a check never creates a store


def test_the_app_does_not_start_on_an_unreadable_store(cli: CLI, rich: Path) -> None:
    DAMAGE["schema name not utf-8"](rich)
    r = cli("--db", str(rich), db=False)  # no command: the TUI; it stops at the one line
    one_line_error(r)
    assert HINT in r.err
