"""Time ``kinship due`` (a new process, as at login or from cron) and the follow-up recomputes.

    python benchmarks/bench_due.py --db /tmp/k100k.db [--contacts 100000 --interactions 1000000]

Generates the store first when it does not exist (see ``generate.py``). Reports:

- full recompute (``kinship due --recompute`` work, in process), as of yesterday, in one
  process and on :func:`~kinship.services.followups.auto_workers` worker processes, and
  ``kinship due --recompute`` as a command;
- the first ``kinship due`` of a new day (today: a catch-up of the people whose day came),
  as a command;
- ``kinship due`` / ``--json`` / ``--limit 20`` / ``today --oneline`` on an up-to-date store
  (the common case: an index lookup), as commands, median of several runs;
- the next day's catch-up, the due listing and Today's data, in process.
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

    today = date.today()
    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
    open_store(args.db)
    # The store as it was left yesterday: every recheck day worked out as of yesterday.
    followups.use(default_strategies(), Settings(), today=yesterday)
    n_contacts, n_interactions = Contact.select().count(), Interaction.select().count()
    print(f"store: {n_contacts} contacts, {n_interactions} interactions")

    report = followups.recompute_all(yesterday)
    print(f"full recompute: {report.seconds:.2f} s ({report.changed} rows changed)")
    started = time.process_time()
    report = followups.recompute_all(yesterday)
    cpu = time.process_time() - started
    print(f"full recompute, nothing changed: {report.seconds:.2f} s ({cpu:.2f} s of CPU)")
    workers = followups.auto_workers()
    report = followups.recompute_all(yesterday, workers=workers)
    print(
        f"full recompute on {workers} worker processes, nothing changed: {report.seconds:.2f} s "
        f"({report.changed} rows changed)"
    )
    print(f"open follow-ups: {FollowUp.select().where(FollowUp.status == 'open').count()}")
    close_store()

    # The first command of a new day (today, by the clock) catches up.
    took, lines = _cmd(args.db, "due", "--limit", "20", runs=1)
    print(f"`kinship due --limit 20`, first of the day (catch-up): {took:.2f} s, {lines} lines")
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
    took, _ = _cmd(args.db, "due", "--recompute", "--limit", "1", runs=1)
    print(f"`kinship due --recompute --limit 1` (all workers, as a command): {took:.2f} s")

    # And the next day's, in process.
    open_store(args.db)
    followups.use(default_strategies(), Settings(), today=tomorrow)
    report = followups.refresh_stale(tomorrow)
    print(
        f"daily catch-up (in process, the next day): {report.seconds:.2f} s for "
        f"{report.contacts} contacts ({report.changed} rows changed)"
    )
    start = time.perf_counter()
    items = followups.due_items(tomorrow)
    ms = (time.perf_counter() - start) * 1000
    print(f"due listing (in process): {ms:.1f} ms, {len(items)} items")
    start = time.perf_counter()
    groups = followups.today_groups(tomorrow, refresh=False, limit=40)
    ms = (time.perf_counter() - start) * 1000
    print(f"today_groups(limit=40) (in process): {ms:.1f} ms, {len(groups)} groups")
    close_store()


if __name__ == "__main__":
    main()
