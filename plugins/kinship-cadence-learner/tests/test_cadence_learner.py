"""The cadence learner over hand-made snapshots (plain pytest, kinship installed)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from kinship.records import ContactSnapshot, Strategy, Suggestion

import kinship_cadence_learner as learner

TODAY = date(2026, 12, 1)


def every(gap: int, count: int, last: date) -> list[date]:
    """``count`` interaction dates ``gap`` days apart, the last on ``last``."""
    return [last - timedelta(days=gap * i) for i in reversed(range(count))]


def snap(dates: list[date], **kw: Any) -> ContactSnapshot:
    return ContactSnapshot("ada", "Ada Lovelace", interaction_dates=dates, **kw)


def run(snapshot: ContactSnapshot, today: date = TODAY) -> list[Suggestion]:
    return list(learner.suggest(snapshot, today))


def test_registers_one_strategy() -> None:
    registered: list[Strategy] = []
    learner.kinship_register_followup_strategies(registered.append)
    assert [s.name for s in registered] == ["cadence-learner"]
    assert registered[0].suggest is learner.suggest
    assert hasattr(learner.kinship_register_followup_strategies, "kinship_impl")


def test_cooling_relationship_gets_a_check_in() -> None:
    last = TODAY - timedelta(days=40)
    [got] = run(snap(every(21, 5, last)))
    assert got.reason == "you usually talk every ~21 days; last talked on Oct 22, 2026 (cooling)"
    assert (got.kind, got.strategy, got.contact_uid) == ("check-in", "cadence-learner", "ada")
    # 1.5 × 21 = 31.5: cooling from day 32 after the last interaction
    assert got.due == last + timedelta(days=32)
    assert got.priority == learner.PRIORITY


def test_within_the_usual_rhythm_is_quiet() -> None:
    assert run(snap(every(21, 5, TODAY - timedelta(days=31)))) == []
    assert len(run(snap(every(21, 5, TODAY - timedelta(days=32))))) == 1


def test_needs_four_interactions() -> None:
    assert run(snap(every(10, 3, TODAY - timedelta(days=100)))) == []
    assert run(snap(every(10, 4, TODAY - timedelta(days=100))))


def test_same_day_interactions_count_once() -> None:
    dates = every(10, 3, TODAY - timedelta(days=100))
    assert run(snap([*dates, dates[-1], dates[-1]])) == []


def test_median_ignores_one_long_gap() -> None:
    # gaps 7, 7, 7, 200: the median is 7, so 20 days of silence is cooling
    last = TODAY - timedelta(days=20)
    dates = [last - timedelta(days=d) for d in (221, 21, 14, 7, 0)]
    [got] = run(snap(dates))
    assert got.reason == "you usually talk every ~7 days; last talked on Nov 11, 2026 (cooling)"


def test_factor_setting() -> None:
    dates = every(20, 5, TODAY - timedelta(days=35))
    assert run(snap(dates))
    assert run(snap(dates, settings={"cadence-learner": {"factor": 2}})) == []
    # nonsense falls back to the default
    assert run(snap(dates, settings={"cadence-learner": {"factor": "lots"}}))


def test_daily_rhythm_wording() -> None:
    [got] = run(snap(every(1, 6, TODAY - timedelta(days=3))))
    assert got.reason == "you usually talk every day; last talked on Nov 28, 2026 (cooling)"


def test_contacts_with_a_cadence_are_left_to_the_cadence_strategy() -> None:
    dates = every(21, 5, TODAY - timedelta(days=40))
    assert run(snap(dates, cadence_days=30)) == []
    keep = {"cadence-learner": {"skip_if_cadence": False}}
    assert run(snap(dates, cadence_days=30, settings=keep))


@pytest.mark.parametrize(
    "extra",
    [{"archived": True}, {"snoozed_until": TODAY + timedelta(days=1)}],
)
def test_archived_or_snoozed_get_nothing(extra: dict[str, Any]) -> None:
    assert run(snap(every(21, 5, TODAY - timedelta(days=40)), **extra)) == []


def test_a_later_last_interaction_resets_it() -> None:
    dates = every(21, 5, TODAY - timedelta(days=40))
    recent = datetime(2026, 11, 28, 9, tzinfo=UTC)
    assert (
        run(snap(dates, last_interaction_at=recent, settings={"cadence-learner": {"tz": "UTC"}}))
        == []
    )


def test_last_interaction_is_read_in_the_configured_zone() -> None:
    # 23:30 UTC on Oct 1 is Oct 2 in Berlin: 60 days of silence there, 61 in UTC.
    dates = every(30, 4, date(2026, 9, 1))
    late = datetime(2026, 10, 1, 23, 30, tzinfo=UTC)
    [utc] = run(snap(dates, last_interaction_at=late, settings={"cadence-learner": {"tz": "UTC"}}))
    berlin_settings = {"cadence-learner": {"tz": "Europe/Berlin"}}
    [berlin] = run(snap(dates, last_interaction_at=late, settings=berlin_settings))
    assert utc.reason.endswith("last talked on Oct 1, 2026 (cooling)")
    assert berlin.reason.endswith("last talked on Oct 2, 2026 (cooling)")


def test_future_dates_are_ignored() -> None:
    dates = [*every(21, 5, TODAY - timedelta(days=40)), TODAY + timedelta(days=3)]
    assert len(run(snap(dates))) == 1


def test_exactly_factor_times_the_gap_is_not_yet_cooling() -> None:
    # gap 20, factor 1.5: day 30 is still fine, day 31 is cooling (and due on day 31)
    assert run(snap(every(20, 4, TODAY - timedelta(days=30)))) == []
    last = TODAY - timedelta(days=31)
    [got] = run(snap(every(20, 4, last)))
    assert got.due == last + timedelta(days=31) == TODAY


def test_changes_is_never_late_and_names_the_day_cooling_starts() -> None:
    """``changes``: until the day it names, ``suggest`` answers as it does today."""
    last = TODAY - timedelta(days=20)
    dates = [*every(21, 5, last), TODAY + timedelta(days=10)]
    snapshots = [
        snap(dates),
        snap(every(21, 5, last), snoozed_until=TODAY + timedelta(days=4)),
        snap(every(21, 5, TODAY - timedelta(days=40))),
        snap(every(1, 6, TODAY - timedelta(days=2))),
    ]
    # Cooling from day 32 after the last interaction; the logged day ahead comes first.
    assert learner.changes(snapshots[0], TODAY) == TODAY + timedelta(days=10)
    assert learner.changes(snap(every(21, 5, last)), TODAY) == last + timedelta(days=32)
    for start in range(0, 40):
        today = TODAY + timedelta(days=start)
        for snapshot in snapshots:
            change = learner.changes(snapshot, today)
            now = list(learner.suggest(snapshot, today))
            day = today + timedelta(days=1)
            while day < (change or today + timedelta(days=60)):
                assert list(learner.suggest(snapshot, day)) == now, (today, day, change)
                day += timedelta(days=1)
