"""The plugin host in process: validation, isolation, caching, lookups, switches."""

from __future__ import annotations

import io
import types
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import pytest

from kinship import hookimpl, plugins
from kinship.errors import KinshipError
from kinship.plugins import BUILTIN_PLUGINS, PluginHost, load_host
from kinship.records import (
    ContactRecord,
    Exporter,
    Importer,
    InteractionRecord,
    PaletteCommand,
    Strategy,
)
from tests.plugins.plugin_helpers import make_dist


def importer(name: str, suffixes: tuple[str, ...] = (".txt",), **kw: Any) -> Importer:
    return Importer(name, f"{name} files", suffixes, read=lambda p: iter(()), **kw)


def plugin(name: str, **hooks: Callable[..., Any]) -> types.SimpleNamespace:
    """A plugin object whose attributes are the given hook functions, marked."""
    return types.SimpleNamespace(__name__=name, **{k: hookimpl(v) for k, v in hooks.items()})


def registers(*items: Any) -> Callable[[Any], None]:
    def hook(register: Any) -> None:
        for item in items:
            register(item)

    return hook


def host_with(*objs: Any, builtins: bool = False) -> tuple[PluginHost, io.StringIO]:
    err = io.StringIO()
    return PluginHost.for_plugins(*objs, builtins=builtins, err=err), err


def status(host: PluginHost) -> dict[str, tuple[str, str | None]]:
    return {i.name: (i.status, i.error) for i in host.infos()}


def boom(*_: Any) -> NoReturn:
    raise RuntimeError("kaput\nwith a second line")


# --------------------------------------------------------------------------- builtins


def test_builtins_register_like_any_plugin() -> None:
    host, err = host_with(builtins=True)
    infos = host.infos()
    assert [i.name for i in infos] == list(BUILTIN_PLUGINS)
    assert all(i.builtin and i.distribution == "kinship" for i in infos)
    assert [i.status for i in infos] == ["ok"] * len(BUILTIN_PLUGINS)
    assert {"vcard", "ical", "json"} <= {i.name for i in host.importers()}
    assert {"vcard", "vdir", "ical", "json"} <= {e.name for e in host.exporters()}
    assert {"cadence", "occasions", "appreciation", "give-first"} <= {
        s.name for s in host.strategies()
    }
    owner = host.owner(host.exporter("vdir"))
    assert owner is not None and owner.name == "kinship.builtin.vcard"
    assert err.getvalue() == ""


def test_a_missing_builtin_is_disabled_quietly_and_the_others_load() -> None:
    err = io.StringIO()
    host = PluginHost(err=err)
    host.load_builtins(("kinship.builtin.not_written_yet", "kinship.builtin.strategies"))
    assert status(host) == {
        "kinship.builtin.not_written_yet": ("disabled", "not available in this version of kinship"),
        "kinship.builtin.strategies": ("ok", None),
    }
    assert host.strategies()
    assert err.getvalue() == ""


# --------------------------------------------------------------------------- validation


def test_unknown_hook_disables_the_plugin_with_a_hint() -> None:
    typo = plugin("typo", kinship_register_importer=registers(importer("t")))
    good = plugin("good", kinship_register_importers=registers(importer("g")))
    host, err = host_with(typo, good)
    assert status(host)["typo"] == (
        "disabled",
        "unknown hook kinship_register_importer (did you mean kinship_register_importers?)",
    )
    assert [i.name for i in host.importers()] == ["g"]
    assert err.getvalue() == (
        "kinship: plugin typo disabled: unknown hook kinship_register_importer "
        "(did you mean kinship_register_importers?)\n"
    )


def test_a_hook_argument_the_spec_does_not_pass_disables_the_plugin() -> None:
    def kinship_register_exporters(registr: Any) -> None:
        raise AssertionError("never called")

    bad = plugin("bad", kinship_register_exporters=kinship_register_exporters)
    host, err = host_with(bad)
    state, why = status(host)["bad"]
    assert state == "disabled"
    assert why == (
        "invalid hook kinship_register_exporters(registr): the hook passes register, not registr"
    )
    assert host.exporters() == []
    assert err.getvalue().count("\n") == 1


