"""0005: import runs, and recurring events with edited occurrences.

- ``import_run`` and ``import_run_change``: an import commits batch by batch under a run
  record that says what it created and what it changed (with before-images), so a killed
  import is reported and can be undone as a whole.
- ``event.recurrence_id``: a series and its edited occurrences share a UID; the unique key
  becomes (uid, recurrence_id), "" for the series or a plain event.

Plain ``playhouse.migrate`` operations and frozen models (as in 0001), so it runs the same on
SQLite and PostgreSQL and later changes to ``models.py`` cannot change what it does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from peewee import (
    CharField,
    DatabaseProxy,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)
from playhouse.migrate import migrate

database = DatabaseProxy()


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class ImportRun(BaseModel):
    started_at = DateTimeField(default=utcnow)
    finished_at = DateTimeField(null=True)
    last_batch_at = DateTimeField(null=True)
    path = TextField()
    format = CharField()
    state = CharField(default="running", index=True)
    pid = IntegerField(null=True)
    host = CharField(default="")
    items = IntegerField(default=0)
    created = IntegerField(default=0)
    updated = IntegerField(default=0)
    unchanged = IntegerField(default=0)
    skipped = IntegerField(default=0)
    message = TextField(default="")


class ImportRunChange(BaseModel):
    run = ForeignKeyField(ImportRun, backref="changes", on_delete="CASCADE", index=False)
    table_name = CharField()
    row_id = IntegerField()
    before = TextField(null=True)
    changed_at = DateTimeField()

    class Meta:
        indexes = ((("run", "table_name", "row_id"), True),)


def up(db: Any, migrator: Any) -> None:
    database.initialize(db)
    db.create_tables([ImportRun, ImportRunChange])
    migrate(
        migrator.drop_index("event", "event_uid"),
        migrator.add_column("event", "recurrence_id", CharField(default="")),
        migrator.add_index("event", ("uid", "recurrence_id"), True),
    )
