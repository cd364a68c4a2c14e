"""Deleted notes and interactions go to the trash and come back as they were."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kinship.errors import NotFound
from kinship.services import contacts, interactions, notes, trash, undo, views
from kinship.store import Store
from kinship.store.models import Contact, EmpathyNote, Interaction


def test_a_deleted_note_comes_back_with_its_number_kind_pin_and_dates(store: Store) -> None:
    ada = contacts.add("Ada Lovelace")
    note = notes.add(ada, "Wants the notes published", kind="goal", pinned=True)
    before = EmpathyNote.get_by_id(note.id)
    deleted = notes.delete(note.id)
    assert deleted.kind == "note" and "Ada Lovelace" in deleted.what
    assert EmpathyNote.select().count() == 0
    assert list(views.summaries("published")) == []

    restored = undo.restore(deleted.id)
    assert (restored.kind, restored.ref) == ("note", str(note.id))
    back = EmpathyNote.get_by_id(note.id)
    assert (back.body, back.kind, back.pinned, back.contact_id) == (
        "Wants the notes published",
        "goal",
        True,
        ada.id,
    )
    assert (back.created_at, back.updated_at) == (before.created_at, before.updated_at)
    assert [s.uid for s in views.summaries("published")] == [ada.uid]  # searchable again
    assert trash.listing() == []


def test_a_restored_note_takes_a_new_number_when_its_own_is_taken(store: Store) -> None:
    ada = contacts.add("Ada Lovelace")
    first = notes.add(ada, "one")
    deleted = notes.delete(first.id)
    again = notes.add(ada, "two")  # SQLite may hand the freed number out again
    restored = undo.restore(deleted.id)
    if again.id == first.id:
        assert restored.ref != str(first.id)
    assert sorted(n.body for n in EmpathyNote.select()) == ["one", "two"]


def test_a_deleted_interaction_comes_back_as_it_was(store: Store) -> None:
    ada = contacts.add("Ada Lovelace", cadence_days=30)
    mary = contacts.add("Mary Somerville")
    when = datetime(2025, 3, 1, 15, 30, tzinfo=UTC)
    row = interactions.log("Tea", [ada.uid, mary.uid], kind="call", occurred_at=when, notes="n")
    deleted = interactions.delete(row.uid)
    assert deleted.what == f"call of {when.astimezone().date()} (Tea)"
    assert Contact.get_by_id(ada.id).last_interaction_at is None

    restored = undo.restore()  # the newest deletion
    assert (restored.kind, restored.ref) == ("interaction", row.uid)
    back = Interaction.get()
    assert (back.uid, back.kind, back.notes, back.occurred_at) == (
        row.uid,
        "call",
        "n",
        row.occurred_at,
    )
    rec = interactions.interaction_record(back)
    assert sorted(rec.participants) == sorted([ada.uid, mary.uid])
    assert Contact.get_by_id(ada.id).last_interaction_at == row.occurred_at


def test_an_interaction_comes_back_with_the_people_still_there(store: Store) -> None:
    ada = contacts.add("Ada Lovelace")
    mary = contacts.add("Mary Somerville")
    row = interactions.log("Tea", [ada.uid, mary.uid])
    deleted = interactions.delete(row.uid)
    contacts.merge(ada.uid, mary.uid)  # Mary is gone
    undo.restore(deleted.id)
    assert interactions.interaction_record(Interaction.get()).participants == [ada.uid]


def test_a_failed_restore_changes_nothing_and_keeps_it(store: Store) -> None:
    ada = contacts.add("Ada Lovelace")
    mary = contacts.add("Mary Somerville")
    deleted = notes.delete(notes.add(mary, "about Mary").id)
    contacts.merge(ada.uid, mary.uid)
    with pytest.raises(NotFound, match="gone"):
        undo.restore(deleted.id)
    assert [d.id for d in trash.listing()] == [deleted.id]
    with pytest.raises(NotFound, match="number 999"):
        undo.restore(999)


def test_nothing_to_undo(store: Store) -> None:
    with pytest.raises(NotFound, match="nothing to undo"):
        undo.restore()


def test_only_the_newest_deletions_are_kept_and_purge_forgets_them(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trash, "KEEP", 3)
    ada = contacts.add("Ada Lovelace")
    ids = [notes.delete(notes.add(ada, f"note {i}").id).id for i in range(5)]
    assert [d.id for d in undo.listing()] == ids[:1:-1]  # newest first, the last three
    assert undo.purge() == 3
    assert undo.listing() == []


def test_a_done_is_taken_back_and_its_follow_up_is_due_again(store: Store) -> None:
    from datetime import timedelta

    from kinship.services import checkin, followups
    from kinship.store.models import FollowUp

    ada = contacts.add("Ada Lovelace", cadence_days=30)
    long_ago = datetime.now(UTC) - timedelta(days=45)
    interactions.log("Tea", [ada.uid], occurred_at=long_ago)
    before = Contact.get_by_id(ada.id).last_interaction_at
    due = [(i.contact_uid, i.kind, i.due) for i in followups.iter_due()]
    assert due and due[0][:2] == (ada.uid, "check-in")

    report = checkin.done(ada.uid, as_kind="call")
    assert report.interaction_kind == "call" and report.undo_id is not None
    assert followups.due_items() == []
    assert trash.listing()[0].kind == "logged"

    restored = undo.restore(report.undo_id)
    assert (restored.kind, restored.ref) == ("logged", report.interaction_uid)
    assert not Interaction.select().where(Interaction.uid == report.interaction_uid).exists()
    assert Contact.get_by_id(ada.id).last_interaction_at == before
    assert [(i.contact_uid, i.kind, i.due) for i in followups.iter_due()] == due
    assert FollowUp.get(FollowUp.contact == ada.id).status == "open"
    assert trash.listing() == []
    with pytest.raises(NotFound):
        undo.restore(report.undo_id)


def test_a_logged_interaction_is_taken_back(store: Store) -> None:
    ada = contacts.add("Ada Lovelace")
    row, kept = interactions.log_undoable("Tea", [ada.uid], kind="call")
    assert kept.kind == "logged" and "Tea" in kept.what
    assert Contact.get_by_id(ada.id).last_interaction_at is not None
    interactions.delete(row.uid)  # gone meanwhile: the undo says so, and stays
    with pytest.raises(NotFound, match="no longer there"):
        undo.restore(kept.id)
    undo.restore()  # the deletion, the newest
    restored = undo.restore(kept.id)
    assert restored.kind == "logged"
    assert Interaction.select().count() == 0
    assert Contact.get_by_id(ada.id).last_interaction_at is None
