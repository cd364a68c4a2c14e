"""The database itself: where it is, upgrading it, backing it up."""

from __future__ import annotations

import argparse
from pathlib import Path

from kinship.cli import CommandRegistry, Context, UsageError


def register(cli: CommandRegistry) -> None:
    cli.command(
        "db",
        help="database: `db path` or `db upgrade`",
        run=cmd_db,
        configure=_db_args,
        json_output=True,
    )
    cli.command(
        "backup",
        help="copy the database to a file (SQLite online backup)",
        run=cmd_backup,
        configure=_backup_args,
    )


def _db_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("path", "upgrade"))


def cmd_db(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.config import describe_target

    if args.action == "path":
        target = ctx.target
        if args.json:
            ctx.json({"target": describe_target(target)})
        else:
            ctx.print(describe_target(target))
        return 0
    from kinship.errors import StoreError
    from kinship.store import migrations, open_store

    # Open without upgrading first to report what changes; then apply with a backup.

    try:
        store = open_store(ctx.target, upgrade=False)
        applied: list[str] = []
    except StoreError as exc:
        if "needs an upgrade" not in str(exc):
            raise
        store = open_store(ctx.target, upgrade=True)
        applied = ["upgraded"]
    ctx._store = store
    version = migrations.schema_version(store)
    backup = store.upgrade_backup
    if args.json:
        ctx.json(
            {
                "schema_version": version,
                "latest": migrations.latest(),
                "upgraded": bool(applied),
                "backup": str(backup) if backup else None,
            }
        )
    else:
        ctx.print(
            f"schema {version} (latest {migrations.latest()})"
            + (f"; upgraded, a copy of the old one is at {backup}" if applied else "; up to date")
        )
    return 0


def _backup_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="where to write the copy (must not exist)")


def cmd_backup(args: argparse.Namespace, ctx: Context) -> int:
    dest = Path(args.path).expanduser()
    if dest.is_dir():
        raise UsageError(f"{dest} is a folder; give a file name")
    ctx.store.backup_to(dest)
    ctx.print(f"backed up to {dest}")
    return 0
