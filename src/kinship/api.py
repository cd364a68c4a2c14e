"""What plugins may read and write: the API for commands, palette entries and notifiers.

Importers, exporters and strategies never need this: they exchange records with kinship
through their hooks. A plugin's **command** (``kinship_register_commands``), **palette
entry** (``kinship_palette_commands``) or **notifier** (``kinship_followup_done`` …) that
wants to look something up or change it calls these functions, and nothing else of kinship:
``kinship.services``, the models and the database are kinship's own business and change
between versions; this module does not.

- Reads come back as the frozen view records the app and the CLI show
  (`ContactSummary`, `ContactCard`, `InteractionItem`,
  `NoteItem` …) or as `kinship.records` dataclasses.
- Writes go through the same services as ``kinship add``/``log``/``note``: one transaction
  each, follow-ups kept current, plugins notified, and every value checked at the plugin
  border (`kinship.validation`) — a wrong type or an over-long text is a
  `KinshipError` naming the field, and nothing is written.
- People are named as on the command line: a UID, an exact name, a unique prefix or search
  words (``"ada"``). A name that matches several people is an error listing them.

Where to call them:

- **In a command** (``run(args, ctx)``): call ``ctx.open()`` first (it opens the database the
  user chose with ``--db``), then call these functions directly.
- **In a palette entry** (``run(app)`` on the app's UI thread): never call them directly — the
  database has its own thread. Make ``run`` an ``async def`` and ``await call(app, func,
  ...)``: it runs ``func`` on the database thread and gives back its result, and whatever it
  raises is shown as a message, never the end of the app.
- **In a notifier**: call them directly; you are on the thread that made the change, after
  its transaction committed. Keep it quick.

Raise `KinshipError` (``from kinship.api import KinshipError``) for an error the user can
act on: kinship shows it as one line, without a traceback (in a command: exit status 1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from kinship.errors import KinshipError

if TYPE_CHECKING:
    from kinship.records import ContactRecord, FollowUpRecord
    from kinship.services.views import (
        ContactCard,
        ContactSummary,
        EventItem,
        FieldItem,
        FollowUpItem,
        InteractionItem,
        NoteItem,
        RelationItem,
    )

__all__ = [
    "ContactCard",
    "ContactSummary",
    "EventItem",
    "FieldItem",
    "FollowUpItem",
    "InteractionItem",
    "KinshipError",
    "NoteItem",
    "RelationItem",
    "add_contact",
    "add_note",
    "call",
    "config",
    "contact",
    "contact_record",
    "contacts",
    "dismiss",
    "done",
    "due",
    "log",
    "notes",
    "snooze",
    "tag",
    "today",
    "update_contact",
]

T = TypeVar("T")

#: The view records this module returns, importable from here (``kinship.api.ContactCard``).
_VIEW_TYPES = (
    "ContactCard",
    "ContactSummary",
    "EventItem",
    "FieldItem",
    "FollowUpItem",
    "InteractionItem",
    "NoteItem",
    "RelationItem",
)


def __getattr__(name: str) -> Any:
    # The view types live with the services; importing them (and peewee) waits until a
    # plugin asks, so importing kinship.api at plugin load costs nothing.
    if name in _VIEW_TYPES:
        from kinship.services import views

        value = getattr(views, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kinship.api' has no attribute {name!r}")


# --------------------------------------------------------------------------- the store


def _open() -> None:
    """Fail with a message a plugin author can act on when no database is open."""
    from kinship.store import current

    try:
        current()
    except KinshipError:
        raise KinshipError(
            "kinship.api needs an open database: in a command, call ctx.open() first"
        ) from None


def _contact_id(name_or_uid: str) -> int:
    from kinship.services import contacts as service

    _open()
    return int(service.resolve(name_or_uid).id)


# --------------------------------------------------------------------------- reading


def contacts(
    query: str = "",
    *,
    sort: str = "name",
    include_archived: bool = False,
    limit: int = 100,
) -> list[ContactSummary]:
    """People matching ``query`` (search words and field queries as in the app:
    ``tag:mentors``, ``org:acme``, ``is:due``; ``""``: everyone), at most ``limit``.

    **The first 100 only, by default**: a command that means everyone (a count, an export,
    a report) passes ``limit=0``; nothing says a list was cut.

    :param sort: ``"name"``, ``"due"`` (soonest due first) or ``"recent"`` (last talked).
    :param include_archived: archived contacts too.
    :param limit: at most this many (default 100; ``0``: all of them — mind a store of
        100,000).
    """
    from kinship.services import views

    _open()
    return list(views.summaries(query, sort=sort, include_archived=include_archived, limit=limit))


def contact(name_or_uid: str) -> ContactCard:
    """Everything about one person: fields, relationships, recent interactions and events,
    empathy notes, open follow-ups (what ``kinship show`` prints).

    :raises KinshipError: nobody matches, or several people do.
    """
    from kinship.services import views

    found = views.card(_contact_id(name_or_uid))
    if found is None:  # pragma: no cover - resolve found it a moment ago
        raise KinshipError(f"no contact matches {name_or_uid!r}")
    return found


def contact_record(name_or_uid: str) -> ContactRecord:
    """One person as the `kinship.records.ContactRecord` exporters receive: every
    field, tags and ``extra`` (what a plugin may need to write a file or call a service)."""
    from kinship.services import contacts as service

    _open()
    return service.to_record(service.resolve(name_or_uid))


def notes(name_or_uid: str) -> list[NoteItem]:
    """A person's empathy notes: pinned first, newest first."""
    from kinship.services import views

    return list(views.notes(_contact_id(name_or_uid), by_kind=False))


