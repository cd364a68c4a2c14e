"""``kinship import --runs`` / ``--undo``, and imports beside other writers and killed part-way.

The two process tests run real processes against one database file: writers through the
CLI beside a 20k-card import (none of them may fail with "database is busy"), and an
import killed with SIGKILL once its first batches have committed (it must be reported
interrupted, and undoing it must give back the store as it was, table for table).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kinship.services import contacts, interactions
from kinship.store import Store
from tests.import_helpers import big_vcf, tables


def _wait_for(check: Callable[[], bool], what: str, timeout: float = 120.0) -> None:
    """Poll ``check`` (a state in the database) until it holds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _run_row(store: Store) -> tuple[str, int] | None:
    row = store.db.execute_sql(
        "SELECT state, items FROM import_run ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return (row[0], row[1]) if row else None


# --- the commands ---------------------------------------------------------------------------


def test_runs_lists_and_undo_takes_a_run_out(cli: Callable[..., Any], tmp_path: Path) -> None:
    f = tmp_path / "people.vcf"
    big_vcf(f, 3)
    assert cli("import", "--runs").out == "no imports yet\n"
    first = cli("import", str(f), "--json")
    assert first.code == 0 and first.json()["files"][0]["run"] == 1
    r = cli("import", "--runs")
    assert r.code == 0
    assert r.out.startswith("run 1  complete     ")
    assert f"vcard  {f.absolute()}: 3 created, 0 updated, 0 unchanged, 0 skipped" in r.out
    listed = cli("import", "--runs", "--json").json()
    # Three contacts and the three tags they brought: what an undo takes out.
    assert [(x["id"], x["state"], x["created"], x["changes"]) for x in listed] == [
        (1, "complete", 3, 6)
    ]
    assert set(listed[0]) >= {"started_at", "finished_at", "path", "format", "message"}
    undone = cli("import", "--undo", "1")
    assert undone.code == 0, undone.err
    assert undone.out == "run 1 undone: 6 removed, 0 restored\n"
    assert cli("contacts", "--json").json() == []
    again = cli("import", "--undo", "1")
    assert (again.code, again.err) == (1, "kinship: run 1 was undone already\n")
    assert cli("import", "--runs", "--json").json()[0]["state"] == "undone"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "import needs a PATH (or --runs, or --undo RUN)"),
        (("x.vcf", "--runs"), "--runs and --undo take no PATH"),
        (("--runs", "--undo", "1"), "--runs or --undo, not both"),
    ],
)
def test_runs_usage_errors(cli: Callable[..., Any], args: tuple[str, ...], message: str) -> None:
    r = cli("import", *args)
    assert (r.code, r.err) == (2, f"kinship: {message}\n")


def test_undo_of_an_unknown_run(cli: Callable[..., Any]) -> None:
    r = cli("import", "--undo", "7")
    assert (r.code, r.err) == (1, "kinship: no import run 7; `kinship import --runs` lists them\n")
    assert cli("import", "--undo", "x").code == 2


# --- real processes -------------------------------------------------------------------------

