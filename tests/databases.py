"""Fresh, throwaway databases for the test suite: SQLite files, or PostgreSQL databases.

`make test` runs the suite on SQLite; with ASSESS_TEST_DB=postgresql it runs on PostgreSQL,
creating a new database for each use on the server named by TEST_DATABASE_URL (its role
needs CREATEDB) and dropping it afterwards. `.ci/run` sets both.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url


def backend() -> str:
    return os.environ.get("ASSESS_TEST_DB", "sqlite").strip().lower()


def _server_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not url:
        raise RuntimeError(
            "ASSESS_TEST_DB=postgresql needs TEST_DATABASE_URL, for example "
            "postgresql://assess:assess@127.0.0.1:5432/assess_test"
        )
    return url


@contextmanager
def fresh_database(tmp_dir: Path, label: str) -> Iterator[str]:
    """A new empty database; yields its SQLAlchemy URL and removes it afterwards."""
    if backend() != "postgresql":
        path = tmp_dir / f"{label}-{uuid.uuid4().hex[:8]}.sqlite3"
        yield f"sqlite:///{path}"
        return
    server = make_url(_server_url().replace("postgresql+psycopg://", "postgresql://"))
    name = f"assess_{label}_{uuid.uuid4().hex[:10]}".replace("-", "_")
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    finally:
        _drop_database(admin, name)


def _drop_database(admin: str, name: str) -> None:
    """Drop a test database, ending the suite's own leftover connections to it.

    `WITH (FORCE)` has to end every other session in the database; an autovacuum worker there
    belongs to no role, so a role without pg_signal_backend is refused (scripts/start_postgres.sh
    grants it). A plain DROP DATABASE stops autovacuum by itself, so that is the fallback, tried
    again for a few seconds while the suite's own connections close.
    """
    with psycopg.connect(admin, autocommit=True) as connection:
        try:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except psycopg.errors.InsufficientPrivilege:
            pass
        for attempt in range(20):
            try:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
                return
            except psycopg.errors.ObjectInUse:
                if attempt == 19:
                    raise
                time.sleep(0.5)
