"""A follow-up strategy that raises is disabled, said once, and its suggestions withdrawn."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from kinship import hookimpl
from kinship.records import ContactSnapshot, Strategy, Suggestion


class Flaky:
    """A third-party strategy plugin whose behaviour the test switches."""

    __name__ = "flaky_plugin"

    def __init__(self) -> None:
        self.mode = "ok"

    def suggest(self, snapshot: ContactSnapshot, today: date) -> Any:
        if self.mode == "raise":
            raise ValueError("lost its config")
        due: Any = today if self.mode == "ok" else "tomorrow"
        if snapshot.display_name.startswith("Ada"):
            return [Suggestion(snapshot.uid, "flaky-nudge", due, "say hi")]
        return []

    @hookimpl
    def kinship_register_followup_strategies(self, register: Any) -> None:
        register(Strategy("flaky", "nudges Ada", suggest=self.suggest))


@pytest.fixture
def flaky(register_plugin: Any, kinship_cli: Any) -> Flaky:
    plugin = Flaky()
    register_plugin(plugin, name="flaky_plugin")
    assert kinship_cli("add", "Ada Lovelace").code == 0
    return plugin


def kinds(kinship_cli: Any) -> set[str]:
    result = kinship_cli("due", "--json")
    assert result.code == 0, result.err
    return {item["kind"] for item in result.json()}


def test_a_strategy_that_raises_is_disabled_and_its_suggestions_withdrawn(
    flaky: Flaky, kinship_cli: Any
) -> None:
    assert kinds(kinship_cli) == {"flaky-nudge"}

    flaky.mode = "raise"
    result = kinship_cli("due", "--json")
    assert result.code == 0
    assert result.json() == []  # its open suggestion is not listed any more
    assert result.err.splitlines() == [
        "kinship: plugin flaky_plugin disabled: follow-up strategy 'flaky' raised "
        "ValueError: lost its config"
    ]
    listing = kinship_cli("plugins", "--json")
    [info] = [p for p in listing.json() if p["name"] == "flaky_plugin"]
    assert (info["status"], info["error"]) == (
        "disabled",
        "follow-up strategy 'flaky' raised ValueError: lost its config",
    )

    # Withdrawn, not deleted: once it works again, its suggestion is back.
    flaky.mode = "ok"
    assert kinds(kinship_cli) == {"flaky-nudge"}


def test_a_malformed_suggestion_names_the_field(flaky: Flaky, kinship_cli: Any) -> None:
    flaky.mode = "bad-due"
    result = kinship_cli("due")
    assert result.code == 0
    [line] = result.err.splitlines()
    assert line.startswith("kinship: plugin flaky_plugin disabled: follow-up strategy 'flaky' ")
    assert "due: expected a date, got str 'tomorrow'" in line


def test_a_strategy_not_loaded_keeps_its_rows(flaky: Flaky, kinship_cli: Any) -> None:
    """Not loaded (--no-plugins) is not failed: nothing is said, and the rows come back."""
    assert kinds(kinship_cli) == {"flaky-nudge"}
    result = kinship_cli("due", "--json", "--no-plugins")
    assert (result.code, result.err) == (0, "")
    assert kinds(kinship_cli) == {"flaky-nudge"}


def test_engine_trial_catches_a_strategy_that_always_raises() -> None:
    from kinship.services.followups.engine import sample_snapshots, trial

    good = Strategy("good", "", suggest=lambda s, t: [Suggestion(s.uid, "x", t, "ok")])

    def boom(s: ContactSnapshot, t: date) -> list[Suggestion]:
        raise ZeroDivisionError("division by zero")

    def high(s: ContactSnapshot, t: date) -> list[Suggestion]:
        return [Suggestion(s.uid, "x", t + timedelta(1), "", "high")]  # type: ignore[arg-type]

    bad = Strategy("bad", "", suggest=boom)
    late = Strategy("late", "", suggest=high)
    assert trial([good, bad, late]) == {
        "bad": "ZeroDivisionError: division by zero",
        "late": "ValueError: invalid Suggestion for 'kinship-sample-1': priority: expected a "
        "whole number, got str 'high'",
    }
    assert [s.display_name for s in sample_snapshots()] == ["Sample Person", "Sample Friend"]
