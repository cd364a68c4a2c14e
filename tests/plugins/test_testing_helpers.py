"""kinship.testing's helpers, as a plugin author uses them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from kinship.records import Strategy, Suggestion
from kinship.testing import TODAY, kinship_config, kinship_today, snapshot, snapshots_from_store
from kinship.testing import suggest as run_strategy

__all__ = ["kinship_config", "kinship_today"]


def test_snapshot_fills_what_the_engine_would() -> None:
    days: list[date | tuple[date, str]] = [
        date(2026, 1, 1),
        (date(2026, 2, 1), "help-received"),
        date(2026, 3, 1),
    ]
    snap = snapshot("Grace Hopper", cadence_days=30, interactions=days)
    assert snap.uid == "test-grace-hopper"
    assert snap.interaction_dates == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert snap.interaction_count == 3
    assert snap.last_interaction_at == datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert set(snap.last_by_kind) == {"meeting", "help-received"}
    assert (snap.given, snap.received, snap.cadence_days) == (0, 1, 30)


def test_suggest_checks_each_suggestion_like_kinship() -> None:
    good = Strategy("good", "", suggest=lambda s, t: [Suggestion(s.uid, "x", t, "why")])
    assert [s.reason for s in run_strategy(good, snapshot(), TODAY)] == ["why"]
    bad = Strategy("bad", "", suggest=lambda s, t: [Suggestion(s.uid, "x", "soon", "why")])  # type: ignore[arg-type]
    with pytest.raises(AssertionError, match="due: expected a date, got str 'soon'"):
        run_strategy(bad, snapshot(), TODAY)


@pytest.mark.kinship_today("2026-03-10")
def test_today_is_fixed_for_the_cli_and_the_services(kinship_today: date, kinship_cli: Any) -> None:
    from kinship import api

    assert kinship_today == date(2026, 3, 10) == api.today()
    assert kinship_cli("add", "Ada Lovelace", "--every", "7").code == 0
    log_day = (kinship_today - timedelta(days=10)).isoformat()
    assert kinship_cli("log", "Call", "--with", "Ada", "--date", log_day).code == 0
    [item] = kinship_cli("due", "--json").json()
    assert item["due"] == (kinship_today - timedelta(days=3)).isoformat()
    [snap] = snapshots_from_store(["Ada"])
    assert snap.display_name == "Ada Lovelace" and snap.interaction_count == 1


def test_kinship_config_is_what_the_plugins_read(kinship_config: Any, kinship_cli: Any) -> None:
    from kinship import api

    kinship_config("[my-plugin]\nanswer = 42\n")
    assert kinship_cli("contacts").code == 0
    assert api.config("my-plugin") == {"answer": 42}
