"""Computing follow-ups: snapshots → strategies → ``FollowUp`` rows and ``next_due_at``.

How it fits together (see ``docs/follow-ups.md``, "How kinship keeps the list current"):

- **Compute.** :func:`recompute_ids` builds snapshots for a chunk of contacts
  (:mod:`kinship.services.snapshots`), asks each strategy that applies to each contact, keeps
  one suggestion per (contact, kind) — the most urgent — and upserts ``FollowUp`` rows
  (``origin`` = the strategy, status ``open``). An unchanged suggestion rewrites nothing; one
  no longer suggested is deleted; one the user already finished or dismissed *for the same
  due date* is not brought back (a later occurrence is). Then ``Contact.next_due_at`` is set.
- **Writes.** Every write that matters (log, done, snooze, dismiss, edits, tags, archive,
  merge, events) calls :func:`refresh_due`, which recomputes just those contacts in the same
  transaction — so the ``FollowUp`` rows a logged interaction satisfies are closed with it.
- **Days passing.** Each recompute also stores ``Contact.recheck_on``: the first day any of
  the person's strategies may answer differently on its own (``Strategy.changes``: a
  check-in coming due, a birthday coming up; a life event or capture entering or leaving
  the snapshot's window). A ``Meta`` row remembers the day the rows were last brought up to
  date. :func:`refresh_stale` (run by ``kinship due``/``today`` and the Today view) does
  nothing on the same day; on a later day it recomputes only the people whose
  ``recheck_on`` has come (an index lookup) and the week's match; when the strategies or
  their settings changed, everything.

``next_due_at`` is the earliest of: the cadence date (last interaction, or creation, plus the
contact's cadence or the shortest cadence of its tags) and the earliest open follow-up. A
contact snoozed until a day on or after ``today`` is due no earlier than that day, so it wakes
up when the snooze ends. Archived contacts have none. The due list and the daily catch-up are
then index lookups on this column.
"""

from __future__ import annotations

import time as _time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from peewee import fn

from kinship.services import matching, snapshots
from kinship.services.followups.engine import MANUAL, NEVER, Engine, engine
from kinship.store import current, dialect
from kinship.store.models import (
    Contact,
    FollowUp,
    Meta,
    utcnow,
)

__all__ = [
    "SLICES",
    "RefreshReport",
    "recompute_all",
    "recompute_ids",
    "refresh_due",
    "refresh_matches",
    "refresh_stale",
    "update_next_due",
]

#: Contacts fall into 7 slices (``id % 7``): a strategy that does not say when it changes
#: (no ``Strategy.changes``) is asked again about the people it suggested nothing for on
#: their slice's day, weekly, so not everyone on the same day.
SLICES = 7
_META_DAY = "followups.day"
_META_FULL = "followups.full_day"
_META_SIGNATURE = "followups.signature"


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
    return apply_plan(plan_chunk(ids, eng, today, full))


@dataclass
class Plan:
    """What recomputing one chunk writes, worked out from what it read: the rows to delete
    and insert, and the ``next_due_at``/``recheck_on`` values that change. Plain values
    (it is sent between processes: :mod:`~kinship.services.followups.parallel`)."""

    deletes: list[int]
    inserts: list[tuple[Any, ...]]
    next_due: list[tuple[Any, int]]
    recheck: list[tuple[Any, int]]
    #: The strategies whose answers it holds (``names - failed`` when it was computed).
    alive: frozenset[str]
    #: Strategies that failed while it was computed: name → error.
    failed: dict[str, str] = field(default_factory=dict)


