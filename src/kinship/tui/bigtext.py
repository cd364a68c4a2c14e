"""Big values: shown cut short, edited in ``$EDITOR``.

A note imported from a 10 MB vCard, or pasted whole from somewhere, must not freeze the app:
laying out and wrapping text costs time in proportion to its length (10 MB took 25 s in the
edit form and two minutes in the notes pane). So every list and pane shows at most
:func:`excerpt` of a text, and a form field whose value is longer than :data:`EDIT_LIMIT`
shows a read-only :func:`preview`; **ctrl+o** (in any multi-line field) opens the whole text
in the user's editor (``$VISUAL``, else ``$EDITOR``, else ``vi``) and takes back what was
saved there. Values are never cut in the store: only what is drawn.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["EDIT_LIMIT", "EditorError", "edit_externally", "editor_command", "excerpt", "preview"]

#: Characters beyond which a form shows a read-only preview instead of an editable field
#: (an editable field of this size still lays out in well under a frame budget's worth).
EDIT_LIMIT = 20_000
#: Characters of a big value a form's preview shows.
PREVIEW_CHARS = 2_000
#: Characters and lines of a text a list or pane shows.
EXCERPT_CHARS = 400
EXCERPT_LINES = 6


class EditorError(Exception):
    """The editor could not be started or its file read back (message for the user)."""


def is_big(text: str | None) -> bool:
    return text is not None and len(text) > EDIT_LIMIT


def excerpt(text: str | None, *, chars: int = EXCERPT_CHARS, lines: int = EXCERPT_LINES) -> str:
    """At most ``chars`` characters and ``lines`` lines of ``text``, "…" when cut. Cuts
    before anything else looks at the text, so a 10 MB note costs what 400 characters do."""
    if not text:
        return ""
    head = text[: chars + 1]
    cut = len(text) > chars
    parts = head.split("\n", lines)
    if len(parts) > lines:
        head, cut = "\n".join(parts[:lines]), True
    elif cut:
        head = head[:chars]
    return head.rstrip() + " …" if cut else head


def preview(text: str) -> str:
    """What a form shows for a value too big to edit in place."""
    head = excerpt(text, chars=PREVIEW_CHARS, lines=40)
    # The note first: the field is a few lines tall.
    return (
        f"[{len(text):,} characters, too long to edit here: "
        f"ctrl+o opens the whole text in your editor]\n{head}"
    )


def editor_command(environ: Any = None) -> list[str]:
    """``$VISUAL``, else ``$EDITOR`` (with its arguments, e.g. ``code -w``), else ``vi``."""
    env = os.environ if environ is None else environ
    for var in ("VISUAL", "EDITOR"):
        value = (env.get(var) or "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError:
                words = value.split()
            if words:
                return words
    return ["vi"]


def edit_externally(
    text: str,
    *,
    suspend: Callable[[], Any] | None = None,
    on_leftover: Callable[[Callable[[], None]], Any] | None = None,
    environ: Any = None,
) -> str | None:
    """Open ``text`` in the editor and return what was saved (``None``: unchanged).

    ``suspend()`` gives the terminal to the editor (the app's ``suspend`` context manager).
    The text goes to a private file (0600 in a 0700 folder) deleted afterwards;
    ``on_leftover(remove)`` lets the caller delete it should the process end abruptly.
    """
    argv = editor_command(environ)
    if shutil.which(argv[0]) is None:
        raise EditorError(f"editor {argv[0]!r} not found: set $EDITOR")
    folder = Path(tempfile.mkdtemp(prefix="kinship-edit-"))  # 0700

    def remove() -> None:
        shutil.rmtree(folder, ignore_errors=True)

    if on_leftover is not None:
        on_leftover(remove)
    try:
        path = folder / "note.txt"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        with suspend() if suspend is not None else contextlib.nullcontext():
            try:
                done = subprocess.run([*argv, str(path)], check=False)
            except OSError as exc:
                raise EditorError(f"could not start {argv[0]}: {exc.strerror or exc}") from None
        if done.returncode != 0:
            raise EditorError(f"{argv[0]} exited with status {done.returncode}: nothing changed")
        try:
            edited = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise EditorError(f"could not read the edited text back: {exc}") from None
    finally:
        remove()
    return None if edited == text else edited
