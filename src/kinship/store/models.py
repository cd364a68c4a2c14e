"""Peewee models: the whole data model of DESIGN §3.

Models bind to :data:`database`, a proxy initialised by :func:`kinship.store.db.open_store`,
so the same models serve SQLite and PostgreSQL. Datetimes are stored as naive UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import peewee
from peewee import (
    BooleanField,
    CharField,
    DatabaseProxy,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from kinship import validation

database = DatabaseProxy()


def _iso(value: Any) -> date | datetime | None:
    """An ISO 8601 date or datetime in forms peewee's own formats miss (``T``, an offset)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text)
    except ValueError:
        return None


class _TolerantDate(peewee.DateField):
    """A date column that reads a value it cannot parse as empty, and says so.

    Peewee hands back the raw text of a date it cannot parse; one such value in an older
    database (or a hand edit) would then break every command that shows or exports the row.
    ``kinship db check`` lists these values.
    """

    def python_value(self, value: Any) -> Any:
        value = super().python_value(value)
        if value is not None and not isinstance(value, date):
            parsed = _iso(value)
            if parsed is not None:
                return parsed.date() if isinstance(parsed, datetime) else parsed
            validation.unreadable(f"{self.model._meta.table_name}.{self.name}", value, "a date")
            return None
        return value


class _TolerantDateTime(peewee.DateTimeField):
    """A datetime column that reads a value it cannot parse as empty (see ``DateField``)."""

    def python_value(self, value: Any) -> Any:
        value = super().python_value(value)
        if value is not None and not isinstance(value, datetime):
            parsed = value if isinstance(value, date) else _iso(value)
            if isinstance(parsed, datetime):
                if parsed.tzinfo is not None:  # the store keeps naive UTC
                    parsed = parsed.astimezone(UTC).replace(tzinfo=None)
                return parsed
            if isinstance(parsed, date):  # a date alone is midnight of that day
                return datetime(parsed.year, parsed.month, parsed.day)
            validation.unreadable(
                f"{self.model._meta.table_name}.{self.name}", value, "a date and time"
            )
            return None
        return value


# Typed as peewee's own fields are (Any: peewee is untyped), so a row's attributes stay Any.
DateField: Any = _TolerantDate
DateTimeField: Any = _TolerantDateTime


def utcnow() -> datetime:
    """Now, as the naive UTC datetime the store keeps."""
    return datetime.now(UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Meta(BaseModel):
    """Key/value facts about the store itself (schema version)."""

    key = CharField(primary_key=True)
    value = TextField()


class Contact(BaseModel):
    uid = CharField(unique=True)
    display_name = CharField()
    #: Case-folded name for sorting and exact/prefix resolution.
    sort_name = CharField(index=True)
    given_name = CharField(default="")
    family_name = CharField(default="")
    nickname = CharField(default="")
    organization = CharField(default="")
    title = CharField(default="")
    #: PartialDate text: ``YYYY-MM-DD`` or ``--MM-DD``.
    birthday = CharField(null=True)
    anniversary = CharField(null=True)
    met_how = TextField(default="")
    met_on = DateField(null=True)
    cadence_days = IntegerField(null=True)
    strategy = CharField(default="")
    snoozed_until = DateField(null=True, index=True)  # migration 0006
    archived = BooleanField(default=False, index=True)
    notes = TextField(default="")
    source = CharField(default="")
    #: JSON object of importer extras (e.g. photo), kept for lossless export.
    extra = TextField(default="")
    #: JSON list of fields the user changed in kinship; imports do not clobber them silently.
    edited = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    #: Optimistic lock: bumped on every update; an update from a stale version is refused.
    version = IntegerField(default=1)
    last_interaction_at = DateTimeField(null=True, index=True)
    next_due_at = DateField(null=True, index=True)
    #: The day the follow-up strategies may next answer differently about this person on
    #: their own (a check-in coming due, a birthday coming up): the daily catch-up asks
    #: again only about these. NULL: not known yet (ask at the next catch-up);
    #: 9999-12-31: only a change to the person changes it.
    recheck_on = DateField(null=True, index=True)

    class Meta:
        # The contact list filters archived and orders by name: SQLite walks this index for
        # a page instead of sorting every row. (An (archived, next_due_at) twin misled the
        # planner into reading every active contact in due order for unrelated filters.)
        indexes = ((("archived", "sort_name"), False),)


class ContactField(BaseModel):
    contact = ForeignKeyField(Contact, backref="fields", on_delete="CASCADE")
    kind = CharField()
    label = CharField(default="")
    value = TextField()
    #: Lower-cased email / digits-only phone, for matching imports and searches.
    normalized = CharField(index=True, default="")
    preferred = BooleanField(default=False)
    position = IntegerField(default=0)

    class Meta:
        indexes = (
            (("contact", "kind", "position"), False),
            # Covers email:/phone: substring filters: a scan of this index, not of the table.
            (("kind", "normalized", "contact"), False),
        )


class Tag(BaseModel):
    name = CharField(unique=True)
    cadence_days = IntegerField(null=True)


class ContactTag(BaseModel):
    contact = ForeignKeyField(Contact, backref="tag_links", on_delete="CASCADE")
    tag = ForeignKeyField(Tag, backref="contact_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("contact", "tag"), True),)


class Relationship(BaseModel):
    from_contact = ForeignKeyField(Contact, backref="relations_out", on_delete="CASCADE")
    to_contact = ForeignKeyField(Contact, backref="relations_in", on_delete="CASCADE")
    kind = CharField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("from_contact", "to_contact", "kind"), True),)


