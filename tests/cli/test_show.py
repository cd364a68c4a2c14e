"""`kinship show` is for people: calendar days and how long ago; `--json` stays ISO 8601."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from tests.conftest import CLI

#: What a raw timestamp looks like (``2026-12-01T04:57:40.341719+00:00``).
RAW = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d|[+-]\d\d:\d\d\b|\.\d{6}")


def test_show_prints_days_and_how_long_ago(cli: CLI) -> None:
    three_weeks = date.today() - timedelta(days=21)
    assert cli("add", "Ada Lovelace", "--every", "30", "--birthday", "--12-10").code == 0
    assert cli("log", "Tea", "--with", "Ada", "--date", three_weeks.isoformat()).code == 0
    assert cli("event", "PyCon dinner", "--date", "2024-05-17T19:30", "--with", "Ada").code == 0
    out = cli("show", "Ada").out
    assert not RAW.search(out), out
    assert f"last contact: {three_weeks.isoformat()} (3 weeks ago)" in out
    assert f"next due: {(three_weeks + timedelta(days=30)).isoformat()} (in 9 days)" in out
    assert "birthday: Dec 10" in out and "--12-10" not in out
    assert f"{three_weeks.isoformat()}  meeting" in out
    assert "2024-05-17 19:30  event" in out

    card = cli("show", "Ada", "--json").json()
    last = datetime.fromisoformat(card["last_interaction_at"])
    assert last.tzinfo is not None and last.astimezone().date() == three_weeks
    assert card["next_due_at"] == (three_weeks + timedelta(days=30)).isoformat()
    assert card["birthday"] == "--12-10"
    assert "T" in card["interactions"][0]["occurred_at"]


def test_show_says_when_a_snooze_ends(cli: CLI) -> None:
    cli("add", "Eve Adams", "--every", "7")
    cli("snooze", "Eve", "--until", "in 2 weeks")
    out = cli("show", "Eve").out
    until = date.today() + timedelta(days=14)
    assert f"snoozed until {until.isoformat()} (in 2 weeks)" in out
    assert "next due: -" in out
