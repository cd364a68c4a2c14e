"""0003: the search index on PostgreSQL (a ``tsvector`` per contact with a GIN index).

SQLite keeps its FTS5 table (created when the store is opened); there this step changes
nothing, so both backends share one numbering. See :mod:`kinship.store.pgsearch`.
"""

from __future__ import annotations

from typing import Any

from peewee import PostgresqlDatabase


def up(db: Any, migrator: Any) -> None:
    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql(
        "CREATE TABLE contact_search ("
        " contact_id INTEGER PRIMARY KEY REFERENCES contact (id) ON DELETE CASCADE,"
        " words TSVECTOR NOT NULL)"
    )
    db.execute_sql("CREATE INDEX contact_search_words ON contact_search USING GIN (words)")
    # A store made before this step (by hand, with psycopg installed) gets its index filled.
    from kinship.store import pgsearch, search

    ids = [row[0] for row in db.execute_sql("SELECT id FROM contact ORDER BY id").fetchall()]
    for start in range(0, len(ids), 500):
        docs = search.document(ids[start : start + 500])
        pgsearch.write(db, ((cid, name, body) for cid, (name, body) in docs.items()))
