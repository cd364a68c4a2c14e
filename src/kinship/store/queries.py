"""The contact query language and the lookups the services and the views build on.

A contact query is free text plus khard-style field terms::

    ada tag:mentors org:acme email:ada@ phone:555 name:love nick:al is:archived is:due
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from peewee import JOIN, OP, SQL, Expression, ModelSelect, NodeList, Value, fn

from kinship.errors import ValidationError
from kinship.store import dialect, search
from kinship.store.models import Contact, ContactField, ContactTag, Tag

SORTS = ("name", "due", "recent")
FIELDS = ("name", "nick", "org", "title", "email", "phone", "tag", "is")


@dataclass
class ParsedQuery:
    text: str = ""
    terms: list[tuple[str, str]] = field(default_factory=list)


def parse(query: str) -> ParsedQuery:
    try:
        words = shlex.split(query)
    except ValueError:
        words = query.split()
    free: list[str] = []
    terms: list[tuple[str, str]] = []
    for word in words:
        key, sep, value = word.partition(":")
        if sep and key.lower() in FIELDS and value:
            terms.append((key.lower(), value))
        else:
            free.append(word)
    return ParsedQuery(" ".join(free), terms)


def _contains(column: Any, value: str) -> Any:
    """``column`` contains ``value`` (case-insensitive); ``%``, ``_`` and ``\\`` are literal.

    SQLite's LIKE has no escape character unless ``ESCAPE`` names one."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = NodeList((Value(f"%{escaped}%"), SQL("ESCAPE '\\'")))
    return Expression(column, OP.ILIKE, pattern)


#: Builds the ``is:due`` condition on Contact rows (the follow-up service's definition of
#: "due", which the store cannot know: which strategies run, how far ahead they look).
DueCondition = Callable[[date], Any]


def _term(key: str, value: str, today: date, due: DueCondition | None) -> Any:
    low = value.casefold()
    if key == "name":
        return _contains(Contact.sort_name, low) | _contains(Contact.nickname, value)
    if key == "nick":
        return _contains(Contact.nickname, value)
    if key == "org":
        return _contains(Contact.organization, value)
    if key == "title":
        return _contains(Contact.title, value)
    if key in ("email", "phone"):
        norm = low if key == "email" else "".join(ch for ch in value if ch.isdigit()) or low
        sub = ContactField.select(ContactField.contact).where(
            (ContactField.kind == key) & _contains(ContactField.normalized, norm)
        )
        return Contact.id.in_(sub)
    if key == "tag":
        # Tags first (few rows), then the contact_tag index on tag: no scan of every link.
        # Looked up now, so the planner sees the tag's id (PostgreSQL then knows how many
        # contacts carry it) and an unknown tag is no query at all.
        tag_ids = [t.id for t in Tag.select(Tag.id).where(fn.LOWER(Tag.name) == low)]
        if not tag_ids:
            return SQL("1 = 0")
        return Contact.id.in_(
            ContactTag.select(ContactTag.contact).where(ContactTag.tag.in_(tag_ids))
        )
    if key == "is":
        if low == "archived":
            return Contact.archived == True  # noqa: E712 - peewee expression
        if low == "due":
            if due is None:
                raise ValidationError("is:due needs the follow-up service's definition of due")
            return due(today)
        raise ValidationError(f"unknown filter is:{value} (use is:archived or is:due)")
    raise ValidationError(f"unknown field {key}:")  # pragma: no cover - FIELDS guards


def contacts(
    query: str = "",
    *,
    include_archived: bool = False,
    sort: str = "name",
    today: date | None = None,
    for_count: bool = False,
    due: DueCondition | None = None,
) -> ModelSelect:
    """Contacts matching ``query``, sorted, ready for ``.paginate()`` / ``.limit()``.

    ``for_count`` shapes the plan for :func:`count_contacts` rather than for a first page;
    ``due`` builds what ``is:due`` means (:func:`kinship.services.followups.due_condition`).
    """
    if sort not in SORTS:
        raise ValidationError(f"unknown sort {sort!r} (use {', '.join(SORTS)})")
    today = today or date.today()
    parsed = parse(query)
    q = Contact.select()
    wants_archived = any(k == "is" and v.casefold() == "archived" for k, v in parsed.terms)
    if not include_archived and not wants_archived:
        if parsed.text or parsed.terms:
            # "+ 0" keeps SQLite off the (archived, sort_name) index when another filter is
            # there: walking every active contact in name order to test a LIKE is slower
            # than the filter's own plan (FTS rowids, a tag lookup, or one table scan).
            q = q.where(dialect.unindexed(Contact.archived) == False)  # noqa: E712
        else:
            q = q.where(Contact.archived == False)  # noqa: E712
    if parsed.text:
        q = q.where(search.matching(parsed.text, walk=sort == "name" and not for_count))
    for key, value in parsed.terms:
        q = q.where(_term(key, value, today, due))
    if sort == "due":
        q = q.order_by(SQL("next_due_at IS NULL"), Contact.next_due_at, Contact.sort_name)
    elif sort == "recent":
        q = q.order_by(
            SQL("last_interaction_at IS NULL"),
            Contact.last_interaction_at.desc(),
            Contact.sort_name,
        )
    else:
        q = q.order_by(Contact.sort_name, Contact.id)
    return q


def tags_by_contact(contact_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {cid: [] for cid in contact_ids}
    rows = (
        ContactTag.select(ContactTag.contact, Tag.name)
        .join(Tag)
        .where(ContactTag.contact.in_(contact_ids))
        .order_by(Tag.name)
        .objects()
    )
    for row in rows:
        out[row.contact_id].append(row.name)
    return out


def fields_by_contact(contact_ids: list[int]) -> dict[int, list[ContactField]]:
    out: dict[int, list[ContactField]] = {cid: [] for cid in contact_ids}
    for f in (
        ContactField.select()
        .where(ContactField.contact.in_(contact_ids))
        .order_by(ContactField.contact, ContactField.kind, ContactField.position)
    ):
        out[f.contact_id].append(f)
    return out


def count(query: ModelSelect) -> int:
    return query.order_by().count()


def count_contacts(
    query: str = "",
    *,
    include_archived: bool = False,
    today: date | None = None,
    due: DueCondition | None = None,
) -> int:
    """How many contacts :func:`contacts` would list, with a plan made for counting."""
    return count(
        contacts(query, include_archived=include_archived, today=today, for_count=True, due=due)
    )


__all__ = ["JOIN", "contacts", "count", "fields_by_contact", "parse", "tags_by_contact"]
