"""The plugin host: builtins and entry points, loaded one at a time and kept apart.

Everything kinship asks of plugins goes through :class:`PluginHost`, a typed facade with one
method per hook (``host.importers()``, ``host.notify(...)`` …), so no caller scatters
``pm.hook.x(...)`` calls or has to think about broken plugins.

Loading (:func:`load_host`):

1. The builtin plugins (:data:`BUILTIN_PLUGINS`) are imported and registered exactly like
   third-party ones. A builtin module that is missing is recorded as disabled.
2. Unless ``--no-plugins`` / ``KINSHIP_NO_PLUGINS=1``, each entry point of the ``kinship``
   group is loaded **one at a time** (not ``pm.load_setuptools_entrypoints``, which stops at
   the first broken distribution). ``KINSHIP_LOAD_PLUGINS=a,b`` loads only those
   distributions (set but empty: none); ``KINSHIP_DISABLE_PLUGINS=a,b`` skips those (builtins
   included).

Isolation: a plugin that fails to import, that implements a hook kinship does not have (or
with an argument the hook does not pass), that raises inside a hook, or that registers
something invalid (wrong type, empty name, a name another plugin already took) is disabled,
reported with one line on stderr (``kinship: plugin <dist> disabled: <reason>``) and listed
with its reason by ``kinship plugins --all``. Hooks are called one implementation at a time,
so one failure never takes the others down. Each call runs on a helper thread with a time
limit (:mod:`kinship.plugin_calls`): a hook that takes longer is left behind and its plugin
disabled for the run, so a plugin that blocks can hold up neither the app nor a command.

``KINSHIP_TRACE_PLUGINS=1`` writes each load and each hook call, with its time in
milliseconds, to stderr.

Importing this module is cheap: it imports neither the TUI nor the file-format libraries,
and the entry-point scan happens only when a host is loaded. It imports neither the CLI nor
the services either: the entry points decide what the host is used for (:mod:`kinship.wiring`
hands its strategies and notifications to the services; the CLI passes its parser to
:meth:`PluginHost.check`).

Why one module of ~800 lines: nearly all of it is :class:`PluginHost`, and its parts —
loading, contract validation, calling one implementation at a time, disabling and reporting —
share the host's private records (``_plugins``, ``_cache``, ``_owners``) and the same
``_call``/``_disable`` path, which is what guarantees that a failure anywhere disables exactly
one plugin. Split across modules, that state would have to become an internal API that every
part reaches into; kept together, the isolation rules read top to bottom in one place.
"""

from __future__ import annotations

import difflib
import importlib
import os
import re
import sys
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import pluggy

from kinship import __version__, hookspecs
from kinship.errors import KinshipError
from kinship.records import Exporter, Importer, PaletteCommand, Strategy

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

__all__ = [
    "BUILTIN_PLUGINS",
    "ENTRY_POINT_GROUP",
    "ImportPlan",
    "PluginHost",
    "PluginInfo",
    "load_host",
]

#: Builtin plugin modules, registered before any third-party plugin, in this order.
BUILTIN_PLUGINS = (
    "kinship.builtin.vcard",
    "kinship.builtin.ical",
    "kinship.builtin.json_backup",
    "kinship.builtin.strategies",
)

#: The entry-point group third-party plugins declare (``[project.entry-points.kinship]``).
ENTRY_POINT_GROUP = "kinship"

ENV_NO_PLUGINS = "KINSHIP_NO_PLUGINS"
ENV_LOAD_PLUGINS = "KINSHIP_LOAD_PLUGINS"
ENV_DISABLE_PLUGINS = "KINSHIP_DISABLE_PLUGINS"
ENV_TRACE_PLUGINS = "KINSHIP_TRACE_PLUGINS"

OK = "ok"
DISABLED = "disabled"

#: The hooks :meth:`PluginHost.notify` fires (after the writing transaction commits).
NOTIFICATION_HOOKS = (
    "kinship_contact_changed",
    "kinship_interaction_logged",
    "kinship_followups_due",
    "kinship_followup_done",
    "kinship_followup_snoozed",
    "kinship_followup_dismissed",
)

_HOOK_PREFIX = "kinship_"
_MAX_ERROR = 300

T = TypeVar("T")


