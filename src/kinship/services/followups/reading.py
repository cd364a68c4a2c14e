"""Reading follow-ups: the due list, its counts, and the Today view's groups.

:func:`iter_due` is one indexed query over open ``FollowUp`` rows (call
:func:`~kinship.services.followups.compute.refresh_stale` first); :func:`today_groups` adds
the grouping the Today view and ``kinship today`` show.
"""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from peewee import JOIN, fn

from kinship.errors import ValidationError
from kinship.services import runtime
from kinship.services.followups.compute import refresh_stale
from kinship.services.followups.engine import Engine, built, engine
from kinship.services.snapshots import Config
from kinship.store import dialect
from kinship.store.models import Contact, FollowUp

__all__ = [
    "TODAY_GROUPS",
    "DueItem",
    "TodayGroup",
    "current_day",
    "due_condition",
    "due_counts",
    "due_date_column",
    "due_items",
    "iter_due",
    "oneline",
    "people_due",
    "today_groups",
]


@dataclass(frozen=True, slots=True)
class DueItem:
    """One line of the due list / Today view."""

    contact_uid: str
    display_name: str
    kind: str
    due: date
    reason: str
    strategy: str
    priority: int
    followup_id: int
    contact_id: int = 0

    @classmethod
    def of(cls, contact: Contact, row: FollowUp) -> DueItem:
        """The item of one stored follow-up of ``contact``."""
        return cls(
            contact.uid,
            contact.display_name,
            row.kind,
            _date(row.due),
            row.reason,
            row.origin,
            row.priority,
            row.id,
            contact.id,
        )

    def to_json(self) -> dict[str, Any]:
        """The stable ``due --json`` shape (DESIGN §7)."""
        return {
            "contact": {"uid": self.contact_uid, "display_name": self.display_name},
            "kind": self.kind,
            "due": self.due.isoformat(),
            "reason": self.reason,
            "strategy": self.strategy,
            "priority": self.priority,
        }


#: A DueItem's columns, in its fields' order (a due query reads its rows as tuples).
_ITEM_COLUMNS = (
    Contact.uid,
    Contact.display_name,
    FollowUp.kind,
    FollowUp.due,
    FollowUp.reason,
    FollowUp.origin,
    FollowUp.priority,
    FollowUp.id,
    Contact.id,
)


def _lead(eng: Engine, within: int | None) -> int:
    """``within`` as given, else the longest lead any strategy is set to (at least 7 days),
    so a birthday a strategy announces 10 days ahead is on the list 10 days ahead."""
    return eng.config.max_lead_days() if within is None else within


def _horizon(today: date, within: int) -> date:
    """``today + within`` days; a huge ``within`` means everything (no overflow)."""
    return today + timedelta(days=min(within, (date.max - today).days))


# --------------------------------------------------------------------------- "due"
#
# The one definition of "due", which the due list, Today, its count in the app's header,
# `is:due` and the contact list's badge all use: a contact is due when it has an open
# follow-up on the due list — due on or before today + the lead window (the longest
# ``lead_days`` any strategy is set to, at least 7 days: what a strategy announces ahead is
# on the list ahead), from a strategy that runs (or made by hand) — and the contact is
# neither archived nor snoozed.
#
# Listing contacts must not load the plugins to learn which strategies run: until the
# engine is built (the app builds it after its first paint, `due` and `today` before they
# list), the rows count that the last refresh left, less those of strategies the settings
# switch off. The refresh drops the rows of strategies that are gone.


def current_day() -> date:
    """The day follow-ups are read for: the bound fixed day (tests), else the local date."""
    return runtime.current().today or date.today()


def _settings_lead(within: int | None) -> int:
    """:func:`_lead` from the settings alone (the same number, no strategies needed)."""
    if within is not None:
        return within
    return Config.from_settings(runtime.current().settings).max_lead_days()


def _listed_origin(column: Any) -> Any:
    """The origins on the due list: the engine's when it is built, else every origin but
    those the settings switch off."""
    eng = built()
    if eng is not None:
        return column.in_(eng.listed)
    config = Config.from_settings(runtime.current().settings)
    off = sorted(name for name in config.strategies if not config.enabled(name))
    return column.not_in(off) if off else column.is_null(False)


def _on_list(today: date, within: int | None) -> Any:
    """Open follow-ups on the due list (a condition over ``FollowUp``)."""
    horizon = _horizon(today, max(0, _settings_lead(within)))
    return (FollowUp.status == "open") & (FollowUp.due <= horizon) & _listed_origin(FollowUp.origin)


def due_condition(today: date | None = None, *, within: int | None = None) -> Any:
    """A condition on ``Contact`` rows: the contact is due (``is:due``; see above)."""
    today = today or current_day()
    listed = FollowUp.select(FollowUp.contact).where(_on_list(today, within))
    return Contact.id.in_(listed) & _shown(today)


