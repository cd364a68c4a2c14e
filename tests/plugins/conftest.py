"""Fixtures for the plugin tests: kinship.testing's, and the real CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kinship.testing import kinship_cli, kinship_store, plugin_host, register_plugin
from tests.plugins.plugin_helpers import PLUGIN_ENV, Run, kinship_command

__all__ = ["kinship_cli", "kinship_store", "plugin_host", "register_plugin"]


@pytest.fixture(autouse=True)
def _restore_binding() -> Any:
    """A host bound by a test must not keep receiving notifications in the next one."""
    from kinship.services import runtime

    before = runtime.bind()
    yield
    before.restore()


@pytest.fixture
def run_kinship(tmp_path: Path) -> Any:
    """Run the real ``kinship`` in a subprocess on a temp store: ``run_kinship(*args,
    site=None, env={})``. ``site`` goes on PYTHONPATH (fake distributions)."""
    db = tmp_path / "kinship.db"

    def run(*args: str, site: Path | None = None, env: dict[str, str] | None = None) -> Run:
        full = {k: v for k, v in os.environ.items() if k not in PLUGIN_ENV}
        full.update(
            KINSHIP_DB=str(db),
            KINSHIP_CONFIG=str(tmp_path / "no-config.toml"),
            PYTHONDONTWRITEBYTECODE="1",
            PYTHONIOENCODING="utf-8",
        )
        if site is not None:
            full["PYTHONPATH"] = os.pathsep.join(
                [str(site), *filter(None, [os.environ.get("PYTHONPATH")])]
            )
        full.update(env or {})
        proc = subprocess.run(
            [*kinship_command(), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=full,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    return run
