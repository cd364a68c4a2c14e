"""PostgreSQL: opening a server URL with psycopg 3, the session settings, and plain errors.

Only ``kinship.store`` imports this, and only for a ``postgresql://`` target: SQLite users
never load psycopg. Writers are serialised with a transaction-level advisory lock, so two
devices writing at once behave exactly as two processes on one SQLite file do: the second
waits (up to :data:`kinship.store.db.BUSY_TIMEOUT_S`) instead of failing.
"""

from __future__ import annotations

import functools
from typing import Any

from peewee import InterfaceError, OperationalError, PostgresqlDatabase
from playhouse.shortcuts import ReconnectMixin

from kinship import POSTGRES_INSTALL
from kinship.errors import StoreError

SCHEMES = ("postgresql://", "postgres://")
#: The advisory lock every write transaction takes (the bytes of "kinship").
WRITE_LOCK = 0x6B696E73686970
#: How long a connection may wait for a connection to the server.
CONNECT_TIMEOUT_S = 10
#: A client that vanished mid-transaction (a laptop lid closed) releases its locks.
IDLE_IN_TRANSACTION_S = 60


def is_url(target: str) -> bool:
    return target.startswith(SCHEMES)


def _give_peewee_psycopg() -> None:
    """peewee was imported with psycopg hidden (:mod:`kinship.store._drivers`): hand it
    psycopg 3 as its own import would have, before a PostgreSQL database is made."""
    import peewee

    if peewee.psycopg is not None:
        return
    try:
        import psycopg
        from psycopg.pq import TransactionStatus
        from psycopg.types.json import Json, Jsonb
    except ImportError:
        return  # make_database says how to install it
    peewee.psycopg = psycopg
    peewee.TransactionStatus = TransactionStatus
    peewee.Json_pg3, peewee.Jsonb_pg3 = Json, Jsonb
    adapter = peewee.Psycopg3Adapter
    adapter.txn_idle = TransactionStatus.IDLE
    adapter.txn_inerror = TransactionStatus.INERROR
    adapter.txn_unknown = TransactionStatus.UNKNOWN


_give_peewee_psycopg()


class KinshipPostgresDatabase(ReconnectMixin, PostgresqlDatabase):
    """psycopg 3, UTC sessions, a lock timeout, and a reconnect after a dropped connection.

    A dropped connection (server restart, Wi-Fi change, idle timeout) is reopened on the next
    statement outside a transaction; inside one the error is raised, so nothing is lost
    silently.
    """

    reconnect_errors = (
        (OperationalError, "terminating connection"),
        (OperationalError, "the connection is closed"),
        (OperationalError, "server closed the connection"),
        (OperationalError, "consuming input failed"),
        (InterfaceError, "the connection is closed"),
    )

    def __init__(
        self, url: str, *, lock_timeout_s: float, read_only: bool = False, **kwargs: Any
    ) -> None:
        self._lock_timeout_ms = int(lock_timeout_s * 1000)
        self._read_only = read_only
        super().__init__(url, prefer_psycopg3=True, **kwargs)

    def _initialize_connection(self, conn: Any) -> None:
        conn.adapters.register_dumper(str, _nul_free_dumper())
        with conn.cursor() as cur:
            # Naive UTC timestamps are stored; CURRENT_DATE and now() agree with them.
            cur.execute("SET TIME ZONE 'UTC'")
            cur.execute(f"SET lock_timeout = {self._lock_timeout_ms}")
            cur.execute(f"SET idle_in_transaction_session_timeout = {IDLE_IN_TRANSACTION_S}000")
            # psycopg prepares a statement run five times; PostgreSQL then may plan it once
            # for any parameters, blind to how rare a search word or a tag is, and walk
            # every contact in name order for a page of a rare match (20 ms, not 1 ms, at
            # 10k). Planning each time costs well under a millisecond.
            cur.execute("SET plan_cache_mode = force_custom_plan")
            if self._read_only:
                # The server refuses writes too, should anything write around Store.write().
                cur.execute("SET default_transaction_read_only = on")

    def begin(self, isolation_level: Any = None, write: bool = False) -> None:
        """``BEGIN``; with ``write`` also wait for the store's write lock.

        ``Store.write()`` passes ``write=True`` through ``atomic()``, and peewee passes it
        again when a batch commits and begins anew, so every write transaction holds it.
        """
        super().begin(isolation_level)
        if write:
            try:
                self.cursor().execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            except Exception as exc:
                self.rollback()
                raise OperationalError(exc, *exc.args) from exc