def due_date_column(today: date | None = None, *, within: int | None = None) -> Any:
    """A column for ``Contact`` queries: the earliest due date of the contact's follow-ups on
    the due list, NULL when the contact is not due (the contact list's badge)."""
    today = today or current_day()
    inner = FollowUp.alias()
    horizon = _horizon(today, max(0, _settings_lead(within)))
    return (
        inner.select(fn.MIN(inner.due))
        .where(
            (inner.contact == Contact.id)
            # Not indexed: SQLite took the (status, due, …) index and walked every open
            # follow-up for each row; the person's own rows are a handful.
            & (dialect.unindexed_value(inner.status) == "open")
            & (inner.due <= horizon)
            & _listed_origin(inner.origin)
            & _shown(today)
        )
        .alias("due_on_list")
    )


def people_due(today: date | None = None, *, within: int | None = None) -> int:
    """How many people are due: the count ``is:due`` finds and the app's header says.

    As :func:`due_counts` does, two small queries rather than a join over every due row:
    the people with due rows, from ``follow_up`` alone, less the few archived or snoozed.
    """
    today = today or current_day()
    due = _on_list(today, within)
    total = int(FollowUp.select(fn.COUNT(FollowUp.contact.distinct())).where(due).scalar() or 0)
    if not total:
        return 0
    hidden = (
        Contact.select(fn.COUNT(Contact.id))
        .where(
            ((Contact.archived == True) | (Contact.snoozed_until > today))  # noqa: E712
            & fn.EXISTS(FollowUp.select(FollowUp.id).where((FollowUp.contact == Contact.id) & due))
        )
        .scalar()
    )
    return total - int(hidden or 0)


def iter_due(
    today: date | None = None,
    *,
    within: int | None = None,
    kind: str | Iterable[str] | None = None,
    limit: int | None = None,
    by_urgency: bool = False,
    origins: Iterable[str] | None = None,
    exclude_origins: Iterable[str] = (),
) -> Iterator[DueItem]:
    """Open follow-ups due on or before ``today + within`` of active, unsnoozed contacts,
    oldest due first (``by_urgency``: priority first, as Today shows them) — one indexed
    query, streamed. Call :func:`refresh_stale` first. ``origins`` keeps only the rows of
    those strategies, ``exclude_origins`` leaves theirs out (the Today groups they name)."""
    eng = engine()
    today = today or eng.today()
    within = _lead(eng, within)
    if within < 0:
        raise ValidationError("--within must be 0 or more days")
    q = (
        FollowUp.select(*_ITEM_COLUMNS)
        .join(Contact)
        .where(
            (FollowUp.status == "open")
            & (FollowUp.due <= _horizon(today, within))
            & (Contact.archived == False)  # noqa: E712 - peewee expression
            & (Contact.snoozed_until.is_null() | (Contact.snoozed_until <= today))
            & _by_origin(FollowUp.origin.in_(eng.listed), origins, exclude_origins)
        )
    )
    if by_urgency:
        q = q.order_by(FollowUp.priority, FollowUp.due, Contact.sort_name, FollowUp.id)
    else:
        q = q.order_by(FollowUp.due, FollowUp.priority, Contact.sort_name, FollowUp.id)
    if isinstance(kind, str):
        q = q.where(FollowUp.kind == kind.strip().lower())
    elif kind is not None:
        q = q.where(FollowUp.kind.in_(sorted(kind)))
    if limit:
        q = q.limit(limit)
    for uid, name, k, due, reason, origin, priority, fid, cid in q.tuples().iterator():
        if due is None:  # unreadable (reported when read)
            continue
        yield DueItem(uid, name, k, _date(due), reason, origin, priority, fid, cid)


def _by_origin(cond: Any, origins: Iterable[str] | None, exclude: Iterable[str]) -> Any:
    """``cond``, for the rows of ``origins`` only (``None``: any), less those of ``exclude``
    (unchanged when neither is given, so the planned queries stay as they were)."""
    if origins is not None:
        cond &= FollowUp.origin.in_(sorted(origins))
    excluded = sorted(exclude)
    if excluded:
        cond &= FollowUp.origin.not_in(excluded)
    return cond


def _open_due(
    eng: Engine,
    today: date,
    within: int | None,
    origins: Iterable[str] | None = None,
    exclude_origins: Iterable[str] = (),
) -> Any:
    """Open follow-ups due by the horizon, of the strategies that run (not those that failed
    in this run: their suggestions are withdrawn) and manual ones."""
    return (
        (FollowUp.status == "open")
        & (FollowUp.due <= _horizon(today, max(0, _lead(eng, within))))
        & _by_origin(FollowUp.origin.in_(eng.listed), origins, exclude_origins)
    )


