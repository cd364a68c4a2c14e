"""Untrusted text stays data on every plain-text CLI path, stdout and stderr alike."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import CLI, BuiltStore, runner

RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
EVIL = "\x1b[2J\r\x07\x9b1m\u202e"


def clean(text: str) -> bool:
    return RAW.search(text) is None


@pytest.fixture
def evil_store(cli: CLI, built_store: BuiltStore) -> CLI:
    """A store of hostile text in every field (built once per run, copied for each test)."""
    built_store("qa-evil", _evil)
    return cli


def _evil(db: Any) -> None:
    cli = runner(db)
    for n in (1, 2):
        r = cli(
            "add",
            f"Eve{EVIL} {n}",
            "--org",
            f"Org{EVIL}",
            "--tag",
            "t1",
            "--every",
            "1",
            "--uid",
            f"eve{n}",
        )
        assert r.code == 0, r.err
    assert cli("add", "Bob", "--uid", "bob", "--every", "1").code == 0
    assert (
        cli(
            "log",
            f"met{EVIL}",
            "--with",
            "eve1",
            "--with",
            "bob",
            "--date",
            "3 days ago",
            "--notes",
            f"n{EVIL}",
        ).code
        == 0
    )
    assert cli("note", "eve1", f"likes{EVIL}", "--pin").code == 0
    assert (
        cli(
            "event",
            f"party{EVIL}",
            "--date",
            "tomorrow",
            "--with",
            "eve1",
            "--location",
            f"l{EVIL}",
        ).code
        == 0
    )
    assert cli("relate", "eve1", "friend", "bob").code == 0
    assert cli("edit", "eve2", "--notes", f"free{EVIL}", "--met", f"m{EVIL}").code == 0


@pytest.mark.parametrize(
    "args",
    [
        ("contacts",),
        ("contacts", "--sort", "due"),
        ("show", "eve1"),
        ("show", "eve2"),
        ("show", "bob"),
        ("due", "--within", "30"),
        ("today",),
        ("today", "--oneline"),
        ("tag", "eve1", "x"),
        ("archive", "eve2"),
        ("done", "bob"),
        ("snooze", "eve1", "--until", "tomorrow"),
        # errors that echo names and queries
        ("show", "Eve"),
        ("show", f"nobody{EVIL}"),
        ("log", "x", "--with", "Eve"),
        ("merge", "Eve", "bob"),
        ("relate", "eve1", f"k{EVIL}", "bob"),
        ("edit", "eve1", "--birthday", f"1{EVIL}"),
        ("contacts", f"is:{EVIL}"),
    ],
)
def test_no_raw_control_characters(evil_store: CLI, args: tuple[str, ...]) -> None:
    r = evil_store(*args)
    assert clean(r.out), r.out
    assert clean(r.err), r.err
    assert "Traceback" not in r.err
    if r.code:
        assert len(r.err.splitlines()) == 1, r.err


def test_ambiguous_candidates_are_escaped(evil_store: CLI) -> None:
    r = evil_store("show", "Eve")
    assert r.code == 1
    assert "matches 2 contacts" in r.err and "\\x1b[2J" in r.err
    assert clean(r.err)


def test_argparse_errors_escape_the_command_line(
    cli: CLI, capsys: pytest.CaptureFixture[str]
) -> None:
    r = cli("contacts", f"--x{EVIL}")
    assert r.code == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments" in err and "\\x1b[2J" in err
    assert clean(err)
