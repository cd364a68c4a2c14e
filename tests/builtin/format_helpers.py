"""Helpers shared by the format plugin tests (vCard, iCal, JSON backup)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kinship.records import ImportProblem

DATA = Path(__file__).resolve().parent.parent / "data"


def split(items: Iterable[Any]) -> tuple[list[Any], list[ImportProblem]]:
    """Records and problems of an importer's output, each in order."""
    records: list[Any] = []
    problems: list[ImportProblem] = []
    for item in items:
        (problems if isinstance(item, ImportProblem) else records).append(item)
    return records, problems


def bare(record: Any) -> Any:
    """The record without its provenance (source, line), for round-trip comparisons."""
    return dataclasses.replace(record, source="", line=None)
