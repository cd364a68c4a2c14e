"""The plugin contract: every hook kinship calls, with what it passes and expects.

Hooks use the registration-callback style (as in llm and datasette): kinship passes a
``register`` callable and the plugin calls it once per thing it provides. Plugins receive and
return the plain dataclasses of :mod:`kinship.records`, never database rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from kinship.records import (
        ContactRecord,
        Exporter,
        Importer,
        InteractionRecord,
        PaletteCommand,
        Strategy,
    )

hookspec = pluggy.HookspecMarker("kinship")


@hookspec
def kinship_register_importers(register: Callable[[Importer], None]) -> None:
    """Register importers: call ``register(Importer(...))`` once per file format.

    :param register: takes a :class:`kinship.records.Importer`.
    """


@hookspec
def kinship_register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register exporters: call ``register(Exporter(...))`` once per output format.

    :param register: takes a :class:`kinship.records.Exporter`.
    """


@hookspec
def kinship_register_followup_strategies(register: Callable[[Strategy], None]) -> None:
    """Register follow-up strategies: call ``register(Strategy(...))`` for each.

    :param register: takes a :class:`kinship.records.Strategy`.
    """


@hookspec
def kinship_register_commands(cli: Any) -> None:
    """Add subcommands to the ``kinship`` command line.

    :param cli: a :class:`kinship.cli.CommandRegistry`; call
        ``cli.command(name, help=..., configure=..., run=...)``.
    """


@hookspec
def kinship_palette_commands() -> Iterable[PaletteCommand]:
    """Return command-palette entries for the TUI.

    :return: an iterable of :class:`kinship.records.PaletteCommand`.
    """


@hookspec
def kinship_interaction_logged(interaction: InteractionRecord) -> None:
    """Called after an interaction has been saved (the transaction is committed).

    :param interaction: the interaction, participants given by contact UID.
    """


@hookspec
def kinship_contact_changed(contact: ContactRecord) -> None:
    """Called after a contact was created, updated, archived or merged into another.

    :param contact: the contact as it now is.
    """
