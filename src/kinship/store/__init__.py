"""The store: Peewee models over SQLite or PostgreSQL. Only ``kinship.services`` writes it."""

from kinship.store import _drivers  # noqa: F401  (first: peewee without psycopg)
from kinship.store.db import (
    ReadOnlyStore,
    Store,
    close_store,
    current,
    describe_error,
    is_database_error,
    open_store,
)

__all__ = [
    "ReadOnlyStore",
    "Store",
    "close_store",
    "current",
    "describe_error",
    "is_database_error",
    "open_store",
]