def due(
    *, within: int | None = None, kind: str | None = None, limit: int | None = None
) -> list[FollowUpRecord]:
    """What is due, soonest first, as ``kinship due`` lists it (brought up to date for today
    first, as ``kinship due`` does).

    :param within: days ahead to include (default: the strategies' longest lead, at least 7;
        ``0``: today and overdue).
    :param kind: only this kind of follow-up (``"check-in"``, ``"birthday"`` …).
    :param limit: at most this many.
    """
    from kinship.services import followups
    from kinship.services.followups import announce

    _open()
    followups.refresh_stale()
    return announce.records(followups.iter_due(within=within, kind=kind, limit=limit))


def today() -> date:
    """The day kinship counts as today: the local calendar day, or the day a test fixed
    (the ``kinship_today`` fixture of `kinship.testing`). Use it in commands, palette
    entries and notifiers instead of ``date.today()``, so that your tests can fix the day;
    a strategy is handed ``today`` instead."""
    from kinship.services import followups

    return followups.engine().today()


def config(table: str) -> dict[str, Any]:
    """The ``[table]`` of the user's config file (``{}`` when it has none): where a plugin
    keeps its settings, e.g. ``[notify] urls = [...]`` is ``config("notify")["urls"]``.

    :raises KinshipError: ``[table]`` is there but is not a table.
    """
    from kinship.services import runtime

    settings = runtime.current().settings
    if settings is None:
        from kinship.config import load_settings

        settings = load_settings()
    value = (getattr(settings, "raw", None) or {}).get(table, {})
    if not isinstance(value, dict):
        path = getattr(settings, "path", None) or "the config file"
        raise KinshipError(f"{path}: [{table}] must be a table")
    return dict(value)


# --------------------------------------------------------------------------- writing


def add_contact(
    name: str,
    *,
    emails: Sequence[str] = (),
    phones: Sequence[str] = (),
    tags: Sequence[str] = (),
    uid: str | None = None,
    **fields: Any,
) -> ContactSummary:
    """Add a person, as ``kinship add`` does.

    :param fields: any of ``given_name``, ``family_name``, ``nickname``, ``organization``,
        ``title``, ``birthday`` (a `kinship.records.PartialDate` or ``"1990-06-05"``
        / ``"--06-05"``), ``anniversary``, ``met_how``, ``met_on`` (a date), ``cadence_days``,
        ``strategy``, ``notes``.
    :raises KinshipError: a value does not fit its field (naming it).
    """
    from kinship.services import contacts as service
    from kinship.services import views

    _open()
    row = service.add(name, emails=emails, phones=phones, tags=tags, uid=uid, **fields)
    return views.summaries_of([row.id])[0]


