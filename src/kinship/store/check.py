"""``kinship db check``: is the database file sound, and can every stored value be read?

Works on the file directly (a read-only SQLite connection, no migration, no schema upgrade),
so it runs on a database that kinship refuses to open. Three passes:

1. SQLite's ``PRAGMA integrity_check`` (or the faster ``quick_check``): pages, b-trees,
   indexes;
2. ``PRAGMA foreign_key_check``: rows pointing at rows that are gone;
3. every column of every kinship table, read as bytes: text that is not UTF-8, dates and
   times that do not parse, integers that are not integers, JSON that is not JSON, birthdays
   that are not ``YYYY-MM-DD`` or ``--MM-DD``, a schema version that is not a number.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from peewee import (
    AutoField,
    BooleanField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
)

from kinship.errors import StoreError
from kinship.store.models import MODELS

__all__ = ["CheckReport", "Problem", "check_file"]

#: Problems listed before the check stops looking (the count says there may be more).
LIMIT = 1000


@dataclass
class Problem:
    kind: str  # integrity, foreign-key, value, schema
    message: str
    table: str | None = None
    column: str | None = None
    rowid: int | None = None

    def __str__(self) -> str:
        where = ".".join(p for p in (self.table, self.column) if p)
        if self.rowid is not None:
            where += f" (row {self.rowid})"
        return f"{where}: {self.message}" if where else self.message

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "table": self.table,
            "column": self.column,
            "row": self.rowid,
            "message": self.message,
        }


@dataclass
class CheckReport:
    path: Path
    quick: bool = False
    problems: list[Problem] = field(default_factory=list)
    rows_checked: int = 0
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: Problem) -> bool:
        """Record ``problem``; False once :data:`LIMIT` is reached (stop looking)."""
        if len(self.problems) >= LIMIT:
            self.truncated = True
            return False
        self.problems.append(problem)
        return True


def check_file(path: Path, *, quick: bool = False) -> CheckReport:
    """Check the SQLite database at ``path`` (which must exist); never writes it."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"{path}: no database file here")
    report = CheckReport(path=path, quick=quick)
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open: {exc}") from None
    con.text_factory = bytes
    try:
        if _integrity(con, report):
            _foreign_keys(con, report)
            _values(con, report)
    finally:
        con.close()
    return report


def _integrity(con: sqlite3.Connection, report: CheckReport) -> bool:
    """False when the file is too damaged to look at rows."""
    pragma = "quick_check" if report.quick else "integrity_check"
    try:
        rows = con.execute(f"PRAGMA {pragma}").fetchall()
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        # A damaged schema can fail even to say what is wrong in UTF-8.
        report.add(Problem("integrity", f"the file is damaged: {_one_line(exc)}"))
        return False
    for (text,) in rows:
        for line in _text(text).splitlines():
            if line.strip() and line != "ok" and not line.startswith("*** in database"):
                report.add(Problem("integrity", line.strip()))
    return True


def _foreign_keys(con: sqlite3.Connection, report: CheckReport) -> None:
    try:
        rows = con.execute("PRAGMA foreign_key_check").fetchall()
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        report.add(Problem("integrity", f"foreign keys cannot be checked: {_one_line(exc)}"))
        return
    for table, rowid, parent, _ in rows:
        if not report.add(
            Problem(
                "foreign-key", f"points at a missing {_text(parent)}", _text(table), None, rowid
            )
        ):
            break


# --------------------------------------------------------------------------- values


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    return str(value)


def _json_of(kind: type) -> Callable[[str], None]:
    def check(text: str) -> None:
        if text == "":
            return
        value = json.loads(text)
        if not isinstance(value, kind):
            raise ValueError(f"JSON {type(value).__name__}, expected {kind.__name__}")

    return check


def _partial_date(text: str) -> None:
    from kinship.records import PartialDate

    PartialDate.parse(text)


