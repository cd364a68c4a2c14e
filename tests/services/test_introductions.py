"""Introductions: the life of one, its follow-ups, and what it counts as."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from kinship.errors import NotFound, ValidationError
from kinship.services import contacts, followups, introductions, views
from kinship.store.models import Contact, Interaction, Introduction

from .network_helpers import TODAY, ago, due, use


def people() -> tuple[Contact, Contact]:
    return contacts.add("Ada Lovelace"), contacts.add("Charles Babbage")


def test_proposed_asks_charles_with_a_reason_that_holds_from_day_to_day(net_store: Any) -> None:
    ada, charles = people()
    view = introductions.propose(ada.uid, charles.uid, "React mentoring", at=ago(9))
    assert (view.status, view.person.uid, view.to.uid, view.why) == (
        "proposed",
        ada.uid,
        charles.uid,
        "React mentoring",
    )
    assert due() == [
        (
            "Charles Babbage",
            "intro-ask",
            "you offered to introduce Ada Lovelace to Charles Babbage on Jun 6; "
            "ask Charles Babbage (React mentoring)",
        )
    ]
    # The next day it reads the same: a date, not a count the catch-up would rewrite daily.
    use(TODAY + timedelta(days=1))
    assert followups.refresh_stale(TODAY + timedelta(days=1)).changed == 0
    assert due(TODAY + timedelta(days=1))[0][2].startswith("you offered to introduce Ada")


def test_each_step_replaces_the_last_and_made_counts_as_help_given_to_both(
    net_store: Any,
) -> None:
    ada, charles = people()
    view = introductions.propose(ada.uid, charles.uid, "", at=ago(20))
    introductions.advance(view.id, "asked", at=ago(18))
    assert [(n, k) for n, k, _ in due()] == [("Charles Babbage", "intro-make")]
    made = introductions.advance(view.id, "made", at=ago(14))
    assert made.made_at is not None and made.status == "made"
    [logged] = Interaction.select().where(Interaction.kind == "intro-given")
    assert sorted(p.contact.display_name for p in logged.participants) == [
        "Ada Lovelace",
        "Charles Babbage",
    ]
    assert logged.summary == "Introduced Ada Lovelace to Charles Babbage"
    book = views.ledger(today=TODAY)
    assert {r.display_name: r.gave for r in book.rows} == {
        "Ada Lovelace": 1,
        "Charles Babbage": 1,
    }
    # Two weeks after it was made: ask Ada how it went.
    assert [(n, k) for n, k, _ in due(within=0)] == [("Ada Lovelace", "intro-how")]
    introductions.advance(view.id, "followed-up", at=ago(0))
    assert due(within=0) == []
    assert introductions.listing(open_only=True) == []
    assert [v.status for v in introductions.listing()] == ["followed-up"]


def test_declined_closes_it(net_store: Any) -> None:
    ada, charles = people()
    view = introductions.propose(ada.uid, charles.uid, at=ago(1))
    assert due()
    introductions.advance(view.id, "declined")
    assert due() == []
    assert not introductions.get(view.id).open


@pytest.mark.parametrize(
    ("path", "wanted", "message"),
    [
        ((), "followed-up", "is proposed: it can move to asked, made or declined, not followed-up"),
        (("asked",), "proposed", "is asked: it can move to made or declined, not proposed"),
        (("made",), "asked", "is made: it can move to followed-up, not asked"),
        (("declined",), "made", "is declined: it is closed and cannot move to made"),
        (("asked",), "asked", "is already asked"),
        ((), "maybe", "unknown introduction status 'maybe'"),
    ],
)
def test_invalid_transitions_are_clear_errors(
    net_store: Any, path: tuple[str, ...], wanted: str, message: str
) -> None:
    ada, charles = people()
    view = introductions.propose(ada.uid, charles.uid, at=ago(3))
    for status in path:
        introductions.advance(view.id, status, at=ago(2))
    before = introductions.get(view.id)
    with pytest.raises(ValidationError, match=message):
        introductions.advance(view.id, wanted)
    assert introductions.get(view.id) == before


def test_proposed_may_skip_the_ask(net_store: Any) -> None:
    ada, charles = people()
    view = introductions.propose(ada.uid, charles.uid, at=ago(3))
    assert introductions.advance(view.id, "made", at=ago(2)).status == "made"


def test_one_open_introduction_per_pair_and_never_with_oneself(net_store: Any) -> None:
    ada, charles = people()
    first = introductions.propose(ada.uid, charles.uid, at=ago(3))
    with pytest.raises(ValidationError, match=rf"open introduction \(#{first.id}, proposed\)"):
        introductions.propose(charles.uid, ada.uid)
    with pytest.raises(ValidationError, match="themselves"):
        introductions.propose(ada.uid, ada.uid)
    with pytest.raises(NotFound, match="no introduction #99"):
        introductions.advance(99, "asked")
    introductions.advance(first.id, "declined")
    assert introductions.propose(charles.uid, ada.uid).status == "proposed"
    assert Introduction.select().count() == 2


def test_listing_open_first_and_per_person(net_store: Any) -> None:
    ada, charles = people()
    grace = contacts.add("Grace Hopper")
    closed = introductions.propose(ada.uid, grace.uid, at=ago(5))
    introductions.advance(closed.id, "declined", at=ago(4))
    introductions.propose(grace.uid, charles.uid, at=ago(1))
    assert [(v.person.display_name, v.status) for v in introductions.listing()] == [
        ("Grace Hopper", "proposed"),
        ("Ada Lovelace", "declined"),
    ]
    assert [v.to.display_name for v in introductions.listing(contact_uid=charles.uid)] == [
        "Charles Babbage"
    ]
    as_json = introductions.listing(open_only=True)[0].to_json()
    assert as_json["person"] == {"uid": grace.uid, "display_name": "Grace Hopper"}
    assert as_json["next"] == ["asked", "made", "declined"] and as_json["open"] is True


def test_merge_moves_introductions_and_drops_one_between_the_duplicates(
    net_store: Any,
) -> None:
    ada, charles = people()
    dup = contacts.add("Charles B.")
    introductions.propose(ada.uid, dup.uid, at=ago(2))
    introductions.propose(charles.uid, dup.uid, at=ago(2))
    report = contacts.merge(charles.uid, dup.uid)
    assert report.moved["introductions"] == 1
    [left] = introductions.listing()
    assert (left.person.uid, left.to.uid) == (ada.uid, charles.uid)
    assert [(n, k) for n, k, _ in due()] == [("Charles Babbage", "intro-ask")]


def test_deleting_a_person_deletes_their_introductions(net_store: Any) -> None:
    ada, charles = people()
    introductions.propose(ada.uid, charles.uid, at=ago(2))
    Contact.delete().where(Contact.id == ada.id).execute()
    assert Introduction.select().count() == 0


def test_archived_people_get_no_intro_follow_up(net_store: Any) -> None:
    ada, charles = people()
    introductions.propose(ada.uid, charles.uid, at=ago(2))
    contacts.set_archived(charles.uid)
    assert due() == []
    assert followups.due_counts(TODAY) == {}


def test_done_on_each_step_moves_the_introduction_on_as_intro_status_would(
    net_store: Any,
) -> None:
    from kinship.services import checkin

    ada, charles = people()
    view = introductions.propose(ada.uid, charles.uid, "React mentoring", at=ago(20))
    asked = checkin.done(charles.uid, kind="intro-ask")
    assert asked.introduction is not None and asked.introduction.status == "asked"
    assert introductions.get(view.id).status == "asked"
    assert asked.interaction_kind == "message"
    use(TODAY + timedelta(days=4))
    made = checkin.done(charles.uid, kind="intro-make")
    assert made.introduction is not None and made.introduction.status == "made"
    # Making it logs intro-given with both people, as intro-status does, and nothing else.
    [logged] = Interaction.select().where(Interaction.kind == "intro-given")
    assert logged.uid == made.interaction_uid and made.interaction_kind == "intro-given"
    assert len(logged.participants) == 2
    assert Interaction.select().where(Interaction.kind == "message").count() == 1
    use(TODAY + timedelta(days=20))
    how = checkin.done(ada.uid, kind="intro-how")
    assert how.introduction is not None and how.introduction.status == "followed-up"
    assert due(TODAY + timedelta(days=20)) == []


def test_undoing_done_on_a_step_puts_the_introduction_back(net_store: Any) -> None:
    from kinship.services import checkin, undo

    ada, charles = people()
    view = introductions.propose(ada.uid, charles.uid, "", at=ago(20))
    introductions.advance(view.id, "asked", at=ago(18))
    made = checkin.done(charles.uid, kind="intro-make")
    assert introductions.get(view.id).status == "made"
    assert made.undo_id is not None
    undo.restore(made.undo_id)
    back = introductions.get(view.id)
    assert (back.status, back.made_at) == ("asked", None)
    assert back.status_at == ago(18)
    assert Interaction.select().where(Interaction.kind == "intro-given").count() == 0
    assert [(n, k) for n, k, _ in due()] == [("Charles Babbage", "intro-make")]
