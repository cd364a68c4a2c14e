"""Follow-up lifecycle hooks, ``kinship due --notify``, named Today groups and ``done_as``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from kinship import hookimpl
from kinship.records import ContactSnapshot, FollowUpRecord, Strategy, Suggestion

TODAY = date(2026, 3, 10)


class Listener:
    """A notifier plugin that writes down what it hears; ``fail`` makes the digest raise."""

    __name__ = "listener_plugin"

    def __init__(self) -> None:
        self.heard: list[tuple[str, Any]] = []
        self.fail = False

    @hookimpl
    def kinship_followups_due(self, followups: list[FollowUpRecord]) -> None:
        if self.fail:
            raise ConnectionError("ntfy.sh unreachable")
        self.heard.append(("due", [(f.contact_name, f.kind, f.due) for f in followups]))

    @hookimpl
    def kinship_followup_done(self, followup: FollowUpRecord) -> None:
        self.heard.append(("done", (followup.contact_name, followup.kind, followup.status)))

    @hookimpl
    def kinship_followup_snoozed(self, followup: FollowUpRecord) -> None:
        self.heard.append(("snoozed", (followup.contact_name, followup.snoozed_until)))

    @hookimpl
    def kinship_followup_dismissed(self, followup: FollowUpRecord) -> None:
        self.heard.append(("dismissed", (followup.contact_name, followup.status)))


def reconnect(snapshot: ContactSnapshot, today: date) -> list[Suggestion]:
    if snapshot.display_name.startswith(("Ada", "Bob")):
        return [Suggestion(snapshot.uid, "reconnect", today, "an old friend")]
    return []


class Reconnect:
    """A strategy plugin that names its Today group and what ``done`` logs."""

    __name__ = "reconnect_plugin"

    @hookimpl
    def kinship_register_followup_strategies(self, register: Any) -> None:
        register(
            Strategy(
                "reconnect",
                "old friends",
                suggest=reconnect,
                group="Old friends",
                done_as={"reconnect": "call"},
            )
        )


@pytest.fixture
def listener(register_plugin: Any, kinship_cli: Any, monkeypatch: pytest.MonkeyPatch) -> Listener:
    plugin = Listener()
    register_plugin(plugin, name="listener_plugin")
    register_plugin(Reconnect(), name="reconnect_plugin")
    monkeypatch.setattr("kinship.wiring.FIXED_TODAY", TODAY)
    for name in ("Ada Lovelace", "Bob Babbage", "Cy Clerk"):
        assert kinship_cli("add", name).code == 0
    return plugin


def test_due_notify_tells_notifiers_each_item_once(listener: Listener, kinship_cli: Any) -> None:
    dry = kinship_cli("due", "--notify", "--dry-run")
    assert dry.code == 0, dry.err
    assert dry.out.splitlines()[0] == "would notify: 2 follow-ups newly due"
    assert listener.heard == []

    first = kinship_cli("due", "--notify")
    assert first.code == 0, first.err
    assert listener.heard == [
        ("due", [("Ada Lovelace", "reconnect", TODAY), ("Bob Babbage", "reconnect", TODAY)])
    ]
    again = kinship_cli("due", "--notify")
    assert (again.code, again.out) == (0, "")
    assert len(listener.heard) == 1  # never the same item twice

    # A new one: only it is sent.
    assert kinship_cli("add", "Ada Byron").code == 0
    assert kinship_cli("due", "--notify", "--json").json()[0]["contact"]["display_name"] == (
        "Ada Byron"
    )
    assert listener.heard[-1] == ("due", [("Ada Byron", "reconnect", TODAY)])


def test_a_failed_digest_is_sent_on_the_next_run(listener: Listener, kinship_cli: Any) -> None:
    listener.fail = True
    failed = kinship_cli("due", "--notify")
    assert failed.code == 1
    assert "ConnectionError: ntfy.sh unreachable" in failed.err
    assert failed.err.splitlines()[-1] == (
        "kinship: not sent by listener_plugin; they will be sent on the next run"
    )
    listener.fail = False
    assert kinship_cli("due", "--notify").code == 0
    assert [n for n, _, _ in listener.heard[0][1]] == ["Ada Lovelace", "Bob Babbage"]


def test_due_notify_without_a_notifier_says_so(kinship_cli: Any) -> None:
    result = kinship_cli("due", "--notify")
    assert result.code == 1
    assert "no notifier plugin is installed" in result.err
    assert kinship_cli("due", "--dry-run").code == 2


def test_done_snooze_dismiss_are_told_and_done_logs_the_strategy_s_kind(
    listener: Listener, kinship_cli: Any
) -> None:
    done = kinship_cli("done", "Ada", "--json")
    assert done.code == 0, done.err
    assert done.json()["interaction"]["kind"] == "call"  # the strategy's done_as
    assert kinship_cli("dismiss", "Bob").code == 0
    until = TODAY + timedelta(days=14)
    assert kinship_cli("snooze", "Cy", "--until", until.isoformat()).code == 0
    assert kinship_cli("add", "Bob Newhart").code == 0
    assert kinship_cli("snooze", "Bob Newhart", "--until", until.isoformat()).code == 0
    assert listener.heard == [
        ("done", ("Ada Lovelace", "reconnect", "done")),
        ("dismissed", ("Bob Babbage", "dismissed")),
        # Cy has nothing open: snoozing hides nothing, so nothing is said.
        ("snoozed", ("Bob Newhart", until)),
    ]


def test_a_strategy_names_its_today_group(listener: Listener, kinship_cli: Any) -> None:
    result = kinship_cli("today", "--json")
    assert result.code == 0, result.err
    groups = {g["title"]: [i["contact"]["display_name"] for i in g["items"]] for g in result.json()}
    assert groups == {"Old friends": ["Ada Lovelace", "Bob Babbage"]}
    assert [g["group"] for g in result.json()] == ["strategy:old-friends"]


def test_done_as_must_name_an_interaction_kind(plugin_host: Any) -> None:
    class Bad:
        __name__ = "bad_done_as"

        @hookimpl
        def kinship_register_followup_strategies(self, register: Any) -> None:
            register(Strategy("bad", "", suggest=reconnect, done_as={"x": "hug"}))

    host = plugin_host(Bad())
    assert host.strategies() == []
    [info] = host.infos()
    assert info.status == "disabled"
    assert "done_as['x'] = 'hug' is not an interaction kind" in (info.error or "")


def test_changes_must_be_callable(plugin_host: Any) -> None:
    class Bad:
        __name__ = "bad_changes"

        @hookimpl
        def kinship_register_followup_strategies(self, register: Any) -> None:
            register(Strategy("bad", "", suggest=reconnect, changes=date(2026, 1, 1)))  # type: ignore[arg-type]

    host = plugin_host(Bad())
    assert host.strategies() == []
    [info] = host.infos()
    assert info.status == "disabled"
    assert "changes is not callable" in (info.error or "")


def test_plugin_commands_are_in_kinship_help(
    register_plugin: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from kinship.cli import main

    class Hello:
        __name__ = "hello_plugin"

        @hookimpl
        def kinship_register_commands(self, cli: Any) -> None:
            cli.command("hello", help="say hello", run=lambda args, ctx: ctx.print("hi"))

    register_plugin(Hello(), name="hello_plugin")
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    [line] = [ln for ln in out.splitlines() if ln.strip().startswith("hello")]
    assert line.split() == ["hello", "say", "hello", "[hello_plugin]"]
    assert "contacts" in out
    # --no-plugins: builtins only, as for any command.
    assert main(["--help", "--no-plugins"]) == 0
    assert "hello" not in capsys.readouterr().out.split()
