"""``--demo`` and ``--presenter`` with a command, and ``db demo FILE``."""

from __future__ import annotations

import io
import sqlite3
import tempfile
from pathlib import Path

import pytest

from tests.conftest import Result


def _main(*args: str) -> Result:
    from kinship.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return Result(code, out.getvalue(), err.getvalue())


def _names(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("select display_name from contact")]


def test_demo_command_runs_on_a_throwaway_store_never_the_configured_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "real.db"
    monkeypatch.setenv("KINSHIP_DB", str(real))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    r = _main("--demo", "add", "Written To Real Store")
    assert r.code == 0, r.err
    assert not real.exists()
    assert list(scratch.iterdir()) == []  # the throwaway store is removed after
    listed = _main("--demo", "contacts", "--json")
    assert listed.code == 0, listed.err
    assert len(listed.json()) > 100  # the sample people, fresh each run
    assert "Written To Real Store" not in listed.out
    assert not real.exists()


def test_demo_with_db_is_refused(tmp_path: Path) -> None:
    r = _main("--demo", "contacts", "--db", str(tmp_path / "x.db"))
    assert r.code == 2
    assert "--demo" in r.err and "--db" in r.err
    assert not (tmp_path / "x.db").exists()


def test_presenter_with_a_command_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    assert _main("add", "Ada Lovelace", "--email", "ada@example.org", "--db", str(db)).code == 0
    r = _main("--presenter", "show", "Ada", "--db", str(db))
    assert r.code == 2
    assert r.out == ""
    assert "--presenter" in r.err and len(r.err.splitlines()) == 1


def test_db_demo_writes_the_sample_store_to_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    r = _main("db", "demo", str(path))
    assert r.code == 0, r.err
    assert str(path) in r.out and "people" in r.out
    assert len(_names(path)) > 100
    again = _main("db", "demo", str(path), "--json")
    assert again.code == 2
    assert "not empty" in again.err
    empty = tmp_path / "empty.db"
    empty.touch()
    made = _main("db", "demo", str(empty), "--json")
    assert made.code == 0, made.err
    assert made.json()["contacts"] == len(_names(empty))
    assert _main("db", "demo").code == 2
