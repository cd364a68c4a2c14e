"""Placeholder: these commands land with their issue."""

from __future__ import annotations

from kinship.cli import CommandRegistry


def register(cli: CommandRegistry) -> None:
    return None
