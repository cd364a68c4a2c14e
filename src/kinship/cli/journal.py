"""What happens with people: log, unlog, note, note-edit, note-delete, undo, event."""

from __future__ import annotations

import argparse
from typing import Any

from kinship.cli import CommandRegistry, Context, UsageError
from kinship.errors import KinshipError
from kinship.errors import NotFound as NotFoundError
from kinship.text import visible


def register(cli: CommandRegistry) -> None:
    cli.command(
        "log",
        help="log an interaction with one or more people",
        run=cmd_log,
        configure=_log_args,
        json_output=True,
    )
    cli.command(
        "note",
        help="add an empathy note about someone",
        run=cmd_note,
        configure=_note_args,
        json_output=True,
    )
    cli.command(
        "note-edit",
        help="change an empathy note (its number is in `show`)",
        run=cmd_note_edit,
        configure=_note_edit_args,
        json_output=True,
    )
    cli.command(
        "note-delete", help="delete an empathy note", run=cmd_note_delete, configure=_delete_args
    )
    cli.command(
        "unlog",
        help="delete a logged interaction (its UID is in `show --json`)",
        run=cmd_unlog,
        configure=_delete_args,
    )
    cli.command(
        "undo",
        help="bring back a deleted note or interaction, or take back a done (the last, or N)",
        run=cmd_undo,
        configure=_undo_args,
        json_output=True,
    )
    cli.command(
        "event",
        help="add a dated event or life event",
        run=cmd_event,
        configure=_event_args,
        json_output=True,
    )


def _log_args(p: argparse.ArgumentParser) -> None:
    from kinship.records import INTERACTION_KINDS

    p.add_argument("summary", help="what happened")
    p.add_argument(
        "--with",
        dest="people",
        action="append",
        required=True,
        metavar="NAME",
        help="who was there (repeatable)",
    )
    p.add_argument("--kind", default="meeting", help=", ".join(INTERACTION_KINDS))
    p.add_argument(
        "--date",
        default="now",
        help="when: YYYY-MM-DD[THH:MM], today, yesterday, '3 days ago', 'last friday'",
    )
    p.add_argument("--notes", default="")


