"""What the entry points wire together: the store, the plugin host and the settings of a run.

The CLI's :class:`kinship.cli.Context` and the app (:class:`kinship.tui.app.KinshipApp`) each
hold one :class:`Wiring`. It opens the store and loads the plugin host and the settings when
first asked, and hands the services what they need through their one seam,
:func:`kinship.services.runtime.bind`: the follow-up strategies (a function, so the plugin
host loads only when the engine first needs them) and a :class:`HostNotifier` that tells the
host's plugins about committed writes. The services never load plugins; the plugin host
never imports the CLI or the services; this module is the only place that knows both::

    entry points (cli/, tui/app.py) → Wiring → services.runtime → services → store

A script can do what the CLI does::

    from kinship.plugins import load_host
    from kinship.services import contacts
    from kinship.wiring import Wiring

    wiring = Wiring(load_host=load_host)
    try:
        wiring.store                          # opens the database and binds the services
        contacts.add("Ada Lovelace")          # follow-ups computed, plugins notified
    finally:
        wiring.close()
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kinship.config import Settings
    from kinship.plugins import PluginHost
    from kinship.records import Strategy
    from kinship.services.runtime import Bound
    from kinship.store import Store

__all__ = ["FIXED_TODAY", "HostNotifier", "Wiring", "builtin_strategies"]

#: A fixed "today" for every run that is not given one (``kinship.testing``'s ``today``
#: fixture sets it, so a CLI command run in a test sees the same day as the test).
FIXED_TODAY: date | None = None


def builtin_strategies() -> list[Strategy]:
    """The builtin follow-up strategies, for a run without a plugin host."""
    from kinship.builtin.strategies import default_strategies

    return list(default_strategies())


class HostNotifier:
    """The services' notifier (:class:`kinship.services.runtime.Notifier`) in front of a
    plugin host.

    ``host`` is a loaded :class:`~kinship.plugins.PluginHost`, ``None`` (nobody listens), or
    a function giving one, called at the first notification — so a command that writes
    nothing loads no plugins. Until then :meth:`wants` says yes (it cannot know); once the
    host is there it asks the host whether any plugin implements the hook.
    """

    def __init__(
        self,
        host: PluginHost | Callable[[], PluginHost | None] | None,
        *,
        loaded: Callable[[], bool] | None = None,
    ) -> None:
        if host is None or not callable(host):
            fixed = host
            self._get: Callable[[], PluginHost | None] = lambda: fixed
            self._loaded: Callable[[], bool] = lambda: True
        else:
            self._get = host
            self._loaded = loaded or (lambda: False)

    def wants(self, hook: str) -> bool:
        if not self._loaded():
            return True
        host = self._get()
        return host is not None and host.listens(hook)

    def notify(self, hook: str, record: Any) -> None:
        host = self._get()
        if host is not None:
            host.notify(hook, record)


class Wiring:
    """The store, the plugin host and the settings of one run, opened when first used.

    - ``target``: the database path or URL (``--db``); ``None`` means ``KINSHIP_DB``, then
      the config file's ``db``, then the default in the user data directory.
    - ``settings``: the parsed config file; read on first use when not given.
    - ``host`` / ``load_host``: the plugin host, or how to load it (once, on first use).
      With neither there are no plugins: the builtin strategies, and nobody to notify.
    - ``today``: a fixed day for the follow-up engine (tests).
    - ``warn``: where the services' one-line warnings go (a stored value kinship cannot
      read, say): the CLI's stderr, the app's notifications. ``None``: dropped.
    - ``read_only``: open the store read-only (``--read-only``); a store this user may not
      write opens so anyway.
    """

    def __init__(
        self,
        target: str | os.PathLike[str] | None = None,
        *,
        settings: Settings | None = None,
        host: PluginHost | None = None,
        load_host: Callable[[], PluginHost | None] | None = None,
        today: date | None = None,
        warn: Callable[[str], None] | None = None,
        read_only: bool = False,
    ) -> None:
        self._target = os.fspath(target) if target is not None else None
        self.read_only = read_only
        self._settings = settings
        self._host = host
        self._host_loaded = host is not None or load_host is None
        self._load_host = load_host
        self._lock = threading.RLock()
        self.today = today if today is not None else FIXED_TODAY
        self.warn = warn
        self._store: Store | None = None
        self._bound: Bound | None = None
        self.notifier = HostNotifier(lambda: self.host, loaded=lambda: self._host_loaded)

    # ------------------------------------------------------------------ what it holds

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from kinship.config import load_settings

            self._settings = load_settings()
        return self._settings

    @property
    def target(self) -> str:
        """The database path or URL this run uses."""
        from kinship.config import database_target

        return database_target(self._target, self.settings)

    @property
    def store(self) -> Store:
        """The open store; opening it binds the services (see :meth:`bind`)."""
        if self._store is None:
            from kinship.store import open_store

            self._store = open_store(self.target, read_only=self.read_only)
            self.bind()
        return self._store

    def adopt(self, store: Store) -> None:
        """Take a store opened elsewhere (``kinship db upgrade``): closed by :meth:`close`."""
        self._store = store
        self.bind()

    @property
    def host(self) -> PluginHost | None:
        """The plugin host, loaded on first use (``None``: no plugins in this run)."""
        if not self._host_loaded:
            with self._lock:
                if not self._host_loaded:
                    assert self._load_host is not None
                    self._host = self._load_host()
                    self._host_loaded = True
        return self._host

    @property
    def host_loaded(self) -> bool:
        return self._host_loaded

    def strategies(self) -> list[Strategy]:
        """The host's follow-up strategies; the builtins when the run has no host."""
        host = self.host
        if host is None:
            return builtin_strategies()
        return list(host.strategies())

    # ------------------------------------------------------------------ handing over

    @property
    def bound(self) -> bool:
        return self._bound is not None

    def bind(self) -> Bound:
        """Hand the services this run's strategies (loaded when first needed), notifier,
        settings and day. Done once; :meth:`close` undoes it."""
        if self._bound is None:
            from kinship.services import runtime

            self._bound = runtime.bind(
                strategies=self.strategies,
                notifier=self.notifier,
                settings=self.settings,
                today=self.today,
                strategy_failed=self.strategy_failed,
                warn=self._warn,
            )
        return self._bound

    def _warn(self, text: str) -> None:
        # Looked up at each warning: the app sets ``warn`` once it is running.
        if self.warn is not None:
            self.warn(text)

    def strategy_failed(self, name: str, error: str) -> bool:
        """A follow-up strategy raised: the plugin host disables the plugin that registered
        it and reports that (True); without a host (builtins only) the caller says it."""
        if not self._host_loaded or self._host is None:
            return False
        return self._host.disable_strategy(name, error) is not None

    def unbind(self) -> None:
        """Put back what the services had before :meth:`bind`."""
        if self._bound is not None:
            self._bound.restore()
            self._bound = None

    def close(self) -> None:
        """Unbind the services and close the store if this run opened it."""
        self.unbind()
        if self._store is not None:
            from kinship.store import close_store

            self._store = None
            close_store()
