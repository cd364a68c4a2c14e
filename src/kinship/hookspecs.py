"""The plugin contract: every hook kinship calls, with what it passes and expects.

Hooks use the registration-callback style (as in llm and datasette): kinship passes a
``register`` callable and the plugin calls it once per thing it provides. Plugins receive and
return the plain dataclasses of :mod:`kinship.records`, never database rows.

Implement a hook with a function of the same name marked ``@kinship.hookimpl``; it may leave
out arguments it does not use, but may not ask for others. Every hook is called through
:class:`kinship.plugins.PluginHost`, one implementation at a time: a plugin that raises is
disabled for the run and reported, and the others are still called. Registration hooks are
called once per run and their results kept; names must be unique across plugins (builtins
included). ``docs/plugin-hooks.md`` has a section per hook, and a test keeps it complete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from kinship.records import (
        ContactRecord,
        Exporter,
        FollowUpRecord,
        Importer,
        InteractionRecord,
        PaletteCommand,
        Strategy,
    )

hookspec = pluggy.HookspecMarker("kinship")


@hookspec
def kinship_register_importers(register: Callable[[Importer], None]) -> None:
    """Register importers: call ``register(Importer(...))`` once per file format.

    ``Importer.read(path)`` only parses (no database): it yields records with their source
    ``line`` and :class:`kinship.records.ImportProblem` for what it cannot read.
    ``Importer.sniff(path)``, if given, says from the start of the file whether it is in this
    format; ``kinship import`` tries ``--format``, then sniffing, then the suffix.

    :param register: takes a :class:`kinship.records.Importer`.
    """


@hookspec
def kinship_register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register exporters: call ``register(Exporter(...))`` once per output format.

    ``Exporter.write(bundle, path)`` receives a :class:`kinship.records.ExportBundle` of
    (possibly lazy) iterables of records and writes ``path``, atomically.

    :param register: takes a :class:`kinship.records.Exporter`.
    """


@hookspec
def kinship_register_followup_strategies(register: Callable[[Strategy], None]) -> None:
    """Register follow-up strategies: call ``register(Strategy(...))`` for each.

    ``Strategy.suggest(snapshot, today)`` is a pure function of a
    :class:`kinship.records.ContactSnapshot` and a date that returns
    :class:`kinship.records.Suggestion`\\ s: no database, no clock, no I/O.

    :param register: takes a :class:`kinship.records.Strategy`.
    """


@hookspec
def kinship_register_commands(cli: Any) -> None:
    """Add subcommands to the ``kinship`` command line.

    Called when the command given is not a builtin one, and for ``kinship --help`` (which
    lists plugin commands). A command's ``run(args, ctx)`` gets the parsed arguments and a
    :class:`kinship.cli.Context`; it reads and writes through :mod:`kinship.api` after
    ``ctx.open()``.

    :param cli: a :class:`kinship.cli.CommandRegistry`; call
        ``cli.command(name, help=..., configure=..., run=..., json_output=False)``.
    """


@hookspec
def kinship_palette_commands() -> Iterable[PaletteCommand]:  # type: ignore[empty-body]
    """Return command-palette entries for the TUI.

    ``PaletteCommand.run(app)`` is called on the UI thread with the running app; an
    ``async def`` run is a worker that may ``await kinship.api.call(app, func, ...)``.

    :return: an iterable of :class:`kinship.records.PaletteCommand`.
    """


@hookspec
def kinship_interaction_logged(interaction: InteractionRecord) -> None:
    """Called after an interaction has been saved (the transaction is committed).

    Runs on the thread that saved it, while the user waits: keep it quick.

    :param interaction: the interaction, participants given by contact UID.
    """


@hookspec
def kinship_contact_changed(contact: ContactRecord) -> None:
    """Called after a contact was created, updated, archived or merged into another.

    Runs on the thread that made the change (the transaction is committed): keep it quick.

    :param contact: the contact as it now is.
    """


@hookspec
def kinship_followups_due(followups: list[FollowUpRecord]) -> None:
    """Called with the follow-ups that became due since the last time notifiers were told:
    once per run of ``kinship due --notify`` (from cron, say), each follow-up once.

    ``followups`` are open, due today or earlier, most urgent first; each has its
    ``contact_name``, ``reason``, ``kind``, ``due`` and ``origin`` (the strategy). Send one
    digest, not one message per item. Raise when it could not be sent: kinship then keeps
    them for the next run (and disables the plugin for this one).

    :param followups: the newly due follow-ups, never empty.
    """


@hookspec
def kinship_followup_done(followup: FollowUpRecord) -> None:
    """Called after a follow-up was marked done (``kinship done``, the app's Today view).

    The interaction that did it is logged in the same transaction and reported with
    ``kinship_interaction_logged``. Runs on the thread that made the change: keep it quick.

    :param followup: the follow-up, ``status="done"``.
    """


@hookspec
def kinship_followup_snoozed(followup: FollowUpRecord) -> None:
    """Called after a contact was snoozed, once for each open follow-up the snooze hides.

    :param followup: the follow-up, ``status="snoozed"`` and ``snoozed_until`` set.
    """


@hookspec
def kinship_followup_dismissed(followup: FollowUpRecord) -> None:
    """Called after a follow-up was dismissed (for this occurrence: the next one comes back).

    :param followup: the follow-up, ``status="dismissed"``.
    """
