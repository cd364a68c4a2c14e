"""Sample people for ``kinship --demo``: a realistic, deterministic network.

A few hundred people with organisations, tags (inner circle, mentors, clients, community,
family), emails and phones, birthdays (some without a year), check-in cadences, two years of
interactions of every kind (including help received and never thanked), empathy notes of
every kind, events and life events, and relationships between them.

Same ``seed`` and ``today`` → the same store, so screenshots and tests are stable. Everything
is written with bulk inserts inside one ``store.write()`` transaction; then the search index
and the follow-ups are brought up to date for the new contacts, as the services keep them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from peewee import fn

from kinship.records import INTERACTION_KINDS, LIFE_EVENT_KINDS, NOTE_KINDS
from kinship.store import current, search
from kinship.store.models import (
    Contact,
    ContactField,
    ContactTag,
    EmpathyNote,
    Event,
    EventPerson,
    Interaction,
    Participant,
    Relationship,
    Tag,
)

__all__ = ["DemoReport", "generate"]

FIRST = [
    "Ada",
    "Alan",
    "Amara",
    "Ana",
    "Anders",
    "Aiko",
    "Amir",
    "Anouk",
    "Beatriz",
    "Ben",
    "Bilal",
    "Chen",
    "Chloé",
    "Dagny",
    "Daniel",
    "Dara",
    "Elena",
    "Elif",
    "Emeka",
    "Eszter",
    "Fatima",
    "Felix",
    "Freya",
    "Gabriel",
    "Grace",
    "Hana",
    "Hugo",
    "Ines",
    "Ingrid",
    "Isaac",
    "Jamal",
    "Jana",
    "Javier",
    "Jonas",
    "Julia",
    "Kai",
    "Kalani",
    "Karim",
    "Kasia",
    "Kenji",
    "Lara",
    "Léa",
    "Leon",
    "Lina",
    "Luca",
    "Malik",
    "Maya",
    "Mei",
    "Mila",
    "Nadia",
    "Nikolai",
    "Noor",
    "Olga",
    "Omar",
    "Pablo",
    "Priya",
    "Quentin",
    "Rafael",
    "Rania",
    "Rosa",
    "Sakura",
    "Sami",
    "Sara",
    "Søren",
    "Tariq",
    "Tessa",
    "Theo",
    "Uma",
    "Valentina",
    "Wanjiru",
    "Wei",
    "Xavier",
    "Yara",
    "Yusuf",
    "Zofia",
    "Zoë",
]
LAST = [
    "Abbott",
    "Adeyemi",
    "Alvarez",
    "Andersen",
    "Bauer",
    "Becker",
    "Bianchi",
    "Brown",
    "Castillo",
    "Chen",
    "Costa",
    "Dubois",
    "Eriksson",
    "Fischer",
    "García",
    "Gonzalez",
    "Haddad",
    "Hansen",
    "Hoffmann",
    "Ibrahim",
    "Ivanova",
    "Jansen",
    "Kim",
    "Kowalski",
    "Kumar",
    "Larsen",
    "Lefèvre",
    "Lindqvist",
    "López",
    "Martin",
    "Mendes",
    "Moreau",
    "Müller",
    "Nakamura",
    "Nguyen",
    "Novák",
    "Okafor",
    "Olsen",
    "Papadopoulos",
    "Patel",
    "Pereira",
    "Petrov",
    "Rossi",
    "Sato",
    "Schmidt",
    "Silva",
    "Singh",
    "Sørensen",
    "Tanaka",
    "Thompson",
    "Tremblay",
    "Varga",
    "Wagner",
    "Walker",
    "Weber",
    "Wójcik",
    "Yamamoto",
    "Yilmaz",
    "Zhang",
    "Zimmermann",
]
ORGS = (
    ("Acme Robotics", "acme.example"),
    ("Northwind Health", "northwind.example"),
    ("Blue Harbor Labs", "blueharbor.example"),
    ("City Library", "citylib.example"),
    ("Fjord Capital", "fjord.example"),
    ("Open Source Collective", "osc.example"),
    ("Riverside School", "riverside.example"),
    ("Studio Kōan", "koan.example"),
    ("Greenleaf Co-op", "greenleaf.example"),
    ("Helix Biotech", "helix.example"),
    ("", ""),
    ("", ""),
)
TITLES = (
    "Engineer",
    "Designer",
    "Founder",
    "Teacher",
    "Nurse",
    "Researcher",
    "Product lead",
    "Writer",
    "CTO",
    "Organizer",
    "",
)
TAGS = (("inner circle", 14), ("mentors", 45), ("clients", 30), ("community", 90), ("family", 21))

SUMMARIES = {
    "call": (
        "Phone catch-up",
        "Quick call about the project",
        "Called to say hi",
        "Long call about the move",
    ),
    "meeting": (
        "Coffee downtown",
        "Lunch near the office",
        "Walk in the park",
        "Breakfast before work",
    ),
    "message": (
        "Sent the article we discussed",
        "Checked in by message",
        "Shared photos",
        "Quick hello",
    ),
    "email": ("Emailed the intro notes", "Followed up on the proposal", "Sent the slides"),
    "event": ("Saw each other at the meetup", "Met at the conference dinner", "Board game night"),
    "thanks": (
        "Thanked for the introduction",
        "Thank-you card for the help",
        "Said thanks over coffee",
    ),
    "help-given": (
        "Reviewed their CV",
        "Helped move boxes",
        "Gave feedback on the talk",
        "Made a budget sheet together",
    ),
    "help-received": (
        "Got advice on negotiating",
        "They reviewed my draft",
        "Lent me their camera",
        "Covered my shift",
    ),
    "intro-given": ("Introduced them to a recruiter", "Connected them with a designer"),
    "intro-received": ("They introduced me to an investor", "Got an intro to the editor"),
    "gift-given": ("Sent a book", "Brought flowers"),
    "gift-received": ("Received homemade jam", "Got a book recommendation and a copy"),
    "congratulation": ("Congratulated on the new job", "Congratulations on the wedding"),
    "condolence": ("Sent condolences", "Wrote a card after the loss"),
    "promise": ("Promised to send the paper", "Promised to visit in spring"),
}
KIND_WEIGHTS = {
    "call": 14,
    "meeting": 16,
    "message": 22,
    "email": 10,
    "event": 6,
    "thanks": 4,
    "help-given": 5,
    "help-received": 5,
    "intro-given": 2,
    "intro-received": 2,
    "gift-given": 2,
    "gift-received": 2,
    "congratulation": 2,
    "condolence": 1,
    "promise": 2,
}
NOTES = {
    "need": (
        "Needs a reliable babysitter on Thursdays",
        "Looking for a co-founder with sales experience",
        "Needs quiet time after big launches",
    ),
    "goal": (
        "Wants to run a marathon next year",
        "Aiming for a promotion to staff engineer",
        "Learning Japanese before the trip",
    ),
    "challenge": (
        "Dealing with a difficult manager",
        "Struggling to find housing in the city",
        "Recovering from a knee injury",
    ),
    "interest": (
        "Loves jazz and vinyl records",
        "Into bouldering and trail running",
        "Collects old maps",
        "Bakes sourdough every weekend",
    ),
    "family": (
        "Two kids: Mia (7) and Leo (4)",
        "Partner works as a nurse on night shifts",
        "Parents live in Porto",
    ),
    "perspective": ("Thinks remote work is overrated", "Cares a lot about open source funding"),
    "feeling": ("Felt overlooked at the last review", "Excited but nervous about the move"),
    "preference": (
        "Prefers calls to messages",
        "Vegetarian; no coffee after noon",
        "Mornings are best to reach them",
    ),
    "general": (
        "Met through the Python meetup",
        "Always up for a board game night",
        "Owes me a book back (no rush)",
    ),
}
EVENT_TITLES = (
    "Python meetup",
    "Design systems conference",
    "Community garden day",
    "Founders breakfast",
    "Book club",
    "Charity run",
)
LIFE_SUMMARIES = {
    "new-job": "Started a new job",
    "promotion": "Got promoted",
    "wedding": "Got married",
    "baby": "Had a baby",
    "move": "Moved to a new city",
    "graduation": "Graduated",
    "loss": "Lost a parent",
    "illness": "Surgery and recovery",
}


@dataclass
class DemoReport:
    contacts: int
    interactions: int
    notes: int
    events: int
    relationships: int


def _chunks(rows: list[Any], size: int = 400) -> Any:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def generate(n: int = 300, *, seed: int = 7, today: date | None = None) -> DemoReport:
    """Add ``n`` sample people (and their history) to the open store."""
    rng = random.Random(seed)
    today = today or date.today()
    noon = datetime.combine(today, time(12, 0))
    created = noon - timedelta(days=760)
    store = current()
    base = (Contact.select(fn.MAX(Contact.id)).scalar() or 0) + 1
    kinds = list(KIND_WEIGHTS)
    weights = [KIND_WEIGHTS[k] for k in kinds]
    assert set(kinds) <= set(INTERACTION_KINDS)

    with store.write():
        tag_ids: dict[str, int] = {}
        for name, tag_days in TAGS:
            Tag.insert(name=name, cadence_days=tag_days).on_conflict_ignore().execute()
            tag_ids[name] = Tag.get(Tag.name == name).id

        contacts: list[dict[str, Any]] = []
        fields: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        people: list[dict[str, Any]] = []
        used: set[str] = set()
        for i in range(n):
            while True:
                given, family = rng.choice(FIRST), rng.choice(LAST)
                name = f"{given} {family}"
                if name not in used or len(used) > len(FIRST) * len(LAST) // 2:
                    break
            used.add(name)
            org, domain = rng.choice(ORGS)
            tier = rng.choices(("inner", "close", "regular", "distant"), (6, 18, 40, 36))[0]
            bday = None
            if rng.random() < 0.7:
                month, day = rng.randint(1, 12), rng.randint(1, 28)
                bday = (
                    f"--{month:02d}-{day:02d}"
                    if rng.random() < 0.3
                    else f"{rng.randint(1955, 2002)}-{month:02d}-{day:02d}"
                )
            cadence = {
                "inner": rng.choice((7, 14)),
                "close": rng.choice((21, 30, 45)),
                "regular": rng.choice((None, 60, 90)),
                "distant": None,
            }[tier]
            cid = base + i
            contacts.append(
                {
                    "id": cid,
                    "uid": f"demo-{seed}-{i:05d}",
                    "display_name": name,
                    "sort_name": name.casefold(),
                    "given_name": given,
                    "family_name": family,
                    "organization": org,
                    "title": rng.choice(TITLES) if org else "",
                    "birthday": bday,
                    "cadence_days": cadence,
                    "met_how": rng.choice(
                        ("", "conference", "work", "school", "neighbour", "friend of a friend")
                    ),
                    "created_at": created + timedelta(days=rng.randint(0, 60)),
                    "updated_at": created + timedelta(days=rng.randint(60, 700)),
                    "source": "demo",
                }
            )
            mail = f"{given}.{family}".lower().replace(" ", "")
            fields.append(
                {
                    "contact": cid,
                    "kind": "email",
                    "value": f"{mail}@{domain or 'mail.example'}",
                    "normalized": f"{mail}@{domain or 'mail.example'}".casefold(),
                    "preferred": True,
                    "position": 0,
                }
            )
            if rng.random() < 0.6:
                digits = "".join(str(rng.randint(0, 9)) for _ in range(9))
                phone = f"+1 {digits[:3]} {digits[3:6]} {digits[6:]}"
                fields.append(
                    {
                        "contact": cid,
                        "kind": "phone",
                        "value": phone,
                        "normalized": "+1" + digits,
                        "preferred": False,
                        "position": 0,
                    }
                )
            tags = set()
            if tier == "inner":
                tags.add("inner circle")
            if rng.random() < 0.08:
                tags.add("mentors")
            if org and rng.random() < 0.15:
                tags.add("clients")
            if rng.random() < 0.25:
                tags.add("community")
            if tier in ("inner", "close") and rng.random() < 0.2:
                tags.add("family")
            links += [{"contact": cid, "tag": tag_ids[t]} for t in sorted(tags)]
            people.append({"id": cid, "tier": tier, "org": org, "tags": tags})
        for chunk in _chunks(contacts, 200):
            Contact.insert_many(chunk).execute()
        for chunk in _chunks(fields):
            ContactField.insert_many(chunk).execute()
        for chunk in _chunks(links):
            ContactTag.insert_many(chunk).execute()

        # Interactions: closer people more often; some with several people at once.
        per_tier = {"inner": (18, 40), "close": (6, 16), "regular": (1, 7), "distant": (0, 2)}
        inters, parts = [], []
        iid = (Interaction.select(fn.MAX(Interaction.id)).scalar() or 0) + 1

        def interaction(iid: int, at: datetime, kind: str) -> dict[str, Any]:
            return {
                "id": iid,
                "uid": f"demo-i-{seed}-{iid}",
                "occurred_at": at,
                "kind": kind,
                "summary": rng.choice(SUMMARIES[kind]),
                "notes": "",
                "source": "demo",
                "created_at": at,
            }

        for p in people:
            lo, hi = per_tier[p["tier"]]
            for _ in range(rng.randint(lo, hi)):
                kind = rng.choices(kinds, weights)[0]
                days_ago = int(rng.triangular(0, 730, 30 if p["tier"] == "inner" else 200))
                at = noon - timedelta(
                    days=days_ago, hours=rng.randint(0, 9), minutes=rng.randint(0, 59)
                )
                inters.append(interaction(iid, at, kind))
                who = {p["id"]}
                if kind in ("meeting", "event") and rng.random() < 0.3:
                    who |= {rng.choice(people)["id"] for _ in range(rng.randint(1, 3))}
                parts += [{"interaction": iid, "contact": c} for c in sorted(who)]
                iid += 1
                thanks_at = at + timedelta(days=rng.randint(0, 3))
                if (
                    kind in ("help-received", "intro-received", "gift-received")
                    and rng.random() < 0.9
                    and thanks_at <= noon
                ):
                    inters.append(interaction(iid, thanks_at, "thanks"))
                    parts.append({"interaction": iid, "contact": p["id"]})
                    iid += 1
        # Most people with a cadence were seen recently; some are overdue (what Today shows).
        tag_cadence = dict(TAGS)
        for p, c in zip(people, contacts, strict=True):
            every = c["cadence_days"] or min((tag_cadence[t] for t in p["tags"]), default=None)
            if not every:
                continue
            days_ago = (
                rng.randint(0, every - 1) if rng.random() < 0.8 else rng.randint(every, every * 3)
            )
            at = noon - timedelta(days=days_ago, hours=rng.randint(0, 9))
            kind = rng.choice(("call", "meeting", "message"))
            inters.append(interaction(iid, at, kind))
            parts.append({"interaction": iid, "contact": p["id"]})
            iid += 1
        # Help received recently and never thanked: what "thank them" finds.
        for p in rng.sample(people, max(1, n // 25)):
            at = noon - timedelta(days=rng.randint(2, 40))
            inters.append(interaction(iid, at, "help-received"))
            parts.append({"interaction": iid, "contact": p["id"]})
            iid += 1
        for chunk in _chunks(inters, 200):
            Interaction.insert_many(chunk).execute()
        for chunk in _chunks(parts):
            Participant.insert_many(chunk).on_conflict_ignore().execute()

        # Empathy notes of every kind, a few pinned.
        notes = []
        for p in people:
            count = {"inner": 4, "close": 3, "regular": 1, "distant": 0}[p["tier"]]
            for kind in rng.sample(NOTE_KINDS, count):
                at = noon - timedelta(days=rng.randint(1, 500))
                notes.append(
                    {
                        "contact": p["id"],
                        "kind": kind,
                        "body": rng.choice(NOTES[kind]),
                        "pinned": rng.random() < 0.3,
                        "created_at": at,
                        "updated_at": at,
                    }
                )
        for chunk in _chunks(notes, 200):
            EmpathyNote.insert_many(chunk).execute()

        # Events: gatherings past and upcoming, and life events.
        events, eparts = [], []
        eid = (Event.select(fn.MAX(Event.id)).scalar() or 0) + 1
        for _ in range(24):
            start = noon + timedelta(days=rng.randint(-700, 60), hours=6)
            events.append(
                {
                    "id": eid,
                    "uid": f"demo-e-{seed}-{eid}",
                    "summary": rng.choice(EVENT_TITLES),
                    "kind": rng.choice(("event", "networking", "meeting")),
                    "start": start,
                    "all_day": False,
                    "location": rng.choice(("Town hall", "Café Central", "Online", "Library")),
                    "source": "demo",
                    "created_at": noon,
                    "updated_at": noon,
                }
            )
            eparts += [
                {"event": eid, "contact": c["id"], "role": "attendee"}
                for c in rng.sample(people, min(len(people), rng.randint(2, 8)))
            ]
            eid += 1
        for p in rng.sample(people, max(1, n // 8)):
            kind = rng.choice(LIFE_EVENT_KINDS)
            on = today + timedelta(days=rng.randint(-200, 20))
            events.append(
                {
                    "id": eid,
                    "uid": f"demo-e-{seed}-{eid}",
                    "summary": LIFE_SUMMARIES[kind],
                    "kind": kind,
                    "start": datetime.combine(on, time(0, 0)),
                    "all_day": True,
                    "location": "",
                    "source": "demo",
                    "created_at": noon,
                    "updated_at": noon,
                }
            )
            eparts.append({"event": eid, "contact": p["id"], "role": "subject"})
            eid += 1
        for chunk in _chunks(events, 200):
            Event.insert_many(chunk).execute()
        for chunk in _chunks(eparts):
            EventPerson.insert_many(chunk).on_conflict_ignore().execute()

        # Relationships: colleagues at the same org, partners, mentors, introductions.
        rels: set[tuple[int, int, str]] = set()
        by_org: dict[str, list[int]] = {}
        for p in people:
            if p["org"]:
                by_org.setdefault(p["org"], []).append(p["id"])
        for ids in by_org.values():
            for a in ids[:12]:
                b = rng.choice(ids)
                if a != b:
                    rels.add((a, b, "colleague"))
        for _ in range(n // 6):
            one, two = rng.sample(people, 2)
            rels.add(
                (
                    one["id"],
                    two["id"],
                    rng.choice(
                        ("partner", "friend", "sibling", "introduced-by", "mentor", "client")
                    ),
                )
            )
        for chunk in _chunks(
            [
                {"from_contact": a, "to_contact": b, "kind": k, "created_at": noon}
                for a, b, k in sorted(rels)
            ]
        ):
            Relationship.insert_many(chunk).on_conflict_ignore().execute()

        # Rows went in with their ids: new rows must number after them (PostgreSQL).
        store.sync_ids(Contact, Interaction, Event)
        store.analyze(Contact, Interaction, Participant)
        ids = [p["id"] for p in people]
        latest = (
            Participant.select(fn.MAX(Interaction.occurred_at))
            .join(Interaction)
            .where(Participant.contact == Contact.id)
        )
        Contact.update(last_interaction_at=latest).where(Contact.id.in_(ids)).execute()
        search.reindex(ids)
        from kinship.services.due import refresh_due

        refresh_due(ids)
    return DemoReport(len(ids), len(inters), len(notes), len(events), len(rels))