def test_unmarked_hook_functions_are_pointed_out() -> None:
    mod = types.ModuleType("unmarked")
    mod.kinship_register_importers = registers(importer("u"))  # type: ignore[attr-defined]
    host, _ = host_with(mod)
    assert status(host)["unmarked"] == (
        "disabled",
        "kinship_register_importers is not marked with @kinship.hookimpl",
    )


def test_hook_wrappers_are_refused() -> None:
    def kinship_register_importers(register: Any) -> Iterator[None]:
        yield

    obj = types.SimpleNamespace(
        __name__="wrapper",
        kinship_register_importers=hookimpl(wrapper=True)(kinship_register_importers),
    )
    host, _ = host_with(obj)
    assert status(host)["wrapper"][0] == "disabled"
    assert "wrappers are not supported" in (status(host)["wrapper"][1] or "")


def test_a_hook_may_take_fewer_arguments_than_the_spec() -> None:
    seen: list[str] = []
    obj = plugin("quiet", kinship_contact_changed=lambda: seen.append("called"))
    host, _ = host_with(obj)
    host.notify("kinship_contact_changed", ContactRecord("Ada"))
    assert seen == ["called"]


# --------------------------------------------------------------------------- isolation


def test_a_hook_that_raises_disables_only_its_plugin() -> None:
    calls: list[str] = []

    def counting(register: Any) -> None:
        calls.append("good")
        register(importer("good"))

    first = plugin(
        "first",
        kinship_register_importers=boom,
        kinship_register_exporters=registers(
            Exporter("first-out", "x", ".x", write=lambda b, p: None)
        ),
    )
    good = plugin("good", kinship_register_importers=counting)
    host, err = host_with(first, good)
    assert [i.name for i in host.importers()] == ["good"]
    assert status(host)["first"] == (
        "disabled",
        "kinship_register_importers raised RuntimeError: kaput with a second line",
    )
    assert err.getvalue() == (
        "kinship: plugin first disabled: kinship_register_importers raised RuntimeError: "
        "kaput with a second line\n"
    )
    # A disabled plugin is out of every hook, including ones it did not fail in.
    assert host.exporters() == []
    # Results are cached per host: the good plugin's hook ran once.
    host.importers()
    host.importers()
    assert calls == ["good"]


def test_partial_registrations_of_a_failing_hook_are_dropped() -> None:
    def half(register: Any) -> None:
        register(importer("half"))
        raise ValueError("then it broke")

    host, _ = host_with(plugin("half", kinship_register_importers=half))
    assert host.importers() == []


@pytest.mark.parametrize(
    ("registered", "reason"),
    [
        ("not an importer", "registered a str where a kinship.records.Importer is expected"),
        (
            Strategy("s", "wrong kind", suggest=lambda s, t: []),
            "registered a Strategy where a kinship.records.Importer is expected",
        ),
        (importer(""), "registered a importer with an empty name"),
        (importer("  "), "registered a importer with an empty name"),
        # What a broken plugin registers: the wrong types are the point.
        (
            Importer("r", "", (".r",), read="not callable"),  # type: ignore[arg-type]
            "importer 'r': read is not callable",
        ),
        (
            Importer("r", "", ".r", read=lambda p: iter(())),  # type: ignore[arg-type]
            "importer 'r': suffixes must be a tuple of strings",
        ),
    ],
)
def test_registrations_are_validated(registered: Any, reason: str) -> None:
    good = plugin("good", kinship_register_importers=registers(importer("fine")))
    bad = plugin("bad", kinship_register_importers=registers(registered))
    host, _ = host_with(good, bad)
    assert [i.name for i in host.importers()] == ["fine"]
    assert status(host)["bad"] == ("disabled", reason)


def test_a_duplicate_name_disables_the_later_plugin() -> None:
    early = plugin("early", kinship_register_importers=registers(importer("names")))
    late = plugin(
        "late", kinship_register_importers=registers(importer("Names"), importer("other"))
    )
    host, _ = host_with(early, late)
    assert [i.name for i in host.importers()] == ["names"]
    assert status(host)["late"] == ("disabled", "importer 'Names' is already registered by early")


