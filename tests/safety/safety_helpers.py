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
