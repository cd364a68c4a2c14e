"""Where things live and what the user set.

- Database: ``--db`` > ``KINSHIP_DB`` > ``[database] url`` (or ``db``) in the config file >
  ``<user data dir>/kinship.db``.
- Config file: ``KINSHIP_CONFIG`` > ``<user config dir>/config.toml`` (TOML, optional).
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kinship.errors import KinshipError

APP = "kinship"


def data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP, appauthor=False)


def config_path() -> Path:
    env = os.environ.get("KINSHIP_CONFIG")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP, appauthor=False) / "config.toml"


@dataclass
class Settings:
    """The parsed config file. Unknown keys are kept for plugins."""

    db: str | None = None
    #: ``[strategies.<name>]`` tables: ``enabled = false`` and strategy-specific keys.
    strategies: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: ``[tags.<name>]`` tables, e.g. ``cadence = 30``.
    tags: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: ``[keys]``: binding id → key(s), for the TUI keymap.
    keys: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None


#: A config file larger than this is not a config file (``KINSHIP_CONFIG=/dev/urandom``).
MAX_CONFIG_BYTES = 1024 * 1024


def _read_config(path: Path) -> str | None:
    """The file's text, or None when there is no file. Only a regular file is read, and
    only up to :data:`MAX_CONFIG_BYTES`: a device or a FIFO never hangs the start."""
    try:
        # O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise KinshipError(f"{path}: cannot read the config file: {exc.strerror or exc}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise KinshipError(f"{path}: the config file must be a regular file")
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_CONFIG_BYTES and (chunk := os.read(fd, MAX_CONFIG_BYTES + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        raise KinshipError(f"{path}: cannot read the config file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_CONFIG_BYTES:
        raise KinshipError(f"{path}: over {MAX_CONFIG_BYTES // 1024} KiB; not a config file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KinshipError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def load_settings(path: Path | None = None) -> Settings:
    """Read the config file; a missing file is an empty config, a broken one an error."""
    path = path or config_path()
    text = _read_config(path)
    if text is None:
        return Settings(path=path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise KinshipError(f"{path}: {exc}") from None

    def table(key: str) -> dict[str, Any]:
        value = raw.get(key, {})
        if not isinstance(value, dict):
            raise KinshipError(f"{path}: [{key}] must be a table")
        return value

    db = raw.get("db")
    if db is not None and not isinstance(db, str):
        raise KinshipError(f"{path}: db must be a string (a path or URL)")
    url = table("database").get("url")
    if url is not None:
        if not isinstance(url, str):
            raise KinshipError(f"{path}: [database] url must be a string (a path or URL)")
        if db is not None and db != url:
            raise KinshipError(f"{path}: both db and [database] url are set; keep one")
        db = url
    strategies, tags = table("strategies"), table("tags")
    _check_tables(path, "strategies", strategies, BUILTIN_STRATEGY_SETTINGS.get, COMMON_SETTINGS)
    _check_tables(path, "tags", tags, lambda name: TAG_SETTINGS, {})
    return Settings(
        db=db,
        strategies=strategies,
        tags=tags,
        keys={str(k): str(v) for k, v in table("keys").items()},
        raw=raw,
        path=path,
    )


# --------------------------------------------------------------------------- checking values

#: The longest span in days any setting may hold (ten years, as for cadences).
MAX_DAYS = 3650

#: A setting's expected value: (description for messages, check). The check returns whether
#: the value is acceptable.
_Rule = tuple[str, Callable[[Any], bool]]


def _whole(low: int, high: int) -> _Rule:
    def ok(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) and low <= v <= high

    return f"a whole number from {low} to {high}", ok


def _number(low: float) -> _Rule:
    def ok(v: Any) -> bool:
        return isinstance(v, int | float) and not isinstance(v, bool) and v >= low and v == v

    return f"a number of at least {low:g}", ok


def _switch(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip().lower() in ("true", "false", "yes", "no", "on", "off", "1", "0")
    return isinstance(v, bool) or v in (0, 1)


def _zone_name(v: Any) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not isinstance(v, str) or not v.strip():
        return False
    try:
        ZoneInfo(v.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _names(v: Any) -> bool:
    return isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))


_DAYS = _whole(0, MAX_DAYS)
_TZ: _Rule = ('an IANA time zone name such as "Europe/Paris"', _zone_name)

#: Settings every strategy table may hold (the engine reads them).
COMMON_SETTINGS: dict[str, _Rule] = {"enabled": ("true or false", _switch), "lead_days": _DAYS}

#: The settings of the builtin strategies (see docs/follow-ups.md); a key not listed here
#: under one of them is a typo. Third-party strategies' other keys are theirs to check.
BUILTIN_STRATEGY_SETTINGS: dict[str, dict[str, _Rule]] = {
    "cadence": {"grace_days": _DAYS, "tz": _TZ},
    "occasions": {"recent_days": _DAYS, "tz": _TZ},
    "appreciation": {"within_days": _DAYS, "max_age_days": _DAYS, "tz": _TZ},
    "give-first": {
        "ratio": _number(0),
        "min_received": _whole(1, 10**6),
        "quiet_days": _DAYS,
        "every_days": _whole(1, MAX_DAYS),
        "show_days": _whole(1, MAX_DAYS),
        "tz": _TZ,
    },
}

TAG_SETTINGS: dict[str, _Rule] = {
    "cadence": _whole(1, MAX_DAYS),
    "strategies": ("a strategy name or a list of them", _names),
}


def _check_tables(
    path: Path,
    section: str,
    tables: dict[str, Any],
    rules_for: Callable[[str], dict[str, _Rule] | None],
    common: dict[str, _Rule],
) -> None:
    """Each ``[section.<name>]`` must be a table whose keys hold what they should. Tables
    with no rules (a third-party strategy's) are checked for the ``common`` keys only."""
    for name, value in tables.items():
        where = f"[{section}.{_key(name)}]"
        if not isinstance(value, dict):
            raise KinshipError(f"{path}: {where} must be a table")
        rules = rules_for(name)
        known = {**common, **(rules or {})}
        for key, setting in value.items():
            rule = known.get(key)
            if rule is None:
                if rules is None:
                    continue  # a third-party strategy's own setting: the plugin's to read
                names = ", ".join(sorted(known))
                raise KinshipError(f"{path}: {where} has no setting {key!r} (known: {names})")
            expected, ok = rule
            if not ok(setting):
                raise KinshipError(
                    f"{path}: {where} {_key(key)} = {_toml(setting)}: expected {expected}"
                )


def _key(name: str) -> str:
    import re

    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name, ensure_ascii=False)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return repr(value)
    return f"a {type(value).__name__}"


def database_target(cli_value: str | None = None, settings: Settings | None = None) -> str:
    if cli_value:
        return cli_value
    env = os.environ.get("KINSHIP_DB", "").strip()
    if env:
        return env
    if settings and settings.db:
        return settings.db if "://" in settings.db else os.path.expanduser(settings.db)
    return str(data_dir() / "kinship.db")


def describe_target(target: str) -> str:
    """A URL without its password (in the user part or a ``password=`` parameter)."""
    if "://" not in target:
        return target
    import re

    scheme, rest = target.split("://", 1)
    if "@" in rest.split("?", 1)[0]:
        creds, host = rest.rsplit("@", 1)
        rest = f"{creds.split(':', 1)[0]}@{host}"
    rest = re.sub(r"([?&])password=[^&]*", r"\1password=***", rest)
    return f"{scheme}://{rest}"
