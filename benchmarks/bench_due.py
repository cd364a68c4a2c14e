"""Time ``kinship due`` (a new process, as at login or from cron) and the follow-up recomputes.

    python benchmarks/bench_due.py --db /tmp/k100k.db [--contacts 100000 --interactions 1000000]

Generates the store first when it does not exist (see ``generate.py``). Reports:

- full recompute (``kinship due --recompute`` work, in process);
- daily catch-up (the first ``kinship due`` of a new day), in process and as a command;
- ``kinship due`` / ``--json`` / ``--limit 20`` / ``today --oneline`` on an up-to-date store
  (the common case: an index lookup), as commands, median of several runs;
- the due listing alone, in process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _cmd(db: Path, *args: str, runs: int = 5) -> tuple[float, int]:
    env = dict(os.environ, KINSHIP_NO_PLUGINS="1", KINSHIP_CONFIG=str(db) + ".none.toml")
    times, lines = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "kinship", *args, "--db", str(db)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(time.perf_counter() - start)
        lines = done.stdout.count("\n")
    return statistics.median(times), lines


def _set_day(day: date) -> None:
    from kinship.store.models import Meta

    Meta.update(value=day.isoformat()).where(Meta.key == "followups.day").execute()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--contacts", type=int, default=100_000)
    p.add_argument("--interactions", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()

    sys.path.insert(0, str(HERE))
    if not args.db.exists():
        from generate import build

        took = build(args.db, args.contacts, args.interactions)
        print(f"generate {args.contacts} contacts / {args.interactions} interactions: {took:.1f} s")

    from kinship.builtin.strategies import default_strategies
    from kinship.config import Settings
    from kinship.services import followups
    from kinship.store import close_store, open_store
    from kinship.store.models import Contact, FollowUp, Interaction

    open_store(args.db)
    followups.use(default_strategies(), Settings())
    n_contacts, n_interactions = Contact.select().count(), Interaction.select().count()
    print(f"store: {n_contacts} contacts, {n_interactions} interactions")

    report = followups.recompute_all()
    print(f"full recompute: {report.seconds:.2f} s ({report.changed} rows changed)")
    report = followups.recompute_all()
    print(f"full recompute, nothing changed: {report.seconds:.2f} s")
    print(f"open follow-ups: {FollowUp.select().where(FollowUp.status == 'open').count()}")

    _set_day(date.today() - timedelta(days=1))
    report = followups.refresh_stale()
    print(f"daily catch-up (in process): {report.seconds:.2f} s for {report.contacts} contacts")

    start = time.perf_counter()
    items = followups.due_items()
    ms = (time.perf_counter() - start) * 1000
    print(f"due listing (in process): {ms:.1f} ms, {len(items)} items")
    start = time.perf_counter()
    groups = followups.today_groups(refresh=False)
    ms = (time.perf_counter() - start) * 1000
    print(f"today_groups (in process): {ms:.1f} ms, {sum(len(g.items) for g in groups)} items")
    _set_day(date.today() - timedelta(days=1))
    close_store()

    took, lines = _cmd(args.db, "due", runs=1)
    print(f"`kinship due`, first of the day (catch-up): {took:.2f} s, {lines} lines")
    for label, cmd in (
        ("`kinship due`", ["due"]),
        ("`kinship due --json`", ["due", "--json"]),
        ("`kinship due --limit 20`", ["due", "--limit", "20"]),
        ("`kinship due --within 0 --kind thank`", ["due", "--within", "0", "--kind", "thank"]),
        ("`kinship today --oneline`", ["today", "--oneline"]),
        ("`kinship --version` (startup floor)", ["--version"]),
    ):
        took, lines = _cmd(args.db, *cmd, runs=args.runs)
        print(f"{label}: {took * 1000:.0f} ms (median of {args.runs}), {lines} lines")


if __name__ == "__main__":
    main()
