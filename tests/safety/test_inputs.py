"""Endless or special inputs are refused in one line, fast, changing nothing: devices, FIFOs,
oversized files, `import /`, and a config file that is not a regular file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from kinship.services.inputs import parse_size
from tests.conftest import CLI
from tests.safety.safety_helpers import run_kinship, tables

CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nEND:VCARD\r\n"


def _env(db: Path) -> dict[str, str]:
    return {"KINSHIP_DB": str(db), "PYTHONPATH": os.pathsep.join(_pythonpath())}


def _pythonpath() -> list[str]:
    import kinship

    return [str(Path(kinship.__file__).parents[1]), *os.environ.get("PYTHONPATH", "").split(":")]


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/urandom", "fifo"])
@pytest.mark.parametrize("fmt", [None, "vcard", "json", "ical"])
def test_special_files_are_refused(
    rich: Path, tmp_path: Path, special: str, fmt: str | None
) -> None:
    if special == "fifo":
        special = str(tmp_path / "contacts.vcf")
        os.mkfifo(special)
    elif not Path(special).exists():
        pytest.skip(f"{special} is missing here")
    before = tables(rich)
    args = ["import", special, *(["--format", fmt] if fmt else [])]
    r = run_kinship(*args, env=_env(rich))
    assert r.code == 1, (r.out, r.err)
    assert "not a regular file" in r.out + r.err
    assert "Traceback" not in r.err
    assert tables(rich) == before


def test_file_over_the_size_limit_needs_max_size(cli: CLI, rich: Path, tmp_path: Path) -> None:
    f = tmp_path / "big.vcf"
    f.write_text("".join(CARD.format(uid=f"u{i}", name=f"Person {i}") for i in range(200)))
    before = tables(rich)
    r = cli("import", str(f), "--max-size", "2k", "--json")
    assert r.code == 1
    (problem,) = r.json()["problems"]
    assert "over the import limit of 2 KiB" in problem["message"]
    assert "--max-size" in problem["message"]
    assert tables(rich) == before
    ok = cli("import", str(f), "--max-size", "none", "--json")
    assert ok.code == 0 and ok.json()["created"] == 200


def test_max_size_must_be_a_size(
    cli: CLI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    r = cli("import", str(tmp_path), "--max-size", "lots")
    assert r.code == 2 and "not a size" in capsys.readouterr().err


def test_parse_size() -> None:
    assert parse_size("256M") == 256 * 1024**2
    assert parse_size("1.5k") == 1536
    assert parse_size("2GiB") == 2 * 1024**3
    assert parse_size("none") is None and parse_size("0") is None
    with pytest.raises(ValueError):
        parse_size("-1")


def test_folder_walks_stop_at_vdir_depth(cli: CLI, rich: Path, tmp_path: Path) -> None:
    top = tmp_path / "contacts"
    (top / "friends").mkdir(parents=True)
    (top / "friends" / "deep" / "deeper").mkdir(parents=True)
    (top / "a.vcf").write_text(CARD.format(uid="a", name="Alan Turing"))
    (top / "friends" / "b.vcf").write_text(CARD.format(uid="b", name="Barbara Liskov"))
    (top / "friends" / "deep" / "c.vcf").write_text(CARD.format(uid="c", name="Too Deep"))
    os.mkfifo(top / "friends" / "pipe.vcf")  # would block the read
    (top / "friends" / "zero.vcf").symlink_to("/dev/zero")
    r = cli("import", str(top), "--json")
    assert r.code == 0, r.out
    assert r.json()["created"] == 2
    names = {c["display_name"] for c in cli("contacts", "--json").json()}
    assert {"Alan Turing", "Barbara Liskov"} <= names and "Too Deep" not in names


def test_import_root_lists_two_levels_not_the_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    from kinship.builtin import _io
    from kinship.services import inputs

    listed: list[str] = []
    real = os.scandir

    def scandir(path: Any) -> Any:
        listed.append(os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    for found in (
        _io.dir_files(Path("/"), (".vcf",)),
        list(inputs.vdir_files(Path("/"), (".vcf",))),
    ):
        assert all(len(f.parts) <= 3 for f in found)  # "/", a collection, the file
    assert all(len(Path(p).parts) <= 2 for p in listed), [p for p in listed if p.count("/") > 1]


@pytest.mark.parametrize("config", ["/dev/urandom", "fifo", "folder", "huge"])
def test_config_only_from_a_regular_file(rich: Path, tmp_path: Path, config: str) -> None:
    if config == "fifo":
        config = str(tmp_path / "config.toml")
        os.mkfifo(config)
    elif config == "folder":
        config = str(tmp_path)
    elif config == "huge":
        config = str(tmp_path / "huge.toml")
        Path(config).write_text("# " + "x" * (2 * 1024 * 1024) + "\n")
    elif not Path(config).exists():
        pytest.skip(f"{config} is missing here")
    r = run_kinship("contacts", env={**_env(rich), "KINSHIP_CONFIG": config})
    assert r.code == 1, (r.out, r.err)
    assert r.err.startswith("kinship: ") and len(r.err.splitlines()) == 1, r.err
    assert config in r.err
