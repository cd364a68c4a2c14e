"""The importing service: report counts, idempotency, matching, edits kept, rollback, scale."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

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
from kinship.services import contacts, importing
from kinship.services.importing import import_path
from kinship.store import Store
from kinship.store.models import (
    Contact,
    ContactField,
    EmpathyNote,
    Event,
    EventPerson,
    FollowUp,
    Interaction,
    Relationship,
)
from tests.import_helpers import big_vcf, fake_importer


def builtin(module: str, kind: str = "importers") -> Any:
    import importlib

    mod = importlib.import_module(f"kinship.builtin.{module}")
    got: list[Any] = []
    getattr(mod, f"kinship_register_{kind}")(got.append)
    return {x.name: x for x in got}


def state() -> list[tuple[Any, ...]]:
    """Everything that an import may change, for "nothing changed" checks."""
    return [
        *Contact.select(
            Contact.uid,
            Contact.display_name,
            Contact.version,
            Contact.updated_at,
            Contact.birthday,
            Contact.edited,
        )
        .order_by(Contact.uid)
        .tuples(),
        *ContactField.select(ContactField.contact, ContactField.kind, ContactField.value)
        .order_by(ContactField.id)
        .tuples(),
        *Event.select(Event.uid, Event.summary, Event.updated_at).order_by(Event.uid).tuples(),
        *Interaction.select(Interaction.uid).order_by(Interaction.uid).tuples(),
        *EmpathyNote.select(EmpathyNote.body).order_by(EmpathyNote.id).tuples(),
    ]


def ada(**kw: Any) -> ContactRecord:
    base: dict[str, Any] = {
        "display_name": "Ada Lovelace",
        "uid": "ada-1",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "fields": [
            FieldRecord("email", "Ada@Example.org"),
            FieldRecord("phone", "+44 20 7946 0000"),
        ],
        "birthday": PartialDate(12, 10, 1815),
        "tags": ["mentors"],
        "line": 1,
        "source": "x.vcf",
    }
    base.update(kw)
    return ContactRecord(**base)


# --- counts, idempotency --------------------------------------------------------------------


def test_report_counts_created_then_unchanged_without_writes(store: Store, tmp_path: Path) -> None:
    items = [
        ada(),
        ContactRecord(
            "Grace Hopper", uid="grace", fields=[FieldRecord("email", "grace@navy.mil")], line=9
        ),
        ImportProblem("x.vcf", "vCard skipped: broken", 20),
        ContactRecord("", uid="nameless", line=30),
    ]
    imp = fake_importer(items)
    first = import_path(tmp_path / "x.vcf", importer=imp)
    assert (first.created, first.updated, first.unchanged, first.skipped) == (2, 0, 0, 2)
    assert not first.failed
    assert [p.line for p in first.problems] == [20, 30]
    before = state()
    second = import_path(tmp_path / "x.vcf", importer=imp)
    assert (second.created, second.updated, second.unchanged, second.skipped) == (0, 0, 2, 2)
    assert state() == before  # no version bump, no updated_at change, nothing written
    c = contacts.get("ada-1")
    assert c.version == 1
    assert [f.normalized for f in c.fields.order_by(ContactField.kind)] == [
        "ada@example.org",
        "+442079460000",
    ]


def test_warning_problems_with_their_record_are_not_skips(store: Store, tmp_path: Path) -> None:
    items = [ImportProblem("x.vcf", "BDAY 'soon' is not a date; skipped", 1), ada()]
    report = import_path(tmp_path / "x.vcf", importer=fake_importer(items))
    assert (report.created, report.skipped) == (1, 0)
    assert len(report.problems) == 1


def test_search_and_due_refreshed_in_the_same_import(store: Store, tmp_path: Path) -> None:
    from kinship.store import queries

    import_path(
        tmp_path / "x", importer=fake_importer([ada(cadence_days=7, notes="loves engines")])
    )
    found = list(queries.contacts("engines"))
    assert [c.uid for c in found] == ["ada-1"]
    assert found[0].next_due_at is not None


# --- matching -------------------------------------------------------------------------------


def test_matches_by_uid_then_email_then_phone(store: Store, tmp_path: Path) -> None:
    a = contacts.add("Ada L", uid="ada-1")
    b = contacts.add("Bob", emails=["BOB@example.org"])
    c = contacts.add("Cy", phones=["+1 (555) 010-9999"])
    items = [
        ContactRecord("Ada Lovelace", uid="ada-1"),
        ContactRecord(
            "Bob Builder", uid="other-uid", fields=[FieldRecord("email", "bob@EXAMPLE.org ")]
        ),
        ContactRecord("Cyrus", uid="cy-uid", fields=[FieldRecord("phone", "+1 555 010 9999")]),
        ContactRecord("Dee", uid="dee", fields=[FieldRecord("phone", "+1 555 010 0000")]),
    ]
    report = import_path(tmp_path / "x", importer=fake_importer(items))
    assert (report.created, report.updated) == (1, 3)
    assert Contact.select().count() == 4
    assert Contact.get_by_id(a.id).display_name == "Ada Lovelace"
    assert Contact.get_by_id(b.id).display_name == "Bob Builder"
    assert Contact.get_by_id(b.id).uid == b.uid  # the stored UID stays
    assert Contact.get_by_id(c.id).display_name == "Cyrus"
    assert Contact.get_by_id(c.id).version == 2


def test_uid_wins_over_email(store: Store, tmp_path: Path) -> None:
    contacts.add("Ada", uid="ada-1")
    other = contacts.add("Someone", emails=["ada@example.org"])
    import_path(tmp_path / "x", importer=fake_importer([ada()]))
    assert contacts.get("ada-1").display_name == "Ada Lovelace"
    assert Contact.get_by_id(other.id).display_name == "Someone"


def test_same_person_twice_in_one_file_is_one_contact(store: Store, tmp_path: Path) -> None:
    items = [ada(uid=""), ada(uid="", display_name="Ada King", line=12)]
    report = import_path(tmp_path / "x", importer=fake_importer(items))
    assert Contact.select().count() == 1
    assert (report.created, report.updated) == (1, 1)
    assert Contact.get().display_name == "Ada King"


def test_empty_values_never_clear_and_fields_replace_by_kind(store: Store, tmp_path: Path) -> None:
    contacts.add(
        "Ada Lovelace",
        uid="ada-1",
        emails=["old@example.org"],
        cadence_days=30,
        nickname="Countess",
        tags=["friends"],
    )
    incoming = ContactRecord(
        "Ada Lovelace",
        uid="ada-1",
        fields=[FieldRecord("email", "new@example.org")],
        tags=["mentors"],
    )
    report = import_path(tmp_path / "x", importer=fake_importer([incoming]))
    assert report.updated == 1
    c = contacts.get("ada-1")
    assert (c.nickname, c.cadence_days) == ("Countess", 30)
    assert [f.value for f in c.fields] == ["new@example.org"]
    from kinship.store import queries

    assert queries.tags_by_contact([c.id])[c.id] == ["friends", "mentors"]


def test_yearless_birthday_does_not_replace_the_full_date(store: Store, tmp_path: Path) -> None:
    contacts.add("Ada Lovelace", uid="ada-1", birthday="1815-12-10")
    incoming = ContactRecord("Ada Lovelace", uid="ada-1", birthday=PartialDate(12, 10))
    report = import_path(tmp_path / "x", importer=fake_importer([incoming]))
    assert report.unchanged == 1
    assert contacts.get("ada-1").birthday == "1815-12-10"


# --- edits kept -----------------------------------------------------------------------------


def test_user_edits_are_kept_and_reported(store: Store, tmp_path: Path) -> None:
    import_path(tmp_path / "x", importer=fake_importer([ada()]))
    c = contacts.get("ada-1")
    contacts.update("ada-1", c.version, nickname="Enchantress", emails=["ada@analytical.engine"])
    changed = ada(
        nickname="Ada",
        fields=[FieldRecord("email", "ada@example.org")],
        organization="Analytical Engines Ltd",
    )
    report = import_path(tmp_path / "x", importer=fake_importer([changed]))
    assert report.updated == 1  # organization was not edited: it is taken
    messages = [p.message for p in report.problems]
    assert "kept your edit of nickname for Ada Lovelace" in messages
    assert "kept your edit of emails for Ada Lovelace" in messages
    c = contacts.get("ada-1")
    assert c.nickname == "Enchantress"
    assert [f.value for f in c.fields if f.kind == "email"] == ["ada@analytical.engine"]
    assert c.organization == "Analytical Engines Ltd"
    # Only edited fields differ: unchanged, still reported, nothing written.
    version = c.version
    again = import_path(tmp_path / "x", importer=fake_importer([changed]))
    assert (again.updated, again.unchanged) == (0, 1)
    assert len(again.problems) == 2
    assert contacts.get("ada-1").version == version


# --- transactions -------------------------------------------------------------------------


def test_fatal_problem_changes_nothing(store: Store, tmp_path: Path) -> None:
    contacts.add("Existing", uid="ada-1")
    before = state()
    many = [ContactRecord(f"P{i}", uid=f"p{i}", line=i) for i in range(1200)]  # > 2 batches
    items = [ada(), *many, ImportProblem("x.vcf", "file ends inside VCARD", 999, fatal=True)]
    report = import_path(tmp_path / "x.vcf", importer=fake_importer(items))
    assert report.failed
    assert (report.created, report.updated, report.skipped) == (0, 0, 0)
    assert report.problems[-1].fatal
    assert state() == before


def test_importer_exception_rolls_back(store: Store, tmp_path: Path) -> None:
    items = [ada(), RuntimeError("plugin bug")]
    report = import_path(tmp_path / "x", importer=fake_importer(items))
    assert report.failed
    assert "plugin bug" in report.problems[-1].message
    assert Contact.select().count() == 0


def test_dry_run_reports_the_same_and_changes_nothing(store: Store, tmp_path: Path) -> None:
    contacts.add("Ada", uid="ada-1")
    before = state()
    items = [ada(), ContactRecord("Grace", uid="g")]
    dry = import_path(tmp_path / "x", importer=fake_importer(items), dry_run=True)
    assert (dry.created, dry.updated, dry.dry_run) == (1, 1, True)
    assert state() == before
    real = import_path(tmp_path / "x", importer=fake_importer(items))
    assert (real.created, real.updated) == (dry.created, dry.updated)


def test_progress_is_called(store: Store, tmp_path: Path) -> None:
    calls: list[tuple[int, int | None]] = []
    items = [ContactRecord(f"P{i}", uid=f"p{i}") for i in range(1100)]
    import_path(
        tmp_path / "x", importer=fake_importer(items), progress=lambda d, t: calls.append((d, t))
    )
    assert calls[0] == (500, None)
    assert calls[-1] == (1100, 1100)


# --- events and the rest ----------------------------------------------------------------------


def test_events_upsert_by_uid_and_match_attendees(store: Store, tmp_path: Path) -> None:
    contacts.add("Ada", uid="ada-1", emails=["ada@example.org"])
    start = datetime(2030, 5, 1, 9, 0, tzinfo=UTC)
    ev = EventRecord(
        "PyCon",
        start,
        uid="ev-1",
        attendees=["ADA@example.org", "x@y.org"],
        kind="networking",
        timezone="UTC",
    )
    report = import_path(tmp_path / "x", importer=fake_importer([ev]))
    assert report.created == 1
    row = Event.get(Event.uid == "ev-1")
    assert [p.contact.uid for p in row.people] == ["ada-1"]
    assert import_path(tmp_path / "x", importer=fake_importer([ev])).unchanged == 1
    moved = EventRecord("PyCon 2030", start, uid="ev-1", attendees=["x@y.org"], kind="networking")
    report = import_path(
        tmp_path / "x", importer=fake_importer([moved]), create_unknown_attendees=True
    )
    assert (report.updated, report.created) == (1, 1)  # the event, and the new attendee
    assert Event.get(Event.uid == "ev-1").summary == "PyCon 2030"
    assert EventPerson.select().count() == 2  # links are added, never removed


def test_birthday_calendar_sets_birthdays(store: Store, tmp_path: Path) -> None:
    contacts.add("Ada Lovelace", uid="ada-1")
    contacts.add("Grace Hopper", uid="grace", birthday="1906-12-09")
    items = [
        EventRecord(
            "Ada Lovelace",
            date(1815, 12, 10),
            kind="birthday",
            rrule="FREQ=YEARLY",
            all_day=True,
            description="born 1815",  # the event says the year: it is kept
        ),
        EventRecord(
            "Grace Hopper's birthday",
            date(1604, 12, 9),
            kind="birthday",
            rrule="FREQ=YEARLY",
            all_day=True,
        ),
        EventRecord(
            "Nobody Known", date(1990, 1, 1), kind="birthday", rrule="FREQ=YEARLY", all_day=True
        ),
    ]
    report = import_path(tmp_path / "x.ics", importer=fake_importer(items, "ical"))
    assert (report.updated, report.unchanged, report.skipped) == (1, 1, 1)
    assert contacts.get("ada-1").birthday == "1815-12-10"
    assert contacts.get("grace").birthday == "1906-12-09"
    assert Event.select().count() == 0
    assert "no contact by that name" in report.problems[-1].message


def test_interactions_notes_relationships_followups(store: Store, tmp_path: Path) -> None:
    contacts.add("Ada", uid="a")
    contacts.add("Bob", uid="b")
    when = datetime(2024, 3, 1, 12, tzinfo=UTC)
    items = [
        InteractionRecord(
            when, "help-received", "Reviewed my talk", participants=["a", "b"], uid="i1"
        ),
        InteractionRecord(when, "dance", "???", participants=["a"], uid="i2"),
        NoteRecord("a", "Training for a marathon", kind="goal", pinned=True),
        RelationshipRecord("a", "b", "mentor"),
        RelationshipRecord("a", "zzz", "mentor"),
        FollowUpRecord("b", date(2030, 1, 1), "Send the paper", kind="promise", uid="f1"),
    ]
    report = import_path(tmp_path / "x", importer=fake_importer(items))
    assert (report.created, report.skipped) == (4, 2)
    assert Contact.get(Contact.uid == "a").last_interaction_at == datetime(2024, 3, 1, 12)
    assert Relationship.select().count() == 1
    assert FollowUp.get(FollowUp.uid == "f1").reason == "Send the paper"
    again = import_path(tmp_path / "x", importer=fake_importer(items))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    items[5] = FollowUpRecord(
        "b", date(2030, 1, 1), "Send the paper", kind="promise", uid="f1", status="done"
    )
    assert import_path(tmp_path / "x", importer=fake_importer(items)).updated == 1
    assert FollowUp.get(FollowUp.uid == "f1").status == "done"


# --- real formats: round trips ------------------------------------------------------------------


def _populate() -> None:
    from kinship.services import events, interactions, notes

    a = contacts.add(
        "Ada Lovelace",
        uid="ada-1",
        emails=["ada@example.org"],
        phones=["+44 20 1"],
        birthday="1815-12-10",
        tags=["mentors"],
        cadence_days=30,
        organization="AE",
        met_how="at a salon",
    )
    b = contacts.add("Grace Hopper", uid="grace", emails=["grace@navy.mil"], birthday="--12-09")
    contacts.relate("ada-1", "grace", "mentor")
    ev = events.add(
        "Salon",
        datetime(2024, 2, 3, 19, 0, tzinfo=UTC),
        people=[a, b],
        uid="ev-salon",
        location="London",
        timezone="Europe/London",
    )
    events.add("Conference", date(2030, 6, 1), end=date(2030, 6, 3), uid="ev-conf")
    events.add("Call", datetime(2030, 1, 2, 9, 0, tzinfo=UTC), uid="ev-call")  # no zone
    interactions.log(
        "Talked engines",
        ["ada-1", "grace"],
        kind="meeting",
        occurred_at=datetime(2024, 2, 3, 20, 0, tzinfo=UTC),
        event_uid=ev.uid,
        uid="int-1",
    )
    notes.add(a, "Wants to publish notes", kind="goal", pinned=True)


def _snapshot() -> dict[str, Any]:
    from kinship.services import exporting

    def strip(record: Any) -> dict[str, Any]:
        from dataclasses import asdict

        d = asdict(record)
        d.pop("source", None)
        d.pop("line", None)
        if "fields" in d:
            d["fields"] = sorted(map(str, d["fields"]))
        return d

    return {
        "contacts": sorted((strip(c) for c in exporting.iter_contacts()), key=lambda d: d["uid"]),
        "events": sorted((strip(e) for e in exporting.iter_events()), key=lambda d: d["uid"]),
        "interactions": [strip(i) for i in exporting.iter_interactions()],
        "notes": [strip(n) for n in exporting.iter_notes()],
        "relationships": [strip(r) for r in exporting.iter_relationships()],
    }


def test_json_round_trip_into_an_empty_store(tmp_path: Path) -> None:
    from kinship.services.exporting import export
    from kinship.store import close_store, open_store

    open_store(tmp_path / "one.db")
    _populate()
    expected = _snapshot()
    total = export(builtin("json_backup", "exporters")["json"], tmp_path / "b.json", options={})
    assert total >= 7
    close_store()
    open_store(tmp_path / "two.db")
    try:
        report = import_path(tmp_path / "b.json", importer=builtin("json_backup")["json"])
        assert not report.problems, report.problems
        assert (report.created, report.skipped) == (total, 0)
        assert _snapshot() == expected
        again = import_path(tmp_path / "b.json", importer=builtin("json_backup")["json"])
        assert (again.created, again.updated, again.unchanged) == (0, 0, total)
    finally:
        close_store()


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_vcard_round_trip(tmp_path: Path, version: str) -> None:
    from kinship.services.exporting import export
    from kinship.store import close_store, open_store

    open_store(tmp_path / "one.db")
    _populate()
    expected = _snapshot()["contacts"]
    vcard = builtin("vcard", "exporters")["vcard"]
    export(vcard, tmp_path / "all.vcf", options={"vcard_version": version})
    # Idempotent against the store it came from.
    report = import_path(tmp_path / "all.vcf", importer=builtin("vcard")["vcard"])
    assert (report.unchanged, report.updated, report.created) == (2, 0, 0), report.problems
    close_store()
    open_store(tmp_path / "two.db")
    try:
        report = import_path(tmp_path / "all.vcf", importer=builtin("vcard")["vcard"])
        assert (report.created, report.skipped) == (2, 0)
        assert _snapshot()["contacts"] == expected
    finally:
        close_store()


def test_ical_round_trip_keeps_events_and_birthdays(tmp_path: Path) -> None:
    from kinship.services.exporting import export
    from kinship.store import close_store, open_store

    open_store(tmp_path / "one.db")
    _populate()
    expected = {e["uid"]: e for e in _snapshot()["events"]}
    export(builtin("ical", "exporters")["ical"], tmp_path / "all.ics", options={})
    todos = FollowUp.select().where(FollowUp.status.in_(["open", "snoozed"])).count()
    report = import_path(tmp_path / "all.ics", importer=builtin("ical")["ical"])
    # 3 events, 2 birthdays (already known), the open follow-ups: nothing changes.
    assert (report.unchanged, report.updated, report.created) == (5 + todos, 0, 0), report.problems
    close_store()
    open_store(tmp_path / "two.db")
    try:
        contacts.add("Ada Lovelace", uid="ada-1")
        contacts.add("Grace Hopper", uid="grace")
        followups_before = FollowUp.select().count()
        report = import_path(tmp_path / "all.ics", importer=builtin("ical")["ical"])
        # A strategy's open suggestion that the engine here makes differently is skipped,
        # not counted as created and then replaced.
        replaced = [p for p in report.problems if "open suggestion" in p.message]
        assert (report.created, report.updated) == (3 + todos - len(replaced), 2), report.problems
        assert report.skipped == len(replaced)
        created_followups = todos - len(replaced)
        assert FollowUp.select().count() >= followups_before + created_followups
        assert contacts.get("ada-1").birthday == "1815-12-10"
        assert contacts.get("grace").birthday == "--12-09"
        got = {e["uid"]: e for e in _snapshot()["events"]}
        assert got.keys() == expected.keys()
        for uid, e in expected.items():
            assert got[uid]["start"] == e["start"]
            assert got[uid]["summary"] == e["summary"]
            assert got[uid]["contact_uids"] == e["contact_uids"]
    finally:
        close_store()


# --- scale ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_ten_thousand_cards_in_chunks(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    n = 10_000
    path = tmp_path / "big.vcf"
    big_vcf(path, n)
    batches: list[int] = []
    real_apply = importing.batches.apply

    def spy(run: Any, batch: list[Any]) -> None:
        batches.append(len(batch))
        real_apply(run, batch)

    monkeypatch.setattr(importing.batches, "apply", spy)
    holds = _time_write_transactions(monkeypatch)
    importer = builtin("vcard")["vcard"]
    t0 = time.perf_counter()
    report = import_path(path, importer=importer)
    took = time.perf_counter() - t0
    assert (report.created, report.skipped, report.problems) == (n, 0, [])
    assert max(batches) == importing.BATCH and len(batches) == n // importing.BATCH
    # One write transaction per batch (plus the run record's start and end), none for all.
    assert len(holds) == len(batches) + 2
    assert Contact.select().count() == n
    assert ContactField.select().count() == 2 * n
    t0 = time.perf_counter()
    again = import_path(path, importer=importer)
    took_again = time.perf_counter() - t0
    assert again.unchanged == n
    print(
        f"\n10k cards: import {n / took:.0f} cards/s, re-import {n / took_again:.0f} cards/s, "
        f"longest write transaction {max(holds) * 1000:.0f} ms"
    )


def test_cards_are_imported_in_batches_one_write_transaction_each(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 10k test above in small (it runs with ``-m slow``): batches of 10 cards."""
    monkeypatch.setattr(importing.batches, "BATCH", 10)
    n = 35
    path = tmp_path / "cards.vcf"
    big_vcf(path, n)
    batches: list[int] = []
    real_apply = importing.batches.apply

    def spy(run: Any, batch: list[Any]) -> None:
        batches.append(len(batch))
        real_apply(run, batch)

    monkeypatch.setattr(importing.batches, "apply", spy)
    holds = _time_write_transactions(monkeypatch)
    importer = builtin("vcard")["vcard"]
    report = import_path(path, importer=importer)
    assert (report.created, report.skipped, report.problems) == (n, 0, [])
    assert batches == [10, 10, 10, 5]
    assert len(holds) == len(batches) + 2
    assert Contact.select().count() == n
    assert ContactField.select().count() == 2 * n
    assert import_path(path, importer=importer).unchanged == n


