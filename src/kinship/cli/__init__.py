"""The ``kinship`` command line: scripts, cron jobs, and the door to the TUI.

Each area registers its subcommands with :class:`CommandRegistry` (plugins too, through
``kinship_register_commands``). Errors are one line on stderr: exit 1, or 2 for usage.
Textual is imported only when the TUI is launched.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from kinship import __version__
from kinship.errors import KinshipError

if TYPE_CHECKING:
    from kinship.wiring import Wiring

#: Modules that register the builtin subcommands, in help order.
COMMAND_MODULES = (
    "kinship.cli.contacts",
    "kinship.cli.journal",
    "kinship.cli.io",
    "kinship.cli.followups",
    "kinship.cli.network",
    "kinship.cli.plugins",
    "kinship.cli.db",
)

Runner = Callable[[argparse.Namespace, "Context"], "int | None"]


class UsageError(KinshipError):
    """Wrong arguments: exit status 2."""


@dataclass
class Context:
    """What a command needs: the run's :class:`~kinship.wiring.Wiring` (the store, opened on
    first use; the plugin host, loaded on first use; the settings) and the output streams."""

    args: argparse.Namespace
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    #: A plugin host already loaded (to find a plugin's command), else loaded when needed.
    _host: Any = None
    wiring: Wiring = field(init=False)

    def __post_init__(self) -> None:
        from kinship.wiring import Wiring

        self.wiring = Wiring(
            getattr(self.args, "db", None),
            host=self._host,
            load_host=self._load_host,
            warn=self.warn,
            read_only=bool(getattr(self.args, "read_only", False)),
        )

    def _load_host(self) -> Any:
        from kinship.plugin_calls import time_limit
        from kinship.plugins import load_host

        return load_host(
            no_plugins=getattr(self.args, "no_plugins", False),
            err=self.err,
            time_limit=time_limit(self.settings),
        )

    @property
    def settings(self) -> Any:
        return self.wiring.settings

    @property
    def target(self) -> str:
        return self.wiring.target

    @property
    def store(self) -> Any:
        """The open store. Opening it hands the services this run's strategies and
        notifier; plugins load when the engine or a notification first needs them."""
        return self.wiring.store

    @property
    def host(self) -> Any:
        """The plugin host (builtins + entry points unless --no-plugins)."""
        return self.wiring.host

    def open(self) -> Any:
        """Open the store now (commands call this before touching the services)."""
        return self.store

    def print(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def json(self, data: Any) -> None:
        self.out.write(self.dumps(data, indent=2) + "\n")

    def dumps(self, data: Any, *, indent: int | None = None) -> str:
        """JSON text for ``out``: UTF-8, or ASCII escapes when ``out`` cannot encode UTF-8
        (a latin-1 locale, ``PYTHONIOENCODING=ascii``), so it always parses the same. Hidden
        characters (controls, bidi, zero-width) are always ``\\u`` escapes."""
        from kinship.text import json_safe

        encoding = (getattr(self.out, "encoding", None) or "utf-8").lower().replace("_", "-")
        return json_safe(
            json.dumps(
                data,
                ensure_ascii=not encoding.startswith("utf"),
                indent=indent,
                default=_json_default,
            )
        )

    def warn(self, text: str) -> None:
        self.err.write(error_line(text))


def error_line(text: str) -> str:
    """``kinship: <text>`` as one line; control characters in it (from a name, a query, a
    file) are shown as escapes, never sent raw to the terminal."""
    from kinship.text import visible

    return f"kinship: {visible(' '.join(text.split()))}\n"


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class CommandRegistry:
    """Adds subcommands. ``configure(parser)`` adds arguments; ``run(args, ctx)`` runs."""

    def __init__(self, subparsers: Any, parent: argparse.ArgumentParser) -> None:
        self._sub = subparsers
        self._parent = parent
        self.names: set[str] = set()

    def command(
        self,
        name: str,
        *,
        help: str,
        run: Runner,
        configure: Callable[[argparse.ArgumentParser], None] | None = None,
        json_output: bool = False,
    ) -> argparse.ArgumentParser:
        if name in self.names:
            raise KinshipError(f"command {name!r} is registered twice")
        parser: argparse.ArgumentParser = self._sub.add_parser(
            name, help=help, description=help, parents=[self._parent]
        )
        if json_output:
            parser.add_argument(
                "--json", action="store_true", help="print JSON (a stable interface)"
            )
        if configure:
            configure(parser)
        parser.set_defaults(_run=run)
        self.names.add(name)
        return parser


_YEARLESS = re.compile(r"--\d\d-?\d\d")


class ArgumentParser(argparse.ArgumentParser):
    """argparse, with what it echoes of the command line made visible: "unrecognized
    arguments" quotes the words raw, and a word may hold escape sequences."""

    def _parse_optional(self, arg_string: str) -> Any:
        # A year-less date (``--birthday --04-15``) is a value, not an unknown option.
        if _YEARLESS.fullmatch(arg_string):
            return None
        return super()._parse_optional(arg_string)

    def error(self, message: str) -> NoReturn:
        from kinship.text import visible

        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {visible(message)}\n")


