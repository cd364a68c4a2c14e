"""A store this user may not write opens read-only: reads work, a write is one clear line,
and nothing is left behind that would stop the owner from writing later.

Permission bits do not stop root, and CI runs as root: there the commands run in a child
that dropped the capabilities that let root ignore them (CAP_DAC_OVERRIDE, …), so the
kernel checks the bits as for anyone else.
"""

from __future__ import annotations

import ctypes
import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kinship.config import describe_target
from kinship.errors import StoreError
from kinship.store import ReadOnlyStore, close_store, open_store

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER = 1, 2, 3


def _drop_root_powers() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            os._exit(97)  # cannot drop them here: the test is skipped


#: The child: drop root's powers (when root), then run each command of the JSON list on
#: stdin through kinship's ``main`` in turn; print each one's status, stdout and stderr.
_CHILD = """
import io, json, sys
from kinship.cli import main
results = []
for args in json.load(sys.stdin):
    out, err = io.StringIO(), io.StringIO()
    results.append((main(args, out=out, err=err), out.getvalue(), err.getvalue()))
json.dump(results, sys.stdout)
"""


@pytest.fixture
def unprivileged(tmp_path: Path) -> Callable[..., list[subprocess.CompletedProcess[str]]]:
    """Run ``kinship ARGS`` for each ARGS where permission bits apply, even when the tests
    run as root: one child process, each command opening and closing the store as a run of
    its own would (a process per command cost most of the test's time)."""
    if sys.platform != "linux" and os.geteuid() == 0:
        pytest.skip("dropping root's capabilities needs Linux")

    def run(*commands: tuple[str, ...], db: Path) -> list[subprocess.CompletedProcess[str]]:
        env = {
            **os.environ,
            "KINSHIP_DB": str(db),
            "KINSHIP_NO_PLUGINS": "1",
            "KINSHIP_CONFIG": str(tmp_path / "none.toml"),
            "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        }
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD],
            input=json.dumps([list(args) for args in commands]),
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            preexec_fn=_drop_root_powers if os.geteuid() == 0 else None,
        )
        if proc.returncode == 97:
            pytest.skip("cannot drop root's capabilities here")
        assert proc.returncode == 0, proc.stderr
        return [
            subprocess.CompletedProcess(args, code, out, err)
            for args, (code, out, err) in zip(commands, json.loads(proc.stdout), strict=True)
        ]

    return run


def make_store(path: Path) -> None:
    from kinship.services import contacts

    open_store(path)
    try:
        contacts.add("Ada Lovelace", emails=["ada@example.org"], cadence_days=7)
    finally:
        close_store()  # checkpoints: no -wal/-shm left, as after a normal session


READS = (("contacts",), ("show", "Ada"), ("due",), ("today", "--oneline"), ("contacts", "--json"))


@pytest.mark.parametrize("lock", ["file", "folder"])
def test_a_store_we_may_not_write(tmp_path: Path, unprivileged: Any, lock: str) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    db = folder / "kinship.db"
    make_store(db)
    before = sorted(p.name for p in folder.iterdir())
    if lock == "file":
        os.chmod(db, 0o400)
    else:
        os.chmod(folder, 0o500)
    backup = tmp_path / "copy.db"
    try:
        *reads, contacts, add, copy = unprivileged(
            *READS, ("contacts",), ("add", "Grace Hopper"), ("backup", str(backup)), db=db
        )
        for r in reads:
            assert r.returncode == 0, (r.args, r.stderr)
            assert r.stderr == "", r.args
        assert "Ada Lovelace" in contacts.stdout
        assert add.returncode == 1
        why = "the file is not writable" if lock == "file" else "its folder is not writable"
        assert add.stderr == f"kinship: {db} is read-only ({why}): nothing was changed\n"
        assert copy.returncode == 0, copy.stderr
        assert backup.exists()
        backup.unlink()
    finally:
        os.chmod(db, 0o600)
        os.chmod(folder, 0o700)
    # Nothing left behind (a read-only -shm would stop the owner's next write).
    assert sorted(p.name for p in folder.iterdir()) == before
    [r] = unprivileged(("add", "Grace Hopper"), db=db)
    assert r.returncode == 0, r.stderr


def test_read_only_flag(cli: Any, db_path: Path) -> None:
    assert cli("add", "Ada Lovelace", "--every", "7").code == 0
    for args in READS:
        r = cli(*args, "--read-only")
        assert r.code == 0 and r.err == "", (args, r.err)
    r = cli("add", "Grace", "--read-only")
    assert (r.code, r.err) == (
        1,
        f"kinship: {describe_target(str(db_path))} is read-only (opened with --read-only): "
        "nothing was changed\n",
    )
    assert cli("log", "Coffee", "--with", "Ada", "--read-only").code == 1
    assert [c["display_name"] for c in cli("contacts", "--json").json()] == ["Ada Lovelace"]


def test_store_api(db_path: Path) -> None:
    make_store(db_path)
    store = open_store(db_path, read_only=True)
    try:
        assert store.read_only and store.read_only_reason == "opened with --read-only"
        with pytest.raises(ReadOnlyStore, match="read-only"):
            store.write()
        # The database refuses too, should anything write around Store.write().
        with pytest.raises(Exception, match=r"readonly|read-only"):
            store.db.execute_sql("DELETE FROM contact")
    finally:
        close_store()
    if isinstance(db_path, Path):  # a SQLite file (on PostgreSQL, a database URL)
        assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_a_missing_read_only_store_is_not_created(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database there"):
        open_store(tmp_path / "nothing.db", read_only=True)
    assert not (tmp_path / "nothing.db").exists()
