"""The follow-up engine: snapshots → strategies → ``FollowUp`` rows → the due list.

How it fits together (see ``docs/follow-ups.md``, "How kinship keeps the list current"):

- **Compute.** :func:`recompute_ids` builds snapshots for a chunk of contacts
  (:mod:`kinship.services.snapshots`), asks each strategy that applies to each contact, keeps
  one suggestion per (contact, kind) — the most urgent — and upserts ``FollowUp`` rows
  (``origin`` = the strategy, status ``open``). An unchanged suggestion rewrites nothing; one
  no longer suggested is deleted; one the user already finished or dismissed *for the same
  due date* is not brought back (a later occurrence is). Then ``Contact.next_due_at`` is set.
- **Writes.** Every write that matters calls :func:`kinship.services.due.refresh_due`, which
  recomputes just those contacts in the same transaction (log, done, snooze, dismiss, edits,
  tags, archive, merge, events).
- **Days passing.** A ``Meta`` row remembers the day the rows were last brought up to date.
  :func:`refresh_stale` (run by ``kinship due``/``today`` and :func:`today_groups`) does
  nothing on the same day; on a later day it recomputes only the contacts time can have
  changed (see :func:`refresh_stale`); after a week, or when the strategies or their settings
  changed, everything.
- **Read.** :func:`iter_due` is one indexed query over open ``FollowUp`` rows.

Strategies come from the plugin host (:func:`kinship.plugins.load_host`) or, without one, the
builtins; a strategy that raises is skipped for the rest of the run and recorded in
:attr:`Engine.errors` (the CLI reports it once), the others still run.
"""

from __future__ import annotations

import hashlib
import json
import os
import time as _time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from peewee import fn

from kinship.errors import NotFound, ValidationError
from kinship.records import LIFE_EVENT_KINDS, ContactSnapshot, Strategy, Suggestion
from kinship.services import snapshots
from kinship.services.due import update_next_due
from kinship.services.snapshots import Config
from kinship.store import current
from kinship.store.models import Contact, Event, EventPerson, FollowUp, Meta, utcnow

__all__ = [
    "DONE_AS",
    "DueItem",
    "Engine",
    "RefreshReport",
    "TodayGroup",
    "dismiss",
    "done",
    "due_counts",
    "due_items",
    "engine",
    "iter_due",
    "oneline",
    "recompute_all",
    "recompute_ids",
    "refresh_stale",
    "reset",
    "snooze",
    "today_groups",
    "use",
]

#: Manual follow-ups (``origin = "manual"``) are never touched by the engine.
MANUAL = "manual"
#: A catch-up older than this many days becomes a full recompute.
FULL_AFTER_DAYS = 7
#: Contacts fall into 7 slices (``id % 7``); each day's catch-up also recomputes that day's
#: slice, so strategies whose output moves with the calendar on their own (give-first's
#: windows, third-party rhythms) are seen at least weekly even without a cron job.
SLICES = 7
_META_DAY = "followups.day"
_META_FULL = "followups.full_day"
_META_SIGNATURE = "followups.signature"

#: What ``done`` logs for each kind of suggestion (``--as`` overrides it).
DONE_AS: dict[str, str] = {
    "thank": "thanks",
    "birthday": "congratulation",
    "anniversary": "congratulation",
    "congratulate": "congratulation",
    "condole": "condolence",
    "check-in": "message",
    "offer-help": "help-given",
    "promise": "message",
    "manual": "message",
}
_DONE_SUMMARY: dict[str, str] = {
    "thanks": "Said thanks",
    "congratulation": "Sent congratulations",
    "condolence": "Sent condolences",
    "help-given": "Offered help",
}

MAX_REASON = 500
MAX_KIND = 40


# --------------------------------------------------------------------------- the engine


def _default_strategies() -> list[Strategy]:
    from kinship.builtin.strategies import default_strategies

    return default_strategies()


def _host_strategies() -> list[Strategy]:
    """The plugin host's strategies; the builtins when there is no host (yet) or it fails.

    Loading a host here must not change who hears the services' notifications (that is the
    app's or the CLI's host), so the listener is put back afterwards.
    """
    try:
        from kinship.plugins import load_host
    except ImportError:
        return _default_strategies()
    from kinship.services import _notify

    previous = _notify.listener
    try:
        return list(load_host(no_plugins=bool(os.environ.get("KINSHIP_NO_PLUGINS"))).strategies())
    except Exception:  # a broken plugin manager must not break logging a call
        return _default_strategies()
    finally:
        _notify.listener = previous


