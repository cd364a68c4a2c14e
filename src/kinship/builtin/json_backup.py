"""Lossless JSON backup of everything an export bundle holds.

The document is ``{"format": "kinship-backup", "version": 1, "tags": [...], "contacts": [...],
"events": [...], "interactions": [...], "notes": [...], "relationships": [...],
"introductions": [...], "captures": [...], "followups": [...]}`` with ISO 8601 dates and
sorted keys; a reader ignores sections it does not know, so older backups and newer kinships
read each other. Each record sits on its own line, so the file diffs well,
streams out without holding the bundle in memory, and the importer can report line numbers.
"""

from __future__ import annotations

import bisect
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
    CaptureRecord,
    ContactRecord,
    EventRecord,
    ExportBundle,
    Exporter,
    FieldRecord,
    FollowUpRecord,
    Importer,
    ImportProblem,
    InteractionRecord,
    IntroductionRecord,
    NoteRecord,
    PartialDate,
    Record,
    RelationshipRecord,
    TagRecord,
)

FORMAT = "kinship-backup"
VERSION = 1
SECTIONS: dict[str, type[Any]] = {
    "tags": TagRecord,
    "contacts": ContactRecord,
    "events": EventRecord,
    "interactions": InteractionRecord,
    "notes": NoteRecord,
    "relationships": RelationshipRecord,
    "introductions": IntroductionRecord,
    "captures": CaptureRecord,
    "followups": FollowUpRecord,
}
#: Import-report bookkeeping, not data: ``line`` is set from the backup file itself.
_SKIPPED = frozenset({"line"})


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
            sniff=sniff,
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
        "tags": bundle.tags,
        "contacts": bundle.contacts,
        "events": bundle.events,
        "interactions": bundle.interactions,
        "notes": bundle.notes,
        "relationships": bundle.relationships,
        "introductions": bundle.introductions,
        "captures": bundle.captures,
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
    "snoozed_until": _date,
    "done_at": _datetime,
    "asked_at": _datetime,
    "made_at": _datetime,
    "followed_up_at": _datetime,
    "declined_at": _datetime,
    "status_at": _datetime,
    "captured_at": _datetime,
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
    """The line of each record in each section, however the JSON is laid out (ours puts
    one record per line; a hand-edited or re-indented backup does not).

    Without a line per record, a skipped record could not be told from the record after
    it, and the report would count fewer skips than it lists.
    """
    decoder = json.JSONDecoder()
    ws = re.compile(r"\s*")
    lines: dict[str, list[int]] = {}
    newlines = [m.start() for m in re.finditer("\n", text)]

    def line_at(pos: int) -> int:
        return bisect.bisect_right(newlines, pos - 1) + 1

    def skip(pos: int) -> int:
        return ws.match(text, pos).end()  # type: ignore[union-attr]

    try:
        pos = skip(0)
        if text.startswith("\ufeff", pos):
            pos = skip(pos + 1)
        if text[pos] != "{":
            return {}
        pos = skip(pos + 1)
        while text[pos] != "}":
            key, pos = decoder.raw_decode(text, pos)
            pos = skip(pos)
            pos = skip(pos + 1)  # the ":"
            if key in SECTIONS and text[pos] == "[":
                found: list[int] = []
                pos = skip(pos + 1)
                while text[pos] != "]":
                    found.append(line_at(pos))
                    _, pos = decoder.raw_decode(text, pos)
                    pos = skip(pos)
                    if text[pos] == ",":
                        pos = skip(pos + 1)
                lines[key] = found  # a repeated key: json.loads keeps the last, so do we
                pos += 1
            else:
                _, pos = decoder.raw_decode(text, pos)
            pos = skip(pos)
            if text[pos] == ",":
                pos = skip(pos + 1)
    except (ValueError, IndexError):
        return lines
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
            # ``source`` stays as the backup has it, even empty: a restore keeps provenance.
            record.line = line
            yield record
