"""Where things live and what the user set.

- Database: ``--db`` > ``KINSHIP_DB`` > ``db`` in the config file > ``<user data dir>/kinship.db``.
- Config file: ``KINSHIP_CONFIG`` > ``<user config dir>/config.toml`` (TOML, optional).
"""

from __future__ import annotations

import os
import stat
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
        return os.path.expanduser(settings.db)
    return str(data_dir() / "kinship.db")


def describe_target(target: str) -> str:
    """A URL without its password, for messages."""
    if "://" in target and "@" in target:
        scheme, rest = target.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}@{host}"
    return target
