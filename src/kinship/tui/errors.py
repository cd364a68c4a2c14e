"""Errors from a service or the database, as one line for a toast or a form.

The wording is :func:`kinship.store.describe_error`'s, the same the CLI prints.
"""

from __future__ import annotations

from kinship.store.handle import describe_error, is_database_error

__all__ = ["describe_error", "is_database_error"]
