"""Peak memory of ``kinship contacts --json`` (which streams in pages) at 10k and 100k.

    python benchmarks/bench_memory.py [--small 10000] [--large 100000]

For each store size (generated into ``$TMPDIR/kinship-bench-<N/1000>k.db`` when missing, the
same files ``bench_search.py`` / ``bench_cli.py`` use):

- peak RSS (``ru_maxrss`` of the child, from ``os.wait4``) of ``kinship contacts --json``
  writing to a file, of ``kinship contacts --json --limit 1`` (the same code path, one row:
  the baseline) and the difference; plus wall time and output size;
- peak of ``tracemalloc`` for the same command run in process (``kinship.cli.main`` writing
  to a byte-counting sink) — Python allocations only, independent of the allocator.

Budget (DESIGN §10): memory does not grow with the number of contacts shown. Checked as:
the tracemalloc peak at the large size is at most 2× that at the small size (10× the
contacts), and the RSS above the baseline at the large size is at most 2× that at the small
size plus SQLite's page-cache cap (``PRAGMA cache_size``: a fixed 15.6 MiB that a long scan
fills once, whatever the number of rows). Exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from _util import TMP, ensure_store, kinship_env, machine, table, verdict

GROWTH = 2.0


def _kinship() -> list[str]:
    script = Path(sys.executable).with_name("kinship")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kinship"]


def child_rss(argv: list[str], out: Path) -> tuple[float, float, int]:
    """(peak RSS MiB, seconds, bytes written) of one run of ``argv``."""
    start = time.perf_counter()
    with out.open("wb") as fh:
        proc = subprocess.Popen(argv, stdout=fh, stderr=subprocess.PIPE, env=kinship_env())
        _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(argv)} failed: {err[-1000:]}")
    if proc.stderr:
        proc.stderr.close()
    return usage.ru_maxrss / 1024, took, out.stat().st_size  # ru_maxrss is KiB on Linux


class _Sink:
    """A text stream that only counts what is written."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, text: str) -> int:
        self.size += len(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def traced_peak(db: Path, *extra: str) -> tuple[float, int]:
    """(tracemalloc peak MiB, characters) of ``kinship contacts --json`` run in process."""
    from kinship.cli import main

    os.environ["KINSHIP_NO_PLUGINS"] = "1"
    main(["--db", str(db), "contacts", "--json", "--limit", "1"], out=_Sink())  # warm imports
    sink = _Sink()
    tracemalloc.start()
    try:
        code = main(["--db", str(db), "contacts", "--json", *extra], out=sink)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    if code:
        raise SystemExit(f"contacts --json failed on {db}")
    return peak / 2**20, sink.size


def sqlite_cache_mib(db: Path) -> float:
    """The page-cache cap of kinship's connections (``PRAGMA cache_size``) in MiB: a fixed
    amount RSS may grow by on a big store, however many contacts are listed."""
    from kinship.store import close_store, current, open_store

    open_store(db)
    try:
        size = current().db.execute_sql("PRAGMA cache_size").fetchone()[0]
        page = current().db.execute_sql("PRAGMA page_size").fetchone()[0]
    finally:
        close_store()
    return (-size * 1024 if size < 0 else size * page) / 2**20


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--small", type=int, default=10_000, help="contacts in the small store")
    p.add_argument("--large", type=int, default=100_000, help="contacts in the large store")
    p.add_argument("--contacts", type=int, help="alias of --large")
    p.add_argument("--growth", type=float, default=GROWTH, help="allowed large/small ratio")
    p.add_argument("--no-trace", action="store_true", help="skip the tracemalloc runs")
    args = p.parse_args()
    large = args.contacts or args.large
    sizes = (args.small, large)
    dbs = {n: TMP / f"kinship-bench-{n // 1000}k.db" for n in sizes}
    for n, db in dbs.items():
        ensure_store(db, n)

    print(f"# bench_memory — {machine()}")
    kinship = _kinship()
    out = TMP / f"kinship-bench-memory-{os.getpid()}.json"
    results = {}
    try:
        for n, db in dbs.items():
            base, _, _ = child_rss(
                [*kinship, "--db", str(db), "contacts", "--json", "--limit", "1"], out
            )
            rss, took, size = child_rss([*kinship, "--db", str(db), "contacts", "--json"], out)
            results[n] = (base, rss, took, size)
    finally:
        out.unlink(missing_ok=True)
    traced = {}
    if not args.no_trace:
        for n, db in dbs.items():
            traced[n] = traced_peak(db)

    rows = []
    for n in sizes:
        base, rss, took, size = results[n]
        rows.append(
            (
                n,
                round(base, 1),
                round(rss, 1),
                round(rss - base, 1),
                round(traced[n][0], 1) if n in traced else "-",
                round(took, 2),
                round(size / 1e6, 1),
            )
        )
    print()
    print(
        table(
            (
                "contacts",
                "RSS --limit 1 MiB",
                "RSS all MiB",
                "growth MiB",
                "tracemalloc MiB",
                "wall s",
                "output MB",
            ),
            rows,
        )
    )
    small, big = results[sizes[0]], results[sizes[1]]
    grow_small = max(small[1] - small[0], 1.0)  # at least 1 MiB: noise floor
    grow_big = big[1] - big[0]
    cache = sqlite_cache_mib(dbs[sizes[1]])
    allowed = args.growth * grow_small + cache
    ok = grow_big <= allowed
    print()
    print(
        f"RSS growth above baseline: {grow_small:.1f} MiB at {sizes[0]} → {grow_big:.1f} MiB at "
        f"{sizes[1]} (in proportion it would be {grow_small * sizes[1] / sizes[0]:.0f} MiB); "
        f"budget ≤ {args.growth:.0f}× small + SQLite page-cache cap {cache:.1f} MiB "
        f"= {allowed:.1f} MiB: {verdict(ok)}"
    )
    if traced:
        t_ratio = traced[sizes[1]][0] / traced[sizes[0]][0]
        t_ok = t_ratio <= args.growth
        ok &= t_ok
        print(
            f"tracemalloc peak: {traced[sizes[0]][0]:.1f} → {traced[sizes[1]][0]:.1f} MiB "
            f"({t_ratio:.1f}×, budget ≤ {args.growth:.0f}×): {verdict(t_ok)}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