def _default_key() -> tuple[Any, ...]:
    """What the default engine depends on: rebuilt when the config file or these change."""
    from kinship.config import config_path

    path = config_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = None
    return (str(path), mtime, os.environ.get("KINSHIP_NO_PLUGINS"))


@dataclass
class Engine:
    """Which strategies run, with which settings, and what went wrong.

    Build one with :func:`use`; :func:`engine` gives the current one (by default the plugin
    host's strategies and the config file's settings).
    """

    strategies: list[Strategy]
    config: Config = field(default_factory=Config)
    #: A fixed "today" (tests); ``None`` means the calendar day of the local clock.
    fixed_today: date | None = None
    #: Strategy name → the first error it raised in this process (reported once).
    errors: dict[str, str] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        seen: dict[str, Strategy] = {}
        for s in self.strategies:
            if s.name not in seen and self.config.enabled(s.name):
                seen[s.name] = s
        self.active = list(seen.values())
        self.names = frozenset(seen)
        payload = {
            "strategies": sorted(self.names),
            "settings": self.config.strategies,
            "tag_cadence": self.config.tag_cadence,
            "tag_strategies": self.config.tag_strategies,
        }
        blob = json.dumps(payload, sort_keys=True, default=str).encode()
        self.signature = hashlib.sha1(blob).hexdigest()[:16]

    def today(self) -> date:
        return self.fixed_today or date.today()

    def for_contact(self, snapshot: ContactSnapshot, tags: Sequence[str]) -> list[Strategy]:
        """The strategies for one person: ``Contact.strategy`` (a comma list) if set, else
        the union of their tags' ``[tags.<name>] strategies``, else every enabled one."""
        wanted: set[str] | None = None
        if snapshot.strategy.strip():
            wanted = {n.strip() for n in snapshot.strategy.split(",") if n.strip()}
        else:
            for tag in tags:
                names = self.config.tag_strategies.get(tag)
                if names is not None:
                    wanted = (wanted or set()) | set(names)
        if wanted is None:
            return self.active
        return [s for s in self.active if s.name in wanted]

    def suggest(
        self, snapshot: ContactSnapshot, strategies: Iterable[Strategy], today: date
    ) -> dict[str, Suggestion]:
        """One suggestion per kind (lowest priority, then earliest due); failures isolated."""
        best: dict[str, Suggestion] = {}
        for strategy in strategies:
            if strategy.name in self.failed:
                continue
            try:
                found = [
                    _checked(s, snapshot, strategy.name) for s in strategy.suggest(snapshot, today)
                ]
            except Exception as exc:
                self.failed.add(strategy.name)
                self.errors.setdefault(strategy.name, f"{type(exc).__name__}: {exc}")
                continue
            for s in found:
                old = best.get(s.kind)
                if old is None or (s.priority, s.due) < (old.priority, old.due):
                    best[s.kind] = s
        return best


def _checked(s: Any, snapshot: ContactSnapshot, name: str) -> Suggestion:
    """A strategy's suggestion, normalised; anything malformed is the strategy's error."""
    if not isinstance(s, Suggestion):
        raise TypeError(f"suggest() yielded {type(s).__name__}, not Suggestion")
    if s.contact_uid != snapshot.uid:
        raise ValueError(f"suggestion for {s.contact_uid!r} while asked about {snapshot.uid!r}")
    due = s.due.date() if isinstance(s.due, datetime) else s.due
    if not isinstance(due, date):
        raise TypeError(f"due must be a date, not {type(s.due).__name__}")
    kind = str(s.kind).strip()
    if not kind or len(kind) > MAX_KIND:
        raise ValueError(f"bad suggestion kind {s.kind!r}")
    priority = (
        s.priority if isinstance(s.priority, int) and not isinstance(s.priority, bool) else 50
    )
    reason = " ".join(str(s.reason).split())[:MAX_REASON]
    return Suggestion(snapshot.uid, kind, due, reason, priority, name)


_engine: Engine | None = None
#: ``None`` when the engine was set with :func:`use`; else the key it was built for.
_engine_key: tuple[Any, ...] | None = None