@dataclass
class PluginInfo:
    """One plugin as ``kinship plugins`` lists it.

    ``status`` is ``"ok"`` or ``"disabled"``; ``error`` says why (one line) when disabled.
    ``distribution`` is ``"kinship"`` for builtins and ``None`` for a plugin object
    registered directly (tests).
    """

    name: str
    distribution: str | None
    version: str | None
    hooks: list[str] = field(default_factory=list)
    builtin: bool = False
    status: str = OK
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape of ``kinship plugins --json`` (DESIGN §7)."""
        return {
            "name": self.name,
            "distribution": self.distribution,
            "version": self.version,
            "hooks": list(self.hooks),
            "builtin": self.builtin,
            "status": self.status,
            "error": self.error,
        }

    @property
    def label(self) -> str:
        """How messages name the plugin: its entry point, with the distribution it comes
        from when that is another name (``names (kinship-names)``); builtins by module."""
        if self.builtin or not self.distribution or _norm(self.distribution) == _norm(self.name):
            return self.name
        return f"{self.name} ({self.distribution})"


@dataclass(frozen=True)
class ImportPlan:
    """What importing a path means: ``steps`` (a file or folder, and the importer that
    reads it), in the order to run them, and ``skipped`` — the files in a folder no importer
    reads, each with why."""

    steps: list[tuple[Path, Importer]]
    skipped: list[tuple[Path, str]] = field(default_factory=list)


#: Files a vdir folder holds besides its items (vdirsyncer's metadata): not worth a mention.
VDIR_METADATA = frozenset({"color", "displayname", "description", "order"})


def _folder_files(folder: Path) -> list[Path]:
    """The regular files of a folder and of the folders directly inside it (a vdir and its
    collections, as the importers read them: never deeper), hidden ones left out."""

    def visible(where: str | Path) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(where) as entries:
                return [e for e in entries if not e.name.startswith(".")]
        except OSError:
            return []

    found: list[Path] = []
    for entry in visible(folder):
        try:
            if entry.is_dir():
                found += (Path(e.path) for e in visible(entry.path) if e.is_file())
            elif entry.is_file():  # not a FIFO or a device: sniffing one would block
                found.append(Path(entry.path))
        except OSError:
            continue
    return sorted(found)


@dataclass
class _Plugin:
    info: PluginInfo
    key: str
    obj: Any = None
    #: Extra names that ``KINSHIP_LOAD_PLUGINS`` / ``KINSHIP_DISABLE_PLUGINS`` may use.
    aliases: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.info.status == OK


class _Invalid(Exception):
    """A plugin broke the contract (reason in the message)."""


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _clean(text: str) -> str:
    from kinship.text import visible

    text = visible(" ".join(text.split()))
    return text if len(text) <= _MAX_ERROR else text[: _MAX_ERROR - 1] + "…"


#: Lines already written to each error stream: one command may load the plugins more than
#: once (the CLI's host, the follow-up engine's), and a broken plugin is reported once.
_reported: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


def _report_once(stream: TextIO, line: str) -> None:
    try:
        seen = _reported.setdefault(stream, set())
    except TypeError:  # a stream that takes no weak reference: report every time
        seen = set()
    if line not in seen:
        seen.add(line)
        stream.write(line)


def _norm(name: str) -> str:
    """Compare distribution and plugin names the way PyPI does (case, ``-_.`` alike)."""
    return re.sub(r"[-_.]+", "-", name).lower().strip()


def _names(value: str | None) -> set[str] | None:
    """A comma list from the environment; ``None`` when the variable is unset."""
    if value is None:
        return None
    return {_norm(part) for part in value.split(",") if part.strip()}


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() not in ("", "0", "false", "no", "off")


class PluginHost:
    """The plugins of one run, behind one typed method per hook.

    Build one with :func:`load_host` (builtins + entry points, honouring the switches) or,
    in tests, :meth:`for_plugins`. Registration hooks are called once per host and their
    results cached; a plugin disabled later drops out of every cached list.
    """

    def __init__(
        self, *, err: TextIO | None = None, trace: bool = False, time_limit: float | None = None
    ) -> None:
        from kinship.plugin_calls import CallRunner
        from kinship.plugin_calls import time_limit as configured_limit

        self.pm = pluggy.PluginManager("kinship")
        self.pm.add_hookspecs(hookspecs)
        self.err = err if err is not None else sys.stderr
        self.trace = trace
        #: Runs each hook call off the caller's thread, waiting at most the time limit.
        self.calls = CallRunner(configured_limit() if time_limit is None else time_limit)
        self._plugins: dict[str, _Plugin] = {}
        self._cache: dict[str, Any] = {}
        self._owners: dict[int, _Plugin] = {}
        #: Milliseconds spent loading (entry-point scan, imports, registration).
        self.load_ms = 0.0
        #: Every plugin disabled because it failed (not the ones deliberately not loaded),
        #: in the order it happened: what the app shows when it starts.
        self.failures: list[PluginInfo] = []
        self._listeners: list[Callable[[PluginInfo], None]] = []

    # ------------------------------------------------------------------ building

    @classmethod
    def for_plugins(
        cls,
        *plugins: Any,
        builtins: bool | Iterable[str] = False,
        err: TextIO | None = None,
        trace: bool = False,
    ) -> PluginHost:
        """A host with only ``plugins`` (modules, objects or module names), no entry points.

        ``builtins=True`` adds every builtin first; a list of module names adds those.
        """
        host = cls(err=err, trace=trace)
        if builtins:
            host.load_builtins(BUILTIN_PLUGINS if builtins is True else tuple(builtins))
        for plugin in plugins:
            if isinstance(plugin, str):
                host.load_module(plugin)
            else:
                host.register(plugin)
        return host

    def load_builtins(
        self, modules: Sequence[str] = BUILTIN_PLUGINS, *, disable: set[str] | None = None
    ) -> None:
        """Import and register the builtin plugin modules (a missing one is disabled)."""
        for module in modules:
            short = module.rsplit(".", 1)[-1]
            aliases = (module, short)
            if disable and {_norm(a) for a in aliases} & disable:
                self._add_unloaded(
                    module,
                    "kinship",
                    __version__,
                    builtin=True,
                    aliases=aliases,
                    reason=f"disabled by {ENV_DISABLE_PLUGINS}",
                )
                continue
            self.load_module(module, distribution="kinship", version=__version__, builtin=True)

    def load_module(
        self,
        module: str,
        *,
        distribution: str | None = None,
        version: str | None = None,
        builtin: bool = False,
    ) -> PluginInfo:
        """Import ``module`` and register it as a plugin named after it."""
        short = module.rsplit(".", 1)[-1]
        start = time.perf_counter()
        try:
            obj = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            reason = (
                "not available in this version of kinship"
                if builtin and exc.name == module
                else f"import failed: {_one_line(exc)}"
            )
            return self._failed(module, distribution, version, builtin, reason, (module, short))
        except (Exception, SystemExit) as exc:
            reason = f"import failed: {_one_line(exc)}"
            return self._failed(module, distribution, version, builtin, reason, (module, short))
        finally:
            self._trace(module, "import", start)
        return self.register(
            obj,
            name=module,
            distribution=distribution,
            version=version,
            builtin=builtin,
            aliases=(module, short),
        )

    def load_entry_points(
        self, *, only: set[str] | None = None, disable: set[str] | None = None
    ) -> None:
        """Load each ``kinship`` entry point on its own; record what fails and why.

        ``only`` (normalised names) keeps just those distributions or entry points;
        ``disable`` skips them. Skipped plugins are listed as disabled, silently.
        """
        for ep in _entry_points():
            dist_name, version = _dist_of(ep)
            aliases = (dist_name, ep.name)
            wanted = {_norm(a) for a in aliases}
            if only is not None and not wanted & only:
                self._add_unloaded(
                    ep.name,
                    dist_name,
                    version,
                    aliases=aliases,
                    reason=f"not listed in {ENV_LOAD_PLUGINS}",
                )
                continue
            if disable and wanted & disable:
                self._add_unloaded(
                    ep.name,
                    dist_name,
                    version,
                    aliases=aliases,
                    reason=f"disabled by {ENV_DISABLE_PLUGINS}",
                )
                continue
            start = time.perf_counter()
            try:
                obj = ep.load()
            except (Exception, SystemExit) as exc:
                self._failed(
                    ep.name, dist_name, version, False, f"import failed: {_one_line(exc)}", aliases
                )
                continue
            finally:
                self._trace(dist_name, "import", start)
            self.register(
                obj, name=ep.name, distribution=dist_name, version=version, aliases=aliases
            )

    def skip_entry_points(self, reason: str) -> None:
        """List the installed entry points as disabled without importing them."""
        for ep in _entry_points():
            dist_name, version = _dist_of(ep)
            self._add_unloaded(
                ep.name, dist_name, version, aliases=(dist_name, ep.name), reason=reason
            )

    def register(
        self,
        plugin: Any,
        *,
        name: str | None = None,
        distribution: str | None = None,
        version: str | None = None,
        builtin: bool = False,
        aliases: tuple[str, ...] = (),
    ) -> PluginInfo:
        """Register a plugin object (a module, class or instance with ``@hookimpl``\\ s).

        Validation failures do not raise: the plugin is recorded as disabled.
        """
        name = name or _object_name(plugin)
        key = self._unique_key(name, distribution)
        info = PluginInfo(name, distribution, version, builtin=builtin)
        record = _Plugin(info, key, plugin, aliases or (name,))
        self._plugins[key] = record
        try:
            info.hooks = self._validate(plugin)
            self.pm.register(plugin, name=key)
        except _Invalid as exc:
            self._disable(record, str(exc))
        except pluggy.PluginValidationError as exc:
            self._disable(record, _validation_message(exc))
        except ValueError as exc:  # the same object registered twice
            self._disable(record, _one_line(exc))
        self._cache.clear()
        return info

    def unregister(self, name: str) -> None:
        """Remove a plugin (by name or distribution); its registrations drop out."""
        for key, record in list(self._plugins.items()):
            if name in (key, record.info.name, record.info.distribution):
                if self.pm.has_plugin(key):
                    self.pm.unregister(name=key)
                del self._plugins[key]
        self._cache.clear()

    # ------------------------------------------------------------------ the hooks

    def importers(self) -> list[Importer]:
        """Every importer, builtins first (``kinship_register_importers``)."""
        return self._registered("kinship_register_importers", Importer, "importer")

    def exporters(self) -> list[Exporter]:
        """Every exporter, builtins first (``kinship_register_exporters``)."""
        return self._registered("kinship_register_exporters", Exporter, "exporter")

    def strategies(self) -> list[Strategy]:
        """Every follow-up strategy (``kinship_register_followup_strategies``)."""
        return self._registered("kinship_register_followup_strategies", Strategy, "strategy")

    def palette_commands(self) -> list[PaletteCommand]:
        """Command-palette entries from plugins (``kinship_palette_commands``)."""
        hook = "kinship_palette_commands"
        if hook in self._cache:
            return list(self._cache[hook])
        found: list[PaletteCommand] = []
        titles: dict[str, _Plugin] = {}
        for record, impl in self._impls(hook):
            ok, got = self._call(record, impl, hook, {}, consume=_as_list)
            if not ok:
                continue
            try:
                for item in got or []:
                    if not isinstance(item, PaletteCommand):
                        got_type = type(item).__name__
                        raise _Invalid(f"{hook} returned {got_type}, not a PaletteCommand")
                    if not isinstance(item.title, str) or not item.title.strip():
                        raise _Invalid(f"{hook} returned a command with an empty title")
                    if not callable(item.run):
                        raise _Invalid(f"palette command {item.title!r}: run is not callable")
                    other = titles.get(item.title.casefold())
                    if other is not None and other is not record:
                        raise _Invalid(
                            f"palette command {item.title!r} is already added by {other.info.name}"
                        )
            except _Invalid as exc:
                self._disable(record, str(exc))
                continue
            for item in got or []:
                titles[item.title.casefold()] = record
                self._owners[id(item)] = record
                found.append(item)
        self._cache[hook] = found
        return list(found)

    def register_commands(self, registry: Any) -> None:
        """Let plugins add subcommands to ``registry`` (a :class:`kinship.cli.CommandRegistry`).

        A plugin's command refuses to run once its plugin is disabled, and an unexpected
        exception from it becomes a one-line error instead of a traceback.
        """
        hook = "kinship_register_commands"
        for record, impl in self._impls(hook):
            self._call(record, impl, hook, {"cli": _PluginCommands(registry, record)})

    def notify(self, hook_name: str, record: Any) -> None:
        """Fire a notification hook (``kinship_contact_changed``, ``kinship_interaction_logged``).

        Never raises: a plugin that fails is disabled and reported.
        """
        if hook_name not in NOTIFICATION_HOOKS:
            raise ValueError(f"{hook_name} is not a notification hook")
        arg = getattr(self.pm.hook, hook_name).spec.argnames[0]
        for plugin, impl in self._impls(hook_name):
            self._call(plugin, impl, hook_name, {arg: record})

    def listens(self, hook_name: str) -> bool:
        """Whether some enabled plugin implements ``hook_name`` (skip building records if not)."""
        return bool(self._impls(hook_name))

    def deliver(self, hook_name: str, **kwargs: Any) -> list[tuple[PluginInfo, bool]]:
        """Fire a notification hook and say who heard it: ``(plugin, ok)`` per listener.

        Like :meth:`notify` (a plugin that raises is disabled and reported, the others are
        still called), for a caller that acts on the outcome: ``kinship due --notify``
        remembers what it sent only when every notifier took it.
        """
        if hook_name not in NOTIFICATION_HOOKS:
            raise ValueError(f"{hook_name} is not a notification hook")
        results = []
        for record, impl in self._impls(hook_name):
            ok, _ = self._call(record, impl, hook_name, kwargs)
            results.append((record.info, ok))
        return results

    # ------------------------------------------------------------------ reporting

    def subscribe(self, listener: Callable[[PluginInfo], None]) -> list[PluginInfo]:
        """Call ``listener(info)`` each time a plugin is disabled by a failure from now on;
        return the ones disabled so far (the app shows both as messages)."""
        self._listeners.append(listener)
        return list(self.failures)

    def plugin_of(self, registered: Any) -> str:
        """How messages name the plugin behind an importer, exporter, strategy or palette
        command (:attr:`PluginInfo.label`); ``""`` for a builtin one or an unknown object."""
        info = self.owner(registered)
        return info.label if info is not None and not info.builtin else ""

    def disable_strategy(self, name: str, error: str) -> PluginInfo | None:
        """Disable the plugin whose follow-up strategy ``name`` raised ``error`` (the
        follow-up engine reports it through :mod:`kinship.wiring`). Its other strategies and
        hooks go with it, for the rest of the run, as for a failure in any hook."""
        for strategy in self._cache.get("kinship_register_followup_strategies", ()):
            if strategy.name == name:
                record = self._owners.get(id(strategy))
                if record is None or not record.ok:
                    return None
                self._disable(record, f"follow-up strategy {name!r} raised {error}")
                return record.info
        return None

    # ------------------------------------------------------------------ lookups

    def importer_for(self, path: Path | str, fmt: str | None = None) -> Importer:
        """The importer for ``path``: by ``--format`` name, else by content (``sniff``),
        else by suffix. Raises :class:`KinshipError` naming the known formats."""
        path = Path(path)
        importers = self.importers()
        known = ", ".join(sorted(i.name for i in importers)) or "none"
        if fmt:
            for imp in importers:
                if imp.name.casefold() == fmt.strip().casefold():
                    return imp
            raise KinshipError(f"unknown import format {fmt!r} (known: {known})")
        if path.is_file() or path.is_dir():  # never open a FIFO or a device to sniff it
            for imp in importers:
                if imp.sniff is not None and self._sniff(imp, path):
                    return imp
        suffix = path.suffix.lower()
        if suffix:
            for imp in importers:
                if suffix in (s.lower() for s in imp.suffixes):
                    return imp
        raise KinshipError(
            f"{path}: cannot tell the file format; use --format NAME (known: {known})"
        )

    def import_plan(self, path: Path | str, fmt: str | None = None) -> ImportPlan:
        """What to import for ``path``, with which importers.

        A file (or ``--format``): the one importer of :meth:`importer_for`. A folder: every
        importer that reads it as a folder (a vdir of ``.vcf`` files, a folder of ``.ics``)
        takes it, each reading its own files, contacts before calendars as the importers are
        registered; every other file is imported with the importer that recognises it, or
        listed in ``skipped`` with the reason. Raises :class:`KinshipError` when nothing in
        it can be imported.
        """
        path = Path(path)
        if fmt or not path.is_dir():
            return ImportPlan([(path, self.importer_for(path, fmt))])
        importers = self.importers()
        steps: list[tuple[Path, Importer]] = [
            (path, imp) for imp in importers if imp.sniff is not None and self._sniff(imp, path)
        ]
        covered = {s.lower() for _, imp in steps for s in imp.suffixes}
        skipped: list[tuple[Path, str]] = []
        for file in _folder_files(path):
            if file.suffix.lower() in covered or file.name in VDIR_METADATA:
                continue
            try:
                steps.append((file, self.importer_for(file)))
            except KinshipError:
                what = f"{file.suffix.lower()} files" if file.suffix else "files without a suffix"
                skipped.append((file, f"skipped: no importer reads {what}"))
        if not steps:
            known = ", ".join(sorted(i.name for i in importers)) or "none"
            raise KinshipError(
                f"{path}: nothing in this folder kinship can import "
                f"({len(skipped)} other file(s); formats: {known})"
            )
        return ImportPlan(steps, skipped)

    def exporter(self, name: str) -> Exporter:
        """The exporter called ``name`` (case-insensitive); KinshipError names the others."""
        exporters = self.exporters()
        for exp in exporters:
            if exp.name.casefold() == name.strip().casefold():
                return exp
        known = ", ".join(sorted(e.name for e in exporters)) or "none"
        raise KinshipError(f"unknown export format {name!r} (known: {known})")

    def strategy(self, name: str) -> Strategy:
        """The follow-up strategy called ``name``."""
        for strategy in self.strategies():
            if strategy.name.casefold() == name.strip().casefold():
                return strategy
        known = ", ".join(sorted(s.name for s in self.strategies())) or "none"
        raise KinshipError(f"unknown follow-up strategy {name!r} (known: {known})")

    def owner(self, registered: Any) -> PluginInfo | None:
        """Which plugin registered an importer, exporter, strategy or palette command."""
        record = self._owners.get(id(registered))
        return record.info if record else None

    def infos(self) -> list[PluginInfo]:
        """Every plugin seen: builtins first, then the others by distribution and name."""
        records = list(self._plugins.values())
        builtins = [r.info for r in records if r.info.builtin]
        others = sorted(
            (r.info for r in records if not r.info.builtin),
            key=lambda i: ((i.distribution or "").casefold(), i.name.casefold()),
        )
        return builtins + others

    def check(self, register_commands: Callable[[PluginHost], object] | None = None) -> None:
        """Call every registration hook once, so that ``infos()`` shows every failure.

        ``kinship_register_commands`` needs a command registry, which is the CLI's: the CLI
        passes ``register_commands`` (building its parser with this host) to include it.
        """
        self.importers()
        self.exporters()
        self.strategies()
        self.palette_commands()
        if register_commands is not None:
            register_commands(self)

    # ------------------------------------------------------------------ internals

    def _unique_key(self, name: str, distribution: str | None) -> str:
        base = f"{distribution}:{name}" if distribution and distribution != "kinship" else name
        key, n = base, 1
        while key in self._plugins:
            n += 1
            key = f"{base}#{n}"
        return key

    def _add_unloaded(
        self,
        name: str,
        distribution: str | None,
        version: str | None,
        *,
        reason: str,
        builtin: bool = False,
        aliases: tuple[str, ...] = (),
    ) -> None:
        """Record a plugin that was deliberately not loaded (no stderr line)."""
        info = PluginInfo(
            name, distribution, version, builtin=builtin, status=DISABLED, error=reason
        )
        key = self._unique_key(name, distribution)
        self._plugins[key] = _Plugin(info, key, None, aliases)

    def _failed(
        self,
        name: str,
        distribution: str | None,
        version: str | None,
        builtin: bool,
        reason: str,
        aliases: tuple[str, ...],
    ) -> PluginInfo:
        info = PluginInfo(name, distribution, version, builtin=builtin)
        key = self._unique_key(name, distribution)
        record = _Plugin(info, key, None, aliases)
        self._plugins[key] = record
        quiet = builtin and reason.startswith("not available")
        self._disable(record, reason, quiet=quiet)
        return info

    def _disable(self, record: _Plugin, reason: str, *, quiet: bool = False) -> None:
        reason = _clean(reason)
        record.info.status = DISABLED
        record.info.error = reason
        if self.pm.has_plugin(record.key):
            self.pm.unregister(name=record.key)
        self._cache.clear()
        if not quiet:
            line = f"kinship: plugin {_clean(record.info.label)} disabled: {reason}\n"
            _report_once(self.err, line)
            self.failures.append(record.info)
            for listener in list(self._listeners):
                try:
                    listener(record.info)
                except Exception as exc:  # a listener must not turn one failure into two
                    self.err.write(f"kinship: reporting a disabled plugin failed: {exc!r}\n")

    def _trace(self, who: str, what: str, start: float) -> None:
        if self.trace:
            ms = (time.perf_counter() - start) * 1000
            self.err.write(f"kinship: trace {_clean(who)} {what} {ms:.2f} ms\n")

    def _validate(self, plugin: Any) -> list[str]:
        """The hooks ``plugin`` implements; raise _Invalid for an unknown or unmarked hook."""
        hooks: list[str] = []
        unmarked: list[str] = []
        for attr in dir(plugin):
            if not attr.startswith(_HOOK_PREFIX):
                continue
            try:
                opts = self.pm.parse_hookimpl_opts(plugin, attr)
            except Exception:  # an attribute that cannot be read is not a hook
                opts = None
            if opts is None:
                if callable(getattr(plugin, attr, None)):
                    unmarked.append(attr)
                continue
            caller = getattr(self.pm.hook, attr, None)
            if caller is None or caller.spec is None:
                if opts.get("optionalhook"):
                    continue
                close = difflib.get_close_matches(attr, _hook_names(), n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                raise _Invalid(f"unknown hook {attr}{hint}")
            if opts.get("hookwrapper") or opts.get("wrapper"):
                raise _Invalid(f"{attr}: hook wrappers are not supported")
            params = _required_args(getattr(plugin, attr))
            extra = [p for p in params if p not in caller.spec.argnames]
            if extra:
                passes = ", ".join(caller.spec.argnames) or "no arguments"
                raise _Invalid(
                    f"invalid hook {attr}({', '.join(params)}): the hook passes {passes}, "
                    f"not {', '.join(extra)}"
                )
            hooks.append(attr)
        if not hooks:
            if unmarked:
                raise _Invalid(f"{unmarked[0]} is not marked with @kinship.hookimpl")
            raise _Invalid("implements no hook (mark functions with @kinship.hookimpl)")
        return sorted(hooks)

    def _impls(self, hook: str) -> list[tuple[_Plugin, Any]]:
        """The live implementations of ``hook`` in registration order (builtins first)."""
        caller = getattr(self.pm.hook, hook)
        found = []
        for impl in caller.get_hookimpls():
            record = self._plugins.get(impl.plugin_name)
            if record is not None and record.ok:
                found.append((record, impl))
        return found

    def _call(
        self,
        record: _Plugin,
        impl: Any,
        hook: str,
        kwargs: dict[str, Any],
        *,
        consume: Callable[[Any], Any] | None = None,
    ) -> tuple[bool, Any]:
        """Call one implementation; on an exception disable its plugin and return False."""
        if not record.ok:
            return False, None
        from kinship.plugin_calls import TooSlow

        args = [kwargs[name] for name in impl.argnames]

        def run() -> Any:
            result = impl.function(*args)
            return consume(result) if consume is not None else result

        start = time.perf_counter()
        try:
            result = self.calls.call(run)
        except TooSlow as exc:
            # Left running on its daemon helper thread: out for the rest of the run.
            self._disable(record, f"{hook} {exc}; skipped and disabled for this run")
            return False, None
        except (Exception, SystemExit) as exc:
            self._disable(record, f"{hook} raised {_one_line(exc)}")
            return False, None
        finally:
            self._trace(record.info.name, hook, start)
        return True, result

    def _registered(self, hook: str, kind: type[T], what: str) -> list[T]:
        if hook in self._cache:
            return list(self._cache[hook])
        found: list[T] = []
        names: dict[str, _Plugin] = {}
        for record, impl in self._impls(hook):
            got: list[Any] = []
            ok, _ = self._call(record, impl, hook, {"register": got.append})
            if not ok:
                continue
            try:
                seen: set[str] = set()
                for item in got:
                    key = _check_registration(item, kind, what)
                    other = names.get(key)
                    if key in seen or (other is not None and other is not record):
                        by = "itself" if other is None or other is record else other.info.name
                        raise _Invalid(f"{what} {item.name!r} is already registered by {by}")
                    seen.add(key)
            except _Invalid as exc:
                self._disable(record, str(exc))
                continue
            for item in got:
                names[item.name.casefold()] = record
                self._owners[id(item)] = record
                found.append(item)
        self._cache[hook] = found
        return list(found)

    def _sniff(self, importer: Importer, path: Path) -> bool:
        assert importer.sniff is not None
        start = time.perf_counter()
        try:
            return bool(importer.sniff(path))
        except Exception as exc:
            owner = self._owners.get(id(importer))
            who = owner.info.label if owner else importer.name
            self.err.write(
                f"kinship: plugin {_clean(who)}: importer {importer.name!r} could not sniff "
                f"{_clean(str(path))}: {_clean(_one_line(exc))}\n"
            )
            return False
        finally:
            self._trace(importer.name, "sniff", start)


def _check_registration(item: Any, kind: type, what: str) -> str:
    """Validate one registered object; return its case-folded name."""
    if not isinstance(item, kind):
        raise _Invalid(
            f"registered a {type(item).__name__} where a {kind.__module__}.{kind.__name__} "
            "is expected"
        )
    name = getattr(item, "name", None)
    if not isinstance(name, str) or not name.strip():
        raise _Invalid(f"registered a {what} with an empty name")
    if isinstance(item, Importer):
        if not callable(item.read):
            raise _Invalid(f"importer {name!r}: read is not callable")
        if item.sniff is not None and not callable(item.sniff):
            raise _Invalid(f"importer {name!r}: sniff is not callable")
        if isinstance(item.suffixes, str) or not all(isinstance(s, str) for s in item.suffixes):
            raise _Invalid(f"importer {name!r}: suffixes must be a tuple of strings")
    elif isinstance(item, Exporter):
        if not callable(item.write):
            raise _Invalid(f"exporter {name!r}: write is not callable")
        if not isinstance(item.suffix, str):
            raise _Invalid(f"exporter {name!r}: suffix must be a string")
        if item.sniff is not None and not callable(item.sniff):
            raise _Invalid(f"exporter {name!r}: sniff is not callable")
    elif isinstance(item, Strategy):
        _check_strategy(item, name)
    return name.casefold()


def _check_strategy(item: Strategy, name: str) -> None:
    from collections.abc import Mapping

    from kinship.records import INTERACTION_KINDS

    if not callable(item.suggest):
        raise _Invalid(f"strategy {name!r}: suggest is not callable")
    changes = getattr(item, "changes", None)
    if changes is not None and not callable(changes):
        raise _Invalid(f"strategy {name!r}: changes is not callable (or None)")
    group = getattr(item, "group", "")
    if not isinstance(group, str) or len(group) > 60 or "\n" in group:
        raise _Invalid(f"strategy {name!r}: group must be one line of text (at most 60)")
    done_as = getattr(item, "done_as", None) or {}
    if not isinstance(done_as, Mapping):
        raise _Invalid(f"strategy {name!r}: done_as must map suggestion kinds to kinds")
    for kind, logged in done_as.items():
        if not isinstance(kind, str) or logged not in INTERACTION_KINDS:
            raise _Invalid(
                f"strategy {name!r}: done_as[{kind!r}] = {logged!r} is not an interaction "
                f"kind ({', '.join(INTERACTION_KINDS)})"
            )


def _required_args(function: Any) -> list[str]:
    """The arguments pluggy will pass by name (those without a default), as it sees them."""
    import inspect

    try:
        sig = inspect.signature(function)
    except (TypeError, ValueError):
        return []
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [
        p.name
        for p in sig.parameters.values()
        if p.kind in kinds and p.default is inspect.Parameter.empty
    ]


def _as_list(value: Any) -> list[Any]:
    return [] if value is None else list(value)


def _hook_names() -> list[str]:
    return [n for n in dir(hookspecs) if n.startswith(_HOOK_PREFIX)]


def _validation_message(exc: pluggy.PluginValidationError) -> str:
    """pluggy's multi-line message, as one line a user can act on."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    definition = next(
        (ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("hookimpl definition:")), ""
    )
    detail = lines[-1] if lines else type(exc).__name__
    return f"invalid hook {definition}: {detail}" if definition else f"invalid hook: {detail}"