def plan_chunk(ids: list[int], eng: Engine, today: date, full: bool) -> Plan:
    """Read one chunk and work out what recomputing it changes (nothing is written)."""
    failed_before = set(eng.failed)
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
        .namedtuples()
    ):
        if row.status == "open":
            open_rows[row.contact][row.kind].append(row)
        else:
            closed[row.contact].add((row.kind, row.due))

    deletes: list[int] = []
    inserts: list[dict[str, Any]] = []
    recheck: dict[int, date] = {}
    for cid, snap in built.snapshots.items():
        mine_strategies = eng.for_contact(snap, built.tags.get(cid, []))
        answered: set[str] = set()
        winners = eng.suggest(snap, mine_strategies, today, answered)
        recheck[cid] = min(
            eng.next_check(snap, mine_strategies, today, answered, _weekly(cid, today)),
            built.changes.get(cid, NEVER),
        )
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
    # What ``next_due_at`` becomes once these rows are written: the open rows' earliest due
    # date, less the deleted ones, with the inserted ones.
    gone = set(deletes)
    open_due: dict[int, date] = {}
    for cid, kinds in open_rows.items():
        for rows in kinds.values():
            for r in rows:
                if r.id not in gone:
                    _earliest(open_due, cid, r.due)
    for row in inserts:
        _earliest(open_due, row["contact"], row["due"])
    manual = FollowUp.select(FollowUp.contact, fn.MIN(FollowUp.due)).where(
        snapshots.id_filter(FollowUp.contact, ids)
        & (FollowUp.origin == MANUAL)
        & (FollowUp.status == "open")
    )
    for cid, due in manual.group_by(FollowUp.contact).tuples():
        _earliest(open_due, cid, due)
    next_due, rechecks = _next_due_plan(ids, built.cadences, today, open_due, recheck)
    return Plan(
        deletes=deletes,
        inserts=[tuple(f.db_value(row[f.name]) for f in _INSERTED) for row in inserts],
        next_due=next_due,
        recheck=rechecks,
        alive=frozenset(eng.names - eng.failed),
        failed={n: eng.errors.get(n, "") for n in eng.failed - failed_before},
    )


def _earliest(found: dict[int, date], cid: int, due: object) -> None:
    day = _as_date(due)
    if day is not None and (cid not in found or day < found[cid]):
        found[cid] = day


def apply_plan(plan: Plan) -> int:
    """Write what :func:`plan_chunk` worked out (in the caller's transaction); return how
    many rows changed."""
    if plan.deletes:
        FollowUp.delete().where(dialect.in_ids(FollowUp.id, plan.deletes)).execute()
    if plan.inserts:
        _executemany(FollowUp.insert_many(plan.inserts[:1], fields=list(_INSERTED)), plan.inserts)
    _write_next_due(plan.next_due, plan.recheck)
    return len(plan.deletes) + len(plan.inserts)


_INSERTED = (
    FollowUp.contact,
    FollowUp.due,
    FollowUp.reason,
    FollowUp.kind,
    FollowUp.origin,
    FollowUp.status,
    FollowUp.priority,
    FollowUp.uid,
    FollowUp.created_at,
)


def _executemany(first: Any, rows: list[tuple[Any, ...]]) -> None:
    """Run the statement ``first`` (a query for one row) once for each of ``rows``."""
    sql, _params = first.sql()
    current().db.cursor().executemany(sql, rows)


def _weekly(cid: int, today: date) -> date:
    """The day after ``today`` in this contact's slice (``id % 7``): when a strategy that
    does not say when it changes is asked again about someone it suggested nothing for."""
    return today + timedelta(days=(cid - today.toordinal() - 1) % SLICES + 1)


# ------------------------------------------------------------------ days passing


@dataclass
class RefreshReport:
    """What :func:`refresh_stale` / :func:`recompute_all` did."""

    #: "fresh" (nothing to do), "catch-up", "full", "unbound" (no strategies were handed
    #: to the services: nothing computed, nothing deleted) or "read-only" (nothing written).
    mode: str
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


#: Contacts per transaction of the daily catch-up: it runs beside the app's writes (in a
#: worker), which wait for the write lock while a chunk is written: about 0.1 s at most.
CATCH_UP_CHUNK = 250
#: The same for a command that waits for its catch-up (``kinship due``): a fifth less work
#: in all, another process's write waiting up to ~0.3 s for one transaction at 100k.
COMMAND_CHUNK = snapshots.CHUNK


def _run(
    where: Any,
    today: date,
    *,
    full: bool,
    progress: Progress | None,
    chunk_size: int = snapshots.CHUNK,
) -> tuple[int, int]:
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
            .limit(chunk_size)
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