def use(
    strategies: Iterable[Strategy] | None = None,
    settings: Any = None,
    *,
    today: date | None = None,
) -> Engine:
    """Make the engine the services use: ``strategies`` (default: the plugin host's),
    ``settings`` (a :class:`kinship.config.Settings`; default: the config file) and a fixed
    ``today`` for tests. The CLI and the app call this once with their plugin host."""
    global _engine, _engine_key
    if settings is None:
        from kinship.config import load_settings

        settings = load_settings()
    chosen = list(strategies) if strategies is not None else _host_strategies()
    _engine = Engine(chosen, Config.from_settings(settings), fixed_today=today)
    _engine_key = None
    return _engine


def engine() -> Engine:
    """The current engine: the one given to :func:`use`, else one built (and cached while
    the config file is unchanged) from the plugin host and the config file."""
    global _engine_key
    if _engine is not None and _engine_key is None:
        return _engine
    key = _default_key()
    if _engine is None or key != _engine_key:
        use()
        _engine_key = key
    assert _engine is not None
    return _engine


def reset() -> None:
    """Forget the current engine (tests)."""
    global _engine, _engine_key
    _engine = None
    _engine_key = None


# --------------------------------------------------------------------------- recompute


def _uid(contact_uid: str, kind: str, due: date) -> str:
    return f"followup-{contact_uid}-{kind}-{due.isoformat()}"


def recompute_ids(ids: Sequence[int], *, today: date | None = None, full: bool = False) -> int:
    """Recompute the follow-ups of ``ids`` (chunked); return how many rows changed.

    Joins the caller's transaction if there is one, else one transaction per chunk.
    """
    eng = engine()
    today = today or eng.today()
    ids = sorted(set(ids))
    changed = 0
    for start in range(0, len(ids), snapshots.CHUNK):
        with current().write():
            changed += _recompute_chunk(ids[start : start + snapshots.CHUNK], eng, today, full)
    return changed


