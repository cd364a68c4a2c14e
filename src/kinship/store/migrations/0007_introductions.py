"""0007: introductions (``kinship intro``) and event captures (``kinship capture``).

The models are copied here, as in 0001, so later changes to ``models.py`` cannot change what
this step creates. Plain ``CREATE TABLE``/``CREATE INDEX`` through peewee: the same on SQLite
and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from peewee import (
    CharField,
    DatabaseProxy,
    DateTimeField,
    ForeignKeyField,
    Model,
    TextField,
)

database = DatabaseProxy()


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Contact(BaseModel):
    """Only the key, for the foreign keys (the table exists already)."""


class Event(BaseModel):
    """Only the key, for the foreign keys (the table exists already)."""


class Introduction(BaseModel):
    person = ForeignKeyField(Contact, backref="introductions_out", on_delete="CASCADE")
    to = ForeignKeyField(Contact, backref="introductions_in", on_delete="CASCADE")
    why = TextField(default="")
    status = CharField(default="proposed", index=True)
    created_at = DateTimeField(default=utcnow)
    asked_at = DateTimeField(null=True)
    made_at = DateTimeField(null=True)
    followed_up_at = DateTimeField(null=True)
    declined_at = DateTimeField(null=True)
    status_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("person", "to"), False), (("to",), False))


class Capture(BaseModel):
    event = ForeignKeyField(Event, backref="captures", on_delete="CASCADE")
    contact = ForeignKeyField(Contact, backref="captures", on_delete="CASCADE")
    phrase = TextField(default="")
    captured_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("event", "contact"), True), (("contact",), False))


def up(db: Any, migrator: Any) -> None:
    database.initialize(db)
    db.create_tables([Introduction, Capture])
