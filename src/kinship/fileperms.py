"""Private files and folders: what kinship creates is readable by its owner only.

A contact store holds private notes about other people, often on a shared server. So every
folder kinship creates is ``0700`` and every file ``0600`` — the database (SQLite gives its
``-wal``/``-shm``/``-journal`` the database file's mode), backups, exports, the demo store,
and the parent folders of a new database. The mode is set on the open descriptor after
creation (``fchmod``), so a permissive or odd ``umask`` changes nothing and there is no moment
when the file is readable by others. Folders and files that already exist keep their mode:
they are the user's.

Exports write inside :func:`private_output`, so what a third-party exporter writes with plain
``open()`` ends up private too.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def private_dir(path: str | os.PathLike[str]) -> list[Path]:
    """``mkdir -p path`` with every folder it creates ``0700``; returns the folders created.

    Existing folders are left as they are (a shared parent such as ``~/.local/share`` keeps
    its mode), and a folder another process creates at the same moment is not touched.
    """
    path = Path(path)
    missing: list[Path] = []
    p = path
    while not os.path.lexists(p):
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    created: list[Path] = []
    for d in reversed(missing):
        try:
            os.mkdir(d, DIR_MODE)
        except FileExistsError:
            continue
        _fchmod_path(d, DIR_MODE, directory=True)
        created.append(d)
    if not path.is_dir():
        raise NotADirectoryError(f"{path}: not a folder")
    return created


def create_private(path: str | os.PathLike[str], flags: int = os.O_WRONLY) -> int:
    """Create ``path`` (it must not exist) as a ``0600`` file; returns the open descriptor."""
    fd = os.open(path, flags | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # the umask may have taken bits away, or left group bits on
    except BaseException:
        os.close(fd)
        raise
    return fd


def touch_private(path: str | os.PathLike[str]) -> None:
    """Create ``path`` as an empty ``0600`` file (it must not exist)."""
    os.close(create_private(path))


def make_private(path: str | os.PathLike[str]) -> None:
    """Set an existing file to ``0600`` (a folder to ``0700``), without following links."""
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        return
    mode = DIR_MODE if stat.S_ISDIR(st.st_mode) else FILE_MODE
    if stat.S_IMODE(st.st_mode) != mode:
        _fchmod_path(Path(path), mode, directory=stat.S_ISDIR(st.st_mode))


@contextlib.contextmanager
def private_output(path: str | os.PathLike[str]) -> Iterator[None]:
    """Around an export: what the write creates at ``path`` ends up private.

    The file (or folder, e.g. a vdir, with everything in it) and the parent folders that did
    not exist before become ``0600``/``0700`` once the block ends, whatever the exporter used
    to write them (a plugin may use plain ``open()``). An existing file or folder keeps its
    mode: the user chose it.
    """
    path = Path(path)
    created: list[Path] = []
    p = path
    while not os.path.lexists(p) and p.parent != p:
        created.append(p)
        p = p.parent
    try:
        yield
    finally:
        for p in created:
            if not os.path.lexists(p) or p.is_symlink():
                continue
            if p.is_dir():
                for root, dirs, files in os.walk(p):
                    for name in dirs + files:
                        with contextlib.suppress(OSError):
                            make_private(Path(root) / name)
            with contextlib.suppress(OSError):
                make_private(p)


def _fchmod_path(path: Path, mode: int, *, directory: bool) -> None:
    flags = os.O_RDONLY | _NOFOLLOW | _CLOEXEC | (_DIRECTORY if directory else 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        os.chmod(path, mode)  # e.g. a folder we may not read (mode 0300 from a strange umask)
        return
    try:
        os.fchmod(fd, mode)
    finally:
        os.close(fd)
