"""People: add, contacts, show, edit, archive, tag, relate, merge.

What happens with them (log, notes, events, undo) is :mod:`kinship.cli.journal`.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from kinship.cli import CommandRegistry, Context, UsageError
from kinship.errors import NotFound as NotFoundError
from kinship.text import visible

if TYPE_CHECKING:
    from kinship.services.views import ContactSummary


def register(cli: CommandRegistry) -> None:
    cli.command("add", help="add a contact", run=cmd_add, configure=_add_args, json_output=True)
    cli.command(
        "contacts",
        help="list or search contacts",
        run=cmd_contacts,
        configure=_contacts_args,
        json_output=True,
    )
    cli.command(
        "show",
        help="show one contact with everything about them",
        run=cmd_show,
        configure=_show_args,
        json_output=True,
    )
    cli.command(
        "edit",
        help="change a contact's details",
        run=cmd_edit,
        configure=_edit_args,
        json_output=True,
    )
    cli.command(
        "archive", help="archive a contact (hidden, kept)", run=cmd_archive, configure=_archive_args
    )
    cli.command(
        "tag",
        help="add or remove tags; set a tag's default cadence",
        run=cmd_tag,
        configure=_tag_args,
        json_output=True,
    )
    cli.command(
        "relate", help="record how two people are related", run=cmd_relate, configure=_relate_args
    )
    cli.command(
        "merge",
        help="merge a duplicate into a contact",
        run=cmd_merge,
        configure=_merge_args,
        json_output=True,
    )


def contact_summary(contacts: list[Any]) -> list[dict[str, Any]]:
    """The stable JSON objects of ``contacts --json`` (DESIGN §7), in the given order."""
    from kinship.services import views

    return [item.to_json() for item in views.summaries_of([c.id for c in contacts])]


def _line(item: ContactSummary) -> str:
    parts = [visible(item.display_name)]
    if item.organization:
        parts.append(visible(item.organization))
    if item.emails:
        parts.append(visible(item.emails[0]))
    if item.tags:
        parts.append(" ".join("#" + visible(t) for t in item.tags))
    if item.due:  # what `is:due` finds and `kinship due` lists, nothing else
        parts.append(f"due {item.due.isoformat()}")
    elif item.snoozed_until:
        parts.append(f"snoozed until {item.snoozed_until.isoformat()}")
    if item.archived:
        parts.append("(archived)")
    return "  ".join(parts)


# --- add ----------------------------------------------------------------------------------


def _add_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", help="display name")
    p.add_argument("--email", action="append", default=[], help="email address (repeatable)")
    p.add_argument("--phone", action="append", default=[], help="phone number (repeatable)")
    p.add_argument("--tag", action="append", default=[], help="tag or circle (repeatable)")
    p.add_argument("--every", type=int, metavar="DAYS", help="check in every DAYS days")
    p.add_argument("--birthday", metavar="DATE", help="YYYY-MM-DD, or --MM-DD without a year")
    p.add_argument("--org", default="", help="organization")
    p.add_argument("--title", default="", help="job title")
    p.add_argument("--nickname", default="")
    p.add_argument("--met", default="", metavar="TEXT", help="how or where you met")
    p.add_argument("--uid", help="a stable UID (default: a new one)")


def cmd_add(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import contacts

    ctx.open()
    c = contacts.add(
        args.name,
        emails=args.email,
        phones=args.phone,
        tags=args.tag,
        uid=args.uid,
        cadence_days=args.every,
        birthday=args.birthday,
        organization=args.org,
        title=args.title,
        nickname=args.nickname,
        met_how=args.met,
    )
    if args.json:
        ctx.json(contact_summary([c])[0])
    else:
        ctx.print(f"added {visible(c.display_name)} ({c.uid})")
    return 0


# --- contacts -----------------------------------------------------------------------------


def _contacts_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "query",
        nargs="*",
        help="words and field terms: tag:X org:X email:X phone:X name:X is:due is:archived",
    )
    p.add_argument("--sort", choices=("name", "due", "recent"), default="name")
    p.add_argument("--all", action="store_true", help="include archived contacts")
    p.add_argument("--limit", type=int, default=0, help="at most N contacts (0: all)")


def cmd_contacts(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import views

    if args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    ctx.open()
    items = views.summaries(
        " ".join(args.query), sort=args.sort, include_archived=args.all, limit=args.limit
    )
    # One streamed statement: a 100k-contact list never sits in memory at once.
    first = True
    if args.json:
        ctx.out.write("[")
    for item in items:
        if args.json:
            ctx.out.write(("\n  " if first else ",\n  ") + ctx.dumps(item.to_json()))
        else:
            ctx.print(_line(item))
        first = False
    if args.json:
        ctx.out.write("\n]\n" if not first else "]\n")
    return 0


# --- show ---------------------------------------------------------------------------------


def _show_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", help="name, prefix, UID or search words")


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import contacts, followups, views

    ctx.open()
    card = views.card(contacts.resolve(args.name).id)
    if card is None:
        raise NotFoundError(f"no contact {args.name!r}")
    if args.json:
        ctx.json(card.to_json())  # ISO 8601 throughout: the stable interface
        return 0
    # For people: local calendar days, and how long ago or ahead where that helps.
    today = followups.current_day()
    v, c = visible, card.summary
    ctx.print(v(c.display_name) + (f"  ({v(c.nickname)})" if c.nickname else ""))
    for label, value in (
        ("org", c.organization),
        ("title", c.title),
        ("birthday", _partial_day(c.birthday)),
        ("anniversary", _partial_day(card.anniversary)),
        ("met", card.met_how),
    ):
        if value:
            ctx.print(f"  {label}: {v(str(value))}")
    for f in card.fields:
        label = f" ({v(f.label)})" if f.label else ""
        ctx.print(f"  {f.kind}{label}: {v(f.value)}")
    if c.tags:
        ctx.print("  tags: " + ", ".join(v(t) for t in c.tags))
    if card.cadence_days:
        ctx.print(f"  check in every {card.cadence_days} days")
    last = _day_and_when(c.last_interaction_at, today) if c.last_interaction_at else "never"
    due = _day_and_when(c.next_due_at, today) if c.next_due_at else "-"
    ctx.print(f"  last contact: {last}; next due: {due}")
    if c.snoozed_until:
        ctx.print(f"  snoozed until {_day_and_when(c.snoozed_until, today)}")
    for r in card.relations:
        who = v(r.other_name)
        ctx.print(f"  {r.kind} of {who}" if r.outgoing else f"  {who} is their {r.kind}")
    if card.notes_text:
        ctx.print("  notes: " + v(card.notes_text))
    if card.notes:
        ctx.print("Empathy notes:")
        for n in card.notes:
            pin = "*" if n.pinned else " "
            ctx.print(f"  {pin} #{n.id} [{n.kind}] {v(n.body)}")
    if card.interactions:
        ctx.print("Interactions:")
        for i in card.interactions[:20]:
            who = f" (with {', '.join(v(x) for x in i.others)})" if i.others else ""
            ctx.print(f"  {_local_day(i.occurred_at)}  {i.kind:<14} {v(i.summary)}{who}")
    if card.events:
        ctx.print("Events:")
        for e in card.events[:20]:
            ctx.print(f"  {_when(e.start)}  {e.kind:<14} {v(e.summary)}")
    if card.followups:
        ctx.print("Follow-ups:")
        for fu in card.followups:
            ctx.print(f"  {_day_and_when(fu.due, today)}  {fu.kind:<12} {v(fu.reason)}")
    return 0


def _local_day(moment: datetime | date) -> date:
    """The calendar day of a stored moment where the person is (its local time zone)."""
    if isinstance(moment, datetime):
        return moment.astimezone().date() if moment.tzinfo else moment.date()
    return moment


def _day_and_when(moment: datetime | date, today: date) -> str:
    """``2026-11-10 (3 weeks ago)``: the day, and how long ago or ahead it is."""
    from kinship.dates import relative

    day = _local_day(moment)
    return f"{day.isoformat()} ({relative(day, today)})"


def _when(start: datetime | date) -> str:
    """An event's start: its day, with the local time when it has one."""
    if isinstance(start, datetime):
        local = start.astimezone() if start.tzinfo else start
        return f"{local:%Y-%m-%d %H:%M}"
    return start.isoformat()


