"""The exporting service: lazy paged bundles, every kind of record, options, stable output."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from kinship.records import ExportBundle, Exporter
from kinship.services import contacts, events, exporting, interactions, notes
from kinship.services.exporting import ExportCounts, export
from kinship.store import Store


def capture(into: dict[str, Any]) -> Exporter:
    def write(bundle: ExportBundle, path: Path) -> None:
        into["lazy"] = not isinstance(bundle.contacts, list | tuple)
        into["options"] = bundle.options
        into["contacts"] = list(bundle.contacts)
        into["events"] = list(bundle.events)
        into["interactions"] = list(bundle.interactions)
        into["notes"] = list(bundle.notes)
        into["relationships"] = list(bundle.relationships)
        into["followups"] = list(bundle.followups)

    return Exporter("capture", "test", ".x", write)


def test_pages_cover_every_contact_lazily(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(7):
        contacts.add(f"Person {i}", emails=[f"p{i}@example.org"], tags=["t"])
    contacts.set_archived(contacts.resolve("Person 3").uid)
    monkeypatch.setattr(exporting, "PAGE", 3)
    seen_pages: list[int] = []
    real = contacts.records  # what exporting calls as contact_records

    def spy(page: Any) -> Any:
        seen_pages.append(len(page))
        return real(page)

    monkeypatch.setattr(exporting, "contact_records", spy)
    got: dict[str, Any] = {}
    counts = ExportCounts()
    total = export(capture(got), tmp_path / "x", options={"k": "v"}, counts=counts)
    assert got["lazy"]
    assert seen_pages == [3, 3, 1]
    assert [c.display_name for c in got["contacts"]] == [f"Person {i}" for i in range(7)]
    assert next(c for c in got["contacts"] if c.display_name == "Person 3").archived
    assert got["contacts"][0].emails() == ["p0@example.org"]
    assert got["contacts"][0].tags == ["t"]
    assert got["options"] == {"k": "v"}
    assert counts.counts["contacts"] == 7
    assert total == counts.total


def test_nothing_is_read_that_the_exporter_does_not_ask_for(store: Store, tmp_path: Path) -> None:
    contacts.add("Ada")
    counts = ExportCounts()
    export(Exporter("none", "", ".x", lambda bundle, path: None), tmp_path / "x", counts=counts)
    assert counts.total == 0


def test_every_kind_of_record(store: Store, tmp_path: Path) -> None:
    a = contacts.add("Ada", uid="a")
    b = contacts.add("Bob", uid="b")
    contacts.relate("a", "b", "mentor")
    ev = events.add(
        "Dinner",
        datetime(2024, 5, 1, 18, 30, tzinfo=UTC),
        people=[a, b],
        uid="e1",
        timezone="Europe/Berlin",
        rrule="FREQ=WEEKLY;COUNT=2",
        exdates=[datetime(2024, 5, 8, 18, 30, tzinfo=UTC)],
    )
    events.add("Holiday", date(2024, 8, 1), end=date(2024, 8, 3), uid="e2")
    interactions.log(
        "Dinner talk",
        ["a", "b"],
        kind="meeting",
        event_uid=ev.uid,
        uid="i1",
        occurred_at=datetime(2024, 5, 1, 21, 0, tzinfo=UTC),
    )
    notes.add(a, "Likes sailing", kind="interest")
    got: dict[str, Any] = {}
    export(capture(got), tmp_path / "x", options={})
    e1, e2 = sorted(got["events"], key=lambda e: e.uid)
    assert e1.start == datetime(2024, 5, 1, 18, 30, tzinfo=UTC)
    assert str(getattr(e1.start.tzinfo, "key", "")) == "Europe/Berlin"  # kept in its zone
    assert e1.start.hour == 20
    assert e1.contact_uids == ["a", "b"]
    assert e1.rrule == "FREQ=WEEKLY;COUNT=2"
    assert e1.exdates == [datetime(2024, 5, 8, 18, 30, tzinfo=UTC)]
    assert (e2.start, e2.end, e2.all_day) == (date(2024, 8, 1), date(2024, 8, 3), True)
    (i1,) = got["interactions"]
    assert (i1.uid, i1.event_uid, i1.participants) == ("i1", "e1", ["a", "b"])
    assert i1.occurred_at == datetime(2024, 5, 1, 21, 0, tzinfo=UTC)
    (n,) = got["notes"]
    assert (n.contact_uid, n.kind, n.body) == ("a", "interest", "Likes sailing")
    (r,) = got["relationships"]
    assert (r.from_uid, r.to_uid, r.kind) == ("a", "b", "mentor")


def _vcard_exporters() -> dict[str, Exporter]:
    from kinship.builtin import vcard

    got: list[Exporter] = []
    vcard.kinship_register_exporters(got.append)
    return {e.name: e for e in got}


def test_vcard_version_option_reaches_the_exporter(store: Store, tmp_path: Path) -> None:
    contacts.add("Ada", birthday="--12-10")
    export(_vcard_exporters()["vcard"], tmp_path / "a.vcf", options={"vcard_version": "4.0"})
    text = (tmp_path / "a.vcf").read_text()
    assert "VERSION:4.0" in text
    assert "BDAY:--1210" in text


def test_vdir_export_is_stable(store: Store, tmp_path: Path) -> None:
    for name in ("Ada", "Bob", "Cy"):
        contacts.add(name, emails=[f"{name.lower()}@example.org"])
    vdir = _vcard_exporters()["vdir"]
    export(vdir, tmp_path / "vd", options={})
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "vd").iterdir()}
    assert len(before) == 3
    export(vdir, tmp_path / "vd", options={})
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "vd").iterdir()}
    assert after == before  # unchanged data rewrites no file (vdirsyncer would resync it)