@pytest.mark.sqlite_only("another connection takes SQLite's write lock")
def test_another_writer_gets_the_lock_between_batches(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the 20k-card import beside four writers shows (``-m slow``), in small: after each
    batch the write lock is free at once for another process's write."""
    import sqlite3

    monkeypatch.setattr(importing.batches, "BATCH", 10)
    path = tmp_path / "cards.vcf"
    big_vcf(path, 35)
    db = store.path
    assert db is not None
    free: list[bool] = []

    def lock_is_free() -> bool:
        other = sqlite3.connect(db, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            other.close()

    real_batches = importing.batches._batches

    def checking(run: Any) -> Iterator[list[Any]]:
        for batch in real_batches(run):
            free.append(lock_is_free())  # the last batch's transaction is over
            yield batch
        free.append(lock_is_free())

    monkeypatch.setattr(importing.batches, "_batches", checking)
    report = import_path(path, importer=builtin("vcard")["vcard"])
    assert report.created == 35
    assert free == [True] * 5


def _time_write_transactions(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """How long each outermost ``Store.write()`` transaction held the write lock."""
    import contextlib

    from kinship.store.db import Store

    holds: list[float] = []
    real = Store.write
    depth = [0]

    @contextlib.contextmanager
    def timed(self: Store) -> Iterator[None]:
        depth[0] += 1
        t0 = time.perf_counter()
        try:
            with real(self):
                yield
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                holds.append(time.perf_counter() - t0)

    monkeypatch.setattr(Store, "write", timed)
    return holds


def test_json_problem_format(store: Store, tmp_path: Path) -> None:
    report = import_path(tmp_path / "x", importer=fake_importer([ImportProblem("x", "bad", 3)]))
    data = report.to_dict()
    assert data["problems"] == [{"file": "x", "line": 3, "message": "bad"}]
    json.dumps(data)


def test_backup_records_keep_their_origin_and_problems_name_this_file(
    store: Store, tmp_path: Path
) -> None:
    here = tmp_path / "backup.json"
    items = [
        ContactRecord("Ada", uid="a", source="vcard:/home/ada/old.vcf", line=4),
        NoteRecord("nobody", "text", source="/elsewhere/x.json", line=9),
    ]
    report = import_path(here, importer=fake_importer(items, "json"))
    assert contacts.get("a").source == "vcard:/home/ada/old.vcf"
    assert [(p.file, p.line) for p in report.problems] == [(str(here), 9)]
