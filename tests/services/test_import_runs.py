"""Import runs: batches commit one by one under a run record; a run can be listed,
finished after an interruption, rolled back on failure and undone table for table."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from kinship.errors import KinshipError
from kinship.records import (
    ContactRecord,
    EventRecord,
    FieldRecord,
    FollowUpRecord,
    ImportProblem,
    InteractionRecord,
    NoteRecord,
    PartialDate,
    RelationshipRecord,
)
from kinship.services import contacts, events, interactions, notes
from kinship.services.importing import (
    BATCH,
    ImportInterrupted,
    import_path,
    list_runs,
    undo_run,
)
from kinship.store import Store
from kinship.store.models import Contact, FollowUp, ImportRun, ImportRunChange
from tests.import_helpers import fake_importer, tables


def card(i: int, **kw: Any) -> ContactRecord:
    base: dict[str, Any] = {
        "display_name": f"Person {i}",
        "uid": f"p{i}",
        "fields": [FieldRecord("email", f"p{i}@example.org")],
        "tags": [f"circle{i % 3}"],
        "line": i + 1,
    }
    base.update(kw)
    return ContactRecord(**base)


def rich_store() -> None:
    """People with fields, tags, an edit, notes, an interaction, an event, follow-ups."""
    ada = contacts.add(
        "Ada Lovelace",
        emails=["ada@example.org"],
        phones=["+44 20 7946 0000"],
        tags=["mentors"],
        uid="ada",
        birthday=PartialDate(12, 10, 1815),
    )
    contacts.add("Alan Turing", emails=["alan@example.org"], uid="alan", cadence_days=30)
    grace = contacts.add("Grace Hopper", uid="grace", tags=["navy"])
    contacts.update("grace", grace.version, nickname="Amazing Grace")
    interactions.log(
        "Tea", ["ada", "alan"], kind="meeting", occurred_at=datetime(2026, 3, 1, tzinfo=UTC)
    )
    notes.add(Contact.get(Contact.uid == "ada"), "Likes engines", kind="interest")
    events.add("Conference", date(2026, 6, 1), people=[ada], uid="conf-1")
    FollowUp.create(
        contact=Contact.get(Contact.uid == "alan"),
        due=date(2026, 7, 1),
        reason="Ask about the paper",
    )


# --- batches and the run record ---------------------------------------------------------


def test_each_batch_commits_and_the_run_counts_it(store: Store, tmp_path: Path) -> None:
    n = 2 * BATCH + 7
    report = import_path(tmp_path / "x.vcf", importer=fake_importer([card(i) for i in range(n)]))
    assert (report.created, report.failed, report.run_id) == (n, False, 1)
    assert report.summary() == f"{n} created, 0 updated, 0 unchanged, 0 skipped (run 1)"
    (run,) = list_runs()
    assert (run.state, run.format, run.items, run.created) == ("complete", "fake", n, n)
    assert run.path == str((tmp_path / "x.vcf").absolute())
    assert run.finished_at is not None and run.started_at <= run.finished_at
    # One change row per contact and per tag the run created; none for fields and links.
    assert run.changes == n + 3
    again = import_path(tmp_path / "x.vcf", importer=fake_importer([card(i) for i in range(n)]))
    assert (again.unchanged, again.run_id) == (n, 2)
    assert list_runs()[0].changes == 0  # an unchanged item leaves no trace to undo


def test_plugins_hear_of_each_batch_after_it_commits(store: Store, tmp_path: Path) -> None:
    """A listener sees a batch's contacts when that batch has committed, while the import
    is still going (the run row already counts the batch)."""
    from kinship.services import runtime

    seen: list[tuple[int, int]] = []

    class Ears:
        def wants(self, hook: str) -> bool:
            return hook == "kinship_contact_changed"

        def notify(self, hook: str, record: Any) -> None:
            items = ImportRun.select(ImportRun.items).scalar()
            seen.append((items, Contact.select().count()))

    n = 2 * BATCH + 1
    with runtime.bind(notifier=Ears()):
        import_path(tmp_path / "x.vcf", importer=fake_importer([card(i) for i in range(n)]))
    assert len(seen) == n
    assert seen[0] == (BATCH, BATCH)  # the first batch, committed, before the second
    assert seen[BATCH] == (2 * BATCH, 2 * BATCH)
    assert seen[-1] == (n, n)


def test_a_failure_after_some_batches_rolls_the_run_back(store: Store, tmp_path: Path) -> None:
    rich_store()
    before = tables()
    items: list[Any] = [card(1, uid="ada", display_name="Ada King")]
    items += [card(i) for i in range(2, 2 * BATCH + 50)]
    items.append(ImportProblem("x.vcf", "file ends inside VCARD", 999, fatal=True))
    report = import_path(tmp_path / "x.vcf", importer=fake_importer(items))
    assert report.failed and report.summary() == "failed, nothing imported"
    assert tables() == before
    (run,) = list_runs()
    assert (run.state, run.changes) == ("failed", 0)
    assert run.message == "rolled back: file ends inside VCARD"
    with pytest.raises(KinshipError, match="failed and was rolled back: nothing of it is left"):
        undo_run(run.id)


# --- interrupted, resumed -------------------------------------------------------------------


def test_ctrl_c_leaves_an_interrupted_run_that_importing_again_finishes(
    store: Store, tmp_path: Path
) -> None:
    rich_store()
    before = tables()
    path = tmp_path / "big.vcf"
    n = 3 * BATCH
    cards = [card(i) for i in range(n)]
    with pytest.raises(ImportInterrupted) as stopped:
        import_path(path, importer=fake_importer([*cards[: BATCH + 10], KeyboardInterrupt()]))
    assert (stopped.value.report.run_id, stopped.value.report.items) == (1, BATCH)
    (run,) = list_runs()
    # The first batch committed; the half-read second one did not.
    assert (run.state, run.items, run.created) == ("interrupted", BATCH, BATCH)
    assert Contact.select().count() == 3 + BATCH

    report = import_path(path, importer=fake_importer(cards))
    assert (report.run_id, report.resumed) == (1, True)
    assert (report.created, report.unchanged) == (n - BATCH, BATCH)
    assert report.summary().endswith("(finished interrupted run 1)")
    (run,) = list_runs()
    assert (run.state, run.created) == ("complete", n)
    undone = undo_run(1)
    assert undone.deleted == n + 3  # the contacts and their three new tags
    assert tables() == before
    assert list_runs()[0].state == "undone"
    with pytest.raises(KinshipError, match="undone already"):
        undo_run(1)


def test_a_run_whose_process_is_gone_is_interrupted(store: Store, tmp_path: Path) -> None:
    import subprocess
    import sys

    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    dead = int(child.stdout)
    import socket

    ImportRun.create(path="/x.vcf", format="vcard", pid=dead, host=socket.gethostname())
    ImportRun.create(path="/y.vcf", format="vcard", pid=dead, host="another-machine")
    runs = {r.path: r for r in list_runs()}
    assert runs["/x.vcf"].state == "interrupted"
    assert runs["/y.vcf"].state == "running"  # cannot tell from here
    with pytest.raises(KinshipError, match="still running"):
        undo_run(runs["/y.vcf"].id)


# --- undo -----------------------------------------------------------------------------------


def test_undo_restores_updated_rows_from_their_before_images(store: Store, tmp_path: Path) -> None:
    """Contacts (fields, tags, birthday via a calendar), an event's people, an interaction,
    a note and a follow-up changed by two runs come back exactly, table for table."""
    rich_store()
    before = tables()
    vcards = [
        card(
            0,
            uid="ada",
            display_name="Ada King",
            fields=[FieldRecord("email", "countess@example.org"), FieldRecord("url", "x.org")],
            tags=["royal society"],
        ),
        card(1, uid="alan", display_name="Alan M. Turing", nickname="Prof"),
        card(2, uid="grace", nickname="Grandma COBOL", title="Rear Admiral"),  # nickname kept
        card(3),
    ]
    first = import_path(tmp_path / "a.vcf", importer=fake_importer(vcards))
    assert (first.created, first.updated) == (1, 3)
    tea = next(iter(interactions_of("ada")))
    backup: list[Any] = [
        EventRecord(
            "Conference 2026", date(2026, 6, 2), uid="conf-1", contact_uids=["ada", "alan"]
        ),
        InteractionRecord(
            datetime(2026, 3, 1, 10, tzinfo=UTC),
            "call",
            "Tea and cake",
            ["ada", "alan", "grace"],
            uid=tea,
        ),
        NoteRecord("ada", "Likes engines", kind="interest", pinned=True),
        FollowUpRecord("alan", date(2026, 7, 1), "Ask about the paper", status="done"),
        RelationshipRecord("ada", "alan", "friend"),
        EventRecord(
            "Grace's birthday",
            date(1906, 12, 9),
            uid="g-bd",
            kind="birthday",
            rrule="FREQ=YEARLY",
            contact_uids=["grace"],
            all_day=True,
        ),
    ]
    second = import_path(tmp_path / "b.ics", importer=fake_importer(backup, name="ical"))
    assert (second.created, second.updated, second.skipped) == (1, 5, 0), second.problems
    assert Contact.get(Contact.uid == "grace").birthday == "1906-12-09"

    with pytest.raises(KinshipError, match=r"later import runs changed the same rows again \(2\)"):
        undo_run(_run(first))
    assert undo_run(_run(second)).restored == 5
    assert undo_run(_run(first)).restored == 3
    assert tables() == before


def interactions_of(uid: str) -> list[str]:
    from kinship.store.models import Interaction, Participant

    return [
        i.uid
        for i in Interaction.select().join(Participant).join(Contact).where(Contact.uid == uid)
    ]


def test_undo_keeps_what_was_changed_after_the_import(store: Store, tmp_path: Path) -> None:
    rich_store()
    run = import_path(
        tmp_path / "a.vcf",
        importer=fake_importer(
            [card(0, uid="ada", display_name="Ada King"), card(1), card(2), card(3)]
        ),
    )
    ada = Contact.get(Contact.uid == "ada")
    contacts.update("ada", ada.version, nickname="Enchantress")
    interactions.log("Call", ["p1"], kind="call")  # p1 was created by the import
    p2 = Contact.get(Contact.uid == "p2")
    contacts.update("p2", p2.version, title="Engineer")

    report = undo_run(_run(run))
    assert report.deleted == 1  # p3 (its tag is also Ada's, whose restore is kept)
    kept = " | ".join(report.kept)
    assert "kept contact 'Person 2': changed after the import" in kept
    assert "kept Person 1: created by the import, since then given interactions" in kept
    assert "kept contact 'Ada King': changed after the import" in kept
    assert Contact.get(Contact.uid == "ada").nickname == "Enchantress"
    assert {c.uid for c in Contact.select()} == {"ada", "alan", "grace", "p1", "p2"}
    assert "kept 3 rows changed since" in list_runs()[0].message


def test_undo_of_an_unknown_or_running_run_is_refused(store: Store) -> None:
    with pytest.raises(KinshipError, match="no import run 9; `kinship import --runs`"):
        undo_run(9)
    import os
    import socket

    ImportRun.create(path="/x", format="vcard", pid=os.getpid(), host=socket.gethostname())
    with pytest.raises(KinshipError, match="run 1 is still running"):
        undo_run(1)
    assert ImportRunChange.select().count() == 0


def test_a_row_changed_in_two_batches_keeps_its_first_before_image(
    store: Store, tmp_path: Path
) -> None:
    """Ada changed in the first batch and again in the second, a new person created in the
    first and changed in the second: the undo restores Ada as she was before the run and
    deletes the new person (not "changed after the import")."""
    rich_store()
    before = tables()
    fill = [card(i) for i in range(10, 10 + BATCH - 2)]
    items = [
        card(0, uid="ada", display_name="Ada King"),
        card(1, uid="new-1", display_name="Newcomer"),
        *fill,
        card(0, uid="ada", display_name="Ada, Countess of Lovelace"),
        card(1, uid="new-1", display_name="Newcomer Renamed"),
    ]
    report = import_path(tmp_path / "x.vcf", importer=fake_importer(items))
    assert (report.created, report.updated) == (1 + len(fill), 3)
    assert Contact.get(Contact.uid == "ada").display_name == "Ada, Countess of Lovelace"
    undone = undo_run(_run(report))
    assert (undone.restored, undone.kept) == (1, [])
    assert tables() == before


def _run(report: Any) -> int:
    assert report.run_id is not None
    return int(report.run_id)
