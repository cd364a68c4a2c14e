"""The read layer both faces share: what each view returns, on a file store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kinship.services import contacts, events, interactions, notes, views
from kinship.store import Store

TODAY = date(2025, 3, 15)


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.mark.sqlite_only("the monthly counts below are checked on a file store too")
def test_the_store_is_a_file(store: Store) -> None:
    assert store.path is not None and store.path.exists()


def test_contact_detail_gathers_one_person(store: Store) -> None:
    ada = contacts.add(
        "Ada Lovelace",
        emails=["ada@example.org"],
        phones=["+44 20 7946 0000"],
        tags=["mentors", "inner circle"],
        organization="Analytical Engines",
        title="Countess",
        birthday="1815-12-10",
        cadence_days=30,
    )
    mary = contacts.add("Mary Somerville")
    interactions.log("Tea", [ada.uid, mary.uid], kind="call", occurred_at=_at(TODAY))
    notes.add(ada, "Wants the notes published", kind="goal", pinned=True)
    contacts.relate(ada.uid, mary.uid, "mentor")

    d = views.detail(ada.id, TODAY)
    assert d is not None
    assert (d.uid, d.name, d.org, d.title) == (
        ada.uid,
        "Ada Lovelace",
        "Analytical Engines",
        "Countess",
    )
    assert (d.emails, d.phones, d.tags) == (
        ["ada@example.org"],
        ["+44 20 7946 0000"],
        ["inner circle", "mentors"],
    )
    assert (d.birthday, d.cadence) == ("1815-12-10", 30)
    assert [(t.kind, t.summary, t.others) for t in d.timeline] == [
        ("call", "Tea", ("Mary Somerville",))
    ]
    assert [(n.kind, n.body, n.pinned) for n in d.notes] == [
        ("goal", "Wants the notes published", True)
    ]
    assert [(r.label, r.other_name) for r in d.relations] == [("mentor", "Mary Somerville")]
    assert sum(d.monthly) == 1 and d.monthly[-1] == 1
    with pytest.raises(AttributeError):
        d.name = "x"  # type: ignore[misc]  # view records are frozen
    assert views.detail(10_000, TODAY) is None


def test_relations_both_directions(store: Store) -> None:
    ada = contacts.add("Ada Lovelace")
    mary = contacts.add("Mary Somerville")
    charles = contacts.add("Charles Babbage")
    contacts.relate(ada.uid, mary.uid, "mentor")  # Mary is Ada's mentor
    contacts.relate(charles.uid, ada.uid, "colleague")  # Ada is Charles's colleague
    contacts.relate(ada.uid, charles.uid, "friend")

    mine = views.relations(ada.id)
    assert [(r.label, r.other_name, r.outgoing) for r in mine] == [
        ("friend", "Charles Babbage", True),
        ("mentor", "Mary Somerville", True),
        ("colleague of", "Charles Babbage", False),
    ]
    incoming = mine[-1]
    assert (incoming.from_uid, incoming.to_uid) == (charles.uid, ada.uid)
    assert incoming.to_json() == {
        "kind": "colleague",
        "direction": "in",
        "uid": charles.uid,
        "display_name": "Charles Babbage",
    }
    theirs = views.relations(mary.id)
    assert [(r.label, r.other_uid, r.from_uid, r.to_uid) for r in theirs] == [
        ("mentor of", ada.uid, ada.uid, mary.uid)
    ]
    assert views.relations(10_000) == []


def test_timeline_mixes_interactions_and_events_newest_first(store: Store) -> None:
    ada = contacts.add("Ada Lovelace")
    mary = contacts.add("Mary Somerville")
    interactions.log("Letter", [ada.uid], kind="message", occurred_at=_at(TODAY - timedelta(40)))
    row = interactions.log(
        "Dinner", [ada.uid, mary.uid], kind="meeting", occurred_at=_at(TODAY - timedelta(2))
    )
    events.add("Wedding", TODAY - timedelta(10), kind="wedding", people=[ada])
    events.add("Royal Society talk", TODAY + timedelta(5), kind="event", people=[ada])

    items = views.timeline(ada.id, TODAY)
    assert [(i.when, i.kind, i.source, i.upcoming) for i in items] == [
        (TODAY + timedelta(5), "event", "event", True),
        (TODAY - timedelta(2), "meeting", "interaction", False),
        (TODAY - timedelta(10), "wedding", "life", False),
        (TODAY - timedelta(40), "message", "interaction", False),
    ]
    dinner = items[1]
    assert dinner.uid == row.uid and dinner.others == ("Mary Somerville",)
    assert [i.summary for i in views.timeline(ada.id, TODAY, limit=2)] == [
        "Royal Society talk",
        "Dinner",
    ]
    # Mary sees the dinner with Ada, not the events she is not part of.
    assert [(i.summary, i.others) for i in views.timeline(mary.id, TODAY)] == [
        ("Dinner", ("Ada Lovelace",))
    ]


def test_monthly_counts_on_a_file_store(store: Store) -> None:
    ada = contacts.add("Ada Lovelace")
    mary = contacts.add("Mary Somerville")
    for day in (date(2025, 3, 1), date(2025, 3, 10), date(2025, 1, 31), date(2023, 4, 2)):
        interactions.log("Call", [ada.uid], kind="call", occurred_at=_at(day))
    interactions.log("Walk", [ada.uid, mary.uid], occurred_at=_at(date(2024, 12, 5)))
    interactions.log("Too old", [ada.uid], occurred_at=_at(date(2023, 3, 31)))
    interactions.log("Not hers", [mary.uid], occurred_at=_at(date(2025, 2, 1)))

    counts = views.monthly_counts(ada.id, TODAY)
    assert len(counts) == 24  # April 2023 … March 2025, oldest first
    assert counts[-1] == 2  # March 2025
    assert counts[-2] == 0  # February 2025: Mary's alone
    assert counts[-3] == 1  # January 2025
    assert counts[-4] == 1  # December 2024, with Mary: once for Ada
    assert counts[0] == 1  # April 2023; March 2023 is out of the window
    assert sum(counts) == 5
    assert views.monthly_counts(ada.id, TODAY, months=3) == [1, 0, 2]
    assert views.monthly_counts(mary.id, TODAY, months=4) == [1, 0, 1, 0]


def test_upcoming_lists_events_and_birthdays_across_the_new_year(store: Store) -> None:
    today = date(2025, 12, 20)
    ada = contacts.add("Ada Lovelace", birthday="1815-12-24")
    contacts.add("Grace Hopper", birthday="--01-05")
    gone = contacts.add("Archived Person", birthday="1900-12-25")
    contacts.set_archived(gone.uid, True)
    events.add("Party", datetime(2025, 12, 31, 20, tzinfo=UTC), people=[ada])
    items = views.upcoming(today)
    assert [(i.when, i.kind, i.summary) for i in items] == [
        (date(2025, 12, 24), "birthday", "Ada Lovelace"),
        (date(2025, 12, 31), "event", "Party"),
        (date(2026, 1, 5), "birthday", "Grace Hopper"),
    ]
    assert items[1].others == ("Ada Lovelace",)
    assert views.birthdays_between(today, today + timedelta(days=3)) == []


def test_contact_pages_counts_and_positions(store: Store) -> None:
    for name in ("Ada", "Bea", "Cy", "Dot", "Eve"):
        contacts.add(name, tags=["odd"] if name in ("Ada", "Cy", "Eve") else [])
    page = views.contact_page("", "name", archived=False, offset=1, limit=2, today=TODAY)
    assert [r.name for r in page] == ["Bea", "Cy"]
    assert views.contact_count("tag:odd", archived=False, today=TODAY) == 3
    eve = views.search_names("eve", today=TODAY)[0]
    assert views.position_of(eve.uid, "", "name", archived=False, today=TODAY) == 4
    assert views.position_of(eve.uid, "tag:odd", "name", archived=False, today=TODAY) == 2
    assert views.position_of(eve.uid, "bea", "name", archived=False, today=TODAY) is None
    assert not views.store_is_empty()


def test_summaries_and_card_are_the_json_of_the_cli(store: Store) -> None:
    ada = contacts.add("Ada Lovelace", emails=["ada@example.org"], tags=["mentors"])
    bob = contacts.add("Bob")
    note = notes.add(ada, "Likes tea", kind="preference")
    interactions.log("Tea", [ada.uid, bob.uid], occurred_at=_at(TODAY))

    assert [s.display_name for s in views.summaries()] == ["Ada Lovelace", "Bob"]
    assert [s.display_name for s in views.summaries_of([bob.id, ada.id])] == [
        "Bob",
        "Ada Lovelace",
    ]
    summary = views.summaries_of([ada.id])[0].to_json()
    assert (summary["emails"], summary["tags"], summary["archived"]) == (
        ["ada@example.org"],
        ["mentors"],
        False,
    )
    card = views.card(ada.id)
    assert card is not None
    data = card.to_json()
    assert list(data)[: len(summary)] == list(summary)
    assert data["notes"][0]["id"] == note.id
    assert data["interactions"][0]["with"] == ["Bob"]
    assert data["interactions"][0]["occurred_at"].startswith(
        _at(TODAY).astimezone().isoformat()[:10]
    )
    one = views.interaction(data["interactions"][0]["uid"])
    assert one is not None and one.others == ("Ada Lovelace", "Bob")
    assert views.card(10_000) is None


def test_brief_says_what_is_due_and_why(store: Store) -> None:
    ada = contacts.add("Ada Lovelace", cadence_days=30, organization="Engines", title="Countess")
    notes.add(ada, "Pinned one", pinned=True)
    for i in range(4):
        notes.add(ada, f"Note {i}")
    b = views.brief(ada.id, date.today())
    assert b is not None
    assert b.org == "Countess, Engines"
    assert [n.body for n in b.pinned] == ["Pinned one"]
    assert len(b.other_notes) == 3
    assert b.due and "check in" in b.due[0]


def test_one_definition_of_due_for_the_list_the_count_and_is_due(store: Store) -> None:
    """The badge's date, ``is:due``, the header's count and the due list agree: due is an
    open follow-up within the lead window of an active, unsnoozed contact."""
    from kinship.services import followups

    today = followups.engine().today()
    long_ago = datetime.combine(today - timedelta(days=50), datetime.min.time(), tzinfo=UTC)
    ada = contacts.add("Ada Lovelace", cadence_days=30)
    interactions.log("Tea", [ada.uid], occurred_at=long_ago)
    soon = today + timedelta(days=5)
    contacts.add("Bea Birthday", birthday=f"--{soon:%m-%d}")  # announced ahead: due
    cal = contacts.add("Cal Cadence", cadence_days=30)  # next check-in in 3 days: not yet
    interactions.log("Call", [cal.uid], occurred_at=long_ago + timedelta(days=23))
    eve = contacts.add("Eve Snoozed", cadence_days=7)
    followups.snooze(eve.uid, today + timedelta(days=14))
    both = contacts.add("Dee Double", cadence_days=7, birthday=f"--{soon:%m-%d}")  # two reasons

    listed = {i.contact_uid for i in followups.iter_due(today)}
    assert listed == {ada.uid, both.uid, contacts.resolve("Bea Birthday").uid}
    rows = views.contact_page("", "name", archived=False, offset=0, limit=50, today=today)
    assert {r.uid for r in rows if r.due is not None} == listed
    found = views.contact_page("is:due", "name", archived=False, offset=0, limit=50, today=today)
    assert {r.uid for r in found} == listed
    assert views.contact_count("is:due", archived=False, today=today) == 3
    assert views.people_due(today) == 3
    (snoozed,) = [r for r in rows if r.uid == eve.uid]
    assert snoozed.due is None and snoozed.snoozed_until == today + timedelta(days=14)
    (summary,) = views.summaries("Eve")
    assert summary.due is None and summary.next_due_at is None
    assert summary.snoozed_until == today + timedelta(days=14)
    (cal_row,) = [r for r in rows if r.uid == cal.uid]
    assert cal_row.due is None  # not on the list, so no due badge either


def test_is_due_in_the_demo_counts_what_the_header_says(store: Store) -> None:
    from kinship.sample import demo
    from kinship.services import followups

    today = followups.engine().today()
    demo.generate(120, seed=5, today=today)
    due = views.contact_count("is:due", archived=False, today=today)
    assert due == views.people_due(today)
    assert due == len({i.contact_uid for i in followups.iter_due(today)})
    assert due > 0
