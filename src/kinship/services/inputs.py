"""What an import may read: regular files and vdir folders, of a bounded size.

An import reads its whole input, so an endless or special one (``/dev/zero``, ``/dev/urandom``,
a FIFO, a socket) would hang or eat memory, and ``import /`` would walk the whole filesystem.
:func:`check` refuses those up front, without opening anything:

- a path must be a regular file or a folder (symlinks are followed);
- a file, or the matching files of a folder together, may hold at most ``max_size`` bytes
  (:data:`DEFAULT_MAX_SIZE`; ``kinship import --max-size`` lifts it);
- a folder is read as a vdir: its files, and the files of the folders directly inside it (one
  level of collections, as vdirsyncer lays them out), never deeper.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

from kinship.errors import KinshipError

__all__ = ["DEFAULT_MAX_SIZE", "InputRefused", "check", "check_kind", "parse_size", "vdir_files"]

#: The largest import read without ``--max-size`` (256 MiB: a million vCards is ~300 MB).
DEFAULT_MAX_SIZE = 256 * 1024 * 1024

_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$", re.IGNORECASE)


class InputRefused(KinshipError):
    """An import input that is not a regular file or folder, or is too large."""


def parse_size(text: str) -> int | None:
    """``"256M"``, ``"2G"``, ``"1500k"``, ``"1000000"`` → bytes; ``"0"``/``"none"`` → no limit."""
    if text.strip().lower() in ("0", "none", "unlimited", "off"):
        return None
    m = _SIZE_RE.match(text)
    if not m:
        raise ValueError(f"not a size: {text!r} (e.g. 512M, 2G, or none)")
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


def human(size: int) -> str:
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}".replace(".0 ", " ")
    return f"{size} bytes"


def check_kind(path: Path) -> os.stat_result:
    """Refuse anything that is not a regular file or a folder (without opening it)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise InputRefused(f"{path}: {exc.strerror or exc}") from None
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
        raise InputRefused(
            f"{path}: not a regular file (a device, pipe or socket); "
            "kinship imports files and vdir folders"
        )
    return st


def check(
    path: Path, *, suffixes: tuple[str, ...] | None = None, max_size: int | None = DEFAULT_MAX_SIZE
) -> None:
    """Refuse ``path`` unless it is a regular file or a folder within ``max_size`` (for a
    folder: its files with ``suffixes`` at vdir depth, together). A path that does not exist
    is left to the importer, which reports it (a plugin may take a name, not a file)."""
    if not os.path.exists(path):
        return
    st = check_kind(path)
    if max_size is None:
        return
    if stat.S_ISDIR(st.st_mode):
        size = sum(f.stat().st_size for f in vdir_files(path, suffixes or ()))
        what = "these files are"
    else:
        size = st.st_size
        what = "it is"
    if size > max_size:
        raise InputRefused(
            f"{path}: {what} {human(size)}, over the import limit of {human(max_size)}; "
            f"pass --max-size {-(-size // 1024**2)}M (or none) to import it anyway"
        )


def vdir_files(folder: Path, suffixes: tuple[str, ...]) -> Iterator[Path]:
    """Regular files with one of ``suffixes`` in ``folder`` and in the folders directly in it;
    hidden ones skipped. Never walks deeper, so a folder like ``/`` costs two listings."""
    wanted = tuple(s.lower() for s in suffixes)
    for entry in _entries(folder):
        if entry.is_dir():
            for inner in _entries(Path(entry.path)):
                if _wanted(inner, wanted):
                    yield Path(inner.path)
        elif _wanted(entry, wanted):
            yield Path(entry.path)


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            return [e for e in it if not e.name.startswith(".")]
    except OSError:
        return []


def _wanted(entry: os.DirEntry[str], suffixes: tuple[str, ...]) -> bool:
    try:
        return entry.is_file() and entry.name.lower().endswith(suffixes)
    except OSError:
        return False
