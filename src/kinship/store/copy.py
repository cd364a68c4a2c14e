"""Copying a whole store to another database, across backends (SQLite ↔ PostgreSQL).

Rows move table by table in primary-key order, through the models, so each backend's types
(text dates in SQLite, booleans as integers …) are converted on the way; ids are kept, so
every reference stays as it was. The target is written in one transaction: a failure leaves
it as it was (empty, or its old contents after ``force``). The search index is rebuilt in
the target's own form, and PostgreSQL's id sequences are moved past the copied ids.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from peewee import Database

from kinship.errors import StoreError
from kinship.store import search
from kinship.store.models import MODELS, Contact, Meta

#: Rows per read and per INSERT (well under SQLite's and PostgreSQL's parameter limits).
BATCH = 500
_DATA: tuple[Any, ...] = tuple(m for m in MODELS if m is not Meta)
#: Written per store, not copied: the schema version the target's migrations set.
_OWN_META = frozenset({"schema_version"})

#: ``progress(table, rows_done, rows_total)``.
Progress = Callable[[str, int, int], None]


@dataclass
class CopyReport:
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _rows(db: Database, model: Any) -> Iterator[list[tuple[Any, ...]]]:
    """Batches of ``model``'s rows in ``db``, in primary-key order (keyset pagination)."""
    fields = model._meta.sorted_fields
    pk = model._meta.primary_key
    last: Any = None
    while True:
        # Bound to the source only while reading: the caller writes between batches.
        with db.bind_ctx([model], bind_refs=False, bind_backrefs=False):
            q = model.select(*fields).order_by(pk).limit(BATCH)
            if last is not None:
                q = q.where(pk > last)
            batch = list(q.tuples())
        if not batch:
            return
        last = batch[-1][fields.index(pk)]
        yield batch


def _count(db: Database, model: Any) -> int:
    with db.bind_ctx([model], bind_refs=False, bind_backrefs=False):
        q = model.select()
        if model is Meta:
            q = q.where(Meta.key.not_in(list(_OWN_META)))
        return int(q.count())


def is_empty(db: Database) -> bool:
    """No data in any table (the schema alone does not count)."""
    with db.bind_ctx(_DATA, bind_refs=False, bind_backrefs=False):
        return not any(m.select().exists() for m in _DATA)


def copy_store(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> CopyReport:
    """Copy everything in ``source`` into ``target`` (created and migrated if needed).

    The source is only read (opened read-only); it must be at this kinship's schema
    (``kinship db upgrade`` first otherwise). A target with data is refused unless
    ``force``, which replaces it. Both are closed on return.
    """
    from kinship.store.db import _sqlite_path, close_store, open_store
    from kinship.store.handle import make_current

    # Read-only: a SQLite source is opened so that nothing is written to it or beside it,
    # and its schema must already be this kinship's (an older one is not upgraded).
    src = open_store(source, read_only=True)
    make_current(None)  # opening the target must not close the source
    target_path = _sqlite_path(os.fspath(target))
    what = src.own_file(target_path) if target_path is not None else None
    if what is not None:  # its -wal, its -shm, a backup of it: never written, even --force
        src.close()
        raise StoreError(f"{target}: that is {what} (the source); copy to another file")
    try:
        dst = open_store(target)
        report = CopyReport()
        try:
            if _same(src, dst):
                raise StoreError("the source and the target are the same database")
            with dst.write():
                if not is_empty(dst.db):
                    if not force:
                        raise StoreError(
                            f"{dst.label}: the target already holds data; "
                            "copy into an empty database, or replace it with --force"
                        )
                    _clear(dst)
                for model in (Meta, *_DATA):
                    report.rows[model._meta.table_name] = _copy_table(src, dst, model, progress)
                dst.sync_ids(*(m for m in _DATA if m._meta.primary_key.name == "id"))
                dst.analyze(*_DATA)
                ids = [c.id for c in Contact.select(Contact.id).order_by(Contact.id)]
                for start in range(0, len(ids), BATCH):
                    search.reindex(ids[start : start + BATCH])
                    if progress:
                        progress("search index", min(start + BATCH, len(ids)), len(ids))
        finally:
            close_store()
        return report
    finally:
        src.close()


def _same(src: Any, dst: Any) -> bool:
    if src.path is not None or dst.path is not None:
        return src.path == dst.path
    return bool(src.target == dst.target)


def _clear(dst: Any) -> None:
    search.clear()
    for model in reversed(_DATA):
        model.delete().execute()
    Meta.delete().where(Meta.key.not_in(list(_OWN_META))).execute()


def _copy_table(src: Any, dst: Any, model: Any, progress: Progress | None) -> int:
    name = model._meta.table_name
    total = _count(src.db, model)
    fields = model._meta.sorted_fields
    done = 0
    if progress:
        progress(name, 0, total)
    for batch in _rows(src.db, model):
        if model is Meta:
            batch = [row for row in batch if row[0] not in _OWN_META]
            if not batch:
                continue
        model.insert_many(batch, fields=fields).execute()
        done += len(batch)
        if progress:
            progress(name, done, total)
    return done
