"""The database itself: where it is, upgrading it, backing it up."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from kinship.cli import CommandRegistry, Context, UsageError


def register(cli: CommandRegistry) -> None:
    cli.command(
        "db",
        help="database: `db path`, `db upgrade`, or `db copy SOURCE TARGET`",
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
    p.add_argument("action", choices=("path", "upgrade", "copy"))
    p.add_argument(
        "source", nargs="?", metavar="SOURCE", help="copy: the store to read (a path or URL)"
    )
    p.add_argument(
        "dest",
        nargs="?",
        metavar="TARGET",
        help="copy: the database to fill (a path or URL; created and migrated if needed)",
    )
    p.add_argument(
        "--force", action="store_true", help="copy: replace what the target already holds"
    )


def cmd_db(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.config import describe_target

    if args.action == "copy":
        return _copy(args, ctx)
    if args.source is not None or args.force:
        raise UsageError(f"`db {args.action}` takes no other arguments")
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
    ctx.wiring.adopt(store)
    version = migrations.schema_version(store)
    if args.json:
        ctx.json(
            {"schema_version": version, "latest": migrations.latest(), "upgraded": bool(applied)}
        )
    else:
        ctx.print(
            f"schema {version} (latest {migrations.latest()})"
            + ("; upgraded, backup kept beside the database" if applied else "; up to date")
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


def _copy(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.config import describe_target
    from kinship.services import database

    if not args.source or not args.dest:
        raise UsageError("usage: kinship db copy SOURCE TARGET [--force]")
    with _copy_progress(ctx) as progress:
        report = database.copy(args.source, args.dest, force=args.force, progress=progress)
    target = describe_target(args.dest)
    if args.json:
        ctx.json({"target": target, "rows": report.rows, "total": report.total})
    else:
        ctx.print(f"copied {report.total} rows to {target}")
    return 0


@contextlib.contextmanager
def _copy_progress(ctx: Context) -> Iterator[Callable[[str, int, int], None] | None]:
    """A count per table rewritten in place on stderr when it is a terminal (plain text: the
    CLI never imports Rich); a line per table otherwise."""
    isatty = getattr(ctx.err, "isatty", None)
    if not (callable(isatty) and isatty()):

        def line(table: str, done: int, total: int) -> None:
            if done == total:
                ctx.err.write(f"copied {table}: {done} rows\n")

        yield line
        return

    def update(table: str, done: int, total: int) -> None:
        ctx.err.write(f"\r\x1b[2Kcopying {table}: {done:,}/{total:,} rows")
        ctx.err.flush()

    try:
        yield update
    finally:
        ctx.err.write("\r\x1b[2K")
        ctx.err.flush()
