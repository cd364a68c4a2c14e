"""``kinship import`` and ``kinship export``: files in and out through the format plugins."""

from __future__ import annotations

import argparse
import shutil
import time
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
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or vdir folders")
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
    p.add_argument(
        "--create-people",
        action="store_true",
        help="create people kinship does not know for their birthdays and anniversaries",
    )
    p.add_argument(
        "--max-size",
        metavar="SIZE",
        type=_size,
        default="256M",
        help="read at most this much per file or folder, e.g. 512M, 2G, or none (default 256M)",
    )
    _run_args(p)


def _size(text: str) -> int | None:
    from kinship.services.inputs import parse_size

    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


@contextmanager
def _progress(ctx: Context, label: str) -> Iterator[Callable[[int, int | None], None] | None]:
    """A one-line count on stderr while a file imports, when stderr is a terminal; nothing
    otherwise. Plain text rewritten in place (the CLI never needs Rich), gone when done."""
    isatty = getattr(ctx.err, "isatty", None)
    if not (callable(isatty) and isatty()):
        yield None
        return
    err = ctx.err
    room = max(20, shutil.get_terminal_size().columns - 20)
    shown = visible(label)
    if len(shown) > room:
        shown = shown[: room - 1] + "…"
    last = 0.0

    def update(done: int, total: int | None) -> None:
        nonlocal last
        now = time.monotonic()
        # Batches can arrive faster than anyone reads; ten redraws a second are plenty.
        if total is None and done and now - last < 0.1:
            return
        last = now
        err.write(f"\r\x1b[2K{shown}: {done:,} items")
        err.flush()

    update(0, None)
    try:
        yield update
    finally:
        err.write("\r\x1b[2K")
        err.flush()


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.errors import KinshipError
    from kinship.records import ImportProblem
    from kinship.services import inputs
    from kinship.services.importing import ImportReport, import_paths, problem_dict

    if args.runs or args.undo is not None:
        return _cmd_runs(args, ctx)
    if not args.paths:
        raise UsageError("import needs a PATH (or --runs, or --undo RUN)")
    _ = ctx.store  # open (and migrate) the database before any work
    reports: list[ImportReport] = []

    def done(report: ImportReport, name: str) -> None:
        reports.append(report)
        if not args.json:
            # The report on stdout; what went wrong (skipped items, a failed file) on
            # stderr, as `file:line: message`, so scripts can keep the two apart.
            ctx.print(f"{visible(name)}: {report.summary()}")
            for problem in report.problems:
                ctx.err.write(visible(str(problem)) + "\n")

    for raw in args.paths:
        path = Path(raw)
        if not raw or not path.exists():  # Path("") is the current folder
            report = ImportReport(file=raw, failed=True, dry_run=args.dry_run)
            report.problems.append(ImportProblem(raw, "no such file or folder", fatal=True))
            done(report, raw)
            continue
        try:
            # Before any importer sniffs it: opening a FIFO to sniff it would hang.
            inputs.check_kind(path)
            # A folder may hold several formats: each importer takes what it reads.
            plan = ctx.host.import_plan(path, args.format)
        except KinshipError as exc:
            report = ImportReport(file=raw, failed=True, dry_run=args.dry_run)
            report.problems.append(
                ImportProblem(raw, str(exc).removeprefix(f"{path}: "), fatal=True)
            )
            done(report, raw)
            continue
        with _progress(ctx, f"importing {path.name or raw}") as progress, _interrupted(ctx):
            # A preview of several formats runs them together (the calendar's preview sees
            # the people the cards would create), as the import will.
            step_reports = import_paths(
                plan.steps,
                dry_run=args.dry_run,
                progress=progress,
                create_unknown_attendees=args.create_attendees,
                create_people=args.create_people,
                max_size=args.max_size,
                plugin_of=ctx.host.plugin_of,
            )
        for (step, importer), report in zip(plan.steps, step_reports, strict=True):
            several = len(plan.steps) > 1 and step == path
            done(report, f"{step.name or raw} ({importer.name})" if several else step.name or raw)
        if plan.skipped:
            report = ImportReport(file=str(path), importer="", dry_run=args.dry_run)
            report.skipped = len(plan.skipped)
            report.problems += [ImportProblem(str(f), why) for f, why in plan.skipped]
            reports.append(report)
            if not args.json:
                ctx.print(f"{visible(path.name or raw)}: {len(plan.skipped)} file(s) skipped")
                for problem in report.problems:
                    ctx.err.write(visible(str(problem)) + "\n")
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


# --- import runs: list, undo, interrupted ------------------------------------------------


def _run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--runs",
        action="store_true",
        help="list import runs (newest first) with their state: complete, interrupted …",
    )
    p.add_argument(
        "--undo",
        type=_run_id,
        metavar="RUN",
        help="undo import run RUN: remove what it created, restore what it changed",
    )


