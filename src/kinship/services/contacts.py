"""Contacts: create, update (optimistic lock), archive, merge, tags, fields, relationships.

Every public function is one transaction. Names are resolved exact → unique prefix → search.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from peewee import fn

from kinship import validation
from kinship.errors import Ambiguous, Conflict, NotFound, ValidationError
from kinship.records import RELATIONSHIP_KINDS, ContactRecord, FieldRecord, PartialDate
from kinship.services import _notify
from kinship.services.convert import records as records
from kinship.services.convert import stored_json
from kinship.services.convert import to_record as to_record
from kinship.services.followups.compute import refresh_due
from kinship.store import current, queries, search
from kinship.store.models import (
    Capture,
    Contact,
    ContactField,
    ContactTag,
    EmpathyNote,
    EventPerson,
    FollowUp,
    Introduction,
    Participant,
    Relationship,
    Tag,
    utcnow,
)

#: Scalar attributes a user may change; ``edit``/forms validate against this list.
EDITABLE = (
    "display_name",
    "given_name",
    "family_name",
    "nickname",
    "organization",
    "title",
    "birthday",
    "anniversary",
    "met_how",
    "met_on",
    "cadence_days",
    "strategy",
    "notes",
)
MAX_NAME = validation.MAX_NAME
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


# --- normalisation and validation ---------------------------------------------------------


def normalize_email(value: str) -> str:
    return value.strip().casefold()


def normalize_phone(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    return ("+" + digits) if value.strip().startswith("+") else digits


def normalize(kind: str, value: str) -> str:
    if kind == "email":
        return normalize_email(value)
    if kind == "phone":
        return normalize_phone(value)
    return value.strip().casefold()[:255]


def _typed(key: str, value: Any, label: str = "") -> Any:
    """``value`` checked as the border checks a ``ContactRecord``'s ``key`` (type, length)."""
    return validation.check_value(ContactRecord, key, value, label=label)