def recompute_all(
    today: date | None = None, *, progress: Progress | None = None, workers: int = 1
) -> RefreshReport:
    """Recompute every contact (``kinship due --recompute``), one transaction per chunk.

    ``workers`` > 1 spreads the work over that many processes where it pays
    (:mod:`~kinship.services.followups.parallel`: a big SQLite store); a command that
    waits for it passes :func:`~kinship.services.followups.parallel.auto_workers`."""
    eng = engine()
    if not eng.bound:
        return RefreshReport("unbound")
    today = today or eng.today()
    started = _time.perf_counter()
    done = _run_parallel(today, progress, workers) if workers > 1 else None
    if done is not None:
        seen, changed = done
    else:
        seen, changed = _run(None, today, full=True, progress=progress)
    _set_meta(
        {
            _META_DAY: today.isoformat(),
            _META_FULL: today.isoformat(),
            _META_SIGNATURE: eng.signature,
        }
    )
    return RefreshReport("full", seen, changed, _time.perf_counter() - started)


def _run_parallel(today: date, progress: Progress | None, workers: int) -> tuple[int, int] | None:
    from kinship.services.followups import parallel

    ids = [cid for (cid,) in Contact.select(Contact.id).order_by(Contact.id).tuples()]
    eng = engine()
    chunks = [ids[i : i + snapshots.CHUNK] for i in range(0, len(ids), snapshots.CHUNK)]
    seen = 0

    def step(n: int) -> None:
        nonlocal seen
        seen += n
        if progress is not None:
            progress(seen, len(ids))

    def here(chunk: list[int]) -> int:
        with current().write():
            return _recompute_chunk(chunk, eng, today, True)

    changed = parallel.run(
        chunks,
        eng,
        today,
        full=True,
        workers=workers,
        plan=plan_chunk,
        apply=apply_plan,
        fallback=here,
        progress=step,
    )
    return None if changed is None else (seen, changed)


def _stale_condition(today: date, eng: Engine) -> Any:
    """The contacts whose suggestions may have changed by ``today`` on their own: their
    ``recheck_on`` has come (or is not known), or they are (or hold) the week's match, which
    moves as notes age as well as on Mondays."""
    due = Contact.recheck_on.is_null() | (Contact.recheck_on <= today)
    if snapshots.MATCH_STRATEGY in eng.names:
        picks = set(
            matching.weekly_picks(today, eng.config.strategies.get(snapshots.MATCH_STRATEGY))
        )
        picks |= set(matching.holders())
        if picks:
            due = due | Contact.id.in_(sorted(picks))
    return (Contact.archived == False) & due  # noqa: E712 - peewee expression


def refresh_stale(
    today: date | None = None,
    *,
    progress: Progress | None = None,
    force: bool = False,
    chunk: int = CATCH_UP_CHUNK,
    workers: int = 1,
) -> RefreshReport:
    """Bring the follow-ups up to date for ``today``, doing as little as possible.

    - Same day as the last refresh, same strategies and settings: nothing (one query).
    - A later day: a **catch-up** of the people whose ``recheck_on`` has come (or is not
      known yet), and of the week's match.
    - The strategies or their settings changed, the clock went back, or ``force``:
      everything.

    The catch-up writes ``chunk`` people per transaction (others' writes wait for the lock
    meanwhile): small beside the app, :data:`COMMAND_CHUNK` for a command that waits for it.

    ``workers``: as for :func:`recompute_all`, when everything is recomputed.

    A read-only store is shown as it was last refreshed (mode ``"read-only"``).
    """
    eng = engine()
    if not eng.bound:
        return RefreshReport("unbound")
    if current().read_only:
        return RefreshReport("read-only")
    today = today or eng.today()
    raw = _get_meta(_META_DAY)
    last_day = date.fromisoformat(raw) if raw else None
    if force or last_day is None or last_day > today or _get_meta(_META_SIGNATURE) != eng.signature:
        return recompute_all(today, progress=progress, workers=workers)
    if last_day == today:
        return RefreshReport("fresh")
    started = _time.perf_counter()
    seen, changed = _run(
        _stale_condition(today, eng),
        today,
        full=False,
        progress=progress,
        chunk_size=chunk,
    )
    _set_meta({_META_DAY: today.isoformat()})
    return RefreshReport("catch-up", seen, changed, _time.perf_counter() - started)


# ------------------------------------------------------- after each write, and next_due_at


#: Contacts per ``next_due_at`` update.
CHUNK = 500


def _cadence_due(last: object, created: object, cadence: int | None) -> date | None:
    if not cadence:
        return None
    base = last or created
    if base is None:
        return None
    if isinstance(base, str):
        try:
            base = datetime.fromisoformat(base)
        except ValueError:  # unreadable text (reported where it is read)
            return None
    day = base.date() if isinstance(base, datetime) else base
    if not isinstance(day, date):
        return None
    return day + timedelta(days=cadence)


