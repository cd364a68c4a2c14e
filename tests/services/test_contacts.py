from __future__ import annotations

from typing import Any

import pytest

from kinship.errors import Ambiguous, Conflict, NotFound, ValidationError
from kinship.records import PartialDate
from kinship.services import contacts, interactions, notes
from kinship.store import Store, queries
from kinship.store.models import (
    Contact,
    ContactField,
    EmpathyNote,
    FollowUp,
    Participant,
    Relationship,
)


def names(q: str, **kw: Any) -> list[str]:
    return [c.display_name for c in queries.contacts(q, **kw)]


def test_add_validates(store: Store) -> None:
    with pytest.raises(ValidationError, match="needs a name"):
        contacts.add("  ")
    with pytest.raises(ValidationError, match="not an email"):
        contacts.add("X", emails=["no-at-sign"])
    with pytest.raises(ValidationError, match="cadence"):
        contacts.add("X", cadence_days=0)
    with pytest.raises(ValidationError, match="not a date"):
        contacts.add("X", birthday="1815-13-40")
    assert Contact.select().count() == 0  # nothing half-written


def test_birthday_without_year_and_leap_day(store: Store) -> None:
    c = contacts.add("Leap", birthday="--02-29")
    assert c.birthday == "--02-29"
    assert PartialDate.parse(c.birthday).year is None


def test_untrusted_name_is_stored_byte_exact(store: Store) -> None:
    name = "Anna [Work] \x1b[2J[@click=app.quit]x[/]"
    c = contacts.add(name)
    assert Contact.get_by_id(c.id).display_name == name


def test_search_is_accent_insensitive_and_prefix(store: Store) -> None:
    contacts.add("Jörg Müller", organization="Acme GmbH", tags=["mentors"])
    contacts.add("Ada Lovelace", emails=["ada@example.org"], phones=["+44 20 7946 0000"])
    assert names("muller") == ["Jörg Müller"]
    assert names("mül") == ["Jörg Müller"]
    assert names("love") == ["Ada Lovelace"]
    assert names("tag:mentors") == ["Jörg Müller"]
    assert names("org:acme") == ["Jörg Müller"]
    assert names("email:ada@") == ["Ada Lovelace"]
    assert names("phone:7946") == ["Ada Lovelace"]
    assert names("example") == ["Ada Lovelace"]  # emails are indexed too
    assert names("acme mentors") == ["Jörg Müller"]
    assert names("nobody") == []


def test_notes_are_searchable_and_reindexed(store: Store) -> None:
    c = contacts.add("Grace")
    n = notes.add(c, "loves sailing", kind="interest")
    assert names("sailing") == ["Grace"]
    notes.delete(n.id)
    assert names("sailing") == []


def test_archived_hidden_unless_asked(store: Store) -> None:
    c = contacts.add("Old Friend")
    contacts.set_archived(c.uid)
    assert names("") == []
    assert names("", include_archived=True) == ["Old Friend"]
    assert names("is:archived") == ["Old Friend"]


def test_resolve_exact_prefix_search_ambiguous(store: Store) -> None:
    a = contacts.add("Ada Lovelace")
    b = contacts.add("Ada Byron")
    contacts.add("Charles Babbage", nickname="Charlie")
    assert contacts.resolve("ada lovelace").id == a.id
    assert contacts.resolve("Ada B").id == b.id
    assert contacts.resolve(a.uid).id == a.id
    assert contacts.resolve("babb").display_name == "Charles Babbage"
    with pytest.raises(Ambiguous) as exc:
        contacts.resolve("Ada")
    assert {u for u, _ in exc.value.candidates} == {a.uid, b.uid}
    with pytest.raises(NotFound):
        contacts.resolve("Zed")
    with pytest.raises(NotFound):
        contacts.resolve("!!!")  # no words: not "everyone"


def test_optimistic_lock_refuses_stale_update(store: Store) -> None:
    c = contacts.add("Ada", organization="Analytical")
    contacts.update(c.uid, c.version, title="Countess")
    with pytest.raises(Conflict, match="changed elsewhere"):
        contacts.update(c.uid, c.version, organization="Overwritten")
    fresh = Contact.get_by_id(c.id)
    assert fresh.organization == "Analytical"
    assert fresh.title == "Countess"
    assert fresh.version == c.version + 1


def test_update_marks_user_edits(store: Store) -> None:
    c = contacts.add("Ada")
    contacts.update(c.uid, None, organization="Acme", emails=["a@b.co"])
    assert set(__import__("json").loads(Contact.get_by_id(c.id).edited)) == {
        "organization",
        "emails",
    }


def test_merge_keeps_everything(store: Store) -> None:
    a = contacts.add("Ada Lovelace", emails=["ada@example.org"], tags=["mentors"], notes="first")
    b = contacts.add(
        "A. Lovelace",
        emails=["ADA@example.org", "countess@example.org"],
        phones=["555-0100"],
        tags=["mentors", "math"],
        organization="Analytical",
        notes="second",
    )
    c = contacts.add("Charles")
    i1 = interactions.log("tea", [a.uid], kind="meeting")
    i2 = interactions.log("letter", [b.uid, c.uid], kind="message")
    i3 = interactions.log("all three", [a.uid, b.uid], kind="meeting")
    notes.add(a, "needs funding", kind="need")
    notes.add(b, "wants to publish", kind="goal")
    contacts.relate(b.uid, c.uid, "colleague")
    contacts.relate(c.uid, a.uid, "mentor")
    FollowUp.create(contact=b, due="2030-01-01", reason="promised a book", kind="promise")

    report = contacts.merge(a.uid, b.uid)
    kept = report.kept
    assert Contact.select().where(Contact.uid == b.uid).count() == 0
    assert kept.organization == "Analytical"  # filled from the duplicate
    assert "first" in kept.notes and "second" in kept.notes
    emails = sorted(f.normalized for f in kept.fields if f.kind == "email")
    assert emails == ["ada@example.org", "countess@example.org"]
    assert [f.value for f in kept.fields if f.kind == "phone"] == ["555-0100"]
    assert queries.tags_by_contact([kept.id])[kept.id] == ["math", "mentors"]
    their = {p.interaction_id for p in Participant.select().where(Participant.contact == kept)}
    assert their == {i1.id, i2.id, i3.id}
    assert Participant.select().where(Participant.interaction == i3.id).count() == 1
    assert EmpathyNote.select().where(EmpathyNote.contact == kept).count() == 2
    assert FollowUp.select().where(FollowUp.contact == kept).count() == 1
    rels = {(r.from_contact_id, r.to_contact_id, r.kind) for r in Relationship.select()}
    assert rels == {(kept.id, c.id, "colleague"), (c.id, kept.id, "mentor")}
    assert ContactField.select().count() == 3


def test_relationship_validation(store: Store) -> None:
    a, b = contacts.add("A"), contacts.add("B")
    with pytest.raises(ValidationError, match="unknown relationship"):
        contacts.relate(a.uid, b.uid, "nemesis")
    with pytest.raises(ValidationError, match="itself"):
        contacts.relate(a.uid, a.uid, "friend")
