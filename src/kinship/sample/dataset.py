"""Generated stores for benchmarks and scale tests: N contacts, M interactions, bulk inserts.

Deterministic for a given ``seed``; everything goes through ``insert_many`` in chunks inside
write transactions, then the derived state (``last_interaction_at``, the search index, the
follow-ups and ``next_due_at``) is brought up to date set-based, as the services keep it.
Not for real data: there is no validation beyond what the schema enforces.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from peewee import fn

from kinship.store import current, search
from kinship.store.models import (
    Contact,
    ContactTag,
    Event,
    EventPerson,
    Interaction,
    Participant,
    Tag,
    utcnow,
)

__all__ = ["Generated", "generate"]

_GIVEN = [
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Margaret",
    "Dennis",
    "Barbara",
    "Ken",
    "Frances",
    "Edsger",
    "Radia",
    "Tim",
    "Hedy",
    "Donald",
    "Katherine",
    "John",
    "Sophie",
    "Guido",
    "Anita",
    "Niklaus",
    "Joan",
    "Leslie",
    "Mary",
    "Claude",
    "Jean",
    "Lynn",
    "Hal",
    "Karen",
]
_FAMILY = [
    "Lovelace",
    "Turing",
    "Hopper",
    "Torvalds",
    "Hamilton",
    "Ritchie",
    "Liskov",
    "Thompson",
    "Allen",
    "Dijkstra",
    "Perlman",
    "Lee",
    "Lamarr",
    "Knuth",
    "Johnson",
    "McCarthy",
    "Wilson",
    "Rossum",
    "Borg",
    "Wirth",
    "Clarke",
    "Lamport",
    "Shaw",
    "Shannon",
    "Sammet",
    "Conway",
    "Abelson",
    "Jones",
]
#: (kind, weight): mostly everyday contact, some value exchanged, a few thanks.
_KINDS = (
    ("message", 30),
    ("call", 15),
    ("meeting", 15),
    ("email", 20),
    ("event", 4),
    ("help-received", 4),
    ("help-given", 4),
    ("intro-received", 1),
    ("intro-given", 1),
    ("gift-received", 1),
    ("gift-given", 1),
    ("thanks", 3),
    ("congratulation", 1),
)
_TAGS = (
    ("inner circle", 14),
    ("family", 30),
    ("mentors", 60),
    ("clients", None),
    ("community", None),
)
_LIFE = ("new-job", "promotion", "wedding", "baby", "move", "graduation", "loss", "illness")
#: (given names, family names) the generator draws from; benchmarks reuse them.
NAMES = (_GIVEN, _FAMILY)


@dataclass
class Generated:
    contacts: int
    interactions: int
    events: int


def _insert(model: Any, rows: list[Any], fields: list[Any]) -> None:
    """``INSERT`` ``rows`` in statements of under 32k parameters (SQLite's usual limit;
    PostgreSQL's is 65535). Peewee adds the defaults of the other columns to each row."""
    step = max(1, 32_000 // len(model._meta.sorted_fields))
    for start in range(0, len(rows), step):
        model.insert_many(rows[start : start + step], fields=fields).execute()


def generate(
    n_contacts: int,
    n_interactions: int,
    *,
    seed: int = 1,
    today: date | None = None,
    years: int = 3,
    chunk: int = 5000,
    index_search: bool = True,
    recompute: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Generated:
    """Add ``n_contacts`` people and ``n_interactions`` interactions to the open store."""
    rng = random.Random(seed)
    today = today or date.today()
    now = datetime.combine(today, time(12, 0))
    span = years * 365 * 86400
    store = current()
    say = progress or (lambda _msg: None)

    with store.write():
        tag_ids = []
        for name, cadence in _TAGS:
            Tag.insert(name=name, cadence_days=cadence).on_conflict_ignore().execute()
            tag_ids.append(Tag.get(Tag.name == name).id)
    first_contact = (Contact.select(fn.MAX(Contact.id)).scalar() or 0) + 1
    created = utcnow() - timedelta(days=years * 365)

    say(f"contacts: {n_contacts}")
    for start in range(0, n_contacts, chunk):
        rows, links = [], []
        for i in range(start, min(start + chunk, n_contacts)):
            cid = first_contact + i
            name = f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)} {cid}"
            birthday = None
            if rng.random() < 0.6:
                month, day = rng.randint(1, 12), rng.randint(1, 28)
                year = rng.randint(1950, 2005)
                birthday = (
                    f"{year:04d}-{month:02d}-{day:02d}"
                    if rng.random() < 0.7
                    else f"--{month:02d}-{day:02d}"
                )
            cadence = rng.choice((7, 14, 30, 30, 90)) if rng.random() < 0.2 else None
            rows.append(
                (cid, f"gen-{cid}", name, name.casefold(), birthday, cadence, created, created)
            )
            for tag in rng.sample(tag_ids, rng.choice((0, 0, 0, 1, 1, 2))):
                links.append((cid, tag))
        with store.write():
            _insert(
                Contact,
                rows,
                [
                    Contact.id,
                    Contact.uid,
                    Contact.display_name,
                    Contact.sort_name,
                    Contact.birthday,
                    Contact.cadence_days,
                    Contact.created_at,
                    Contact.updated_at,
                ],
            )
            _insert(ContactTag, links, [ContactTag.contact, ContactTag.tag])
            store.sync_ids(Contact)
    last_contact = first_contact + n_contacts - 1

    kinds = [k for k, _ in _KINDS]
    weights = [w for _, w in _KINDS]
    first_interaction = (Interaction.select(fn.MAX(Interaction.id)).scalar() or 0) + 1
    say(f"interactions: {n_interactions}")
    for start in range(0, n_interactions, chunk):
        rows2, parts = [], []
        stop = min(start + chunk, n_interactions)
        picked = rng.choices(kinds, weights, k=stop - start)
        for offset, i in enumerate(range(start, stop)):
            iid = first_interaction + i
            # Recent interactions are more common than old ones.
            back = int(span * rng.random() ** 2)
            at = now - timedelta(seconds=back)
            rows2.append((iid, f"gen-i-{iid}", at, picked[offset], "generated", at))
            who = rng.randint(first_contact, last_contact)
            parts.append((iid, who))
            if rng.random() < 0.1:
                other = rng.randint(first_contact, last_contact)
                if other != who:
                    parts.append((iid, other))
        with store.write():
            _insert(
                Interaction,
                rows2,
                [
                    Interaction.id,
                    Interaction.uid,
                    Interaction.occurred_at,
                    Interaction.kind,
                    Interaction.summary,
                    Interaction.created_at,
                ],
            )
            _insert(Participant, parts, [Participant.interaction, Participant.contact])
            store.sync_ids(Interaction)

    n_events = max(1, n_contacts // 100) if n_contacts else 0
    say(f"life events: {n_events}")
    with store.write():
        first_event = (Event.select(fn.MAX(Event.id)).scalar() or 0) + 1
        ev_rows, ev_people = [], []
        for n in range(n_events):
            eid = first_event + n
            on = today - timedelta(days=rng.randint(-10, 60))
            kind = rng.choice(_LIFE)
            ev_rows.append((eid, f"gen-e-{eid}", kind, kind, datetime.combine(on, time(0)), True))
            ev_people.append((eid, rng.randint(first_contact, last_contact)))
        for s in range(0, len(ev_rows), chunk):
            Event.insert_many(
                ev_rows[s : s + chunk],
                fields=[Event.id, Event.uid, Event.summary, Event.kind, Event.start, Event.all_day],
            ).execute()
            EventPerson.insert_many(
                ev_people[s : s + chunk], fields=[EventPerson.event, EventPerson.contact]
            ).on_conflict_ignore().execute()
        store.sync_ids(Event)

    say("last interaction per contact")
    store.analyze(Contact, ContactTag, Interaction, Participant, Event, EventPerson)
    with store.write():
        latest = (
            Participant.select(fn.MAX(Interaction.occurred_at))
            .join(Interaction)
            .where(Participant.contact == Contact.id)
        )
        Contact.update(last_interaction_at=latest).where(
            Contact.id.between(first_contact, last_contact)
        ).execute()

    if index_search:
        say("search index")
        ids = list(range(first_contact, last_contact + 1))
        for s in range(0, len(ids), chunk):
            with store.write():
                search.reindex(ids[s : s + chunk])

    if recompute:
        from kinship.services import followups

        say("follow-ups")
        followups.recompute_all()
    return Generated(n_contacts, n_interactions, n_events)
