"""peewee without psycopg, until a PostgreSQL store needs it.

peewee imports every database driver it knows when it is imported, psycopg 3 among them:
30–60 ms of every start of kinship on a SQLite store, the app's first frame included, for a
driver it never uses. Imported first by :mod:`kinship.store`, this imports peewee with
psycopg hidden (unless something imported either before); :mod:`kinship.store.postgres`,
through which every PostgreSQL store is opened, hands peewee the driver when it is imported.
"""

from __future__ import annotations

import sys

if "peewee" not in sys.modules and "psycopg" not in sys.modules:
    sys.modules["psycopg"] = None  # type: ignore[assignment]  # `import psycopg` fails
    try:
        import peewee  # noqa: F401
    finally:
        del sys.modules["psycopg"]
