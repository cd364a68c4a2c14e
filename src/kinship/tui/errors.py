"""Errors from a service or the database, as one line for a toast or a form."""

from __future__ import annotations

__all__ = ["describe_error"]


def describe_error(exc: BaseException) -> str:
    """A one-line message for an error raised by a service or the database."""
    from kinship.errors import KinshipError

    if isinstance(exc, KinshipError):
        return str(exc)
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"database error: {text}" if _is_db_error(exc) else f"{type(exc).__name__}: {text}"


def _is_db_error(exc: BaseException) -> bool:
    import sqlite3

    from peewee import PeeweeException

    return isinstance(exc, PeeweeException | sqlite3.Error)
