"""intro, intro-status, intros, matches, ledger, path and capture, end to end."""

from __future__ import annotations

import io
from datetime import date

import pytest

from tests.conftest import CLI


def add(cli: CLI, *names: str) -> None:
    for name in names:
        assert cli("add", name).code == 0


def kinds_due(cli: CLI) -> list[tuple[str, str, str]]:
    result = cli("due", "--json", "--within", "0")
    assert result.code == 0, result.err
    return [(i["contact"]["display_name"], i["kind"], i["reason"]) for i in result.json()]


def test_an_introduction_from_proposal_to_follow_up(cli: CLI) -> None:
    add(cli, "Ada Lovelace", "Charles Babbage")
    made = cli("intro", "Ada", "Charles", "--why", "analytical engines", "--json")
    assert made.code == 0, made.err
    intro = made.json()
    assert (intro["status"], intro["person"]["display_name"], intro["to"]["display_name"]) == (
        "proposed",
        "Ada Lovelace",
        "Charles Babbage",
    )
    assert intro["next"] == ["asked", "made", "declined"]
    assert kinds_due(cli) == [
        (
            "Charles Babbage",
            "intro-ask",
            f"you offered to introduce Ada Lovelace to Charles Babbage on {date.today():%b} "
            f"{date.today().day}; ask Charles "
            "Babbage (analytical engines)",
        )
    ]
    text = cli("intros")
    assert f"#{intro['id']}" in text.out and "Ada Lovelace → Charles Babbage  proposed today" in (
        text.out
    )

    bad = cli("intro-status", str(intro["id"]), "followed-up")
    assert bad.code == 1 and bad.out == ""
    assert bad.err == (
        f"kinship: introduction #{intro['id']} is proposed: it can move to asked, made or "
        "declined, not followed-up\n"
    )
    assert cli("intro-status", str(intro["id"]), "asked").code == 0
    assert [k for _, k, _ in kinds_due(cli)] == []  # "make it" comes three days later
    done = cli("intro-status", str(intro["id"]), "made")
    assert done.code == 0 and "logged intro-given" in done.out
    book = cli("ledger", "--json").json()
    assert {p["contact"]["display_name"]: p["gave"] for p in book["people"]} == {
        "Ada Lovelace": 1,
        "Charles Babbage": 1,
    }
    closed = cli("intro-status", str(intro["id"]), "followed-up", "--json").json()
    assert closed["status"] == "followed-up" and closed["followed_up_at"]
    assert cli("intros", "--open", "--json").json() == []
    assert [i["status"] for i in cli("intros", "Ada", "--json").json()] == ["followed-up"]


def test_intro_errors(cli: CLI) -> None:
    add(cli, "Ada Lovelace", "Charles Babbage")
    same = cli("intro", "Ada", "Ada")
    assert same.code == 1 and same.err == "kinship: cannot introduce Ada Lovelace to themselves\n"
    assert cli("intro", "Ada", "Charles").code == 0
    twice = cli("intro", "Charles", "Ada")
    assert twice.code == 1 and "already have an open introduction (#1, proposed)" in twice.err
    assert cli("intro-status", "one", "asked").code == 2
    missing = cli("intro-status", "42", "asked")
    assert missing.code == 1 and "no introduction #42" in missing.err
    unknown = cli("intro-status", "1", "maybe")
    # A wrong argument: exit 2, with the statuses it can be.
    assert unknown.code == 2 and "unknown introduction status 'maybe'" in unknown.err
    assert "asked, made, followed-up or declined" in unknown.err
    assert cli("intro-status", "1", "Followed up").code == 1  # a status, out of order


