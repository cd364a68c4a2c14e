"""The contact list: paged rows for the TUI, the ``contacts --json`` objects for the CLI.

SQL filters, sorts and pages (:func:`kinship.store.queries.contacts`); nothing here loads
every contact: the TUI asks for windows of :data:`PAGE` rows, the CLI streams one statement.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from peewee import SQL, ModelSelect

from kinship.dates import from_store
from kinship.records import PartialDate
from kinship.services import followups
from kinship.services.views._common import day
from kinship.store import dialect, queries
from kinship.store.models import Contact, ContactField, ContactTag, Tag
from kinship.validation import unreadable_value

#: Rows per window of the TUI's contact list.
PAGE = 100
#: The sorts a contact list offers, in the order the TUI cycles through them.
SORTS = queries.SORTS


@dataclass(frozen=True, slots=True)
class ContactRow:
    """One line of the contact list."""

    id: int
    uid: str
    name: str
    org: str
    #: When what is due about them was due, if they are due (:mod:`.followups`' one
    #: definition, what ``is:due`` finds); None otherwise.
    due: date | None
    birthday: str | None
    last_at: datetime | None
    archived: bool
    #: A snooze still running (nothing of theirs is due until then).
    snoozed_until: date | None = None


def _row_columns(today: date) -> tuple[Any, ...]:
    return (
        Contact.id,
        Contact.uid,
        Contact.display_name,
        Contact.organization,
        followups.due_date_column(today),
        Contact.birthday,
        Contact.last_interaction_at,
        Contact.archived,
        Contact.snoozed_until,
    )


def _row(values: tuple[Any, ...], today: date) -> ContactRow:
    cid, uid, name, org, due, birthday, last, archived, snoozed = values
    snoozed = day(snoozed) if snoozed is not None else None
    return ContactRow(
        cid,
        uid,
        name,
        org,
        day(due) if due is not None else None,
        birthday,
        last,
        bool(archived),
        snoozed if snoozed is not None and snoozed > today else None,
    )


def contact_page(
    query: str, sort: str, *, archived: bool, offset: int, limit: int, today: date
) -> list[ContactRow]:
    """One window of the contact list: ``LIMIT``/``OFFSET`` on the indexed sort."""
    q = queries.contacts(
        query, sort=sort, include_archived=archived, today=today, due=followups.due_condition
    )
    q = q.select(*_row_columns(today)).limit(limit).offset(offset).tuples()
    return [_row(row, today) for row in q]


def contact_count(query: str, *, archived: bool, today: date) -> int:
    """How many contacts :func:`contact_page` pages through (a plan made for counting)."""
    return queries.count_contacts(
        query, include_archived=archived, today=today, due=followups.due_condition
    )


def search_names(text: str, *, limit: int = 20, today: date | None = None) -> list[ContactRow]:
    """Jump-to-contact for the command palette: SQL search, at most ``limit`` rows."""
    if not text.strip():
        return []
    return contact_page(
        text, "name", archived=False, offset=0, limit=limit, today=today or date.today()
    )


def store_is_empty() -> bool:
    return Contact.select(Contact.id).limit(1).count() == 0


def position_of(uid: str, query: str, sort: str, *, archived: bool, today: date) -> int | None:
    """The row index of a contact in the current list (to jump to it), or None."""
    row = Contact.get_or_none(Contact.uid == uid)
    if row is None:
        return None
    q = queries.contacts(
        query, sort=sort, include_archived=archived, today=today, due=followups.due_condition
    )
    ids = q.select(Contact.id)
    if not q.select(Contact.id).where(Contact.id == row.id).exists():
        return None
    if sort == "name":
        return int(
            ids.where(
                (Contact.sort_name < row.sort_name)
                | ((Contact.sort_name == row.sort_name) & (Contact.id < row.id))
            )
            .order_by()
            .count()
        )
    # Other sorts: window function would do; a bounded scan of ids is fine for jumps.
    for i, (cid,) in enumerate(ids.tuples().iterator()):
        if cid == row.id:
            return i
    return None


# --------------------------------------------------------------------------- edit form


def editable(contact_id: int) -> dict[str, Any] | None:
    """What the contact form loads (the field names of ``contacts.update``), including the
    version it passes back, so a change made elsewhere meanwhile is refused."""
    c = Contact.get_or_none(Contact.id == contact_id)
    if c is None:
        return None
    fields = queries.fields_by_contact([c.id])[c.id]
    return {
        "uid": c.uid,
        "version": c.version,
        "display_name": c.display_name,
        "organization": c.organization,
        "title": c.title,
        "emails": [f.value for f in fields if f.kind == "email"],
        "phones": [f.value for f in fields if f.kind == "phone"],
        "tags": queries.tags_by_contact([c.id])[c.id],
        "birthday": c.birthday or "",
        "cadence_days": c.cadence_days,
        "strategy": c.strategy,
        "notes": c.notes,
        "nickname": c.nickname,
        "met_how": c.met_how,
    }


# --------------------------------------------------------------------------- summaries


@dataclass(frozen=True, slots=True)
class ContactSummary:
    """One contact in a list. ``to_json()`` gives what ``kinship contacts --json`` prints
    for each person — every field but ``due`` and ``snoozed_until``, dates in ISO 8601 — a
    shape scripts rely on. ``birthday`` is ``YYYY-MM-DD`` or, without a year, ``--MM-DD``."""

    uid: str
    display_name: str
    nickname: str
    organization: str
    title: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    tags: tuple[str, ...]
    birthday: str | None
    #: Local time, aware.
    last_interaction_at: datetime | None
    #: The next day something about them is due (None while a snooze is all there is).
    next_due_at: date | None
    archived: bool
    #: When what is due about them was due, if they are due today (``is:due``); else None.
    due: date | None = None
    #: A snooze still running.
    snoozed_until: date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "display_name": self.display_name,
            "nickname": self.nickname,
            "organization": self.organization,
            "title": self.title,
            "emails": list(self.emails),
            "phones": list(self.phones),
            "tags": list(self.tags),
            "birthday": self.birthday,
            "last_interaction_at": (
                self.last_interaction_at.isoformat() if self.last_interaction_at else None
            ),
            "next_due_at": self.next_due_at.isoformat() if self.next_due_at else None,
            "archived": self.archived,
        }


def summaries(
    query: str = "",
    *,
    sort: str = "name",
    include_archived: bool = False,
    limit: int = 0,
    today: date | None = None,
) -> Iterator[ContactSummary]:
    """The contacts a search finds, streamed in one SQL statement (``limit`` 0: all)."""
    today = today or followups.current_day()
    q = queries.contacts(
        query,
        include_archived=include_archived,
        sort=sort,
        today=today,
        due=followups.due_condition,
    )
    if limit:
        q = q.limit(limit)
    return (summary for _, summary in _summaries(q, today))


def summaries_of(contact_ids: Sequence[int], today: date | None = None) -> list[ContactSummary]:
    """:class:`ContactSummary` of these contacts, in the order given."""
    query = Contact.select().where(Contact.id.in_(list(contact_ids)))
    by_id = dict(_summaries(query, today or followups.current_day()))
    return [by_id[cid] for cid in contact_ids]


def _birthday(text: str | None, name: str) -> str | None:
    """A stored birthday as the ISO text ``--json`` promises; one kinship cannot read is
    left out (and reported), never handed on raw to a script."""
    if not text:
        return text
    found = unreadable_value(
        f"birthday of contact {name!r}", text, "a date (YYYY-MM-DD or --MM-DD)", PartialDate.parse
    )
    return str(found) if found is not None else None


def _json_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = json.loads(value) if isinstance(value, str) else value
    return tuple(v for v in items if v is not None)


def _summaries(query: ModelSelect, today: date) -> Iterator[tuple[int, ContactSummary]]:
    """(id, summary) for the rows of ``query``, in one SQL statement.

    Emails, phones and tags come from correlated subqueries, and rows are read as tuples
    from a server-side cursor: no model objects, no ``IN`` lists, nothing held in memory.
    """

    def field_list(kind: str) -> Any:
        f = ContactField.alias()
        inner = (
            f.select(f.value)
            .where((f.contact == Contact.id) & (f.kind == kind))
            .order_by(f.position)
        )
        return ContactField.select(dialect.json_array(SQL("value"))).from_(inner.alias("v"))

    t = Tag.alias()
    link = ContactTag.alias()
    tags = (
        t.select(t.name)
        .join(link, on=(link.tag == t.id))
        .where(link.contact == Contact.id)
        .order_by(t.name)
    )
    tag_list = Tag.select(dialect.json_array(SQL("name"))).from_(tags.alias("tg"))
    rows = query.select(
        Contact.id,
        Contact.uid,
        Contact.display_name,
        Contact.nickname,
        Contact.organization,
        Contact.title,
        field_list("email").alias("emails"),
        field_list("phone").alias("phones"),
        tag_list.alias("tags"),
        Contact.birthday,
        Contact.last_interaction_at,
        Contact.next_due_at,
        Contact.archived,
        followups.due_date_column(today),
        Contact.snoozed_until,
    ).tuples()
    for (
        cid,
        uid,
        name,
        nick,
        org,
        title,
        emails,
        phones,
        tag_text,
        bday,
        last,
        next_due,
        arch,
        due,
        snoozed,
    ) in rows.iterator():
        until = day(snoozed) if snoozed is not None else None
        if until is not None and until <= today:
            until = None
        upcoming = day(next_due) if next_due is not None else None
        if until is not None and upcoming is not None and upcoming <= until:
            upcoming = None  # only the snooze's end: nothing is due
        yield (
            cid,
            ContactSummary(
                uid,
                name,
                nick,
                org,
                title,
                _json_list(emails),
                _json_list(phones),
                _json_list(tag_text),
                _birthday(bday, name),
                from_store(last) if last else None,
                upcoming,
                bool(arch),
                day(due) if due is not None else None,
                until,
            ),
        )
