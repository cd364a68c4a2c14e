"""0002: indexes for the contact list: archived + name (pages), field kind + normalised
value + contact (covering ``email:``/``phone:`` filters)."""

from __future__ import annotations

from typing import Any

from playhouse.migrate import migrate


def up(db: Any, migrator: Any) -> None:
    migrate(
        migrator.add_index("contact", ("archived", "sort_name"), False),
        migrator.add_index("contact_field", ("kind", "normalized", "contact_id"), False),
    )
