"""0002: indexes for the contact list's pages (archived + name, archived + due date)."""

from __future__ import annotations

from typing import Any

from playhouse.migrate import migrate


def up(db: Any, migrator: Any) -> None:
    migrate(
        migrator.add_index("contact", ("archived", "sort_name"), False),
        migrator.add_index("contact", ("archived", "next_due_at"), False),
    )
