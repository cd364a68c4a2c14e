"""Generate a store of N contacts and M interactions (bulk inserts through
:func:`kinship.sample.dataset.generate`).

    python benchmarks/generate.py --contacts 100000 --interactions 1000000 --db /tmp/k100k.db

Generated databases are big: keep them out of the repository (use /tmp).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def build(db: Path, contacts: int, interactions: int, *, seed: int = 1) -> float:
    """Create ``db`` (which must not exist); return the seconds it took."""
    from kinship.builtin.strategies import default_strategies
    from kinship.config import Settings
    from kinship.sample import dataset
    from kinship.services import followups
    from kinship.store import close_store, open_store

    if db.exists():
        raise SystemExit(f"{db} exists; remove it first")
    open_store(db)
    followups.use(default_strategies(), Settings())
    start = time.perf_counter()

    def say(msg: str) -> None:
        print(f"  {time.perf_counter() - start:7.1f}s  {msg}", file=sys.stderr)

    dataset.generate(contacts, interactions, seed=seed, progress=say)
    took = time.perf_counter() - start
    say("done")
    close_store()
    return took


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--contacts", type=int, default=100_000)
    p.add_argument("--interactions", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    took = build(args.db, args.contacts, args.interactions, seed=args.seed)
    print(f"generated {args.contacts} contacts, {args.interactions} interactions in {took:.1f} s")


if __name__ == "__main__":
    main()