def _run_id(text: str) -> int:
    try:
        value = int(text.strip().removeprefix("#"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a run number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a run number: {text!r}")
    return value


def _cmd_runs(args: argparse.Namespace, ctx: Context) -> int:
    """``import --runs`` and ``import --undo RUN`` (no paths with either)."""
    if args.paths:
        raise UsageError("--runs and --undo take no PATH")
    if args.runs and args.undo is not None:
        raise UsageError("--runs or --undo, not both")
    if args.dry_run:
        raise UsageError("--dry-run imports nothing: it has no run to list or undo")
    _ = ctx.store
    if args.undo is not None:
        return _undo(args.undo, ctx)
    from kinship.services.importing import list_runs

    runs = list_runs()
    if args.json:
        ctx.json([r.to_dict() for r in runs])
        return 0
    if not runs:
        ctx.print("no imports yet")
    for r in runs:
        when = r.started_at.strftime("%Y-%m-%d %H:%M") if r.started_at else ""
        counts = (
            f"{r.created} created, {r.updated} updated, {r.unchanged} unchanged, "
            f"{r.skipped} skipped"
        )
        ctx.print(f"run {r.id}  {r.state:<11}  {when}  {r.format}  {visible(r.path)}: {counts}")
        hint = _run_hint(r)
        if hint:
            ctx.print(f"  {visible(hint)}")
    return 0


def _run_hint(r: Any) -> str:
    """What to do about a run that is not simply complete or undone."""
    if r.state == "interrupted":
        return (
            f"incomplete: {r.items} items are in. Import the file again to finish it "
            f"(importing is idempotent), or `kinship import --undo {r.id}` to take them out"
        )
    if r.state == "failed" and r.changes:
        return f"{r.message} ({r.changes} rows still in: `kinship import --undo {r.id}`)"
    if r.state == "failed":
        return str(r.message)
    if r.state == "running":
        return "still importing"
    if r.state == "undone" and r.message:
        return str(r.message)
    return ""


def _undo(run_id: int, ctx: Context) -> int:
    from kinship.services.importing import undo_run

    with _progress(ctx, f"undoing run {run_id}") as progress:
        report = undo_run(run_id, progress=progress)
    if ctx.args.json:
        ctx.json(report.to_dict())
        return 0
    ctx.print(report.summary())
    for line in report.kept:
        ctx.print(f"  {visible(line)}")
    return 0


@contextmanager
def _interrupted(ctx: Context) -> Iterator[None]:
    """An import stopped part-way (Ctrl-C) says what is in and how to finish or undo it."""
    from kinship.services.importing import ImportInterrupted

    try:
        yield
    except ImportInterrupted as exc:
        r = exc.report
        ctx.warn(
            f"import of {r.file} stopped: {r.items} items are in (run {r.run_id}, "
            "interrupted). Import it again to finish (importing is idempotent), or "
            f"`kinship import --undo {r.run_id}` to take them out"
        )
        raise


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
    p.add_argument(
        "--force",
        action="store_true",
        help="replace a file (or write into a folder) that is not a previous export of this "
        "format; the database and its backups are never replaced",
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
    same_kind = exporter.sniff or _importer_sniff(ctx, exporter.name)
    export(exporter, out, options=options, counts=counts, force=args.force, same_kind=same_kind)
    if args.json:
        ctx.json({"format": exporter.name, "path": str(out), **_all_counts(counts)})
    else:
        parts = [_counted(n, kind) for kind, n in _all_counts(counts).items() if n]
        ctx.print(f"exported {', '.join(parts) or 'nothing'} to {visible(str(out))}")
    return 0


def _importer_sniff(ctx: Context, name: str) -> Any:
    """An exporter without ``sniff`` recognises its earlier output with the ``sniff`` of
    the importer of the same name, if a plugin registers one."""
    for importer in ctx.host.importers():
        if importer.name.casefold() == name.casefold() and importer.sniff is not None:
            return importer.sniff
    return None


#: The kinds every ``export --json`` has (0 when none); an exporter may add others.
_KINDS = (
    "contacts",
    "events",
    "interactions",
    "notes",
    "relationships",
    "followups",
    "tags",
    "introductions",
    "captures",
)
#: How a count of each kind reads: (one, many).
_NOUNS = {
    "followups": ("follow-up", "follow-ups"),
    "anniversaries": ("anniversary", "anniversaries"),
    "birthdays": ("birthday", "birthdays"),
}


def _all_counts(counts: Any) -> dict[str, int]:
    """What was written, by kind: the stable kinds first, then any an exporter added."""
    found = {k: int(counts.counts.get(k, 0)) for k in _KINDS}
    found.update({k: int(n) for k, n in sorted(counts.counts.items()) if k not in found})
    return found


def _counted(n: int, kind: str) -> str:
    one, many = _NOUNS.get(kind, (kind.removesuffix("s"), kind))
    return f"{n} {one if n == 1 else many}"
