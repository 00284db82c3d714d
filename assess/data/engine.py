"""How the app's connections to the database are set up.

SQLite (the embedded default) runs in write-ahead-log mode (WAL): readers do not block a writer, nor a writer
readers. In SQLite's default mode a transaction's commit waits until no other connection is reading, and with
pages being read many times a second it could wait past the busy timeout: the commit failed with "database is
locked" and the request with it (found by the page-speed benchmark, issue 15: 4 of 71 PDF reports asked for
while pages were read at full speed got a server error; their request writes the results cache). The mode is
kept in the database file, so every process and tool that opens it afterwards uses it too; backups are taken
with SQLite's backup API (assess.data.backup), which copies a consistent snapshot in either mode.
PostgreSQL needs nothing here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event


def configure(engine: Engine) -> None:
    if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _sqlite_connected):
        event.listen(engine, "connect", _sqlite_connected)


def _sqlite_connected(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")  # "memory" for an in-memory database: nothing to do
    finally:
        cursor.close()
