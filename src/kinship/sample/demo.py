"""Sample people for ``kinship --demo``: a realistic, deterministic network.

A few hundred people with organisations, tags (inner circle, mentors, clients, community,
family), emails and phones, birthdays (some without a year), check-in cadences, two years of
interactions of every kind (including help received and never thanked), empathy notes of
every kind, events and life events, and relationships between them; then what people offer,
introductions at every step, and one event captured yesterday (drawn from a second random
generator, after the first one's draws, so adding them changed none of the rest).

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

from kinship.records import INTERACTION_KINDS, LIFE_EVENT_KINDS
from kinship.sample.words import (
    CAPTURE_PHRASES,
    EVENT_TITLES,
    FIRST,
    LAST,
    LIFE_SUMMARIES,
    NOTES,
    OFFERS,
    ORGS,
    SUMMARIES,
    TITLES,
)
from kinship.services.followups.compute import refresh_due
from kinship.store import current, search
from kinship.store.models import (
    Capture,
    Contact,
    ContactField,
    ContactTag,
    EmpathyNote,
    Event,
    EventPerson,
    Interaction,
    Introduction,
    Participant,
    Relationship,
    Tag,
)

__all__ = ["DemoReport", "generate"]

TAGS = (("inner circle", 14), ("mentors", 45), ("clients", 30), ("community", 90), ("family", 21))

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


#: The note kinds the first draws pick from, frozen: a kind added to ``records.NOTE_KINDS``
#: later (``offer``) must not change what a seed draws (the TUI snapshots rely on it).
NOTE_DRAW_KINDS = (
    "need",
    "goal",
    "challenge",
    "interest",
    "family",
    "perspective",
    "feeling",
    "preference",
    "general",
)


@dataclass
class DemoReport:
    contacts: int
    interactions: int
    notes: int
    events: int
    relationships: int
    offers: int = 0
    introductions: int = 0
    captured: int = 0


def _chunks(rows: list[Any], size: int = 400) -> Any:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


@dataclass
class _Run:
    """What every step of one :func:`generate` shares. The steps draw from ``rng`` in a
    fixed order: the same seed and day give the same store (the TUI snapshots rely on it)."""

    rng: random.Random
    seed: int
    n: int
    today: date
    noon: datetime

    @property
    def created(self) -> datetime:
        return self.noon - timedelta(days=760)


@dataclass
class _Person:
    id: int
    tier: str
    org: str
    tags: set[str]
    #: The contact's own cadence (tags may add one).
    cadence: int | None


def generate(n: int = 300, *, seed: int = 7, today: date | None = None) -> DemoReport:
    """Add ``n`` sample people (and their history) to the open store."""
    today = today or date.today()
    run = _Run(random.Random(seed), seed, n, today, datetime.combine(today, time(12, 0)))
    base = (Contact.select(fn.MAX(Contact.id)).scalar() or 0) + 1
    with current().write():
        tag_ids = _add_tags()
        people = _add_people(run, base, tag_ids)
        interactions = _add_interactions(run, people)
        notes = _add_notes(run, people)
        events = _add_events(run, people)
        relationships = _add_relationships(run, people)
        network = _add_network(run, people)
        ids = [p.id for p in people]
        # Rows went in with their ids: new rows must number after them (PostgreSQL).
        current().sync_ids(Contact, Interaction, Event)
        current().analyze(Contact, Interaction, Participant)
        _bring_up_to_date(ids)
    return DemoReport(len(ids), interactions, notes, events, relationships, *network)


def _add_tags() -> dict[str, int]:
    """The demo's circles (with their cadences); name → id."""
    tag_ids: dict[str, int] = {}
    for name, tag_days in TAGS:
        Tag.insert(name=name, cadence_days=tag_days).on_conflict_ignore().execute()
        tag_ids[name] = Tag.get(Tag.name == name).id
    return tag_ids


