"""Who to reach out to, and why: due, today, done, snooze, dismiss.

Output is plain text (no colour, no escapes) so it suits login messages, cron mail and status
bars; user text goes through :func:`kinship.text.visible`.
"""

from __future__ import annotations

import argparse
from typing import Any

from kinship.cli import CommandRegistry, Context, UsageError
from kinship.text import visible


def register(cli: CommandRegistry) -> None:
    cli.command(
        "due",
        help="list who is due for a follow-up, and why",
        run=cmd_due,
        configure=_due_args,
        json_output=True,
    )
    cli.command(
        "today",
        help="the Today view as text: who to reach out to, grouped by why",
        run=cmd_today,
        configure=_today_args,
        json_output=True,
    )
    cli.command(
        "done",
        help="mark a follow-up done and log the interaction that did it",
        run=cmd_done,
        configure=_done_args,
        json_output=True,
    )
    cli.command(
        "snooze",
        help="hide someone's follow-ups until a date",
        run=cmd_snooze,
        configure=_snooze_args,
    )
    cli.command(
        "dismiss",
        help="dismiss a follow-up (this occurrence only)",
        run=cmd_dismiss,
        configure=_dismiss_args,
    )


# --- shared -------------------------------------------------------------------------------


def _engine(ctx: Context) -> Any:
    """Open the store (which hands the services this run's strategies and settings) and
    return the follow-up engine built from them."""
    from kinship.services import followups

    _ = ctx.store
    eng = followups.engine()
    eng.try_all()  # a strategy that always raises is withdrawn before anything is listed
    return eng


def _report_errors(ctx: Context, eng: Any) -> None:
    """Strategies that failed and that nobody reported (the plugin host says it disabled a
    plugin's; a builtin strategy without a host is said here)."""
    for name, error in sorted(eng.errors.items()):
        if name not in eng.reported:
            ctx.warn(f"follow-up strategy {name!r} failed and was skipped: {_one_line(error)}")


def _one_line(text: str) -> str:
    return visible(" ".join(text.split()))


def _progress(ctx: Context) -> Any:
    """A progress line on stderr when it is a terminal; nothing otherwise."""
    isatty = getattr(ctx.err, "isatty", None)
    if not (isatty and isatty()):
        return None

    def show(done: int, total: int) -> None:
        ctx.err.write(f"\rupdating follow-ups: {done}/{total} contacts")
        if done >= total:
            ctx.err.write("\n")
        ctx.err.flush()

    return show


def _line(item: Any) -> str:
    name, reason = visible(item.display_name), visible(item.reason)
    return f"{item.due.isoformat()}  {item.kind:<12}  {name}: {reason}"


def _within(value: int | None) -> int | None:
    if value is not None and value < 0:
        raise UsageError("--within must be 0 or more days")
    return value


# --- due ----------------------------------------------------------------------------------


def _due_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--within",
        type=int,
        default=None,
        metavar="DAYS",
        help="include what is due in the next DAYS days (default: the longest lead_days of "
        "the strategies, at least 7; 0: today and overdue)",
    )
    p.add_argument("--kind", help="only this kind (check-in, birthday, thank, offer-help …)")
    p.add_argument("--limit", type=int, default=0, metavar="N", help="at most N lines (0: all)")
    p.add_argument(
        "--recompute", action="store_true", help="recompute every contact's follow-ups first"
    )
    p.add_argument(
        "--notify",
        action="store_true",
        help="tell notifier plugins (kinship-notify …) what became due since the last "
        "--notify, each item once: for cron",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="with --notify: show what would be sent, send and remember nothing",
    )


def cmd_due(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import followups

    within = _within(args.within)
    if args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    if args.dry_run and not args.notify:
        raise UsageError("--dry-run goes with --notify")
    eng = _engine(ctx)
    # The command waits for its catch-up: bigger transactions (see COMMAND_CHUNK), and a
    # full recompute on every core.
    followups.refresh_stale(
        progress=_progress(ctx),
        force=args.recompute,
        chunk=followups.COMMAND_CHUNK,
        workers=followups.auto_workers(),
    )
    if args.notify:
        return _notify(args, ctx, eng)
    items = followups.iter_due(within=within, kind=args.kind, limit=args.limit or None)
    if args.json:
        first = True
        ctx.out.write("[")
        for item in items:
            ctx.out.write(("\n  " if first else ",\n  ") + ctx.dumps(item.to_json()))
            first = False
        ctx.out.write("]\n" if first else "\n]\n")
    else:
        for item in items:
            ctx.print(_line(item))
    _report_errors(ctx, eng)
    return 0


def _notify(args: argparse.Namespace, ctx: Context, eng: Any) -> int:
    """``due --notify``: one call of ``kinship_followups_due`` with what is newly due."""
    from kinship.errors import KinshipError
    from kinship.services.followups import announce

    hook = "kinship_followups_due"
    items = announce.unannounced()
    host = ctx.host
    listening = host is not None and host.listens(hook)
    if not listening and not args.dry_run:
        raise KinshipError(
            "no notifier plugin is installed or enabled (kinship-notify sends what is due "
            "by e-mail, ntfy, Matrix, Slack …)"
        )
    if args.json:
        ctx.json([item.to_json() for item in items])
    elif items and args.dry_run:
        ctx.print(f"would notify: {len(items)} follow-up{'s' if len(items) != 1 else ''} newly due")
        for item in items:
            ctx.print(_line(item))
    # Otherwise quiet when all went well: cron mails whatever a job prints.
    if args.dry_run or not items:
        _report_errors(ctx, eng)
        return 0
    results = host.deliver(hook, followups=announce.records(items))
    if not all(ok for _, ok in results):
        failed = ", ".join(info.label for info, ok in results if not ok)
        raise KinshipError(f"not sent by {failed}; they will be sent on the next run")
    announce.mark_announced(items)
    _report_errors(ctx, eng)
    return 0


# --- today --------------------------------------------------------------------------------


def _today_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--within",
        type=int,
        default=None,
        metavar="DAYS",
        help="look DAYS days ahead (default: the strategies' longest lead_days, at least 7)",
    )
    p.add_argument(
        "--oneline", action="store_true", help='one line such as "3 due · 1 birthday · 2 thanks"'
    )