def _iso_list(text: str) -> None:
    if text == "":
        return
    items = json.loads(text)
    if not isinstance(items, list):
        raise ValueError("not a JSON list")
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"{item!r} is not a date")
        (datetime if "T" in item else date).fromisoformat(item)


#: Columns with a format beyond their type: (table, column) → validator of the text.
_SPECIAL: dict[tuple[str, str], Callable[[str], None]] = {
    ("contact", "birthday"): _partial_date,
    ("contact", "anniversary"): _partial_date,
    ("contact", "extra"): _json_of(dict),
    ("contact", "edited"): _json_of(list),
    ("event", "rdates"): _iso_list,
    ("event", "exdates"): _iso_list,
}


def _validator(table: str, f: Any) -> Callable[[Any], str | None]:
    """A function: stored value → what is wrong with it, or None."""
    special = _SPECIAL.get((table, f.column_name))
    nullable = bool(f.null) or isinstance(f, AutoField)

    def check(value: Any) -> str | None:
        if value is None:
            return None if nullable else "empty (NULL) where a value is required"
        if isinstance(f, IntegerField | BooleanField | ForeignKeyField | AutoField):
            if not isinstance(value, int):
                return f"{_show(value)} is not an integer"
            if isinstance(f, BooleanField) and value not in (0, 1):
                return f"{value} is not 0 or 1"
            return None
        if not isinstance(value, bytes):
            if isinstance(f, DateField | DateTimeField):
                return f"{_show(value)} is not a date"
            return None  # a number in a text column reads fine
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            return f"{_show(value)} is not valid UTF-8 text"
        try:
            if isinstance(f, DateTimeField):
                datetime.fromisoformat(text)
            elif isinstance(f, DateField):
                date.fromisoformat(text)
            elif special is not None:
                special(text)
        except (ValueError, TypeError) as exc:
            return f"{_show(text)} cannot be read ({' '.join(str(exc).split())[:80]})"
        return None

    return check


def _show(value: Any) -> str:
    text = _text(value)
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _values(con: sqlite3.Connection, report: CheckReport) -> None:
    try:
        rows = con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        report.add(Problem("integrity", f"the tables cannot be listed: {_one_line(exc)}"))
        return
    tables = {_text(r[0]) for r in rows}
    for model in MODELS:
        table = model._meta.table_name
        if table not in tables:
            report.add(Problem("schema", "table is missing", table))
            continue
        if table == "meta":
            _schema_version(con, report)
            continue
        fields = list(model._meta.sorted_fields)
        checks = [(f.column_name, _validator(table, f)) for f in fields]
        columns = ", ".join(f'"{name}"' for name, _ in checks)
        try:
            for row in _rows(con, f'SELECT rowid, {columns} FROM "{table}"'):
                report.rows_checked += 1
                for (name, check), value in zip(checks, row[1:], strict=True):
                    wrong = check(value)
                    if wrong is not None and not report.add(
                        Problem("value", wrong, table, name, row[0])
                    ):
                        return
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            report.add(Problem("integrity", f"cannot read the table: {_one_line(exc)}", table))


def _rows(con: sqlite3.Connection, sql: str) -> Iterator[tuple[Any, ...]]:
    cursor = con.execute(sql)
    while batch := cursor.fetchmany(1000):
        yield from batch


def _schema_version(con: sqlite3.Connection, report: CheckReport) -> None:
    from kinship.store import migrations

    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        report.add(Problem("integrity", f"cannot read the table: {_one_line(exc)}", "meta"))
        return
    if row is None:
        report.add(Problem("schema", "no schema_version", "meta", "value"))
        return
    text = _text(row[0])
    if not text.isdigit():
        report.add(Problem("schema", f"schema_version {text!r} is not a number", "meta", "value"))
    elif int(text) > migrations.latest():
        report.add(
            Problem(
                "schema",
                f"schema {text} is newer than this kinship's ({migrations.latest()})",
                "meta",
                "value",
            )
        )
