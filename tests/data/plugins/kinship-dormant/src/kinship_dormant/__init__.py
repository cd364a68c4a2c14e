"""kinship-dormant: reconnect with people you used to talk to and have not for a while."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kinship import api, hookimpl
from kinship.records import (
    ContactSnapshot,
    FollowUpRecord,
    PaletteCommand,
    Strategy,
    Suggestion,
)

NAME = "dormant"
DAYS = 180
MIN_INTERACTIONS = 3


def _setting(snapshot: ContactSnapshot, key: str, default: int) -> int:
    value = snapshot.settings.get(NAME, {}).get(key, default)
    return (
        value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default
    )


def suggest(snapshot: ContactSnapshot, today: date) -> Iterator[Suggestion]:
    """A ``reconnect`` for someone you talked to often enough, and not for ``days`` days."""
    if snapshot.archived or snapshot.last_interaction_at is None:
        return
    days = _setting(snapshot, "days", DAYS)
    if snapshot.interaction_count < _setting(snapshot, "min_interactions", MIN_INTERACTIONS):
        return
    silent = (today - snapshot.last_interaction_at.date()).days
    if silent >= days:
        yield Suggestion(
            snapshot.uid,
            "reconnect",
            today,
            f"{snapshot.interaction_count} conversations, then {silent} days of silence",
            priority=70,
        )


@hookimpl
def kinship_register_followup_strategies(register: Callable[[Strategy], None]) -> None:
    register(
        Strategy(
            NAME,
            "reconnect with people you used to talk to",
            suggest=suggest,
            group="Dormant ties",
            done_as={"reconnect": "message"},
        )
    )


@hookimpl
def kinship_register_commands(cli: Any) -> None:
    def configure(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--days", type=int, default=DAYS, help="silent for this long")

    cli.command(
        "dormant",
        help="people you have not talked to for a while",
        configure=configure,
        run=run_dormant,
    )


def dormant_people(days: int) -> list[Any]:
    """Contacts you talked to once, not for ``days`` days, longest silent first."""
    cutoff = api.today() - timedelta(days=days)
    people = api.contacts(sort="recent", limit=0)
    quiet = [
        p
        for p in people
        if p.last_interaction_at is not None and p.last_interaction_at.date() <= cutoff
    ]
    return sorted(quiet, key=lambda p: p.last_interaction_at)


def run_dormant(args: argparse.Namespace, ctx: Any) -> int:
    ctx.open()
    for person in dormant_people(args.days):
        ctx.print(f"{person.last_interaction_at:%Y-%m-%d}  {person.display_name}")
    return 0


@hookimpl
def kinship_palette_commands() -> list[PaletteCommand]:
    async def count(app: Any) -> None:
        people = await api.call(app, dormant_people, DAYS)
        app.notify(f"{len(people)} dormant ties")

    return [PaletteCommand("Dormant ties: count", "people silent for half a year", run=count)]


@hookimpl
def kinship_followup_done(followup: FollowUpRecord) -> None:
    if followup.origin != NAME:
        return
    log = api.config("dormant").get("log")
    if isinstance(log, str) and log:
        with Path(log).expanduser().open("a", encoding="utf-8") as fh:
            fh.write(f"{followup.due.isoformat()}  {followup.contact_name}\n")
