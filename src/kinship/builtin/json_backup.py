"""Lossless JSON backup of everything an export bundle holds.

The document is ``{"format": "kinship-backup", "version": 1, "contacts": [...], "events":
[...], "interactions": [...], "notes": [...], "relationships": [...], "followups": [...]}``
with ISO 8601 dates and sorted keys. Each record sits on its own line, so the file diffs well,
streams out without holding the bundle in memory, and the importer can report line numbers.
"""

from __future__ import annotations

import dataclasses
import json
import re
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kinship import hookimpl
from kinship.builtin._io import SNIFF_BYTES, atomic_writer
from kinship.records import (
    ContactRecord,
    EventRecord,
    ExportBundle,
    Exporter,
    FieldRecord,
    FollowUpRecord,
    Importer,
    ImportProblem,
    InteractionRecord,
    NoteRecord,
    PartialDate,
    Record,
    RelationshipRecord,
)

FORMAT = "kinship-backup"
VERSION = 1
SECTIONS: dict[str, type[Any]] = {
    "contacts": ContactRecord,
    "events": EventRecord,
    "interactions": InteractionRecord,
    "notes": NoteRecord,
    "relationships": RelationshipRecord,
    "followups": FollowUpRecord,
}
#: Import-report bookkeeping, not data: ``line`` is set from the backup file itself.
_SKIPPED = frozenset({"line"})
_SECTION_RE = re.compile(r'^\s*"(\w+)"\s*:\s*\[\s*$')


@hookimpl
def kinship_register_importers(register: Any) -> None:
    register(
        Importer(
            name="json",
            description="kinship JSON backup (everything, lossless)",
            suffixes=(".json",),
            read=read,
            sniff=sniff,
        )
    )


@hookimpl
def kinship_register_exporters(register: Any) -> None:
    register(
        Exporter(
            name="json",
            description="kinship JSON backup (everything, lossless)",
            suffix=".json",
            write=write,
        )
    )


# --------------------------------------------------------------------------- encoding


def _encode(value: Any) -> Any:
    if isinstance(value, PartialDate):
        return str(value)
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, FieldRecord):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    return value


def record_dict(record: Any) -> dict[str, Any]:
    """A record as a JSON-ready dict (dates as ISO strings)."""
    return {
        f.name: _encode(getattr(record, f.name))
        for f in dataclasses.fields(record)
        if f.name not in _SKIPPED
    }


def write(bundle: ExportBundle, path: Path) -> None:
    """Stream the bundle to ``path`` atomically (an unchanged backup is not rewritten)."""
    sections: dict[str, Iterable[Any]] = {
        "contacts": bundle.contacts,
        "events": bundle.events,
        "interactions": bundle.interactions,
        "notes": bundle.notes,
        "relationships": bundle.relationships,
        "followups": bundle.followups,
    }
    with atomic_writer(path) as fh:
        fh.write(f'{{\n  "format": "{FORMAT}",\n  "version": {VERSION}'.encode())
        for name, records in sections.items():
            fh.write(f',\n  "{name}": ['.encode())
            sep = "\n"
            for record in records:
                text = json.dumps(
                    record_dict(record), sort_keys=True, ensure_ascii=False, default=str
                )
                fh.write(f"{sep}    {text}".encode())
                sep = ",\n"
            fh.write(b"\n  ]")
        fh.write(b"\n}\n")


# --------------------------------------------------------------------------- decoding


def _pdate(v: Any) -> PartialDate | None:
    return PartialDate.parse(v) if v else None


def _date(v: Any) -> date | None:
    return date.fromisoformat(v) if v else None


def _datetime(v: Any) -> datetime | None:
    return datetime.fromisoformat(v) if v else None


def _date_or_datetime(v: Any) -> date | datetime | None:
    if not v:
        return None
    return datetime.fromisoformat(v) if "T" in v or " " in v else date.fromisoformat(v)


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "birthday": _pdate,
    "anniversary": _pdate,
    "met_on": _date,
    "due": _date,
    "occurred_at": _datetime,
    "created_at": _datetime,
    "updated_at": _datetime,
    "start": _date_or_datetime,
    "end": _date_or_datetime,
    "recurrence_id": _date_or_datetime,
    "rdates": lambda vs: [_date_or_datetime(v) for v in vs or []],
    "exdates": lambda vs: [_date_or_datetime(v) for v in vs or []],
    "fields": lambda vs: [record_from_dict(FieldRecord, v) for v in vs or []],
}


