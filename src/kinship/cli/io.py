"""``kinship import`` and ``kinship export``: files in and out through the format plugins."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kinship.cli import CommandRegistry, Context, UsageError
from kinship.text import visible


def register(cli: CommandRegistry) -> None:
    cli.command(
        "import",
        help="import contacts and events from files (vCard, iCalendar, vdir, JSON backup …)",
        run=cmd_import,
        configure=_import_args,
        json_output=True,
    )
    cli.command(
        "export",
        help="export everything to a file or folder in a format (vcard, vdir, ical, json …)",
        run=cmd_export,
        configure=_export_args,
        json_output=True,
    )


# --- import -------------------------------------------------------------------------------


def _import_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or vdir folders")
    p.add_argument(
        "--format",
        metavar="NAME",
        help="importer to use (default: detected from the content and suffix)",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="report what would change, change nothing"
    )
    p.add_argument(
        "--create-attendees",
        action="store_true",
        help="create contacts for event attendees kinship does not know",
    )


@contextmanager
def _progress(ctx: Context, label: str) -> Iterator[Callable[[int, int | None], None] | None]:
    """A rich progress bar on stderr when it is a terminal; nothing otherwise."""
    isatty = getattr(ctx.err, "isatty", None)
    if not (callable(isatty) and isatty()):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} items"),
        TimeElapsedColumn(),
        console=Console(file=ctx.err),
        transient=True,
    )
    with bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.errors import KinshipError
    from kinship.records import ImportProblem
    from kinship.services.importing import ImportReport, import_path, problem_dict

    _ = ctx.store  # open (and migrate) the database before any work
    reports: list[ImportReport] = []
    for raw in args.paths:
        path = Path(raw)
        if not raw or not path.exists():  # Path("") is the current folder
            report = ImportReport(file=raw, failed=True, dry_run=args.dry_run)
            report.problems.append(ImportProblem(raw, "no such file or folder", fatal=True))
        else:
            try:
                importer = ctx.host.importer_for(path, args.format)
            except KinshipError as exc:
                report = ImportReport(file=raw, failed=True, dry_run=args.dry_run)
                report.problems.append(
                    ImportProblem(raw, str(exc).removeprefix(f"{path}: "), fatal=True)
                )
            else:
                with _progress(ctx, f"importing {path.name}") as progress:
                    report = import_path(
                        path,
                        importer=importer,
                        dry_run=args.dry_run,
                        progress=progress,
                        create_unknown_attendees=args.create_attendees,
                        plugin=ctx.host.plugin_of(importer),
                    )
        reports.append(report)
        if not args.json:
            ctx.print(f"{visible(path.name or raw)}: {report.summary()}")
            for problem in report.problems:
                ctx.print(visible(str(problem)))
    if args.json:
        ctx.json(
            {
                "created": sum(r.created for r in reports),
                "updated": sum(r.updated for r in reports),
                "unchanged": sum(r.unchanged for r in reports),
                "skipped": sum(r.skipped for r in reports),
                "problems": [problem_dict(p) for r in reports for p in r.problems],
                "dry_run": bool(args.dry_run),
                "files": [
                    {k: v for k, v in r.to_dict().items() if k != "problems"} for r in reports
                ],
            }
        )
    return 1 if any(r.failed for r in reports) else 0


# --- export -------------------------------------------------------------------------------


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        required=True,
        metavar="NAME",
        help="exporter: vcard, vdir, ical, json, or one a plugin adds",
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="PATH", help="file (or folder, for vdir) to write"
    )
    p.add_argument(
        "--vcard-version", choices=("3.0", "4.0"), help="vCard version for vcard/vdir (default 3.0)"
    )


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services.exporting import ExportCounts, export

    if not args.output.strip():
        raise UsageError("-o needs a path")
    _ = ctx.store  # open (and migrate) the database before any work
    exporter = ctx.host.exporter(args.format)
    options: dict[str, Any] = {}
    if args.vcard_version:
        options["vcard_version"] = args.vcard_version
    out = Path(args.output).expanduser()
    counts = ExportCounts()
    export(exporter, out, options=options, counts=counts)
    if args.json:
        ctx.json({"format": exporter.name, "path": str(out), **_all_counts(counts)})
    else:
        parts = [f"{n} {kind}" for kind, n in _all_counts(counts).items() if n]
        ctx.print(f"exported {', '.join(parts) or 'nothing'} to {visible(str(out))}")
    return 0


def _all_counts(counts: Any) -> dict[str, int]:
    kinds = ("contacts", "events", "interactions", "notes", "relationships", "followups")
    return {k: int(counts.counts.get(k, 0)) for k in kinds}
