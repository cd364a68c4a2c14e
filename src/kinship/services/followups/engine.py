"""The follow-up engine: which strategies run, with which settings (:class:`Engine`).

The strategies and settings are what the entry point bound
(:func:`kinship.services.runtime.bind`): the CLI and the app hand over the plugin host's
strategies and the config file's settings; a test or a script hands over its own (for
instance the builtins, :func:`kinship.builtin.strategies.default_strategies`) with
:func:`use`. Nothing bound means no strategies: writes still keep ``next_due_at`` right, but
nothing is suggested. A strategy that raises is skipped for the rest of the run and recorded
in :attr:`Engine.errors` (the CLI reports it once); the others still run.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from kinship.records import ContactSnapshot, Strategy, Suggestion
from kinship.services import runtime
from kinship.services.snapshots import Config

__all__ = ["MANUAL", "Engine", "engine", "reset", "use"]

#: Manual follow-ups (``origin = "manual"``) are never touched by the engine.
MANUAL = "manual"

MAX_REASON = 500
MAX_KIND = 40


@dataclass
class Engine:
    """Which strategies run, with which settings, and what went wrong.

    :func:`engine` gives the one for what is bound (:mod:`kinship.services.runtime`).
    """

    strategies: list[Strategy]
    config: Config = field(default_factory=Config)
    #: A fixed "today" (tests); ``None`` means the calendar day of the local clock.
    fixed_today: date | None = None
    #: False when no strategies were handed to the services: nothing is suggested, and
    #: the rows other strategies wrote are left alone (see :func:`engine`).
    bound: bool = True
    #: Strategy name → the first error it raised in this process (reported once).
    errors: dict[str, str] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        seen: dict[str, Strategy] = {}
        for s in self.strategies:
            if s.name not in seen and self.config.enabled(s.name):
                seen[s.name] = s
        self.active = list(seen.values())
        self.names = frozenset(seen)
        payload = {
            "strategies": sorted(self.names),
            "settings": self.config.strategies,
            "tag_cadence": self.config.tag_cadence,
            "tag_strategies": self.config.tag_strategies,
        }
        blob = json.dumps(payload, sort_keys=True, default=str).encode()
        self.signature = hashlib.sha1(blob).hexdigest()[:16]

    def today(self) -> date:
        return self.fixed_today or date.today()

    def now(self) -> datetime:
        """Now as the store keeps it (naive UTC); noon UTC of the fixed day when ``today``
        is fixed, so what a service stamps agrees with the day the strategies see."""
        if self.fixed_today is not None:
            return datetime.combine(self.fixed_today, time(12, 0))
        return datetime.now(UTC).replace(tzinfo=None)

    def for_contact(self, snapshot: ContactSnapshot, tags: Sequence[str]) -> list[Strategy]:
        """The strategies for one person: ``Contact.strategy`` (a comma list) if set, else
        the union of their tags' ``[tags.<name>] strategies``, else every enabled one."""
        wanted: set[str] | None = None
        if snapshot.strategy.strip():
            wanted = {n.strip() for n in snapshot.strategy.split(",") if n.strip()}
        else:
            for tag in tags:
                names = self.config.tag_strategies.get(tag)
                if names is not None:
                    wanted = (wanted or set()) | set(names)
        if wanted is None:
            return self.active
        return [s for s in self.active if s.name in wanted]

    def suggest(
        self, snapshot: ContactSnapshot, strategies: Iterable[Strategy], today: date
    ) -> dict[str, Suggestion]:
        """One suggestion per kind (lowest priority, then earliest due); failures isolated."""
        best: dict[str, Suggestion] = {}
        for strategy in strategies:
            if strategy.name in self.failed:
                continue
            try:
                found = [
                    _checked(s, snapshot, strategy.name) for s in strategy.suggest(snapshot, today)
                ]
            except Exception as exc:
                self.failed.add(strategy.name)
                self.errors.setdefault(strategy.name, f"{type(exc).__name__}: {exc}")
                continue
            for s in found:
                old = best.get(s.kind)
                if old is None or (s.priority, s.due) < (old.priority, old.due):
                    best[s.kind] = s
        return best


def _checked(s: Any, snapshot: ContactSnapshot, name: str) -> Suggestion:
    """A strategy's suggestion, normalised; anything malformed is the strategy's error."""
    if not isinstance(s, Suggestion):
        raise TypeError(f"suggest() yielded {type(s).__name__}, not Suggestion")
    if s.contact_uid != snapshot.uid:
        raise ValueError(f"suggestion for {s.contact_uid!r} while asked about {snapshot.uid!r}")
    due = s.due.date() if isinstance(s.due, datetime) else s.due
    if not isinstance(due, date):
        raise TypeError(f"due must be a date, not {type(s.due).__name__}")
    kind = str(s.kind).strip()
    if not kind or len(kind) > MAX_KIND:
        raise ValueError(f"bad suggestion kind {s.kind!r}")
    priority = (
        s.priority if isinstance(s.priority, int) and not isinstance(s.priority, bool) else 50
    )
    reason = " ".join(str(s.reason).split())[:MAX_REASON]
    return Suggestion(snapshot.uid, kind, due, reason, priority, name)


#: The engine built for one binding (rebuilt when the binding changes).
_cache: tuple[runtime.Binding, Engine] | None = None
# Re-entrant: the bound strategies may be a function that loads the plugin host.
_lock = threading.RLock()


def engine() -> Engine:
    """The engine for what is bound now: built once per binding, so the bound strategies
    (a function loading the plugin host, say) are asked for once, when first needed."""
    global _cache
    binding = runtime.current()
    cached = _cache
    if cached is not None and cached[0] is binding:
        return cached[1]
    with _lock:
        cached = _cache
        if cached is not None and cached[0] is binding:
            return cached[1]
        strategies = runtime.strategies(binding)
        built = Engine(
            strategies or [],
            Config.from_settings(binding.settings),
            fixed_today=binding.today,
            bound=strategies is not None,
        )
        _cache = (binding, built)
        return built


def use(
    strategies: Iterable[Strategy], settings: Any = None, *, today: date | None = None
) -> Engine:
    """Bind ``strategies``, ``settings`` (a :class:`kinship.config.Settings`; ``None``: the
    defaults) and a fixed ``today`` for tests and scripts, and return the engine.

    A shorthand for :func:`kinship.services.runtime.bind` (which also takes a notifier and
    gives back a handle to undo it); :func:`reset` unbinds.
    """
    runtime.bind(strategies=list(strategies), settings=settings, today=today)
    return engine()


def reset() -> None:
    """Unbind everything and forget the engine (tests)."""
    global _cache
    runtime.reset()
    _cache = None
