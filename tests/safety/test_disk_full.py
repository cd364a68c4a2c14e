"""A full disk says "disk full: <where>", changes nothing, and reads keep working.

Simulated with SQLite's ``max_page_count`` (everywhere) and, where the test may mount
one (root in CI), a real tiny tmpfs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kinship.plugins import PluginHost
from kinship.services import contacts
from kinship.services.importing import import_path
from kinship.store import Store, close_store, open_store
from kinship.store.models import Contact
from tests.conftest import CLI, Result
from tests.safety.safety_helpers import one_line_error, run_kinship, tables


def _cards(path: Path, n: int) -> Path:
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:p{i}\r\nFN:Person {i}\r\nNOTE:{note}\r\nEND:VCARD\r\n"
    path.write_text("".join(card.format(i=i, note="y" * 400) for i in range(n)))
    return path


def _cap(store: Store, spare_pages: int = 3) -> None:
    (pages,) = store.db.execute_sql("PRAGMA page_count").fetchone()
    store.db.execute_sql(f"PRAGMA max_page_count = {pages + spare_pages}")


def test_full_store_says_disk_full_and_reads_go_on(rich: Path, tmp_path: Path) -> None:
    before = tables(rich)
    store = open_store(rich)
    try:
        _cap(store)
        importer = PluginHost.for_plugins(builtins=True).importer_for(tmp_path / "x.vcf")
        report = import_path(_cards(tmp_path / "big.vcf", 500), importer=importer)
        assert report.failed
        (problem,) = report.problems
        assert f"disk full: {rich}" in problem.message
        assert "cannot rollback" not in problem.message
        # The same connection keeps reading, and writes again once there is room.
        assert Contact.select().count() == len(before["contact"])
        assert contacts.resolve("ada").display_name == "Ada Lovelace"
        store.db.execute_sql("PRAGMA max_page_count = 1073741823")
        contacts.add("Katherine Johnson")
    finally:
        close_store()
    after = tables(rich)
    assert len(after["contact"]) == len(before["contact"]) + 1


def test_describe_error_finds_the_full_disk_behind_the_rollback_error(rich: Path) -> None:
    from kinship.store.handle import describe_error, explain

    store = open_store(rich)
    try:
        _cap(store, spare_pages=0)
        with pytest.raises(Exception) as info, store.write():
            store.db.execute_sql("CREATE TABLE filler (x TEXT)")
            store.db.execute_sql("INSERT INTO filler VALUES (?)", ("z" * 100_000,))
        assert describe_error(info.value).startswith(f"disk full: {rich}")
        assert explain(OSError(28, "No space left on device", "/x/out.json")) == (
            "disk full: /x/out.json; free some space and try again"
        )
    finally:
        close_store()


@pytest.fixture
def tiny_fs(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs, when this process may mount one; else the test is skipped."""
    mount = shutil.which("mount")
    where = tmp_path / "tiny"
    where.mkdir()
    if mount is None:
        pytest.skip("no mount command")
    r = subprocess.run(
        [mount, "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(where)], capture_output=True
    )
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode(errors='replace').strip()}")
    try:
        yield where
    finally:
        close_store()
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_real_full_disk(tiny_fs: Path, tmp_path: Path, cli: CLI) -> None:
    db = tiny_fs / "k.db"

    def run(*args: str) -> Result:
        return cli(*args, "--db", str(db), db=False)

    assert run("add", "Ada Lovelace", "--uid", "ada").code == 0
    before = tables(db)
    # In a process of its own, as from a shell: a run whose process is gone can be undone.
    env = {"KINSHIP_DB": str(db), "PYTHONPATH": os.pathsep.join(sys.path)}
    r = run_kinship("import", str(_cards(tmp_path / "big.vcf", 3000)), env=env)
    assert r.code == 1
    text = r.out + r.err
    assert f"disk full: {db}" in text and "cannot rollback" not in text
    if tables(db) != before:
        # Batches committed before the disk filled, and the full disk stopped their
        # roll-back too: the report says so and how to take them out.
        m = re.search(r"kinship import --undo (\d+)", text)
        assert m, text
        full = run("import", "--undo", m.group(1))
        assert full.code == 1 and f"disk full: {db}" in full.err  # no room to undo yet
        # Free some space (a bigger filesystem), and the undo goes through.
        subprocess.run(["mount", "-o", "remount,size=4m", str(tiny_fs)], check=True)
        undo = run("import", "--undo", m.group(1))
        assert undo.code == 0, undo.err
    assert tables(db) == before
    listed = run("contacts", "--json")
    assert listed.code == 0 and [c["uid"] for c in listed.json()] == ["ada"]

    # Now fill the disk to the last byte.
    fd = os.open(tiny_fs / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        with pytest.raises(OSError):
            while True:
                os.write(fd, b"\0" * 4096)
    finally:
        os.close(fd)
    # Exports and backups of another store onto the full disk: one line, nothing left behind.
    assert cli("add", "Grace Hopper").code == 0
    for args in (
        ("export", "--format", "json", "-o", str(tiny_fs / "out.json")),
        ("backup", str(tiny_fs / "copy.db")),
    ):
        one_line_error(r := cli(*args))
        assert "disk full" in r.err, r.err
    assert sorted(p.name for p in tiny_fs.iterdir()) == ["filler", "k.db"]
    # The store on the full disk cannot even make its -shm: it says why.
    r = run("contacts")
    one_line_error(r)
    assert r.err.startswith(f"kinship: disk full: {db}")
    (tiny_fs / "filler").unlink()
    assert tables(db) == before
    assert run("contacts", "--json").code == 0
