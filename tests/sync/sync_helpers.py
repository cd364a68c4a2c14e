"""Helpers shared by the peer and sync tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

SEARCH_PATH = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
TIMEOUT = 60


def tool(name: str) -> str:
    found = shutil.which(name, path=SEARCH_PATH)
    if not found:
        pytest.skip(f"{name} is not installed")
    return found


def peer_env(root: Path) -> dict[str, str]:
    """An environment that keeps the peers away from the developer's own config and data."""
    return {
        **os.environ,
        "HOME": str(root),
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_DATA_HOME": str(root / "share"),
        "XDG_CACHE_HOME": str(root / "cache"),
        "TZ": "UTC",
        "LC_ALL": "C.UTF-8",
    }


def run(*args: str, root: Path, stdin: str | None = None, check: bool = True) -> str:
    done = subprocess.run(
        args,
        capture_output=True,
        text=True,
        env=peer_env(root),
        timeout=TIMEOUT,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
    )
    if check:
        assert done.returncode == 0, f"{args[0]} failed ({done.returncode}):\n{done.stderr}"
    return done.stdout + done.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
