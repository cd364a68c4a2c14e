"""How do I know X? The shortest chain of people linking two contacts.

Two people are linked when a relationship joins them (either way), when they took part in
the same interaction, or when both are linked to the same event. The search is
breadth-first from both ends at once, a level at a time, each level a few set-based queries
over the frontier (a self-join of the link tables, grouped by the person reached), and it
stops at :data:`MAX_HOPS` links or :data:`MAX_SEEN` people: a bounded walk, whatever the size
of the store. Once a chain is found, each step is described by the best link between its two
people: a relationship first, then the latest shared event ("met at PyCon 2025"), then the
latest shared interaction. Archived people may be a step of the chain: each step says
whether its person is archived, so both faces mark them (you may no longer be in touch).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from peewee import fn

from kinship.errors import NotFound, ValidationError
from kinship.services.followups.engine import engine
from kinship.store.models import Contact, Event, EventPerson, Interaction, Participant, Relationship

__all__ = ["MAX_HOPS", "Path", "PathStep", "path"]

#: The longest chain looked for (links between people).
MAX_HOPS = 6
#: The search gives up after reaching this many people from both ends together.
MAX_SEEN = 50_000
#: Frontier ids per query (well under every backend's parameter limit).
_BATCH = 500
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class PathStep:
    """One person of the chain; ``link`` says how they connect to the one before."""

    uid: str
    display_name: str
    link: str = ""
    #: "relationship", "event", "interaction" ("" for the first person).
    via: str = ""
    #: The person is archived (hidden from the list; maybe no longer in touch).
    archived: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "contact": {"uid": self.uid, "display_name": self.display_name},
            "via": self.via or None,
            "link": self.link or None,
            "archived": self.archived,
        }


@dataclass(frozen=True, slots=True)
class Path:
    steps: list[PathStep]

    @property
    def hops(self) -> int:
        return len(self.steps) - 1

    def to_json(self) -> dict[str, Any]:
        return {"hops": self.hops, "steps": [s.to_json() for s in self.steps]}


#: How a shared interaction reads in a link ("an introduction on 2026-11-16: …"), in words,
#: not the stored kind names ("intro-given").
_INTERACTION_WORDS = {
    "call": "a call together",
    "meeting": "a meeting together",
    "message": "a message to both",
    "email": "an email to both",
    "event": "an event together",
    "thanks": "thanks to both",
    "help-given": "help given to both",
    "help-received": "help from both",
    "intro-given": "introduced to each other",
    "intro-received": "an introduction from both",
    "gift-given": "a gift to both",
    "gift-received": "a gift from both",
    "congratulation": "congratulations to both",
    "condolence": "condolences to both",
    "promise": "a promise to both",
}


def _batches(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _BATCH):
        yield list(ids[start : start + _BATCH])


def _neighbours(frontier: set[int]) -> dict[int, int]:
    """Each person linked to someone of ``frontier`` → one of those someones."""
    found: dict[int, int] = {}

    def add(rows: Iterable[tuple[Any, Any]]) -> None:
        for other, parent in rows:
            if other is not None and other not in frontier:
                found.setdefault(int(other), int(parent))

    ordered = sorted(frontier)
    for ids in _batches(ordered):
        add(
            Relationship.select(Relationship.to_contact, fn.MIN(Relationship.from_contact))
            .where(Relationship.from_contact.in_(ids))
            .group_by(Relationship.to_contact)
            .tuples()
        )
        add(
            Relationship.select(Relationship.from_contact, fn.MIN(Relationship.to_contact))
            .where(Relationship.to_contact.in_(ids))
            .group_by(Relationship.from_contact)
            .tuples()
        )
        mine, theirs = Participant.alias("mine"), Participant.alias("theirs")
        add(
            theirs.select(theirs.contact, fn.MIN(mine.contact))
            .join(mine, on=(mine.interaction == theirs.interaction))
            .where(mine.contact.in_(ids))
            .group_by(theirs.contact)
            .tuples()
        )
        here, there = EventPerson.alias("here"), EventPerson.alias("there")
        add(
            there.select(there.contact, fn.MIN(here.contact))
            .join(here, on=(here.event == there.event))
            .where(here.contact.in_(ids))
            .group_by(there.contact)
            .tuples()
        )
    return found


def _contact(uid: str) -> Contact:
    row = Contact.get_or_none(Contact.uid == uid)
    if row is None:
        raise NotFound(f"no contact with UID {uid!r}")
    return row


def path(from_uid: str, to_uid: str, *, max_hops: int = MAX_HOPS) -> Path:
    """The shortest chain from one contact to another; NotFound when there is none within
    ``max_hops`` links."""
    a, b = _contact(from_uid), _contact(to_uid)
    if a.id == b.id:
        raise ValidationError(f"{a.display_name} is {b.display_name}: nothing to link")
    # person → the person before them on the way from their end (None at the end itself).
    left: dict[int, int | None] = {a.id: None}
    right: dict[int, int | None] = {b.id: None}
    # person → how many links from their end (to pick the shortest of several meetings).
    left_depth: dict[int, int] = {a.id: 0}
    right_depth: dict[int, int] = {b.id: 0}
    left_frontier, right_frontier = {a.id}, {b.id}
    left_level = right_level = 0
    depth = 0
    meet: int | None = None
    while depth < max_hops and left_frontier and right_frontier:
        # Grow the smaller side: the walk stays as narrow as the graph allows.
        grow_left = len(left_frontier) <= len(right_frontier)
        seen, frontier = (left, left_frontier) if grow_left else (right, right_frontier)
        other = right if grow_left else left
        reached = _neighbours(frontier)
        fresh: set[int] = set()
        for person, parent in sorted(reached.items()):
            if person in seen:
                continue
            seen[person] = parent
            fresh.add(person)
        depth += 1
        if grow_left:
            left_level += 1
        else:
            right_level += 1
        other_depth = right_depth if grow_left else left_depth
        meeting = sorted((other_depth[p], p) for p in fresh if p in other)
        if meeting:
            meet = meeting[0][1]
            break
        if grow_left:
            left_frontier = fresh
            left_depth.update(dict.fromkeys(fresh, left_level))
        else:
            right_frontier = fresh
            right_depth.update(dict.fromkeys(fresh, right_level))
        if len(left) + len(right) > MAX_SEEN:
            break
    if meet is None:
        raise NotFound(
            f"no chain of up to {max_hops} links joins {a.display_name} and {b.display_name}"
        )
    chain: list[int] = []
    node: int | None = meet
    while node is not None:
        chain.append(node)
        node = left[node]
    chain.reverse()
    node = right[meet]
    while node is not None:
        chain.append(node)
        node = right[node]
    return Path(_describe(chain))


def _describe(chain: list[int]) -> list[PathStep]:
    people: dict[int, tuple[str, str]] = {}
    archived: set[int] = set()
    for cid, uid, name, gone in (
        Contact.select(Contact.id, Contact.uid, Contact.display_name, Contact.archived)
        .where(Contact.id.in_(chain))
        .tuples()
    ):
        people[cid] = (uid, name)
        if gone:
            archived.add(cid)
    steps = [PathStep(*people[chain[0]], archived=chain[0] in archived)]
    for before, here in itertools.pairwise(chain):
        via, text = _link(before, here, people)
        steps.append(PathStep(*people[here], link=text, via=via, archived=here in archived))
    return steps


def _when(value: Any) -> date:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.date() if isinstance(value, datetime) else value


def _month(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.year}"


def _link(x: int, y: int, people: dict[int, tuple[str, str]]) -> tuple[str, str]:
    """The best link between two people: a relationship, else the latest shared event,
    else the latest shared interaction (three small indexed queries at most)."""
    rel = (
        Relationship.select(Relationship.from_contact, Relationship.to_contact, Relationship.kind)
        .where(
            ((Relationship.from_contact == x) & (Relationship.to_contact == y))
            | ((Relationship.from_contact == y) & (Relationship.to_contact == x))
        )
        .order_by(Relationship.id)
        .tuples()
        .first()
    )
    if rel is not None:
        src, dst, kind = rel
        one, two = people[src][1], people[dst][1]
        if kind == "introduced-by":
            return "relationship", f"{one} was introduced by {two}"
        return "relationship", f"{one} is {two}'s {kind}"
    here, there = EventPerson.alias("here"), EventPerson.alias("there")
    event = (
        Event.select(Event.summary, Event.start)
        .join(here, on=(here.event == Event.id))
        .join(there, on=(there.event == Event.id))
        .where((here.contact == x) & (there.contact == y))
        .order_by(Event.start.desc())
        .tuples()
        .first()
    )
    if event is not None:
        summary, start = event
        day = _when(start)
        if day > engine().today():
            # Not met yet: both are going.
            return "event", f"both going to {summary} ({_month(day)})"
        return "event", f"met at {summary} ({_month(day)})"
    mine, theirs = Participant.alias("mine"), Participant.alias("theirs")
    together = (
        Interaction.select(Interaction.summary, Interaction.kind, Interaction.occurred_at)
        .join(mine, on=(mine.interaction == Interaction.id))
        .join(theirs, on=(theirs.interaction == Interaction.id))
        .where((mine.contact == x) & (theirs.contact == y))
        .order_by(Interaction.occurred_at.desc())
        .tuples()
        .first()
    )
    if together is not None:
        summary, kind, at = together
        what = _INTERACTION_WORDS.get(kind, "logged together")
        return "interaction", f"{what} on {_when(at).isoformat()}: {summary}"
    return "", ""  # pragma: no cover - the walk only follows existing links
