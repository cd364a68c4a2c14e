from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kinship.config import describe_target
from tests.conftest import CLI

CONTACT_KEYS = {
    "uid",
    "display_name",
    "nickname",
    "organization",
    "title",
    "emails",
    "phones",
    "tags",
    "birthday",
    "last_interaction_at",
    "next_due_at",
    "archived",
}


def test_done_when_scenario(cli: CLI) -> None:
    r = cli(
        "add",
        "Ada Lovelace",
        "--email",
        "ada@example.org",
        "--every",
        "30",
        "--birthday",
        "1815-12-10",
    )
    assert r.code == 0, r.err
    r = cli("log", "Coffee at the conference", "--with", "Ada", "--kind", "meeting")
    assert r.code == 0, r.err
    show = cli("show", "Ada", "--json").json()
    assert set(show) >= CONTACT_KEYS
    assert {"fields", "relationships", "interactions", "events", "notes", "followups"} <= set(show)
    assert show["interactions"][0]["summary"] == "Coffee at the conference"
    assert show["last_interaction_at"] is not None
    assert show["next_due_at"] is not None
    found = cli("contacts", "lovelace", "--json").json()
    assert [c["display_name"] for c in found] == ["Ada Lovelace"]
    assert set(found[0]) == CONTACT_KEYS
    assert found[0]["birthday"] == "1815-12-10"


def test_contacts_json_is_a_list_even_when_empty(cli: CLI) -> None:
    assert cli("contacts", "--json").json() == []


def test_contacts_plain_and_limit(cli: CLI) -> None:
    for n in ("Ann", "Bea", "Cid"):
        cli("add", n)
    r = cli("contacts", "--limit", "2")
    assert r.out.splitlines() == ["Ann", "Bea"]


def test_control_characters_never_reach_the_terminal(cli: CLI) -> None:
    name = "Anna [Work] \x1b[2J[@click=app.quit]x[/]"
    assert cli("add", name).code == 0
    for args in (("contacts",), ("show", "Anna")):
        r = cli(*args)
        assert r.code == 0, r.err
        assert "\x1b" not in r.out
        assert "\\x1b[2J[@click=app.quit]x[/]" in r.out
    data = cli("contacts", "--json").json()
    assert data[0]["display_name"] == name  # JSON keeps it exact (escaped by the encoder)
    assert "\x1b" not in cli("contacts", "--json").out


def test_ambiguous_name_lists_candidates_and_changes_nothing(cli: CLI) -> None:
    cli("add", "Ada Lovelace")
    cli("add", "Ada Byron")
    r = cli("log", "hello", "--with", "Ada")
    assert r.code == 1
    assert r.out == ""
    assert "matches 2 contacts" in r.err and "Ada Byron" in r.err and "Ada Lovelace" in r.err
    assert len(r.err.strip().splitlines()) == 1
    assert cli("show", "Ada Lovelace", "--json").json()["interactions"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "nobody"), "no contact matches"),
        (("add", "X", "--birthday", "1815-13-01"), "not a date"),
        (("add", "X", "--email", "nope"), "not an email"),
        (("log", "x", "--with", "Ann", "--date", "someday"), "not a date"),
        (("log", "x", "--with", "Ann", "--kind", "telepathy"), "unknown interaction kind"),
        (("note", "Ann", "x", "--kind", "gossip"), "unknown note kind"),
        (("relate", "Ann", "nemesis", "Ann"), "unknown relationship"),
    ],
)
def test_user_mistakes_are_one_line_exit_1(cli: CLI, args: tuple[str, ...], message: str) -> None:
    cli("add", "Ann")
    r = cli(*args)
    assert r.code == 1
    assert message in r.err
    assert r.err.count("\n") == 1 and "Traceback" not in r.err


def test_usage_errors_exit_2(cli: CLI) -> None:
    assert cli("add").code == 2
    assert cli("log", "x").code == 2  # --with is required
    assert cli("frobnicate", db=False).code == 2


