"""The introductions and new-people strategies, over hand-made snapshots."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kinship.builtin import strategies as s
from kinship.records import CaptureStep, IntroductionStep, MatchHint

from .test_strategies import TODAY, ago, at, one, run, snap


def intro(status: str, role: str, days: int, why: str = "", n: int = 1) -> IntroductionStep:
    return IntroductionStep(n, status, role, "Ada", "Charles", ago(days), why)


# --------------------------------------------------------------------------- introductions


def test_proposed_asks_the_one_introduced_to_from_the_day_it_was_proposed() -> None:
    got = one(
        s.introductions, snap(display_name="Charles", introductions=[intro("proposed", "to", 9)])
    )
    assert (got.kind, got.due, got.priority, got.strategy) == (
        "intro-ask",
        TODAY - timedelta(days=9),
        s.PRIORITY["intro-step"],
        "introductions",
    )
    assert got.reason == "you offered to introduce Ada to Charles on Nov 22; ask Charles"


def test_the_other_side_of_a_proposed_introduction_gets_nothing() -> None:
    assert run(s.introductions, snap(introductions=[intro("proposed", "person", 9)])) == []


def test_asked_becomes_make_it_after_make_days() -> None:
    waiting = snap(introductions=[intro("asked", "to", 2, why="React mentoring")])
    assert run(s.introductions, waiting) == []
    got = one(s.introductions, snap(introductions=[intro("asked", "to", 3, why="React")]))
    assert (got.kind, got.due) == ("intro-make", TODAY)
    assert got.reason == (
        "you asked Charles about meeting Ada on Nov 28; make the introduction "
        "(or mark it declined) (React)"
    )


def test_made_asks_how_it_went_two_weeks_later_on_the_person_introduced() -> None:
    assert run(s.introductions, snap(introductions=[intro("made", "person", 13)])) == []
    assert run(s.introductions, snap(introductions=[intro("made", "to", 20)])) == []
    got = one(s.introductions, snap(introductions=[intro("made", "person", 14)]))
    assert (got.kind, got.due, got.priority) == ("intro-how", TODAY, s.PRIORITY["intro-how"])
    assert got.reason == "you introduced Ada to Charles on Nov 17; ask how it went"


def test_settings_move_the_steps() -> None:
    got = one(
        s.introductions,
        snap(
            introductions=[intro("made", "person", 7)],
            settings={"introductions": {"how_days": 7, "tz": "UTC"}},
        ),
    )
    assert got.kind == "intro-how"


def test_several_open_steps_of_one_kind_say_how_many_more() -> None:
    got = one(
        s.introductions,
        snap(introductions=[intro("proposed", "to", 5, n=1), intro("proposed", "to", 1, n=2)]),
    )
    assert got.due == TODAY - timedelta(days=5)
    assert got.reason.endswith("; and 1 more")


def test_the_weeks_match_is_suggested_on_the_one_who_needs_it() -> None:
    monday = TODAY - timedelta(days=TODAY.weekday())
    hint = MatchHint("a React mentor", "Charles", "React mentoring", monday)
    got = one(s.introductions, snap(match=hint))
    assert (got.kind, got.due, got.priority) == ("introduce", monday, s.PRIORITY["introduce"])
    assert got.reason == "needs: a React mentor; Charles offers: React mentoring; introduce them?"


# --------------------------------------------------------------------------- new people


def captured(days: int, phrase: str = "Rust compilers", on: date | None = None) -> CaptureStep:
    return CaptureStep("PyCon 2025", ago(days, hour=20), phrase, on)


def test_nice_to_meet_you_within_a_day() -> None:
    got = one(s.new_people, snap(captures=[captured(0)]))
    assert (got.kind, got.due, got.priority, got.strategy) == (
        "nice-to-meet",
        TODAY + timedelta(days=1),
        s.PRIORITY["nice-to-meet"],
        "new-people",
    )
    assert got.reason == "met at PyCon 2025 on Dec 1 (Rust compilers); say nice to meet you"
    assert one(s.new_people, snap(captures=[captured(1)])).kind == "nice-to-meet"


def test_then_a_real_follow_up_within_a_week_shown_until_the_sprint_ends() -> None:
    got = one(s.new_people, snap(captures=[captured(2, phrase="")]))
    assert (got.kind, got.due) == ("first-follow-up", TODAY + timedelta(days=5))
    assert got.reason.startswith("met at PyCon 2025 on Nov 29; follow up for real")
    assert one(s.new_people, snap(captures=[captured(14)])).kind == "first-follow-up"
    assert run(s.new_people, snap(captures=[captured(15)])) == []


def test_the_event_day_words_the_reason_the_capture_starts_the_clock() -> None:
    got = one(s.new_people, snap(captures=[captured(0, on=TODAY - timedelta(days=3))]))
    assert got.kind == "nice-to-meet"
    assert "met at PyCon 2025 on Nov 28" in got.reason


@pytest.mark.parametrize("hours_after", [1, 48])
def test_any_interaction_after_the_capture_ends_the_sprint(hours_after: int) -> None:
    capture = captured(3)
    after = capture.at + timedelta(hours=hours_after)
    assert run(s.new_people, snap(captures=[capture], last_interaction_at=after)) == []
    before = capture.at - timedelta(hours=1)
    assert run(s.new_people, snap(captures=[capture], last_interaction_at=before))


def test_the_latest_capture_counts() -> None:
    got = one(s.new_people, snap(captures=[captured(30), captured(0)]))
    assert got.kind == "nice-to-meet"


def test_sprint_settings() -> None:
    settings = {"new-people": {"within_days": 3, "sprint_days": 4, "tz": "UTC"}}
    got = one(s.new_people, snap(captures=[captured(2)], settings=settings))
    assert got.due == TODAY + timedelta(days=1)
    assert run(s.new_people, snap(captures=[captured(5)], settings=settings)) == []


def test_timed_capture_uses_the_zone_setting() -> None:
    late = CaptureStep("Meetup", at(TODAY - timedelta(days=2), 23, 30), "")
    east = {"new-people": {"tz": "Asia/Tokyo"}}
    # 23:30 UTC two days ago is already the next day in Tokyo: still within a day there.
    assert one(s.new_people, snap(captures=[late], settings=east)).kind == "nice-to-meet"
    assert one(s.new_people, snap(captures=[late])).kind == "first-follow-up"
