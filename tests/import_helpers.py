"""Helpers shared by the importing tests: fake importers, generated cards, table dumps."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kinship.records import Importer
from kinship.store import Store, current


def fake_importer(items: Iterable[Any], name: str = "fake") -> Importer:
    """An importer that yields ``items`` whatever the path (an exception item is raised)."""
    items = list(items)

    def read(path: Path) -> Iterator[Any]:
        for item in items:
            if isinstance(item, BaseException):
                raise item
            yield item

    return Importer(name=name, description="test", suffixes=(".x",), read=read)


def big_vcf(path: Path, n: int, *, start: int = 0) -> None:
    """``n`` generated vCards (UIDs ``gen-<i>``), each with an email, a phone and a tag."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        for i in range(start, start + n):
            fh.write(
                "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                f"UID:gen-{i}\r\nFN:Person {i} Example\r\nN:Example;Person {i};;;\r\n"
                f"EMAIL;TYPE=work:person{i}@example.org\r\nTEL;TYPE=cell:+1 555 {i:07d}\r\n"
                f"ORG:Org {i % 97}\r\nBDAY:19{i % 90 + 10:02d}-0{i % 9 + 1}-1{i % 9}\r\n"
                f"CATEGORIES:circle{i % 7}\r\nEND:VCARD\r\n"
            )


def tables(store: Store | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the user's data lives in, and the search index's text (the
    import run record itself aside): "table for table" comparisons."""
    store = store or current()
    db = store.db
    out: dict[str, list[tuple[Any, ...]]] = {}
    for name in sorted(db.get_tables()):
        if name.startswith(("import_run", "contact_fts", "sqlite_")):
            continue
        out[name] = [tuple(r) for r in db.execute_sql(f'SELECT * FROM "{name}" ORDER BY 1')]
    if store.is_sqlite:
        out["contact_fts"] = [
            tuple(r)
            for r in db.execute_sql("SELECT rowid, name, body FROM contact_fts ORDER BY rowid")
        ]
    return out