def _recompute_chunk(ids: list[int], eng: Engine, today: date, full: bool) -> int:
    built = snapshots.build(ids, today=today, config=eng.config)
    open_rows: dict[int, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    closed: dict[int, set[tuple[str, date]]] = defaultdict(set)
    for row in (
        FollowUp.select(
            FollowUp.id,
            FollowUp.contact,
            FollowUp.kind,
            FollowUp.due,
            FollowUp.status,
            FollowUp.origin,
            FollowUp.reason,
            FollowUp.priority,
            FollowUp.created_at,
        )
        .where(snapshots.id_filter(FollowUp.contact, ids) & (FollowUp.origin != MANUAL))
        .order_by(FollowUp.id)
    ):
        if row.status == "open":
            open_rows[row.contact_id][row.kind].append(row)
        else:
            closed[row.contact_id].add((row.kind, row.due))

    deletes: list[int] = []
    inserts: list[dict[str, Any]] = []
    for cid, snap in built.snapshots.items():
        winners = eng.suggest(snap, eng.for_contact(snap, built.tags.get(cid, [])), today)
        # Rows of strategies that did not run here (not loaded now, or failed) are kept.
        authoritative = eng.names - eng.failed
        mine = open_rows.get(cid, {})
        for kind in set(winners) | set(mine):
            rows = mine.get(kind, [])
            keep = rows[0] if rows else None
            deletes.extend(r.id for r in rows[1:])
            new = winners.get(kind)
            if new is not None and (kind, new.due) in closed[cid]:
                new = None  # done or dismissed for this occurrence
            if keep is not None and keep.origin not in authoritative:
                # From a strategy that did not run here (not loaded now, or failed).
                if full and keep.origin not in eng.names:
                    deletes.append(keep.id)
                    keep = None
                elif new is None or (keep.priority, keep.due) <= (new.priority, new.due):
                    continue
            if new is None:
                if keep is not None:
                    deletes.append(keep.id)
                continue
            if keep is not None:
                if (keep.due, keep.reason, keep.priority, keep.origin) == (
                    new.due,
                    new.reason,
                    new.priority,
                    new.strategy,
                ):
                    continue
                deletes.append(keep.id)
            inserts.append(
                {
                    "contact": cid,
                    "due": new.due,
                    "reason": new.reason,
                    "kind": kind,
                    "origin": new.strategy,
                    "status": "open",
                    "priority": new.priority,
                    "uid": _uid(snap.uid, kind, new.due),
                    "created_at": keep.created_at if keep is not None else utcnow(),
                }
            )
    for start in range(0, len(deletes), 500):
        FollowUp.delete().where(FollowUp.id.in_(deletes[start : start + 500])).execute()
    for start in range(0, len(inserts), 200):
        FollowUp.insert_many(inserts[start : start + 200]).execute()
    update_next_due(ids, built.cadences, today=today)
    return len(deletes) + len(inserts)


@dataclass
class RefreshReport:
    """What :func:`refresh_stale` / :func:`recompute_all` did."""

    mode: str  # "fresh" (nothing to do), "catch-up", "full" or "read-only" (nothing done)
    contacts: int = 0
    changed: int = 0
    seconds: float = 0.0


Progress = Callable[[int, int], None]


def _get_meta(key: str) -> str | None:
    row = Meta.get_or_none(Meta.key == key)
    return row.value if row is not None else None


def _set_meta(values: dict[str, str]) -> None:
    with current().write():
        for key, value in values.items():
            Meta.insert(key=key, value=value).on_conflict(
                conflict_target=[Meta.key], update={Meta.value: value}
            ).execute()


def _run(where: Any, today: date, *, full: bool, progress: Progress | None) -> tuple[int, int]:
    """Recompute the contacts matching ``where`` in id order, a chunk at a time."""
    eng = engine()
    base = Contact.select(Contact.id)
    if where is not None:
        base = base.where(where)
    total = base.count() if progress is not None else 0
    last, seen, changed = 0, 0, 0
    while True:
        chunk = [
            cid
            for (cid,) in base.where(Contact.id > last)
            .order_by(Contact.id)
            .limit(snapshots.CHUNK)
            .tuples()
        ]
        if not chunk:
            break
        with current().write():
            changed += _recompute_chunk(chunk, eng, today, full)
        last = chunk[-1]
        seen += len(chunk)
        if progress is not None:
            progress(seen, total)
    return seen, changed


def recompute_all(today: date | None = None, *, progress: Progress | None = None) -> RefreshReport:
    """Recompute every contact (``kinship due --recompute``), one transaction per chunk."""
    eng = engine()
    today = today or eng.today()
    started = _time.perf_counter()
    seen, changed = _run(None, today, full=True, progress=progress)
    _set_meta(
        {
            _META_DAY: today.isoformat(),
            _META_FULL: today.isoformat(),
            _META_SIGNATURE: eng.signature,
        }
    )
    return RefreshReport("full", seen, changed, _time.perf_counter() - started)


def _month_days(start: date, end: date) -> list[str]:
    """``MM-DD`` of each day from ``start`` to ``end`` (Feb 29 rides along with Feb 28)."""
    out: set[str] = set()
    day = start
    while day <= end and len(out) < 367:
        out.add(day.strftime("%m-%d"))
        if (day.month, day.day) == (2, 28):
            out.add("02-29")
        day += timedelta(days=1)
    return sorted(out)


def _stale_condition(last_day: date, today: date, eng: Engine) -> Any:
    """Contacts whose suggestions time alone may have changed since ``last_day``."""
    horizon = today + timedelta(days=eng.config.max_lead_days() + 1)
    days = _month_days(today - timedelta(days=1), horizon)

    def month_day(column: Any) -> Any:
        return fn.SUBSTR(column, fn.LENGTH(column) - 4, 5).in_(days)

    life = (
        EventPerson.select(EventPerson.contact)
        .join(Event)
        .where(
            Event.kind.in_(list(LIFE_EVENT_KINDS))
            & (
                Event.start
                >= datetime.combine(
                    today - timedelta(days=snapshots.LIFE_EVENT_DAYS), datetime.min.time()
                )
            )
            & (Event.start < datetime.combine(horizon + timedelta(days=1), datetime.min.time()))
        )
    )
    slices = sorted(
        {
            (last_day + timedelta(days=n)).toordinal() % SLICES
            for n in range(1, (today - last_day).days + 1)
        }
    )
    return (Contact.archived == False) & (  # noqa: E712 - peewee expression
        (Contact.next_due_at <= horizon)
        | month_day(Contact.birthday)
        | month_day(Contact.anniversary)
        | Contact.id.in_(life)
        | (Contact.id % SLICES).in_(slices)
    )


def refresh_stale(
    today: date | None = None, *, progress: Progress | None = None, force: bool = False
) -> RefreshReport:
    """Bring the follow-ups up to date for ``today``, doing as little as possible.

    - Same day as the last refresh, same strategies and settings: nothing (one query).
    - A later day, less than a week on: a **catch-up** of the contacts time may have changed —
      ``next_due_at`` within the lead window (a cadence coming due, an open suggestion whose
      reason counts days, a snooze ending), a birthday or anniversary within the lead window,
      a recent or upcoming life event, and the day's slice (``id % 7``) of everyone else.
    - A week or more on, the strategies or their settings changed, or ``force``: everything.

    A read-only store is shown as it was last refreshed (mode ``"read-only"``).
    """
    if current().read_only:
        return RefreshReport("read-only")
    eng = engine()
    today = today or eng.today()
    raw = _get_meta(_META_DAY)
    last_day = date.fromisoformat(raw) if raw else None
    if (
        force
        or last_day is None
        or last_day > today
        or (today - last_day).days >= FULL_AFTER_DAYS
        or _get_meta(_META_SIGNATURE) != eng.signature
    ):
        return recompute_all(today, progress=progress)
    if last_day == today:
        return RefreshReport("fresh")
    started = _time.perf_counter()
    seen, changed = _run(
        _stale_condition(last_day, today, eng), today, full=False, progress=progress
    )
    _set_meta({_META_DAY: today.isoformat()})
    return RefreshReport("catch-up", seen, changed, _time.perf_counter() - started)


# --------------------------------------------------------------------------- reading


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


def _lead(eng: Engine, within: int | None) -> int:
    """``within`` as given, else the longest lead any strategy is set to (at least 7 days),
    so a birthday a strategy announces 10 days ahead is on the list 10 days ahead."""
    return eng.config.max_lead_days() if within is None else within


def _horizon(today: date, within: int) -> date:
    """``today + within`` days; a huge ``within`` means everything (no overflow)."""
    return today + timedelta(days=min(within, (date.max - today).days))


def iter_due(
    today: date | None = None,
    *,
    within: int | None = None,
    kind: str | Iterable[str] | None = None,
    limit: int | None = None,
    by_urgency: bool = False,
) -> Iterator[DueItem]:
    """Open follow-ups due on or before ``today + within`` of active, unsnoozed contacts,
    oldest due first (``by_urgency``: priority first, as Today shows them) — one indexed
    query, streamed. Call :func:`refresh_stale` first."""
    eng = engine()
    today = today or eng.today()
    within = _lead(eng, within)
    if within < 0:
        raise ValidationError("--within must be 0 or more days")
    q = (
        FollowUp.select(
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
        .join(Contact)
        .where(
            (FollowUp.status == "open")
            & (FollowUp.due <= _horizon(today, within))
            & (Contact.archived == False)  # noqa: E712 - peewee expression
            & (Contact.snoozed_until.is_null() | (Contact.snoozed_until <= today))
            & FollowUp.origin.in_(sorted(eng.names | {MANUAL}))
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
        yield DueItem(uid, name, k, _date(due), reason, origin, priority, fid, cid)


def due_counts(today: date | None = None, *, within: int | None = None) -> dict[str, int]:
    """How many open follow-ups of each kind :func:`iter_due` would list (one query)."""
    eng = engine()
    today = today or eng.today()
    q = (
        FollowUp.select(FollowUp.kind, fn.COUNT(FollowUp.id))
        .join(Contact)
        .where(
            (FollowUp.status == "open")
            & (FollowUp.due <= _horizon(today, max(0, _lead(eng, within))))
            & (Contact.archived == False)  # noqa: E712 - peewee expression
            & (Contact.snoozed_until.is_null() | (Contact.snoozed_until <= today))
            & FollowUp.origin.in_(sorted(eng.names | {MANUAL}))
        )
        .group_by(FollowUp.kind)
    )
    return dict(q.tuples())


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
    ("occasions", "Occasions", frozenset({"birthday", "anniversary", "congratulate", "condole"})),
    ("thank", "Thank", frozenset({"thank"})),
    ("offer-help", "Offer help", frozenset({"offer-help"})),
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
    counts = due_counts(today, within=within)
    known = frozenset().union(*(kinds for _, _, kinds in TODAY_GROUPS))
    groups = []
    for key, title, kinds in TODAY_GROUPS:
        wanted = kinds if key != "other" else frozenset(counts) - known
        total = sum(counts.get(k, 0) for k in wanted)
        if not total:
            continue
        items = iter_due(today, within=within, kind=wanted, limit=limit, by_urgency=True)
        groups.append(TodayGroup(key, title, tuple(items), total))
    return groups


_ONELINE = (
    ("check-in", "check-in", "check-ins"),
    ("birthday", "birthday", "birthdays"),
    ("anniversary", "anniversary", "anniversaries"),
    ("congratulate", "congratulation", "congratulations"),
    ("condole", "condolence", "condolences"),
    ("thank", "thanks", "thanks"),
    ("offer-help", "offer", "offers"),
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
    for kind, one, many in _ONELINE:
        n = counts.pop(kind, 0)
        if n:
            parts.append(f"{n} {one if n == 1 else many}")
    other = sum(counts.values())
    if other:
        parts.append(f"{other} other")
    return " · ".join(parts)


# ------------------------------------------------------------------ done / dismiss / snooze


def _contact(uid: str) -> Contact:
    row = Contact.get_or_none(Contact.uid == uid)
    if row is None:
        raise NotFound(f"no contact with UID {uid!r}")
    return row


def _pick(contact: Contact, kind: str | None) -> FollowUp:
    """The one open follow-up of ``contact`` (of ``kind``) that done/dismiss act on."""
    eng = engine()
    q = (
        FollowUp.select()
        .where(
            (FollowUp.contact == contact.id)
            & (FollowUp.status == "open")
            & FollowUp.origin.in_(sorted(eng.names | {MANUAL}))
        )
        .order_by(FollowUp.priority, FollowUp.due, FollowUp.id)
    )
    rows = list(q)
    if kind:
        kind = kind.strip().lower()
        rows = [r for r in rows if r.kind == kind]
        if not rows:
            raise NotFound(f"no open {kind} follow-up for {contact.display_name}")
    if not rows:
        raise NotFound(f"nothing is due for {contact.display_name}")
    kinds = sorted({r.kind for r in rows})
    if len(kinds) > 1:
        raise ValidationError(
            f"{contact.display_name} has {len(rows)} follow-ups ({', '.join(kinds)}); "
            "say which with --kind"
        )
    return rows[0]


@dataclass(frozen=True)
class DoneReport:
    followup: DueItem
    interaction_uid: str
    interaction_kind: str


def done(
    contact_uid: str,
    *,
    kind: str | None = None,
    as_kind: str | None = None,
    summary: str | None = None,
    occurred_at: datetime | None = None,
) -> DoneReport:
    """Mark a follow-up done and log the interaction that satisfies it, in one transaction.

    ``kind`` picks the follow-up when the contact has several; the interaction logged is
    :data:`DONE_AS` of its kind unless ``as_kind`` says otherwise.
    """
    from kinship.services import interactions

    with current().write():
        contact = _contact(contact_uid)
        recompute_ids([contact.id])  # act on what is due now, not on yesterday's rows
        row = _pick(contact, kind)
        logged_kind = interactions.validate_kind(as_kind or DONE_AS.get(row.kind, "message"))
        FollowUp.update(status="done", done_at=utcnow()).where(FollowUp.id == row.id).execute()
        text = (summary or "").strip() or _DONE_SUMMARY.get(logged_kind, "Checked in")
        logged = interactions.log(text, [contact.uid], kind=logged_kind, occurred_at=occurred_at)
        item = DueItem(
            contact.uid,
            contact.display_name,
            row.kind,
            _date(row.due),
            row.reason,
            row.origin,
            row.priority,
            row.id,
        )
    return DoneReport(item, logged.uid, logged_kind)


def dismiss(contact_uid: str, *, kind: str | None = None) -> DueItem:
    """Dismiss a follow-up for this occurrence: the same kind and due date stays dismissed;
    the next occurrence (next birthday, next cadence date …) comes back."""
    from kinship.services import _notify

    with current().write():
        contact = _contact(contact_uid)
        recompute_ids([contact.id])
        row = _pick(contact, kind)
        FollowUp.update(status="dismissed", done_at=utcnow()).where(FollowUp.id == row.id).execute()
        update_next_due([contact.id])
        _notify.contact_changed(contact.id)
    return DueItem(
        contact.uid,
        contact.display_name,
        row.kind,
        _date(row.due),
        row.reason,
        row.origin,
        row.priority,
        row.id,
    )


def snooze(contact_uid: str, until: date | None) -> Contact:
    """Hide a contact's suggestions until ``until`` (they come back that day); ``None``
    ends a snooze."""
    from kinship.services import _notify

    today = engine().today()
    if until is not None and until <= today:
        raise ValidationError(
            f"snooze until a day after today ({today.isoformat()}), not {until.isoformat()}"
        )
    with current().write():
        contact = _contact(contact_uid)
        Contact.update(snoozed_until=until, version=Contact.version + 1, updated_at=utcnow()).where(
            Contact.id == contact.id
        ).execute()
        recompute_ids([contact.id])
        _notify.contact_changed(contact.id)
    return Contact.get_by_id(contact.id)
