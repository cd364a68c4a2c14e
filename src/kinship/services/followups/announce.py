"""Telling notifiers what became due: each follow-up once (``kinship due --notify``).

kinship remembers which due follow-ups it has announced (a list of keys in the store's
``Meta`` table, ``followups.announced``) so that notifier plugins never hear of the same
one twice, and plugins need no database and no state of their own:

- :func:`unannounced` — what is due today or earlier (as ``kinship due --within 0`` lists
  it) and not announced yet, most urgent first;
- :func:`mark_announced` — remember those once every notifier took them. The list is kept
  to what is still due, so it never grows past the due list: a follow-up done, dismissed or
  moved to a later date drops out, and its next occurrence is news again.

A follow-up is the same one while its contact, kind and due date are (its reason may change
as days pass: "last talked 40 days ago" becomes "41 days ago").
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

from kinship.records import FollowUpRecord
from kinship.services.followups.reading import DueItem, iter_due
from kinship.store import current
from kinship.store.models import Meta

__all__ = ["announced_keys", "key", "mark_announced", "records", "unannounced"]

_META = "followups.announced"


def key(item: DueItem) -> str:
    """What identifies one occurrence of a follow-up: contact, kind and due date."""
    return f"{item.contact_uid}|{item.kind}|{item.due.isoformat()}"


def announced_keys() -> set[str]:
    row = Meta.get_or_none(Meta.key == _META)
    if row is None or not row.value:
        return set()
    try:
        keys = json.loads(row.value)
    except ValueError:
        return set()
    return {k for k in keys if isinstance(k, str)} if isinstance(keys, list) else set()


def unannounced(today: date | None = None) -> list[DueItem]:
    """What is due by ``today`` and no notifier has been told of, most urgent first."""
    sent = announced_keys()
    return [i for i in iter_due(today, within=0, by_urgency=True) if key(i) not in sent]


def mark_announced(items: Iterable[DueItem], today: date | None = None) -> None:
    """Remember ``items`` as announced (and forget what is no longer due)."""
    with current().write():
        due_now = {key(i) for i in iter_due(today, within=0)}
        keys = sorted((announced_keys() & due_now) | {key(i) for i in items})
        value = json.dumps(keys)
        Meta.insert(key=_META, value=value).on_conflict(
            conflict_target=[Meta.key], update={Meta.value: value}
        ).execute()


def records(items: Iterable[DueItem]) -> list[FollowUpRecord]:
    """The due items as the records notifiers receive."""
    return [
        FollowUpRecord(
            contact_uid=i.contact_uid,
            due=i.due,
            reason=i.reason,
            kind=i.kind,
            origin=i.strategy,
            status="open",
            uid=f"followup-{i.contact_uid}-{i.kind}-{i.due.isoformat()}",
            contact_name=i.display_name,
            priority=i.priority,
        )
        for i in items
    ]