def _common() -> argparse.ArgumentParser:
    p = ArgumentParser(add_help=False)
    p.add_argument(
        "--db",
        metavar="PATH|URL",
        default=argparse.SUPPRESS,
        help="database file or URL (default: KINSHIP_DB, then the user data dir)",
    )
    p.add_argument(
        "--no-plugins",
        action="store_true",
        default=argparse.SUPPRESS,
        help="load builtin plugins only",
    )
    p.add_argument(
        "--read-only",
        action="store_true",
        default=argparse.SUPPRESS,
        help="open the database read-only (a store you may not write opens so anyway)",
    )
    return p


def build_parser(host: Any = None, *, commands: bool = True) -> argparse.ArgumentParser:
    """The command line's parser; ``commands=False`` leaves out the subcommands (opening
    the app needs none of them, and importing their modules is on the way to first paint)."""
    import importlib

    common = _common()
    parser = ArgumentParser(
        prog="kinship",
        description="Build and keep strong relationships. With no command, opens the app.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"kinship {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the app (or run the command) on a throwaway store with sample people",
    )
    parser.add_argument(
        "--presenter",
        action="store_true",
        help="open the app in presenter mode: emails, phones, addresses and notes masked",
    )
    if not commands:
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    registry = CommandRegistry(sub, common)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(registry)
    if host is not None:
        host.register_commands(registry)
    return parser


@functools.cache
def _builtin_parser(commands: bool) -> argparse.ArgumentParser:
    """:func:`build_parser` without plugin commands, built once per process. A process
    that runs many commands in turn (the tests, a script calling :func:`main`) would spend
    most of a small command's time building it again; parsing leaves it as it was (the
    list defaults that parsing hands out are copied, see :func:`_parse`). Plugin commands
    come from a host that can differ between calls: that parser is built each time."""
    return build_parser(commands=commands)


def _parse(parser: argparse.ArgumentParser, args_list: list[str]) -> argparse.Namespace:
    args = parser.parse_args(args_list)
    # An option not given gets its default as is: a list default (``--email`` appends) is the
    # parser's own object, and a command that extended it would change the next run's.
    for name, value in vars(args).items():
        if isinstance(value, list):
            setattr(args, name, list(value))
    return args


def _wants_plugins(argv: list[str]) -> bool:
    """Plugin commands are only needed when the command is not a builtin one."""
    return "--no-plugins" not in argv and not os.environ.get("KINSHIP_NO_PLUGINS")


def main(
    argv: Iterable[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    out = _tolerant(out or sys.stdout)
    err = _tolerant(err or sys.stderr)
    from kinship import logs

    # Before anything imports vobject & co.: their logging goes through one safe handler.
    handler = logs.install(err)
    try:
        return _main(args_list, out, err)
    finally:
        handler.flush_suppressed()
        handler.stream = None  # back to sys.stderr (in-process callers pass their own)


def _main(args_list: list[str], out: TextIO, err: TextIO) -> int:
    host = None
    try:
        if _opens_app(args_list):
            parser = _builtin_parser(commands=False)
        else:
            parser = _builtin_parser(commands=True)
            known = _first_command(args_list)
            builtin_names = _builtin_names(parser)
            asks_help = known is None and bool({"-h", "--help"} & set(args_list))
            plugin_command = known is not None and known not in builtin_names
            if (asks_help or plugin_command) and _wants_plugins(args_list):
                # An unknown command may come from a plugin, and ``kinship --help`` lists
                # theirs too: load plugins to find them.
                from kinship.plugins import load_host

                host = load_host(no_plugins=False, err=err)
                parser = build_parser(host)
        args = _parse(parser, args_list)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    except KinshipError as exc:
        err.write(error_line(str(exc)))
        return 1
    if not hasattr(args, "db"):
        args.db = None
    elif not args.db.strip():
        # An empty --db (an unset variable in a script) must not fall back to the real store.
        err.write(error_line("--db needs a path or URL"))
        return 2
    if not hasattr(args, "no_plugins"):
        args.no_plugins = False
    if not hasattr(args, "read_only"):
        args.read_only = False
    if os.environ.get("KINSHIP_NO_PLUGINS"):
        args.no_plugins = True
    if getattr(args, "_run", None) is not None:
        if getattr(args, "presenter", False):
            # Presenter mode masks the app's screens; a command's output is not masked, so
            # running it unmasked while the user believes it hidden is refused.
            err.write(
                error_line(
                    "--presenter masks the app only; a command's output is never masked "
                    "(leave out the command to open the app)"
                )
            )
            return 2
        if getattr(args, "demo", False):
            if args.db is not None:
                err.write(
                    error_line("--demo runs the command on a throwaway store; leave out --db")
                )
                return 2
            return _run_on_demo(args, out, err, host)
    ctx = Context(args=args, out=out, err=err, _host=host)
    return run(ctx)


def _run_on_demo(args: argparse.Namespace, out: TextIO, err: TextIO, host: Any) -> int:
    """``kinship --demo COMMAND``: the command runs on a fresh sample store in a temporary
    folder, removed after, as the app does with ``--demo``; never on the configured store."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="kinship-demo-") as folder:
        args.db = str(Path(folder) / "demo.db")
        ctx = Context(args=args, out=out, err=err, _host=host)
        try:
            from kinship.cli.sample import write_demo

            write_demo(args.db, settings=ctx.settings)
        except KinshipError as exc:
            err.write(error_line(str(exc)))
            return 1
        return run(ctx)


def _tolerant(stream: TextIO) -> TextIO:
    """A terminal that cannot show a character gets an escape, not a traceback."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None and getattr(stream, "errors", None) == "strict":
        with contextlib.suppress(Exception):
            reconfigure(errors="backslashreplace")
    return stream


#: The options of ``kinship`` alone (opening the app); ``--db`` takes a value.
_APP_FLAGS = frozenset({"--no-plugins", "--read-only", "--demo", "--presenter"})


def _opens_app(argv: list[str]) -> bool:
    """Only the app's own options (no command, no --help): the subcommands are not needed."""
    words = iter(argv)
    for word in words:
        if word == "--db":
            if next(words, None) is None:
                return False
        elif not word.startswith("--db=") and word not in _APP_FLAGS:
            return False
    return True


def _first_command(argv: list[str]) -> str | None:
    skip = False
    for word in argv:
        if skip:
            skip = False
            continue
        if word == "--db":
            skip = True
            continue
        if word.startswith("-"):
            continue
        return word
    return None


def _builtin_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def run(ctx: Context) -> int:
    args = ctx.args
    try:
        if getattr(args, "_run", None) is None:
            return _open_tui(ctx)
        code = args._run(args, ctx)
        return int(code or 0)
    except UsageError as exc:
        ctx.warn(str(exc))
        return 2
    except KinshipError as exc:
        ctx.warn(str(exc))
        return 1
    except UnicodeEncodeError as exc:
        # Bytes that are not UTF-8 on the command line arrive as lone surrogates.
        ctx.warn(f"text that is not valid UTF-8: {_one_line(exc)}")
        return 1
    except ValueError as exc:
        # With the store open, a value that cannot be parsed (a date, a number, text that is
        # not UTF-8) was read from it: the database is damaged or was edited by hand.
        if ctx.wiring._store is None:
            raise
        from kinship.store.handle import CHECK_HINT, explain

        ctx.warn(explain(exc) or f"a stored value cannot be read ({_one_line(exc)}); {CHECK_HINT}")
        return 1
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            return 0
        from kinship.store.handle import explain

        ctx.warn(explain(exc) or _one_line(exc))
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from kinship.store import describe_error, is_database_error

        if not is_database_error(exc):
            raise
        if _interrupted(exc):
            # Ctrl+C mid-query: the rollback on the way out met the connection still busy
            # with that query, and its error took the interrupt's place. The transaction is
            # not committed either way: say what the person did.
            return 130
        ctx.warn(describe_error(exc))
        return 1
    finally:
        ctx.wiring.close()


def _interrupted(exc: BaseException) -> bool:
    """``exc`` was raised while handling a KeyboardInterrupt."""
    seen: set[int] = set()
    cause: BaseException | None = exc.__context__
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__context__
    return False


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _open_tui(ctx: Context) -> int:
    from kinship.tui import launch

    return launch(ctx)
