"""0008: ``event.vtimezone``, the VTIMEZONE definition of a time zone that is not an IANA
name (a calendar's own zone, e.g. ``TZID:Loop``), so an export writes the zone the event had."""

from __future__ import annotations

from typing import Any

from peewee import TextField
from playhouse.migrate import migrate


def up(db: Any, migrator: Any) -> None:
    migrate(migrator.add_column("event", "vtimezone", TextField(default="")))
