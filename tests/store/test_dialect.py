"""The backend-specific spellings of :mod:`kinship.store.dialect`, on the backend under test."""

from __future__ import annotations

from kinship.services import contacts
from kinship.store import Store, dialect
from kinship.store.models import Contact


def test_in_ids_binds_a_sparse_list_as_one_value_and_finds_exactly_those(store: Store) -> None:
    people = [contacts.add(f"P{n}") for n in range(12)]
    wanted = [people[n].id for n in (0, 3, 4, 11)]
    query = Contact.select(Contact.id).where(dialect.in_ids(Contact.id, wanted))
    assert sorted(c for (c,) in query.tuples()) == sorted(wanted)
    assert len(query.sql()[1]) == 1  # one parameter, whatever the number of ids
    assert list(Contact.select().where(dialect.in_ids(Contact.id, [10_000]))) == []
