"""The database itself: where it is, upgrading it, backing it up."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import glob
from collections.abc import Callable, Iterator
from pathlib import Path

from kinship.cli import CommandRegistry, Context, UsageError
from kinship.text import visible


def register(cli: CommandRegistry) -> None:
    cli.command(
        "db",
        help=(
            "database: `db path`, `db upgrade`, `db check`, `db copy SOURCE TARGET`, "
            "or `db demo FILE`"
        ),
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
    p.add_argument("action", choices=("path", "upgrade", "check", "copy", "demo"))
    p.add_argument(
        "source",
        nargs="?",
        metavar="SOURCE",
        help="copy: the store to read (a path or URL); demo: the file to write",
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
    p.add_argument(
        "--quick",
        action="store_true",
        help="check: SQLite's quick_check instead of the full integrity_check",
    )


def cmd_db(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.config import describe_target

    if args.action == "copy":
        return _copy(args, ctx)
    if args.action == "demo":
        return _demo(args, ctx)
    if args.source is not None or args.force or (args.quick and args.action != "check"):
        raise UsageError(f"`db {args.action}` takes no other arguments")
    if args.action == "path":
        target = ctx.target
        if args.json:
            ctx.json({"target": describe_target(target)})
        else:
            ctx.print(describe_target(target))
        return 0
    if args.action == "check":
        return _check(args, ctx)
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


def _check(args: argparse.Namespace, ctx: Context) -> int:
    """Read the file directly (never through open_store: no upgrade, works when it fails)."""
    from kinship.errors import StoreError
    from kinship.store.check import check_file
    from kinship.store.db import _sqlite_path

    path = _sqlite_path(ctx.target)
    if path is None:
        raise StoreError("db check works on SQLite database files (use the server's tools)")
    report = check_file(path, quick=args.quick)
    backups = sorted(
        path.parent.glob(glob.escape(path.name) + ".*.bak"), key=lambda p: p.stat().st_mtime
    )
    if args.json:
        ctx.json(
            {
                "path": str(path),
                "ok": report.ok,
                "quick": report.quick,
                "rows_checked": report.rows_checked,
                "problems": [p.to_dict() for p in report.problems],
                "truncated": report.truncated,
                "backups": [str(b) for b in backups],
            }
        )
        return 0 if report.ok else 1
    pragma = "quick_check" if report.quick else "integrity_check"
    if report.ok:
        ctx.print(f"{path}: ok ({pragma}, {report.rows_checked} rows read)")
        return 0
    for problem in report.problems:
        ctx.print(visible(str(problem)))
    more = " (stopped there; there may be more)" if report.truncated else ""
    advice = f"; the newest copy beside it is {backups[-1]}" if backups else "; restore a backup"
    ctx.print(f"{path}: {len(report.problems)} problem(s){more}{advice}")
    return 1


def _demo(args: argparse.Namespace, ctx: Context) -> int:
    """``db demo FILE``: the demo store written to a file, so examples can be reproduced."""
    if not args.source or args.dest is not None or args.force or args.quick:
        raise UsageError("usage: kinship db demo FILE")
    if "://" in args.source:
        raise UsageError("db demo writes a SQLite file; `db copy` it to a server after")
    path = Path(args.source).expanduser()
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name")
    if path.exists() and path.stat().st_size > 0:
        raise UsageError(f"{path} already exists and is not empty; give a new file")
    from kinship.cli.sample import write_demo

    report = write_demo(path, settings=ctx.settings)
    if args.json:
        ctx.json({"path": str(path), **dataclasses.asdict(report)})
    else:
        ctx.print(
            f"wrote the demo store to {path}: {report.contacts} people, "
            f"{report.interactions} interactions, {report.notes} notes, {report.events} events, "
            f"{report.relationships} relationships, {report.offers} offers, "
            f"{report.introductions} introductions, {report.captured} captured at an event"
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