def test_a_third_party_plugin_cannot_take_a_builtin_name() -> None:
    vcard2 = plugin(
        "vcard2",
        kinship_register_exporters=registers(
            Exporter("vcard", "mine", ".vcf", write=lambda b, p: None)
        ),
    )
    host, _ = host_with(vcard2, builtins=True)
    host.exporters()
    assert status(host)["vcard2"] == (
        "disabled",
        "exporter 'vcard' is already registered by kinship.builtin.vcard",
    )
    owner = host.owner(host.exporter("vcard"))
    assert owner is not None and owner.builtin


def test_palette_commands_are_collected_and_validated() -> None:
    cmd = PaletteCommand("Say hello", "greets", run=lambda app: None)
    good = plugin("good", kinship_palette_commands=lambda: [cmd])
    lazy = plugin("lazy", kinship_palette_commands=lambda: (x for x in [1]))
    broken = plugin("broken", kinship_palette_commands=lambda: (boom() for _ in [1]))
    host, _ = host_with(good, lazy, broken)
    assert host.palette_commands() == [cmd]
    assert status(host)["lazy"] == (
        "disabled",
        "kinship_palette_commands returned int, not a PaletteCommand",
    )
    assert status(host)["broken"][1] == (
        "kinship_palette_commands raised RuntimeError: kaput with a second line"
    )


def test_notifications_reach_every_plugin_even_after_one_fails() -> None:
    seen: list[str] = []
    noisy = plugin("noisy", kinship_interaction_logged=boom)
    quiet = plugin(
        "quiet", kinship_interaction_logged=lambda interaction: seen.append(interaction.summary)
    )
    host, err = host_with(noisy, quiet)
    rec = InteractionRecord(datetime(2026, 1, 1, tzinfo=UTC), "call", "caught up")
    host.notify("kinship_interaction_logged", rec)
    host.notify("kinship_interaction_logged", rec)
    assert seen == ["caught up", "caught up"]
    assert status(host)["noisy"][0] == "disabled"
    assert err.getvalue().count("disabled") == 1  # reported once, then skipped
    with pytest.raises(ValueError, match="not a notification hook"):
        host.notify("kinship_register_importers", rec)


def test_plugin_commands_are_guarded(kinship_store: Any) -> None:
    from kinship.cli import build_parser

    def configure(p: Any) -> None:
        p.add_argument("--fail", action="store_true")

    def run(args: Any, ctx: Any) -> int:
        if args.fail:
            raise ZeroDivisionError("division by zero")
        return 0

    def commands(cli: Any) -> None:
        cli.command("hello", help="say hello", run=run, configure=configure)

    clash = plugin(
        "clash", kinship_register_commands=lambda cli: cli.command("contacts", help="mine", run=run)
    )
    host, _ = host_with(plugin("cmds", kinship_register_commands=commands), clash)
    parser = build_parser(host)
    assert status(host)["clash"] == (
        "disabled",
        "kinship_register_commands raised KinshipError: command 'contacts' is registered twice",
    )
    args = parser.parse_args(["hello"])
    assert args._run(args, None) == 0
    args = parser.parse_args(["hello", "--fail"])
    with pytest.raises(KinshipError, match=r"^plugin cmds: hello failed: ZeroDivisionError"):
        args._run(args, None)
    host._disable(host._plugins["cmds"], "for the test", quiet=True)
    with pytest.raises(KinshipError, match="plugin cmds is disabled: for the test"):
        args._run(args, None)


# --------------------------------------------------------------------------- lookups


def test_importer_for_by_format_then_sniff_then_suffix(tmp_path: Path) -> None:
    sniffy = importer("sniffy", (".dat",), sniff=lambda p: p.read_text().startswith("SNIFFY"))
    broken = importer("broken", (".brk",), sniff=boom)
    plain = importer("plain", (".txt", ".TEXT"))
    host, err = host_with(plugin("p", kinship_register_importers=registers(broken, sniffy, plain)))
    a = tmp_path / "a.txt"
    a.write_text("SNIFFY data")
    b = tmp_path / "b.text"
    b.write_text("hello")
    assert host.importer_for(a) is sniffy  # content wins over the suffix
    assert host.importer_for(b) is plain  # suffixes compare case-insensitively
    assert host.importer_for(a, "PLAIN") is plain  # --format wins over both
    assert "could not sniff" in err.getvalue() and "RuntimeError" in err.getvalue()
    with pytest.raises(KinshipError) as exc:
        host.importer_for(tmp_path / "c.xyz")
    assert str(exc.value) == (
        f"{tmp_path / 'c.xyz'}: cannot tell the file format; use --format NAME "
        "(known: broken, plain, sniffy)"
    )
    with pytest.raises(KinshipError, match=r"unknown import format 'nope' \(known: broken, "):
        host.importer_for(a, "nope")


