"""Needs and offers: word matching with the search index's folding, ranking, the week's pick."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from kinship.services import contacts, followups, introductions, matching, notes
from kinship.store.models import Contact, EmpathyNote

from .network_helpers import MONDAY, TODAY, ago, due, use


def person(name: str, *said: tuple[str, str]) -> Contact:
    c = contacts.add(name)
    for kind, body in said:
        notes.add(c, body, kind=kind)
    return c


def pairs(found: list[matching.Match]) -> list[tuple[str, str]]:
    return [(m.need.display_name, m.offer.display_name) for m in found]


@pytest.mark.parametrize(
    ("need", "offer"),
    [
        ("Looking for a REACT mentor", "React mentoring on weekends"),
        ("needs someone who knows the Müller process", "knows MULLER inside out"),
        ("Wants to open a café", "ran a CAFE for ten years"),
        ("hiring a designer", "freelance design work"),
        ("a wedding photographer", "portrait photography"),
        ("wants a swimming teacher", "teaching swimming"),
    ],
)
def test_words_match_across_case_accents_and_prefixes(
    net_store: Any, need: str, offer: str
) -> None:
    person("Ada", ("need", need))
    person("Charles", ("offer", offer))
    assert pairs(matching.matches()) == [("Ada", "Charles")]


@pytest.mark.parametrize(
    ("need", "offer"),
    [
        ("Looking for help with anything", "Happy to help with anything"),  # common words only
        ("needs a UX review", "ux"),  # a two-letter word alone is too thin
        ("learning Go", "a good book"),  # "go" is not a prefix match of "good"
        ("needs a mentor", "men's clothing"),  # "men" is shorter than four letters
        ("needs a mentor", "mental health first aid"),  # parts too early
        ("learning React", "reach out to investors"),
        ("Needs quiet time after big launches", "Coaches first-time marathon runners"),
        ("Looking for a co-op flat", "Can introduce you to a co-founder"),  # not on "co"
    ],
)
def test_common_and_short_words_do_not_match(net_store: Any, need: str, offer: str) -> None:
    person("Ada", ("need", need))
    person("Charles", ("offer", offer))
    assert matching.matches() == []


def test_never_a_person_with_themselves_nor_archived_people(net_store: Any) -> None:
    ada = person("Ada", ("need", "a Rust mentor"), ("offer", "Rust mentoring"))
    assert matching.matches() == []
    grace = person("Grace", ("offer", "Rust mentoring for beginners"))
    assert pairs(matching.matches()) == [("Ada", "Grace")]
    contacts.set_archived(grace.uid)
    assert matching.matches() == []
    assert matching.matches(ada.uid) == []


def test_ranked_by_coverage_then_focus(net_store: Any) -> None:
    person("Ada", ("need", "a React Native mentor"))
    person("Broad", ("offer", "React, Vue, Angular, Svelte, Django and Rails"))
    person("Exact", ("offer", "React Native mentoring"))
    person("Half", ("offer", "React courses"))
    found = matching.matches()
    assert pairs(found) == [("Ada", "Exact"), ("Ada", "Half"), ("Ada", "Broad")]
    assert found[0].words == ("react", "native", "mentor")
    assert found[0].score > found[1].score > found[2].score


def test_goals_match_too_and_a_pair_already_introduced_is_not_proposed(net_store: Any) -> None:
    ada = person("Ada", ("goal", "run a marathon next year"))
    charles = person("Charles", ("offer", "marathon training plans"))
    [m] = matching.matches()
    assert m.need.kind == "goal"
    assert m.why == (
        "Ada (goal): run a marathon next year; Charles (offer): marathon training plans"
    )
    assert m.to_json()["introduce"] == {"person": ada.uid, "to": charles.uid}
    view = introductions.propose(ada.uid, charles.uid, m.why, at=ago(1))
    introductions.advance(view.id, "declined")
    assert matching.matches() == []


def test_one_persons_matches_are_the_network_matches_they_are_in(net_store: Any) -> None:
    ada = person("Ada", ("need", "a Postgres consultant"), ("offer", "Kubernetes workshops"))
    person("Ben", ("offer", "Postgres consulting and tuning"))
    person("Cy", ("need", "help moving to kubernetes"), ("offer", "Postgres tuning"))
    person("Di", ("need", "a photographer"))
    person("Ed", ("offer", "wedding photography"))
    everyone = matching.matches()
    mine = matching.matches(ada.uid)
    assert mine == [m for m in everyone if ada.uid in (m.need.uid, m.offer.uid)]
    assert sorted(pairs(mine)) == [("Ada", "Ben"), ("Ada", "Cy"), ("Cy", "Ada")]
    assert ("Di", "Ed") in pairs(everyone)


def test_the_weeks_pick_goes_on_today_and_moves_on(net_store: Any) -> None:
    ada = person("Ada", ("need", "a React mentor"))
    person("Charles", ("offer", "React mentoring"))
    assert due() == [
        (
            "Ada",
            "introduce",
            "needs: a React mentor; Charles offers: React mentoring; introduce them?",
        )
    ]
    [item] = followups.due_items(TODAY)
    assert (item.due, item.strategy) == (MONDAY, "introductions")
    # A second, better match for someone else moves the week's one pick to them.
    grace = person("Grace", ("need", "COBOL compiler help, compiler design reviews"))
    person("Hopper", ("offer", "compiler design reviews, COBOL"))
    assert [n for n, k, _ in due() if k == "introduce"] == ["Grace"]
    # Proposing the introduction takes it off Today; with per_week = 1 the next best waits
    # for next week, as it does after a dismissal.
    view = introductions.propose(grace.uid, Contact.get(Contact.display_name == "Hopper").uid)
    assert [n for n, k, _ in due() if k == "introduce"] == []
    next_week = TODAY + timedelta(days=7)
    use(next_week)
    assert [n for n, k, _ in due(next_week) if k == "introduce"] == ["Ada"]
    # Dismissed: not suggested again until one of the notes changes.
    followups.dismiss(ada.uid, kind="introduce")
    assert [k for _, k, _ in due(next_week) if k == "introduce"] == []
    week_after = TODAY + timedelta(days=14)
    use(week_after)
    assert [k for _, k, _ in due(week_after) if k == "introduce"] == []
    note = EmpathyNote.get(EmpathyNote.contact == ada.id)
    notes.update(note.id, body="a React mentor, urgently")
    assert [n for n, k, _ in due(week_after) if k == "introduce"] == ["Ada"]
    assert view.status == "proposed"


def test_per_week_counts_what_you_acted_on_this_week(net_store: Any) -> None:
    person("Ada", ("need", "a React mentor"))
    person("Charles", ("offer", "React mentoring"))
    person("Bo", ("need", "a Rust mentor"))
    person("Dee", ("offer", "Rust mentoring"))
    eve = person("Eve")
    [first] = [n for n, k, _ in due() if k == "introduce"]
    needer = Contact.get(Contact.display_name == first)
    # Introducing the one who needs to someone else is not the pick: it stays.
    introductions.propose(needer.uid, eve.uid)
    assert [n for n, k, _ in due() if k == "introduce"] == [first]
    followups.dismiss(needer.uid, kind="introduce")
    assert [n for n, k, _ in due() if k == "introduce"] == []
    use(introductions={"per_week": 2})
    assert [n for n, k, _ in due() if k == "introduce"] == [{"Ada": "Bo", "Bo": "Ada"}[first]]


def test_stale_matches_are_not_picked(net_store: Any) -> None:
    person("Ada", ("need", "a React mentor"))
    person("Charles", ("offer", "React mentoring"))
    EmpathyNote.update(updated_at=ago(0).replace(tzinfo=None)).execute()
    assert [k for _, k, _ in due()] == ["introduce"]
    later = TODAY + timedelta(days=matching.FRESH_DAYS + 1)
    use(later)
    assert [k for _, k, _ in due(later)] == []
    assert pairs(matching.matches()) == [("Ada", "Charles")]  # still listed by `matches`


def test_a_match_that_goes_stale_mid_week_leaves_today_that_day(net_store: Any) -> None:
    """The daily catch-up asks again about whoever holds the week's match, not only about
    the people whose own day came: a pick moves as its notes age, not only on Mondays."""
    monday = MONDAY + timedelta(days=7)
    use(monday)
    person("Ada", ("need", "a React mentor"))
    person("Charles", ("offer", "React mentoring"))
    # Written so that the pair is fresh on Monday and Tuesday and stale from Wednesday.
    written = monday - timedelta(days=matching.FRESH_DAYS - 1)
    EmpathyNote.update(updated_at=ago((TODAY - written).days).replace(tzinfo=None)).execute()
    followups.recompute_all(monday)
    assert [k for _, k, _ in due(monday)] == ["introduce"]
    wednesday = monday + timedelta(days=2)
    use(wednesday)
    assert [k for _, k, _ in due(wednesday)] == []


def test_pick_settings(net_store: Any) -> None:
    person("Ada", ("need", "a React mentor"))
    person("Bo", ("need", "a Rust mentor"))
    person("Charles", ("offer", "React and Rust mentoring"))
    use(introductions={"per_week": 2})
    assert sorted(n for n, k, _ in due() if k == "introduce") == ["Ada", "Bo"]
    use(introductions={"enabled": False})
    assert due() == []


def test_deleting_an_offer_takes_the_suggestion_away(net_store: Any) -> None:
    person("Ada", ("need", "a React mentor"))
    charles = person("Charles", ("offer", "React mentoring"))
    assert due()
    notes.delete(EmpathyNote.get(EmpathyNote.contact == charles.id).id)
    assert due() == []


def test_a_common_word_ranks_a_match_but_does_not_make_one(net_store: Any) -> None:
    topics = ["Rust", "Go", "Haskell", "Elixir", "Kotlin", "Swift", "Ruby", "Perl", "Scala"]
    topics += ["Julia", "Fortran", "COBOL", "Japanese"]
    for n, topic in enumerate(topics):
        person(f"Mentor {n}", ("offer", f"{topic} mentoring"))
    ada = person("Ada", ("need", "Japanese mentoring"), ("offer", "Rust reviews"))
    assert matching.common_limit(len(topics) + 1) == matching.COMMON_MIN
    found = matching.matches()
    assert pairs(found) == [("Ada", "Mentor 12")]  # "mentoring" alone is in 13 offers
    assert found[0].words == ("japanese", "mentoring")
    # One person's matches count common words the same way: the search index finds every
    # offer that has them.
    assert matching.matches(ada.uid) == found
    person("Bo", ("need", "a Rust mentor"))
    assert ("Bo", "Ada") in pairs(matching.matches(ada.uid))
    assert pairs(matching.matches(ada.uid)) == [m for m in pairs(matching.matches()) if "Ada" in m]


def test_matching_words_leave_out_stop_words_and_hyphen_prefixes() -> None:
    assert matching.terms("Looking for a co-founder with sales experience") == (
        "founder",
        "sales",
        "experience",
    )
    assert matching.terms("Coaches first-time marathon runners") == (
        "coaches",
        "marathon",
        "runners",
    )
    assert matching.terms("AI and UX reviews") == ("ai", "ux", "reviews")