def test_matches_propose_introductions(cli: CLI) -> None:
    add(cli, "Ada Lovelace", "Charles Babbage", "Émile Zola")
    assert cli("note", "Ada", "Looking for a REACT mentor", "--kind", "need").code == 0
    assert cli("note", "Charles", "réact mentoring on weekends", "--kind", "offer").code == 0
    assert cli("note", "Zola", "Wants to learn compilers", "--kind", "goal").code == 0
    found = cli("matches", "--json").json()
    assert [
        (m["need"]["contact"]["display_name"], m["offer"]["contact"]["display_name"]) for m in found
    ] == [("Ada Lovelace", "Charles Babbage")]
    assert found[0]["words"] == ["react", "mentor"]
    assert cli("matches", "Zola", "--json").json() == []
    text = cli("matches", "Charles")
    assert text.code == 0
    assert "Ada Lovelace (need): Looking for a REACT mentor" in text.out
    assert f"kinship intro {found[0]['introduce']['person']} {found[0]['introduce']['to']}" in (
        text.out
    )
    # The week's best fresh match is on Today, on the one who needs it.
    today = cli("today", "--json").json()
    intros = [g for g in today if g["group"] == "introductions"]
    assert intros and intros[0]["items"][0]["kind"] == "introduce"
    assert intros[0]["items"][0]["contact"]["display_name"] == "Ada Lovelace"
    empty = cli("matches", "Zola")
    assert empty.code == 0 and "No matches" in empty.out


def _month_ago(n: int) -> str:
    today = date.today()
    y, m = divmod(today.month - 1 - n, 12)
    return f"{today.year + y:04d}-{m + 1:02d}"


def test_ledger_text_and_one_person(cli: CLI) -> None:
    add(cli, "Ada Lovelace", "Grace Hopper")
    for summary, kind, who in (
        ("Lent me a book", "help-received", "Ada"),
        ("Reviewed her talk", "help-given", "Grace"),
        ("Intro to a recruiter", "intro-received", "Grace"),
        ("Thanks for the intro", "thanks", "Grace"),
    ):
        assert cli("log", summary, "--with", who, "--kind", kind).code == 0
    text = cli("ledger")
    assert text.code == 0
    # The totals are all time, the months the last twelve: each says its period.
    assert text.out.splitlines()[:2] == [
        "everyone, all time: gave 1 · received 2 · thanks 1",
        f"  by month, the last 12 months: {_month_ago(11)} … {_month_ago(0)}",
    ]
    one = cli("ledger", "Grace", "--since", "2000-01-01").out.splitlines()
    assert one[0] == "Grace Hopper since 2000-01-01: gave 1 · received 1 · thanks 1"
    assert one[1].startswith("  by month: 2000-01 … ")
    assert "Helped you most, no thanks since:\n  Ada Lovelace: received 1, 1 not thanked" in (
        text.out
    )
    assert "You only ever ask:\n  Ada Lovelace: received 1, gave nothing" in text.out
    mine = cli("ledger", "Grace", "--since", "30 days ago", "--json").json()
    assert mine["person"]["gave"] == 1 and mine["person"]["received"] == 1
    assert [e["direction"] for e in mine["entries"]] == ["thanks", "received", "gave"]
    assert mine["since"] is not None
    bad = cli("ledger", "--since", "whenever")
    assert bad.code == 1 and "not a date" in bad.err


def test_path(cli: CLI) -> None:
    add(cli, "Ada", "Bob", "Cy", "Nobody")
    assert cli("relate", "Ada", "mentor", "Bob").code == 0
    assert (
        cli("event", "PyCon 2025", "--with", "Bob", "--with", "Cy", "--date", "2025-05-14").code
        == 0
    )
    found = cli("path", "Ada", "Cy", "--json").json()
    assert found["hops"] == 2
    assert [s["link"] for s in found["steps"]] == [
        None,
        "Ada is Bob's mentor",
        "met at PyCon 2025 (May 2025)",
    ]
    text = cli("path", "Ada", "Cy")
    assert text.out.splitlines() == [
        "Ada",
        "  └ Bob  (Ada is Bob's mentor)",
        "  └ Cy  (met at PyCon 2025 (May 2025))",
        "2 links",
    ]
    assert cli("archive", "Bob").code == 0
    assert cli("path", "Ada", "Cy").out.splitlines()[1] == (
        "  └ Bob (archived)  (Ada is Bob's mentor)"
    )
    none = cli("path", "Ada", "Nobody")
    assert none.code == 1 and "no chain of up to 6 links joins Ada and Nobody" in none.err
    assert cli("path", "Ada", "Cy", "--max", "0").code == 2


