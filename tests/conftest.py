"""Shared fixtures: a fresh file store per test and an in-process CLI runner."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest

from kinship.store import Store, close_store, open_store


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test reads the developer's own database, config or plugins, and none leaves what
    it handed the services (strategies, a notifier) to the next."""
    from kinship.services import runtime

    monkeypatch.delenv("KINSHIP_DB", raising=False)
    monkeypatch.setenv("KINSHIP_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("KINSHIP_NO_PLUGINS", "1")
    before = runtime.bind()
    yield
    before.restore()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kinship.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    """An open store; the services are handed the builtin strategies, as the CLI hands them
    with ``--no-plugins`` (``unbound_store`` gives one with nothing handed)."""
    from kinship.services import runtime
    from kinship.wiring import builtin_strategies

    s = open_store(db_path)
    try:
        with runtime.bind(strategies=builtin_strategies):
            yield s
    finally:
        close_store()


@pytest.fixture
def unbound_store(db_path: Path) -> Iterator[Store]:
    """An open store, the services handed nothing (a script that binds nothing)."""
    s = open_store(db_path)
    try:
        yield s
    finally:
        close_store()


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        import json

        return json.loads(self.out)


class CLI(Protocol):
    """The ``cli`` fixture: ``cli("add", "Ada")`` runs kinship in process (``db=False``: no
    ``--db`` added)."""

    def __call__(self, *args: str, db: bool = True) -> Result: ...


@pytest.fixture
def cli(db_path: Path) -> CLI:
    """Run ``kinship --db <tmp db> ARGS`` in process."""
    from kinship.cli import main

    def run(*args: str, db: bool = True) -> Result:
        out, err = io.StringIO(), io.StringIO()
        argv = [*args, "--db", str(db_path)] if db and args else list(args)
        code = main(argv, out=out, err=err)
        return Result(code, out.getvalue(), err.getvalue())

    return run
