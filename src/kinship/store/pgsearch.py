"""Full-text search on PostgreSQL, with the semantics of the SQLite FTS5 index.

FTS5 (unicode61, ``remove_diacritics 2``) splits text into runs of letters and digits,
lower-cases them and drops accents; a query matches when every word is a prefix of some
token. Here Python does that same folding, for the documents and for the queries alike, and
PostgreSQL keeps the tokens as a ``tsvector`` (``array_to_tsvector``: taken as they are, no
parser, no dictionary, no stemming, whatever the server's locale) with a GIN index that
answers ``'word':*`` prefix queries. No extension is needed, so a database owner without
superuser rights can run kinship. ``muller`` finds "Müller", ``o`` finds "Øyvind" only as
FTS5 does (ø has no decomposition).

The table is created by migration 0003 and rewritten in the same transaction as the write
that changed a contact's text (:func:`kinship.store.search.reindex`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from peewee import SQL

TABLE = "contact_search"
#: PostgreSQL refuses lexemes over 2047 bytes and tsvectors over 1 MiB: a longer run of
#: letters (a pasted key, base64) is cut, and a huge document keeps its first words.
_MAX_TOKEN = 200
_MAX_DOC_BYTES = 900_000
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case without diacritics (FTS5's unicode61 with remove_diacritics 2)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def tokens(text: str) -> list[str]:
    """The words of ``text`` as the index keeps them, in order."""
    return [w[:_MAX_TOKEN] for w in _WORD.findall(fold(text))]


def lexemes(*texts: str) -> list[str]:
    """The distinct tokens of a document, sorted, within PostgreSQL's tsvector limit."""
    out: list[str] = []
    size = 0
    for word in sorted({w for t in texts for w in tokens(t)}):
        size += len(word.encode()) + 8
        if size > _MAX_DOC_BYTES:
            break
        out.append(word)
    return out


def query(text: str) -> str | None:
    """A ``tsquery`` in which every word of ``text`` must match as a prefix."""
    words = tokens(text)
    if not words:
        return None
    # Tokens are letters and digits only: nothing to quote inside the quotes.
    return " & ".join(f"'{w}':*" for w in words)


def write(db: Any, docs: Iterable[tuple[int, str, str]]) -> None:
    """Insert index rows (the old rows of these contacts are already deleted)."""
    ids: list[int] = []
    words: list[str] = []
    for cid, name, body in docs:
        ids.append(cid)
        words.append(" ".join(lexemes(name, body)))  # tokens hold no spaces
    if ids:
        # One statement for the batch: several times faster than executemany.
        db.execute_sql(
            f"INSERT INTO {TABLE} (contact_id, words)"
            " SELECT id, array_to_tsvector(string_to_array(w, ' '))"
            " FROM unnest(%s::int[], %s::text[]) AS u (id, w)",
            (ids, words),
        )


def delete(db: Any, contact_ids: Sequence[int]) -> None:
    db.execute_sql(f"DELETE FROM {TABLE} WHERE contact_id = ANY(%s)", (list(contact_ids),))


def matching_ids(text: str) -> Any:
    """A subquery of the contact ids whose text matches ``text`` (None: no words)."""
    q = query(text)
    if q is None:
        return None
    return SQL(f"(SELECT contact_id FROM {TABLE} WHERE words @@ %s::tsquery)", [q])