def test_each_run_parses_afresh(cli: CLI) -> None:
    # The parser is built once per process: nothing one run was given, or did with its
    # arguments, is the next run's.
    from kinship.cli import _builtin_parser, _parse

    parser = _builtin_parser(commands=True)
    assert _builtin_parser(commands=True) is parser
    first = _parse(parser, ["add", "Ada", "--tag", "work"])
    first.email.append("leaked@example.org")
    first.tag.append("leaked")
    second = _parse(parser, ["add", "Bob"])
    assert (second.email, second.tag) == ([], [])

    assert cli("add", "Ada Lovelace", "--email", "ada@example.org", "--tag", "work").code == 0
    assert cli("add", "Bob Bobson").code == 0
    bob = cli("show", "Bob Bobson", "--json").json()
    assert (bob["emails"], bob["tags"]) == ([], [])


def test_edit_and_conflict(cli: CLI) -> None:
    cli("add", "Ada")
    v = cli("show", "Ada", "--json").json()["version"]
    r = cli("edit", "Ada", "--org", "Analytical Engines", "--every", "14", "--json")
    assert r.code == 0, r.err
    assert r.json()["organization"] == "Analytical Engines"
    r = cli("edit", "Ada", "--title", "Countess", "--if-version", str(v))
    assert r.code == 1 and "changed elsewhere" in r.err
    assert cli("show", "Ada", "--json").json()["title"] == ""
    assert cli("edit", "Ada").code == 2


def test_tags_note_relate_merge(cli: CLI, backend: str) -> None:
    cli("add", "Ada", "--email", "ada@example.org")
    cli("add", "Ada Dup", "--email", "ADA@example.org", "--phone", "555 0100")
    cli("add", "Charles")
    assert cli("tag", "Charles", "mentors", "math", "--json").json()["tags"] == ["math", "mentors"]
    assert cli("tag", "Charles", "--remove", "math", "--json").json()["tags"] == ["mentors"]
    assert cli("tag", "--cadence", "mentors", "30").code == 0
    assert cli("show", "Charles", "--json").json()["next_due_at"] is not None
    assert cli("note", "Charles", "wants a co-author", "--kind", "goal", "--pin").code == 0
    assert cli("relate", "Charles", "mentor", "Ada Dup").code == 0
    cli("log", "talk", "--with", "Ada Dup", "--date", "yesterday")
    r = cli("merge", "Ada", "Ada Dup", "--json")
    assert r.code == 0, r.err
    merged = r.json()
    assert merged["moved"]["interactions"] == 1
    if backend == "sqlite":
        assert merged["backup"] and merged["backup"].endswith(".bak")
    else:  # the server's own backups (pg_dump) cover PostgreSQL
        assert merged["backup"] is None
    shown = cli("show", "Ada", "--json").json()
    assert shown["phones"] == ["555 0100"]
    assert shown["emails"] == ["ada@example.org"]
    assert shown["relationships"][0]["kind"] == "mentor"
    assert len(shown["interactions"]) == 1
    charles = cli("show", "Charles", "--json").json()
    assert charles["notes"][0]["pinned"] is True


def test_archive_and_undo(cli: CLI) -> None:
    cli("add", "Old Friend")
    assert "undo" in cli("archive", "Old").out
    assert cli("contacts", "--json").json() == []
    assert len(cli("contacts", "--all", "--json").json()) == 1
    cli("archive", "Old", "--undo")
    assert len(cli("contacts", "--json").json()) == 1


def test_event_and_db_commands(cli: CLI, db_path: Path) -> None:
    cli("add", "Ada")
    r = cli(
        "event",
        "Ada starts at Babbage & Co",
        "--date",
        "2026-11-20",
        "--kind",
        "new-job",
        "--with",
        "Ada",
        "--json",
    )
    assert r.code == 0, r.err
    assert cli("show", "Ada", "--json").json()["events"][0]["kind"] == "new-job"
    assert cli("db", "path").out.strip() == describe_target(str(db_path))
    assert cli("db", "upgrade", "--json").json()["upgraded"] is False


