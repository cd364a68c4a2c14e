"""File helpers shared by the builtin format plugins: decoding, splitting, atomic writes."""

from __future__ import annotations

import codecs
import contextlib
import filecmp
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

_CHARSET_RE = re.compile(rb"CHARSET=\"?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_SAFE_NAME_RE = re.compile(r"^[A-Za-z0-9_.+@-]{1,200}$")

#: How many bytes ``sniff`` looks at.
SNIFF_BYTES = 4096


def describe_problem(exc: Exception) -> str:
    """A parser's exception as the text of an import problem: its type and first line."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


def decode(data: bytes, declared: str | None = None) -> tuple[str, str | None]:
    """Decode ``data``; return the text and, when the encoding was guessed, a note saying so.

    UTF-8 (a BOM is dropped) first, then the charset the data declares (``CHARSET=`` in a
    vCard 2.1 parameter, or ``declared``), then Windows-1252 and finally Latin-1, which
    never fails.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("utf-16"), None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    candidates: list[str] = []
    if declared:
        candidates.append(declared)
    candidates += [m.group(1).decode("ascii") for m in _CHARSET_RE.finditer(data)]
    candidates += ["cp1252", "latin-1"]
    for name in candidates:
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        return text, f"not valid UTF-8; read as {codecs.lookup(name).name}"
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def read_lines(path: Path) -> Iterator[bytes]:
    """The lines of ``path`` as bytes (with their endings), re-encoded to UTF-8 if UTF-16."""
    with path.open("rb") as fh:
        head = fh.read(2)
        if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            text, _ = decode(head + fh.read())
            yield from (line.encode("utf-8") for line in text.splitlines(keepends=True))
            return
        fh.seek(0)
        yield from fh


def split_components(
    lines: Iterable[bytes], name: bytes
) -> Iterator[tuple[int, list[bytes], str | None]]:
    """Split a stream of lines into top-level ``BEGIN:name`` … ``END:name`` blocks.

    Yields ``(first line number, lines, error)``; ``error`` is set for a block that is not
    closed properly (the lines read so far are still given). Text between blocks is skipped.
    """
    begin, end = b"BEGIN:" + name.upper(), b"END:" + name.upper()
    block: list[bytes] = []
    start = 0
    depth = 0
    lineno = 0
    for lineno, raw in enumerate(lines, 1):
        key = raw.strip().upper()
        if key.startswith(b"\xef\xbb\xbf"):
            key = key[3:]
        if b"." in key[:40] and key.endswith(begin):
            key = key.rsplit(b".", 1)[-1]  # RFC 2425 grouped "home.BEGIN:VCARD"
        if key == begin:
            if depth:
                yield start, block, f"no END:{name.decode()} before the next BEGIN"
                block = []
            depth, start = 1, lineno
            block = [raw]
            continue
        if not depth:
            continue
        block.append(raw)
        if key == end:
            yield start, block, None
            block, depth = [], 0
    if depth:
        yield start, block, f"no END:{name.decode()} (file ends at line {lineno})"


def first_line(path: Path) -> str:
    """The first non-blank line of a file (upper-cased, stripped); "" if unreadable."""
    try:
        with path.open("rb") as fh:
            data = fh.read(SNIFF_BYTES)
    except OSError:
        return ""
    text, _ = decode(data)
    for line in text.splitlines():
        if line.strip():
            return line.strip().upper()
    return ""


def dir_files(path: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Files with one of ``suffixes`` in a vdir folder and in the collections directly inside
    it (vdirsyncer's layout), never deeper: ``import /`` lists two levels, not the disk.

    Hidden files and folders (vdirsyncer's and our temp files) are skipped, and so is
    anything that is not a regular file (a FIFO named ``x.vcf`` would block the read); sorted
    for a stable order.
    """
    wanted = tuple(s.lower() for s in suffixes)
    found: list[Path] = []
    for entry in _visible(path):
        if _is_dir(entry):
            found += (Path(e.path) for e in _visible(Path(entry.path)) if _is_file(e, wanted))
        elif _is_file(entry, wanted):
            found.append(Path(entry.path))
    return sorted(found)


def _visible(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return [e for e in entries if not e.name.startswith(".")]
    except OSError:
        return []


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_file(entry: os.DirEntry[str], suffixes: tuple[str, ...]) -> bool:
    try:
        return entry.name.lower().endswith(suffixes) and entry.is_file()
    except OSError:
        return False


def safe_filename(uid: str, suffix: str) -> str:
    """A vdir file name: the UID when it is filename-safe (vdirsyncer's rule), else its hash."""
    if _SAFE_NAME_RE.match(uid) and not uid.startswith("."):
        return uid + suffix
    return hashlib.sha1(uid.encode("utf-8"), usedforsecurity=False).hexdigest() + suffix


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` atomically unless ``path`` already holds exactly these bytes.

    Returns whether the file was written. An unchanged file keeps its mtime and inode, so
    vdirsyncer does not sync it again.
    """
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    with atomic_writer(path, skip_if_same=False) as fh:
        fh.write(data)
    return True


@contextlib.contextmanager
def atomic_writer(path: Path, *, skip_if_same: bool = True) -> Iterator[BinaryIO]:
    """Write to a temp file beside ``path`` and move it into place on success.

    On error the temp file is removed and ``path`` is untouched. With ``skip_if_same`` an
    identical existing file is left alone (mtime kept).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if skip_if_same and path.is_file() and filecmp.cmp(tmp, path, shallow=False):
            tmp.unlink()
            return
        # New files keep mkstemp's private 0600 (contact data); rewrites keep the old mode.
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