_KILLABLE_IMPORT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from kinship.records import ContactRecord, FieldRecord, Importer
    from kinship.services.importing import import_path
    from kinship.store import open_store

    def read(path):
        for i in range(int(sys.argv[2])):
            uid = "ada" if i == 3 else f"k{i}"  # one card updates a contact already there
            yield ContactRecord(
                f"Person {i}", uid=uid, tags=["imported"],
                fields=[FieldRecord("email", f"k{i}@example.org")],
            )
        sys.stdin.read()  # blocks: the test kills this process here

    open_store(sys.argv[1])
    import_path(Path("cards.vcf"), importer=Importer("vcard", "", (".vcf",), read))
    """
)


def test_a_killed_import_is_interrupted_and_undo_restores_the_store(
    store: Store, cli: Callable[..., Any], db_path: Path, tmp_path: Path
) -> None:
    contacts.add("Ada Lovelace", uid="ada", emails=["ada@example.org"], tags=["mentors"])
    contacts.add("Alan Turing", uid="alan")
    interactions.log("Tea", ["ada", "alan"], kind="meeting")
    before = tables(store)
    script = tmp_path / "killable.py"
    script.write_text(_KILLABLE_IMPORT)
    child = subprocess.Popen(
        [sys.executable, str(script), str(db_path), "1200"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        # Two batches of 500 commit; the reader then blocks before the last 200.
        _wait_for(lambda: (_run_row(store) or ("", 0))[1] >= 1000, "two batches to commit")
        assert _run_row(store) == ("running", 1000)
    finally:
        child.kill()
        child.wait()
    runs = cli("import", "--runs", "--json").json()
    assert [(r["state"], r["items"], r["created"], r["updated"]) for r in runs] == [
        ("interrupted", 1000, 999, 1)
    ]
    assert runs[0]["message"] == "the importing process ended before the import finished"
    text = cli("import", "--runs").out
    assert "incomplete: 1000 items are in. Import the file again to finish it" in text
    assert "(importing is idempotent), or `kinship import --undo 1`" in text
    assert contacts_count(store) == 2 + 999
    undone = cli("import", "--undo", "1")
    assert undone.code == 0, undone.err
    assert undone.out == "run 1 undone: 1000 removed, 1 restored\n"
    assert tables(store) == before


def contacts_count(store: Store) -> int:
    return int(store.db.execute_sql("SELECT COUNT(*) FROM contact").fetchone()[0])


_WRITER = textwrap.dedent(
    """
    import io, json, sqlite3, sys, time
    from kinship.cli import main

    db, name = sys.argv[1], sys.argv[2]
    if db.startswith("postgresql:"):
        import psycopg

        watch = psycopg.connect(db, autocommit=True)
    else:
        watch = sqlite3.connect(db)
    ops, i, seen = [], 0, {}
    while True:
        row = watch.execute(
            "SELECT state, items FROM import_run ORDER BY id DESC LIMIT 1"
        ).fetchone()
        state, items = row if row else ("waiting", 0)
        if state not in ("waiting", "running"):
            break
        if seen.get(items, 0) >= 1:  # a write per batch the import commits
            time.sleep(0.01)
            continue
        seen[items] = seen.get(items, 0) + 1
        if i % 2 == 0:
            args = ["add", f"{name} {i}", "--email", f"{name}{i}@example.org"]
        else:
            args = ["log", f"call {i}", "--with", f"{name} {i - 1}", "--kind", "call"]
        out, err = io.StringIO(), io.StringIO()
        code = main([*args, "--db", db], out=out, err=err)
        ops.append({"code": code, "err": err.getvalue(), "state": state, "items": items})
        i += 1
    print(json.dumps(ops))
    """
)


@pytest.mark.slow
def test_four_writers_beside_a_20k_card_import_never_fail(
    store: Store, db_path: Path, tmp_path: Path
) -> None:
    n = 20_000
    cards = tmp_path / "big.vcf"
    big_vcf(cards, n)
    writer = tmp_path / "writer.py"
    writer.write_text(_WRITER)
    env = {**os.environ, "COLUMNS": "200"}
    writers = [
        subprocess.Popen(
            [sys.executable, str(writer), str(db_path), f"Writer{w}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for w in range(4)
    ]
    started = time.perf_counter()
    importer = subprocess.run(
        [sys.executable, "-m", "kinship", "import", str(cards), "--db", str(db_path), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    took = time.perf_counter() - started
    results = [w.communicate(timeout=120) for w in writers]
    assert importer.returncode == 0, importer.stderr
    assert importer.stderr == ""
    assert json.loads(importer.stdout)["created"] == n
    done = 0
    during = []
    for out, err in results:
        assert err == ""
        ops = json.loads(out)
        failures = [op for op in ops if op["code"] != 0 or op["err"]]
        assert failures == []
        done += len(ops)
        during.append(sum(1 for op in ops if op["state"] == "running" and 0 < op["items"] < n))
    # Each writer wrote while the import was part-way through (between its batches).
    assert min(during) >= 3, during
    adds = sum(1 for out, _ in results for op in json.loads(out)[::2])
    assert contacts_count(store) == n + adds
    print(f"\n20k-card import beside 4 writers: {took:.1f} s, {done} writes, none failed")


def test_ctrl_c_says_what_is_in_and_how_to_finish_or_undo(
    cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kinship.services import importing

    def stopped(steps: Any, **kw: Any) -> Any:
        ((path, _),) = steps
        report = importing.ImportReport(file=str(path), importer="vcard", created=500)
        report.run_id = 4
        raise importing.ImportInterrupted(report)

    monkeypatch.setattr(importing, "import_paths", stopped)
    f = tmp_path / "all.vcf"
    big_vcf(f, 1)
    r = cli("import", str(f))
    assert r.code == 130
    assert r.err == (
        f"kinship: import of {f} stopped: 500 items are in (run 4, interrupted). Import it "
        "again to finish (importing is idempotent), or `kinship import --undo 4` to take "
        "them out\n"
    )
