"""Event capture: parsing the lines, all-or-nothing writes, reuse, and the follow-up sprint."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from kinship.errors import ValidationError
from kinship.services import capture, contacts, events, followups, interactions
from kinship.store.models import Capture, Contact, ContactField, Event, EventPerson

from .network_helpers import TODAY, ago, at, due, use


def test_parse_fields_quotes_comments_and_an_email_in_second_place() -> None:
    text = (
        "# after PyCon\n"
        "Ada Lovelace, engines and poetry, ada@example.org\n"
        "\n"
        '"Kim, Jr.", likes Rust\n'
        "Grace Hopper, grace@navy.example\n"
        "  Linus  \n"
    )
    people, problems = capture.parse(text)
    assert problems == []
    assert [(p.line, p.name, p.phrase, p.email) for p in people] == [
        (2, "Ada Lovelace", "engines and poetry", "ada@example.org"),
        (4, "Kim, Jr.", "likes Rust", ""),
        (5, "Grace Hopper", "", "grace@navy.example"),
        (6, "Linus", "", ""),
    ]


def test_parse_reports_every_bad_line_with_its_number() -> None:
    text = (
        "Ada, fine\n"
        ", no name here\n"
        "Bob, x, not-an-email\n"
        "Cy, a, b@c.org, extra\n"
        "ada, again\n"
        "Di, y, b@c.org\n"
        "Ed, z, B@C.org\n"
    )
    people, problems = capture.parse(text)
    assert [p.name for p in people] == ["Ada", "Di"]
    assert [str(p) for p in problems] == [
        "line 2: no name",
        "line 3: not an email address: 'not-an-email'",
        'line 4: 4 fields; write name, phrase, email (quote a field that has a comma: "Kim, Jr.")',
        "line 5: ada is already on line 1",
        "line 7: B@C.org is already on line 6",
    ]


def test_capture_creates_the_event_reuses_people_and_links_everyone(net_store: Any) -> None:
    ada = contacts.add("Ada Lovelace", emails=["ada@example.org"])
    grace = contacts.add("Grace Hopper")
    report = capture.capture(
        "PyCon 2025",
        "Countess, engines, ADA@example.org\n"
        "grace hopper, compilers, grace@navy.example\n"
        "Linus Torvalds, kernels\n",
        on=TODAY - timedelta(days=1),
        at=ago(0, hour=9),
    )
    assert report.event_created and report.event_day == TODAY - timedelta(days=1)
    event = Event.get(Event.uid == report.event_uid)
    assert (event.summary, event.kind, event.source) == ("PyCon 2025", "networking", "capture")
    assert [(p.display_name, p.status) for p in report.people] == [
        ("Ada Lovelace", "known"),  # by email, whatever the name typed
        ("Grace Hopper", "known"),  # by name, case folded; the email is added
        ("Linus Torvalds", "new"),
    ]
    assert "grace@navy.example" in [
        f.value for f in ContactField.select().where(ContactField.contact == grace.id)
    ]
    linus = Contact.get(Contact.display_name == "Linus Torvalds")
    assert (linus.met_how, linus.met_on) == (
        "met at PyCon 2025: kernels",
        TODAY - timedelta(days=1),
    )
    assert EventPerson.select().where(EventPerson.event == event.id).count() == 3
    assert Capture.get(Capture.contact == ada.id).phrase == "engines"
    # The sprint: nice to meet you within a day, for each of them.
    assert sorted((n, k) for n, k, _ in due()) == [
        ("Ada Lovelace", "nice-to-meet"),
        ("Grace Hopper", "nice-to-meet"),
        ("Linus Torvalds", "nice-to-meet"),
    ]
    reasons = {n: r for n, _, r in due()}
    assert (
        reasons["Linus Torvalds"] == "met at PyCon 2025 on Jun 14 (kernels); say nice to meet you"
    )
    assert report.to_json()["people"][2]["status"] == "new"


def test_a_bad_line_writes_nothing(net_store: Any) -> None:
    contacts.add("Alex Kim")
    contacts.add("Alex Kim")
    with pytest.raises(capture.CaptureError) as caught:
        capture.capture("Meetup", "Newbie, hi\nAlex Kim, which one?\n")
    assert [str(p) for p in caught.value.problems] == [
        "line 2: 2 contacts are called Alex Kim; add the email of the one you met"
    ]
    assert Event.select().count() == 0
    assert Contact.select().count() == 2
    with pytest.raises(capture.CaptureError, match="line 2: no name"):
        capture.capture("Meetup", "Newbie\n, hi\n")
    assert Contact.select().count() == 2


def test_one_contact_named_twice_is_a_problem(net_store: Any) -> None:
    contacts.add("Ada", emails=["ada@example.org"])
    with pytest.raises(capture.CaptureError, match="line 2: Ada is already on line 1"):
        capture.capture("Meetup", "Ada\nCountess, x, ada@example.org\n")


def test_existing_event_by_name_and_day_and_recapture_changes_nothing(net_store: Any) -> None:
    first = events.add("Meetup", date(2025, 6, 1), kind="networking")
    events.add("Meetup", date(2025, 6, 8), kind="networking")
    with pytest.raises(ValidationError, match="2 events are called 'meetup'"):
        capture.capture("meetup", "Ada\n")
    report = capture.capture("meetup", "Ada, likes tea\n", on=date(2025, 6, 1), at=ago(0))
    assert (report.event_uid, report.event_created) == (first.uid, False)
    again = capture.capture(first.uid, "Ada, likes green tea\n", at=ago(0))
    assert [p.status for p in again.people] == ["again"]
    assert Capture.select().count() == 1 and Capture.get().phrase == "likes green tea"
    assert Contact.select().count() == 1


def test_the_sprint_moves_on_then_ends_with_any_interaction(net_store: Any) -> None:
    capture.capture("Meetup", "Ada, knows Rust\nBob\n", on=TODAY, at=ago(0, hour=20))
    later = TODAY + timedelta(days=3)
    use(later)
    assert sorted((n, k) for n, k, _ in due(later)) == [
        ("Ada", "first-follow-up"),
        ("Bob", "first-follow-up"),
    ]
    ada = Contact.get(Contact.display_name == "Ada")
    interactions.log("Coffee", [ada.uid], kind="meeting", occurred_at=at(later, 9))
    assert [n for n, _, _ in due(later)] == ["Bob"]
    gone = TODAY + timedelta(days=15)
    use(gone)
    assert due(gone) == []


def test_an_archived_person_met_again_comes_back(net_store: Any) -> None:
    ada = contacts.add("Ada")
    contacts.set_archived(ada.uid)
    capture.capture("Meetup", "Ada\n", at=ago(0))
    assert not contacts.get(ada.uid).archived
    assert [k for _, k, _ in due()] == ["nice-to-meet"]


def test_merge_moves_captures(net_store: Any) -> None:
    capture.capture("Meetup", "Ada\nAda L.\n", at=ago(0))
    keep = Contact.get(Contact.display_name == "Ada")
    dup = Contact.get(Contact.display_name == "Ada L.")
    contacts.merge(keep.uid, dup.uid)
    assert Capture.select().count() == 1
    assert followups.due_items(TODAY)[0].display_name == "Ada"


def test_nothing_to_capture(net_store: Any) -> None:
    with pytest.raises(ValidationError, match="nobody to capture"):
        capture.capture("Meetup", "# only a comment\n")
    with pytest.raises(ValidationError, match="name the event"):
        capture.capture("  ", "Ada\n")


def test_a_repeat_of_a_wrong_line_is_found_in_the_same_pass() -> None:
    text = (
        "Linus Torvalds, kernels, not-an-email\n"
        "Ada, x, ada@example.org\n"
        "Kim, y\n"
        "linus torvalds, again\n"
        "Bo, z, ADA@example.org\n"
    )
    people, problems = capture.parse(text)
    assert [p.name for p in people] == ["Ada", "Kim"]
    assert [str(p) for p in problems] == [
        "line 1: not an email address: 'not-an-email'",
        "line 4: linus torvalds is already on line 1",
        "line 5: ADA@example.org is already on line 2",
    ]


def test_problems_of_the_text_and_of_the_store_come_in_one_pass(net_store: Any) -> None:
    contacts.add("Alex Kim")
    contacts.add("Alex Kim")
    with pytest.raises(capture.CaptureError) as caught:
        capture.capture("Meetup", ", no name\nAlex Kim, which one?\nNewbie\n")
    assert [str(p) for p in caught.value.problems] == [
        "line 1: no name",
        "line 2: 2 contacts are called Alex Kim; add the email of the one you met",
    ]
    assert Event.select().count() == 0 and Contact.select().count() == 2
