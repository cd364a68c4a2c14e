"""The store as a whole: copying it to another database (another backend, another server)."""

from __future__ import annotations

import os

from kinship.store.copy import CopyReport, Progress, copy_store

__all__ = ["CopyReport", "copy"]


def copy(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> CopyReport:
    """Copy every row of ``source`` into ``target`` in one transaction (see
    :mod:`kinship.store.copy`); ``target`` is the open store afterwards."""
    return copy_store(source, target, force=force, progress=progress)