def _add_people(run: _Run, base: int, tag_ids: dict[str, int]) -> list[_Person]:
    """``run.n`` people with distinct names (while names last), an email, often a phone, a
    birthday (some without a year), a cadence by closeness, and their circles."""
    rng = run.rng
    contacts: list[dict[str, Any]] = []
    fields: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    people: list[_Person] = []
    used: set[str] = set()
    for i in range(run.n):
        while True:
            given, family = rng.choice(FIRST), rng.choice(LAST)
            name = f"{given} {family}"
            if name not in used or len(used) > len(FIRST) * len(LAST) // 2:
                break
        used.add(name)
        org, domain = rng.choice(ORGS)
        tier = rng.choices(("inner", "close", "regular", "distant"), (6, 18, 40, 36))[0]
        cid = base + i
        contacts.append(_contact_row(run, cid, i, name, given, family, org, tier))
        fields += _field_rows(rng, cid, given, family, domain)
        tags = _circles(rng, tier, org)
        links += [{"contact": cid, "tag": tag_ids[t]} for t in sorted(tags)]
        people.append(_Person(cid, tier, org, tags, contacts[-1]["cadence_days"]))
    for chunk in _chunks(contacts, 200):
        Contact.insert_many(chunk).execute()
    for chunk in _chunks(fields):
        ContactField.insert_many(chunk).execute()
    for chunk in _chunks(links):
        ContactTag.insert_many(chunk).execute()
    return people


def _contact_row(
    run: _Run, cid: int, i: int, name: str, given: str, family: str, org: str, tier: str
) -> dict[str, Any]:
    rng = run.rng
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
    return {
        "id": cid,
        "uid": f"demo-{run.seed}-{i:05d}",
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
        "created_at": run.created + timedelta(days=rng.randint(0, 60)),
        "updated_at": run.created + timedelta(days=rng.randint(60, 700)),
        "source": "demo",
    }


def _field_rows(
    rng: random.Random, cid: int, given: str, family: str, domain: str
) -> list[dict[str, Any]]:
    """An email at the organisation's domain and, for most, a phone number."""
    mail = f"{given}.{family}".lower().replace(" ", "")
    rows: list[dict[str, Any]] = [
        {
            "contact": cid,
            "kind": "email",
            "value": f"{mail}@{domain or 'mail.example'}",
            "normalized": f"{mail}@{domain or 'mail.example'}".casefold(),
            "preferred": True,
            "position": 0,
        }
    ]
    if rng.random() < 0.6:
        digits = "".join(str(rng.randint(0, 9)) for _ in range(9))
        phone = f"+1 {digits[:3]} {digits[3:6]} {digits[6:]}"
        rows.append(
            {
                "contact": cid,
                "kind": "phone",
                "value": phone,
                "normalized": "+1" + digits,
                "preferred": False,
                "position": 0,
            }
        )
    return rows


def _circles(rng: random.Random, tier: str, org: str) -> set[str]:
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
    return tags


