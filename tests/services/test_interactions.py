from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kinship.errors import ValidationError
from kinship.services import contacts, interactions
from kinship.store import Store
from kinship.store.models import Contact, Interaction


def test_log_moves_last_contact_and_due_in_one_transaction(store: Store) -> None:
    a = contacts.add("Ada", cadence_days=30)
    b = contacts.add("Bob")
    when = datetime(2026, 10, 1, 18, 30, tzinfo=UTC)
    interactions.log("dinner", [a.uid, b.uid], kind="meeting", occurred_at=when)
    a, b = Contact.get_by_id(a.id), Contact.get_by_id(b.id)
    assert a.last_interaction_at == datetime(2026, 10, 1, 18, 30)
    assert a.next_due_at == date(2026, 10, 31)
    assert b.next_due_at is None  # no cadence
    # An older interaction does not move the last contact back.
    interactions.log("older", [a.uid], kind="call", occurred_at=when - timedelta(days=10))
    assert Contact.get_by_id(a.id).last_interaction_at == datetime(2026, 10, 1, 18, 30)


def test_tag_cadence_applies_when_contact_has_none(store: Store) -> None:
    a = contacts.add("Ada", tags=["inner circle"])
    contacts.set_tag_cadence("inner circle", 14)
    # No interaction yet: the cadence asks for a first check-in now.
    assert Contact.get_by_id(a.id).next_due_at == date.today()
    interactions.log("lunch", [a.uid], occurred_at=datetime.now(UTC) - timedelta(days=2))
    assert Contact.get_by_id(a.id).next_due_at == date.today() + timedelta(days=12)


def test_log_validation(store: Store) -> None:
    a = contacts.add("Ada")
    with pytest.raises(ValidationError, match="unknown interaction kind"):
        interactions.log("x", [a.uid], kind="telepathy")
    with pytest.raises(ValidationError, match="future"):
        interactions.log("x", [a.uid], occurred_at=datetime.now(UTC) + timedelta(days=5))
    with pytest.raises(ValidationError, match="at least one"):
        interactions.log("x", [])
    assert Interaction.select().count() == 0


def test_delete_recomputes_last_contact(store: Store) -> None:
    a = contacts.add("Ada", cadence_days=10)
    first = datetime(2026, 9, 1, 12, tzinfo=UTC)
    interactions.log("one", [a.uid], occurred_at=first)
    second = interactions.log("two", [a.uid], occurred_at=first + timedelta(days=5))
    interactions.delete(second.uid)
    a = Contact.get_by_id(a.id)
    assert a.last_interaction_at == first.replace(tzinfo=None)
    assert a.next_due_at == date(2026, 9, 11)
