"""A full recompute spread over worker processes gives what one process gives, and falls
back to one process whenever the workers' reads could be stale or cannot be made."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from concurrent.futures import Future
from datetime import date
from typing import Any

import pytest

from kinship.builtin.strategies import default_strategies
from kinship.config import Settings
from kinship.records import ContactSnapshot, Strategy, Suggestion
from kinship.sample import dataset
from kinship.services import followups, snapshots
from kinship.services.followups import compute, parallel
from kinship.store import close_store, current, open_store
from kinship.store.models import Contact, FollowUp

TODAY = date(2025, 6, 15)
PEOPLE = 240
CHUNK = 40  # 6 chunks


def picky(snapshot: ContactSnapshot, today: date) -> Iterator[Suggestion]:
    """A plugin strategy that breaks on one person (module level: a worker can load it)."""
    if snapshot.display_name == "Break Here":
        raise RuntimeError("cannot read this one")
    yield Suggestion(snapshot.uid, "reconnect", today, "picky says hi", 50, "picky")


def use(extra: list[Strategy] | None = None) -> followups.Engine:
    return followups.use([*default_strategies(), *(extra or [])], Settings(), today=TODAY)


@pytest.fixture
def store(db_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    s = open_store(db_path)
    use()
    dataset.generate(PEOPLE, 4 * PEOPLE, today=TODAY, index_search=False, recompute=False)
    monkeypatch.setattr(parallel, "MIN_CONTACTS", 0)
    monkeypatch.setattr(snapshots, "CHUNK", CHUNK)
    yield s
    followups.reset()
    close_store()


def state() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    rows = sorted(
        (r.contact_id, r.kind, r.due, r.reason, r.status, r.origin, r.priority, r.uid)
        for r in FollowUp.select()
    )
    people = list(
        Contact.select(Contact.id, Contact.next_due_at, Contact.recheck_on)
        .order_by(Contact.id)
        .tuples()
    )
    return rows, people


def forget() -> None:
    """Drop what a recompute wrote, so the next one writes it all again."""
    with current().write():
        FollowUp.delete().where(FollowUp.origin != followups.MANUAL).execute()
        Contact.update(next_due_at=None, recheck_on=None).execute()


def here_count(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """Record the chunks recomputed in this process."""
    seen: list[list[int]] = []
    original = compute._recompute_chunk

    def spy(ids: list[int], *args: Any) -> int:
        seen.append(ids)
        return original(ids, *args)

    monkeypatch.setattr(compute, "_recompute_chunk", spy)
    return seen


def sqlite_only() -> None:
    if current().commit_counter() is None:
        pytest.skip("workers only for a SQLite file (PostgreSQL: one process)")


def test_workers_write_what_one_process_writes(store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sqlite_only()
    followups.recompute_all(TODAY)
    alone = state()
    assert len(alone[0]) > PEOPLE // 4  # there is something to compare
    forget()
    here = here_count(monkeypatch)
    told: list[tuple[int, int]] = []
    report = followups.recompute_all(TODAY, workers=2, progress=lambda n, t: told.append((n, t)))
    assert here == []  # every chunk came from a worker
    assert state() == alone
    assert report.contacts == PEOPLE and report.changed >= len(alone[0])
    assert told[-1] == (PEOPLE, PEOPLE) and len(told) == PEOPLE // CHUNK
    # And again: nothing changes.
    assert followups.recompute_all(TODAY, workers=2).changed == 0
    assert here == []


def test_another_writer_sends_the_rest_here(store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sqlite_only()
    last = Contact.select(Contact.id).order_by(Contact.id.desc()).scalar()
    here = here_count(monkeypatch)
    other = sqlite3.connect(str(current().path))

    def meanwhile(n: int, total: int) -> None:
        if n == CHUNK:  # after the first chunk is written: another process commits
            other.execute("UPDATE contact SET birthday = '--06-16' WHERE id = ?", (last,))
            other.commit()

    followups.recompute_all(TODAY, workers=2, progress=meanwhile)
    other.close()
    # Every chunk after the other commit was computed here, reading that commit.
    assert len(here) == PEOPLE // CHUNK - 1
    assert (
        FollowUp.select()
        .where((FollowUp.contact == last) & (FollowUp.kind == "birthday"))
        .where(FollowUp.status == "open")
        .exists()
    )
    after = state()
    forget()
    followups.recompute_all(TODAY)
    assert state() == after


def test_a_strategy_that_cannot_travel_runs_here(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqlite_only()
    local = Strategy("local", "", lambda snap, today: iter(()))
    use([local])
    here = here_count(monkeypatch)
    followups.recompute_all(TODAY, workers=2)
    assert sum(map(len, here)) == PEOPLE
    assert state()[0]


def test_a_strategy_failing_in_a_worker_fails_here(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqlite_only()
    # Breaks on a person in the fourth chunk: the chunks before it hold its suggestions.
    with current().write():
        Contact.update(display_name="Break Here").where(Contact.id == 3 * CHUNK + 5).execute()
    monkeypatch.setattr(parallel, "MIN_CONTACTS", 10**9)
    eng = use([Strategy("picky", "", picky)])
    followups.recompute_all(TODAY)
    alone, errors = state(), dict(eng.errors)
    assert errors == {"picky": "RuntimeError: cannot read this one"}
    forget()
    monkeypatch.setattr(parallel, "MIN_CONTACTS", 0)
    eng = use([Strategy("picky", "", picky)])
    followups.recompute_all(TODAY, workers=2)
    assert eng.errors == errors
    assert state() == alone


class Workers:
    """Workers in this process, each chunk planned (before anything is written, as real
    workers read ahead) by the engine ``planner(chunk)`` picks: real workers each have
    their own, and only the one that met the failure knows of it."""

    def __init__(self, planner: Any) -> None:
        self.planner = planner

    def submit(self, fn: Any, chunk: list[int]) -> Future[compute.Plan]:
        done: Future[compute.Plan] = Future()
        done.set_result(compute.plan_chunk(chunk, self.planner(chunk), TODAY, True))
        return done

    def shutdown(self, **kw: Any) -> None:
        pass


def test_a_plan_made_before_a_failure_elsewhere_is_made_again_here(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqlite_only()
    bad = 3 * CHUNK + 5  # in the fourth chunk
    with current().write():
        Contact.update(display_name="Break Here").where(Contact.id == bad).execute()
    monkeypatch.setattr(parallel, "MIN_CONTACTS", 10**9)
    eng = use([Strategy("picky", "", picky)])
    followups.recompute_all(TODAY)
    alone = state()
    forget()
    monkeypatch.setattr(parallel, "MIN_CONTACTS", 0)
    strategies = [*default_strategies(), Strategy("picky", "", picky)]
    met, other = (followups.Engine(strategies, fixed_today=TODAY) for _ in range(2))
    # One worker plans the fourth chunk (and fails picky there); the other plans the rest,
    # picky still running for it.
    monkeypatch.setattr(
        parallel, "_pool", lambda n, args: Workers(lambda c: met if bad in c else other)
    )
    here = here_count(monkeypatch)
    eng = use([Strategy("picky", "", picky)])
    followups.recompute_all(TODAY, workers=2)
    assert eng.errors == {"picky": "RuntimeError: cannot read this one"}
    assert [c[0] for c in here] == [4 * CHUNK + 1, 5 * CHUNK + 1]  # the two after the failure
    assert state() == alone


def test_a_strategy_failed_before_stays_failed_in_the_workers(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqlite_only()
    eng = use([Strategy("picky", "", picky)])
    eng.fail("picky", "RuntimeError: earlier")
    here = here_count(monkeypatch)
    followups.recompute_all(TODAY, workers=2)
    assert here == []  # the workers' plans agree on what runs
    assert not FollowUp.select().where(FollowUp.origin == "picky").exists()


def test_postgresql_and_small_stores_stay_in_one_process(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = here_count(monkeypatch)
    if current().commit_counter() is not None:
        monkeypatch.setattr(parallel, "MIN_CONTACTS", PEOPLE + 1)
    followups.recompute_all(TODAY, workers=2)
    assert sum(map(len, here)) == PEOPLE


def test_the_commit_counter_moves_only_for_another_connection(store: Any) -> None:
    sqlite_only()
    before = current().commit_counter()
    with current().write():
        Contact.update(cadence_days=9).where(Contact.id == 1).execute()
    assert current().commit_counter() == before
    other = sqlite3.connect(str(current().path))
    other.execute("UPDATE contact SET cadence_days = 8 WHERE id = 1")
    other.commit()
    other.close()
    assert current().commit_counter() != before


def test_kinship_due_recompute_uses_the_workers(
    store: Any, db_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqlite_only()
    from tests.conftest import runner

    monkeypatch.setattr(followups, "auto_workers", lambda: 2)
    here = here_count(monkeypatch)
    done = runner(db_path)("due", "--recompute", "--json", "--no-plugins")
    assert done.code == 0, done.err
    assert here == []
    assert done.json()  # what the workers planned is listed
