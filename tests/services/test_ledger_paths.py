"""The give-and-get ledger, and "how do I know X?" paths."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from playhouse.test_utils import count_queries

from kinship.errors import NotFound, ValidationError
from kinship.services import contacts, events, interactions, views
from kinship.services.views.ledger import DEFAULT_MONTHS, give_get
from kinship.store.models import Contact

from .network_helpers import TODAY, ago


def log(kind: str, days: int, *who: Contact, summary: str = "x") -> None:
    interactions.log(summary, [c.uid for c in who], kind=kind, occurred_at=ago(days))


# --------------------------------------------------------------------------- ledger


def test_ledger_counts_what_you_gave_received_and_thanked(net_store: Any) -> None:
    ada, bob, cy = (contacts.add(n) for n in ("Ada", "Bob", "Cy"))
    log("help-given", 40, ada)
    log("intro-given", 35, ada, bob)
    log("congratulation", 30, ada)
    log("help-received", 20, ada)
    log("thanks", 19, ada)
    log("help-received", 10, bob)
    log("gift-received", 9, bob)
    log("help-received", 8, cy)
    log("call", 5, cy)  # not in the ledger
    book = views.ledger(today=TODAY)
    rows = {r.display_name: r for r in book.rows}
    assert (rows["Ada"].gave, rows["Ada"].received, rows["Ada"].thanks) == (3, 1, 1)
    assert rows["Ada"].unthanked == 0 and rows["Ada"].balance == 2
    assert rows["Ada"].kinds == {
        "help-given": 1,
        "intro-given": 1,
        "congratulation": 1,
        "help-received": 1,
        "thanks": 1,
    }
    assert (rows["Bob"].gave, rows["Bob"].received, rows["Bob"].unthanked) == (1, 2, 2)
    assert [r.display_name for r in book.rows] == ["Ada", "Bob", "Cy"]
    assert [r.display_name for r in book.owe_thanks] == ["Bob", "Cy"]
    assert [r.display_name for r in book.only_ask] == ["Cy"]
    assert book.totals() == {"gave": 4, "received": 4, "thanks": 1}
    # By month: the intro with two people counts once.
    assert len(book.months) == DEFAULT_MONTHS
    assert book.months[-1].month == "2025-06"
    assert sum(m.gave for m in book.months) == 3
    assert sum(m.received for m in book.months) == 4
    assert book.to_json()["people"][0]["contact"]["display_name"] == "Ada"


def test_thanks_before_the_help_does_not_count(net_store: Any) -> None:
    ada = contacts.add("Ada")
    log("thanks", 20, ada)
    log("help-received", 10, ada)
    [row] = views.ledger(today=TODAY).rows
    assert row.unthanked == 1
    log("thanks", 9, ada)
    [row] = views.ledger(today=TODAY).rows
    assert row.unthanked == 0


def test_one_persons_give_and_get_agrees_with_everyones_ledger(net_store: Any) -> None:
    """The panes' give-and-get reads one person's last thanks only; the help they still
    owe thanks for is what the whole ledger says (thanks shared with someone else too)."""
    ada, bob, cy = (contacts.add(n) for n in ("Ada", "Bob", "Cy"))
    log("help-received", 30, ada, bob)
    log("thanks", 25, bob)
    log("help-received", 20, ada)
    log("thanks", 15, ada, cy)
    log("help-received", 10, bob, cy)
    log("help-received", 5, cy)
    rows = {r.uid: r for r in views.ledger(today=TODAY).rows}
    for who in (ada, bob, cy):
        one = views.ledger(who.uid, today=TODAY).person
        assert one is not None
        gg = give_get(who.id, TODAY)
        assert gg is not None
        assert gg.unthanked == one.unthanked == rows[who.uid].unthanked
    assert [rows[c.uid].unthanked for c in (ada, bob, cy)] == [0, 1, 2]


def test_since_and_one_person(net_store: Any) -> None:
    ada, bob = contacts.add("Ada"), contacts.add("Bob")
    log("help-received", 100, ada, summary="Old favour")
    log("help-given", 10, ada, summary="Reviewed her CV")
    log("help-received", 5, bob)
    since = TODAY - timedelta(days=30)
    recent = views.ledger(since=since, today=TODAY)
    assert {r.display_name: (r.gave, r.received) for r in recent.rows} == {
        "Ada": (1, 0),
        "Bob": (0, 1),
    }
    assert recent.months[0].month == "2025-05"
    mine = views.ledger(ada.uid, today=TODAY)
    assert mine.person is not None and (mine.person.gave, mine.person.received) == (1, 1)
    assert [(e.direction, e.summary) for e in mine.entries] == [
        ("gave", "Reviewed her CV"),
        ("received", "Old favour"),
    ]
    assert mine.to_json()["entries"][0]["kind"] == "help-given"
    nobody = views.ledger(contacts.add("Zed").uid, today=TODAY)
    assert nobody.person is not None and nobody.person.gave == 0 and nobody.entries == []


def test_ledger_is_a_few_queries_whatever_the_people(net_store: Any) -> None:
    people = [contacts.add(f"P{n}") for n in range(40)]
    for n, p in enumerate(people):
        log("help-received" if n % 2 else "help-given", n + 1, p)
    with count_queries() as counter:
        book = views.ledger(today=TODAY)
    assert len(book.rows) == 40
    assert counter.count <= 5


# --------------------------------------------------------------------------- paths


def test_path_through_a_relationship_an_event_and_an_interaction(net_store: Any) -> None:
    ada, bob, cy, di, ed = (contacts.add(n) for n in ("Ada", "Bob", "Cy", "Di", "Ed"))
    contacts.relate(ada.uid, bob.uid, "mentor")
    events.add("PyCon 2025", date(2025, 5, 14), kind="networking", people=[bob, cy])
    log("meeting", 3, cy, di, summary="Lunch at the harbour")
    contacts.relate(ed.uid, di.uid, "introduced-by")
    found = views.path(ada.uid, ed.uid)
    assert found.hops == 4
    assert [(s.display_name, s.via, s.link) for s in found.steps] == [
        ("Ada", "", ""),
        ("Bob", "relationship", "Ada is Bob's mentor"),
        ("Cy", "event", "met at PyCon 2025 (May 2025)"),
        ("Di", "interaction", "a meeting together on 2025-06-12: Lunch at the harbour"),
        ("Ed", "relationship", "Ed was introduced by Di"),
    ]
    back = views.path(ed.uid, ada.uid)
    assert [s.display_name for s in back.steps] == ["Ed", "Di", "Cy", "Bob", "Ada"]
    assert found.to_json()["steps"][1]["contact"]["display_name"] == "Bob"


def test_path_is_the_shortest(net_store: Any) -> None:
    a, b, c, d, e = (contacts.add(n) for n in "ABCDE")
    for x, y in ((a, b), (b, c), (c, d), (d, e)):
        contacts.relate(x.uid, y.uid, "friend")
    assert views.path(a.uid, e.uid).hops == 4
    log("call", 1, a, d)
    found = views.path(a.uid, e.uid)
    assert [s.display_name for s in found.steps] == ["A", "D", "E"]
    assert found.steps[1].via == "interaction"


def test_no_path_within_the_bound(net_store: Any) -> None:
    a, b, c = contacts.add("A"), contacts.add("B"), contacts.add("C")
    contacts.relate(a.uid, b.uid, "friend")
    with pytest.raises(NotFound, match="no chain of up to 6 links joins A and C"):
        views.path(a.uid, c.uid)
    contacts.relate(b.uid, c.uid, "friend")
    with pytest.raises(NotFound, match="up to 1 links"):
        views.path(a.uid, c.uid, max_hops=1)
    assert views.path(a.uid, c.uid, max_hops=2).hops == 2
    with pytest.raises(ValidationError):
        views.path(a.uid, a.uid)


def test_path_queries_are_per_level_not_per_person(net_store: Any) -> None:
    hub = contacts.add("Hub")
    ring = [contacts.add(f"R{n}") for n in range(30)]
    events.add("Meetup", date(2025, 6, 1), people=[hub, *ring])
    far = contacts.add("Far")
    contacts.relate(ring[-1].uid, far.uid, "colleague")
    with count_queries() as counter:
        found = views.path(hub.uid, far.uid)
    assert found.hops == 2
    assert counter.count <= 20


def test_event_link_reads_the_latest_shared_event(net_store: Any) -> None:
    a, b = contacts.add("A"), contacts.add("B")
    events.add("Old meetup", datetime(2023, 1, 5, 18, 0).astimezone(), people=[a, b])
    events.add("PyCon 2025", date(2025, 5, 14), people=[a, b])
    [_, step] = views.path(a.uid, b.uid).steps
    assert step.link == "met at PyCon 2025 (May 2025)"


def test_a_shared_interaction_link_reads_in_words_not_the_kind_name(net_store: Any) -> None:
    from kinship.records import INTERACTION_KINDS
    from kinship.services.views import paths

    ada, bob = contacts.add("Ada"), contacts.add("Bob")
    log("intro-given", 3, ada, bob, summary="Introduced Ada to Bob")
    [_, step] = views.path(ada.uid, bob.uid).steps
    assert step.link == "introduced to each other on 2025-06-12: Introduced Ada to Bob"
    assert set(paths._INTERACTION_WORDS) == set(INTERACTION_KINDS)
    assert not any("-" in words for words in paths._INTERACTION_WORDS.values())


def test_archived_people_on_the_way_are_marked(net_store: Any) -> None:
    ada, bob, cy = (contacts.add(n) for n in ("Ada", "Bob", "Cy"))
    contacts.relate(ada.uid, bob.uid, "friend")
    contacts.relate(bob.uid, cy.uid, "friend")
    contacts.set_archived(bob.uid, True)
    found = views.path(ada.uid, cy.uid)
    assert [(s.display_name, s.archived) for s in found.steps] == [
        ("Ada", False),
        ("Bob", True),
        ("Cy", False),
    ]
    assert [s["archived"] for s in found.to_json()["steps"]] == [False, True, False]


def test_an_event_still_ahead_is_not_met_at(net_store: Any) -> None:
    ada, bob = contacts.add("Ada"), contacts.add("Bob")
    events.add("PyCon 2026", TODAY + timedelta(days=40), kind="networking", people=[ada, bob])
    [_, step] = views.path(ada.uid, bob.uid).steps
    assert step.link == "both going to PyCon 2026 (Jul 2025)"
