"""The plugin border: whatever a plugin's importer yields, the store stays valid.

A fake plugin (registered as if installed, through ``kinship.testing.register_plugin``)
yields records of every type whose fields are drawn from valid values and garbage: wrong
types, ``None`` where text is required, unknown kinds, a string birthday, text of 10 MB,
NUL characters, lone surrogates, objects that cannot be saved. After ``kinship import``:

- the import itself never fails (a bad record is a problem in the report, not an error),
  and every record the border rejects or trims is reported, naming the plugin;
- every stored contact reads back as a record the border accepts as it is;
- every export format works, with no warning about stored values, and the JSON backup
  imports into an empty store.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinship import hookimpl, validation
from kinship.records import (
    INTERACTION_KINDS,
    NOTE_KINDS,
    RELATIONSHIP_KINDS,
    ContactRecord,
    EventRecord,
    FieldRecord,
    FollowUpRecord,
    Importer,
    InteractionRecord,
    NoteRecord,
    PartialDate,
    RelationshipRecord,
)
from tests.conftest import copy_private

HUGE = "x" * 10_000_000


class Unsaveable:
    """An object no column and no JSON can hold, whose repr is huge."""

    def __repr__(self) -> str:
        return "U" * 1000


GARBAGE = st.one_of(
    st.none(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True),
    st.booleans(),
    st.text(max_size=12),
    st.binary(max_size=6),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.dates(),
    st.datetimes(),
    st.sampled_from(
        [
            HUGE,
            "June 5th",
            "1990-06-05",
            "\x00",
            "a\ud800b",
            "",
            "   ",
            PartialDate(6, 5),
            Unsaveable(),
            {"photo": Unsaveable()},
            ["ok", None, 3],
            [FieldRecord("email", "a@example.org"), "not a field", FieldRecord(None, None)],  # type: ignore[arg-type]
        ]
    ),
)

UIDS = st.sampled_from(["u1", "u2", "u3", "missing"])
WORDS = st.text(alphabet="abcdefghij ÄÖ-", min_size=1, max_size=20)
AWARE = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1))
PARTIAL = st.builds(
    PartialDate,
    st.integers(1, 12),
    st.integers(1, 28),
    st.one_of(st.none(), st.integers(1900, 2020)),
)

#: A plausible value for each field by name; anything else is drawn from WORDS.
VALID: dict[str, Any] = {
    "uid": UIDS,
    "contact_uid": UIDS,
    "from_uid": UIDS,
    "to_uid": UIDS,
    "birthday": PARTIAL,
    "anniversary": PARTIAL,
    "met_on": DATES,
    "due": DATES,
    "cadence_days": st.integers(1, 3650),
    "archived": st.booleans(),
    "pinned": st.booleans(),
    "all_day": st.booleans(),
    "preferred": st.booleans(),
    "line": st.integers(1, 1000),
    "priority": st.integers(0, 100),
    "tags": st.lists(WORDS, max_size=3),
    "fields": st.lists(
        st.builds(FieldRecord, st.sampled_from(["email", "phone", "url"]), WORDS), max_size=3
    ),
    "extra": st.dictionaries(WORDS, WORDS, max_size=2),
    "participants": st.lists(UIDS, max_size=3),
    "contact_uids": st.lists(UIDS, max_size=3),
    "attendees": st.lists(st.just("ada@example.org"), max_size=2),
    "rdates": st.lists(DATES, max_size=2),
    "exdates": st.lists(DATES, max_size=2),
    "occurred_at": AWARE,
    "created_at": AWARE,
    "updated_at": AWARE,
    "start": st.one_of(DATES, AWARE),
    "end": st.one_of(st.none(), DATES, AWARE),
    "snoozed_until": st.none(),
    "timezone": st.sampled_from(["", "UTC", "Europe/Berlin", "Not/AZone"]),
    "rrule": st.sampled_from(["", "FREQ=YEARLY", "FREQ=BOGUS"]),
    "status": st.sampled_from(["open", "done", "dismissed", "snoozed", "weird"]),
    "source": st.just(""),
}
KINDS = {
    InteractionRecord: INTERACTION_KINDS,
    NoteRecord: NOTE_KINDS,
    RelationshipRecord: RELATIONSHIP_KINDS,
    EventRecord: ("event", "wedding", "birthday", "made-up"),
    FollowUpRecord: ("check-in", "thank", "made-up"),
}
TYPES: tuple[type, ...] = (
    ContactRecord,
    EventRecord,
    InteractionRecord,
    NoteRecord,
    RelationshipRecord,
    FollowUpRecord,
)


def field_values(record_type: type, name: str) -> st.SearchStrategy[Any]:
    valid = VALID.get(name, WORDS)
    if name == "kind" and record_type in KINDS:
        valid = st.sampled_from(KINDS[record_type])
    # Mostly valid values, so records get far enough to meet the handlers.
    return st.one_of(valid, valid, valid, GARBAGE)


def records_of(record_type: type) -> st.SearchStrategy[Any]:
    import dataclasses

    names = [f.name for f in dataclasses.fields(record_type)]
    return st.builds(record_type, **{n: field_values(record_type, n) for n in names})


ITEMS = st.lists(
    st.one_of(*[records_of(t) for t in TYPES], GARBAGE.filter(lambda v: v is not None)),
    max_size=8,
)

#: What the fake importer yields for the current example.
CURRENT: list[Any] = []


class GarbagePlugin:
    """A third-party plugin whose importer yields :data:`CURRENT`."""

    __name__ = "garbage_plugin"

    @hookimpl
    def kinship_register_importers(self, register: Any) -> None:
        register(Importer("garbage", "whatever it is given", (".garbage",), read=self.read))

    @staticmethod
    def read(path: Path) -> Any:
        yield from CURRENT


def kinship(db: Path, *args: str) -> tuple[int, str, str]:
    from kinship.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main([*args, "--db", str(db)], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def stored_contacts(db: Path) -> list[ContactRecord]:
    from kinship.services import contacts
    from kinship.store import close_store, open_store
    from kinship.store.models import Contact

    open_store(db)
    try:
        return contacts.records(list(Contact.select()))
    finally:
        close_store()


@pytest.fixture
def garbage_plugin(register_plugin: Any) -> None:
    register_plugin(GarbagePlugin(), name="garbage_plugin")


@pytest.mark.usefixtures("garbage_plugin")
@settings(
    max_examples=int(os.environ.get("KINSHIP_BORDER_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(items=ITEMS)
def test_whatever_a_plugin_yields_the_store_stays_valid(
    items: list[Any], _migrated_file: Path | None
) -> None:
    CURRENT[:] = items
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "kinship.db"
        if _migrated_file is not None:  # the empty store, migrated once per run
            copy_private(_migrated_file, db)
        source = Path(tmp) / "people.garbage"
        source.write_text("", encoding="utf-8")
        code, out, err = kinship(db, "import", str(source), "--json")
        assert code == 0, err
        report = json.loads(out)
        # Every record the border rejects or trims is in the report, naming the plugin.
        # (a rejected record is one line, a trimmed one a line per field left out).
        checked = [validation.check(i) for i in items]
        bad = sum(len(c.problems) if c.record is not None else 1 for c in checked if c.problems)
        from_plugin = [p for p in report["problems"] if "plugin garbage_plugin" in p["message"]]
        assert len(from_plugin) == bad, report["problems"]
        assert all("\n" not in p["message"] for p in report["problems"])

        for record in stored_contacts(db):
            assert validation.check(record).problems == [], record

        for fmt, target in (
            ("vcard", "out.vcf"),
            ("vdir", "out-vdir"),
            ("ical", "out.ics"),
            ("json", "out.json"),
        ):
            code, _, err = kinship(db, "export", "--format", fmt, "-o", str(Path(tmp) / target))
            assert (code, err) == (0, ""), (fmt, err)
        again = Path(tmp) / "again.db"
        if _migrated_file is not None:
            copy_private(_migrated_file, again)
        code, _, err = kinship(again, "import", str(Path(tmp) / "out.json"), "--no-plugins")
        assert code == 0, err


def test_the_issue_s_records_each_give_one_line(
    garbage_plugin: None, tmp_path: Path, kinship_cli: Any
) -> None:
    """A string birthday, a 10 MB note, a None name, an unknown kind: one line each, naming
    the plugin, the record and the field; what is valid of them is kept."""
    CURRENT[:] = [
        ContactRecord("Ada Lovelace", uid="ada", birthday="June 5th", line=1),  # type: ignore[arg-type]
        ContactRecord(None, uid="nobody", line=2),  # type: ignore[arg-type]
        NoteRecord("ada", HUGE, line=3),
        InteractionRecord(
            datetime(2024, 5, 1, tzinfo=UTC), "telepathy", "Thought of her", ["ada"], line=4
        ),
        ContactRecord("Grace Hopper", uid="grace", notes=HUGE, line=5),
    ]
    source = tmp_path / "people.garbage"
    source.write_text("", encoding="utf-8")
    result = kinship_cli("import", str(source))
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "people.garbage: 2 created, 0 updated, 0 unchanged, 3 skipped (run 1)"
    who = f"{source}:{{}}: plugin garbage_plugin (importer 'garbage'): "
    assert result.err.splitlines() == [
        who.format(1) + "ContactRecord 'Ada Lovelace': birthday: expected a PartialDate "
        "(use kinship.records.PartialDate.parse), got str 'June 5th' (left out)",
        who.format(2) + "ContactRecord 'nobody' skipped: display_name: expected text, got None",
        who.format(3) + "NoteRecord for 'ada' skipped: body: too long (10,000,000 characters, "
        "at most 20,000)",
        who.format(4) + "InteractionRecord 'Thought of her' skipped: kind: unknown interaction "
        "kind 'telepathy' (known: " + ", ".join(INTERACTION_KINDS) + ")",
        who.format(5) + "ContactRecord 'Grace Hopper': notes: too long (10,000,000 characters, "
        "at most 100,000) (left out)",
    ]
    exported = tmp_path / "out.json"
    assert kinship_cli("export", "--format", "json", "-o", str(exported)).code == 0
    data = json.loads(exported.read_text(encoding="utf-8"))
    people = {c["display_name"]: c for c in data["contacts"]}
    assert set(people) == {"Ada Lovelace", "Grace Hopper"}
    assert people["Ada Lovelace"].get("birthday") in (None, "")


def test_every_field_of_every_record_is_checked() -> None:
    """A field added to a record must be added to the border too."""
    import dataclasses

    from kinship.validation import _SPECS

    for record_type, spec in _SPECS.items():
        checked = {name for name, _check, _required in spec}
        declared = {f.name for f in dataclasses.fields(record_type)}
        assert checked == declared, (record_type.__name__, declared ^ checked)
