"""``kinship contacts Q`` against ``khard list Q`` on the same 10k people, plus start-up costs.

    python benchmarks/bench_cli.py [--contacts 10000] [--db /tmp/kinship-bench-10k.db]

The store is generated (``generate.py``) and enriched with organizations, e-mails and phones
(``bench_search.enrich``) when ``--db`` does not exist, then exported once with
``kinship export --format vdir`` into a temporary vdir that a temporary khard config points
at (``/work/shared/peers/khard.conf`` shape). Each command runs ``--runs`` times after one
warm-up; the median wall time (``subprocess.run`` + ``perf_counter``) is reported.

Budget (DESIGN §10): ``kinship contacts Q`` ≥ 25× faster than ``khard list Q`` at 10k.
Also reported, without a budget: ``kinship contacts X`` on an empty store, the start-up floor
(``kinship --version``, ``python -c pass``) and the top offenders of
``python -X importtime -c "import kinship.cli"`` (and of what ``contacts`` adds).
Exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _util import TMP, ensure_store, kinship_env, machine, run_median, table, verdict

BUDGET_SPEEDUP = 25.0
QUERIES = ("lovelace", "acme", "ada", "nomatchxyz")
#: Shared with the other peer tests and the CLI benchmark.
PEER_CONFIGS = Path(__file__).resolve().parents[1] / "tests" / "data" / "peers"
KHARD_CONF = (PEER_CONFIGS / "khard.conf").read_text(encoding="utf-8")


def _kinship() -> list[str]:
    script = Path(sys.executable).with_name("kinship")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kinship"]


def _khard() -> list[str] | None:
    script = Path(sys.executable).with_name("khard")
    found = str(script) if script.exists() else shutil.which("khard")
    return [found] if found else None


def _prepare(db: Path, contacts: int) -> None:
    if db.exists():
        return
    ensure_store(db, contacts)
    from bench_search import enrich

    from kinship.store import close_store, open_store

    open_store(db)
    enrich()
    close_store()


def importtime(argv: list[str], top: int) -> tuple[float, list[tuple[str, float, float]]]:
    """(total ms, [(module, self ms, cumulative ms)] by cumulative, any depth) for
    ``python -X importtime ARGV``; nested modules keep their indentation."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv],
        capture_output=True,
        text=True,
        check=True,
        env=kinship_env(),
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        self_us, cum_us, name = line.split(":", 1)[1].split("|")
        rows.append((name[1:].rstrip(), float(self_us) / 1000, float(cum_us) / 1000))
    total = sum(r[1] for r in rows)
    tops = sorted(rows, key=lambda r: -r[2])
    return total, tops[:top]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--contacts", type=int, default=10_000)
    p.add_argument("--db", type=Path, help="store to use/create (default: in $TMPDIR by size)")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--top", type=int, default=15, help="import-time offenders to list")
    p.add_argument("--budget", type=float, default=BUDGET_SPEEDUP, help="minimum speed-up")
    args = p.parse_args()
    db = args.db or TMP / f"kinship-bench-{args.contacts // 1000}k.db"
    _prepare(db, args.contacts)
    kinship, khard = _kinship(), _khard()
    env = kinship_env()
    print(f"# bench_cli — {machine()}")
    print(f"# store {db}; kinship = {' '.join(kinship)}; khard = {khard and khard[0]}")

    ok = True
    with tempfile.TemporaryDirectory(prefix="kinship-bench-cli-") as tmp:
        root = Path(tmp)
        vdir = root / "contacts" / "friends"
        done = subprocess.run(
            [*kinship, "--db", str(db), "export", "--format", "vdir", "-o", str(vdir)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        print(f"# {done.stdout.strip()}")
        conf = root / "khard.conf"
        conf.write_text(KHARD_CONF.format(root=root))
        empty = root / "empty.db"
        subprocess.run(
            [*kinship, "--db", str(empty), "contacts"], env=env, check=True, capture_output=True
        )

        rows = []
        for q in QUERIES:
            k_s, _, k_done = run_median(
                [*kinship, "--db", str(db), "contacts", q], runs=args.runs, env=env
            )
            k_lines = k_done.stdout.count("\n")
            if khard is None:
                rows.append((q, k_lines, round(k_s * 1000, 1), "-", "-", "-", "no khard"))
                continue
            h_s, _, h_done = run_median(
                [*khard, "-c", str(conf), "list", q], runs=args.runs, env=env, check=False
            )
            h_lines = max(0, h_done.stdout.count("\n") - 1)  # minus the header line
            speedup = h_s / k_s
            good = speedup >= args.budget
            ok &= good
            rows.append(
                (
                    q,
                    k_lines,
                    round(k_s * 1000, 1),
                    h_lines,
                    round(h_s * 1000, 1),
                    round(speedup, 1),
                    verdict(good),
                )
            )
        print()
        print(
            table(
                (
                    "query",
                    "kinship rows",
                    "kinship ms",
                    "khard rows",
                    "khard ms",
                    "speed-up",
                    f"≥{args.budget:.0f}×",
                ),
                rows,
            )
        )

        floor = []
        for label, argv in (
            ("python -c pass", [sys.executable, "-c", "pass"]),
            ("kinship --version", [*kinship, "--version"]),
            ("kinship contacts X (empty store)", [*kinship, "--db", str(empty), "contacts", "X"]),
            ("kinship contacts (empty store)", [*kinship, "--db", str(empty), "contacts"]),
            (
                f"kinship contacts --limit 20 ({args.contacts // 1000}k)",
                [*kinship, "--db", str(db), "contacts", "--limit", "20"],
            ),
            (
                f"kinship contacts --json ({args.contacts // 1000}k, all)",
                [*kinship, "--db", str(db), "contacts", "--json"],
            ),
        ):
            s, _, _ = run_median(argv, runs=args.runs, env=env)
            floor.append((label, round(s * 1000, 1)))
        print()
        print(table(("command", "median ms"), floor))

    with tempfile.TemporaryDirectory(prefix="kinship-bench-cli-") as tmp:
        empty = Path(tmp) / "empty.db"
        subprocess.run(
            [sys.executable, "-m", "kinship", "--db", str(empty), "contacts"],
            env=kinship_env(),
            capture_output=True,
            check=True,
        )
        for label, argv in (
            ('-c "import kinship.cli"', ["-c", "import kinship.cli"]),
            ("-m kinship --version", ["-m", "kinship", "--version"]),
            (
                "-m kinship contacts X (empty store)",
                ["-m", "kinship", "--db", str(empty), "contacts", "X"],
            ),
        ):
            total, tops = importtime(argv, args.top)
            print(
                f"\n# python -X importtime {label}: {total:.1f} ms of imports "
                "(self times summed); top by cumulative"
            )
            print(
                table(
                    ("module", "self ms", "cumulative ms"),
                    [(n, round(s, 1), round(c, 1)) for n, s, c in tops],
                )
            )
    print()
    print(f"budget kinship ≥ {args.budget:.0f}× faster than khard: {verdict(ok)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