def update_contact(
    name_or_uid: str, *, version: int | None = None, **changes: Any
) -> ContactSummary:
    """Change a person's fields (the ones `add_contact` takes, ``display_name`` too;
    ``emails``, ``phones`` and ``tags`` replace the lists).

    :param version: the ``ContactCard.version`` you read; when someone changed the person
        since, nothing is written and a `KinshipError` says so.
    """
    from kinship.services import contacts as service
    from kinship.services import views

    _open()
    person = service.resolve(name_or_uid)
    lists = {k: changes.pop(k) for k in ("emails", "phones", "tags") if k in changes}
    row = service.update(person.uid, version, **lists, **changes)
    return views.summaries_of([row.id])[0]


def tag(name_or_uid: str, add: Sequence[str] = (), remove: Sequence[str] = ()) -> list[str]:
    """Add and remove tags; returns the person's tags after."""
    from kinship.services import contacts as service

    _open()
    return list(service.tag(service.resolve(name_or_uid).uid, add=add, remove=remove))


def log(
    summary: str,
    people: Sequence[str],
    *,
    kind: str = "meeting",
    when: datetime | None = None,
    notes: str = "",
) -> InteractionItem:
    """Log what happened with one or more people, as ``kinship log`` does: it moves their
    last contact and due dates and may satisfy what was due.

    :param people: names or UIDs, one per person.
    :param kind: one of `kinship.records.INTERACTION_KINDS`.
    :param when: an aware datetime (default: now); not in the future.
    """
    from kinship.services import contacts as service
    from kinship.services import interactions, views

    _open()
    if isinstance(people, str):
        raise KinshipError("people must be a list of names or UIDs, not one string")
    uids = [c.uid for c in service.resolve_many(people)]
    row = interactions.log(summary, uids, kind=kind, occurred_at=when, notes=notes)
    found = views.interaction(row.uid)
    assert found is not None
    return found


def add_note(
    name_or_uid: str, body: str, *, kind: str = "general", pinned: bool = False
) -> NoteItem:
    """Add an empathy note (``kind``: one of `kinship.records.NOTE_KINDS`)."""
    from kinship.services import contacts as service
    from kinship.services import notes as service_notes
    from kinship.services import views

    _open()
    row = service_notes.add(service.resolve(name_or_uid), body, kind=kind, pinned=pinned)
    found = views.note(row.id)
    assert found is not None
    return found


def done(
    name_or_uid: str,
    *,
    kind: str | None = None,
    as_kind: str | None = None,
    summary: str | None = None,
) -> InteractionItem:
    """Mark what is due for a person done and log the interaction that did it (as
    ``kinship done``); returns that interaction.

    :param kind: which follow-up, when they have several.
    :param as_kind: the interaction kind to log (default: what the strategy says).
    """
    from kinship.services import checkin, views
    from kinship.services import contacts as service

    _open()
    report = checkin.done(
        service.resolve(name_or_uid).uid, kind=kind, as_kind=as_kind, summary=summary
    )
    found = views.interaction(report.interaction_uid)
    assert found is not None
    return found


def snooze(name_or_uid: str, until: date | None) -> None:
    """Hide a person's follow-ups until ``until`` (after today); ``None`` ends a snooze."""
    from kinship.services import contacts as service
    from kinship.services import followups

    _open()
    followups.snooze(service.resolve(name_or_uid).uid, until)


def dismiss(name_or_uid: str, *, kind: str | None = None) -> None:
    """Dismiss what is due for a person, for this occurrence (the next one comes back)."""
    from kinship.services import contacts as service
    from kinship.services import followups

    _open()
    followups.dismiss(service.resolve(name_or_uid).uid, kind=kind)


# --------------------------------------------------------------------------- palette entries


async def call(app: Any, func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run ``func(*args, **kwargs)`` on the app's database thread and return its result:
    how a palette entry reads or writes without freezing the screen::

        async def count_mentors(app):
            people = await api.call(app, api.contacts, "tag:mentors", limit=0)
            app.notify(f"{len(people)} mentors")

    Call it from a palette entry whose ``run`` is an ``async def`` (kinship runs it as a
    worker); what ``func`` raises comes back here, and if you let it go, kinship shows it as
    a message naming your entry.
    """
    db = getattr(app, "db", None)
    if db is None:
        raise KinshipError("kinship.api.call needs the running kinship app (run(app)'s app)")
    result: T = await db(func, *args, **kwargs)
    return result