class Event(BaseModel):
    #: Shared by a recurring series and its edited occurrences (see ``recurrence_id``).
    uid = CharField()
    summary = TextField()
    kind = CharField(default="event", index=True)
    #: UTC start for timed events; midnight of the day for all-day events.
    start = DateTimeField(index=True)
    end = DateTimeField(null=True)
    all_day = BooleanField(default=False)
    timezone = CharField(default="")
    location = TextField(default="")
    description = TextField(default="")
    rrule = TextField(default="")
    #: JSON lists of ISO dates/datetimes.
    rdates = TextField(default="")
    exdates = TextField(default="")
    source = CharField(default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    #: "" for an event or a series; for an edited occurrence of a series (iCalendar
    #: ``RECURRENCE-ID``), the start it replaces: ``YYYY-MM-DD`` or a naive UTC
    #: ``YYYY-MM-DDTHH:MM:SS``, with ``;THISANDFUTURE`` when the edit covers the rest.
    recurrence_id = CharField(default="")
    #: The VTIMEZONE text for a ``timezone`` that is not an IANA name ("" otherwise);
    #: after recurrence_id because migration 0008 added it.
    vtimezone = TextField(default="")

    class Meta:
        indexes = ((("uid", "recurrence_id"), True),)


class EventPerson(BaseModel):
    event = ForeignKeyField(Event, backref="people", on_delete="CASCADE")
    contact = ForeignKeyField(Contact, backref="event_links", on_delete="CASCADE")
    role = CharField(default="attendee")

    class Meta:
        indexes = ((("event", "contact"), True), (("contact",), False))


class Interaction(BaseModel):
    uid = CharField(unique=True)
    occurred_at = DateTimeField(index=True)
    kind = CharField(index=True)
    summary = TextField()
    notes = TextField(default="")
    event = ForeignKeyField(Event, null=True, backref="interactions", on_delete="SET NULL")
    source = CharField(default="")
    created_at = DateTimeField(default=utcnow)


class Participant(BaseModel):
    interaction = ForeignKeyField(Interaction, backref="participants", on_delete="CASCADE")
    contact = ForeignKeyField(Contact, backref="participations", on_delete="CASCADE")

    class Meta:
        indexes = ((("interaction", "contact"), True), (("contact", "interaction"), False))


class EmpathyNote(BaseModel):
    contact = ForeignKeyField(Contact, backref="empathy_notes", on_delete="CASCADE")
    kind = CharField(default="general")
    body = TextField()
    pinned = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("contact", "pinned"), False),)


