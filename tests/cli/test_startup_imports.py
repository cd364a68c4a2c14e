"""What opening the app imports before its first frame (each case in a fresh interpreter:
this one has imported everything already)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[2] / "src")

PROBE = """
import sys, types
from kinship.cli import _import_peewee

ctx = types.SimpleNamespace(
    args=types.SimpleNamespace(demo=False), wiring=types.SimpleNamespace(target=sys.argv[1])
)
_import_peewee(ctx)
import peewee

print("psycopg" in sys.modules)
from kinship.store import postgres  # a PostgreSQL store opened later, in the same process

db = postgres.make_database("postgresql://nobody@127.0.0.1:1/none", lock_timeout_s=1)
print(type(db._adapter).__name__, db._adapter.txn_idle == peewee.TransactionStatus.IDLE)
"""


def probe(target: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, target],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": SRC, "PATH": ""},
    )
    return done.stdout.split("\n")[:2]


def test_a_sqlite_store_opens_without_psycopg_and_postgresql_still_works(tmp_path: Path) -> None:
    """peewee imports psycopg when it is imported (tens of ms of every start): the app on a
    SQLite store imports peewee without it, and a PostgreSQL store made afterwards in the
    same process gets the driver as peewee's own import would have given it."""
    pytest.importorskip("psycopg")
    assert probe(str(tmp_path / "k.db")) == ["False", "Psycopg3Adapter True"]
    assert probe("postgresql://nobody@127.0.0.1:1/none") == ["True", "Psycopg3Adapter True"]
