"""What kinship creates is private: folders 0700, files 0600, whatever the umask — the
database and its -wal/-shm, its parent folders, backups, exports, the demo store."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kinship import fileperms
from kinship.store import close_store, open_store


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o000, 0o277], ids=lambda u: f"umask{u:03o}")
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """A permissive, an empty and a strange umask (0277 would make 0700 folders 0500)."""
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def test_new_database_and_every_folder_it_creates(tmp_path: Path, umask: int) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    path = shared / "a" / "b" / "kinship.db"
    store = open_store(path)
    try:
        from kinship.services import contacts

        contacts.add("Ada")  # a write: the -wal and -shm files exist now
        for side in ("kinship.db-wal", "kinship.db-shm"):
            assert mode(path.with_name(side)) == 0o600, side
        assert mode(path) == 0o600
        assert mode(shared / "a") == mode(shared / "a" / "b") == 0o700
        assert mode(shared) == 0o755  # an existing folder keeps its mode
    finally:
        close_store()
    assert store.path == path.resolve()


@pytest.mark.sqlite_only("SQLite's online backup")
def test_backup_and_its_folders(tmp_path: Path, store: Any, umask: int) -> None:
    dest = tmp_path / "backups" / "daily" / "kinship.db"
    store.backup_to(dest)
    assert mode(dest) == 0o600
    assert mode(dest.parent) == mode(dest.parent.parent) == 0o700


def test_exports_are_private(cli: Any, tmp_path: Path, umask: int) -> None:
    assert cli("add", "Ada", "--email", "ada@example.org").code == 0
    for fmt, out in (
        ("vcard", tmp_path / "out" / "new" / "a.vcf"),
        ("json", tmp_path / "out" / "b.json"),
        ("vdir", tmp_path / "out" / "vdir"),
    ):
        r = cli("export", "--format", fmt, "-o", str(out))
        assert r.code == 0, r.err
        if out.is_dir():
            assert mode(out) == 0o700
            assert [mode(p) for p in out.iterdir()] == [0o600]
        else:
            assert mode(out) == 0o600, fmt
    assert mode(tmp_path / "out") == mode(tmp_path / "out" / "new") == 0o700


def test_a_plugin_exporter_writing_with_open_ends_private(store: Any, tmp_path: Path) -> None:
    from kinship.records import Exporter
    from kinship.services.exporting import export

    def write(bundle: Any, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:  # 0644 by the umask
            fh.writelines(c.display_name + "\n" for c in bundle.contacts)

    out = tmp_path / "plugin" / "names.txt"
    old = os.umask(0o022)
    try:
        export(Exporter("names", "names", ".txt", write), out)
    finally:
        os.umask(old)
    assert mode(out) == 0o600 and mode(out.parent) == 0o700


def test_an_existing_export_keeps_the_mode_the_user_gave_it(store: Any, tmp_path: Path) -> None:
    from kinship.records import ExportBundle, Exporter
    from kinship.services.exporting import export

    out = tmp_path / "shared.txt"
    out.write_text("old", encoding="utf-8")
    os.chmod(out, 0o640)

    def write(bundle: ExportBundle, path: Path) -> None:
        path.write_text("new")

    # A previous export of this kind (the exporter's sniff says so) is replaced in place.
    export(Exporter("names", "names", ".txt", write, sniff=lambda p: True), out)
    assert mode(out) == 0o640 and out.read_text() == "new"


def test_demo_store_is_private(monkeypatch: pytest.MonkeyPatch) -> None:
    """``kinship --demo``: the throwaway folder and database, checked while the app runs."""
    from kinship.cli import Context, build_parser
    from kinship.store import current
    from kinship.tui import app as tui_app

    seen: dict[str, int] = {}

    def fake_run(self: Any, *a: Any, **kw: Any) -> None:
        path = current().path
        assert path is not None
        seen.update(db=mode(path), folder=mode(path.parent))

    monkeypatch.setattr(tui_app.KinshipApp, "run", fake_run)
    args = build_parser().parse_args(["--demo"])
    args.db, args.no_plugins, args.read_only = None, True, False
    old = os.umask(0)
    try:
        tui_app.run_app(Context(args=args))
    finally:
        os.umask(old)
    assert seen == {"db": 0o600, "folder": 0o700}


def test_private_dir_reports_what_it_created(tmp_path: Path) -> None:
    created = fileperms.private_dir(tmp_path / "x" / "y")
    assert created == [tmp_path / "x", tmp_path / "x" / "y"]
    assert fileperms.private_dir(tmp_path / "x" / "y") == []
    (tmp_path / "file").write_text("")
    with pytest.raises(NotADirectoryError):
        fileperms.private_dir(tmp_path / "file")
