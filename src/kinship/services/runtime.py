"""What the entry points hand the services: follow-up strategies, a notifier, the settings.

The services never load plugins, read the config file or pick strategies themselves. The
CLI and the app (through :class:`kinship.wiring.Wiring`) *bind* what they loaded::

    with runtime.bind(strategies=host.strategies, notifier=notifier, settings=settings):
        contacts.add("Ada Lovelace")   # recomputed with those strategies; plugins hear of it

``strategies`` may be a list or a function returning one, called the first time the
follow-up engine needs it — so a command that never touches follow-ups never loads plugins.
Arguments left out keep what is bound already (a test binds a notifier on top of the
fixture's strategies); :meth:`Bound.restore` (or leaving the ``with``) puts back what was
bound before.

Unbound (a script, a unit test), the services run with no notifier and no strategies:
writes work and keep ``next_due_at`` right, but no strategy suggests anything. The binding
is process-wide, not per thread or task: the app's database thread and its workers all see
what the app bound.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Protocol, runtime_checkable

from kinship import validation as _validation
from kinship.records import Strategy

__all__ = [
    "Binding",
    "Bound",
    "Notifier",
    "StrategyFailed",
    "bind",
    "current",
    "reset",
    "strategies",
    "warn",
]

#: Strategies as bound: a sequence, or a function the engine calls once when it needs them.
Strategies = Iterable[Strategy] | Callable[[], Iterable[Strategy]]


@runtime_checkable
class Notifier(Protocol):
    """Who hears about committed writes (the plugin host, behind :mod:`kinship.wiring`).

    ``wants(hook)`` lets a bulk writer skip building records nobody reads; ``notify`` is
    called after the writing transaction commits and must not raise.
    """

    def wants(self, hook: str) -> bool: ...

    def notify(self, hook: str, record: Any) -> None: ...


#: Told that a follow-up strategy raised: ``strategy_failed(name, error)``. Returns whether
#: it reported the failure itself (the plugin host disables the strategy's plugin and says so).
StrategyFailed = Callable[[str, str], bool]


@dataclass(frozen=True)
class Binding:
    """One set of what the services were handed. ``strategies is None``: none bound."""

    strategies: Strategies | None = None
    notifier: Notifier | None = None
    #: A :class:`kinship.config.Settings` (``None``: the defaults).
    settings: Any = None
    #: A fixed "today" (tests); ``None`` means the local calendar day.
    today: date | None = None
    #: Who hears that a strategy raised (the plugin host, through :mod:`kinship.wiring`).
    strategy_failed: StrategyFailed | None = None
    #: Where the services send a one-line warning the user should see (a stored value that
    #: cannot be read, say): the CLI's stderr, the app's notifications. Unbound: dropped.
    warn: Callable[[str], None] | None = None


_UNBOUND = Binding()
_binding = _UNBOUND
_lock = threading.Lock()
_KEEP: Any = object()


class Bound:
    """A binding made by :func:`bind`; ``restore()`` (or the ``with`` block's end) undoes it."""

    def __init__(self, binding: Binding, previous: Binding) -> None:
        self.binding = binding
        self._previous = previous

    def restore(self) -> None:
        """Put back what was bound before this (and whatever was bound on top of it)."""
        global _binding
        with _lock:
            _binding = self._previous

    def __enter__(self) -> Binding:
        return self.binding

    def __exit__(self, *exc: object) -> None:
        self.restore()


def bind(
    *,
    strategies: Strategies | None = _KEEP,
    notifier: Notifier | None = _KEEP,
    settings: Any = _KEEP,
    today: date | None = _KEEP,
    strategy_failed: StrategyFailed | None = _KEEP,
    warn: Callable[[str], None] | None = _KEEP,
) -> Bound:
    """Hand the services what they need; what is left out stays as bound now.

    Pass ``None`` to unbind one thing (``notifier=None``: nobody hears about writes).
    """
    global _binding
    changes: dict[str, Any] = {
        name: value
        for name, value in (
            ("strategies", strategies),
            ("notifier", notifier),
            ("settings", settings),
            ("today", today),
            ("strategy_failed", strategy_failed),
            ("warn", warn),
        )
        if value is not _KEEP
    }
    if changes.get("notifier") is not None and not isinstance(changes["notifier"], Notifier):
        raise TypeError("a notifier needs wants(hook) and notify(hook, record)")
    with _lock:
        previous = _binding
        _binding = replace(previous, **changes)
        return Bound(_binding, previous)


def current() -> Binding:
    """What is bound now (an empty :class:`Binding` when nothing is)."""
    return _binding


def reset() -> None:
    """Unbind everything (tests)."""
    global _binding
    with _lock:
        _binding = _UNBOUND


def strategies(binding: Binding | None = None) -> list[Strategy] | None:
    """The bound strategies as a list (calling a bound function); ``None`` when unbound."""
    source = (binding or _binding).strategies
    if source is None:
        return None
    return list(source() if callable(source) else source)


def warn(text: str) -> None:
    """Send ``text`` (one line) to whoever the entry point bound to hear warnings; each
    distinct line once per binding, so a bad value met on every page says so once."""
    binding = _binding
    target = binding.warn
    if target is None:
        return
    with _lock:
        entry = _warned.get(id(binding))
        if entry is None or entry[0]() is not binding:  # an id reused by a new binding
            entry = (weakref.ref(binding), set())
            _warned[id(binding)] = entry
            if len(_warned) > 8:  # old bindings: forget them
                for key in list(_warned)[:-8]:
                    del _warned[key]
        if text in entry[1]:
            return
        entry[1].add(text)
    try:
        target(text)
    except Exception:  # a warning must never become the error
        pass


_warned: dict[int, tuple[weakref.ref[Binding], set[str]]] = {}


# Stored values the store cannot read (kinship.validation.unreadable) are warnings too.
_validation.report_to(warn)
