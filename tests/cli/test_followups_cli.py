"""kinship due / today / done / snooze / dismiss through kinship.cli.main."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest

from kinship.cli import main
from kinship.services import followups
from tests.conftest import CLI


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("KINSHIP_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("KINSHIP_NO_PLUGINS", "1")
    monkeypatch.delenv("KINSHIP_DB", raising=False)
    (tmp_path / "config.toml").write_text('[strategies.cadence]\ntz = "UTC"\n', encoding="utf-8")
    yield
    followups.reset()


def run(db: Path, *args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    code = main([*args, "--db", str(db)], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def ok(db: Path, *args: str) -> str:
    code, out, err = run(db, *args)
    assert code == 0, err
    return out


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Ada every 30 days, last seen 40 days ago; Bob's birthday in 3 days; Cy helped
    yesterday and was not thanked; Dee is archived; Eve is snoozed."""
    from datetime import date, timedelta

    path = tmp_path / "k.db"
    birthday = (date.today() + timedelta(days=3)).strftime("--%m-%d")
    ok(path, "add", "Ada Lovelace", "--every", "30")
    ok(path, "log", "Coffee", "--with", "Ada", "--date", "40 days ago")
    ok(path, "add", "Bob Babbage", f"--birthday={birthday}")
    ok(path, "add", "Cy Clerk")
    ok(
        path,
        "log",
        "Helped me move",
        "--with",
        "Cy",
        "--kind",
        "help-received",
        "--date",
        "yesterday",
    )
    ok(path, "add", "Dee Archived", "--every", "7")
    ok(path, "archive", "Dee")
    ok(path, "add", "Eve Snoozed", "--every", "7")
    ok(path, "snooze", "Eve", "--until", "in 2 weeks")
    return path


def test_done_when_scenario(db: Path) -> None:
    items = json.loads(ok(db, "due", "--json"))
    got = {(i["contact"]["display_name"], i["kind"], i["strategy"]) for i in items}
    assert got == {
        ("Ada Lovelace", "check-in", "cadence"),
        ("Bob Babbage", "birthday", "occasions"),
        ("Cy Clerk", "thank", "appreciation"),
    }
    assert len(items) == 3
    reasons = {i["kind"]: i["reason"] for i in items}
    assert reasons["check-in"] == "last talked on Oct 22; you planned every 30 days"
    assert reasons["birthday"].startswith("birthday on ")
    assert reasons["thank"].startswith("helped you on ")
    assert set(items[0]) == {"contact", "kind", "due", "reason", "strategy", "priority"}
    assert set(items[0]["contact"]) == {"uid", "display_name"}

    done = ok(db, "done", "Cy")
    assert "thanks" in done
    after = json.loads(ok(db, "due", "--json"))
    assert {i["kind"] for i in after} == {"check-in", "birthday"}
    assert "thanks" in ok(db, "show", "Cy")

    number = done.rsplit("kinship undo ", 1)[1].rstrip(")\n")
    assert "took back the logged thanks" in ok(db, "undo", number)
    again = json.loads(ok(db, "due", "--json"))
    assert {i["kind"] for i in again} == {"check-in", "birthday", "thank"}
    report = json.loads(ok(db, "done", "Cy", "--as", "gift-given", "--json"))
    assert report["interaction"]["kind"] == "gift-given" and isinstance(report["undo"], int)


def test_due_text_today_and_oneline(db: Path) -> None:
    text = ok(db, "due")
    assert len(text.splitlines()) == 3 and "\x1b" not in text
    assert ok(db, "due", "--kind", "thank").count("\n") == 1
    assert ok(db, "due", "--within", "0").count("\n") == 1  # thanks due tomorrow, birthday in 3
    assert ok(db, "today", "--oneline") == "3 due · 1 check-in · 1 birthday · 1 thanks\n"
    today = ok(db, "today")
    assert today.index("Check in (1)") < today.index("Occasions (1)") < today.index("Thank (1)")
    assert "(due in 3 days)" in today
    ada = next(line for line in today.splitlines() if "Ada" in line)
    assert ada.endswith("; you planned every 30 days (10 days overdue)"), ada
    assert ada.count("overdue") == 1