def _add_interactions(run: _Run, people: list[_Person]) -> int:
    """Two years of history, closer people more often, some with several people at once;
    help received is mostly thanked; most people with a cadence were seen recently and some
    are overdue (what Today shows); a few were helped lately and never thanked."""
    rng, noon = run.rng, run.noon
    kinds = list(KIND_WEIGHTS)
    weights = [KIND_WEIGHTS[k] for k in kinds]
    assert set(kinds) <= set(INTERACTION_KINDS)
    per_tier = {"inner": (18, 40), "close": (6, 16), "regular": (1, 7), "distant": (0, 2)}
    inters: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []
    next_id = (Interaction.select(fn.MAX(Interaction.id)).scalar() or 0) + 1

    def add(at: datetime, kind: str) -> int:
        """One interaction row (its summary drawn now); its id."""
        nonlocal next_id
        iid, next_id = next_id, next_id + 1
        inters.append(
            {
                "id": iid,
                "uid": f"demo-i-{run.seed}-{iid}",
                "occurred_at": at,
                "kind": kind,
                "summary": rng.choice(SUMMARIES[kind]),
                "notes": "",
                "source": "demo",
                "created_at": at,
            }
        )
        return iid

    for p in people:
        lo, hi = per_tier[p.tier]
        for _ in range(rng.randint(lo, hi)):
            kind = rng.choices(kinds, weights)[0]
            days_ago = int(rng.triangular(0, 730, 30 if p.tier == "inner" else 200))
            at = noon - timedelta(
                days=days_ago, hours=rng.randint(0, 9), minutes=rng.randint(0, 59)
            )
            iid = add(at, kind)
            who = {p.id}
            if kind in ("meeting", "event") and rng.random() < 0.3:
                who |= {rng.choice(people).id for _ in range(rng.randint(1, 3))}
            parts += [{"interaction": iid, "contact": c} for c in sorted(who)]
            thanks_at = at + timedelta(days=rng.randint(0, 3))
            if (
                kind in ("help-received", "intro-received", "gift-received")
                and rng.random() < 0.9
                and thanks_at <= noon
            ):
                parts.append({"interaction": add(thanks_at, "thanks"), "contact": p.id})
    tag_cadence = dict(TAGS)
    for p in people:
        every = p.cadence or min((tag_cadence[t] for t in p.tags), default=None)
        if not every:
            continue
        days_ago = (
            rng.randint(0, every - 1) if rng.random() < 0.8 else rng.randint(every, every * 3)
        )
        at = noon - timedelta(days=days_ago, hours=rng.randint(0, 9))
        iid = add(at, rng.choice(("call", "meeting", "message")))
        parts.append({"interaction": iid, "contact": p.id})
    for p in rng.sample(people, max(1, run.n // 25)):
        iid = add(noon - timedelta(days=rng.randint(2, 40)), "help-received")
        parts.append({"interaction": iid, "contact": p.id})
    for chunk in _chunks(inters, 200):
        Interaction.insert_many(chunk).execute()
    for chunk in _chunks(parts):
        Participant.insert_many(chunk).on_conflict_ignore().execute()
    return len(inters)


def _add_notes(run: _Run, people: list[_Person]) -> int:
    """Empathy notes of every kind, more for closer people, a few pinned."""
    rng = run.rng
    notes = []
    for p in people:
        count = {"inner": 4, "close": 3, "regular": 1, "distant": 0}[p.tier]
        for kind in rng.sample(NOTE_DRAW_KINDS, count):
            at = run.noon - timedelta(days=rng.randint(1, 500))
            notes.append(
                {
                    "contact": p.id,
                    "kind": kind,
                    "body": rng.choice(NOTES[kind]),
                    "pinned": rng.random() < 0.3,
                    "created_at": at,
                    "updated_at": at,
                }
            )
    for chunk in _chunks(notes, 200):
        EmpathyNote.insert_many(chunk).execute()
    return len(notes)


def _add_events(run: _Run, people: list[_Person]) -> int:
    """Gatherings past and upcoming with their attendees, and life events."""
    rng, noon = run.rng, run.noon
    events: list[dict[str, Any]] = []
    eparts: list[dict[str, Any]] = []
    eid = (Event.select(fn.MAX(Event.id)).scalar() or 0) + 1
    for _ in range(24):
        start = noon + timedelta(days=rng.randint(-700, 60), hours=6)
        events.append(
            {
                "id": eid,
                "uid": f"demo-e-{run.seed}-{eid}",
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
            {"event": eid, "contact": p.id, "role": "attendee"}
            for p in rng.sample(people, min(len(people), rng.randint(2, 8)))
        ]
        eid += 1
    for p in rng.sample(people, max(1, run.n // 8)):
        kind = rng.choice(LIFE_EVENT_KINDS)
        on = run.today + timedelta(days=rng.randint(-200, 20))
        events.append(
            {
                "id": eid,
                "uid": f"demo-e-{run.seed}-{eid}",
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
        eparts.append({"event": eid, "contact": p.id, "role": "subject"})
        eid += 1
    for chunk in _chunks(events, 200):
        Event.insert_many(chunk).execute()
    for chunk in _chunks(eparts):
        EventPerson.insert_many(chunk).on_conflict_ignore().execute()
    return len(events)


def _add_relationships(run: _Run, people: list[_Person]) -> int:
    """Colleagues at the same organisation, partners, friends, mentors, introductions."""
    rng = run.rng
    rels: set[tuple[int, int, str]] = set()
    by_org: dict[str, list[int]] = {}
    for p in people:
        if p.org:
            by_org.setdefault(p.org, []).append(p.id)
    for ids in by_org.values():
        for a in ids[:12]:
            b = rng.choice(ids)
            if a != b:
                rels.add((a, b, "colleague"))
    kinds = ("partner", "friend", "sibling", "introduced-by", "mentor", "client")
    for _ in range(run.n // 6):
        one, two = rng.sample(people, 2)
        rels.add((one.id, two.id, rng.choice(kinds)))
    rows = [
        {"from_contact": a, "to_contact": b, "kind": k, "created_at": run.noon}
        for a, b, k in sorted(rels)
    ]
    for chunk in _chunks(rows):
        Relationship.insert_many(chunk).on_conflict_ignore().execute()
    return len(rels)


def _add_network(run: _Run, people: list[_Person]) -> tuple[int, int, int]:
    """Offers that match the needs and goals above, introductions at every step, and one
    event captured last night. A second random generator, so the draws above (and every
    screen built on them) stay what they were."""
    rng = random.Random(run.seed * 7919 + 13)
    noon = run.noon
    offerers = rng.sample(people, min(len(people), max(3, run.n // 12)))
    offers = []
    for n, p in enumerate(offerers):
        at = noon - timedelta(days=rng.randint(1, 10))
        offers.append(
            {
                "contact": p.id,
                "kind": "offer",
                "body": OFFERS[n % len(OFFERS)],
                "pinned": False,
                "created_at": at,
                "updated_at": at,
            }
        )
    EmpathyNote.insert_many(offers).execute()

    next_id = (Interaction.select(fn.MAX(Interaction.id)).scalar() or 0) + 1
    names = dict(Contact.select(Contact.id, Contact.display_name).tuples())
    # (status, days since proposed, days since the current status, why)
    steps = (
        ("proposed", 9, 9, "both care about open source funding"),
        ("asked", 6, 4, "she is hiring; he is looking"),
        ("made", 20, 15, "sales co-founder"),
        ("followed-up", 70, 40, "a marathon training partner"),
        ("declined", 40, 30, "a design review"),
    )
    pool = rng.sample(people, min(len(people), 2 * len(steps)))
    intros = 0
    for n, (status, since, changed, why) in enumerate(steps):
        if 2 * n + 1 >= len(pool):
            break
        a, b = pool[2 * n], pool[2 * n + 1]
        created = noon - timedelta(days=since, hours=rng.randint(0, 5))
        moved = noon - timedelta(days=changed, hours=rng.randint(0, 5))
        row: dict[str, Any] = {
            "person": a.id,
            "to": b.id,
            "why": why,
            "status": status,
            "created_at": created,
            "status_at": moved if status != "proposed" else created,
            "updated_at": moved,
        }
        if status in ("asked", "made", "followed-up"):
            row["asked_at"] = created + (moved - created) / 2 if status != "asked" else moved
        if status in ("made", "followed-up"):
            made = moved if status == "made" else created + (moved - created) / 2
            row["made_at"] = made
            Interaction.insert(
                id=next_id,
                uid=f"demo-i-{run.seed}-{next_id}",
                occurred_at=made,
                kind="intro-given",
                summary=f"Introduced {names[a.id]} to {names[b.id]}",
                notes=why,
                source="demo",
                created_at=made,
            ).execute()
            Participant.insert_many(
                [
                    {"interaction": next_id, "contact": a.id},
                    {"interaction": next_id, "contact": b.id},
                ]
            ).execute()
            next_id += 1
        if status == "followed-up":
            row["followed_up_at"] = moved
        if status == "declined":
            row["declined_at"] = moved
        Introduction.insert(row).execute()
        intros += 1

    # One event last night, and the people met there (a sprint: nice to meet you).
    captured_at = datetime.combine(run.today - timedelta(days=1), time(21, 0))
    last = {
        cid: at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
        for cid, at in Participant.select(Participant.contact, fn.MAX(Interaction.occurred_at))
        .join(Interaction)
        .group_by(Participant.contact)
        .tuples()
    }
    quiet = [p for p in people if last.get(p.id, datetime.min) < captured_at]
    met = rng.sample(quiet, min(len(quiet), len(CAPTURE_PHRASES)))
    eid = (Event.select(fn.MAX(Event.id)).scalar() or 0) + 1
    Event.insert(
        id=eid,
        uid=f"demo-e-{run.seed}-{eid}",
        summary="Startup demo night",
        kind="networking",
        start=datetime.combine(run.today - timedelta(days=1), time(17, 0)),
        all_day=False,
        location="Old Town Hall",
        source="demo",
        created_at=captured_at,
        updated_at=captured_at,
    ).execute()
    for p, phrase in zip(met, CAPTURE_PHRASES, strict=False):
        EventPerson.insert(event=eid, contact=p.id, role="met").on_conflict_ignore().execute()
        Capture.insert(event=eid, contact=p.id, phrase=phrase, captured_at=captured_at).execute()
    return len(offers), intros, len(met)


def _bring_up_to_date(ids: list[int]) -> None:
    """What the services keep for every write: last interaction, search index, follow-ups."""
    latest = (
        Participant.select(fn.MAX(Interaction.occurred_at))
        .join(Interaction)
        .where(Participant.contact == Contact.id)
    )
    Contact.update(last_interaction_at=latest).where(Contact.id.in_(ids)).execute()
    search.reindex(ids)
    refresh_due(ids)
