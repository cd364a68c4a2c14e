"""Each builtin strategy's ``changes`` is never late: until the day it names, ``suggest``
answers exactly as it does today (same kind, due, reason, priority) for the same snapshot.

This is what lets the daily catch-up ask again only about the people whose day has come
(``contact.recheck_on``): a late day would leave a stale suggestion on someone's list.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinship.builtin.strategies import default_strategies
from kinship.records import (
    CaptureStep,
    ContactSnapshot,
    IntroductionStep,
    LifeEvent,
    MatchHint,
    PartialDate,
)

STRATEGIES = default_strategies()
#: Every day up to the change (or this many days when there is none) is compared.
SPAN = 120


def _near() -> st.SearchStrategy[int]:
    """Days from today: mostly close by (where the windows open and close), some far."""
    return st.integers(-16, 16) | st.integers(-60, 60) | st.integers(-400, 400)


#: The test's today. Shared: every draw of it in one example is the same day, so the
#: snapshots' dates are drawn around it by one strategy built once (building the strategy
#: anew for each example's day was most of this test's time).
TODAY = st.shared(st.dates(date(2025, 11, 1), date(2027, 3, 1)), key="today")


def snapshots() -> st.SearchStrategy[ContactSnapshot]:
    def days() -> st.SearchStrategy[date]:
        return st.builds(lambda day, n: day + timedelta(days=n), TODAY, _near())

    def moments() -> st.SearchStrategy[datetime]:
        return st.builds(
            lambda d, h: datetime.combine(d, time(h), tzinfo=UTC), days(), st.integers(0, 23)
        )

    partial = st.builds(
        lambda d, y: PartialDate(d.month, d.day, y),
        days(),
        st.none() | st.integers(488, 505).map(lambda k: 4 * k),
    )
    intro = st.builds(
        IntroductionStep,
        id=st.integers(1, 5),
        status=st.sampled_from(["proposed", "asked", "made"]),
        role=st.sampled_from(["person", "to"]),
        person=st.just("Ada"),
        to=st.just("Grace"),
        since=moments(),
        why=st.sampled_from(["", "mentoring"]),
    )
    return st.builds(
        ContactSnapshot,
        uid=st.sampled_from(["u1", "u2", "kinship-x"]),
        display_name=st.just("Ada"),
        cadence_days=st.none() | st.integers(1, 20) | st.integers(1, 90),
        birthday=st.none() | partial,
        anniversary=st.none() | partial,
        last_interaction_at=st.none() | moments(),
        created_at=st.none() | moments(),
        last_by_kind=st.dictionaries(
            st.sampled_from(["thanks", "congratulation", "condolence", "help-given", "gift"]),
            moments(),
            max_size=3,
        ),
        life_events=st.lists(
            st.builds(LifeEvent, st.sampled_from(LIFE_KINDS), days(), st.just("x")), max_size=3
        ),
        unthanked=st.lists(moments(), max_size=3),
        given=st.integers(0, 5),
        received=st.integers(0, 12),
        snoozed_until=st.none() | st.none() | days(),
        archived=st.sampled_from([False, False, False, True]),
        settings=_settings(),
        introductions=st.lists(intro, max_size=3),
        captures=st.lists(
            st.builds(CaptureStep, st.just("PyCon"), moments(), st.just("")), max_size=2
        ),
        match=st.none()
        | st.builds(
            MatchHint,
            need=st.just("a job"),
            offerer=st.just("Grace"),
            offer=st.just("jobs"),
            week=days().map(lambda d: d - timedelta(days=d.weekday())),
        ),
    )


LIFE_KINDS = ["new-job", "wedding", "loss", "illness", "baby", "birthday-party"]


def _settings() -> st.SearchStrategy[dict[str, Any]]:
    small = st.integers(0, 12)
    return st.fixed_dictionaries(
        {
            "cadence": st.fixed_dictionaries({"lead_days": small, "grace_days": small}),
            "occasions": st.fixed_dictionaries({"lead_days": small, "recent_days": small}),
            "give-first": st.fixed_dictionaries(
                {"every_days": st.integers(1, 12), "show_days": small, "quiet_days": small}
            ),
            "appreciation": st.fixed_dictionaries(
                {"within_days": small, "max_age_days": st.integers(0, 40)}
            ),
            "new-people": st.fixed_dictionaries(
                {"within_days": st.integers(1, 5), "sprint_days": small}
            ),
            "introductions": st.fixed_dictionaries({"make_days": small, "how_days": small}),
        }
    ) | st.just({})


def _answer(strategy: Any, snapshot: ContactSnapshot, day: date) -> list[tuple[Any, ...]]:
    return sorted((s.kind, s.due, s.reason, s.priority) for s in strategy.suggest(snapshot, day))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(today=TODAY, snapshot=snapshots())
def test_no_builtin_strategy_answers_differently_before_the_day_it_names(
    today: date, snapshot: ContactSnapshot
) -> None:
    for strategy in STRATEGIES:
        assert strategy.changes is not None, strategy.name
        change = strategy.changes(snapshot, today)
        assert change is None or change > today, (strategy.name, change)
        now = _answer(strategy, snapshot, today)
        last = change - timedelta(days=1) if change is not None else today + timedelta(SPAN)
        day = today + timedelta(days=1)
        while day <= min(last, today + timedelta(SPAN)):
            assert _answer(strategy, snapshot, day) == now, (strategy.name, today, day, change)
            day += timedelta(days=1)


def test_a_check_in_names_the_days_it_comes_up_is_due_and_is_overdue() -> None:
    cadence = STRATEGIES[0]
    assert cadence.changes is not None
    last = datetime(2026, 3, 1, 12, tzinfo=UTC)
    snap = ContactSnapshot(
        uid="u",
        display_name="Ada",
        cadence_days=30,
        last_interaction_at=last,
        settings={"cadence": {"lead_days": 3, "grace_days": 6, "tz": "UTC"}},
    )
    # Due Mar 31: shown from Mar 28, due on Mar 31, overdue from Apr 7; then it holds.
    assert cadence.changes(snap, date(2026, 3, 10)) == date(2026, 3, 28)
    assert cadence.changes(snap, date(2026, 3, 28)) == date(2026, 3, 31)
    assert cadence.changes(snap, date(2026, 3, 31)) == date(2026, 4, 7)
    # Overdue it holds until "Mar 1" needs its year, in the next one.
    assert cadence.changes(snap, date(2026, 4, 7)) == date(2027, 1, 1)
    (overdue,) = cadence.suggest(snap, date(2026, 5, 20))
    assert overdue.reason == "last talked on Mar 1; you planned every 30 days"


def _never_late(snapshot: ContactSnapshot, today: date) -> None:
    for strategy in STRATEGIES:
        assert strategy.changes is not None
        _never_late_for(strategy, snapshot, today)


def test_every_day_of_a_sprint_a_check_in_and_a_thanks_is_foreseen() -> None:
    """The main path of each window, swept day by day (random examples reach it rarely)."""
    today = date(2026, 6, 10)
    for offset in range(-30, 31):
        day = today + timedelta(days=offset)
        moment = datetime.combine(day, time(12), tzinfo=UTC)
        for settings_ in ({}, {"cadence": {"lead_days": 4}, "new-people": {"sprint_days": 3}}):
            _never_late(
                ContactSnapshot(
                    uid="u",
                    display_name="Ada",
                    cadence_days=20,
                    last_interaction_at=moment - timedelta(days=1),
                    captures=[CaptureStep("PyCon", moment)],
                    unthanked=[moment],
                    received=5,
                    birthday=PartialDate(day.month, day.day),
                    life_events=[LifeEvent("loss", day, "x")],
                    settings=settings_,
                ),
                today,
            )


def test_the_documented_every_monday_example_is_never_late() -> None:
    """docs/plugin-hooks.md's strategy with ``changes``, run as written."""
    import re
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "plugin-hooks.md").read_text()
    (block,) = [b for b in re.findall(r"```python\n(.*?)```", doc, re.S) if "def changes(" in b]
    found: list[Any] = []
    namespace: dict[str, Any] = {}
    exec(compile(block, "plugin-hooks.md", "exec"), namespace)
    namespace["kinship_register_followup_strategies"](found.append)
    (strategy,) = found
    snapshot = ContactSnapshot(uid="u", display_name="Ada")
    for n in range(14):
        _never_late_for(strategy, snapshot, date(2026, 11, 30) + timedelta(days=n))
    assert strategy.changes(snapshot, date(2026, 11, 30)) == date(2026, 12, 1)


def _never_late_for(strategy: Any, snapshot: ContactSnapshot, today: date) -> None:
    change = strategy.changes(snapshot, today)
    now = _answer(strategy, snapshot, today)
    day = today + timedelta(days=1)
    while day < (change or today + timedelta(SPAN)) and day <= today + timedelta(SPAN):
        assert _answer(strategy, snapshot, day) == now, (strategy.name, today, day, change)
        day += timedelta(days=1)
