from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import kinship_dormant
import pytest

from kinship.testing import snapshot, suggest

TODAY = date(2026, 6, 15)


def strategy() -> Any:
    found: list[Any] = []
    kinship_dormant.kinship_register_followup_strategies(found.append)
    return found[0]


def test_a_dormant_tie_gets_a_reconnect() -> None:
    old = [TODAY - timedelta(days=d) for d in (400, 300, 200)]
    [got] = suggest(strategy(), snapshot("Ada", interactions=old), TODAY)
    assert (got.kind, got.due) == ("reconnect", TODAY)
    assert got.reason == "3 conversations, then 200 days of silence"


def test_recent_or_rare_ties_get_nothing() -> None:
    recent = [TODAY - timedelta(days=d) for d in (400, 300, 10)]
    rare = [TODAY - timedelta(days=d) for d in (400, 300)]
    assert suggest(strategy(), snapshot("Ada", interactions=recent), TODAY) == []
    assert suggest(strategy(), snapshot("Ada", interactions=rare), TODAY) == []
    settings = {"dormant": {"min_interactions": 2}}
    assert suggest(strategy(), snapshot("Ada", interactions=rare, settings=settings), TODAY)


def seed(kinship_cli: Any) -> None:
    assert kinship_cli("add", "Ada Lovelace").code == 0
    assert kinship_cli("add", "Grace Hopper").code == 0
    for ago in (400, 300, 200):
        day = (TODAY - timedelta(days=ago)).isoformat()
        assert kinship_cli("log", "Coffee", "--with", "Ada", "--date", day).code == 0
    assert kinship_cli("log", "Call", "--with", "Grace", "--kind", "call").code == 0


@pytest.mark.kinship_today(TODAY)
def test_today_has_a_dormant_ties_group_and_done_logs_a_message(
    register_plugin: Any, kinship_cli: Any, kinship_today: date, kinship_config: Any, tmp_path: Path
) -> None:
    register_plugin(kinship_dormant)
    log = tmp_path / "reconnected.txt"
    kinship_config(f'[dormant]\nlog = "{log}"\n')
    seed(kinship_cli)
    groups = kinship_cli("today", "--json").json()
    assert [(g["title"], [i["contact"]["display_name"] for i in g["items"]]) for g in groups] == [
        ("Dormant ties", ["Ada Lovelace"])
    ]
    done = kinship_cli("done", "Ada", "--json")
    assert done.json()["interaction"]["kind"] == "message"
    assert log.read_text(encoding="utf-8") == f"{TODAY.isoformat()}  Ada Lovelace\n"


@pytest.mark.kinship_today(TODAY)
def test_the_command_lists_them(
    register_plugin: Any, kinship_cli: Any, kinship_today: date
) -> None:
    register_plugin(kinship_dormant)
    seed(kinship_cli)
    result = kinship_cli("dormant", "--days", "100")
    assert result.code == 0, result.err
    assert result.out.split() == [(TODAY - timedelta(days=200)).isoformat(), "Ada", "Lovelace"]


@pytest.mark.kinship_today(TODAY)
def test_the_palette_entry_awaits_the_database(kinship_cli: Any, kinship_today: date) -> None:
    seed(kinship_cli)

    class App:  # what api.call needs of the app: db(func, ...) on its database thread
        def __init__(self) -> None:
            self.said: list[str] = []

        async def db(self, func: Any, *args: Any, **kwargs: Any) -> Any:
            return func(*args, **kwargs)

        def notify(self, text: str) -> None:
            self.said.append(text)

    [entry] = kinship_dormant.kinship_palette_commands()
    app = App()
    asyncio.run(entry.run(app))
    assert app.said == ["1 dormant ties"]