def cmd_today(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import followups

    within = _within(args.within)
    eng = _engine(ctx)
    followups.refresh_stale(
        progress=_progress(ctx), chunk=followups.COMMAND_CHUNK, workers=followups.auto_workers()
    )
    if args.oneline and not args.json:
        ctx.print(followups.oneline(followups.due_counts(within=within)))
        _report_errors(ctx, eng)
        return 0
    groups = followups.today_groups(within=within, refresh=False)
    if args.json:
        ctx.json(
            [
                {"group": g.key, "title": g.title, "items": [i.to_json() for i in g.items]}
                for g in groups
            ]
        )
    elif not groups:
        ctx.print("Nothing due. Enjoy your day.")
    else:
        today = eng.today()
        for n, group in enumerate(groups):
            if n:
                ctx.print()
            ctx.print(f"{group.title} ({len(group.items)})")
            for item in group.items:
                name, reason = visible(item.display_name), visible(item.reason)
                ctx.print(f"  {name} — {reason}{_when(item.due, today)}")
    _report_errors(ctx, eng)
    return 0


def _when(due: Any, today: Any) -> str:
    """How the item stands, said once beside its reason: "(12 days overdue)", "(due in
    3 days)"; nothing for what is due today."""
    from kinship.dates import due_words

    return "" if due == today else f" ({due_words(due, today)})"


# --- done / dismiss / snooze ---------------------------------------------------------------


def _done_args(p: argparse.ArgumentParser) -> None:
    from kinship.records import INTERACTION_KINDS

    p.add_argument("name", help="name, prefix, UID or search words")
    p.add_argument(
        "--kind", help="which follow-up, when they have several (thank, birthday, check-in …)"
    )
    p.add_argument(
        "--as",
        dest="as_kind",
        metavar="KIND",
        help=f"log this kind of interaction ({', '.join(INTERACTION_KINDS)})",
    )
    p.add_argument("--summary", "-m", default="", help="what you did (default: a short note)")


def cmd_done(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import checkin, contacts

    eng = _engine(ctx)
    person = contacts.resolve(args.name)
    report = checkin.done(person.uid, kind=args.kind, as_kind=args.as_kind, summary=args.summary)
    if args.json:
        ctx.json(
            {
                "followup": report.followup.to_json(),
                "interaction": {"uid": report.interaction_uid, "kind": report.interaction_kind},
                "undo": report.undo_id,
                "introduction": (
                    report.introduction.to_json() if report.introduction is not None else None
                ),
            }
        )
    else:
        name = visible(person.display_name)
        ctx.print(
            f"done: {report.followup.kind} for {name} (logged {report.interaction_kind}; "
            f"undo: kinship undo {report.undo_id})"
        )
        if report.introduction is not None:
            intro = report.introduction
            ctx.print(
                f"introduction #{intro.id} ({visible(intro.person.display_name)} → "
                f"{visible(intro.to.display_name)}) is now {intro.status}"
            )
    _report_errors(ctx, eng)
    return 0


def _dismiss_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", help="name, prefix, UID or search words")
    p.add_argument("--kind", help="which follow-up, when they have several")


def cmd_dismiss(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import contacts, followups

    eng = _engine(ctx)
    person = contacts.resolve(args.name)
    item = followups.dismiss(person.uid, kind=args.kind)
    ctx.print(
        f"dismissed: {item.kind} for {visible(person.display_name)} (due {item.due.isoformat()})"
    )
    _report_errors(ctx, eng)
    return 0


def _snooze_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", help="name, prefix, UID or search words")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--until", metavar="DATE", help="YYYY-MM-DD, 'in 2 weeks', 'next monday' …")
    group.add_argument("--clear", action="store_true", help="end the snooze now")


def cmd_snooze(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.dates import parse_date
    from kinship.services import contacts, followups

    eng = _engine(ctx)
    person = contacts.resolve(args.name)
    until = None if args.clear else parse_date(args.until, eng.today())
    c = followups.snooze(person.uid, until)
    if until is None:
        ctx.print(f"{visible(c.display_name)} is no longer snoozed")
    else:
        ctx.print(f"snoozed {visible(c.display_name)} until {until.isoformat()}")
    _report_errors(ctx, eng)
    return 0
