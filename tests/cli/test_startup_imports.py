"""What opening kinship imports (each case in a fresh interpreter: this one has imported
everything already)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[2] / "src")

PROBE = """
import sys

from kinship.store import open_store

open_store(sys.argv[1])
print("psycopg" in sys.modules, "playhouse.migrate" in sys.modules)
import peewee

from kinship.store import postgres  # a PostgreSQL store opened later, in the same process

db = postgres.make_database("postgresql://nobody@127.0.0.1:1/none", lock_timeout_s=1)
print(type(db._adapter).__name__, db._adapter.txn_idle == peewee.TransactionStatus.IDLE)
"""


def probe(db: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(db)],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": SRC, "PATH": "", "HOME": str(db.parent)},
    )
    return done.stdout.split("\n")[:2]


def test_a_sqlite_store_opens_without_psycopg_or_the_migrations(tmp_path: Path) -> None:
    """peewee imports psycopg when it is imported, and each migration imports every driver
    playhouse knows (tens of ms of every start): an up-to-date SQLite store opens with none
    of them, and a PostgreSQL store made afterwards in the same process gets the driver as
    peewee's own import would have given it."""
    pytest.importorskip("psycopg")
    db = tmp_path / "k.db"
    probe(db)  # created: every migration runs
    assert probe(db) == ["False False", "Psycopg3Adapter True"]