def _object_name(plugin: Any) -> str:
    return str(getattr(plugin, "__name__", None) or type(plugin).__name__)


def _entry_points() -> list[EntryPoint]:
    from importlib.metadata import entry_points

    eps = list(entry_points(group=ENTRY_POINT_GROUP))
    return sorted(eps, key=lambda ep: (_norm(_dist_of(ep)[0]), ep.name))


def _dist_of(ep: EntryPoint) -> tuple[str, str | None]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return ep.value.split(":", 1)[0].split(".", 1)[0], None
    try:
        return str(dist.metadata["Name"] or dist.name), dist.version
    except Exception:
        return ep.value.split(":", 1)[0], None


class _PluginCommands:
    """What a plugin's ``kinship_register_commands`` gets: the registry, guarded."""

    def __init__(self, registry: Any, record: _Plugin) -> None:
        self._registry = registry
        self._record = record

    def command(self, name: str, *, help: str, run: Callable[..., Any], **kwargs: Any) -> Any:
        record = self._record

        def guarded(args: Any, ctx: Any) -> Any:
            if not record.ok:
                raise KinshipError(f"plugin {record.info.label} is disabled: {record.info.error}")
            try:
                return run(args, ctx)
            except (KinshipError, KeyboardInterrupt, BrokenPipeError):
                raise
            except Exception as exc:
                raise KinshipError(
                    f"plugin {record.info.label}: {name} failed: {_clean(_one_line(exc))}"
                ) from exc

        # ``kinship --help`` lists plugin commands with the builtin ones: say whose they are.
        shown = f"{help} [{record.info.label}]" if isinstance(help, str) else help
        return self._registry.command(name, help=shown, run=guarded, **kwargs)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._registry, attr)


