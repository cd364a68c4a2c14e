"""Fixtures for the end-to-end peer and sync tests: the real ``kinship`` command in a
subprocess and a throwaway Radicale server."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.sync.sync_helpers import TIMEOUT, free_port, peer_env


@pytest.fixture
def kinship(tmp_path: Path) -> Callable[..., Any]:
    """Run the installed ``kinship`` (``python -m kinship``) on a store in ``tmp_path``.

    ``--json`` output is parsed; otherwise stdout is returned.
    """
    db = tmp_path / "kinship.db"

    def call(*args: str, code: int = 0) -> Any:
        env = {**peer_env(tmp_path), "KINSHIP_DB": str(db), "KINSHIP_NO_PLUGINS": "1"}
        done = subprocess.run(
            [sys.executable, "-m", "kinship", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == code, f"kinship {' '.join(args)}:\n{done.stdout}{done.stderr}"
        return json.loads(done.stdout) if "--json" in args else done.stdout

    return call


RADICALE_CONF = """\
[server]
hosts = 127.0.0.1:{port}
[auth]
type = none
[storage]
filesystem_folder = {root}/collections
[logging]
level = warning
"""


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[str]:
    """A Radicale server on a free port with a temporary store; yields its base URL."""
    pytest.importorskip("radicale")
    root = tmp_path / "radicale"
    root.mkdir()
    port = free_port()
    conf = root / "config"
    conf.write_text(RADICALE_CONF.format(port=port, root=root))
    log = (root / "log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(conf)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=peer_env(root),
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                pytest.fail(f"radicale exited: {(root / 'log').read_text()}")
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("radicale did not start within 20 s")
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