def cmd_log(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.dates import parse_datetime
    from kinship.services import contacts, interactions

    ctx.open()
    when = parse_datetime(args.date)
    people = contacts.resolve_many(args.people)
    row = interactions.log(
        args.summary, [c.uid for c in people], kind=args.kind, occurred_at=when, notes=args.notes
    )
    if args.json:
        rec = interactions.interaction_record(row)
        ctx.json(
            {
                "uid": rec.uid,
                "occurred_at": rec.occurred_at.isoformat(),
                "kind": rec.kind,
                "summary": rec.summary,
                "participants": rec.participants,
            }
        )
    else:
        ctx.print(f"logged {row.kind} with {', '.join(visible(c.display_name) for c in people)}")
    return 0


def _note_args(p: argparse.ArgumentParser) -> None:
    from kinship.records import NOTE_KINDS

    p.add_argument("name")
    p.add_argument("text")
    p.add_argument("--kind", default="general", help=", ".join(NOTE_KINDS))
    p.add_argument("--pin", action="store_true", help="pin it to the top of the brief")


def cmd_note(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import contacts, notes

    ctx.open()
    c = contacts.resolve(args.name)
    n = notes.add(c, args.text, kind=args.kind, pinned=args.pin)
    if args.json:
        ctx.json({"id": n.id, "contact": c.uid, "kind": n.kind, "body": n.body, "pinned": n.pinned})
    else:
        ctx.print(f"noted ({n.kind}) for {visible(c.display_name)}")
    return 0


def _note_edit_args(p: argparse.ArgumentParser) -> None:
    from kinship.records import NOTE_KINDS

    p.add_argument("id", type=int, help="the note's number (#N in `show`)")
    p.add_argument("--text", help="new text")
    p.add_argument("--kind", help=", ".join(NOTE_KINDS))
    pin = p.add_mutually_exclusive_group()
    pin.add_argument("--pin", dest="pinned", action="store_const", const=True)
    pin.add_argument("--unpin", dest="pinned", action="store_const", const=False)


def cmd_note_edit(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import notes

    if args.text is None and args.kind is None and args.pinned is None:
        raise UsageError("nothing to change; give --text, --kind, --pin or --unpin")
    ctx.open()
    n = notes.update(args.id, body=args.text, kind=args.kind, pinned=args.pinned)
    if args.json:
        ctx.json({"id": n.id, "kind": n.kind, "body": n.body, "pinned": n.pinned})
    else:
        ctx.print(f"note #{n.id} updated")
    return 0


def _delete_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="what to delete")
    p.add_argument("--yes", action="store_true", help="do not ask (for scripts)")


def _confirm(ctx: Context, args: argparse.Namespace, what: str, *, verb: str = "delete") -> None:
    """Destructive commands ask on a terminal; scripts say --yes."""
    import sys

    if args.yes:
        return
    if not sys.stdin.isatty():
        raise UsageError(f"refusing to {verb} {what} without --yes (no terminal to ask)")
    ctx.err.write(f"{verb} {what}? [y/N] ")
    ctx.err.flush()
    if sys.stdin.readline().strip().lower() not in ("y", "yes"):
        raise KinshipError("nothing deleted" if verb == "delete" else "nothing changed")


def cmd_note_delete(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import notes, views

    try:
        note_id = int(args.id)
    except ValueError:
        raise UsageError(f"a note number, not {args.id!r}") from None
    ctx.open()
    note = views.note(note_id)
    if note is None:
        raise NotFoundError(f"no note #{note_id}")
    _confirm(ctx, args, f"note #{note_id} ({visible(note.body[:40])})")
    deleted = notes.delete(note_id)
    ctx.print(f"deleted note #{note_id} (undo: kinship undo {deleted.id})")
    return 0


def cmd_unlog(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import interactions, views

    ctx.open()
    item = views.interaction(args.id)
    if item is None:
        raise NotFoundError(f"no interaction with UID {args.id!r}")
    _confirm(ctx, args, f"{item.kind} {visible(item.summary[:40])!r}")
    deleted = interactions.delete(args.id)
    ctx.print(f"deleted {visible(deleted.what)} (undo: kinship undo {deleted.id})")
    return 0


def _undo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "id", nargs="?", type=int, help="the undo number a delete printed (default: the last)"
    )
    what = p.add_mutually_exclusive_group()
    what.add_argument("--list", action="store_true", help="list what can be brought back")
    what.add_argument(
        "--purge", action="store_true", help="forget every deleted note and interaction for good"
    )
    p.add_argument("--yes", action="store_true", help="do not ask before --purge (for scripts)")


def cmd_undo(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.services import undo

    if (args.list or args.purge) and args.id is not None:
        raise UsageError("give an undo number, or --list, or --purge")
    ctx.open()
    if args.list:
        kept = undo.listing(limit=50)
        if args.json:
            ctx.json([d.to_json() for d in kept])
            return 0
        for d in kept:
            ctx.print(f"{d.id:>5}  {d.deleted_at:%Y-%m-%d %H:%M}  {visible(d.what)}")
        if not kept:
            ctx.print("nothing to undo")
        return 0
    if args.purge:
        _confirm(ctx, args, "every deleted note and interaction kept for undo", verb="forget")
        n = undo.purge()
        if args.json:
            ctx.json({"purged": n})
        else:
            ctx.print(f"forgot {n} deleted item(s): they can no longer be brought back")
        return 0
    restored = undo.restore(args.id)
    if args.json:
        ctx.json({"kind": restored.kind, "what": restored.what, "ref": restored.ref})
    elif restored.kind == "note":
        ctx.print(f"restored note #{restored.ref}: {visible(restored.what)}")
    elif restored.kind == "logged":
        ctx.print(f"took back the {visible(restored.what)}")
    else:
        ctx.print(f"restored {visible(restored.what)}")
    return 0


def _event_args(p: argparse.ArgumentParser) -> None:
    from kinship.records import EVENT_KINDS

    p.add_argument("summary")
    p.add_argument(
        "--date", required=True, help="YYYY-MM-DD (all day) or YYYY-MM-DDTHH:MM, or natural forms"
    )
    p.add_argument("--kind", default="event", help=", ".join(EVENT_KINDS))
    p.add_argument("--with", dest="people", action="append", default=[], metavar="NAME")
    p.add_argument("--location", default="")


def cmd_event(args: argparse.Namespace, ctx: Context) -> int:
    from kinship.dates import parse_date, parse_datetime
    from kinship.services import contacts, events

    ctx.open()
    start: Any = (
        parse_datetime(args.date)
        if ("T" in args.date or ":" in args.date)
        else parse_date(args.date)
    )
    people = contacts.resolve_many(args.people)
    e = events.add(args.summary, start, kind=args.kind, people=people, location=args.location)
    if args.json:
        ctx.json(
            {
                "uid": e.uid,
                "summary": e.summary,
                "kind": e.kind,
                "start": str(start),
                "people": [c.uid for c in people],
            }
        )
    else:
        ctx.print(f"added {e.kind} {visible(e.summary)} on {start}")
    return 0
