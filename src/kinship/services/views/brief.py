""" "Before you meet": what matters about one person, on one screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kinship.dates import due_words
from kinship.services.views.detail import detail, open_followups
from kinship.services.views.ledger import GiveGet
from kinship.services.views.notes import NoteItem
from kinship.services.views.relations import RelationItem
from kinship.services.views.timeline import TimelineItem

__all__ = ["Brief", "GiveGet", "brief"]


@dataclass(frozen=True, slots=True)
class Brief:
    name: str
    org: str
    pinned: list[NoteItem]
    other_notes: list[NoteItem]
    last: list[TimelineItem]
    #: What is due and why, one line each.
    due: list[str]
    relations: list[RelationItem]
    #: What you gave them and received from them (the ledger), for "Give and get".
    give_get: GiveGet | None = None


def brief(contact_id: int, today: date) -> Brief | None:
    """Pinned notes, the last three interactions, what is due and why, who is around them."""
    d = detail(contact_id, today)
    if d is None:
        return None
    # The reason says why; the due date is said once, here.
    due = [
        f"{f.kind.replace('-', ' ')} ({due_words(f.due, today)}): {f.reason}"
        for f in open_followups(contact_id)
    ]
    if not due and d.snoozed_until is not None:
        due.append(f"snoozed until {d.snoozed_until.isoformat()}: nothing is due before then")
    elif not due and d.next_due is not None:
        every = f" (every {d.cadence} days)" if d.cadence else ""
        due.append(f"check in: {due_words(d.next_due, today)}{every}")
    return Brief(
        name=d.name,
        org=", ".join(x for x in (d.title, d.org) if x),
        pinned=[n for n in d.notes if n.pinned],
        other_notes=[n for n in d.notes if not n.pinned][:3],
        last=[t for t in d.timeline if t.source == "interaction"][:3],
        due=due,
        relations=d.relations,
        give_get=d.give_get,
    )
