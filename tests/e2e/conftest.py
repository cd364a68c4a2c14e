"""The end-to-end SSH tests need OpenSSH (server and client) and tmux.

Outside CI a machine without them skips these tests, saying what to install. In CI
(``CI=true``, set by ``.ci/run``, which installs them) a missing tool is a failure: the
run must not pass by testing nothing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest

from tests.e2e.ssh_session import SshServer, find_tools


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def tools() -> dict[str, str]:
    if sys.platform == "win32":
        pytest.skip("OpenSSH server tests run on POSIX systems")
    found, missing = find_tools()
    if missing:
        message = (
            f"end-to-end SSH tests need {', '.join(missing)}: "
            "apt-get install openssh-server openssh-client tmux"
        )
        if _in_ci():
            pytest.fail(message + " (CI=true: not skipped)")
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def sshd(tools: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    server = SshServer(tools, tmp_path_factory.mktemp("sshd")).start()
    try:
        yield server
    finally:
        server.stop()
