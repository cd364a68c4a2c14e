"""A contact's relationships, both directions, in one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kinship.store.models import Contact, Relationship


@dataclass(frozen=True, slots=True)
class RelationItem:
    """One relationship as seen from a contact: "<other> is their <kind>" when ``outgoing``,
    else "they are <other>'s <kind>"."""

    kind: str
    other_uid: str
    other_name: str
    outgoing: bool
    #: The stored direction, for ``contacts.unrelate``/``relate``.
    from_uid: str
    to_uid: str

    @property
    def label(self) -> str:
        return self.kind if self.outgoing else f"{self.kind} of"

    def to_json(self) -> dict[str, Any]:
        """As ``show --json`` lists it."""
        return {
            "kind": self.kind,
            "direction": "out" if self.outgoing else "in",
            "uid": self.other_uid,
            "display_name": self.other_name,
        }


def relations(contact_id: int) -> list[RelationItem]:
    """Both directions of a contact's relationships, outgoing first, each by kind and name."""
    me = Contact.select(Contact.uid).where(Contact.id == contact_id).tuples().first()
    if me is None:
        return []
    (uid,) = me
    out: list[RelationItem] = []
    for outgoing, mine, other in (
        (True, Relationship.from_contact, Relationship.to_contact),
        (False, Relationship.to_contact, Relationship.from_contact),
    ):
        rows = (
            Relationship.select(Relationship.kind, Contact.uid, Contact.display_name)
            .join(Contact, on=(other == Contact.id))
            .where(mine == contact_id)
            .order_by(Relationship.kind, Contact.sort_name)
            .tuples()
        )
        out += [
            RelationItem(
                kind,
                other_uid,
                name,
                outgoing,
                uid if outgoing else other_uid,
                other_uid if outgoing else uid,
            )
            for kind, other_uid, name in rows
        ]
    return out
