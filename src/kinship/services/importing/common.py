"""What every record handler shares: bulk queries in chunks and the comparison of a stored
value with an incoming one (after normalisation, so an unchanged item is not written)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from kinship.records import PartialDate
from kinship.store import current
from kinship.store.models import Contact

#: Records applied per batch (one set of bulk queries per batch); also the rows per query.
BATCH = 500

_UID_NAMESPACE = uuid.UUID("3f0b7f3e-2d7c-4f43-9a57-6b696e736869")


def chunks(items: list[Any], size: int = BATCH) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_many(model: Any, rows: list[dict[str, Any]], *, ignore: bool = False) -> None:
    """Bulk insert ``rows`` (dicts with the same keys) in chunks of :data:`BATCH`.

    One prepared ``INSERT`` run with ``executemany`` per chunk: Peewee's ``insert_many``
    builds the SQL text for every row, which cost more than the whole database work of a
    10k-card import. Values go through each field's ``db_value``, as Peewee would send them.
    """
    from peewee import chunked

    if not rows:
        return
    db = current().db
    meta = model._meta
    names = list(rows[0])
    # Python-side defaults (e.g. EventPerson.role), as Peewee's own insert would add them.
    defaults = {
        name: f.default
        for name, f in meta.fields.items()
        if name not in names and not f.primary_key and f.default is not None
    }
    fields = [meta.fields[name] for name in [*names, *defaults]]
    left, right = db.quote  # the backend's identifier quotes, e.g. '""'
    columns = ", ".join(f"{left}{f.column_name}{right}" for f in fields)
    marks = ", ".join([db.param] * len(fields))
    # ON CONFLICT DO NOTHING (SQLite 3.24+, PostgreSQL) skips duplicates only; INSERT OR
    # IGNORE would also drop rows that break NOT NULL or CHECK constraints, silently.
    tail = " ON CONFLICT DO NOTHING" if ignore else ""
    sql = f"INSERT INTO {left}{meta.table_name}{right} ({columns}) VALUES ({marks}){tail}"
    converters = [f.db_value for f in fields[: len(names)]]
    fixed = tuple(
        f.db_value(d() if callable(d) else d)
        for f, d in zip(fields[len(names) :], defaults.values(), strict=True)
    )
    for chunk in chunked(rows, BATCH):
        values = [
            tuple(conv(row[name]) for conv, name in zip(converters, names, strict=True)) + fixed
            for row in chunk
        ]
        db.cursor().executemany(sql, values)


def contact_ids(uids: Iterable[str], aliases: dict[str, int] | None = None) -> dict[str, int]:
    """Contact ids by UID: the stored UIDs, then ``aliases`` (a run's file UIDs of people it
    matched by email or phone, who keep the UID kinship already had)."""
    wanted = sorted({u for u in uids if u})
    out: dict[str, int] = {}
    for part in chunks(wanted):
        out.update(Contact.select(Contact.uid, Contact.id).where(Contact.uid.in_(part)).tuples())
    if aliases:
        for u in wanted:
            if u not in out and u in aliases:
                out[u] = aliases[u]
    return out


def derived_uid(*parts: str) -> str:
    return str(uuid.uuid5(_UID_NAMESPACE, "\x00".join(parts)))


def jsonable(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def as_datetime(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def same(key: str, old: Any, new: Any) -> bool:
    """Whether a stored value and an incoming one are the same, after normalisation."""
    if old in (None, "") and new in (None, ""):
        return True
    if isinstance(new, bool) or isinstance(old, bool):
        return bool(old) == bool(new)
    if isinstance(new, datetime) or isinstance(old, datetime):
        a, b = as_datetime(old), as_datetime(new)
        if isinstance(a, datetime) and isinstance(b, datetime):
            return a.replace(tzinfo=None, microsecond=0) == b.replace(tzinfo=None, microsecond=0)
        return bool(a == b)
    if isinstance(new, date) and isinstance(old, str):
        return old[:10] == new.isoformat()
    if isinstance(new, str) and isinstance(old, str):
        if key in ("rdates", "exdates"):
            return sorted(_instants(old), key=repr) == sorted(_instants(new), key=repr)
        if key == "timezone":  # "" (not known) is written as UTC and read back as "UTC"
            return (old.strip() or "UTC") == (new.strip() or "UTC")
        if key in ("birthday", "anniversary"):
            try:
                return PartialDate.parse(old) == PartialDate.parse(new)
            except ValueError:
                return old == new
        # vCard and iCalendar can only write LF: a stored CR or CRLF reads back as LF.
        return _lf(old.strip()) == _lf(new.strip())
    return bool(old == new)


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _instants(text: str) -> list[Any]:
    """A stored JSON list of days and times as comparable values (times as UTC instants,
    whichever offset they were written with; naive ones are UTC)."""
    try:
        items = json.loads(text) if text.strip() else []
    except ValueError:
        return [text]
    out: list[Any] = []
    for item in items if isinstance(items, list) else [items]:
        try:
            if isinstance(item, str) and "T" in item:
                dt = datetime.fromisoformat(item)
                out.append(dt.astimezone(UTC) if dt.tzinfo else dt.replace(tzinfo=UTC))
            else:
                out.append(date.fromisoformat(str(item)))
        except ValueError:
            out.append(item)
    return out


def less_precise(new: Any, old: Any) -> bool:
    """A year-less ``new`` date that matches ``old``'s month and day (which has a year)."""
    try:
        a, b = PartialDate.parse(str(new)), PartialDate.parse(str(old))
    except ValueError:
        return False
    return a.year is None and b.year is not None and (a.month, a.day) == (b.month, b.day)
