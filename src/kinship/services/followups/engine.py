"""The follow-up engine: which strategies run, with which settings (:class:`Engine`).

The strategies and settings are what the entry point bound
(:func:`kinship.services.runtime.bind`): the CLI and the app hand over the plugin host's
strategies and the config file's settings; a test or a script hands over its own (for
instance the builtins, :func:`kinship.builtin.strategies.default_strategies`) with
:func:`use`. Nothing bound means no strategies: writes still keep ``next_due_at`` right, but
nothing is suggested. A strategy that raises (or suggests something malformed) is skipped
for the rest of the run, recorded in :attr:`Engine.errors` and reported to whoever the entry
point bound (``strategy_failed``: the plugin host disables its plugin); the others still run.
Its suggestions are *withdrawn*: :attr:`Engine.listed` leaves them out of every list, while
the rows of a strategy that is merely not loaded now are kept for when it is.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from kinship import validation
from kinship.records import ContactSnapshot, Strategy, Suggestion
from kinship.services import runtime
from kinship.services.snapshots import Config

__all__ = ["MANUAL", "NEVER", "Engine", "engine", "reset", "use"]

#: Manual follow-ups (``origin = "manual"``) are never touched by the engine.
MANUAL = "manual"
#: ``contact.recheck_on`` of someone whose suggestions only a change to them can change.
NEVER = date.max

MAX_REASON = 500
MAX_KIND = 40
#: 2: reasons say dates, not day counts ("last talked on Oct 7"), and strategies say when
#: they next change (``Strategy.changes``).
BUILTINS_VERSION = 2


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
    #: Told of each failure (the binding's ``strategy_failed``); True: it reported it.
    on_failure: Any = None
    #: The failed strategies whose failure ``on_failure`` reported (the CLI says the rest).
    reported: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        seen: dict[str, Strategy] = {}
        for s in self.strategies:
            if s.name not in seen and self.config.enabled(s.name):
                seen[s.name] = s
        self.active = list(seen.values())
        self.names = frozenset(seen)
        payload = {
            # Bumped when the builtins' words or rules change, so stored rows are rewritten.
            "builtins": BUILTINS_VERSION,
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

    @property
    def listed(self) -> list[str]:
        """The origins whose open follow-ups are listed: the strategies that run (not the
        ones that failed in this run: their suggestions are withdrawn) and manual ones."""
        return sorted((self.names - self.failed) | {MANUAL})

    def strategy(self, name: str) -> Strategy | None:
        for s in self.active:
            if s.name == name:
                return s
        return None

    def done_as(self, origin: str, kind: str) -> str | None:
        """The interaction kind the strategy ``origin`` wants logged for a done ``kind``."""
        s = self.strategy(origin)
        mapping = getattr(s, "done_as", None) if s is not None else None
        return mapping.get(kind) if mapping else None

    def fail(self, name: str, error: str) -> None:
        """Skip ``name`` from now on and report it once."""
        if name in self.failed:
            return
        self.failed.add(name)
        self.errors.setdefault(name, error)
        if self.on_failure is not None:
            try:
                if self.on_failure(name, error):
                    self.reported.add(name)
            except Exception:  # reporting must not break the computation
                pass

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
        self,
        snapshot: ContactSnapshot,
        strategies: Iterable[Strategy],
        today: date,
        answered: set[str] | None = None,
    ) -> dict[str, Suggestion]:
        """One suggestion per kind (lowest priority, then earliest due); failures isolated.

        The names of the strategies that suggested anything are added to ``answered``."""
        best: dict[str, Suggestion] = {}
        for strategy in strategies:
            if strategy.name in self.failed:
                continue
            try:
                found = [
                    _checked(s, snapshot, strategy.name) for s in strategy.suggest(snapshot, today)
                ]
            except Exception as exc:
                self.fail(strategy.name, _one_line(exc))
                continue
            if found and answered is not None:
                answered.add(strategy.name)
            for s in found:
                old = best.get(s.kind)
                if old is None or (s.priority, s.due) < (old.priority, old.due):
                    best[s.kind] = s
        return best

    def next_check(
        self,
        snapshot: ContactSnapshot,
        strategies: Iterable[Strategy],
        today: date,
        answered: set[str],
        weekly: date,
    ) -> date:
        """The first day after ``today`` on which any of ``strategies`` may answer
        differently about ``snapshot`` (:data:`NEVER`: not on its own).

        A strategy without ``changes`` is asked again tomorrow when it suggested something
        (``answered``), else on ``weekly``; one whose ``changes`` raises or gives something
        other than a date fails like a strategy whose ``suggest`` does."""
        soonest = NEVER
        tomorrow = today + timedelta(days=1)
        for strategy in strategies:
            if strategy.name in self.failed:
                continue
            changes = getattr(strategy, "changes", None)
            if changes is None:
                day = tomorrow if strategy.name in answered else weekly
            else:
                try:
                    found = _checked_day(changes(snapshot, today))
                except Exception as exc:
                    self.fail(strategy.name, _one_line(exc))
                    continue
                day = NEVER if found is None else max(found, tomorrow)
            soonest = min(soonest, day)
        return soonest

    def try_all(self) -> dict[str, str]:
        """Ask each active strategy about :func:`sample_snapshots` once; fail the ones that
        raise (so a strategy that always raises is withdrawn before anything is listed,
        not only on the day it next runs). Returns the new failures."""
        found = trial(
            [s for s in self.active if s.name not in self.failed],
            self.config,
            self.today(),
        )
        for name, error in found.items():
            self.fail(name, error)
        return found


def sample_snapshots(settings: Any = None, today: date | None = None) -> list[ContactSnapshot]:
    """Two made-up people as a strategy sees them — one with nothing known, one with a bit
    of everything — with the strategy settings of ``settings`` (a Settings or a Config)."""
    from datetime import UTC, time, timedelta

    from kinship.records import LifeEvent, PartialDate

    today = today or date.today()
    raw = getattr(settings, "strategies", None) or {}
    tables = {str(k): dict(v) for k, v in raw.items() if isinstance(v, Mapping)}
    ago = datetime.combine(today - timedelta(days=40), time(12), tzinfo=UTC)
    return [
        ContactSnapshot(uid="kinship-sample-1", display_name="Sample Person", settings=tables),
        ContactSnapshot(
            uid="kinship-sample-2",
            display_name="Sample Friend",
            cadence_days=30,
            birthday=PartialDate(today.month, min(today.day, 28)),
            anniversary=PartialDate(1, 1, 2010),
            last_interaction_at=ago,
            last_by_kind={"call": ago, "help-received": ago},
            interaction_dates=[ago.date()],
            interaction_count=1,
            life_events=[LifeEvent("new-job", today - timedelta(days=3), "New job")],
            unthanked=[ago],
            given=1,
            received=2,
            open_promises=["send the book"],
            tags=["friends"],
            settings=tables,
        ),
    ]


def trial(
    strategies: Iterable[Strategy], settings: Any = None, today: date | None = None
) -> dict[str, str]:
    """Strategy name → the error it gives on :func:`sample_snapshots` (raised, or a
    malformed suggestion); strategies that answer well are not listed."""
    today = today or date.today()
    samples = sample_snapshots(settings, today)
    failed: dict[str, str] = {}
    for strategy in strategies:
        try:
            for snapshot in samples:
                for s in strategy.suggest(snapshot, today) or ():
                    _checked(s, snapshot, strategy.name)
                changes = getattr(strategy, "changes", None)
                if changes is not None:
                    _checked_day(changes(snapshot, today))
        except Exception as exc:
            failed[strategy.name] = _one_line(exc)
    return failed


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _checked_day(found: Any) -> date | None:
    """What a strategy's ``changes`` gave, if it is a day (or None); else its error."""
    if found is not None and (not isinstance(found, date) or isinstance(found, datetime)):
        raise TypeError(f"changes() gave {type(found).__name__}, not a date")
    return found


def _checked(s: Any, snapshot: ContactSnapshot, name: str) -> Suggestion:
    """A strategy's suggestion, checked at the border (:mod:`kinship.validation`) and
    normalised; anything malformed is the strategy's error."""
    s = validation.check_suggestion(s, snapshot.uid)
    kind = s.kind.strip()
    if len(kind) > MAX_KIND:  # pragma: no cover - the validator's limit is the same
        raise ValueError(f"bad suggestion kind {s.kind!r}")
    reason = " ".join(s.reason.split())[:MAX_REASON]
    return Suggestion(snapshot.uid, kind, s.due, reason, s.priority, name)


#: The engine built for one binding (rebuilt when the binding changes).
_cache: tuple[runtime.Binding, Engine] | None = None
# Re-entrant: the bound strategies may be a function that loads the plugin host.
_lock = threading.RLock()


def built() -> Engine | None:
    """The engine for what is bound now if it is built already, else None (without
    building it: building may load the plugin host)."""
    cached = _cache
    if cached is not None and cached[0] is runtime.current():
        return cached[1]
    return None


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
            on_failure=binding.strategy_failed,
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
