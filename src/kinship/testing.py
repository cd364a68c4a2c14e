"""pytest fixtures and helpers for plugin authors (and kinship's own plugin tests).

Enable them in your plugin's ``tests/conftest.py``::

    pytest_plugins = ["kinship.testing"]

Every test is **isolated** (an autouse fixture): the plugins installed in the environment
(entry points — your own plugin too, once you ``pip install -e`` it) are not loaded, so a
test sees exactly the plugins it registers; ``KINSHIP_DB`` and ``KINSHIP_CONFIG`` point into
``tmp_path``, so nothing reads or writes your own database or settings. Mark a test
``@pytest.mark.kinship_entry_points`` to load the installed plugins too.

Fixtures:

- ``kinship_store``: a fresh kinship store (SQLite) in ``tmp_path``, opened for the test and
  closed after it.
- ``kinship_cli``: runs ``kinship ARGS…`` in process against ``kinship_store``; returns a
  `CliResult` with ``code``, ``out``, ``err`` and ``json()``. The store is opened again
  after each run (the CLI closes it), so the services keep working in the test.
- ``register_plugin``: ``register_plugin(my_plugin)`` adds a plugin object (a module, a
  class, an instance) to every host loaded during the test — including the one
  ``kinship_cli`` loads — as if it were installed, and removes it afterwards, even when the
  test fails.
- ``plugin_host``: ``plugin_host(my_plugin, builtins=False)`` gives a ``PluginHost`` (the
  plugins of one run) with just the plugins you name; it hears the notifications of the
  test's writes (``listen=False``: it does not). Its methods a test uses are below.
- ``kinship_today``: fixes the day kinship counts as today (strategies, ``due``, ``today``,
  ``kinship.api.today()``, the app) for the test, and returns it: `TODAY` unless the test
  is marked ``@pytest.mark.kinship_today("2026-03-10")`` (a date or ISO text).
- ``kinship_config``: ``kinship_config('[notify]\\nurls = ["json://127.0.0.1:8080"]')``
  writes the config file kinship reads during the test (TOML text) and returns its path.

What a test uses of the host ``plugin_host`` gives:

- ``host.importers()``, ``host.exporters()``, ``host.strategies()``,
  ``host.palette_commands()``: what the plugins registered, as lists of the
  `kinship.records` objects (builtins first when ``builtins=True``). Each calls its
  registration hook the first time.
- ``host.strategy("every-monday")``, ``host.exporter("names")``: one by name (case does not
  matter); an unknown name raises ``KinshipError`` listing the known ones.
- ``host.importer_for(path, fmt=None)``: the importer ``kinship import path [--format fmt]``
  would pick.
- ``host.check()``: calls every registration hook once (all but the commands' hook), so that
  ``infos()`` shows a plugin that fails in any of them.
- ``host.infos()``: one ``PluginInfo`` per plugin, as ``kinship plugins --json`` shows it:
  ``name``, ``distribution``, ``version``, ``hooks``, ``builtin``, ``status`` (``"ok"`` or
  ``"disabled"``) and ``error`` (why it was disabled). A plugin that fails to import or
  implements a hook wrongly is disabled at once; one whose registration hook raises or
  registers something invalid, only once that hook is called: call ``check()`` first.

Helpers (plain functions): `snapshot` builds the `ContactSnapshot` a strategy receives;
`suggest` runs a strategy on one and checks each suggestion as kinship does;
`snapshots_from_store` builds snapshots of stored people the way the follow-up engine does.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from kinship import plugins as _plugins
from kinship.plugins import PluginHost
from kinship.records import GIVEN_KINDS, RECEIVED_KINDS, ContactSnapshot, Strategy, Suggestion

__all__ = [
    "TODAY",
    "CliResult",
    "kinship_cli",
    "kinship_config",
    "kinship_isolated",
    "kinship_store",
    "kinship_today",
    "plugin_host",
    "register_plugin",
    "snapshot",
    "snapshots_from_store",
    "suggest",
]

#: The day ``kinship_today`` fixes unless a test's marker names another (a Monday).
TODAY = date(2026, 6, 15)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "kinship_today(day): the day kinship counts as today (kinship_today fixture)"
    )
    config.addinivalue_line(
        "markers", "kinship_entry_points: load the installed plugins (entry points) too"
    )


# --------------------------------------------------------------------------- isolation


@pytest.fixture(autouse=True)
def kinship_isolated(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No installed plugin, no real database, no real config file: only what the test sets
    up. (``KINSHIP_LOAD_PLUGINS`` set but empty loads no entry point; the plugins a test
    registers with ``register_plugin`` are loaded all the same.)"""
    if request.node.get_closest_marker("kinship_entry_points") is None:
        monkeypatch.setenv("KINSHIP_LOAD_PLUGINS", "")
    else:
        monkeypatch.delenv("KINSHIP_LOAD_PLUGINS", raising=False)
    for name in ("KINSHIP_NO_PLUGINS", "KINSHIP_DISABLE_PLUGINS", "KINSHIP_TRACE_PLUGINS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KINSHIP_DB", str(tmp_path / "kinship.db"))
    monkeypatch.setenv("KINSHIP_CONFIG", str(tmp_path / "kinship-config.toml"))


