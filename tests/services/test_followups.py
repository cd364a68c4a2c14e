"""The follow-up engine on hand-made histories in a real temporary store, with a fixed today."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from playhouse.test_utils import count_queries

from kinship.builtin.strategies import default_strategies
from kinship.config import Settings
from kinship.records import Strategy, Suggestion
from kinship.sample import dataset
from kinship.services import checkin, contacts, events, followups, interactions
from kinship.store import close_store, open_store
from kinship.store.models import Contact, FollowUp

TODAY = date(2025, 6, 15)
UTC_SETTINGS = {n: {"tz": "UTC"} for n in ("cadence", "occasions", "appreciation", "give-first")}


def settings(**tables: Any) -> Settings:
    strategies = {k: dict(v) for k, v in UTC_SETTINGS.items()}
    for name, table in tables.pop("strategies", {}).items():
        strategies.setdefault(name, {}).update(table)
    return Settings(strategies=strategies, tags=tables.pop("tags", {}))


def use(today: date = TODAY, plugins: list[Strategy] | None = None, **kw: Any) -> followups.Engine:
    return followups.use(
        plugins if plugins is not None else default_strategies(), settings(**kw), today=today
    )


@pytest.fixture
def store(db_path: Any) -> Iterator[Any]:
    s = open_store(db_path)
    use()
    yield s
    followups.reset()
    close_store()


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def log(c: Contact, kind: str, day: date, summary: str = "x") -> None:
    interactions.log(summary, [c.uid], kind=kind, occurred_at=at(day))


def open_rows(c: Contact | None = None) -> list[tuple[str, str, date]]:
    q = FollowUp.select().where(FollowUp.status == "open")
    if c is not None:
        q = q.where(FollowUp.contact == c.id)
    return sorted((r.contact.display_name, r.kind, r.due) for r in q)


def due(today: date = TODAY, **kw: Any) -> list[tuple[str, str]]:
    return [(i.display_name, i.kind) for i in followups.due_items(today, **kw)]


# --------------------------------------------------------------------------- strategies


def test_cadence_overdue_and_no_interaction_yet(store: Any) -> None:
    ada = contacts.add("Ada", cadence_days=30)
    contacts.add("Bob", cadence_days=30)
    log(ada, "meeting", TODAY - timedelta(days=40))
    followups.recompute_all(TODAY)
    [a] = followups.due_items(TODAY, kind="check-in", within=0)[:1]
    assert (a.display_name, a.due, a.priority, a.strategy) == (
        "Ada",
        TODAY - timedelta(days=10),
        20,
        "cadence",
    )
    assert a.reason == "last talked on May 6; you planned every 30 days"
    b = [i for i in followups.due_items(TODAY) if i.display_name == "Bob"]
    assert [(i.kind, i.due) for i in b] == [("check-in", TODAY)]
    assert b[0].reason.startswith("no interaction logged yet")
    assert Contact.get_by_id(ada.id).next_due_at == TODAY - timedelta(days=10)


def test_any_interaction_resets_the_cadence_in_the_same_transaction(store: Any) -> None:
    ada = contacts.add("Ada", cadence_days=30)
    log(ada, "meeting", TODAY - timedelta(days=40))
    assert due() == [("Ada", "check-in")]
    log(ada, "gift-given", TODAY - timedelta(days=1))  # not a "check-in", still counts
    assert due() == []
    assert open_rows(ada) == []
    assert Contact.get_by_id(ada.id).next_due_at == TODAY + timedelta(days=29)


def test_birthday_across_the_year_boundary(store: Any) -> None:
    today = date(2024, 12, 28)
    use(today)
    contacts.add("Jan", birthday="--01-02")
    followups.recompute_all(today)
    [item] = followups.due_items(today)
    assert (item.kind, item.due, item.reason) == ("birthday", date(2025, 1, 2), "birthday on Jan 2")


def test_feb_29_birthday_falls_on_feb_28_in_common_years(store: Any) -> None:
    today = date(2025, 2, 25)
    use(today)
    contacts.add("Leap", birthday="2000-02-29")
    followups.recompute_all(today)
    [item] = followups.due_items(today)
    assert (item.kind, item.due, item.reason) == (
        "birthday",
        date(2025, 2, 28),
        "turns 25 on Feb 28",
    )


def test_life_event_added_shows_a_congratulation_at_once(store: Any) -> None:
    ada = contacts.add("Ada")
    events.add("Staff engineer", TODAY - timedelta(days=3), kind="new-job", people=[ada])
    [item] = followups.due_items(TODAY)
    assert item.kind == "congratulate" and "started a new job" in item.reason
    log(ada, "congratulation", TODAY - timedelta(days=1))
    assert due() == []


def test_appreciation_until_thanked(store: Any) -> None:
    bob = contacts.add("Bob")
    log(bob, "help-received", TODAY - timedelta(days=1))
    [item] = followups.due_items(TODAY)
    assert (item.kind, item.due, item.strategy) == (
        "thank",
        TODAY + timedelta(days=1),
        "appreciation",
    )
    log(bob, "thanks", TODAY)
    assert due() == []


def test_give_first(store: Any) -> None:
    use(strategies={"give-first": {"every_days": 1, "show_days": 1}})
    eve = contacts.add("Eve")
    for n in (10, 20, 30):
        log(eve, "help-received", TODAY - timedelta(days=n))
    log(eve, "thanks", TODAY - timedelta(days=5))
    assert due() == [("Eve", "offer-help")]
    log(eve, "help-given", TODAY)
    assert due() == []


def test_archived_contact_gets_nothing_and_its_rows_go(store: Any) -> None:
    ada = contacts.add("Ada", cadence_days=7)
    assert due() == [("Ada", "check-in")]
    contacts.set_archived(ada.uid)
    assert due() == [] and open_rows() == []
    followups.recompute_all(TODAY)
    assert open_rows() == []
    assert Contact.get_by_id(ada.id).next_due_at is None


def test_snoozed_contact_is_hidden_until_the_snooze_ends(store: Any) -> None:
    ada = contacts.add("Ada", cadence_days=7)
    log(ada, "call", TODAY - timedelta(days=10))
    assert due() == [("Ada", "check-in")]
    followups.snooze(ada.uid, TODAY + timedelta(days=3))
    assert due() == []
    assert Contact.get_by_id(ada.id).next_due_at == TODAY + timedelta(days=3)
    later = TODAY + timedelta(days=3)
    use(later)
    followups.refresh_stale(later)  # the daily catch-up wakes it
    assert due(later) == [("Ada", "check-in")]
    with pytest.raises(Exception, match="after today"):
        followups.snooze(ada.uid, later)


# --------------------------------------------------------------------------- upsert, done, dismiss


def test_recompute_is_idempotent(store: Any) -> None:
    ada = contacts.add("Ada", cadence_days=30, birthday="--06-18")
    log(ada, "meeting", TODAY - timedelta(days=40))
    followups.recompute_all(TODAY)
    before = [(r.id, r.kind, r.due, r.reason) for r in FollowUp.select().order_by(FollowUp.id)]
    report = followups.recompute_all(TODAY)
    after = [(r.id, r.kind, r.due, r.reason) for r in FollowUp.select().order_by(FollowUp.id)]
    assert report.changed == 0 and before == after and len(after) == 2


def test_most_urgent_suggestion_per_kind_wins(store: Any) -> None:
    def mild(snapshot: Any, today: date) -> Any:
        yield Suggestion(snapshot.uid, "check-in", today, "mild", 90, "mild")

    def urgent(snapshot: Any, today: date) -> Any:
        yield Suggestion(snapshot.uid, "check-in", today, "urgent", 5, "urgent")

    use(plugins=[Strategy("mild", "", mild), Strategy("urgent", "", urgent)])
    contacts.add("Ada")
    [item] = followups.due_items(TODAY)
    assert (item.reason, item.strategy) == ("urgent", "urgent")


def test_dismiss_is_for_this_occurrence(store: Any) -> None:
    ada = contacts.add("Ada", birthday="--06-18")
    assert due() == [("Ada", "birthday")]
    followups.dismiss(ada.uid)
    assert due() == []
    followups.recompute_all(TODAY)
    assert due() == []  # not resurrected
    next_year = date(2026, 6, 14)
    use(next_year)
    followups.recompute_all(next_year)
    assert [(i.kind, i.due) for i in followups.due_items(next_year)] == [
        ("birthday", date(2026, 6, 18))
    ]


def test_done_logs_the_matching_interaction(store: Any) -> None:
    bob = contacts.add("Bob", birthday="--06-17")
    log(bob, "help-received", TODAY - timedelta(days=1))
    with pytest.raises(Exception, match="--kind"):
        checkin.done(bob.uid)
    report = checkin.done(bob.uid, kind="thank", occurred_at=at(TODAY, 9))
    assert report.interaction_kind == "thanks"
    assert due() == [("Bob", "birthday")]
    assert FollowUp.get(FollowUp.kind == "thank").status == "done"
    followups.recompute_all(TODAY)
    assert due() == [("Bob", "birthday")]
    checkin.done(bob.uid, occurred_at=at(TODAY, 10))
    assert due() == []
    assert [i.kind for i in interactions.for_contact(bob)] == [
        "congratulation",
        "thanks",
        "help-received",
    ]
    with pytest.raises(Exception, match="nothing is due"):
        checkin.done(bob.uid)


# ------------------------------------------------------------------- strategy choice and config


def boom(snapshot: Any, today: date) -> Any:
    raise RuntimeError("kaput")


def test_a_strategy_that_raises_is_isolated(store: Any) -> None:
    eng = use(plugins=[Strategy("boom", "", boom), *default_strategies()])
    ada = contacts.add("Ada", cadence_days=30)
    log(ada, "meeting", TODAY - timedelta(days=40))
    contacts.add("Bob", birthday="--06-16")
    followups.recompute_all(TODAY)
    assert due() == [("Ada", "check-in"), ("Bob", "birthday")]
    assert eng.errors == {"boom": "RuntimeError: kaput"}


def test_per_contact_and_per_tag_strategy_choice(store: Any) -> None:
    use(tags={"quiet": {"strategies": ["occasions"]}, "mentors": {"cadence": 10}})
    contacts.add("Ada", cadence_days=7, birthday="--06-16", strategy="cadence")
    contacts.add("Bob", cadence_days=7, birthday="--06-16", tags=["quiet"])
    contacts.add("Cy", tags=["mentors"])
    followups.recompute_all(TODAY)
    assert due() == [("Ada", "check-in"), ("Cy", "check-in"), ("Bob", "birthday")]


def test_disabled_strategy_is_neither_run_nor_listed(store: Any) -> None:
    contacts.add("Ada", cadence_days=7, birthday="--06-16")
    assert sorted(due()) == [("Ada", "birthday"), ("Ada", "check-in")]
    use(strategies={"cadence": {"enabled": False}})
    assert due() == [("Ada", "birthday")]  # hidden at once
    followups.refresh_stale(TODAY)  # new signature → full recompute removes its rows
    assert [k for _, k, _ in open_rows()] == ["birthday"]


# --------------------------------------------------------------------------- staleness and scale


def test_refresh_stale_same_day_next_day_and_signature(store: Any) -> None:
    ada = contacts.add("Ada", cadence_days=30)
    log(ada, "meeting", TODAY - timedelta(days=29))
    assert followups.refresh_stale(TODAY).mode == "full"  # never computed before
    assert followups.refresh_stale(TODAY).mode == "fresh"
    assert due(within=0) == []
    tomorrow = TODAY + timedelta(days=1)
    use(tomorrow)
    report = followups.refresh_stale(tomorrow)
    assert report.mode == "catch-up"
    assert due(tomorrow, within=0) == [("Ada", "check-in")]
    use(tomorrow, strategies={"cadence": {"lead_days": 2}})
    assert followups.refresh_stale(tomorrow).mode == "full"


@pytest.mark.slow
def test_due_list_at_10k_contacts_is_a_bounded_number_of_queries(store: Any) -> None:
    dataset.generate(10_000, 20_000, today=TODAY, index_search=False, recompute=False)
    with count_queries() as full:
        followups.refresh_stale(TODAY)
    # 11 snapshot queries + a few for the rows, next_due_at and recheck_on per 1000-contact
    # chunk.
    assert full.count <= 10 * 26 + 10
    with count_queries() as counter:
        followups.refresh_stale(TODAY)
        items = followups.due_items(TODAY)
    assert counter.count <= 3
    assert len(items) > 100
    tomorrow = TODAY + timedelta(days=1)
    use(tomorrow)
    report = followups.refresh_stale(tomorrow)
    # Only the people whose suggestions change tomorrow: a check-in coming up or due, a
    # birthday coming into the lead window, a window closing; a few percent of them.
    assert report.mode == "catch-up" and 0 < report.contacts < 10_000 // 20


def test_due_list_is_a_bounded_number_of_queries_per_chunk(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 10k test above in small (it runs with ``-m slow``): chunks of 10 contacts, and of
    5 for next_due_at, instead of 1000 and 500."""
    from kinship.services import snapshots
    from kinship.services.followups import compute

    monkeypatch.setattr(snapshots, "CHUNK", 10)
    monkeypatch.setattr(compute, "CHUNK", 5)
    n = 60
    dataset.generate(n, 2 * n, today=TODAY, index_search=False, recompute=False)
    with count_queries() as full:
        followups.refresh_stale(TODAY)
    assert full.count <= 20 * (n // 10) + 10, full.count
    with count_queries() as counter:
        followups.refresh_stale(TODAY)
        items = followups.due_items(TODAY)
    assert counter.count <= 3
    assert items
    # Which people tomorrow's catch-up asks about: the tests below, on a few people.


def test_the_daily_catch_up_asks_only_about_the_people_whose_day_has_come(store: Any) -> None:
    quiet = [contacts.add(f"Quiet {n}") for n in range(10)]
    ada = contacts.add("Ada", cadence_days=10)
    log(ada, "call", TODAY - timedelta(days=7))  # due in 3 days (no lead): then overdue
    assert followups.refresh_stale(TODAY).mode == "full"
    stored = dict(Contact.select(Contact.id, Contact.recheck_on).tuples())
    assert stored[ada.id] == TODAY + timedelta(days=3)
    assert {stored[q.id] for q in quiet} == {followups.NEVER}
    for n in (1, 2):
        use(TODAY + timedelta(days=n))
        report = followups.refresh_stale(TODAY + timedelta(days=n))
        assert (report.mode, report.contacts) == ("catch-up", 0)
    day = TODAY + timedelta(days=3)
    use(day)
    report = followups.refresh_stale(day)
    assert (report.mode, report.contacts, report.changed) == ("catch-up", 1, 1)
    assert open_rows() == [("Ada", "check-in", day)]
    # Due within the grace band (3 days for a 10-day cadence), overdue the day after.
    assert Contact.get_by_id(ada.id).recheck_on == day + timedelta(days=4)


def test_the_catch_up_writes_in_small_transactions(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's writes wait for the lock while a chunk is written: chunks stay small."""
    from kinship.services.followups import compute

    for n in range(compute.CATCH_UP_CHUNK + 10):
        contacts.add(f"P{n}", cadence_days=10)
    followups.refresh_stale(TODAY)
    sizes: list[int] = []
    real = compute._recompute_chunk

    def counted(ids: list[int], *args: Any) -> int:
        sizes.append(len(ids))
        return real(ids, *args)

    monkeypatch.setattr(compute, "_recompute_chunk", counted)
    use(TODAY + timedelta(days=1))
    Contact.update(recheck_on=None).execute()
    report = followups.refresh_stale(TODAY + timedelta(days=1))
    assert report.contacts == compute.CATCH_UP_CHUNK + 10
    assert sizes == [compute.CATCH_UP_CHUNK, 10]


def test_a_missed_day_is_caught_up_and_unknown_days_are_asked_about(store: Any) -> None:
    ada = contacts.add("Ada", cadence_days=10)
    log(ada, "call", TODAY - timedelta(days=7))
    bob = contacts.add("Bob", cadence_days=10)
    followups.refresh_stale(TODAY)
    # An older version (or a bulk insert) left Bob's day unknown.
    Contact.update(recheck_on=None).where(Contact.id == bob.id).execute()
    later = TODAY + timedelta(days=5)  # Ada's day (TODAY + 3) passed unseen
    use(later)
    report = followups.refresh_stale(later)
    assert (report.mode, report.contacts) == ("catch-up", 2)
    assert ("Ada", "check-in") in due(later, within=0)


def test_a_strategy_without_changes_is_asked_daily_where_it_suggests_weekly_elsewhere(
    store: Any,
) -> None:
    def nudge(snapshot: Any, today: date) -> Iterator[Suggestion]:
        if snapshot.display_name.startswith("Nudge"):
            yield Suggestion(snapshot.uid, "nudge", today, "a nudge")

    plugin = Strategy("nudger", "nudges some", nudge)
    use(plugins=[plugin])
    nudged = [contacts.add(f"Nudge {n}") for n in range(2)]
    people = [contacts.add(f"Quiet {n}") for n in range(3 * followups.SLICES)]
    assert followups.refresh_stale(TODAY).mode == "full"
    tomorrow = TODAY + timedelta(days=1)
    use(tomorrow, plugins=[plugin])
    report = followups.refresh_stale(tomorrow)
    in_slice = {p.id for p in people if p.id % followups.SLICES == tomorrow.toordinal() % 7}
    assert len(in_slice) == 3
    assert report.mode == "catch-up" and report.contacts == len(in_slice) + len(nudged)
    assert due(tomorrow, within=0).count(("Nudge 0", "nudge")) == 1


def test_a_changes_that_raises_or_gives_no_date_fails_its_strategy(store: Any) -> None:
    def quiet(snapshot: Any, today: date) -> Iterator[Suggestion]:
        return iter(())

    def wrong(snapshot: Any, today: date) -> Any:
        return "tomorrow"

    contacts.add("Ada")
    eng = use(plugins=[Strategy("wrong", "says a word", quiet, changes=wrong)])
    followups.recompute_all(TODAY)
    assert "wrong" in eng.failed and "not a date" in eng.errors["wrong"]


def test_due_counts_and_today_pages_agree_with_the_full_list(store: Any) -> None:
    """The counts (due rows less those of archived and snoozed people) and Today's page of
    each group (one query per kind, merged) give what the full due list gives."""
    people = [contacts.add(f"P{i:02d}", cadence_days=7) for i in range(12)]
    for i, c in enumerate(people):
        log(c, "help-received" if i % 3 == 0 else "meeting", TODAY - timedelta(days=8 + i))
    hidden = people[:4]
    for c in hidden:
        FollowUp.create(contact=c, due=TODAY, reason="promised", kind="promise", origin="manual")
    followups.recompute_all(TODAY)
    contacts.set_archived(hidden[0].uid, True)
    followups.snooze(hidden[1].uid, TODAY + timedelta(days=3))
    # A snooze that ends today shows again (set as a past snooze leaves it).
    Contact.update(snoozed_until=TODAY).where(Contact.id == hidden[2].id).execute()

    listed = followups.due_items(TODAY)
    by_kind: dict[str, int] = {}
    for item in listed:
        by_kind[item.kind] = by_kind.get(item.kind, 0) + 1
    assert followups.due_counts(TODAY) == by_kind
    assert {"P00", "P01"}.isdisjoint(i.display_name for i in listed)
    assert "P02" in {i.display_name for i in listed}

    full = followups.today_groups(TODAY, refresh=False)
    for limit in (1, 2, 5, 100):
        paged = followups.today_groups(TODAY, refresh=False, limit=limit)
        assert [(g.key, g.total) for g in paged] == [(g.key, g.total) for g in full]
        for page, whole in zip(paged, full, strict=True):
            assert whole.total == len(whole.items)
            assert list(page.items) == list(whole.items[:limit])


@pytest.mark.sqlite_only("reads SQLite's query plan")
def test_the_due_badge_reads_the_persons_own_rows_not_every_open_one(store: Any) -> None:
    """The contact list's badge is a subquery per row: by the (status, due) index it walked
    every open follow-up for each of a page's rows (170 ms a page at 100k)."""
    from kinship.store import current

    query = Contact.select(Contact.id, followups.due_date_column(TODAY)).limit(20)
    sql, params = query.sql()
    plan = " ".join(
        str(r[-1]) for r in current().db.execute_sql("EXPLAIN QUERY PLAN " + sql, params)
    )
    assert "follow_up_contact_id" in plan and "status_due" not in plan, plan
