"""0006: indexes for the Today view at any size.

- ``follow_up (status, kind, priority, due)``: one kind's open follow-ups in the order Today
  shows them (most urgent first), so a screenful is read without sorting every due row;
- ``follow_up (status, due, kind, origin, contact_id)``: the due counts per kind from the
  index alone;
- ``contact (snoozed_until)``: the few snoozed people, whose follow-ups the counts leave out.
"""

from __future__ import annotations

from typing import Any

from playhouse.migrate import migrate


def up(db: Any, migrator: Any) -> None:
    migrate(
        migrator.add_index("follow_up", ("status", "kind", "priority", "due"), False),
        migrator.add_index("follow_up", ("status", "due", "kind", "origin", "contact_id"), False),
        migrator.add_index("contact", ("snoozed_until",), False),
    )
