"""``kinship plugins [--all] [--json]``: which plugins are installed, and whether they work."""

from __future__ import annotations

import argparse
from typing import Any

from kinship.cli import CommandRegistry, Context, build_parser
from kinship.text import visible


def register(cli: CommandRegistry) -> None:
    cli.command(
        "plugins",
        help="list installed plugins: name, version, hooks, status (and why one is disabled)",
        run=cmd_plugins,
        configure=_plugins_args,
        json_output=True,
    )


def _plugins_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--all", action="store_true", help="include the builtin plugins")


def cmd_plugins(args: argparse.Namespace, ctx: Context) -> int:
    host = ctx.host
    # Call every registration hook once (commands too, through our parser), so a plugin
    # that raises in one is listed as such; then ask each strategy once.
    host.check(register_commands=build_parser)
    try_strategies(host, ctx.settings)
    infos = [i for i in host.infos() if args.all or not i.builtin]
    if args.json:
        ctx.json([i.to_json() for i in infos])
        return 0
    if not infos:
        ctx.print("no third-party plugins installed (--all lists the builtin ones too)")
        return 0
    rows = [_row(i) for i in infos]
    widths = [max(len(r[n]) for r in rows) for n in range(3)]
    for row in rows:
        cells = [row[n].ljust(widths[n]) for n in range(3)]
        ctx.print("  ".join([*cells, row[3]]).rstrip())
    return 0


def _row(info: Any) -> tuple[str, str, str, str]:
    dist = " ".join(x for x in (info.distribution or "", info.version or "") if x)
    if info.builtin:
        dist += " (builtin)"
    hooks = ",".join(h.removeprefix("kinship_") for h in info.hooks) or "-"
    status = info.status if not info.error else f"{info.status}: {info.error}"
    return visible(info.name), visible(dist), visible(hooks), visible(status)


def try_strategies(host: Any, settings: Any = None) -> None:
    """Ask every strategy about two made-up people once: one that raises or suggests
    something malformed is disabled, with its reason, as it would be in a real run."""
    from kinship.services.followups.engine import trial

    for name, error in trial(host.strategies(), settings).items():
        host.disable_strategy(name, error)
