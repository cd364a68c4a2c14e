"""Helpers for the data-safety tests: what the store holds, table by table."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

#: What an import records about itself (each run, even one that changes nothing).
IMPORT_RUNS = ("import_run", "import_run_change")


def _fts_shadow(name: str) -> bool:
    """The search index's own storage: its layout depends on the order of writes; what it
    holds is compared through the index table itself."""
    return name.startswith("contact_fts_")


def tables(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (what the search index holds too), sorted, read with plain
    sqlite3; the import run record aside (an import that changes nothing still records its
    run)."""
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
            if name not in IMPORT_RUNS and not _fts_shadow(name)
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


#: Per table: columns that record when a row was written (a restore writes it anew) or
#: that are the row's own id; foreign keys are compared by the natural key they point at.
_WRITTEN = {
    "contact": {"id", "created_at", "updated_at", "version"},
    "relationship": {"id", "created_at"},
    "event": {"id", "created_at", "updated_at"},
    "interaction": {"id", "created_at"},
    "follow_up": {"id", "created_at"},
    "introduction": {"id", "updated_at"},
}
#: Foreign key column → (table, natural key column).
_POINTS_AT = {
    "contact_id": ("contact", "uid"),
    "from_contact_id": ("contact", "uid"),
    "to_contact_id": ("contact", "uid"),
    "event_id": ("event", "uid"),
    "interaction_id": ("interaction", "uid"),
    "tag_id": ("tag", "name"),
    "person_id": ("contact", "uid"),
    "to_id": ("contact", "uid"),
}
#: Derived or not part of what a backup holds: the search index (rebuilt), the trash
#: (deleted things kept for undo) and the follow-up engine's bookkeeping in meta.
_NOT_DATA = {"trash", "meta", *IMPORT_RUNS}


def store_facts(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of a store, ids aside: own ids and write times dropped, foreign keys
    replaced by the UID (or tag name) they point at, rows sorted."""
    con = sqlite3.connect(db_path)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name NOT LIKE 'contact_fts%' ORDER BY name"
            )
        ]
        keys = {
            (table, column): dict(con.execute(f'SELECT id, "{column}" FROM "{table}"'))
            for table, column in set(_POINTS_AT.values())
        }
        out: dict[str, list[tuple[Any, ...]]] = {}
        for name in names:
            if name in _NOT_DATA:
                continue
            cursor = con.execute(f'SELECT * FROM "{name}"')
            columns = [d[0] for d in cursor.description]
            drop = _WRITTEN.get(name, {"id"})
            rows = []
            for row in cursor:
                kept = []
                for column, value in zip(columns, row, strict=True):
                    if column in drop:
                        continue
                    if column in _POINTS_AT and value is not None:
                        value = keys[_POINTS_AT[column]].get(value)
                    kept.append((column, value))
                rows.append(tuple(kept))
            out[name] = sorted(rows, key=repr)
        return out
    finally:
        con.close()