def test_exporter_and_strategy_by_name() -> None:
    host, _ = host_with(builtins=True)
    assert host.exporter("VCARD").name == "vcard"
    assert host.strategy("cadence").name == "cadence"
    with pytest.raises(KinshipError, match=r"unknown export format 'pdf' \(known: ical, json, "):
        host.exporter("pdf")


# --------------------------------------------------------------------------- load_host


@pytest.fixture
def fake_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    site = tmp_path / "site"
    make_dist(
        site,
        "kinship-alpha",
        "alpha_plugin",
        """
        from kinship import hookimpl
        from kinship.records import Importer

        @hookimpl
        def kinship_register_importers(register):
            register(Importer("alpha", "alpha files", (".alpha",), read=lambda p: iter(())))
    """,
    )
    make_dist(site, "kinship-broken", "broken_plugin", "import not_installed_anywhere\n")
    monkeypatch.syspath_prepend(str(site))
    for name in ("KINSHIP_NO_PLUGINS", "KINSHIP_LOAD_PLUGINS", "KINSHIP_DISABLE_PLUGINS"):
        monkeypatch.delenv(name, raising=False)
    return site


def third_party(host: PluginHost) -> dict[str, tuple[str, str | None]]:
    return {
        i.distribution: (i.status, i.error)
        for i in host.infos()
        if i.distribution in ("kinship-alpha", "kinship-broken")
    }


def test_load_host_finds_entry_points_one_at_a_time(fake_site: Path) -> None:
    err = io.StringIO()
    host = load_host(err=err)
    assert third_party(host) == {
        "kinship-alpha": ("ok", None),
        "kinship-broken": (
            "disabled",
            "import failed: ModuleNotFoundError: No module named 'not_installed_anywhere'",
        ),
    }
    alpha = next(i for i in host.infos() if i.distribution == "kinship-alpha")
    assert (alpha.name, alpha.version, alpha.hooks, alpha.builtin) == (
        "alpha_plugin",
        "1.0",
        ["kinship_register_importers"],
        False,
    )
    assert "alpha" in [i.name for i in host.importers()]
    assert err.getvalue() == (
        "kinship: plugin broken_plugin (kinship-broken) disabled: import failed: "
        "ModuleNotFoundError: No module named 'not_installed_anywhere'\n"
    )


