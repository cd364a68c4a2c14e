"""Where exports may write, and writing there without ever leaving half a file.

Every export goes through :func:`check_target` first:

- the open database, its ``-wal``/``-shm``/journal and the backups kinship keeps beside it
  (``<db>.*.bak``) are never written, whatever the path that leads there (relative, through a
  symlink, a hard link), not even with ``force``; nor is the folder holding the database used
  as a vdir;
- an existing file is replaced only when it is empty or *a previous export of the same kind*,
  recognised by content with the exporter's ``sniff`` (for the builtins: a vCard file starts
  with ``BEGIN:VCARD``, an iCalendar file with ``BEGIN:VCALENDAR``, a kinship backup has
  ``"format": "kinship-backup"``, a vdir folder holds only ``.vcf`` files and vdir metadata);
  anything else needs ``force`` (an exporter without ``sniff`` recognises nothing, so only
  an empty file or folder is written without it);
- only regular files and folders are written: a device, a FIFO or a socket is refused.

:func:`replace_file` then has the exporter write a temporary file in a private folder beside
the target and renames it over the target once it is complete; a target already holding those
exact bytes is left alone (its mtime too).
"""

from __future__ import annotations

import contextlib
import filecmp
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from kinship.errors import KinshipError
from kinship.fileperms import private_dir
from kinship.store import Store
from kinship.store.handle import real_path

__all__ = ["OutputRefused", "check_target", "replace_file"]


class OutputRefused(KinshipError):
    """An export target that would lose data if written."""


def check_target(
    path: Path,
    *,
    store: Store,
    folder: bool,
    kind: str,
    same_kind: Callable[[Path], bool] | None,
    force: bool = False,
) -> Path:
    """Refuse ``path`` when writing it could lose data (see the module doc); return the real
    path to write (symlinks resolved, so a symlinked export keeps its link)."""
    what = store.own_file(path)
    if what is not None:
        raise OutputRefused(f"{path}: that is {what}; export to another file")
    real = real_path(path)
    try:
        st = os.stat(real)
    except FileNotFoundError:
        return real
    except OSError as exc:
        raise OutputRefused(f"{path}: {exc.strerror or exc}") from None
    if folder:
        if not stat.S_ISDIR(st.st_mode):
            raise OutputRefused(f"{path}: exists and is not a folder ({kind} writes a folder)")
        if store.in_own_folder(real):
            raise OutputRefused(
                f"{path}: that folder holds the open database; export to a folder of its own"
            )
        if not force and not (_empty(real) or _recognised(same_kind, real)):
            raise OutputRefused(
                f"{path}: this folder holds other files than a {kind} export; "
                "choose an empty or new folder, or pass --force to write into it"
            )
        return real
    if stat.S_ISDIR(st.st_mode):
        raise OutputRefused(f"{path}: is a folder; give a file name")
    if not stat.S_ISREG(st.st_mode):
        raise OutputRefused(f"{path}: not a regular file (a device, pipe or socket); not written")
    if st.st_size and not force and not _recognised(same_kind, real):
        raise OutputRefused(
            f"{path}: exists and is not a {kind} export; choose another file, "
            "or pass --force to replace it"
        )
    return real


def _recognised(same_kind: Callable[[Path], bool] | None, path: Path) -> bool:
    if same_kind is None:
        return False
    try:
        return bool(same_kind(path))
    except Exception:  # a plugin's sniff that fails recognises nothing
        return False


def _empty(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return not any(not e.name.startswith(".") for e in entries)
    except OSError:
        return False


def replace_file(target: Path, write: Callable[[Path], None]) -> bool:
    """Call ``write(tmp)`` with a path beside ``target`` (same name, in a private temporary
    folder on the same filesystem) and rename the result over ``target``.

    On any error ``target`` is untouched and the temporary folder is removed. Returns whether
    ``target`` changed (identical bytes are not replaced). A new file is private (0600); a
    replaced one keeps its mode.
    """
    private_dir(target.parent)
    tmp_dir = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    os.chmod(tmp_dir, 0o700)  # mkdtemp's 0700 minus a strange umask (0277) could not be written
    try:
        tmp = tmp_dir / target.name
        write(tmp)
        if not tmp.is_file():
            return False
        if target.is_file() and filecmp.cmp(tmp, target, shallow=False):
            return False
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            mode = 0o600
        os.chmod(tmp, mode)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        return True
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp_dir)
