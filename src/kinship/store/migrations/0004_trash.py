"""0004: the ``trash`` table: deleted notes and interactions, kept for ``kinship undo``.

The model is copied here, as in 0001, so later changes to ``models.py`` cannot change what
this step creates.
"""

from __future__ import annotations

from datetime import UTC, datetime

from peewee import CharField, Database, DatabaseProxy, DateTimeField, Model, TextField

database = DatabaseProxy()


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Trash(Model):
    kind = CharField()
    what = TextField()
    payload = TextField()
    deleted_at = DateTimeField(default=utcnow)

    class Meta:
        database = database
        legacy_table_names = False


def up(db: Database, migrator: object) -> None:
    database.initialize(db)
    db.create_tables([Trash])
