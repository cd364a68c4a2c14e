"""Broken plugins installed for real (dist-info + entry point): kinship keeps working.

Each test runs the real ``kinship`` console script in a subprocess with a folder of small
distributions on PYTHONPATH: one that raises on import, one whose hook raises, one with a
misspelt hook, one whose hook takes an argument the hook does not pass, one that fails in a
notification, and a good one that adds an importer, a command and a notification.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.plugins.plugin_helpers import make_dist

#: The entry point each broken distribution declares: the "disabled" line names it first.
ENTRY = {
    "kinship-boom-on-import": "boom_on_import",
    "kinship-raises-in-hook": "raises_in_hook",
    "kinship-misspelt-hook": "misspelt_hook",
    "kinship-wrong-argument": "wrong_argument",
}

BROKEN = {
    "kinship-boom-on-import": "import failed: RuntimeError: cannot start: no API key",
    "kinship-raises-in-hook": (
        "kinship_register_exporters raised ValueError: exporter misconfigured"
    ),
    "kinship-misspelt-hook": (
        "unknown hook kinship_register_importer (did you mean kinship_register_importers?)"
    ),
    "kinship-wrong-argument": (
        "invalid hook kinship_register_followup_strategies(registr): "
        "the hook passes register, not registr"
    ),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    make_dist(
        site,
        "kinship-boom-on-import",
        "boom_on_import",
        """
        raise RuntimeError("cannot start: no API key")
    """,
    )
    make_dist(
        site,
        "kinship-raises-in-hook",
        "raises_in_hook",
        """
        from kinship import hookimpl

        @hookimpl
        def kinship_register_exporters(register):
            raise ValueError("exporter misconfigured")
    """,
    )
    make_dist(
        site,
        "kinship-misspelt-hook",
        "misspelt_hook",
        """
        from kinship import hookimpl

        @hookimpl
        def kinship_register_importer(register):
            pass
    """,
    )
    make_dist(
        site,
        "kinship-wrong-argument",
        "wrong_argument",
        """
        from kinship import hookimpl

        @hookimpl
        def kinship_register_followup_strategies(registr):
            pass
    """,
    )
    make_dist(
        site,
        "kinship-noisy-listener",
        "noisy_listener",
        """
        from kinship import hookimpl

        @hookimpl
        def kinship_contact_changed(contact):
            raise OSError("webhook unreachable")
    """,
    )
    make_dist(
        site,
        "kinship-good",
        "good_plugin",
        """
        import os
        from kinship import hookimpl
        from kinship.records import ContactRecord, Importer, ImportProblem

        def read(path):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip():
                    yield ContactRecord(line.strip(), uid=f"good-{n}", line=n)

        @hookimpl
        def kinship_register_importers(register):
            register(Importer("names", "one name per line", (".names",), read=read))

        def hello(args, ctx):
            ctx.print(f"hello {args.who}")

        @hookimpl
        def kinship_register_commands(cli):
            cli.command("hello", help="greet", run=hello,
                        configure=lambda p: p.add_argument("who"))

        @hookimpl
        def kinship_contact_changed(contact):
            with open(os.environ["GOOD_PLUGIN_LOG"], "a", encoding="utf-8") as fh:
                fh.write(contact.display_name + "\\n")
    """,
        version="2.5",
    )
    return site


def ours(listing: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {p["distribution"]: p for p in listing if not p["builtin"]}


def test_plugins_lists_each_failure_and_why(site: Path, run_kinship: Any) -> None:
    result = run_kinship("plugins", "--all", "--json", site=site)
    assert result.code == 0, result.err
    listing = result.json()
    plugins = ours(listing)
    for dist, why in BROKEN.items():
        assert (plugins[dist]["status"], plugins[dist]["error"]) == ("disabled", why), dist
    good = plugins["kinship-good"]
    assert good == {
        "name": "good_plugin",
        "distribution": "kinship-good",
        "version": "2.5",
        "hooks": [
            "kinship_contact_changed",
            "kinship_register_commands",
            "kinship_register_importers",
        ],
        "builtin": False,
        "status": "ok",
        "error": None,
    }
    # Notification hooks are not called by a listing: the noisy one still looks fine.
    assert plugins["kinship-noisy-listener"]["status"] == "ok"
    builtins = [p for p in listing if p["builtin"]]
    assert builtins and all(p["status"] == "ok" for p in builtins if p["error"] is None)
    # One line on stderr per failure, nothing else.
    assert sorted(result.err.splitlines()) == sorted(
        f"kinship: plugin {ENTRY[dist]} ({dist}) disabled: {why}" for dist, why in BROKEN.items()
    )


def test_plugins_text_listing_leaves_out_builtins(site: Path, run_kinship: Any) -> None:
    result = run_kinship("plugins", site=site)
    assert result.code == 0
    assert "kinship.builtin" not in result.out
    [good] = [ln for ln in result.out.splitlines() if ln.startswith("good_plugin ")]
    assert "kinship-good 2.5" in good and good.endswith("  ok")
    [boom] = [ln for ln in result.out.splitlines() if ln.startswith("boom_on_import ")]
    assert boom.endswith("disabled: import failed: RuntimeError: cannot start: no API key")


def test_contacts_prints_nothing_extra(site: Path, run_kinship: Any) -> None:
    assert run_kinship("add", "Ada Lovelace", "--no-plugins").code == 0
    clean = run_kinship("contacts", "--json")
    broken = run_kinship("contacts", "--json", site=site)
    assert broken.code == clean.code == 0
    assert broken.out == clean.out
    assert [c["display_name"] for c in broken.json()] == ["Ada Lovelace"]
    assert broken.err == ""  # listing contacts does not even load plugins


def test_good_plugins_keep_working(site: Path, run_kinship: Any, tmp_path: Path) -> None:
    log = tmp_path / "heard.txt"
    env = {"GOOD_PLUGIN_LOG": str(log)}
    # A command from the good plugin, next to broken ones.
    result = run_kinship("hello", "world", site=site, env=env)
    assert (result.code, result.out) == (0, "hello world\n")
    # The failures found while loading are reported; the exporter hook that raises is not
    # called by this command, so that plugin goes unnoticed (and unpunished) here.
    assert sorted(result.err.splitlines()) == sorted(
        f"kinship: plugin {ENTRY[dist]} ({dist}) disabled: {why}"
        for dist, why in BROKEN.items()
        if dist != "kinship-raises-in-hook"
    )
    # Notifications: the good plugin hears about the new contact; the noisy one is
    # disabled with one line and the contact is saved all the same.
    result = run_kinship("add", "Grace Hopper", site=site, env=env)
    assert result.code == 0, result.err
    assert log.read_text(encoding="utf-8") == "Grace Hopper\n"
    assert (
        "kinship: plugin noisy_listener (kinship-noisy-listener) disabled: "
        "kinship_contact_changed raised "
        "OSError: webhook unreachable"
    ) in result.err.splitlines()
    # Its importer is found by suffix and used.
    names = tmp_path / "friends.names"
    names.write_text("Katherine Johnson\n\nDorothy Vaughan\n", encoding="utf-8")
    result = run_kinship("import", str(names), "--json", site=site, env=env)
    assert result.code == 0, result.err
    assert result.json()["created"] == 2
    listed = run_kinship("contacts", "--json").json()
    assert sorted(c["display_name"] for c in listed) == [
        "Dorothy Vaughan",
        "Grace Hopper",
        "Katherine Johnson",
    ]


def test_switches(site: Path, run_kinship: Any) -> None:
    result = run_kinship("plugins", "--json", "--no-plugins", site=site)
    assert result.err == ""
    assert {p["error"] for p in result.json()} == {"not loaded (--no-plugins)"}
    result = run_kinship("plugins", "--json", site=site, env={"KINSHIP_NO_PLUGINS": "1"})
    assert {p["error"] for p in result.json()} == {"not loaded (--no-plugins)"}
    # A plugin command is unknown without plugins: a usage error, exit 2.
    assert run_kinship("hello", "x", "--no-plugins", site=site).code == 2

    result = run_kinship(
        "plugins", "--json", site=site, env={"KINSHIP_LOAD_PLUGINS": "kinship-good"}
    )
    assert result.err == ""
    plugins = ours(result.json())
    assert plugins["kinship-good"]["status"] == "ok"
    assert plugins["kinship-boom-on-import"]["error"] == "not listed in KINSHIP_LOAD_PLUGINS"

    result = run_kinship(
        "plugins",
        "--json",
        site=site,
        env={"KINSHIP_DISABLE_PLUGINS": ",".join(BROKEN), "KINSHIP_TRACE_PLUGINS": "1"},
    )
    plugins = ours(result.json())
    assert {plugins[d]["error"] for d in BROKEN} == {"disabled by KINSHIP_DISABLE_PLUGINS"}
    assert "disabled:" not in result.err
    assert "kinship: trace kinship-good import " in result.err


def test_each_failure_is_reported_once_per_command(site: Path, run_kinship: Any) -> None:
    """A command may load the plugins more than once (its own host, the follow-up
    engine's); a broken plugin is still one line."""
    for args in (
        ("add", "Ada Lovelace", "--every", "7"),
        ("log", "Coffee", "--with", "Ada"),
        ("due",),
        ("today",),
    ):
        result = run_kinship(*args, site=site)
        assert result.code == 0, result.err
        lines = [ln for ln in result.err.splitlines() if " disabled: " in ln]
        assert lines, args
        assert len(lines) == len(set(lines)), (args, result.err)
