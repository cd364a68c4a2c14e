"""Needs-and-offers matching and "how do I know X?" paths on a 10k-contact store.

    python benchmarks/bench_network.py [--contacts 10000] [--db PATH] [--runs 5] [--pairs 40]

Uses a copy of the generated store (``kinship-bench-<N>k.db``, made when missing) enriched
once into ``kinship-bench-<N>k-network.db``: 12 % of the people get a need or goal note and
10 % an offer note, written from a few hundred skills and a dozen phrasings (so words repeat
across the network the way real notes do), and everyone gets one or two relationships.

Times, in process and warm:

- ``views.matches()`` — every need against every offer (what ``kinship matches`` runs),
  median of ``--runs``;
- ``views.matches(uid)`` — one person's matches (the search index narrows the other side),
  for ``--pairs`` people, median and p95;
- ``views.path(a, b)`` — the shortest chain between two random people, ``--pairs`` pairs,
  median and p95, with how many were found and their length.

Budget: ``matches`` and ``path`` under 200 ms at 10k contacts (the verdict is on the network
``matches`` median and on the p95 of the other two). Exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import gc
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from _util import TMP, ensure_store, machine, percentile, table, verdict

BUDGET_MS = 200.0

SKILLS = [
    f"{a} {b}"
    for a in (
        "React",
        "Rust",
        "Python",
        "Kubernetes",
        "Postgres",
        "design",
        "sales",
        "fundraising",
        "marketing",
        "hiring",
        "Japanese",
        "Spanish",
        "marathon",
        "photography",
        "woodworking",
        "accounting",
        "legal",
        "grant",
        "podcast",
        "climate",
        "robotics",
        "nursing",
        "teaching",
        "cooking",
        "gardening",
    )
    for b in (
        "mentoring",
        "reviews",
        "workshops",
        "advice",
        "introductions",
        "coaching",
        "tutoring",
        "consulting",
        "feedback",
        "training",
        "contacts",
        "resources",
    )
]
NEED_FORMS = (
    "Looking for {s}",
    "Needs {s} before the launch",
    "Wants {s} this year",
    "Would love some {s}",
    "Searching for {s} in the city",
)
OFFER_FORMS = (
    "Happy to give {s}",
    "Offers {s} on weekends",
    "Can help with {s}",
    "Knows people for {s}",
)


def enrich(db: Path, seed: int = 11) -> None:
    """Add need/goal/offer notes and relationships, once (the search index follows)."""
    from kinship.store import close_store, open_store, search
    from kinship.store.models import Contact, EmpathyNote, Relationship

    store = open_store(db)
    try:
        if EmpathyNote.select().where(EmpathyNote.kind == "offer").exists():
            return
        rng = random.Random(seed)
        ids = [cid for (cid,) in Contact.select(Contact.id).tuples()]
        notes = []
        for cid in rng.sample(ids, len(ids) * 12 // 100):
            kind = rng.choice(("need", "need", "goal"))
            body = rng.choice(NEED_FORMS).format(s=rng.choice(SKILLS))
            notes.append({"contact": cid, "kind": kind, "body": body})
        for cid in rng.sample(ids, len(ids) // 10):
            body = rng.choice(OFFER_FORMS).format(s=rng.choice(SKILLS))
            notes.append({"contact": cid, "kind": "offer", "body": body})
        rels = set()
        for cid in ids:
            for _ in range(rng.randint(1, 2)):
                other = rng.choice(ids)
                if other != cid:
                    rels.add((cid, other, rng.choice(("friend", "colleague", "mentor"))))
        with store.write():
            for start in range(0, len(notes), 500):
                EmpathyNote.insert_many(notes[start : start + 500]).execute()
            rows = [{"from_contact": a, "to_contact": b, "kind": k} for a, b, k in sorted(rels)]
            for start in range(0, len(rows), 500):
                Relationship.insert_many(rows[start : start + 500]).on_conflict_ignore().execute()
            touched = sorted({n["contact"] for n in notes})
            search.reindex(touched)
    finally:
        close_store()


def timed_ms(fn: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--contacts", type=int, default=10_000)
    p.add_argument("--db", type=Path, help="the enriched copy (default: in $TMPDIR by size)")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--pairs", type=int, default=40)
    p.add_argument("--budget-ms", type=float, default=BUDGET_MS)
    args = p.parse_args()
    base = TMP / f"kinship-bench-{args.contacts // 1000}k.db"
    db = args.db or TMP / f"kinship-bench-{args.contacts // 1000}k-network.db"
    if not db.exists():
        ensure_store(base, args.contacts)
        shutil.copyfile(base, db)
        print(f"enriching {db} …", file=sys.stderr)
        enrich(db)

    from kinship.errors import NotFound
    from kinship.services import views
    from kinship.store import close_store, open_store
    from kinship.store.models import Contact, EmpathyNote

    open_store(db)
    try:
        needs = EmpathyNote.select().where(EmpathyNote.kind.in_(["need", "goal"])).count()
        offers = EmpathyNote.select().where(EmpathyNote.kind == "offer").count()
        rng = random.Random(5)
        uids = [u for (u,) in Contact.select(Contact.uid).tuples()]
        noted = [
            u
            for (u,) in Contact.select(Contact.uid)
            .join(EmpathyNote)
            .where(EmpathyNote.kind.in_(["need", "goal", "offer"]))
            .distinct()
            .tuples()
        ]

        found = views.matches()
        network = [timed_ms(views.matches) for _ in range(args.runs)]
        people = rng.sample(noted, min(args.pairs, len(noted)))
        views.matches(people[0])
        one = [timed_ms(lambda u=u: views.matches(u)) for u in people]  # type: ignore[misc]

        hops: list[int] = []
        missing = 0
        path_ms: list[float] = []
        for _ in range(args.pairs):
            a, b = rng.sample(uids, 2)
            start = time.perf_counter()
            try:
                hops.append(views.path(a, b).hops)
            except NotFound:
                missing += 1
            path_ms.append((time.perf_counter() - start) * 1000)
    finally:
        close_store()

    budget = args.budget_ms
    rows = [
        [
            f"matches() — {needs} needs × {offers} offers → {len(found)} pairs",
            statistics.median(network),
            max(network),
            verdict(statistics.median(network) <= budget),
        ],
        [
            f"matches(person), {len(one)} people",
            statistics.median(one),
            percentile(one, 95),
            verdict(percentile(one, 95) <= budget),
        ],
        [
            f"path(a, b), {len(path_ms)} pairs: {len(hops)} found "
            f"(hops {min(hops, default=0)}–{max(hops, default=0)}), {missing} none within 6",
            statistics.median(path_ms),
            percentile(path_ms, 95),
            verdict(percentile(path_ms, 95) <= budget),
        ],
    ]
    print(machine())
    print(f"store: {db} ({args.contacts} contacts)")
    print(table(["what", "median ms", "p95/max ms", f"≤ {budget:.0f} ms"], rows))
    return 0 if all(r[-1] == "ok" for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