def _shown(today: date) -> Any:
    """People whose follow-ups are listed: not archived, not snoozed past ``today``."""
    return (Contact.archived == False) & (  # noqa: E712 - peewee expression
        Contact.snoozed_until.is_null() | (Contact.snoozed_until <= today)
    )


def due_counts(
    today: date | None = None,
    *,
    within: int | None = None,
    origins: Iterable[str] | None = None,
    exclude_origins: Iterable[str] = (),
) -> dict[str, int]:
    """How many open follow-ups of each kind :func:`iter_due` would list.

    Two small queries instead of one join over every due row (at 100k contacts a third of
    them are due): the due rows per kind, counted from an index on ``follow_up`` alone, less
    those of the few archived or snoozed people, found from the contact side.
    """
    eng = engine()
    today = today or eng.today()
    due = _open_due(eng, today, within, origins, exclude_origins)
    counts = dict(
        FollowUp.select(FollowUp.kind, fn.COUNT(FollowUp.id))
        .where(due)
        .group_by(FollowUp.kind)
        .tuples()
    )
    if not counts:
        return {}
    hidden = (
        # CROSS JOIN keeps SQLite's join order: from the hidden people to their rows.
        Contact.select(FollowUp.kind, fn.COUNT(FollowUp.id))
        .join(FollowUp, JOIN.CROSS, on=None)
        .where(
            (FollowUp.contact == Contact.id)
            & ((Contact.archived == True) | (Contact.snoozed_until > today))  # noqa: E712
            & due
        )
        .group_by(FollowUp.kind)
    )
    for kind, n in hidden.tuples():
        counts[kind] = counts.get(kind, 0) - n
    return {kind: n for kind, n in counts.items() if n > 0}


def due_items(
    today: date | None = None,
    *,
    within: int | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> list[DueItem]:
    return list(iter_due(today, within=within, kind=kind, limit=limit))


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


@dataclass(frozen=True, slots=True)
class TodayGroup:
    """One section of the Today view: ``key`` (stable id), ``title``, items most urgent first."""

    key: str
    title: str
    items: tuple[DueItem, ...]
    #: How many are due in this group (more than ``items`` when a limit cut the list).
    total: int = 0


#: The Today view's sections, in order: (key, title, kinds). "other" takes the rest.
TODAY_GROUPS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("check-in", "Check in", frozenset({"check-in"})),
    (
        "occasions",
        "Occasions",
        frozenset({"birthday", "anniversary", "congratulate", "condole", "wish-well"}),
    ),
    ("thank", "Thank", frozenset({"thank"})),
    ("new-people", "New people", frozenset({"nice-to-meet", "first-follow-up"})),
    ("offer-help", "Offer help", frozenset({"offer-help"})),
    (
        "introductions",
        "Introductions",
        frozenset({"intro-ask", "intro-make", "intro-how", "introduce"}),
    ),
    ("other", "Other", frozenset()),
)


def today_groups(
    today: date | None = None,
    *,
    within: int | None = None,
    refresh: bool = True,
    limit: int | None = None,
) -> list[TodayGroup]:
    """The Today view: what is due by ``today + within``, grouped by why.

    Returns the non-empty groups of :data:`TODAY_GROUPS` in that order, each with its items
    sorted most urgent first (priority, then due date, then name) and its ``total``. With
    ``limit``, each group holds at most that many items (one indexed query per group plus
    one count: what a screen shows, fast at 100k contacts). With ``refresh`` (the default)
    the follow-ups are first brought up to date (:func:`refresh_stale`: instant on the same
    day, a catch-up on the first call of a day) — run it in a worker, or call
    ``refresh_stale()`` in one and then ``today_groups(refresh=False)``.
    """
    if refresh:
        refresh_stale(today)
    named = strategy_groups()
    grouped = {name for names in named.values() for name in names}
    counts = due_counts(today, within=within, exclude_origins=grouped)
    known = frozenset().union(*(kinds for _, _, kinds in TODAY_GROUPS))
    groups = []
    for key, title, kinds in TODAY_GROUPS:
        if key == "other":
            # Groups that strategies name come before "Other", in the order of their titles.
            for group_title, names in sorted(named.items(), key=lambda kv: kv[0].casefold()):
                total = sum(due_counts(today, within=within, origins=names).values())
                if not total:
                    continue
                found = iter_due(today, within=within, limit=limit, by_urgency=True, origins=names)
                groups.append(TodayGroup(_group_key(group_title), group_title, tuple(found), total))
        wanted = kinds if key != "other" else frozenset(counts) - known
        total = sum(counts.get(k, 0) for k in wanted)
        if not total:
            continue
        if limit:
            present = sorted(k for k in wanted if counts.get(k))
            items: Iterable[DueItem] = _most_urgent(today, within, present, limit, grouped)
        else:
            items = iter_due(
                today, within=within, kind=wanted, by_urgency=True, exclude_origins=grouped
            )
        groups.append(TodayGroup(key, title, tuple(items), total))
    return groups


