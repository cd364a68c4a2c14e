"""A full recompute spread over worker processes (``kinship due --recompute`` at 100k).

Each worker opens the store read-only and works out chunk plans
(:func:`~kinship.services.followups.compute.plan_chunk`): the snapshots, every strategy's
answers and the rows that change. This process writes the plans in id order, one
transaction per chunk, as the single-process run does.

Why the plans stay right:

- **Chunks are independent.** A chunk's plan reads and writes only its own people's rows
  (the week's match reads no row a recompute writes), so a plan read before earlier chunks
  were written is the plan it would be after.
- **Nobody else wrote meanwhile.** Another process committing while the workers read could
  make a plan stale. Each chunk's transaction checks the store's commit counter
  (:meth:`kinship.store.handle.Store.commit_counter`), which moves only when another
  connection commits; on the first change the workers are dropped and this process
  computes the rest itself, reading inside each chunk's transaction.
- **A strategy that fails in a worker fails here too**, and a plan computed while it still
  ran is computed again here without it.

Used only where it pays and is safe: a SQLite file in WAL mode with at least
:data:`MIN_CONTACTS` people, more than one core, and strategies that can be sent to
another process (module-level functions, as plugins define them). Anything else, and
a worker that cannot start or dies, falls back to one process: same result, slower.
Workers are started fresh (``spawn``), never forked from a process that may run threads.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from kinship.services.followups.engine import Engine
from kinship.store import current

if TYPE_CHECKING:
    from concurrent.futures import Executor

__all__ = ["MIN_CONTACTS", "auto_workers", "run"]

#: ``plan(ids, engine, today, full)`` → a chunk's plan
#: (:func:`kinship.services.followups.compute.plan_chunk`).
Planner = Callable[[list[int], Engine, date, bool], Any]

#: Below this many people, starting the workers (a Python start and kinship's imports each,
#: about 0.3 s) costs more than they save.
MIN_CONTACTS = 20_000
#: At most this many workers: past it the writes here, one chunk at a time, are the limit.
MAX_WORKERS = 4


def auto_workers() -> int:
    """How many workers a command that waits for a full recompute uses: one per core
    this process may run on, up to :data:`MAX_WORKERS`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


# ------------------------------------------------------------------ in each worker

#: What :func:`_plan` works with: the planner, the engine, the day, a full recompute or not.
_worker: tuple[Planner, Engine, date, bool] | None = None


def _start(
    planner: Planner,
    target: str,
    strategies: bytes,
    config: Any,
    failed: dict[str, str],
    today: date,
    full: bool,
) -> None:
    import pickle
    import signal

    from kinship.store import open_store

    # ctrl+c reaches the whole process group: this process stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    store = open_store(target, read_only=True)
    store.for_bulk_reads()
    eng = Engine(pickle.loads(strategies), config, fixed_today=today)
    # What already failed here stays failed there (and is not reported again).
    eng.failed.update(failed)
    eng.errors.update(failed)
    global _worker
    _worker = (planner, eng, today, full)


def _plan(ids: list[int]) -> Any:
    assert _worker is not None, "worker not started"
    planner, eng, today, full = _worker
    return planner(ids, eng, today, full)


# ------------------------------------------------------------------ here


def _pool(workers: int, initargs: tuple[Any, ...]) -> Executor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start,
        initargs=initargs,
    )


def run(
    chunks: Sequence[list[int]],
    eng: Engine,
    today: date,
    *,
    full: bool,
    workers: int,
    plan: Planner,
    apply: Callable[[Any], int],
    fallback: Callable[[list[int]], int],
    progress: Callable[[int], None],
) -> int | None:
    """Recompute ``chunks`` with ``workers`` processes; return how many rows changed, or
    None (nothing done) where workers would not pay or cannot be used.

    ``plan(ids, engine, today, full)`` works out a chunk's plan in a worker (a module-level
    function: it is sent there), ``apply(plan)`` writes it here; ``fallback`` recomputes one
    chunk here, in its own transaction; ``progress`` is told each chunk's size once it is
    written."""
    store = current()
    total = sum(len(c) for c in chunks)
    if workers < 2 or total < MIN_CONTACTS or store.read_only:
        return None
    counter = store.commit_counter()
    if counter is None:
        return None
    import pickle

    try:
        strategies = pickle.dumps(eng.active)
        pickle.dumps(eng.config)
    except Exception:  # a lambda or a closure: it runs here only
        return None

    from concurrent.futures import Future

    failed = {name: eng.errors.get(name, "") for name in eng.failed}
    pool = _pool(workers, (plan, str(store.path), strategies, eng.config, failed, today, full))
    changed = 0
    try:
        futures: list[Future[Any] | None] | None = [pool.submit(_plan, c) for c in chunks]
        for i, chunk in enumerate(chunks):
            planned: Any = None
            if futures is not None:
                future, futures[i] = futures[i], None  # its plan is not kept once written
                try:
                    planned = future.result() if future is not None else None
                except Exception:  # a worker that could not start, died or raised
                    planned = None
            applied = False
            with store.write():
                if planned is not None:
                    for name, error in planned.failed.items():
                        eng.fail(name, error)
                if futures is not None and store.commit_counter() != counter:
                    futures = None  # another process wrote: every plan may be stale
                    pool.shutdown(wait=False, cancel_futures=True)
                alive = eng.names - eng.failed
                if planned is not None and futures is not None and planned.alive == alive:
                    changed += apply(planned)
                    applied = True
            if not applied:
                changed += fallback(chunk)
            progress(len(chunk))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return changed
