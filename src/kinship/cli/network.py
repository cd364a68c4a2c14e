"""Being useful to your network: intro, intro-status, intros, matches, ledger, path, capture.

Plain text for people (user text through :func:`kinship.text.visible`), ``--json`` for
scripts: snake_case keys, ISO 8601 dates, lists as top-level arrays.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kinship.cli import CommandRegistry, Context, UsageError
from kinship.text import visible


def register(cli: CommandRegistry) -> None:
    cli.command(
        "intro",
        help="propose introducing one person to another (the second is asked first)",
        run=cmd_intro,
        configure=_intro_args,
        json_output=True,
    )
    cli.command(
        "intro-status",
        help="move an introduction along: asked, made, followed-up or declined",
        run=cmd_intro_status,
        configure=_intro_status_args,
        json_output=True,
    )
    cli.command(
        "intros",
        help="list introductions (open ones first)",
        run=cmd_intros,
        configure=_intros_args,
        json_output=True,
    )
    cli.command(
        "matches",
        help="pair needs and goals with offers across your network",
        run=cmd_matches,
        configure=_matches_args,
        json_output=True,
    )
    cli.command(
        "ledger",
        help="what you gave and received, per person and over time",
        run=cmd_ledger,
        configure=_ledger_args,
        json_output=True,
    )
    cli.command(
        "path",
        help="how do I know them? the shortest chain of people between two contacts",
        run=cmd_path,
        configure=_path_args,
        json_output=True,
    )
    cli.command(
        "capture",
        help="after an event: read the people you met from standard input, one per line",
        run=cmd_capture,
        configure=_capture_args,
        json_output=True,
    )


def _ago(moment: Any, today: Any) -> str:
    days = (today - moment.astimezone().date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"


def _today(ctx: Context) -> Any:
    from kinship.services import followups

    ctx.open()
    return followups.engine().today()


# --- intro --------------------------------------------------------------------------------


def _intro_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("person", help="who is introduced (name, prefix, UID or search words)")
    p.add_argument("to", help="to whom: the one you ask first")
    p.add_argument("--why", default="", help="why they should meet")


def cmd_intro(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import contacts, introductions

    today = _today(ctx)
    a, b = contacts.resolve(args.person), contacts.resolve(args.to)
    view = introductions.propose(a.uid, b.uid, args.why)
    if args.json:
        ctx.json(view.to_json())
    else:
        ctx.print(f"#{view.id} {_intro_line(view, today)}")
        to = visible(view.to.display_name)
        ctx.print(f"next: ask {to}, then `kinship intro-status {view.id} asked`")
    return 0


def _intro_line(view: Any, today: Any) -> str:
    a, b = visible(view.person.display_name), visible(view.to.display_name)
    line = f"{a} → {b}  {view.status} {_ago(view.status_at, today)}"
    if view.why:
        line += f"  ({visible(view.why)})"
    return line


def _intro_status_args(p: argparse.ArgumentParser) -> None:
    from kinship.records import INTRO_STATUSES

    p.add_argument("id", type=int, help="the introduction's number (see `kinship intros`)")
    p.add_argument("status", help=", ".join(INTRO_STATUSES))


def cmd_intro_status(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import introductions

    today = _today(ctx)
    view = introductions.advance(args.id, args.status)
    if args.json:
        ctx.json(view.to_json())
        return 0
    ctx.print(f"#{view.id} {_intro_line(view, today)}")
    if view.status == "made":
        ctx.print(
            f"logged intro-given with {visible(view.person.display_name)} and "
            f"{visible(view.to.display_name)}; in two weeks kinship asks how it went"
        )
    return 0


def _intros_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", nargs="?", help="only this person's introductions")
    p.add_argument("--open", action="store_true", help="only open ones (proposed, asked, made)")


def cmd_intros(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import contacts, views

    today = _today(ctx)
    uid = contacts.resolve(args.name).uid if args.name else None
    found = views.introductions(open_only=args.open, contact_uid=uid)
    if args.json:
        ctx.json([v.to_json() for v in found])
    elif not found:
        ctx.print("No introductions yet. `kinship matches` suggests some.")
    else:
        for v in found:
            ctx.print(f"#{v.id:<4} {_intro_line(v, today)}")
    return 0


# --- matches ------------------------------------------------------------------------------


def _matches_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", nargs="?", help="only the matches this person is part of")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N (0: all)")


def cmd_matches(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import contacts, views

    if args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    ctx.open()
    uid = contacts.resolve(args.name).uid if args.name else None
    found = views.matches(uid, limit=args.limit or None)
    if args.json:
        ctx.json([m.to_json() for m in found])
        return 0
    if not found:
        ctx.print(
            "No matches. Note what people need (`kinship note NAME TEXT --kind need`) and "
            "what they offer (`--kind offer`)."
        )
        return 0
    for n, m in enumerate(found):
        if n:
            ctx.print()
        need, offer = m.need, m.offer
        ctx.print(f"{visible(need.display_name)} {need.kind}: {visible(need.body)}")
        ctx.print(f"  {visible(offer.display_name)} offers: {visible(offer.body)}")
        ctx.print(f"  matching words: {', '.join(m.words)}  (score {m.score:g})")
        ctx.print(f"  introduce them: kinship intro {need.uid} {offer.uid} --why {_quote(m.why)}")
    return 0


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(visible(text))


# --- ledger -------------------------------------------------------------------------------


def _ledger_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", nargs="?", help="one person's ledger, entry by entry")
    p.add_argument(
        "--since", metavar="DATE", help="only from this day (YYYY-MM-DD, '1 year ago' …)"
    )
    p.add_argument("--limit", type=int, default=20, metavar="N", help="people listed (0: all)")


def _date(moment: Any) -> str:
    return moment.astimezone().date().isoformat() if moment is not None else "-"


def cmd_ledger(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.dates import parse_date
    from kinship.services import contacts, views

    if args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    today = _today(ctx)
    since = parse_date(args.since, today) if args.since else None
    uid = contacts.resolve(args.name).uid if args.name else None
    book = views.ledger(uid, since=since, today=today)
    if args.json:
        ctx.json(book.to_json())
        return 0
    totals = book.totals()
    who = visible(book.person.display_name) if book.person else "everyone"
    when = f" since {since.isoformat()}" if since else ""
    ctx.print(
        f"{who}{when}: gave {totals['gave']} · received {totals['received']} · "
        f"thanks {totals['thanks']}"
    )
    if book.months:
        ctx.print(f"  by month {book.months[0].month} … {book.months[-1].month}")
        ctx.print("  gave      " + " ".join(f"{m.gave:>2}" for m in book.months))
        ctx.print("  received  " + " ".join(f"{m.received:>2}" for m in book.months))
    if book.person is not None:
        for e in book.entries:
            ctx.print(f"  {_date(e.at)}  {e.direction:<8}  {e.kind:<15} {visible(e.summary)}")
        if book.person.unthanked:
            ctx.print(f"  {book.person.unthanked} help received since your last thanks")
        return 0
    if book.owe_thanks:
        ctx.print()
        ctx.print("Helped you most, no thanks since:")
        for r in book.owe_thanks:
            ctx.print(
                f"  {visible(r.display_name)}: received {r.received}, {r.unthanked} not thanked "
                f"(last {_date(r.last_received)})"
            )
    if book.only_ask:
        ctx.print()
        ctx.print("You only ever ask:")
        for r in book.only_ask:
            ctx.print(f"  {visible(r.display_name)}: received {r.received}, gave nothing")
    rows = book.rows[: args.limit] if args.limit else book.rows
    if rows:
        ctx.print()
        ctx.print("Per person (most exchanged first):")
        for r in rows:
            ctx.print(
                f"  {visible(r.display_name)}: gave {r.gave}, received {r.received}, "
                f"thanks {r.thanks}"
            )
    return 0


# --- path ---------------------------------------------------------------------------------


# views.paths.MAX_HOPS, written out: the parser is built for every command (--version
# too), and importing the view would import peewee on the way (tests/cli/test_cli.py checks
# that the two agree).
PATH_MAX_DEFAULT = 6


def _path_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("person", help="from (name, prefix, UID or search words)")
    p.add_argument("other", help="to")
    p.add_argument(
        "--max",
        type=int,
        default=PATH_MAX_DEFAULT,
        metavar="N",
        help=f"at most N links (default {PATH_MAX_DEFAULT})",
    )


def cmd_path(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import contacts, views

    if not 1 <= args.max <= 12:
        raise UsageError("--max must be 1 to 12")
    ctx.open()
    a, b = contacts.resolve(args.person), contacts.resolve(args.other)
    found = views.path(a.uid, b.uid, max_hops=args.max)
    if args.json:
        ctx.json(found.to_json())
        return 0
    first = found.steps[0]
    ctx.print(visible(first.display_name))
    for step in found.steps[1:]:
        ctx.print(f"  └ {visible(step.display_name)}  ({visible(step.link)})")
    ctx.print(f"{found.hops} link{'s' if found.hops != 1 else ''}")
    return 0


# --- capture ------------------------------------------------------------------------------


def _capture_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("event", help="the event's name or UID (created when no event has that name)")
    p.add_argument("--date", metavar="DATE", help="the event's day (default: today)")


def cmd_capture(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.dates import parse_date
    from kinship.services import capture

    today = _today(ctx)
    on = parse_date(args.date, today) if args.date else None
    stream = sys.stdin
    if stream is None:
        raise UsageError("capture reads the people from standard input")
    if stream.isatty():
        ctx.err.write("one person per line: name, phrase, email (end with Ctrl-D)\n")
    lines, problems = capture.parse(stream.read())
    if problems:
        for problem in problems:
            ctx.warn(str(problem))
        ctx.warn("nothing captured: fix those lines and run it again")
        return 1
    try:
        report = capture.capture(args.event, lines, on=on)
    except capture.CaptureError as exc:
        for problem in exc.problems:
            ctx.warn(str(problem))
        ctx.warn("nothing captured: fix those lines and run it again")
        return 1
    if args.json:
        ctx.json(report.to_json())
        return 0
    made = "created" if report.event_created else "found"
    ctx.print(
        f"{visible(report.event_summary)} ({report.event_day.isoformat()}, {made}): "
        f"{len(report.people)} people"
    )
    for p in report.people:
        about = f" — {visible(p.phrase)}" if p.phrase else ""
        ctx.print(f"  {visible(p.display_name)} ({p.status}){about}")
    ctx.print("say nice to meet you within a day: `kinship due` lists them")
    return 0
