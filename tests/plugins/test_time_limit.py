"""Hooks run on a helper thread with a time limit: a plugin that blocks is skipped, reported
once and disabled for the run; fast hooks behave exactly as if called directly."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from kinship import hookimpl
from kinship.config import Settings
from kinship.plugin_calls import DEFAULT_LIMIT, CallRunner, TooSlow, time_limit
from kinship.plugins import PluginHost
from kinship.records import Strategy


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    """What a blocked plugin waits on; opened at the end so no thread outlives the test."""
    event = threading.Event()
    yield event
    event.set()


class Blocker:
    def __init__(self, gate: threading.Event) -> None:
        self.gate = gate
        self.entered = threading.Event()
        self.calls = 0

    @hookimpl
    def kinship_contact_changed(self, contact: Any) -> None:
        self.calls += 1
        self.entered.set()
        self.gate.wait()


class Listener:
    def __init__(self) -> None:
        self.heard: list[Any] = []
        self.threads: set[str] = set()

    @hookimpl
    def kinship_contact_changed(self, contact: Any) -> None:
        self.heard.append(contact)
        self.threads.add(threading.current_thread().name)


def test_a_blocking_listener_is_skipped_reported_once_and_disabled(
    gate: threading.Event,
) -> None:
    err = io.StringIO()
    blocker, listener = Blocker(gate), Listener()
    host = PluginHost.for_plugins(blocker, listener, err=err)
    host.calls.limit = 0.2
    seen: list[str] = []
    host.on_disable = seen.append

    host.notify("kinship_contact_changed", "first")
    host.notify("kinship_contact_changed", "second")

    assert blocker.entered.is_set()
    assert blocker.calls == 1  # disabled after the first: never called again
    assert listener.heard == ["first", "second"]  # the others still hear everything
    info = next(i for i in host.infos() if i.name == "Blocker")
    assert info.status == "disabled"
    assert "kinship_contact_changed took longer than 0.2 s" in (info.error or "")
    assert err.getvalue().count("took longer than 0.2 s") == 1
    assert len(seen) == 1 and "Blocker" in seen[0]
    assert host.reported == seen
    assert host.calls.abandoned == 1


def test_hooks_run_off_the_callers_thread_and_results_come_back() -> None:
    listener = Listener()
    host = PluginHost.for_plugins(listener, builtins=["kinship.builtin.strategies"])
    host.notify("kinship_contact_changed", "x")
    assert listener.threads and threading.current_thread().name not in listener.threads
    assert {s.name for s in host.strategies()} >= {"cadence"}
    assert all(isinstance(s, Strategy) for s in host.strategies())


def test_an_exception_in_the_helper_thread_disables_as_before() -> None:
    class Broken:
        @hookimpl
        def kinship_contact_changed(self, contact: Any) -> None:
            raise RuntimeError("boom")

    err = io.StringIO()
    host = PluginHost.for_plugins(Broken(), err=err)
    host.notify("kinship_contact_changed", "x")
    assert "kinship_contact_changed raised RuntimeError: boom" in err.getvalue()


def test_runner_reuses_helpers_and_abandons_only_the_slow_one(gate: threading.Event) -> None:
    runner = CallRunner(0.2)
    assert runner.call(lambda: 1) == 1
    assert runner.call(lambda: 2) == 2
    assert runner._started == 1  # one helper, reused
    with pytest.raises(TooSlow):
        runner.call(gate.wait)
    assert runner.abandoned == 1
    assert runner.call(lambda: 3) == 3  # a fresh helper for the next call
    assert runner._started == 2
    with pytest.raises(ValueError, match="bad"):
        runner.call(lambda: (_ for _ in ()).throw(ValueError("bad")))


def test_a_call_made_inside_a_plugin_call_runs_inline() -> None:
    runner = CallRunner(5)
    outer: list[str] = []

    def inner() -> str:
        return threading.current_thread().name

    def call_twice() -> str:
        outer.append(threading.current_thread().name)
        return str(runner.call(inner))

    assert runner.call(call_twice) == outer[0]  # the same helper thread, no deadlock


def test_limit_zero_calls_inline() -> None:
    runner = CallRunner(0)
    assert runner.call(lambda: threading.current_thread().name) == threading.current_thread().name


@pytest.mark.parametrize(
    ("env", "config", "want"),
    [
        ({}, None, DEFAULT_LIMIT),
        ({"KINSHIP_PLUGIN_TIME_LIMIT": "0.5"}, None, 0.5),
        ({"KINSHIP_PLUGIN_TIME_LIMIT": "0"}, None, 0.0),
        ({}, {"plugins": {"time_limit": 12}}, 12.0),
        ({"KINSHIP_PLUGIN_TIME_LIMIT": "3"}, {"plugins": {"time_limit": 12}}, 3.0),
        # A typo never turns the limit off: the next source, else the default.
        ({"KINSHIP_PLUGIN_TIME_LIMIT": "soon"}, {"plugins": {"time_limit": 7}}, 7.0),
        ({"KINSHIP_PLUGIN_TIME_LIMIT": "-1"}, None, DEFAULT_LIMIT),
        ({}, {"plugins": {"time_limit": "nan"}}, DEFAULT_LIMIT),
        ({}, {"plugins": "fast"}, DEFAULT_LIMIT),
    ],
)
def test_time_limit_setting(env: dict[str, str], config: Any, want: float) -> None:
    settings = Settings(raw=config or {})
    assert time_limit(settings, env) == want


def test_the_cli_reports_a_slow_listener_and_finishes(
    register_plugin: Any, kinship_cli: Any, gate: threading.Event, monkeypatch: Any
) -> None:
    monkeypatch.setenv("KINSHIP_PLUGIN_TIME_LIMIT", "0.2")
    blocker = Blocker(gate)
    register_plugin(blocker, name="blocker")
    result = kinship_cli("add", "Ada Lovelace")
    assert result.code == 0
    assert blocker.entered.is_set()
    assert result.err.count("plugin blocker disabled: kinship_contact_changed took longer") == 1
    assert kinship_cli("contacts", "--json").json()[0]["display_name"] == "Ada Lovelace"
