"""pytest fixtures for plugin authors (and kinship's own plugin tests).

Enable them in your plugin's ``tests/conftest.py``::

    pytest_plugins = ["kinship.testing"]

Fixtures:

``kinship_store``
    A fresh kinship store (SQLite) in ``tmp_path``, opened for the test and closed after it.
    ``KINSHIP_DB`` points at it and ``KINSHIP_CONFIG`` at a file that does not exist, so
    nothing reads your own database or settings.
``plugin_host``
    A factory: ``plugin_host(my_plugin, builtins=False)`` gives a
    :class:`kinship.plugins.PluginHost` with just the plugins you name (modules, objects or
    module names), plus the builtins if you ask. It receives the services' notifications
    (``kinship_contact_changed`` …) until the test ends, as the app's host does
    (``listen=False``: it does not).
``register_plugin``
    ``register_plugin(my_plugin)`` adds a plugin object to every host loaded during the
    test — including the one ``kinship.cli.main([...])`` loads — as if it were installed,
    and removes it afterwards (in ``finally``). ``KINSHIP_NO_PLUGINS`` is cleared for the
    test; ``--no-plugins`` still leaves it out.
``kinship_cli``
    Runs ``kinship ARGS…`` in process against ``kinship_store``; returns a
    :class:`CliResult` with ``code``, ``out``, ``err`` and ``json()``. The store is opened
    again after each run (the CLI closes it): use :func:`kinship.store.current` after one.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kinship import plugins as _plugins
from kinship.plugins import PluginHost

__all__ = ["CliResult", "kinship_cli", "kinship_store", "plugin_host", "register_plugin"]


@pytest.fixture
def kinship_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An open :class:`kinship.store.Store` on ``tmp_path / "kinship.db"``."""
    from kinship.store import close_store, open_store

    path = tmp_path / "kinship.db"
    monkeypatch.setenv("KINSHIP_DB", str(path))
    monkeypatch.setenv("KINSHIP_CONFIG", str(tmp_path / "no-config.toml"))
    store = open_store(path)
    try:
        yield store
    finally:
        close_store()


@pytest.fixture
def plugin_host() -> Iterator[Callable[..., PluginHost]]:
    """``plugin_host(*plugins, builtins=False, listen=True) -> PluginHost``."""
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
    services (through :func:`kinship.store.current`) keep working in the test.
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


def _plugin_name(plugin: Any) -> str:
    return str(getattr(plugin, "__name__", None) or type(plugin).__name__)
