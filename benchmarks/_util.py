"""Helpers shared by the benchmark scripts (not a test module; imported from the scripts'
own folder, which Python puts first on ``sys.path`` when a script runs)."""

from __future__ import annotations

import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
TMP = Path(os.environ.get("TMPDIR", "/tmp"))


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (``pct`` in 0..100) of ``values``."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain, aligned text table (numbers right-aligned)."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    numeric = [
        all(isinstance(row[i], int | float) for row in rows) if rows else False
        for i in range(len(headers))
    ]

    def fmt(row: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if num else c.ljust(w)
            for c, w, num in zip(row, widths, numeric, strict=True)
        ).rstrip()

    lines = [fmt(cells[0]), "  ".join("-" * w for w in widths)]
    lines += [fmt(r) for r in cells[1:]]
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def machine() -> str:
    """One line describing where the numbers come from."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sqlite3

    return (
        f"{date.today().isoformat()} · {cpu} × {os.cpu_count()} · "
        f"{platform.system()} {platform.release()} · Python {platform.python_version()} · "
        f"SQLite {sqlite3.sqlite_version}"
    )


def ensure_store(db: Path, contacts: int, interactions: int | None = None) -> None:
    """Generate ``db`` (see ``generate.py``) unless it exists already."""
    if db.exists():
        return
    sys.path.insert(0, str(HERE))
    from generate import build

    n_int = interactions if interactions is not None else contacts * 10
    print(f"generating {db} ({contacts} contacts, {n_int} interactions) …", file=sys.stderr)
    took = build(db, contacts, n_int)
    print(f"generated in {took:.1f} s", file=sys.stderr)


def kinship_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for ``kinship`` subprocesses: no user config, no third-party plugins."""
    env = dict(os.environ)
    env["KINSHIP_NO_PLUGINS"] = "1"
    env["KINSHIP_CONFIG"] = str(TMP / "kinship-bench-none.toml")
    env.pop("KINSHIP_DB", None)
    if extra:
        env.update(extra)
    return env


def run_median(
    argv: Sequence[str], *, runs: int, env: dict[str, str] | None = None, check: bool = True
) -> tuple[float, list[float], subprocess.CompletedProcess[str]]:
    """Run ``argv`` ``runs`` times (after one warm-up); (median s, all times, last result)."""
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, done


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISS"