#: Plugin objects added by :func:`kinship.testing.register_plugin` (name, object).
_extra_plugins: list[tuple[str, Any]] = []


def load_host(
    no_plugins: bool = False, err: TextIO | None = None, *, time_limit: float | None = None
) -> PluginHost:
    """Load the builtins and (unless ``no_plugins``) the entry-point plugins.

    Honours ``KINSHIP_NO_PLUGINS``, ``KINSHIP_LOAD_PLUGINS``, ``KINSHIP_DISABLE_PLUGINS``
    and ``KINSHIP_TRACE_PLUGINS``. Loading a host changes nothing else: the entry point
    decides who hears the services' notifications (:mod:`kinship.wiring`).
    """
    env = os.environ
    start = time.perf_counter()
    host = PluginHost(err=err, trace=_flag(env.get(ENV_TRACE_PLUGINS)), time_limit=time_limit)
    disable = _names(env.get(ENV_DISABLE_PLUGINS)) or set()
    host.load_builtins(disable=disable)
    if no_plugins or _flag(env.get(ENV_NO_PLUGINS)):
        host.skip_entry_points("not loaded (--no-plugins)")
    else:
        only = _names(env.get(ENV_LOAD_PLUGINS))
        host.load_entry_points(only=only, disable=disable)
        if only:
            seen = {_norm(a) for r in host._plugins.values() for a in r.aliases}
            for missing in sorted(only - seen):
                host.err.write(f"kinship: {ENV_LOAD_PLUGINS}: no plugin named {missing!r}\n")
        for name, plugin in list(_extra_plugins):
            # Installed and registered by a test too: it is already here, once is enough
            # (pluggy refuses the same object under a second name).
            if not host.pm.is_registered(plugin):
                host.register(plugin, name=name)
    host.load_ms = (time.perf_counter() - start) * 1000
    if host.trace:
        host.err.write(f"kinship: trace plugins loaded in {host.load_ms:.2f} ms\n")
    return host