def _partial_day(text: str | None) -> str:
    """A birthday or anniversary: ``1815-12-10``, or ``Dec 10`` when the year is unknown."""
    from kinship.records import PartialDate

    if not text:
        return ""
    try:
        when = PartialDate.parse(text)
    except ValueError:
        return text
    if when.year is not None:
        return str(when)
    return f"{when.to_date(2000):%b} {when.day}"


# --- edit / archive -----------------------------------------------------------------------


def _edit_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", help="name, prefix or UID")
    p.add_argument("--name", dest="new_name", help="new display name")
    p.add_argument("--email", action="append", help="replace the emails (repeatable)")
    p.add_argument("--phone", action="append", help="replace the phones (repeatable)")
    p.add_argument("--org")
    p.add_argument("--title")
    p.add_argument("--nickname")
    p.add_argument("--birthday", help="YYYY-MM-DD or --MM-DD; empty to clear")
    p.add_argument("--anniversary", help="YYYY-MM-DD or --MM-DD; empty to clear")
    p.add_argument("--every", help="check-in cadence in days; 'never' to clear")
    p.add_argument("--strategy", help="follow-up strategy for this person")
    p.add_argument("--met", help="how or where you met")
    p.add_argument("--notes", help="free notes (replaces)")
    p.add_argument(
        "--if-version", type=int, metavar="N", help="refuse if the contact changed since version N"
    )


