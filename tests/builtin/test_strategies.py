"""The builtin follow-up strategies, over hand-made snapshots with a fixed ``today``."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from kinship.builtin import strategies as s
from kinship.records import (
    CaptureStep,
    ContactSnapshot,
    IntroductionStep,
    LifeEvent,
    MatchHint,
    PartialDate,
    Suggestion,
)

TODAY = date(2026, 12, 1)


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def ago(days: int, hour: int = 12) -> datetime:
    return at(TODAY - timedelta(days=days), hour)


def snap(**kw: Any) -> ContactSnapshot:
    kw.setdefault("uid", "ada")
    kw.setdefault("display_name", "Ada Lovelace")
    settings = kw.pop("settings", {})
    # Pin the zone so results do not depend on the machine running the tests.
    for name in (
        "cadence",
        "occasions",
        "appreciation",
        "give-first",
        "introductions",
        "new-people",
    ):
        settings.setdefault(name, {}).setdefault("tz", "UTC")
    return ContactSnapshot(settings=settings, **kw)


def run(strategy: Any, snapshot: ContactSnapshot, today: date = TODAY) -> list[Suggestion]:
    return list(strategy(snapshot, today))


def one(strategy: Any, snapshot: ContactSnapshot, today: date = TODAY) -> Suggestion:
    found = run(strategy, snapshot, today)
    assert len(found) == 1, found
    return found[0]


# --------------------------------------------------------------------------- registration


def test_registers_the_builtin_strategies_through_the_hook() -> None:
    registered: list[Any] = []
    s.kinship_register_followup_strategies(registered.append)
    assert [x.name for x in registered] == [
        "cadence",
        "occasions",
        "appreciation",
        "give-first",
        "introductions",
        "new-people",
    ]
    assert all(x.description and callable(x.suggest) for x in registered)
    assert [x.name for x in s.default_strategies()] == [x.name for x in registered]


def test_hookimpl_is_marked_for_pluggy() -> None:
    assert hasattr(s.kinship_register_followup_strategies, "kinship_impl")


def busy_snapshot(**kw: Any) -> ContactSnapshot:
    """A contact every strategy would have something to say about."""
    return snap(
        cadence_days=30,
        last_interaction_at=ago(100),
        birthday=PartialDate(12, 3, 1985),
        life_events=[LifeEvent("new-job", TODAY - timedelta(days=3))],
        unthanked=[ago(5)],
        received=6,
        given=0,
        introductions=[IntroductionStep(1, "proposed", "to", "Bob", "Ada Lovelace", ago(2))],
        captures=[CaptureStep("PyCon", at(TODAY, 9), "Rust compilers")],
        match=MatchHint("a React mentor", "Charles", "React mentoring", TODAY),
        **kw,
    )


def test_the_busy_snapshot_gets_something_from_every_strategy() -> None:
    strategies = {x.name: x.suggest for x in s.default_strategies()}
    busy = busy_snapshot()
    give = snap(**{**_fields(busy), "uid": _uid_in_window()})
    for name, suggest in strategies.items():
        subject = give if name == "give-first" else busy
        assert list(suggest(subject, TODAY)), name


@pytest.mark.parametrize("snoozed_until", [TODAY + timedelta(days=1), date(2027, 6, 1)])
def test_snoozed_contacts_get_nothing_from_any_strategy(snoozed_until: date) -> None:
    busy = snap(**{**_fields(busy_snapshot()), "uid": _uid_in_window()})
    busy.snoozed_until = snoozed_until
    for strategy in s.default_strategies():
        assert list(strategy.suggest(busy, TODAY)) == [], strategy.name


def test_snooze_ending_today_no_longer_hides() -> None:
    busy = busy_snapshot(snoozed_until=TODAY)
    assert run(s.cadence, busy)


def test_archived_contacts_get_nothing_from_any_strategy() -> None:
    busy = snap(**{**_fields(busy_snapshot()), "uid": _uid_in_window(), "archived": True})
    for strategy in s.default_strategies():
        assert list(strategy.suggest(busy, TODAY)) == [], strategy.name


def test_strategies_are_deterministic_and_do_not_mutate_the_snapshot() -> None:
    busy = busy_snapshot()
    before = repr(busy)
    first = [list(x.suggest(busy, TODAY)) for x in s.default_strategies()]
    second = [list(x.suggest(busy, TODAY)) for x in s.default_strategies()]
    assert first == second
    assert repr(busy) == before


def _fields(snapshot: ContactSnapshot) -> dict[str, Any]:
    return {name: getattr(snapshot, name) for name in ContactSnapshot.__dataclass_fields__}


def _uid_in_window() -> str:
    """A uid whose give-first window (never given) is open on TODAY."""
    for n in range(1000):
        uid = f"u{n}"
        if run(s.give_first, snap(uid=uid, received=3)):
            return uid
    raise AssertionError("no uid in window")


# --------------------------------------------------------------------------- cadence


def test_cadence_without_cadence_suggests_nothing() -> None:
    assert run(s.cadence, snap(last_interaction_at=ago(400))) == []


def test_cadence_without_any_interaction_is_due_today() -> None:
    got = one(s.cadence, snap(cadence_days=30))
    assert (got.kind, got.due, got.strategy) == ("check-in", TODAY, "cadence")
    assert got.reason == "no interaction logged yet; you planned every 30 days"


def test_cadence_not_yet_due_is_quiet() -> None:
    assert run(s.cadence, snap(cadence_days=30, last_interaction_at=ago(29))) == []


def test_cadence_due_today() -> None:
    got = one(s.cadence, snap(cadence_days=30, last_interaction_at=ago(30)))
    assert got.due == TODAY
    assert got.reason == "last talked on Nov 1; you planned every 30 days"
    assert got.priority == s.PRIORITY["check-in-due"]


def test_cadence_overdue_past_grace_is_more_urgent() -> None:
    got = one(s.cadence, snap(cadence_days=30, last_interaction_at=ago(47)))
    assert got.kind == "check-in"
    assert got.due == TODAY - timedelta(days=17)
    # The reason says why, once: how overdue is the due date's to say (faces show it).
    assert got.reason == "last talked on Oct 15; you planned every 30 days"
    assert "overdue" not in got.reason
    due_now = one(s.cadence, snap(cadence_days=30, last_interaction_at=ago(30)))
    assert got.priority < due_now.priority


def test_cadence_grace_band_default_and_setting() -> None:
    # default grace for 30 days is max(3, 30 // 5) = 6
    inside = one(s.cadence, snap(cadence_days=30, last_interaction_at=ago(36)))
    assert inside.reason == "last talked on Oct 26; you planned every 30 days"
    assert inside.priority == s.PRIORITY["check-in-due"]
    past = one(s.cadence, snap(cadence_days=30, last_interaction_at=ago(37)))
    assert past.priority == s.PRIORITY["check-in-overdue"]
    # short cadences get at least 3 days
    weekly = one(s.cadence, snap(cadence_days=7, last_interaction_at=ago(10)))
    assert weekly.priority == s.PRIORITY["check-in-due"]
    strict = snap(
        cadence_days=30, last_interaction_at=ago(31), settings={"cadence": {"grace_days": 0}}
    )
    assert one(s.cadence, strict).priority == s.PRIORITY["check-in-overdue"]


def test_cadence_lead_days_shows_it_ahead() -> None:
    early = snap(
        cadence_days=30, last_interaction_at=ago(27), settings={"cadence": {"lead_days": 3}}
    )
    got = one(s.cadence, early)
    assert got.due == TODAY + timedelta(days=3)
    assert got.reason == "last talked on Nov 4; you planned every 30 days"
    assert got.priority == s.PRIORITY["check-in-soon"]
    too_early = snap(
        cadence_days=30, last_interaction_at=ago(26), settings={"cadence": {"lead_days": 3}}
    )
    assert run(s.cadence, too_early) == []


def test_cadence_resets_after_any_interaction() -> None:
    before = snap(cadence_days=30, last_interaction_at=ago(45), last_by_kind={"call": ago(45)})
    assert run(s.cadence, before)
    # a gift (not a "conversation") still counts: any kind resets the clock
    after = snap(
        cadence_days=30,
        last_interaction_at=ago(2),
        last_by_kind={"call": ago(45), "gift-given": ago(2)},
    )
    assert run(s.cadence, after) == []


def test_cadence_late_evening_utc_counts_in_the_local_zone() -> None:
    # 23:30 UTC on Nov 1 is already Nov 2 in Berlin, still Nov 1 in New York.
    late = datetime(2026, 11, 1, 23, 30, tzinfo=UTC)
    base = {"cadence_days": 30, "last_interaction_at": late}
    utc = snap(**base, settings={"cadence": {"tz": "UTC"}})
    berlin = snap(**base, settings={"cadence": {"tz": "Europe/Berlin"}})
    new_york = snap(**base, settings={"cadence": {"tz": "America/New_York"}})
    assert one(s.cadence, utc).due == TODAY
    assert one(s.cadence, new_york).due == TODAY
    assert run(s.cadence, berlin) == []
    assert one(s.cadence, berlin, TODAY + timedelta(days=1)).due == date(2026, 12, 2)


def test_cadence_defaults_to_the_system_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    late = datetime(2026, 11, 1, 23, 30, tzinfo=UTC)
    contact = ContactSnapshot("ada", "Ada", cadence_days=30, last_interaction_at=late)
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert run(s.cadence, contact) == []  # Nov 2 in Tokyo: due tomorrow
        monkeypatch.setenv("TZ", "America/Los_Angeles")
        time.tzset()
        assert one(s.cadence, contact).due == TODAY
    finally:
        monkeypatch.undo()
        time.tzset()


def test_cadence_bad_settings_fall_back_to_defaults() -> None:
    odd = snap(
        cadence_days=30,
        last_interaction_at=ago(47),
        settings={"cadence": {"lead_days": "soon", "grace_days": -4, "tz": "Mars/Olympus"}},
    )
    got = one(s.cadence, odd)
    assert got.due == TODAY - timedelta(days=17)
    assert got.priority == s.PRIORITY["check-in-overdue"]


def test_naive_datetimes_are_taken_as_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    # 23:30 on Nov 1 read as UTC is Nov 1; read as Los Angeles time it would be Nov 2 in UTC.
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        naive = datetime(2026, 11, 1, 23, 30)
        got = one(s.cadence, snap(cadence_days=30, last_interaction_at=naive))
        assert got.due == TODAY
    finally:
        monkeypatch.undo()
        time.tzset()


# --------------------------------------------------------------------------- occasions


def test_birthday_within_lead_with_age() -> None:
    got = one(s.occasions, snap(birthday=PartialDate(12, 10, 1985)), date(2026, 12, 3))
    assert (got.kind, got.due, got.strategy) == ("birthday", date(2026, 12, 10), "occasions")
    assert got.reason == "turns 41 on Dec 10"


def test_birthday_beyond_lead_is_quiet_and_lead_is_a_setting() -> None:
    ada = snap(birthday=PartialDate(12, 10, 1985))
    assert run(s.occasions, ada, date(2026, 12, 2)) == []
    ada.settings["occasions"]["lead_days"] = 14
    assert one(s.occasions, ada, date(2026, 12, 2)).due == date(2026, 12, 10)


def test_birthday_today_and_just_past() -> None:
    ada = snap(birthday=PartialDate(12, 1))
    assert one(s.occasions, ada).reason == "birthday on Dec 1"
    assert run(s.occasions, ada, date(2026, 12, 2)) == []


def test_birthday_without_year() -> None:
    got = one(s.occasions, snap(birthday=PartialDate.parse("--12-05")))
    assert got.reason == "birthday on Dec 5"
    assert got.due == date(2026, 12, 5)


def test_birthday_across_the_year_boundary() -> None:
    got = one(s.occasions, snap(birthday=PartialDate(1, 2, 1990)), date(2026, 12, 28))
    assert got.due == date(2027, 1, 2)
    assert got.reason == "turns 37 on Jan 2"


def test_feb_29_birthday_in_a_common_year_falls_on_feb_28() -> None:
    leapling = snap(birthday=PartialDate(2, 29, 2000))
    got = one(s.occasions, leapling, date(2027, 2, 25))
    assert got.due == date(2027, 2, 28)
    assert got.reason == "turns 27 on Feb 28"
    # on Mar 1 of a common year it is over
    assert run(s.occasions, leapling, date(2027, 3, 1)) == []


def test_feb_29_birthday_in_a_leap_year_is_on_feb_29() -> None:
    leapling = snap(birthday=PartialDate.parse("--02-29"))
    got = one(s.occasions, leapling, date(2028, 2, 25))
    assert got.due == date(2028, 2, 29)
    assert got.reason == "birthday on Feb 29"
    assert one(s.occasions, leapling, date(2028, 2, 29)).due == date(2028, 2, 29)


def test_anniversary_with_and_without_year() -> None:
    wed = one(s.occasions, snap(anniversary=PartialDate(12, 4, 2016)))
    assert (wed.kind, wed.due, wed.reason) == (
        "anniversary",
        date(2026, 12, 4),
        "10th anniversary on Dec 4",
    )
    plain = one(s.occasions, snap(anniversary=PartialDate(12, 4)))
    assert plain.reason == "anniversary on Dec 4"
    assert [s._ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th",
    ]  # fmt: skip


def test_birthday_satisfied_by_an_interaction_on_the_day() -> None:
    ada = snap(birthday=PartialDate(12, 1), last_interaction_at=at(TODAY, 8))
    assert run(s.occasions, ada) == []
    # talking the day before does not count as wishing a happy birthday
    ada.last_interaction_at = ago(1)
    assert run(s.occasions, ada)


@pytest.mark.parametrize("kind", ["new-job", "promotion", "wedding", "baby", "move", "graduation"])
def test_happy_life_events_ask_for_congratulations(kind: str) -> None:
    event = LifeEvent(kind, date(2026, 11, 20), "Staff engineer at Analytical Engines")
    got = one(s.occasions, snap(life_events=[event]))
    assert (got.kind, got.due) == ("congratulate", date(2026, 11, 21))
    assert "on Nov 20 (Staff engineer at Analytical Engines); congratulate them" in got.reason
    assert got.priority == s.PRIORITY["congratulate"]


def test_congratulation_logged_after_the_event_satisfies_it() -> None:
    event = LifeEvent("wedding", date(2026, 11, 20))
    ada = snap(life_events=[event], last_by_kind={"congratulation": at(date(2026, 11, 20), 18)})
    assert run(s.occasions, ada) == []
    # a congratulation for something earlier does not
    ada.last_by_kind = {"congratulation": at(date(2026, 11, 10))}
    assert one(s.occasions, ada).kind == "congratulate"


def test_any_interaction_since_the_step_date_satisfies_it() -> None:
    event = LifeEvent("promotion", date(2026, 11, 20))
    assert (
        run(s.occasions, snap(life_events=[event], last_interaction_at=at(date(2026, 11, 21))))
        == []
    )
    # talking on the day itself (before the news arrived) does not
    assert run(s.occasions, snap(life_events=[event], last_interaction_at=at(date(2026, 11, 20))))


def test_old_life_events_are_let_go() -> None:
    event = LifeEvent("new-job", TODAY - timedelta(days=40))
    assert run(s.occasions, snap(life_events=[event])) == []
    longer = snap(life_events=[event], settings={"occasions": {"recent_days": 60}})
    assert one(s.occasions, longer).kind == "congratulate"


def test_upcoming_life_event_within_lead() -> None:
    event = LifeEvent("wedding", TODAY + timedelta(days=3))
    got = one(s.occasions, snap(life_events=[event]))
    assert got.reason == "gets married on Dec 4; congratulate them"
    assert got.due == date(2026, 12, 5)
    assert (
        run(s.occasions, snap(life_events=[LifeEvent("wedding", TODAY + timedelta(days=10))])) == []
    )


def test_unknown_life_event_kinds_are_ignored() -> None:
    assert run(s.occasions, snap(life_events=[LifeEvent("birthday", TODAY)])) == []


def loss_on(day: date, **kw: Any) -> ContactSnapshot:
    return snap(life_events=[LifeEvent("loss", day, "her father")], **kw)


def test_loss_sequence_condole_then_check_ins() -> None:
    loss = date(2026, 10, 1)
    # the day after: condole
    got = one(s.occasions, loss_on(loss), date(2026, 10, 2))
    assert (got.kind, got.due) == ("condole", date(2026, 10, 2))
    assert got.reason == "suffered a loss on Oct 1 (her father); send your condolences"
    assert got.priority == s.PRIORITY["condole"]
    condoled = {"condolence": at(date(2026, 10, 2), 20)}
    assert run(s.occasions, loss_on(loss, last_by_kind=condoled), date(2026, 10, 3)) == []
    # two weeks on (lead 7 → it shows from Oct 8)
    wk2 = one(
        s.occasions,
        loss_on(loss, last_by_kind=condoled, last_interaction_at=at(date(2026, 10, 2), 20)),
        date(2026, 10, 8),
    )
    assert (wk2.kind, wk2.due) == ("check-in", date(2026, 10, 15))
    assert wk2.reason == "suffered a loss on Oct 1 (her father); 2 weeks on, ask how they are doing"
    assert wk2.priority == s.PRIORITY["life-check-in"]
    # checked in on Oct 16 → quiet until the six-week step shows (Nov 12 - 7 days)
    talked = at(date(2026, 10, 16))
    kw = {"last_by_kind": condoled, "last_interaction_at": talked}
    assert run(s.occasions, loss_on(loss, **kw), date(2026, 10, 20)) == []
    assert run(s.occasions, loss_on(loss, **kw), date(2026, 11, 4)) == []
    wk6 = one(s.occasions, loss_on(loss, **kw), date(2026, 11, 5))
    assert (wk6.kind, wk6.due) == ("check-in", date(2026, 11, 12))
    assert "6 weeks on" in wk6.reason
    # and after that step is done, nothing more
    kw["last_interaction_at"] = at(date(2026, 11, 12))
    assert run(s.occasions, loss_on(loss, **kw), date(2026, 11, 20)) == []


def test_loss_missed_condolence_gives_way_to_the_latest_step() -> None:
    loss = date(2026, 10, 1)
    got = one(s.occasions, loss_on(loss), date(2026, 10, 9))
    assert (got.kind, got.due) == ("check-in", date(2026, 10, 15))


def test_illness_has_no_six_week_step() -> None:
    ill = snap(
        life_events=[LifeEvent("illness", date(2026, 10, 1))],
        last_interaction_at=at(date(2026, 10, 15)),
    )
    assert run(s.occasions, ill, date(2026, 11, 5)) == []
    after = one(
        s.occasions, snap(life_events=[LifeEvent("illness", date(2026, 10, 1))]), date(2026, 10, 2)
    )
    assert after.kind == "check-in"


def illness_on(day: date, **kw: Any) -> ContactSnapshot:
    return snap(life_events=[LifeEvent("illness", day, "Surgery and recovery")], **kw)


def test_an_illness_ahead_is_wished_well_never_condoled() -> None:
    surgery = TODAY + timedelta(days=6)  # Dec 7
    got = one(s.occasions, illness_on(surgery))
    assert (got.kind, got.due) == ("wish-well", surgery - timedelta(days=1))
    assert got.reason == "faces an illness on Dec 7 (Surgery and recovery); wish them well"
    assert "condolence" not in got.reason and "how it went" not in got.reason
    assert got.priority == s.PRIORITY["wish-well"]
    # on the day itself it is still ahead of them
    on_the_day = one(s.occasions, illness_on(TODAY))
    assert on_the_day.kind == "wish-well" and "wish them well" in on_the_day.reason
    # wished well the day before: quiet until it has happened
    wished = illness_on(surgery, last_interaction_at=at(surgery - timedelta(days=1)))
    assert run(s.occasions, wished, surgery) == []


def test_after_an_illness_ask_how_it_went_then_how_they_are() -> None:
    surgery = date(2026, 11, 28)
    got = one(s.occasions, illness_on(surgery))  # three days on
    assert (got.kind, got.due) == ("check-in", date(2026, 11, 29))
    assert got.reason == "was unwell on Nov 28 (Surgery and recovery); ask how it went"
    later = one(s.occasions, illness_on(surgery), date(2026, 12, 8))
    assert later.reason.endswith("2 weeks on, ask how they are doing")


def test_condolences_only_for_a_loss() -> None:
    words = {
        kind: [
            one(s.occasions, snap(life_events=[LifeEvent(kind, day)]), today).reason
            for day, today in (
                (TODAY + timedelta(days=3), TODAY),  # ahead
                (TODAY, TODAY + timedelta(days=1)),  # just past
            )
        ]
        for kind in s.SEQUENCES
    }
    for kind, reasons in words.items():
        for reason in reasons:
            assert ("condolences" in reason) == (kind == "loss"), (kind, reason)
    assert words["loss"][0] == "mourns a loss on Dec 4; send your condolences"
    assert words["wedding"] == [
        "gets married on Dec 4; congratulate them",
        "got married on Dec 1; congratulate them",
    ]


def test_several_life_events_give_one_suggestion_each() -> None:
    events = [LifeEvent("move", date(2026, 11, 25)), LifeEvent("new-job", date(2026, 11, 20))]
    got = run(s.occasions, snap(life_events=events))
    assert [(x.kind, x.due) for x in got] == [
        ("congratulate", date(2026, 11, 21)),
        ("congratulate", date(2026, 11, 26)),
    ]


# --------------------------------------------------------------------------- appreciation


def test_thank_for_help_received() -> None:
    got = one(s.appreciation, snap(unthanked=[at(date(2026, 11, 30))]))
    assert (got.kind, got.due, got.strategy) == ("thank", date(2026, 12, 2), "appreciation")
    assert got.reason == "helped you on Nov 30; no thanks logged yet"
    assert got.priority == s.PRIORITY["thank"]


def test_thanks_overdue_counts_and_uses_the_earliest() -> None:
    got = one(s.appreciation, snap(unthanked=[at(date(2026, 11, 28)), at(date(2026, 11, 25))]))
    assert got.due == date(2026, 11, 27)
    assert got.reason == "helped you 2 times since Nov 25; no thanks logged yet"
    assert got.priority == s.PRIORITY["thank-overdue"]


def test_within_days_setting() -> None:
    ada = snap(unthanked=[at(date(2026, 11, 25))], settings={"appreciation": {"within_days": 7}})
    assert one(s.appreciation, ada).due == date(2026, 12, 2)


def test_nothing_unthanked_nothing_suggested() -> None:
    assert run(s.appreciation, snap(received=4)) == []


def test_thanks_logged_after_the_help_satisfies_it() -> None:
    ada = snap(unthanked=[at(date(2026, 11, 25))], last_by_kind={"thanks": at(date(2026, 11, 26))})
    assert run(s.appreciation, ada) == []
    # a thanks logged before newer help only covers the older one
    ada.unthanked = [at(date(2026, 11, 25)), at(date(2026, 11, 29))]
    got = one(s.appreciation, ada)
    assert got.reason == "helped you on Nov 29; no thanks logged yet"


def test_very_old_help_is_not_brought_up() -> None:
    ada = snap(unthanked=[at(date(2025, 3, 3))])
    assert run(s.appreciation, ada) == []
    ada.settings["appreciation"]["max_age_days"] = 1000
    assert one(s.appreciation, ada).reason == "helped you on Mar 3, 2025; no thanks logged yet"


# --------------------------------------------------------------------------- give-first


def in_window(**kw: Any) -> ContactSnapshot:
    """Gave long ago, so the cycle starts on a known day: gave + 90 = TODAY."""
    kw.setdefault("last_by_kind", {"intro-given": ago(90)})
    return snap(**kw)


def test_offer_help_where_you_mostly_received() -> None:
    got = one(s.give_first, in_window(received=5, given=1))
    assert (got.kind, got.due, got.strategy) == ("offer-help", TODAY, "give-first")
    assert got.reason == "you received 5 times and gave 1; offer an intro, advice or a resource"
    assert got.priority == s.PRIORITY["offer-help"]
    # Only the week's match of needs and offers is less urgent than offering help.
    assert got.priority == max(v for k, v in s.PRIORITY.items() if k != "introduce")
    assert s.PRIORITY["introduce"] == max(s.PRIORITY.values())


@pytest.mark.parametrize(
    ("received", "given", "expected"),
    [(1, 0, False), (2, 0, True), (2, 1, False), (3, 1, True), (4, 2, False), (5, 2, True)],
)
def test_balance_thresholds(received: int, given: int, expected: bool) -> None:
    assert bool(run(s.give_first, in_window(received=received, given=given))) is expected


def test_ratio_setting() -> None:
    assert (
        run(s.give_first, in_window(received=3, given=1, settings={"give-first": {"ratio": 3}}))
        == []
    )


def test_recent_giving_keeps_it_quiet() -> None:
    for days in (0, 30, 89):
        ada = snap(
            received=6, given=1, last_by_kind={"gift-given": ago(days), "help-received": ago(1)}
        )
        assert run(s.give_first, ada) == [], days


def test_latest_of_all_given_kinds_counts() -> None:
    ada = snap(received=6, given=2, last_by_kind={"intro-given": ago(200), "help-given": ago(10)})
    assert run(s.give_first, ada) == []


def test_give_first_is_rare_once_per_cycle() -> None:
    ada = in_window(received=6, given=1)
    shown = [d for d in range(120) if run(s.give_first, ada, TODAY + timedelta(days=d))]
    # 7 days out of every 60, the window's due date stable while shown
    assert shown == [*range(7), *range(60, 67)]
    dues = {one(s.give_first, ada, TODAY + timedelta(days=d)).due for d in range(7)}
    assert dues == {TODAY}


def test_give_first_cycle_settings() -> None:
    ada = in_window(
        received=6, given=1, settings={"give-first": {"every_days": 30, "show_days": 1}}
    )
    shown = [d for d in range(90) if run(s.give_first, ada, TODAY + timedelta(days=d))]
    assert shown == [0, 30, 60]


def test_never_given_contacts_are_spread_over_the_cycle() -> None:
    starts = set()
    for n in range(40):
        ada = snap(uid=f"contact-{n}", received=3)
        shown = [d for d in range(60) if run(s.give_first, ada, TODAY + timedelta(days=d))]
        assert 1 <= len(shown) <= 7
        starts.add(shown[0])
    assert len(starts) > 5
