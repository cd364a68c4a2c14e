"""kinship.api: what plugins' commands, palette entries and notifiers read and write."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from kinship import api
from kinship.records import PartialDate
from kinship.store import Store


def test_reads_and_writes(store: Store) -> None:
    ada = api.add_contact(
        "Ada Lovelace", emails=["ada@example.org"], tags=["mentors"], birthday="1815-12-10"
    )
    assert (ada.display_name, ada.emails, ada.tags, ada.birthday) == (
        "Ada Lovelace",
        ("ada@example.org",),
        ("mentors",),
        "1815-12-10",
    )
    api.add_contact("Grace Hopper", birthday=PartialDate(12, 9))
    assert [c.display_name for c in api.contacts("tag:mentors")] == ["Ada Lovelace"]
    assert [c.display_name for c in api.contacts()] == ["Ada Lovelace", "Grace Hopper"]

    met = api.log("Coffee", ["ada", "grace"], kind="meeting", when=datetime(2026, 5, 1, tzinfo=UTC))
    assert (met.summary, met.others) == ("Coffee", ("Ada Lovelace", "Grace Hopper"))
    note = api.add_note("ada", "Likes engines", kind="interest", pinned=True)
    assert [n.body for n in api.notes("ada")] == [note.body]

    card = api.contact("ada")
    assert card.summary.uid == ada.uid and [i.summary for i in card.interactions] == ["Coffee"]
    changed = api.update_contact("ada", version=card.version, title="Countess")
    assert changed.title == "Countess"
    with pytest.raises(api.KinshipError, match="changed elsewhere"):
        api.update_contact("ada", version=card.version, title="Again")
    assert api.tag("ada", add=["friends"], remove=["mentors"]) == ["friends"]
    record = api.contact_record("ada")
    assert record.title == "Countess" and record.birthday == PartialDate(12, 10, 1815)
    assert isinstance(api.today(), date)
    assert api.config("nothing-here") == {}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: api.add_contact(None), "a contact's name must be text, not NoneType"),  # type: ignore[arg-type]
        (lambda: api.add_contact("A", title=3), "title: expected text, got int 3"),
        (lambda: api.add_contact("A", birthday="June 5th"), "not a date: 'June 5th'"),
        (lambda: api.add_contact("A", birthday=19900605), "a date must be a PartialDate or text"),
        (lambda: api.add_contact("A", notes="x" * 200_000), "notes: too long (200,000"),
        (lambda: api.add_contact("A", emails=[3]), "email: value: expected text"),  # type: ignore[list-item]
        (lambda: api.add_contact("A", tags=[None]), "a tag must be text"),  # type: ignore[list-item]
        (lambda: api.add_contact("A", met_on=5), "met on: expected a date, got int 5"),
        (lambda: api.add_contact("A", cadence_days="often"), "cadence must be a number of days"),
        (lambda: api.add_contact("A\x00B"), "contains a NUL character"),
        (lambda: api.log("Hi", "ada"), "people must be a list of names or UIDs"),
        (lambda: api.log("x" * 3000, ["ada"]), "summary: too long"),
        (lambda: api.log("Hi", ["ada"], kind="telepathy"), "unknown interaction kind"),
        (lambda: api.log("Hi", ["ada"], when="yesterday"), "expected a datetime"),  # type: ignore[arg-type]
        (lambda: api.add_note("ada", "x" * 10_000_000), "note too long"),
        (lambda: api.add_note("ada", b"bytes"), "a note must be text, not bytes"),  # type: ignore[arg-type]
    ],
)
def test_what_does_not_fit_is_an_error_naming_the_field_and_nothing_is_written(
    store: Store, call: Any, message: str
) -> None:
    from kinship.store.models import Contact, EmpathyNote, Interaction

    api.add_contact("Ada Lovelace")
    before = (Contact.select().count(), Interaction.select().count(), EmpathyNote.select().count())
    with pytest.raises(api.KinshipError) as raised:
        call()
    assert message in str(raised.value)
    after = (Contact.select().count(), Interaction.select().count(), EmpathyNote.select().count())
    assert after == before


def test_without_an_open_store_it_says_what_to_do() -> None:
    with pytest.raises(api.KinshipError, match=r"call ctx.open\(\) first"):
        api.contacts()


async def _call(app: Any) -> Any:
    return await api.call(app, api.contacts)


def test_call_needs_the_app() -> None:
    import asyncio

    with pytest.raises(api.KinshipError, match="needs the running kinship app"):
        asyncio.run(_call(object()))
