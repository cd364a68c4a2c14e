"""0009: ``contact.recheck_on``, the day the follow-up strategies may next answer differently
about a person on their own, so the daily catch-up asks again only about those people
(an index lookup) instead of everyone near a due date. NULL until the next recompute."""

from __future__ import annotations

from typing import Any

from peewee import DateField
from playhouse.migrate import migrate


def up(db: Any, migrator: Any) -> None:
    migrate(
        migrator.add_column("contact", "recheck_on", DateField(null=True)),
        migrator.add_index("contact", ("recheck_on",), False),
    )
