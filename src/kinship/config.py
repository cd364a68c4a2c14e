"""Where things live and what the user set.

- Database: ``--db`` > ``KINSHIP_DB`` > ``[database] url`` (or ``db``) in the config file >
  ``<user data dir>/kinship.db``.
- Config file: ``KINSHIP_CONFIG`` > ``<user config dir>/config.toml`` (TOML, optional).
"""

from __future__ import annotations

import os
import tomllib
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


def load_settings(path: Path | None = None) -> Settings:
    """Read the config file; a missing file is an empty config, a broken one an error."""
    path = path or config_path()
    if not path.exists():
        return Settings(path=path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise KinshipError(f"{path}: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KinshipError(f"{path}: cannot read: {exc}") from None

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
    return Settings(
        db=db,
        strategies=table("strategies"),
        tags=table("tags"),
        keys={str(k): str(v) for k, v in table("keys").items()},
        raw=raw,
        path=path,
    )


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