def test_capture_from_standard_input(cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    add(cli, "Ada Lovelace")
    monkeypatch.setattr("sys.stdin", io.StringIO("Linus, kernels\n, nameless\nGrace, x, nope\n"))
    bad = cli("capture", "PyCon 2025")
    assert bad.code == 1 and bad.out == ""
    assert bad.err.splitlines() == [
        "kinship: line 2: no name",
        "kinship: line 3: not an email address: 'nope'",
        "kinship: nothing captured: fix those lines and run it again",
    ]
    assert len(cli("contacts", "--json").json()) == 1

    monkeypatch.setattr(
        "sys.stdin",
        io.StringIO("# PyCon\nLinus Torvalds, kernels, linus@example.org\nada lovelace, engines\n"),
    )
    report = cli("capture", "PyCon 2025", "--date", "today", "--json")
    assert report.code == 0, report.err
    got = report.json()
    assert got["event"]["created"] is True and got["event"]["date"] == date.today().isoformat()
    assert [(p["contact"]["display_name"], p["status"], p["line"]) for p in got["people"]] == [
        ("Linus Torvalds", "new", 2),
        ("Ada Lovelace", "known", 3),
    ]

    def meeting() -> set[str]:
        due = cli("due", "--json").json()
        return {i["contact"]["display_name"] for i in due if i["kind"] == "nice-to-meet"}

    assert meeting() == {"Linus Torvalds", "Ada Lovelace"}
    assert cli("log", "Nice to meet you", "--with", "Linus", "--kind", "message").code == 0
    assert meeting() == {"Ada Lovelace"}

    monkeypatch.setattr("sys.stdin", io.StringIO("Linus Torvalds, kernels again\n"))
    again = cli("capture", "PyCon 2025")
    assert again.code == 0 and "Linus Torvalds (again) — kernels again" in again.out
    assert "PyCon 2025" in again.out and "found" in again.out


def test_done_on_an_introduction_step_says_where_it_moved(cli: CLI) -> None:
    cli("add", "Ben Bianchi")
    cli("add", "Olga Zhang")
    assert cli("intro", "Ben", "Olga").code == 0
    r = cli("done", "Olga Zhang", "--kind", "intro-ask")
    assert r.code == 0, r.err
    assert "introduction #1 (Ben Bianchi → Olga Zhang) is now asked" in r.out
    assert cli("intros", "--json").json()[0]["status"] == "asked"


def test_capture_and_show_read_right_for_one_person(
    cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Linus Torvalds, kernels\n"))
    r = cli("capture", "X meetup")
    assert r.code == 0, r.err
    assert r.out.splitlines()[0].endswith(": 1 person")
    shown = cli("show", "Linus").out
    assert "  met at X meetup: kernels" in shown.splitlines()
    assert "met: met" not in shown
    cli("add", "Ann", "--met", "neighbour", "--every", "1")
    assert {"  met: neighbour", "  check in every 1 day"} <= set(
        cli("show", "Ann").out.splitlines()
    )


def test_capture_reports_every_problem_in_one_pass(
    cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(cli, "Alex Kim", "Alex Kim")
    monkeypatch.setattr(
        "sys.stdin", io.StringIO("Linus, x, nope\nAlex Kim, which?\nlinus, again\n")
    )
    r = cli("capture", "Meetup")
    assert r.code == 1
    assert r.err.splitlines() == [
        "kinship: line 1: not an email address: 'nope'",
        "kinship: line 2: 2 contacts are called Alex Kim; add the email of the one you met",
        "kinship: line 3: linus is already on line 1",
        "kinship: nothing captured: fix those lines and run it again",
    ]
    assert len(cli("contacts", "--json").json()) == 2
