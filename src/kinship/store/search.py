"""Full-text search over contacts.

SQLite: an FTS5 table (unicode61 with diacritics removed, prefix indexes) keyed by contact id,
rewritten by :func:`reindex` inside the same transaction as the write that changed the text.
PostgreSQL: a ``tsvector`` table with the same folding and prefix semantics
(:mod:`kinship.store.pgsearch`). Other backends fall back to case-insensitive LIKE, so
nothing outside ``store/`` changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from peewee import SQL, fn

from kinship.store.models import Contact, ContactField, ContactTag, EmpathyNote, Tag

if TYPE_CHECKING:
    from kinship.store.handle import Store

_FTS_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS contact_fts USING fts5("
    "name, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
)
_TOKEN = re.compile(r"\w+", re.UNICODE)


def prepare(store: Store) -> None:
    if store.is_sqlite and not store.db.table_exists("contact_fts"):
        # Only a new database writes here: opening an existing one must not wait on a
        # writer in another process.
        with store.write():
            store.db.execute_sql(_FTS_DDL)


def _is_sqlite() -> bool:
    from kinship.store.handle import current

    return current().is_sqlite


def document(contact_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """The (name, body) text indexed for each contact, built with one query per table."""
    ids = list(contact_ids)
    docs: dict[int, list[list[str]]] = {}
    for c in Contact.select(
        Contact.id,
        Contact.display_name,
        Contact.given_name,
        Contact.family_name,
        Contact.nickname,
        Contact.organization,
        Contact.title,
        Contact.notes,
    ).where(Contact.id.in_(ids)):
        docs[c.id] = [
            [c.display_name, c.given_name, c.family_name, c.nickname],
            [c.organization, c.title, c.notes],
        ]
    for f in ContactField.select(ContactField.contact, ContactField.value).where(
        ContactField.contact.in_(ids)
    ):
        docs[f.contact_id][1].append(f.value)
    for link in (
        ContactTag.select(ContactTag.contact, Tag.name)
        .join(Tag)
        .where(ContactTag.contact.in_(ids))
        .objects()
    ):
        docs[link.contact_id][1].append(link.name)
    for note in EmpathyNote.select(EmpathyNote.contact, EmpathyNote.body).where(
        EmpathyNote.contact.in_(ids)
    ):
        docs[note.contact_id][1].append(note.body)
    return {
        cid: (" ".join(filter(None, n)), " ".join(filter(None, b))) for cid, (n, b) in docs.items()
    }


def _is_postgres() -> bool:
    from kinship.store.handle import current

    return current().is_postgres


def reindex(contact_ids: Iterable[int]) -> None:
    """Refresh the index rows of these contacts (call inside the writing transaction)."""
    from kinship.store.handle import current

    ids = list(set(contact_ids))
    if not ids:
        return
    db = current().db
    if not _is_sqlite():
        if _is_postgres():
            from kinship.store import pgsearch

            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                pgsearch.delete(db, chunk)
                pgsearch.write(db, ((cid, n, b) for cid, (n, b) in document(chunk).items()))
        return
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        db.execute_sql(f"DELETE FROM contact_fts WHERE rowid IN ({marks})", chunk)
        rows = [(cid, n, b) for cid, (n, b) in document(chunk).items()]
        if rows:
            db.cursor().executemany(
                "INSERT INTO contact_fts (rowid, name, body) VALUES (?, ?, ?)", rows
            )


def clear() -> None:
    """Empty the index (call inside the writing transaction that empties the contacts)."""
    from kinship.store.handle import current

    store = current()
    if store.is_sqlite:
        store.db.execute_sql("DELETE FROM contact_fts")
    elif store.is_postgres:
        store.db.execute_sql("DELETE FROM contact_search")


def forget(contact_ids: Iterable[int]) -> None:
    from kinship.store.handle import current

    ids = list(contact_ids)
    if not _is_sqlite():
        if _is_postgres():
            from kinship.store import pgsearch

            pgsearch.delete(current().db, ids)
        return
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        current().db.execute_sql(
            f"DELETE FROM contact_fts WHERE rowid IN ({','.join('?' * len(chunk))})", chunk
        )


def fts_expression(text: str) -> str | None:
    """Turn free text into an FTS5 query: every word must match as a prefix."""
    words = _TOKEN.findall(text)
    if not words:
        return None
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


def words(text: str) -> list[str]:
    """The words of ``text`` as the index keeps them: lower case, accents removed, runs of
    letters and digits (FTS5's unicode61 with ``remove_diacritics 2``; the same folding
    :mod:`kinship.store.pgsearch` writes on PostgreSQL)."""
    from kinship.store.pgsearch import tokens

    return tokens(text)


def any_prefix(prefixes: Iterable[str]) -> Any:
    """A condition on Contact: its indexed text has a word starting with any of
    ``prefixes`` (folded words, as :func:`words` gives them). ``None`` when there are none.

    Used to narrow a search for needs and offers to the people whose text could match
    before their notes are read.
    """
    wanted = sorted({p for p in prefixes if p})
    if not wanted:
        return None
    if _is_sqlite():
        expr = " OR ".join('"' + p.replace('"', '""') + '"*' for p in wanted)
        return Contact.id.in_(
            SQL("(SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?)", [expr])
        )
    if _is_postgres():
        from kinship.store import pgsearch

        query = " | ".join(f"'{w}':*" for p in wanted for w in pgsearch.tokens(p))
        return Contact.id.in_(
            SQL(f"(SELECT contact_id FROM {pgsearch.TABLE} WHERE words @@ %s::tsquery)", [query])
        )
    cond = None
    for p in wanted:
        sub = EmpathyNote.select(EmpathyNote.contact).where(EmpathyNote.body ** f"%{p}%")
        one = Contact.id.in_(sub)
        cond = one if cond is None else cond | one
    return cond


def matching(text: str, *, walk: bool = False) -> Any:
    """A condition on Contact that holds when ``text`` matches its indexed text.

    By default the matches drive the query (best for counting and for rare words). With
    ``walk`` the condition is only a filter, so a page ordered by name walks the name index
    and stops at its LIMIT instead of sorting every match of a one-letter prefix.
    """
    if _is_sqlite():
        expr = fts_expression(text)
        if expr is None:
            return SQL("1 = 1")
        column = (Contact.id + 0) if walk else Contact.id
        return column.in_(SQL("(SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?)", [expr]))
    if _is_postgres():
        from kinship.store import pgsearch

        ids = pgsearch.matching_ids(text)
        return SQL("1 = 1") if ids is None else Contact.id.in_(ids)
    cond = SQL("1 = 1")
    for word in _TOKEN.findall(text):
        like = f"%{word}%"
        sub = ContactField.select(ContactField.contact).where(ContactField.value**like)
        cond = cond & (
            (fn.LOWER(Contact.display_name) ** like)
            | (Contact.nickname**like)
            | (Contact.organization**like)
            | Contact.id.in_(sub)
        )
    return cond
