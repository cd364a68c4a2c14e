"""What the services are handed (kinship.services.runtime) and how they run without it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from kinship.records import Strategy, Suggestion
from kinship.services import _notify, contacts, followups, interactions, runtime
from kinship.store import current
from kinship.store.models import Contact, FollowUp
from kinship.wiring import HostNotifier, Wiring, builtin_strategies


class Ears:
    """A notifier as an entry point would hand one: wants(hook), notify(hook, record)."""

    def __init__(self, *hooks: str) -> None:
        self.hooks = set(hooks) or {"kinship_contact_changed", "kinship_interaction_logged"}
        self.heard: list[tuple[str, Any]] = []

    def wants(self, hook: str) -> bool:
        return hook in self.hooks

    def notify(self, hook: str, record: Any) -> None:
        self.heard.append((hook, record))


def test_services_run_with_nothing_bound(unbound_store: Any) -> None:
    """A script that binds nothing: writes work and keep next_due_at right from the
    cadence, no strategy suggests anything, nobody is notified."""
    assert runtime.current() == runtime.Binding()
    assert not _notify.wants("kinship_contact_changed")
    ada = contacts.add("Ada Lovelace", cadence_days=30)
    interactions.log("Tea", [ada.uid], kind="meeting")
    row = Contact.get_by_id(ada.id)
    assert row.next_due_at == date.today() + timedelta(days=30)
    assert FollowUp.select().count() == 0
    assert followups.engine().bound is False
    assert followups.due_items(within=365) == []


def test_unbound_refresh_leaves_other_strategies_rows_alone(unbound_store: Any) -> None:
    """Follow-ups computed by a run that had strategies survive a script that has none."""
    ada = contacts.add("Ada Lovelace", cadence_days=7)
    with runtime.bind(strategies=builtin_strategies()):
        followups.recompute_all()
        assert [i.kind for i in followups.due_items(within=30)] == ["check-in"]
    assert followups.refresh_stale(force=True).mode == "unbound"
    assert followups.recompute_all().mode == "unbound"
    assert FollowUp.select().where(FollowUp.contact == ada.id).count() == 1


def test_a_handed_notifier_hears_contact_changed_after_commit(unbound_store: Any) -> None:
    ears = Ears()
    with runtime.bind(notifier=ears):
        with current().write():
            ada = contacts.add("Ada Lovelace")
            assert ears.heard == []  # not before the transaction commits
        assert [(hook, rec.display_name) for hook, rec in ears.heard] == [
            ("kinship_contact_changed", "Ada Lovelace")
        ]
        interactions.log("Tea", [ada.uid], kind="meeting")
        assert ears.heard[-1][0] == "kinship_interaction_logged"
        assert ears.heard[-1][1].summary == "Tea"
    contacts.add("Grace Hopper")  # unbound again: nobody hears
    assert len(ears.heard) == 2


def test_a_rolled_back_write_notifies_nobody(unbound_store: Any) -> None:
    ears = Ears()
    with runtime.bind(notifier=ears), pytest.raises(RuntimeError), current().write():
        contacts.add("Ada Lovelace")
        raise RuntimeError("changed my mind")
    assert ears.heard == []


def test_records_are_not_built_for_hooks_the_notifier_does_not_want(
    unbound_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kinship.services import convert

    built: list[int] = []
    real = convert.to_record

    def spy(c: Any) -> Any:
        built.append(c.id)
        return real(c)

    monkeypatch.setattr(convert, "to_record", spy)
    ears = Ears("kinship_interaction_logged")
    with runtime.bind(notifier=ears):
        ada = contacts.add("Ada Lovelace")
        interactions.log("Tea", [ada.uid], kind="meeting")
    assert built == []
    assert [hook for hook, _ in ears.heard] == ["kinship_interaction_logged"]


def test_bind_layers_and_restores() -> None:
    ears = Ears()
    outer = runtime.bind(strategies=[], today=date(2025, 1, 1))
    inner = runtime.bind(notifier=ears)
    assert runtime.current().strategies == []
    assert runtime.current().notifier is ears
    assert runtime.current().today == date(2025, 1, 1)
    inner.restore()
    assert runtime.current().notifier is None
    assert runtime.current().today == date(2025, 1, 1)
    outer.restore()
    assert runtime.current() == runtime.Binding()
    with pytest.raises(TypeError, match="notifier"):
        runtime.bind(notifier=object())  # type: ignore[arg-type]


def test_bound_strategies_are_asked_for_once_and_only_when_needed(unbound_store: Any) -> None:
    asked: list[int] = []

    def strategies() -> list[Strategy]:
        asked.append(1)
        return builtin_strategies()

    with runtime.bind(strategies=strategies):
        assert Contact.select().count() == 0  # reading needs no strategies
        assert asked == []
        ada = contacts.add("Ada Lovelace", cadence_days=7)
        contacts.add("Grace Hopper")
        assert asked == [1]
        assert followups.engine().names >= {"cadence", "occasions"}
    assert FollowUp.get(FollowUp.contact == ada.id).origin == "cadence"


def test_a_strategy_handed_by_the_caller_is_the_one_that_runs(unbound_store: Any) -> None:
    def suggest(snapshot: Any, today: date) -> list[Suggestion]:
        return [Suggestion(snapshot.uid, "wave", today, "say hi", 10)]

    with runtime.bind(strategies=[Strategy("hello", "waves", suggest)]):
        ada = contacts.add("Ada Lovelace")
        [item] = followups.due_items()
    assert (item.contact_uid, item.kind, item.strategy) == (ada.uid, "wave", "hello")


# --------------------------------------------------------------------------- the wiring


def test_wiring_loads_the_host_only_when_the_engine_or_a_notification_needs_it(
    db_path: Any,
) -> None:
    from kinship.config import Settings
    from kinship.plugins import PluginHost

    heard: list[str] = []

    class Listener:
        from kinship import hookimpl

        @hookimpl
        def kinship_contact_changed(self, contact: Any) -> None:
            heard.append(contact.display_name)

    loads: list[int] = []

    def load() -> PluginHost:
        loads.append(1)
        return PluginHost.for_plugins(Listener(), builtins=True)

    wiring = Wiring(db_path, settings=Settings(), load_host=load)
    try:
        wiring.store  # noqa: B018 - opens and binds
        assert runtime.current().notifier is wiring.notifier
        assert Contact.select().count() == 0
        assert loads == []
        contacts.add("Ada Lovelace")
        assert loads == [1]
        assert heard == ["Ada Lovelace"]
        assert "cadence" in followups.engine().names
    finally:
        wiring.close()
    assert runtime.current() == runtime.Binding()


def test_wiring_without_plugins_uses_the_builtins_and_notifies_nobody(db_path: Any) -> None:
    from kinship.config import Settings

    wiring = Wiring(db_path, settings=Settings())
    try:
        wiring.store  # noqa: B018
        assert wiring.host is None
        assert not _notify.wants("kinship_contact_changed")
        assert sorted(followups.engine().names) == sorted(s.name for s in builtin_strategies())
    finally:
        wiring.close()


def test_host_notifier_asks_the_host_once_it_is_loaded() -> None:
    from kinship.plugins import PluginHost

    host = PluginHost.for_plugins()
    assert HostNotifier(host).wants("kinship_contact_changed") is False
    assert HostNotifier(None).wants("kinship_contact_changed") is False
    lazy = HostNotifier(lambda: host, loaded=lambda: False)
    assert lazy.wants("kinship_contact_changed") is True  # cannot know yet: assume so
