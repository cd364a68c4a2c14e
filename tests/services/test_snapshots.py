"""Snapshots are built set-based: what each field holds, and a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from playhouse.test_utils import count_queries

from kinship.builtin.strategies import default_strategies
from kinship.config import Settings
from kinship.records import LifeEvent, PartialDate
from kinship.services import contacts, events, followups, interactions, snapshots
from kinship.store import close_store, open_store
from kinship.store.models import Contact, FollowUp

TODAY = date(2025, 6, 15)


@pytest.fixture
def store(db_path: Any) -> Iterator[Any]:
    s = open_store(db_path)
    followups.use(default_strategies(), Settings(), today=TODAY)
    yield s
    followups.reset()
    close_store()


def at(days_ago: int, hour: int = 12) -> datetime:
    d = TODAY - timedelta(days=days_ago)
    return datetime(d.year, d.month, d.day, hour, tzinfo=UTC)


def log(c: Contact, kind: str, days_ago: int) -> None:
    interactions.log("x", [c.uid], kind=kind, occurred_at=at(days_ago))


def test_snapshot_fields(store: Any) -> None:
    ada = contacts.add(
        "Ada", birthday="1815-12-10", anniversary="--06-03", tags=["Mentors"], strategy="cadence"
    )
    contacts.set_tag_cadence("Mentors", 60)
    log(ada, "meeting", 100)
    log(ada, "help-received", 50)
    log(ada, "thanks", 40)
    log(ada, "gift-received", 30)
    log(ada, "help-received", 3)
    log(ada, "help-given", 20)
    events.add("New role", TODAY - timedelta(days=10), kind="new-job", people=[ada])
    events.add("Old move", TODAY - timedelta(days=200), kind="move", people=[ada])
    events.add("Meetup", TODAY - timedelta(days=5), kind="networking", people=[ada])
    FollowUp.create(
        contact=ada.id, due=TODAY, kind="promise", reason="send the paper", origin="manual"
    )

    snap = snapshots.build([ada.id], today=TODAY).snapshots[ada.id]
    assert snap.uid == ada.uid and snap.display_name == "Ada"
    assert snap.birthday == PartialDate(12, 10, 1815) and snap.anniversary == PartialDate(6, 3)
    assert snap.cadence_days == 60  # from the tag
    assert snap.last_interaction_at == at(3)
    assert snap.last_by_kind["thanks"] == at(40) and snap.last_by_kind["help-received"] == at(3)
    assert snap.unthanked == [at(30), at(3)]  # after the last thanks only
    assert (snap.given, snap.received) == (1, 3)
    assert snap.life_events == [LifeEvent("new-job", TODAY - timedelta(days=10), "New role")]
    assert snap.open_promises == ["send the paper"]
    assert snap.tags == ["Mentors"] and snap.strategy == "cadence"
    assert len(snap.interaction_dates) == 6 and snap.interaction_dates == sorted(
        snap.interaction_dates
    )


def test_cadence_own_beats_tags_and_config_fills_in(store: Any) -> None:
    a = contacts.add("A", cadence_days=5, tags=["x"])
    b = contacts.add("B", tags=["x", "y"])
    c = contacts.add("C")
    contacts.set_tag_cadence("y", 40)
    config = snapshots.Config.from_settings(
        Settings(tags={"X": {"cadence": 20}, "y": {"cadence": 3}})
    )
    got = snapshots.effective_cadences([a.id, b.id, c.id], config)
    assert got == {a.id: 5, b.id: 20, c.id: None}  # store value 40 wins over config 3 for y


def test_dates_are_capped_and_queries_fixed_per_chunk(store: Any) -> None:
    people = [contacts.add(f"P{n}") for n in range(30)]
    for n in range(60):
        log(people[0], "call", n + 1)
    for p in people[1:]:
        log(p, "message", 2)
    snapshots.build([p.id for p in people], today=TODAY)  # the week's match is cached
    with count_queries() as counter:
        built = snapshots.build([p.id for p in people], today=TODAY)
    # Seven for the history, one each for introductions and captures, one to check that the
    # cached match of needs and offers still holds.
    assert counter.count == 9
    assert len(built.snapshots[people[0].id].interaction_dates) == snapshots.MAX_DATES
    assert built.snapshots[people[0].id].interaction_dates[-1] == TODAY - timedelta(days=1)


def test_config_enabled_and_max_lead() -> None:
    config = snapshots.Config.from_settings(
        Settings(
            strategies={
                "cadence": {"enabled": False, "lead_days": 3},
                "occasions": {"lead_days": 21},
            }
        )
    )
    assert not config.enabled("cadence") and config.enabled("occasions") and config.enabled("other")
    assert config.max_lead_days() == 21


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"])
def test_local_dates_match_a_zone_conversion_across_clock_changes(
    zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Interaction dates are local calendar days; the per-day offset cache gives what a
    conversion per moment gives, on the days the clocks change too."""
    import time as _time

    from kinship.services.snapshots import _LocalDates

    monkeypatch.setenv("TZ", zone)
    _time.tzset()
    try:
        local = _LocalDates()
        start = datetime(2025, 1, 1, tzinfo=UTC)
        for step in range(0, 365 * 24 * 4, 7):  # every 105 minutes through a year
            moment = start + timedelta(minutes=15 * step)
            assert local.date(moment) == moment.astimezone().date(), moment
    finally:
        monkeypatch.undo()
        _time.tzset()
