"""User-facing errors: each carries a one-line message the CLI and TUI show as is."""

from __future__ import annotations


class KinshipError(Exception):
    """A problem the user can act on; never shown with a traceback."""


class StoreError(KinshipError):
    """The database could not be opened, migrated or written."""


class ValidationError(KinshipError):
    """Input that does not make sense (a wrong date, an unknown kind …)."""


class NotFound(KinshipError):
    """Nothing matches a name, UID or id."""


class Ambiguous(KinshipError):
    """A name matches several contacts; ``candidates`` lists (uid, display name)."""

    def __init__(self, query: str, candidates: list[tuple[str, str]]) -> None:
        self.query = query
        self.candidates = candidates
        names = "; ".join(f"{name} ({uid})" for uid, name in candidates[:8])
        more = f" and {len(candidates) - 8} more" if len(candidates) > 8 else ""
        super().__init__(f"{query!r} matches {len(candidates)} contacts: {names}{more}")


class Conflict(KinshipError):
    """An update was based on a stale version of a contact (optimistic locking)."""