@pytest.mark.sqlite_only("SQLite's online backup; PostgreSQL uses pg_dump")
def test_backup_command(cli: CLI, db_path: Path) -> None:
    cli("add", "Ada")
    dest = db_path.with_name("copy.db")
    assert cli("backup", str(dest)).code == 0 and dest.exists()
    r = cli("backup", str(dest))
    assert r.code == 1 and "already exists" in r.err


def test_version_and_module_entry() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "kinship", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0 and out.stdout.startswith("kinship ")


def test_opening_the_app_loads_no_subcommand(tmp_path: Path) -> None:
    """``kinship`` / ``kinship --db X`` goes straight to the app: the subcommands' modules
    are not imported on the way to its first paint; ``--help`` still lists them."""
    code = (
        "import sys, io\n"
        "import kinship.cli as cli\n"
        "cli._open_tui = lambda ctx: print(ctx.args.db, ctx.args.presenter) or 0\n"
        f"assert cli.main(['--db', {str(tmp_path / 'h.db')!r}, '--presenter']) == 0\n"
        "print(sorted(m for m in sys.modules if m.startswith('kinship.cli.')))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [f"{tmp_path / 'h.db'} True", "[]"]
    r = subprocess.run([sys.executable, "-m", "kinship", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "contacts" in r.stdout and "due" in r.stdout


def test_version_and_help_import_no_database_layer() -> None:
    """The parser is built for every command: building it imports no peewee (nor psycopg
    through it), so ``--version`` and ``--help`` cost a Python start and argparse."""
    from kinship.cli.network import PATH_MAX_DEFAULT
    from kinship.services.views.paths import MAX_HOPS

    assert PATH_MAX_DEFAULT == MAX_HOPS
    code = (
        "import sys, io, contextlib\n"
        "from kinship.cli import main\n"
        "for argv in (['--version'], ['--help'], ['path', '--help']):\n"
        "    with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "        main(argv)\n"
        "bad = [m for m in ('peewee', 'psycopg', 'textual') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_core_never_imports_textual(tmp_path: Path) -> None:
    code = (
        "import sys, io\n"
        "from kinship.cli import main\n"
        f"main(['add', 'X', '--db', {str(tmp_path / 'h.db')!r}], out=io.StringIO())\n"
        f"main(['contacts', '--db', {str(tmp_path / 'h.db')!r}], out=io.StringIO())\n"
        "import kinship.store, kinship.services.contacts, kinship.services.interactions\n"
        "bad = [m for m in ('textual', 'icalendar', 'vobject') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "KINSHIP_NO_PLUGINS": "1"},
    )
    assert r.returncode == 0, r.stderr


def test_note_edit_delete_and_unlog(cli: CLI) -> None:
    cli("add", "Ada")
    note = cli("note", "Ada", "likes tea", "--json").json()
    assert f"#{note['id']}" in cli("show", "Ada").out
    r = cli(
        "note-edit",
        str(note["id"]),
        "--text",
        "likes green tea",
        "--kind",
        "preference",
        "--pin",
        "--json",
    )
    assert r.code == 0, r.err
    assert r.json() == {
        "id": note["id"],
        "kind": "preference",
        "body": "likes green tea",
        "pinned": True,
    }
    assert cli("note-edit", str(note["id"])).code == 2
    # Without a terminal to ask, deleting needs --yes and changes nothing otherwise.
    r = cli("note-delete", str(note["id"]))
    assert r.code == 2 and "--yes" in r.err
    assert len(cli("show", "Ada", "--json").json()["notes"]) == 1
    assert cli("note-delete", str(note["id"]), "--yes").code == 0
    assert cli("show", "Ada", "--json").json()["notes"] == []
    assert cli("note-delete", "999", "--yes").code == 1

    cli("log", "tea", "--with", "Ada", "--date", "yesterday")
    shown = cli("show", "Ada", "--json").json()
    uid = shown["interactions"][0]["uid"]
    assert cli("unlog", uid).code == 2
    r = cli("unlog", uid, "--yes")
    assert r.code == 0 and "deleted meeting" in r.out
    after = cli("show", "Ada", "--json").json()
    assert after["interactions"] == [] and after["last_interaction_at"] is None
    assert cli("unlog", uid, "--yes").code == 1


def test_undo_brings_back_a_deleted_note_and_interaction(cli: CLI) -> None:
    cli("add", "Ada")
    note = cli("note", "Ada", "likes tea", "--kind", "preference", "--pin", "--json").json()
    r = cli("note-delete", str(note["id"]), "--yes")
    assert r.code == 0, r.err
    undo_id = r.out.split("undo: kinship undo ")[1].split(")")[0]
    assert cli("show", "Ada", "--json").json()["notes"] == []
    listed = cli("undo", "--list", "--json").json()
    assert [(d["id"], d["kind"]) for d in listed] == [(int(undo_id), "note")]
    assert "likes tea" in listed[0]["what"]

    r = cli("undo", undo_id)
    assert r.code == 0, r.err
    assert r.out.startswith(f"restored note #{note['id']}:")
    back = cli("show", "Ada", "--json").json()["notes"]
    assert [(n["id"], n["kind"], n["body"], n["pinned"]) for n in back] == [
        (note["id"], "preference", "likes tea", True)
    ]
    r = cli("undo", undo_id)  # once only
    assert r.code == 1 and "nothing to undo" in r.err

    cli("log", "tea", "--with", "Ada", "--date", "yesterday")
    before = cli("show", "Ada", "--json").json()
    uid = before["interactions"][0]["uid"]
    r = cli("unlog", uid, "--yes")
    assert (
        r.code == 0 and r.out.startswith("deleted meeting of ") and "(undo: kinship undo " in r.out
    )
    assert cli("show", "Ada", "--json").json()["last_interaction_at"] is None
    r = cli("undo", "--json")  # no number: the last deletion
    assert r.code == 0, r.err
    assert r.json()["kind"] == "interaction" and r.json()["ref"] == uid
    after = cli("show", "Ada", "--json").json()
    assert after["interactions"] == before["interactions"]
    assert after["last_interaction_at"] == before["last_interaction_at"]
    r = cli("undo")
    assert r.code == 1 and "nothing to undo" in r.err
    assert cli("undo", "--list").out == "nothing to undo\n"


def test_undo_purge_forgets_the_deleted_for_good(cli: CLI) -> None:
    cli("add", "Ada")
    note = cli("note", "Ada", "a secret", "--json").json()
    cli("note-delete", str(note["id"]), "--yes")
    r = cli("undo", "--purge")  # no terminal to ask: it needs --yes
    assert r.code == 2 and "--yes" in r.err
    assert len(cli("undo", "--list", "--json").json()) == 1
    r = cli("undo", "--purge", "--yes", "--json")
    assert r.code == 0 and r.json() == {"purged": 1}
    assert cli("undo").code == 1
    assert cli("undo", "3", "--list").code == 2


def test_ctrl_c_whose_rollback_fails_exits_as_interrupted(
    cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL, Ctrl+C mid-query can leave the connection busy, and the rollback on the
    way out fails: the person pressed Ctrl+C, so the exit is 130, not a database error."""
    import peewee

    from kinship.services import contacts

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise peewee.OperationalError(
                "sending query failed: another command is already in progress"
            ) from None

    monkeypatch.setattr(contacts, "add", interrupted)
    r = cli("add", "Ada Lovelace")
    assert (r.code, r.err) == (130, "")
    monkeypatch.setattr(
        contacts, "add", lambda *a, **k: (_ for _ in ()).throw(peewee.OperationalError("disk I/O"))
    )
    r = cli("add", "Ada Lovelace")
    assert r.code == 1 and "disk I/O" in r.err  # a database error on its own is still one