@pytest.fixture
def kinship_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An open `kinship.store.Store` on ``tmp_path / "kinship.db"``."""
    from kinship.store import close_store, open_store

    path = tmp_path / "kinship.db"
    monkeypatch.setenv("KINSHIP_DB", str(path))
    if not _env("KINSHIP_CONFIG"):
        monkeypatch.setenv("KINSHIP_CONFIG", str(tmp_path / "kinship-config.toml"))
    store = open_store(path)
    try:
        yield store
    finally:
        close_store()


@pytest.fixture
def kinship_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """``kinship_config(toml_text) -> Path``: the config file kinship reads in this test."""

    def write(text: str) -> Path:
        path = Path(_env("KINSHIP_CONFIG") or tmp_path / "kinship-config.toml")
        monkeypatch.setenv("KINSHIP_CONFIG", str(path))
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def kinship_today(request: pytest.FixtureRequest) -> Iterator[date]:
    """The day kinship counts as today for this test (see the module doc)."""
    from kinship import wiring
    from kinship.services import runtime

    marker = request.node.get_closest_marker("kinship_today")
    day = TODAY
    if marker is not None and marker.args:
        value = marker.args[0]
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    previous = wiring.FIXED_TODAY
    wiring.FIXED_TODAY = day  # every run the test starts (kinship_cli, the app) …
    bound = runtime.bind(today=day)  # … and the services called directly
    try:
        yield day
    finally:
        bound.restore()
        wiring.FIXED_TODAY = previous


# --------------------------------------------------------------------------- plugins


@pytest.fixture
def plugin_host() -> Iterator[Callable[..., PluginHost]]:
    """``plugin_host(*plugins, builtins=False, listen=True) -> PluginHost``::

        def test_suggests_on_mondays(plugin_host, kinship_today):
            host = plugin_host(my_plugin)
            strategy = host.strategy("every-monday")
            assert suggest(strategy, snapshot("Ada"), kinship_today)

    The host's methods a test uses are listed in the module doc."""
    from kinship.services import runtime
    from kinship.wiring import HostNotifier

    # Whatever the test binds from here on is undone at its end.
    before = runtime.bind()

    def make(*plugins: Any, builtins: bool = False, listen: bool = True) -> PluginHost:
        host = PluginHost.for_plugins(*plugins, builtins=builtins)
        if listen:
            runtime.bind(notifier=HostNotifier(host))
        return host

    try:
        yield make
    finally:
        before.restore()