def cmd_edit(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import contacts

    ctx.open()
    c = contacts.resolve(args.name)
    changes: dict[str, Any] = {}
    for attr, key in (
        ("new_name", "display_name"),
        ("org", "organization"),
        ("title", "title"),
        ("nickname", "nickname"),
        ("birthday", "birthday"),
        ("anniversary", "anniversary"),
        ("strategy", "strategy"),
        ("met", "met_how"),
        ("notes", "notes"),
    ):
        value = getattr(args, attr)
        if value is not None:
            changes[key] = value
    if args.every is not None:
        if args.every.lower() in ("never", "none", ""):
            changes["cadence_days"] = None
        else:
            try:
                changes["cadence_days"] = int(args.every)
            except ValueError:
                raise UsageError(
                    f"--every takes a number of days or 'never', not {args.every!r}"
                ) from None
    if not changes and args.email is None and args.phone is None:
        raise UsageError("nothing to change; see `kinship edit --help`")
    if args.strategy:
        _check_strategies(args.strategy, ctx)
    updated = contacts.update(
        c.uid,
        args.if_version if args.if_version is not None else c.version,
        emails=args.email,
        phones=args.phone,
        **changes,
    )
    if args.json:
        ctx.json(contact_summary([updated])[0])
    else:
        ctx.print(f"updated {visible(updated.display_name)} (version {updated.version})")
    return 0


def _check_strategies(text: str, ctx: Context) -> None:
    """A misspelt strategy name would silently stop this person's follow-ups."""
    from kinship.errors import ValidationError

    known = {s.name for s in ctx.host.strategies()}
    for name in (n.strip() for n in text.split(",")):
        if name and name not in known:
            raise ValidationError(
                f"no follow-up strategy named {name!r} (installed: {', '.join(sorted(known))})"
            )


def _archive_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name")
    p.add_argument("--undo", action="store_true", help="bring the contact back")


def cmd_archive(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import contacts

    ctx.open()
    c = contacts.resolve(args.name)
    contacts.set_archived(c.uid, not args.undo)
    ctx.print(
        f"{'restored' if args.undo else 'archived'} {visible(c.display_name)}"
        + ("" if args.undo else f" (undo: kinship archive --undo {c.uid})")
    )
    return 0


# --- tag / relate / merge -----------------------------------------------------------------


def _tag_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", nargs="?", help="contact (omit with --cadence to set a tag's cadence)")
    p.add_argument("tags", nargs="*", help="tags to add")
    p.add_argument(
        "--remove", action="append", default=[], metavar="TAG", help="tag to remove (repeatable)"
    )
    p.add_argument(
        "--cadence",
        nargs=2,
        metavar=("TAG", "DAYS"),
        help="default check-in cadence for a tag ('never' clears)",
    )


def cmd_tag(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import contacts

    ctx.open()
    if args.cadence:
        name, days = args.cadence
        value = None if days.lower() in ("never", "none") else _int(days, "--cadence DAYS")
        t = contacts.set_tag_cadence(name, value)
        ctx.print(
            f"tag {visible(t.name)}: "
            + (f"every {t.cadence_days} days" if t.cadence_days else "no default cadence")
        )
        if not args.name:
            return 0
    if not args.name:
        raise UsageError("name a contact, or use --cadence TAG DAYS")
    c = contacts.resolve(args.name)
    tags = contacts.tag(c.uid, args.tags, args.remove)
    if args.json:
        ctx.json({"uid": c.uid, "tags": tags})
    else:
        ctx.print(
            f"{visible(c.display_name)}: " + (", ".join(visible(t) for t in tags) or "no tags")
        )
    return 0


def _int(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise UsageError(f"{what} must be a number, not {text!r}") from None


def _relate_args(p: argparse.ArgumentParser) -> None:
    from kinship.records import RELATIONSHIP_KINDS

    p.add_argument("person", help="who")
    p.add_argument("kind", help="is … of: " + ", ".join(RELATIONSHIP_KINDS))
    p.add_argument("other", help="whom")
    p.add_argument("--remove", action="store_true", help="remove the relationship")


def cmd_relate(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import contacts

    ctx.open()
    a, b = contacts.resolve(args.person), contacts.resolve(args.other)
    if args.remove:
        n = contacts.unrelate(a.uid, b.uid, args.kind)
        ctx.print(f"removed {n} relationship(s)")
    else:
        contacts.relate(a.uid, b.uid, args.kind)
        ctx.print(f"{visible(a.display_name)} is {args.kind} of {visible(b.display_name)}")
    return 0


def _merge_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("keep", help="the contact to keep")
    p.add_argument("duplicate", help="the contact merged into it (then removed)")
    p.add_argument(
        "--take",
        action="append",
        default=[],
        metavar="FIELD",
        help="take this field from the duplicate (repeatable)",
    )
    p.add_argument("--no-backup", action="store_true", help="skip the safety copy of the database")


def cmd_merge(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import contacts

    store = ctx.store
    keep, dup = contacts.resolve(args.keep), contacts.resolve(args.duplicate)
    for f in args.take:
        if f not in contacts.EDITABLE:
            raise UsageError(f"--take {f}: not a field ({', '.join(contacts.EDITABLE)})")
    backup = None
    if store.path is not None and not args.no_backup:
        backup = store.keep_backup("pre-merge")
    report = contacts.merge(keep.uid, dup.uid, prefer={f: "other" for f in args.take})
    if args.json:
        ctx.json(
            {
                "kept": contact_summary([report.kept])[0],
                "moved": report.moved,
                "backup": str(backup) if backup else None,
            }
        )
    else:
        moved = ", ".join(f"{n} {k}" for k, n in report.moved.items() if n)
        ctx.print(
            f"merged {visible(dup.display_name)} into {visible(report.kept.display_name)}"
            + (f": moved {moved}" if moved else "")
        )
        if backup:
            ctx.print(f"a copy of the database before the merge is at {backup}")
    return 0


# --- log / note / event -------------------------------------------------------------------