def strategy_groups() -> dict[str, set[str]]:
    """Today group title → the running strategies that put their suggestions under it
    (``Strategy.group``); strategies without one are grouped by kind."""
    eng = engine()
    named: dict[str, set[str]] = {}
    by_fold: dict[str, str] = {}
    for strategy in eng.active:
        title = " ".join((getattr(strategy, "group", "") or "").split())
        if not title or strategy.name in eng.failed:
            continue
        # Two strategies naming "Reconnect" and "reconnect" share one group.
        title = by_fold.setdefault(title.casefold(), title)
        named.setdefault(title, set()).add(strategy.name)
    return named


def _group_key(title: str) -> str:
    slug = "-".join("".join(ch if ch.isalnum() else " " for ch in title.casefold()).split())
    return f"strategy:{slug or 'group'}"


def _most_urgent(
    today: date | None,
    within: int | None,
    kinds: Sequence[str],
    limit: int,
    exclude_origins: Iterable[str] = (),
) -> list[DueItem]:
    """The ``limit`` most urgent due items of ``kinds`` (Today's order: priority, due, name).

    One query per kind, each walking the ``(status, kind, priority, due)`` index in that
    order and stopping at ``limit``, then merged: a screenful costs the same with 30 or with
    30,000 due. (The due date is tested on the index row; written unindexed so that SQLite,
    without statistics, does not prefer the ``(status, due)`` index and sort every due row.)
    """
    eng = engine()
    today = today or eng.today()
    horizon = _horizon(today, max(0, _lead(eng, within)))
    names = eng.listed
    runs = []
    for kind in kinds:
        q = (
            FollowUp.select(*_ITEM_COLUMNS, Contact.sort_name)
            .join(Contact)
            .where(
                (FollowUp.status == "open")
                & (FollowUp.kind == kind)
                & (dialect.unindexed_value(FollowUp.due) <= horizon)
                & _by_origin(FollowUp.origin.in_(names), None, exclude_origins)
                & _shown(today)
            )
            .order_by(FollowUp.priority, FollowUp.due, Contact.sort_name, FollowUp.id)
            .limit(limit)
        )
        runs.append(
            [
                (
                    (priority, _date(due), sort_name or "", fid),
                    DueItem(uid, name, k, _date(due), reason, origin, priority, fid, cid),
                )
                for uid, name, k, due, reason, origin, priority, fid, cid, sort_name in q.tuples()
            ]
        )
    merged = heapq.merge(*runs, key=lambda pair: pair[0])
    return [item for _, item in itertools.islice(merged, limit)]


_ONELINE = (
    ("check-in", "check-in", "check-ins"),
    ("birthday", "birthday", "birthdays"),
    ("anniversary", "anniversary", "anniversaries"),
    ("congratulate", "congratulation", "congratulations"),
    ("condole", "condolence", "condolences"),
    ("wish-well", "get-well wish", "get-well wishes"),
    ("thank", "thanks", "thanks"),
    ("offer-help", "offer", "offers"),
    ("nice-to-meet", "new person", "new people"),
    ("first-follow-up", "new person", "new people"),
    ("intro-ask", "introduction", "introductions"),
    ("intro-make", "introduction", "introductions"),
    ("intro-how", "introduction", "introductions"),
    ("introduce", "match", "matches"),
)


def oneline(counts: dict[str, int] | Sequence[TodayGroup]) -> str:
    """``5 due · 2 check-ins · 1 birthday · 2 thanks`` (or ``nothing due``), for MOTD/tmux,
    from :func:`due_counts` (cheap) or from :func:`today_groups`."""
    if not isinstance(counts, dict):
        tally: dict[str, int] = defaultdict(int)
        for group in counts:
            for i in group.items:
                tally[i.kind] += 1
        counts = dict(tally)
    counts = {k: n for k, n in counts.items() if n}
    total = sum(counts.values())
    if not total:
        return "nothing due"
    parts = [f"{total} due"]
    # Kinds that share words ("new people", "introductions") are counted together.
    tally_by_words: dict[tuple[str, str], int] = {}
    for kind, one, many in _ONELINE:
        n = counts.pop(kind, 0)
        if n:
            tally_by_words[(one, many)] = tally_by_words.get((one, many), 0) + n
    for (one, many), n in tally_by_words.items():
        parts.append(f"{n} {one if n == 1 else many}")
    other = sum(counts.values())
    if other:
        parts.append(f"{other} other")
    return " · ".join(parts)
