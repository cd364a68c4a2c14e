"""The Today view at scale: ``services.followups.today_groups()`` on a 100k-contact store.

    python benchmarks/bench_today.py [--db /tmp/kinship-bench-100k.db] [--contacts 100000]

Times, in process and warm (median of ``--runs``; the daily catch-up done first, so every
call is the same-day case the Today screen hits):

- ``today_groups(refresh=False, limit=SCREEN)`` — what the Today screen asks for: a
  screenful per group (``--screen`` rows, 40 by default) and every group's total;
- ``services.views.today_groups`` — the Today screen's view around it;
- ``today_groups(refresh=False)`` — every follow-up due within the lead window (what
  ``kinship today`` lists; it grows with the store);
- ``today_groups()`` with its same-day ``refresh_stale`` check;
- ``due_items(limit=200)`` and ``due_counts`` (the header line).

Budget (DESIGN §10): Today view ≤ 50 ms. The verdict is on the screen's call.
Exits 1 when the budget is missed.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from _util import TMP, ensure_store, machine, table, verdict

BUDGET_MS = 50.0


def median_ms(runs: int, fn: Callable[[], int]) -> tuple[float, float, int]:
    """(median ms, max ms, size) of ``fn`` over ``runs`` calls after one warm-up."""
    size = fn()
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        size = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times), size


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--contacts", type=int, default=100_000)
    p.add_argument("--interactions", type=int, help="default: 10 × contacts")
    p.add_argument("--db", type=Path, help="store to use/create (default: in $TMPDIR by size)")
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--screen", type=int, default=40, help="rows per group the screen asks for")
    p.add_argument("--budget-ms", type=float, default=BUDGET_MS)
    args = p.parse_args()
    db = args.db or TMP / f"kinship-bench-{args.contacts // 1000}k.db"
    ensure_store(db, args.contacts, args.interactions)

    from kinship.builtin.strategies import default_strategies
    from kinship.config import Settings
    from kinship.services import followups, views
    from kinship.store import close_store, current, open_store
    from kinship.store.models import Contact, FollowUp

    open_store(db)
    followups.use(default_strategies(), Settings())
    today = date.today()
    start = time.perf_counter()
    followups.refresh_stale(today)
    catch_up = time.perf_counter() - start
    n_c = Contact.select().count()
    n_open = FollowUp.select().where(FollowUp.status == "open").count()
    print(f"# bench_today — {machine()}")
    print(
        f"# store {db}: {n_c} contacts, {n_open} open follow-ups; "
        f"catch-up before timing {catch_up:.2f} s"
    )

    screen = args.screen

    def page() -> int:
        return sum(len(g.items) for g in followups.today_groups(today, refresh=False, limit=screen))

    def adapter() -> int:
        return sum(len(g.items) for g in views.today_groups(today, limit=screen))

    def groups() -> int:
        return sum(len(g.items) for g in followups.today_groups(today, refresh=False))

    def groups_refresh() -> int:
        return sum(len(g.items) for g in followups.today_groups(today, limit=screen))

    def limited() -> int:
        return len(followups.due_items(today, limit=200))

    def counts() -> int:
        return sum(followups.due_counts(today).values())

    cases = [
        (f"today_groups(limit={screen})  [Today screen]", page, True),
        (f"views.today_groups(limit={screen}) (the view)", adapter, False),
        (f"today_groups(limit={screen}) + same-day refresh check", groups_refresh, False),
        ("today_groups(refresh=False), every item", groups, False),
        ("due_items(limit=200)", limited, False),
        ("due_counts() (header counts)", counts, False),
    ]
    rows, ok = [], True
    for label, fn, judged in cases:
        med, worst, size = median_ms(args.runs, fn)
        good = med <= args.budget_ms
        if judged:
            ok &= good
        rows.append(
            (
                label,
                size,
                round(med, 1),
                round(worst, 1),
                verdict(good) if judged else ("≤50" if good else ">50"),
            )
        )
    print()
    print(table(("call", "items", "median ms", "max ms", f"≤{args.budget_ms:.0f} ms"), rows))

    sql, params = (
        FollowUp.select(FollowUp.id)
        .join(Contact)
        .where((FollowUp.status == "open") & (FollowUp.due <= today) & (Contact.archived == False))  # noqa: E712
        .order_by(FollowUp.due, FollowUp.priority, Contact.sort_name, FollowUp.id)
        .sql()
    )
    plan = [r[3] for r in current().db.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]
    print("\n# plan of the due query (iter_due's shape):\n  " + "\n  ".join(plan))
    close_store()
    print()
    print(f"budget Today view ≤ {args.budget_ms:.0f} ms: {verdict(ok)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