@pytest.fixture
def register_plugin(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """``register_plugin(plugin, name=None)``: a plugin for every host of this test."""
    from kinship.services import runtime

    monkeypatch.delenv("KINSHIP_NO_PLUGINS", raising=False)
    added: list[tuple[str, Any]] = []
    before = runtime.bind()

    def register(plugin: Any, name: str | None = None) -> None:
        entry = (name or _plugin_name(plugin), plugin)
        _plugins._extra_plugins.append(entry)
        added.append(entry)

    try:
        yield register
    finally:
        for entry in added:
            if entry in _plugins._extra_plugins:
                _plugins._extra_plugins.remove(entry)
        before.restore()


# --------------------------------------------------------------------------- the CLI


@dataclass
class CliResult:
    """What one in-process ``kinship`` run printed and returned."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def kinship_cli(kinship_store: Any) -> Callable[..., CliResult]:
    """``kinship_cli("import", "Connections.csv", "--json") -> CliResult`` on ``kinship_store``.

    The CLI closes the store when a command ends; it is opened again afterwards, so
    services (through `kinship.store.current`) keep working in the test.
    """
    from kinship.cli import main
    from kinship.store import open_store

    target = kinship_store.target

    def run(*args: str) -> CliResult:
        if not args:
            raise ValueError("kinship_cli needs a command (without one kinship opens the TUI)")
        out, err = io.StringIO(), io.StringIO()
        code = main([*args, "--db", target], out=out, err=err)
        open_store(target)
        return CliResult(code, out.getvalue(), err.getvalue())

    return run


# --------------------------------------------------------------------------- snapshots


def snapshot(
    name: str = "Ada Lovelace",
    *,
    uid: str | None = None,
    interactions: Iterable[date | tuple[date, str]] = (),
    **fields: Any,
) -> ContactSnapshot:
    """A `kinship.records.ContactSnapshot` as kinship would build it, for one made-up
    person — without a database.

    ``interactions`` are the days you were in touch (or ``(day, kind)`` pairs; the kind is
    ``"meeting"`` by default): they fill ``interaction_dates`` (the last 50, oldest first),
    ``interaction_count``, ``last_interaction_at``, ``last_by_kind`` and the ``given`` /
    ``received`` tallies, as the engine does. Any other field of ``ContactSnapshot`` can be
    given as a keyword (``cadence_days=30``, ``birthday=PartialDate(6, 5)``,
    ``settings={"my-strategy": {...}}``)::

        snap = snapshot("Grace Hopper", cadence_days=30, interactions=[date(2026, 5, 1)])
    """
    days: list[tuple[date, str]] = sorted(
        (item, "meeting") if isinstance(item, date) else (item[0], item[1]) for item in interactions
    )
    values: dict[str, Any] = {}
    if days:
        moments = {
            kind: datetime.combine(day, time(12), tzinfo=UTC) for day, kind in days
        }  # the last one per kind, as the list is sorted
        values = {
            "interaction_dates": [day for day, _ in days][-50:],
            "interaction_count": len(days),
            "last_interaction_at": max(moments.values()),
            "last_by_kind": moments,
            "given": sum(1 for _, kind in days if kind in GIVEN_KINDS),
            "received": sum(1 for _, kind in days if kind in RECEIVED_KINDS),
        }
    values.update(fields)
    return ContactSnapshot(uid=uid or _uid(name), display_name=name, **values)


def _uid(name: str) -> str:
    return "test-" + "-".join(name.casefold().split())


def suggest(strategy: Strategy, snap: ContactSnapshot, today: date) -> list[Suggestion]:
    """``strategy.suggest(snap, today)`` as a list, each suggestion checked the way kinship
    checks it at the plugin border: a malformed one fails the test with the field it is
    about (in a real run it would disable the plugin). Each suggestion's ``strategy`` is
    left as the strategy set it; in a real run kinship sets it to ``strategy.name``, and
    keeps one suggestion per kind across all strategies (see
    `kinship.records.Suggestion`)."""
    from kinship import validation

    found = []
    for item in strategy.suggest(snap, today) or ():
        try:
            found.append(validation.check_suggestion(item, snap.uid))
        except ValueError as exc:
            raise AssertionError(f"strategy {strategy.name!r}: {exc}") from None
    return found


def snapshots_from_store(
    names: Sequence[str] = (), *, today: date | None = None
) -> list[ContactSnapshot]:
    """Snapshots of stored people (names or UIDs as on the command line; none: everyone),
    built by the follow-up engine's own code, with the bound settings. Needs an open store
    (``kinship_store``)."""
    from kinship.services import contacts, snapshots
    from kinship.services.followups import engine
    from kinship.store.models import Contact

    if names:
        ids = [int(contacts.resolve(n).id) for n in names]
    else:
        ids = [int(i) for (i,) in Contact.select(Contact.id).order_by(Contact.id).tuples()]
    eng = engine()
    built = snapshots.build(ids, today=today or eng.today(), config=eng.config)
    return [built.snapshots[i] for i in ids if i in built.snapshots]


def _env(name: str) -> str | None:
    import os

    return os.environ.get(name)


def _plugin_name(plugin: Any) -> str:
    return str(getattr(plugin, "__name__", None) or type(plugin).__name__)