def test_no_plugins_lists_third_party_plugins_without_importing_them(
    fake_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for kwargs, env in (({"no_plugins": True}, None), ({}, "1")):
        if env:
            monkeypatch.setenv("KINSHIP_NO_PLUGINS", env)
        err = io.StringIO()
        host = load_host(err=err, **kwargs)
        assert third_party(host) == {
            "kinship-alpha": ("disabled", "not loaded (--no-plugins)"),
            "kinship-broken": ("disabled", "not loaded (--no-plugins)"),
        }
        assert err.getvalue() == ""
        assert [i.status for i in host.infos() if i.builtin] == ["ok"] * len(BUILTIN_PLUGINS)


def test_load_and_disable_lists(fake_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KINSHIP_LOAD_PLUGINS", "Kinship_Alpha, nonexistent")
    err = io.StringIO()
    host = load_host(err=err)
    assert third_party(host) == {
        "kinship-alpha": ("ok", None),
        "kinship-broken": ("disabled", "not listed in KINSHIP_LOAD_PLUGINS"),
    }
    assert err.getvalue() == "kinship: KINSHIP_LOAD_PLUGINS: no plugin named 'nonexistent'\n"

    monkeypatch.setenv("KINSHIP_LOAD_PLUGINS", "")  # set but empty: none
    host = load_host(err=io.StringIO())
    assert {s for s, _ in third_party(host).values()} == {"disabled"}

    monkeypatch.delenv("KINSHIP_LOAD_PLUGINS")
    monkeypatch.setenv("KINSHIP_DISABLE_PLUGINS", "kinship-broken,ical")
    err = io.StringIO()
    host = load_host(err=err)
    assert third_party(host) == {
        "kinship-alpha": ("ok", None),
        "kinship-broken": ("disabled", "disabled by KINSHIP_DISABLE_PLUGINS"),
    }
    assert status(host)["kinship.builtin.ical"] == (
        "disabled",
        "disabled by KINSHIP_DISABLE_PLUGINS",
    )
    assert "ical" not in [i.name for i in host.importers()]
    assert err.getvalue() == ""


def test_trace_writes_each_load_and_hook_call(
    fake_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KINSHIP_TRACE_PLUGINS", "1")
    monkeypatch.setenv("KINSHIP_LOAD_PLUGINS", "kinship-alpha")  # not what else is installed
    err = io.StringIO()
    host = load_host(err=err)
    host.importers()
    lines = err.getvalue().splitlines()
    assert any(ln.startswith("kinship: trace kinship.builtin.vcard import ") for ln in lines)
    assert any(ln.startswith("kinship: trace kinship-alpha import ") for ln in lines)
    assert any(ln.startswith("kinship: trace plugins loaded in ") for ln in lines)
    calls = [ln for ln in lines if " kinship_register_importers " in ln]
    assert [ln.split()[2] for ln in calls] == [
        "kinship.builtin.vcard",
        "kinship.builtin.ical",
        "kinship.builtin.json_backup",
        "alpha_plugin",
    ]
    assert all(ln.endswith(" ms") for ln in calls)


def test_register_plugin_reaches_hosts_loaded_by_the_cli(
    register_plugin: Any, kinship_cli: Any
) -> None:
    """The kinship.testing fixtures: a plugin object seen by ``kinship plugins``."""
    hello = plugin("hello_plugin", kinship_register_importers=registers(importer("hello")))
    register_plugin(hello)
    result = kinship_cli("plugins", "--json")
    assert result.code == 0, result.err
    [info] = [p for p in result.json() if p["name"] == "hello_plugin"]
    assert info == {
        "name": "hello_plugin",
        "distribution": None,
        "version": None,
        "hooks": ["kinship_register_importers"],
        "builtin": False,
        "status": "ok",
        "error": None,
    }
    result = kinship_cli("plugins", "--json", "--no-plugins")
    assert "hello_plugin" not in [p["name"] for p in result.json()]


def test_plugins_hear_about_writes_after_commit(kinship_store: Any, plugin_host: Any) -> None:
    from kinship.services import contacts, interactions

    heard: list[tuple[str, str]] = []
    listener = plugin(
        "listener",
        kinship_contact_changed=lambda contact: heard.append(("contact", contact.display_name)),
        kinship_interaction_logged=lambda interaction: heard.append(
            ("interaction", interaction.summary)
        ),
    )
    plugin_host(listener, boom_plugin())
    ada = contacts.add("Ada Lovelace")
    interactions.log("Tea", [ada.uid], kind="meeting")
    assert heard == [("contact", "Ada Lovelace"), ("interaction", "Tea")]


def boom_plugin() -> Any:
    return plugin("boom", kinship_contact_changed=boom)


def test_the_cli_loads_plugins_for_notifications_only_when_one_fires(
    register_plugin: Any, kinship_cli: Any
) -> None:
    heard: list[str] = []
    register_plugin(
        plugin("ears", kinship_contact_changed=lambda contact: heard.append(contact.display_name))
    )
    result = kinship_cli("add", "Grace Hopper")
    assert result.code == 0, result.err
    assert heard == ["Grace Hopper"]
    from kinship.services import runtime

    assert runtime.current().notifier is None  # put back after the command


def test_records_are_built_only_for_hooks_a_plugin_listens_to(plugin_host: Any) -> None:
    from kinship.services import _notify

    plugin_host(plugin("deaf", kinship_register_importers=registers(importer("d"))))
    assert not _notify.wants("kinship_contact_changed")
    plugin_host(boom_plugin())
    assert _notify.wants("kinship_contact_changed")
    assert not _notify.wants("kinship_interaction_logged")


def test_module_level_state_is_clean() -> None:
    assert plugins._extra_plugins == []
