"""SQLite runs in write-ahead-log mode (assess.data.engine): a request's commit does not wait for other
connections that are reading. In SQLite's default mode it waited until none was, and failed with "database is
locked" after the busy timeout when pages were read without pause (issue 15: PDF reports, whose requests write
the results cache, got server errors while the page-speed benchmark read pages). SQLite only."""

from __future__ import annotations

import sqlite3
import time

import pytest
from flask import Flask
from sqlalchemy import text

from assess.extensions import db
from tests.databases import backend

pytestmark = pytest.mark.skipif(backend() != "sqlite", reason="SQLite's journal mode")


def database_file(app: Flask) -> str:
    with app.app_context():
        database = db.engine.url.database
    assert database
    return database


def test_the_database_is_in_write_ahead_log_mode(app_ctx: Flask) -> None:
    assert db.session.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"


def test_a_commit_does_not_wait_for_a_reader(app_ctx: Flask, make) -> None:  # type: ignore[no-untyped-def]
    """Another connection holds a read transaction open (as a page being rendered does) while the app writes
    and commits: the commit goes through at once (in the default mode it would wait for the reader and fail
    after the busy timeout)."""
    make.site(code="READ", name="HMP Read")
    db.session.commit()
    reader = sqlite3.connect(database_file(app_ctx), timeout=1, isolation_level=None)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM sites").fetchone()[0] >= 1  # the read transaction is open
        make.site(code="WRITE", name="HMP Write")
        started = time.perf_counter()
        db.session.commit()
        assert time.perf_counter() - started < 1.0
        # The reader still sees the database as it was when its transaction began.
        assert reader.execute("SELECT count(*) FROM sites WHERE code = 'WRITE'").fetchone()[0] == 0
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    assert db.session.execute(text("SELECT count(*) FROM sites WHERE code = 'WRITE'")).scalar_one() == 1