@functools.cache
def _nul_free_dumper() -> type:
    """Text as psycopg sends it by default, less NUL characters, which PostgreSQL cannot
    store (SQLite can): text pasted or imported with one is kept without it, not refused."""
    from psycopg.types.string import StrDumperUnknown

    class NulFreeStrDumper(StrDumperUnknown):
        def dump(self, obj: str) -> Any:
            return super().dump(obj.replace("\x00", "") if "\x00" in obj else obj)

    return NulFreeStrDumper


def make_database(
    url: str, *, lock_timeout_s: float, read_only: bool = False
) -> KinshipPostgresDatabase:
    """A database for ``url`` (not yet connected); the driver is checked first."""
    try:
        import psycopg
        from psycopg.conninfo import conninfo_to_dict
    except ImportError as exc:
        raise StoreError(
            f"{_safe(url)}: PostgreSQL support is not installed ({exc}): {POSTGRES_INSTALL}"
        ) from None
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise StoreError(f"{_safe(url)}: not a valid PostgreSQL URL: {_first_line(exc)}") from None
    extra: dict[str, Any] = {}
    if "connect_timeout" not in params:
        extra["connect_timeout"] = CONNECT_TIMEOUT_S
    if "application_name" not in params:
        extra["application_name"] = "kinship"
    return KinshipPostgresDatabase(url, lock_timeout_s=lock_timeout_s, read_only=read_only, **extra)


def _safe(url: str) -> str:
    from kinship.config import describe_target

    return describe_target(url)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__


def _where(url: str) -> tuple[str, str, str, str]:
    """(host, port, user, database) the URL names, with libpq's defaults."""
    import getpass

    try:
        from psycopg.conninfo import conninfo_to_dict

        params = conninfo_to_dict(url)
    except Exception:
        params = {}
    host = str(params.get("host") or params.get("hostaddr") or "localhost")
    port = str(params.get("port") or "5432")
    user = str(params.get("user") or getpass.getuser())
    dbname = str(params.get("dbname") or user)
    return host, port, user, dbname


def connect_error(url: str, exc: BaseException) -> StoreError:
    """A failed connection as one line: which server, and the server's own reason."""
    orig = getattr(exc, "orig", None) or exc
    host, port, user, dbname = _where(url)
    place = f"{host}:{port}" if not host.startswith("/") else f"the socket in {host} (port {port})"
    text = _first_line(orig)
    # libpq: 'connection to server at "h", port 5432 failed: FATAL:  <the server's words>'
    reason = text.rsplit(" failed: ", 1)[-1].strip()
    said = reason.removeprefix("FATAL:").strip()
    if "password authentication failed" in said:
        msg = f"wrong password for user {user!r} on {place}"
    elif said.startswith("database ") and said.endswith("does not exist"):
        msg = f"database {dbname!r} does not exist on {place}"
        msg += f" (create it: createdb -O {user} {dbname})"
    elif said.startswith("role ") and said.endswith("does not exist"):
        msg = f"user {user!r} does not exist on {place} (create it: createuser {user})"
    elif "no password supplied" in said:
        msg = (
            f"{place} asks user {user!r} for a password: put it in ~/.pgpass "
            f"(or PGPASSWORD, or the URL)"
        )
    elif reason.startswith("FATAL:"):
        msg = f"{place} refused the connection: {said}"
    else:
        msg = f"cannot reach the PostgreSQL server at {place}: {reason}"
    return StoreError(f"{_safe(url)}: {msg}")


def sync_sequences(db: PostgresqlDatabase, tables: list[str]) -> None:
    """Move each table's id sequence past its largest id (after rows inserted with ids)."""
    for table in tables:
        db.execute_sql(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)',
            (table,),
        )