def test_dismiss_snooze_and_errors(db: Path) -> None:
    assert "dismissed: check-in" in ok(db, "dismiss", "Ada")
    assert "Ada" not in ok(db, "due")
    ok(db, "due", "--recompute")
    assert "Ada" not in ok(db, "due")  # stays dismissed for this occurrence
    ok(db, "snooze", "Bob", "--until", "in 1 week")
    assert "Bob" not in ok(db, "due")
    ok(db, "snooze", "Bob", "--clear")
    assert "Bob" in ok(db, "due")
    code, _, err = run(db, "done", "Ada")
    assert code == 1 and err.startswith("kinship: nothing is due for Ada")
    code, _, err = run(db, "snooze", "Bob", "--until", "yesterday")
    assert code == 1 and "after today" in err
    code, _, _ = run(db, "due", "--within", "-1")
    assert code == 2


def test_user_text_is_made_visible(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    ok(db, "add", "Mallory\x1b[31m", "--every", "7", "--uid", "m")
    out = ok(db, "due")
    assert "\x1b" not in out and "\\x1b[31m" in out


def test_due_looks_as_far_ahead_as_the_longest_lead(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A birthday that occasions announces 10 days ahead is listed 10 days ahead."""
    from datetime import date, timedelta

    config = tmp_path / "lead.toml"
    config.write_text("[strategies.occasions]\nlead_days = 10\n", encoding="utf-8")
    monkeypatch.setenv("KINSHIP_CONFIG", str(config))
    nine = date.today() + timedelta(days=9)
    assert cli("add", "Ada", f"--birthday=--{nine:%m-%d}").code == 0
    listed = cli("due", "--json").json()
    assert [(i["contact"]["display_name"], i["kind"]) for i in listed] == [("Ada", "birthday")]
    assert cli("due", "--within", "7", "--json").json() == []


def test_one_definition_of_due_in_contacts_is_due_and_the_due_list(db: Path) -> None:
    """A snoozed contact with nothing due shows no due date (the snooze's end is not one);
    `contacts is:due` finds exactly the people `due` lists."""
    lines = {line.split("  ")[0]: line for line in ok(db, "contacts").splitlines()}
    eve = lines["Eve Snoozed"]
    assert "due" not in eve and "snoozed until" in eve
    listed = {i["contact"]["display_name"] for i in json.loads(ok(db, "due", "--json"))}
    found = {c["display_name"] for c in json.loads(ok(db, "contacts", "is:due", "--json"))}
    assert found == listed == {"Ada Lovelace", "Bob Babbage", "Cy Clerk"}
    shown_due = {name for name, line in lines.items() if "  due " in line}
    assert shown_due == listed
    (eve_json,) = json.loads(ok(db, "contacts", "Eve", "--json"))
    assert eve_json["next_due_at"] is None


@pytest.mark.parametrize("command", [["due"], ["today", "--oneline"]])
def test_a_command_catches_up_in_big_transactions_the_app_in_small_ones(
    db: Path, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command waits for its own catch-up (a fifth less work in chunks of 1,000); the app
    runs it beside the person's writes, in chunks of 250 (the default)."""
    chunks: list[int] = []
    real = followups.refresh_stale

    def spy(*args: object, **kw: object) -> followups.RefreshReport:
        chunks.append(int(kw.get("chunk", followups.CATCH_UP_CHUNK)))  # type: ignore[call-overload]
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(followups, "refresh_stale", spy)
    ok(db, *command)
    assert chunks == [followups.COMMAND_CHUNK] and followups.COMMAND_CHUNK == 1000
    assert followups.CATCH_UP_CHUNK == 250
