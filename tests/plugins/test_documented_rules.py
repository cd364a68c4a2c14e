"""What docs/plugin-hooks.md and the kinship.records docstrings promise plugin authors, held
to: how strategies are merged per kind, how an importer is chosen when suffixes collide, what
a match by email does to the UID, and where ``kinship.api.contacts`` stops."""

from __future__ import annotations

import types
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from kinship import api, hookimpl
from kinship.builtin.strategies import default_strategies
from kinship.records import (
    ContactRecord,
    ContactSnapshot,
    FieldRecord,
    Importer,
    InteractionRecord,
    NoteRecord,
    Strategy,
    Suggestion,
)
from kinship.services.followups.engine import Engine
from kinship.store import Store
from kinship.testing import snapshot

TODAY = date(2026, 6, 15)


def _strategy(name: str, kind: str, priority: int, due: date) -> Strategy:
    def suggest(snap: ContactSnapshot, today: date) -> Iterator[Suggestion]:
        yield Suggestion(snap.uid, kind, due, f"{name} says so", priority, strategy="ignored")

    return Strategy(name, name, suggest)


def _winners(*strategies: Strategy) -> dict[str, Suggestion]:
    eng = Engine(list(strategies))
    snap = snapshot("Ada Lovelace", cadence_days=30)  # nothing logged: cadence says check-in
    return eng.suggest(snap, eng.for_contact(snap, []), TODAY)


def test_one_suggestion_per_kind_lowest_priority_then_earliest_due_then_first() -> None:
    cadence = next(s for s in default_strategies() if s.name == "cadence")
    [cadence_says] = cadence.suggest(snapshot("Ada Lovelace", cadence_days=30), TODAY)
    assert cadence_says.kind == "check-in"
    same = (cadence_says.priority, cadence_says.due)

    # A tie: the builtin, registered first, wins; the plugin's is dropped.
    won = _winners(*default_strategies(), _strategy("mine", "check-in", *same))
    assert won["check-in"].strategy == "cadence"
    # More urgent, or as urgent and due earlier: the plugin's wins.
    urgent = _strategy("mine", "check-in", same[0] - 1, same[1])
    assert _winners(*default_strategies(), urgent)["check-in"].strategy == "mine"
    earlier = _strategy("mine", "check-in", same[0], same[1] - timedelta(days=1))
    assert _winners(*default_strategies(), earlier)["check-in"].strategy == "mine"
    # A kind of its own is listed beside the builtin one; `strategy=` is the strategy's name.
    won = _winners(*default_strategies(), _strategy("mine", "reconnect", *same))
    assert (won["check-in"].strategy, won["reconnect"].strategy) == ("cadence", "mine")


def test_a_contacts_own_strategies_replace_the_others() -> None:
    eng = Engine([*default_strategies(), _strategy("mine", "reconnect", 50, TODAY)])
    everyone = eng.for_contact(snapshot("Ada"), [])
    assert "mine" in [s.name for s in everyone] and len(everyone) > 2
    only = eng.for_contact(snapshot("Ada", strategy="mine, occasions"), [])
    assert sorted(s.name for s in only) == ["mine", "occasions"]


def _plugin(read: Any, sniff: Any = None) -> types.ModuleType:
    plugin = types.ModuleType("kinship_people_json")

    @hookimpl
    def kinship_register_importers(register: Any) -> None:
        register(Importer("people-json", "people as JSON", (".json",), read=read, sniff=sniff))

    plugin.kinship_register_importers = kinship_register_importers  # type: ignore[attr-defined]
    return plugin


def test_a_suffix_the_builtin_backup_has_needs_a_sniff_or_format(
    tmp_path: Path, plugin_host: Any
) -> None:
    path = tmp_path / "people.json"
    path.write_text('{"people": []}', encoding="utf-8")
    host = plugin_host(_plugin(lambda p: iter(())), builtins=True)
    assert host.importer_for(path).name == "json"  # the builtin, by suffix
    assert host.importer_for(path, "people-json").name == "people-json"
    host = plugin_host(_plugin(lambda p: iter(()), sniff=lambda p: True), builtins=True)
    assert host.importer_for(path).name == "people-json"


def test_a_match_by_email_keeps_the_stored_uid(
    tmp_path: Path, register_plugin: Any, kinship_cli: Any
) -> None:
    def read(path: Path) -> Iterator[Any]:
        email = FieldRecord("email", "ADA@example.org")
        yield ContactRecord("Ada L.", uid="theirs-1", fields=[email], line=1)
        yield NoteRecord("theirs-1", "likes engines", line=2)
        yield InteractionRecord(
            datetime(2026, 6, 1, 12, tzinfo=UTC), "meeting", "Tea", ["theirs-1"], line=3
        )

    register_plugin(_plugin(read))
    assert kinship_cli("add", "Ada Lovelace", "--email", "ada@example.org").code == 0
    before = kinship_cli("show", "ada", "--json").json()["uid"]
    path = tmp_path / "people.json"
    path.write_text("{}", encoding="utf-8")
    result = kinship_cli("import", str(path), "--format", "people-json")
    # Ada updated; her note and the tea created.
    assert result.out.startswith("people.json: 2 created, 1 updated, 0 unchanged, 0 skipped")
    assert "skipped" not in result.err
    ada = kinship_cli("show", "ada", "--json").json()
    assert ada["uid"] == before  # kinship's UID stays
    # The file's own UID for her still reaches her within the import.
    assert [n["body"] for n in ada["notes"]] == ["likes engines"]
    assert [i["summary"] for i in ada["interactions"]] == ["Tea"]


def test_contacts_stops_at_100_unless_told(store: Store) -> None:
    for n in range(101):
        api.add_contact(f"Person {n:03d}")
    assert len(api.contacts()) == 100
    assert len(api.contacts(limit=0)) == 101