def record_from_dict(cls: type[Any], data: dict[str, Any]) -> Any:
    """Build a record of ``cls`` from :func:`record_dict` output; unknown keys are ignored.

    Raises ValueError/TypeError for missing or wrongly typed values, so a hand-edited backup
    cannot smuggle a list into a name.
    """
    if not isinstance(data, dict):
        raise ValueError(f"expected an object, got {type(data).__name__}")
    hints = _hints(cls)
    kwargs = {}
    for key, value in data.items():
        if key not in hints:
            continue
        if key in _CONVERTERS and value is not None:
            if not isinstance(value, str | list):
                raise ValueError(f"{key}: unexpected {type(value).__name__}")
            value = _CONVERTERS[key](value)
        if not _matches(value, hints[key]):
            raise ValueError(f"{key}: unexpected {type(value).__name__}")
        kwargs[key] = value
    return cls(**kwargs)


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    if cls not in _HINTS:
        names = {f.name for f in dataclasses.fields(cls)} - _SKIPPED
        _HINTS[cls] = {k: v for k, v in typing.get_type_hints(cls).items() if k in names}
    return _HINTS[cls]


def _matches(value: Any, hint: Any) -> bool:
    if hint is Any:
        return True
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, h) for h in typing.get_args(hint))
    if origin is list:
        (item,) = typing.get_args(hint)
        return isinstance(value, list) and all(_matches(v, item) for v in value)
    if origin is dict:
        return isinstance(value, dict)
    if hint is type(None):
        return value is None
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def sniff(path: Path) -> bool:
    if not path.is_file():
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES).decode("utf-8", "replace")
    except OSError:
        return False
    return bool(re.search(r'"format"\s*:\s*"kinship-backup"', head))


def _record_lines(text: str) -> dict[str, list[int]]:
    """Line numbers of the records in each section, for the layout :func:`write` produces."""
    lines: dict[str, list[int]] = {}
    current: list[int] | None = None
    for n, line in enumerate(text.splitlines(), 1):
        m = _SECTION_RE.match(line)
        if m:
            current = lines.setdefault(m.group(1), [])
        elif current is not None and line.startswith("    {"):
            current.append(n)
        elif line.strip().startswith("]"):
            current = None
    return lines


def read(path: Path) -> Iterator[Record | ImportProblem]:
    src = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        yield ImportProblem(src, f"cannot read file: {exc.strerror or exc}", fatal=True)
        return
    except UnicodeDecodeError as exc:
        yield ImportProblem(src, f"not UTF-8 (byte {exc.start}); not a kinship backup", 1, True)
        return
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        yield ImportProblem(src, f"not valid JSON: {exc.msg}", exc.lineno, True)
        return
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        yield ImportProblem(src, f'not a kinship backup (no "format": "{FORMAT}")', 1, True)
        return
    version = doc.get("version")
    if not isinstance(version, int) or version > VERSION:
        yield ImportProblem(
            src,
            f"backup version {version!r} is not supported (this kinship reads {VERSION})",
            1,
            True,
        )
        return
    line_map = _record_lines(text)
    for name, cls in SECTIONS.items():
        items = doc.get(name) or []
        if not isinstance(items, list):
            yield ImportProblem(src, f'"{name}" is not a list; skipped', None)
            continue
        lines = line_map.get(name, [])
        numbers: list[int | None] = list(lines) if len(lines) == len(items) else []
        for i, item in enumerate(items):
            line = numbers[i] if numbers else None
            try:
                record = record_from_dict(cls, item)
            except (TypeError, ValueError, KeyError) as exc:
                yield ImportProblem(src, f"{name}[{i}] skipped: {exc}", line)
                continue
            if not record.source:
                record.source = src
            record.line = line
            yield record