def refresh_due(contact_ids: Iterable[int], *, recompute: bool = True) -> None:
    """Recompute the follow-ups of ``contact_ids`` and their ``next_due_at``.

    Runs inside the caller's transaction when there is one. ``recompute=False`` only updates
    ``next_due_at`` from the rows already there.
    """
    ids = sorted(set(contact_ids))
    if not ids:
        return
    if recompute:
        recompute_ids(ids)
        return
    for start in range(0, len(ids), CHUNK):
        update_next_due(ids[start : start + CHUNK])


def refresh_matches(contact_ids: Iterable[int]) -> None:
    """After a need, goal or offer note (or an introduction) changed: recompute its people,
    whoever holds the week's match suggestion now, and whoever the match goes to now."""
    ids = set(contact_ids)
    eng = engine()
    if snapshots.MATCH_STRATEGY in eng.names:
        ids |= set(matching.holders())
        ids |= set(
            matching.weekly_picks(eng.today(), eng.config.strategies.get(snapshots.MATCH_STRATEGY))
        )
    refresh_due(ids)


def update_next_due(
    ids: list[int],
    cadences: Mapping[int, int | None] | None = None,
    *,
    today: date | None = None,
) -> int:
    """Set ``next_due_at`` for ``ids`` (one chunk) from the rows there; return how many
    rows changed. ``cadences`` are the effective cadences when the caller has them."""
    if not ids:
        return 0
    if today is None:
        today = engine().today()
    if cadences is None:
        cadences = snapshots.effective_cadences(ids, engine().config)
    open_due = dict(
        FollowUp.select(FollowUp.contact, fn.MIN(FollowUp.due))
        .where(snapshots.id_filter(FollowUp.contact, ids) & (FollowUp.status == "open"))
        .group_by(FollowUp.contact)
        .tuples()
    )
    pairs, _ = _next_due_plan(ids, cadences, today, open_due, None)
    _write_next_due(pairs, [])
    return len(pairs)


def _next_due_plan(
    ids: list[int],
    cadences: Mapping[int, int | None],
    today: date,
    open_due: Mapping[int, object],
    recheck: Mapping[int, date] | None,
) -> tuple[list[tuple[Any, int]], list[tuple[Any, int]]]:
    """The ``(next_due_at, id)`` and ``(recheck_on, id)`` values of ``ids`` that change,
    as stored values: ``open_due`` is each contact's earliest open follow-up, ``recheck``
    (after a recompute) each one's new ``recheck_on``."""
    rows = Contact.select(
        Contact.id,
        Contact.last_interaction_at,
        Contact.created_at,
        Contact.snoozed_until,
        Contact.archived,
        Contact.next_due_at,
        Contact.recheck_on,
    ).where(snapshots.id_filter(Contact.id, ids))
    wanted = set(ids)
    pairs: list[tuple[Any, int]] = []
    days: list[tuple[Any, int]] = []
    # Raw rows (text dates on SQLite): the conversions below take either.
    for c in current().db.execute(rows):
        cid, last, created, snoozed, archived, stored_due, stored_check = c
        if cid not in wanted:
            continue
        due: date | None = None
        if not archived:
            candidates = [
                d
                for d in (
                    _cadence_due(last, created, cadences.get(cid)),
                    _as_date(open_due.get(cid)),
                )
                if d
            ]
            due = min(candidates) if candidates else None
            snoozed = _as_date(snoozed)
            if snoozed is not None and snoozed >= today and (due is None or snoozed > due):
                due = snoozed
        if due != _as_date(stored_due):
            pairs.append((Contact.next_due_at.db_value(due), cid))
        check = recheck.get(cid) if recheck is not None else None
        if check is not None and check != _as_date(stored_check):
            days.append((Contact.recheck_on.db_value(check), cid))
    return pairs, days


def _write_next_due(pairs: list[tuple[Any, int]], days: list[tuple[Any, int]]) -> None:
    # One prepared UPDATE run per changed contact (executemany): no SQL to build per row.
    if pairs:
        _executemany(Contact.update(next_due_at=pairs[0][0]).where(Contact.id == 0), pairs)
    if days:
        _executemany(Contact.update(recheck_on=days[0][0]).where(Contact.id == 0), days)


def _as_date(value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:  # unreadable text: as the model's tolerant date field reads it
        return None
