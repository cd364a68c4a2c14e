"""Helpers for the data-safety tests: what the store holds, table by table."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any


def tables(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the search index's too), sorted, read with plain sqlite3."""
    con = sqlite3.connect(db_path)
    try:
        names = [
            row[0]
            for row in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            name: sorted(con.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }
    finally:
        con.close()


def one_line_error(r: Any, code: int = 1) -> None:
    assert r.code == code, (r.out, r.err)
    assert r.err.startswith("kinship: ") and len(r.err.splitlines()) == 1, r.err
    assert "Traceback" not in r.err


def run_kinship(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Any:
    """``python -m kinship ARGS`` in a subprocess, for inputs that could hang a regression:
    the timeout turns a hang into a failure instead of a stuck suite."""
    import os
    import subprocess
    import sys
    from types import SimpleNamespace

    full_env = {**os.environ, **(env or {})}
    r = subprocess.run(
        [sys.executable, "-m", "kinship", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        stdin=subprocess.DEVNULL,
    )
    return SimpleNamespace(code=r.returncode, out=r.stdout, err=r.stderr)