class FollowUp(BaseModel):
    contact = ForeignKeyField(Contact, backref="followups", on_delete="CASCADE")
    due = DateField(index=True)
    reason = TextField(default="")
    kind = CharField(default="manual")
    #: Strategy name, or "manual".
    origin = CharField(default="manual")
    #: open, done, snoozed, dismissed
    status = CharField(default="open", index=True)
    priority = IntegerField(default=50)
    snoozed_until = DateField(null=True)
    done_at = DateTimeField(null=True)
    uid = CharField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("contact", "kind", "status"), False),
            (("status", "due"), False),
            # Migration 0006: one kind's due list in Today's order, and the counts per kind
            # from the index alone.
            (("status", "kind", "priority", "due"), False),
            (("status", "due", "kind", "origin", "contact"), False),
        )


class Trash(BaseModel):
    """A deleted note or interaction, kept so the delete can be undone (``kinship undo``).

    ``payload`` is the JSON of what was deleted; the newest few hundred are kept.
    """

    #: "note" or "interaction".
    kind = CharField()
    #: One line naming what was deleted, for listings.
    what = TextField()
    payload = TextField()
    deleted_at = DateTimeField(default=utcnow)


class ImportRun(BaseModel):
    """One import of one file or folder, committed batch by batch (DESIGN §6).

    ``state`` is ``running``, ``complete``, ``failed`` (stopped by an error and rolled
    back), ``interrupted`` (killed or stopped: what its committed batches wrote is still
    there, see :class:`ImportRunChange`) or ``undone``. A run found ``running`` whose
    process (``pid`` on ``host``) is gone is interrupted.
    """

    started_at = DateTimeField(default=utcnow)
    finished_at = DateTimeField(null=True)
    #: When its last batch committed.
    last_batch_at = DateTimeField(null=True)
    path = TextField()
    format = CharField()
    state = CharField(default="running", index=True)
    pid = IntegerField(null=True)
    host = CharField(default="")
    #: Items read and committed, then what happened to them (sums over resumed passes).
    items = IntegerField(default=0)
    created = IntegerField(default=0)
    updated = IntegerField(default=0)
    unchanged = IntegerField(default=0)
    skipped = IntegerField(default=0)
    message = TextField(default="")


class ImportRunChange(BaseModel):
    """A row an import run created (``before`` is NULL) or changed (``before`` is the JSON
    image of the row, with its fields, tags or people, as it was before the run)."""

    run = ForeignKeyField(ImportRun, backref="changes", on_delete="CASCADE", index=False)
    table_name = CharField()
    row_id = IntegerField()
    before = TextField(null=True)
    #: When the run last wrote the row: a later ``updated_at`` is someone else's edit.
    changed_at = DateTimeField()

    class Meta:
        indexes = ((("run", "table_name", "row_id"), True),)


class Introduction(BaseModel):
    """You introduce ``person`` to ``to`` (``to`` is asked first, double opt-in).

    ``status`` moves proposed → asked → made → followed-up, or to declined; each step's
    time is kept, and ``status_at`` is when the current status was reached.
    """

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
    """Someone met at an event and captured right after it (``kinship capture``)."""

    event = ForeignKeyField(Event, backref="captures", on_delete="CASCADE")
    contact = ForeignKeyField(Contact, backref="captures", on_delete="CASCADE")
    #: What you jotted down to remember them by.
    phrase = TextField(default="")
    captured_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("event", "contact"), True), (("contact",), False))


MODELS: tuple[type[BaseModel], ...] = (
    Meta,
    Contact,
    ContactField,
    Tag,
    ContactTag,
    Relationship,
    Event,
    EventPerson,
    Interaction,
    Participant,
    EmpathyNote,
    FollowUp,
    Trash,
    ImportRun,
    ImportRunChange,
    Introduction,
    Capture,
)