def validate_field(kind: str, value: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{kind}: expected text, got {type(value).__name__}")
    value = value.strip()
    if not value:
        raise ValidationError(f"empty {kind}")
    if kind == "email" and not _EMAIL.match(value):
        raise ValidationError(f"not an email address: {value!r}")
    if kind == "phone" and sum(ch.isdigit() for ch in value) < 3:
        raise ValidationError(f"not a phone number: {value!r}")
    return value


def validate_name(name: str) -> str:
    if not isinstance(name, str):
        raise ValidationError(f"a contact's name must be text, not {type(name).__name__}")
    name = name.strip()
    if not name:
        raise ValidationError("a contact needs a name")
    if len(name) > MAX_NAME:
        raise ValidationError(f"name too long ({len(name)} characters, at most {MAX_NAME})")
    return str(_typed("display_name", name, "name"))


def validate_cadence(days: int | None) -> int | None:
    if days is None:
        return None
    if isinstance(days, bool) or not isinstance(days, int | str):
        raise ValidationError(f"cadence must be a number of days, not {type(days).__name__}")
    try:
        int(days)
    except ValueError:
        raise ValidationError(f"cadence must be a number of days, not {days!r}") from None
    if not 1 <= int(days) <= 3650:
        raise ValidationError(f"cadence must be 1 to 3650 days, not {days}")
    return int(days)


def validate_tag(name: str) -> str:
    if not isinstance(name, str):
        raise ValidationError(f"a tag must be text, not {type(name).__name__}")
    name = name.strip()
    if not name or len(name) > 64 or any(ch.isspace() and ch != " " for ch in name):
        raise ValidationError(f"not a tag name: {name!r}")
    return name


def _partial(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, PartialDate):
        return str(_typed("birthday", value))
    if not isinstance(value, str):
        raise ValidationError(
            f"a date must be a PartialDate or text such as 1990-06-05, not {type(value).__name__}"
        )
    from kinship.dates import parse_partial

    return str(parse_partial(value))


def _clean_changes(changes: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in EDITABLE:
            raise ValidationError(f"unknown contact field {key!r}")
        if key == "display_name":
            value = validate_name(value)
        elif key in ("birthday", "anniversary"):
            value = _partial(value)
        elif key == "cadence_days":
            value = validate_cadence(value)
        elif key == "met_on":
            if isinstance(value, str):
                from kinship.dates import parse_date

                value = parse_date(value) if value else None
            value = _typed(key, value, "met on")
        else:
            value = _typed(key, value, key.replace("_", " "))
            value = value.strip() if key not in ("notes", "met_how") else value
        out[key] = value
    return out


# --- lookup -------------------------------------------------------------------------------


def get(uid: str) -> Contact:
    try:
        return Contact.get(Contact.uid == uid)
    except Contact.DoesNotExist:
        raise NotFound(f"no contact with UID {uid!r}") from None


def resolve(name: str, *, include_archived: bool = True) -> Contact:
    """One contact by UID, exact name, unique name prefix, or a unique search match."""
    text = name.strip()
    if not text:
        raise ValidationError("empty contact name")
    base = Contact.select()
    if not include_archived:
        base = base.where(Contact.archived == False)  # noqa: E712
    by_uid = base.where(Contact.uid == text).first()
    if by_uid:
        return by_uid
    folded = text.casefold()
    conds = [
        Contact.sort_name == folded,
        # A range on the indexed column rather than SUBSTR(), so prefixes stay index lookups.
        (Contact.sort_name >= folded) & (Contact.sort_name < folded + "\U0010ffff"),
    ]
    if search.fts_expression(text) is not None:
        conds.append(search.matching(text))
    for cond in conds:
        found = list(base.where(cond).order_by(Contact.sort_name).limit(50))
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            active = [c for c in found if not c.archived]
            if len(active) == 1:
                return active[0]
            raise Ambiguous(text, [(c.uid, c.display_name) for c in found])
    raise NotFound(f"no contact matches {text!r}")


def resolve_many(names: Iterable[str]) -> list[Contact]:
    seen: dict[int, Contact] = {}
    for name in names:
        c = resolve(name)
        seen.setdefault(c.id, c)
    return list(seen.values())


# --- records ------------------------------------------------------------------------------


# --- writes -------------------------------------------------------------------------------


def _set_fields(
    contact: Contact, kind: str, values: Iterable[FieldRecord | str], *, replace: bool
) -> None:
    existing = {f.normalized: f for f in contact.fields.where(ContactField.kind == kind)}
    if replace:
        ContactField.delete().where(
            (ContactField.contact == contact) & (ContactField.kind == kind)
        ).execute()
        existing = {}
    position = len(existing)
    for item in values:
        rec = item if isinstance(item, FieldRecord) else FieldRecord(kind, item)
        checked = validation.check(rec)
        if checked.record is None or checked.problems:
            raise ValidationError(f"{kind}: {checked.summary()}")
        value = validate_field(kind, rec.value) if kind in ("email", "phone") else rec.value.strip()
        if not value:
            continue
        norm = normalize(kind, value)
        if norm in existing:
            continue
        existing[norm] = ContactField.create(
            contact=contact,
            kind=kind,
            label=rec.label,
            value=value,
            normalized=norm,
            preferred=rec.preferred,
            position=position,
        )
        position += 1


def _ensure_tags(names: Iterable[str]) -> list[Tag]:
    tags = []
    for raw in names:
        name = validate_tag(raw)
        tag = Tag.get_or_none(fn.LOWER(Tag.name) == name.casefold())
        tags.append(tag or Tag.create(name=name))
    return tags


def _link_tags(contact: Contact, names: Iterable[str]) -> None:
    for tag in _ensure_tags(names):
        ContactTag.insert(contact=contact, tag=tag).on_conflict_ignore().execute()


def add(
    display_name: str,
    *,
    emails: Sequence[str | FieldRecord] = (),
    phones: Sequence[str | FieldRecord] = (),
    other_fields: Sequence[FieldRecord] = (),
    tags: Sequence[str] = (),
    uid: str | None = None,
    **attrs: Any,
) -> Contact:
    """Create a contact; ``attrs`` are any of :data:`EDITABLE` (validated)."""
    name = validate_name(display_name)
    if uid is not None:
        uid = _typed("uid", uid, "uid").strip() or None
    values = _clean_changes(attrs)
    extra = values.pop("extra", None)
    store = current()
    with store.write():
        contact = Contact.create(
            uid=uid or str(uuid.uuid4()),
            display_name=name,
            sort_name=name.casefold(),
            extra=json.dumps(extra) if extra else "",
            **values,
        )
        _set_fields(contact, "email", emails, replace=False)
        _set_fields(contact, "phone", phones, replace=False)
        for kind in {f.kind for f in other_fields}:
            _set_fields(contact, kind, [f for f in other_fields if f.kind == kind], replace=False)
        _link_tags(contact, tags)
        search.reindex([contact.id])
        refresh_due([contact.id])
        _notify.contact_changed(contact.id)
    return Contact.get_by_id(contact.id)


def update(
    uid: str,
    expected_version: int | None,
    *,
    emails: Sequence[str | FieldRecord] | None = None,
    phones: Sequence[str | FieldRecord] | None = None,
    tags: Sequence[str] | None = None,
    mark_edited: bool = True,
    **changes: Any,
) -> Contact:
    """Apply ``changes`` if the contact is still at ``expected_version`` (None: no check).

    A stale version raises :class:`Conflict` and changes nothing. Lists given replace.
    """
    values = _clean_changes(changes)
    store = current()
    with store.write():
        contact = get(uid)
        if expected_version is not None and contact.version != expected_version:
            raise Conflict(
                f"{contact.display_name} was changed elsewhere (version {contact.version}, "
                f"you edited version {expected_version}); reload and try again"
            )
        edited = set(stored_json("contact.edited", contact.edited, list))
        for key, value in values.items():
            setattr(contact, key, value)
            if mark_edited:
                edited.add(key)
        if "display_name" in values:
            contact.sort_name = values["display_name"].casefold()
        if emails is not None:
            _set_fields(contact, "email", emails, replace=True)
            edited |= {"emails"} if mark_edited else set()
        if phones is not None:
            _set_fields(contact, "phone", phones, replace=True)
            edited |= {"phones"} if mark_edited else set()
        if tags is not None:
            ContactTag.delete().where(ContactTag.contact == contact).execute()
            _link_tags(contact, tags)
        contact.edited = json.dumps(sorted(edited)) if edited else ""
        contact.version += 1
        contact.updated_at = utcnow()
        rows = (
            Contact.update(
                {k: getattr(contact, k) for k in (*values, "sort_name", "edited", "updated_at")}
                | {"version": contact.version}
            )
            .where((Contact.id == contact.id) & (Contact.version == contact.version - 1))
            .execute()
        )
        if rows != 1:  # pragma: no cover - guarded by the IMMEDIATE lock above
            raise Conflict(f"{contact.display_name} was changed elsewhere; reload and try again")
        search.reindex([contact.id])
        refresh_due([contact.id])
        _notify.contact_changed(contact.id)
    return Contact.get_by_id(contact.id)


def set_archived(uid: str, archived: bool = True) -> Contact:
    with current().write():
        contact = get(uid)
        Contact.update(archived=archived, version=Contact.version + 1, updated_at=utcnow()).where(
            Contact.id == contact.id
        ).execute()
        refresh_due([contact.id])
        _notify.contact_changed(contact.id)
    return Contact.get_by_id(contact.id)


def tag(uid: str, add: Sequence[str] = (), remove: Sequence[str] = ()) -> list[str]:
    with current().write():
        contact = get(uid)
        _link_tags(contact, add)
        if remove:
            folded = [r.strip().casefold() for r in remove]
            ids = [t.id for t in Tag.select().where(fn.LOWER(Tag.name).in_(folded))]
            ContactTag.delete().where(
                (ContactTag.contact == contact) & ContactTag.tag.in_(ids)
            ).execute()
        Contact.update(version=Contact.version + 1, updated_at=utcnow()).where(
            Contact.id == contact.id
        ).execute()
        search.reindex([contact.id])
        refresh_due([contact.id])
        _notify.contact_changed(contact.id)
    return queries.tags_by_contact([contact.id])[contact.id]


def set_tag_cadence(name: str, days: int | None) -> Tag:
    days = validate_cadence(days)
    with current().write():
        (tag_row,) = _ensure_tags([name])
        Tag.update(cadence_days=days).where(Tag.id == tag_row.id).execute()
        ids = [
            link.contact_id
            for link in ContactTag.select(ContactTag.contact).where(ContactTag.tag == tag_row)
        ]
        refresh_due(ids)
    return Tag.get_by_id(tag_row.id)


def relate(from_uid: str, to_uid: str, kind: str) -> Relationship:
    kind = kind.strip().lower()
    if kind not in RELATIONSHIP_KINDS:
        raise ValidationError(
            f"unknown relationship {kind!r} (use {', '.join(RELATIONSHIP_KINDS)})"
        )
    with current().write():
        a, b = get(from_uid), get(to_uid)
        if a.id == b.id:
            raise ValidationError("a contact cannot be related to itself")
        Relationship.insert(from_contact=a, to_contact=b, kind=kind).on_conflict_ignore().execute()
        rel = Relationship.get(
            (Relationship.from_contact == a)
            & (Relationship.to_contact == b)
            & (Relationship.kind == kind)
        )
    return rel


def unrelate(from_uid: str, to_uid: str, kind: str | None = None) -> int:
    with current().write():
        a, b = get(from_uid), get(to_uid)
        q = Relationship.delete().where(
            (Relationship.from_contact == a) & (Relationship.to_contact == b)
        )
        if kind:
            q = q.where(Relationship.kind == kind)
        return int(q.execute())


@dataclass
class MergeReport:
    kept: Contact
    moved: dict[str, int]


def merge(keep_uid: str, other_uid: str, *, prefer: dict[str, str] | None = None) -> MergeReport:
    """Fold ``other`` into ``keep``; nothing of either is lost.

    ``prefer`` maps a field of :data:`EDITABLE` to "keep" or "other" (default: keep's value,
    else other's when keep's is empty). Fields, tags, interactions, events, notes, follow-ups
    and relationships all move; duplicates collapse; free-text notes are concatenated.
    """
    prefer = prefer or {}
    with current().write():
        keep, other = get(keep_uid), get(other_uid)
        if keep.id == other.id:
            raise ValidationError("cannot merge a contact with itself")
        moved: dict[str, int] = {}
        for key in EDITABLE:
            mine, theirs = getattr(keep, key), getattr(other, key)
            if key == "notes":
                if theirs and theirs not in (mine or ""):
                    keep.notes = f"{mine}\n\n{theirs}".strip() if mine else theirs
            elif prefer.get(key) == "other" or (
                prefer.get(key) != "keep" and mine in (None, "") and theirs not in (None, "")
            ):
                setattr(keep, key, theirs)
        keep.sort_name = keep.display_name.casefold()
        # Fields: move the ones keep does not already have.
        have = {(f.kind, f.normalized) for f in keep.fields}
        n = 0
        for f in other.fields:
            if (f.kind, f.normalized) in have:
                continue
            ContactField.update(contact=keep).where(ContactField.id == f.id).execute()
            n += 1
        moved["fields"] = n
        moved["tags"] = _repoint(ContactTag, ContactTag.contact, keep, other, ContactTag.tag)
        moved["interactions"] = _repoint(
            Participant, Participant.contact, keep, other, Participant.interaction
        )
        moved["events"] = _repoint(EventPerson, EventPerson.contact, keep, other, EventPerson.event)
        moved["notes"] = (
            EmpathyNote.update(contact=keep).where(EmpathyNote.contact == other).execute()
        )
        moved["followups"] = (
            FollowUp.update(contact=keep).where(FollowUp.contact == other).execute()
        )
        rel = 0
        for r in Relationship.select().where(
            (Relationship.from_contact == other) | (Relationship.to_contact == other)
        ):
            a = keep.id if r.from_contact_id == other.id else r.from_contact_id
            b = keep.id if r.to_contact_id == other.id else r.to_contact_id
            if a != b:
                rel += (
                    Relationship.insert(from_contact=a, to_contact=b, kind=r.kind)
                    .on_conflict_ignore()
                    .execute()
                    and 1
                )
        moved["relationships"] = rel
        # An introduction between the two duplicates makes no sense once they are one.
        Introduction.delete().where(
            ((Introduction.person == keep.id) & (Introduction.to == other.id))
            | ((Introduction.person == other.id) & (Introduction.to == keep.id))
        ).execute()
        moved["introductions"] = (
            Introduction.update(person=keep).where(Introduction.person == other).execute()
            + Introduction.update(to=keep).where(Introduction.to == other).execute()
        )
        moved["captures"] = _repoint(Capture, Capture.contact, keep, other, Capture.event)
        last = [d for d in (keep.last_interaction_at, other.last_interaction_at) if d]
        keep.last_interaction_at = max(last) if last else None
        merged_extra = {
            **stored_json("contact.extra", other.extra, dict),
            **stored_json("contact.extra", keep.extra, dict),
        }
        keep.extra = json.dumps(merged_extra) if merged_extra else ""
        keep.version += 1
        keep.updated_at = utcnow()
        keep.save()
        other_id = other.id
        other.delete_instance()
        search.forget([other_id])
        search.reindex([keep.id])
        refresh_due([keep.id])
        _notify.contact_changed(keep.id)
    return MergeReport(Contact.get_by_id(keep.id), moved)


def _repoint(model: Any, column: Any, keep: Contact, other: Contact, partner: Any) -> int:
    """Move link rows from ``other`` to ``keep``, dropping ones keep already has."""
    have = {
        getattr(row, partner.name + "_id") for row in model.select(partner).where(column == keep)
    }
    moved = 0
    for row in model.select().where(column == other):
        if getattr(row, partner.name + "_id") in have:
            row.delete_instance()
        else:
            model.update({column: keep}).where(model.id == row.id).execute()
            moved += 1
    return moved


def effective_cadence(contact: Contact) -> int | None:
    if contact.cadence_days:
        return int(contact.cadence_days)
    row = (
        Tag.select(fn.MIN(Tag.cadence_days))
        .join(ContactTag)
        .where(ContactTag.contact == contact)
        .scalar()
    )
    return int(row) if row else None


def today() -> date:
    return date.today()
