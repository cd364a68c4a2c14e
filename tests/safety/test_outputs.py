"""No command writes over the open store, its -wal/-shm or its backups, whatever the path;
exports replace only previous exports of their kind (or anything with --force), atomically."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI
from tests.safety.safety_helpers import one_line_error, tables

FORMATS = ["vcard", "ical", "json"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("side", ["", "-wal", "-shm"])
def test_export_never_writes_the_store_or_its_side_files(
    cli: CLI, rich: Path, fmt: str, side: str
) -> None:
    before = tables(rich)
    target = rich.with_name(rich.name + side)
    r = cli("export", "--format", fmt, "-o", str(target), "--force")
    one_line_error(r)
    assert "open database" in r.err
    assert tables(rich) == before


def test_export_through_relative_path_symlink_and_hard_link(
    cli: CLI, rich: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tables(rich)
    monkeypatch.chdir(rich.parent)
    link = rich.parent / "innocent.vcf"
    link.symlink_to(rich.name)
    hard = rich.parent / "hard.json"
    os.link(rich, hard)
    elsewhere = rich.parent / "sub"
    elsewhere.mkdir()
    for target in (
        rich.name,
        f"./sub/../{rich.name}",
        str(link),
        str(hard),
        str(elsewhere / ".." / (rich.name + "-wal")),
    ):
        one_line_error(cli("export", "--format", "vcard", "-o", target, "--force"))
    assert link.is_symlink()
    assert tables(rich) == before


def test_backups_beside_the_store_are_protected(cli: CLI, rich: Path) -> None:
    r = cli("merge", "ada", "grace", "--json")
    assert r.code == 0, r.err
    backup = Path(r.json()["backup"])
    kept = backup.read_bytes()
    before = tables(rich)
    one_line_error(cli("export", "--format", "json", "-o", str(backup), "--force"))
    one_line_error(cli("backup", str(backup)))
    assert backup.read_bytes() == kept
    assert tables(rich) == before


@pytest.mark.parametrize("side", ["", "-wal", "-shm", "-journal"])
def test_backup_never_writes_the_store(cli: CLI, rich: Path, side: str) -> None:
    before = tables(rich)
    r = cli("backup", str(rich.with_name(rich.name + side)))
    one_line_error(r)
    assert tables(rich) == before


def test_backup_is_complete_or_absent(cli: CLI, rich: Path, tmp_path: Path) -> None:
    dest = tmp_path / "copies" / "copy.db"
    assert cli("backup", str(dest)).code == 0
    assert tables(dest) == tables(rich)
    assert [p.name for p in dest.parent.iterdir()] == ["copy.db"]  # no temp file left
    one_line_error(cli("backup", str(dest)))  # never replaced


def test_vdir_export_refuses_the_database_folder(cli: CLI, rich: Path) -> None:
    before = tables(rich)
    listing = sorted(p.name for p in rich.parent.iterdir())
    r = cli("export", "--format", "vdir", "-o", str(rich.parent), "--force")
    one_line_error(r)
    assert "holds the open database" in r.err
    assert sorted(p.name for p in rich.parent.iterdir()) == listing
    assert tables(rich) == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_existing_file_of_another_kind_needs_force(
    cli: CLI, rich: Path, tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / "thesis.txt"
    target.write_text("three years of work\n")
    r = cli("export", "--format", fmt, "-o", str(target))
    one_line_error(r)
    assert "--force" in r.err
    assert target.read_text() == "three years of work\n"
    assert cli("export", "--format", fmt, "-o", str(target), "--force").code == 0
    assert target.read_text() != "three years of work\n"


@pytest.mark.parametrize("fmt", FORMATS)
def test_previous_export_and_empty_file_are_replaced(
    cli: CLI, rich: Path, tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / "out"
    target.write_bytes(b"")
    assert cli("export", "--format", fmt, "-o", str(target)).code == 0
    first = target.read_bytes()
    assert first
    assert cli("add", "Katherine Johnson", "--birthday", "1918-08-26").code == 0
    r = cli("export", "--format", fmt, "-o", str(target))
    assert r.code == 0, r.err
    assert target.read_bytes() != first
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_export_of_another_format_over_an_export_needs_force(
    cli: CLI, rich: Path, tmp_path: Path
) -> None:
    target = tmp_path / "backup.json"
    assert cli("export", "--format", "json", "-o", str(target)).code == 0
    kept = target.read_bytes()
    one_line_error(cli("export", "--format", "vcard", "-o", str(target)))
    assert target.read_bytes() == kept


def test_export_keeps_a_symlink_and_writes_its_target(cli: CLI, rich: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.vcf"
    link = tmp_path / "link.vcf"
    link.symlink_to(real)
    assert cli("export", "--format", "vcard", "-o", str(link)).code == 0
    assert link.is_symlink() and real.read_text().startswith("BEGIN:VCARD")


def test_non_regular_targets_are_refused(cli: CLI, rich: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    r = cli("export", "--format", "json", "-o", str(fifo), "--force")
    one_line_error(r)
    assert "not a regular file" in r.err
    one_line_error(cli("export", "--format", "json", "-o", str(tmp_path)))
    file = tmp_path / "f.txt"
    file.write_text("x")
    one_line_error(cli("export", "--format", "vdir", "-o", str(file), "--force"))
    assert file.read_text() == "x"


def test_vdir_into_a_folder_of_other_files_needs_force(
    cli: CLI, rich: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "letter.odt").write_text("dear")
    r = cli("export", "--format", "vdir", "-o", str(folder))
    one_line_error(r)
    assert sorted(p.name for p in folder.iterdir()) == ["letter.odt"]
    assert cli("export", "--format", "vdir", "-o", str(folder), "--force").code == 0
    assert (folder / "ada.vcf").exists()
    vdir = tmp_path / "contacts"
    assert cli("export", "--format", "vdir", "-o", str(vdir)).code == 0
    (vdir / "displayname").write_text("Friends")
    assert cli("export", "--format", "vdir", "-o", str(vdir)).code == 0  # a vdir again


def test_a_failing_exporter_leaves_the_old_file(
    cli: CLI, rich: Path, tmp_path: Path, register_plugin: Callable[..., None]
) -> None:
    from kinship import hookimpl
    from kinship.records import Exporter

    def write(bundle: Any, path: Path) -> None:
        with path.open("w") as fh:
            fh.write("half")
            raise RuntimeError("disk on fire")

    class Broken:
        @hookimpl
        def kinship_register_exporters(self, register: Any) -> None:
            register(Exporter("broken", "fails half way", ".txt", write, sniff=lambda p: True))

    register_plugin(Broken(), "broken")
    target = tmp_path / "old.txt"
    target.write_text("the previous export")
    r = cli("export", "--format", "broken", "-o", str(target))
    assert r.code == 1
    assert target.read_text() == "the previous export"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("which", ["-wal", "backup"])
def test_db_copy_never_writes_the_sources_files(cli: CLI, rich: Path, which: str) -> None:
    r = cli("merge", "ada", "grace", "--json")
    backup = Path(r.json()["backup"])
    target = backup if which == "backup" else rich.with_name(rich.name + "-wal")
    kept = target.read_bytes() if target.exists() else None
    before = tables(rich)
    r = cli("db", "copy", str(rich), str(target), "--force", db=False)
    one_line_error(r)
    assert "(the source)" in r.err
    assert (target.read_bytes() if target.exists() else None) == kept
    assert tables(rich) == before
