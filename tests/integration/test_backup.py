"""Backups that restore (issue 14, item 7): a seeded database is backed up (SQLite's online backup API, or
pg_dump), restored into a new empty database (SQLite, or pg_restore), and every table has the same number of
rows and the same checksum of its rows on both sides; the triggers came too (the restored audit trail refuses
an UPDATE, as does submitted work); a database with data is not overwritten without --force; and the commands
say what they did, or fail with one line and a non-zero exit, never a traceback. Runs on the suite's backend:
`ASSESS_TEST_DB=postgresql` for PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import MetaData, create_engine, select, text
from sqlalchemy.exc import DBAPIError

from assess.data.backup import BackupError, create_backup, restore_backup, table_counts
from assess.demo import DEFAULT_DEMO_PASSWORD, seed_demo
from assess.demo.national import seed_national
from assess.extensions import db
from assess.services.questionnaires import latest
from tests.conftest import build_app
from tests.databases import backend, fresh_database

TODAY = date(2026, 5, 1)
SUFFIX = ".sqlite3" if backend() != "postgresql" else ".pgdump"


def _value(value: Any) -> Any:
    """One value, serialised the same way whichever side of the copy it was read from."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def snapshot(url: str) -> dict[str, tuple[int, str]]:
    """Every table: (rows, sha256 of its rows in primary-key order), read with a connection of its own."""
    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        result = {}
        with engine.connect() as connection:
            for name, table in sorted(metadata.tables.items()):
                key = list(table.primary_key.columns)
                lines = [
                    json.dumps([_value(value) for value in row], default=str)
                    for row in connection.execute(select(table).order_by(*key))
                ]
                if not key:  # a table without a primary key (a copy that lost it): in a stable order all the same
                    lines.sort()
                digest = hashlib.sha256("\n".join(lines).encode())
                rows = len(lines)
                result[name] = (rows, digest.hexdigest())
        return result
    finally:
        engine.dispose()


def triggers(url: str) -> list[str]:
    """The database's own triggers, by name."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
            else:
                query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            return sorted(connection.execute(text(query)).scalars())
    finally:
        engine.dispose()


def refused(url: str, statement: str) -> bool:
    """True when the database refuses the statement (a trigger raising), rolled back either way."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            try:
                connection.execute(text(statement))
            except DBAPIError:
                return True
            finally:
                connection.rollback()
        return False
    finally:
        engine.dispose()


@pytest.fixture()
def seeded(app_ctx: Flask) -> str:
    """The suite's database with the demo data and a small national data set, committed; its URL."""
    seed_demo(latest(), DEFAULT_DEMO_PASSWORD, TODAY, seed=2026)
    seed_national(latest(), TODAY, sites=12, periods=2, seed=2026)
    db.session.commit()
    db.session.remove()
    return db.engine.url.render_as_string(hide_password=False)


@pytest.fixture()
def empty_url(tmp_path: Path) -> Iterator[str]:
    """A new database with nothing in it (not even the schema)."""
    with fresh_database(tmp_path, "restore") as url:
        yield url


def test_a_backup_restores_into_an_empty_database_with_every_row(seeded: str, empty_url: str, tmp_path: Path) -> None:
    before = snapshot(seeded)
    written = create_backup(seeded, tmp_path / f"backup{SUFFIX}")
    assert written.path.is_file() and written.path.stat().st_size > 0
    assert written.tables == {table: rows for table, (rows, _) in before.items()}

    restored = restore_backup(empty_url, written.path)

    after = snapshot(empty_url)
    assert after == before
    assert restored.tables == written.tables
    # The seed made real data, so the comparison compared something.
    for table in ("users", "sites", "assessments", "answers", "audit_events", "assessment_reviews"):
        assert after[table][0] > 0, table
    assert snapshot(seeded) == before  # taking the backup changed nothing


def test_the_restored_database_keeps_its_triggers_and_its_sequences(
    seeded: str, empty_url: str, tmp_path: Path
) -> None:
    restore_backup(empty_url, create_backup(seeded, tmp_path / f"backup{SUFFIX}").path)

    assert triggers(empty_url) == triggers(seeded) != []
    assert refused(empty_url, "UPDATE audit_events SET actor = 'someone else'")
    assert refused(empty_url, "DELETE FROM audit_events")
    assert refused(
        empty_url,
        "UPDATE answers SET evidence = 'changed' WHERE assessment_id IN "
        "(SELECT id FROM assessments WHERE status = 'submitted')",
    )
    assert not refused(empty_url, "UPDATE sites SET name = name")  # not every change is refused
    # New rows after a restore get new ids (PostgreSQL's sequences came with the data).
    engine = create_engine(empty_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO audit_events (occurred_at, actor, action, object_type) VALUES (:at, 'test', 'x', 'y')"
                ),
                {"at": datetime(2026, 5, 2)},
            )
    finally:
        engine.dispose()
    assert table_counts(empty_url)["audit_events"] == snapshot(seeded)["audit_events"][0] + 1


def test_a_database_with_data_is_not_restored_over(seeded: str, tmp_path: Path) -> None:
    backup = create_backup(seeded, tmp_path / f"backup{SUFFIX}").path
    before = snapshot(seeded)
    with pytest.raises(BackupError, match="already has data .*--force"):
        restore_backup(seeded, backup)
    assert snapshot(seeded) == before
    with pytest.raises(BackupError, match="already exists"):
        create_backup(seeded, backup)


def test_a_file_that_is_not_a_backup_is_refused(empty_url: str, tmp_path: Path) -> None:
    bogus = tmp_path / f"notes{SUFFIX}"
    bogus.write_text("not a backup\n", encoding="utf-8")
    with pytest.raises(BackupError, match="is not a"):
        restore_backup(empty_url, bogus)
    with pytest.raises(BackupError, match="no such backup file"):
        restore_backup(empty_url, tmp_path / "missing")


def test_the_commands_back_up_and_restore_and_record_the_restore(
    app: Flask, seeded: str, empty_url: str, tmp_path: Path
) -> None:
    path = tmp_path / f"cli{SUFFIX}"
    created = app.test_cli_runner().invoke(args=["backup", "create", str(path)])
    assert created.exit_code == 0, created.output
    assert f"to {path}" in created.output
    users = table_counts(seeded)["users"]
    assert any(line.split()[:2] == ["users", str(users)] for line in created.output.splitlines())

    again = app.test_cli_runner().invoke(args=["backup", "create", str(path)])
    assert again.exit_code == 1
    assert "already exists" in again.output and "Traceback" not in again.output
    over = app.test_cli_runner().invoke(args=["backup", "restore", str(path)])
    assert over.exit_code == 1
    assert over.output.strip().count("\n") == 0 and "--force" in over.output

    before = snapshot(seeded)
    target = build_app(empty_url)  # a service with its migrated, empty database
    try:
        with target.app_context():  # the command runs in the app context it finds
            restored = target.test_cli_runner().invoke(args=["backup", "restore", str(path)])
        assert restored.exit_code == 0, restored.output
        assert "Restored" in restored.output
        after = snapshot(empty_url)
        engine = create_engine(empty_url)
        with engine.connect() as connection:
            last = connection.execute(text("SELECT action, actor FROM audit_events ORDER BY id DESC LIMIT 1")).one()
        engine.dispose()
    finally:
        with target.app_context():
            db.session.remove()
            db.engine.dispose()
    assert tuple(last) == ("database-restored", "command line")
    assert after["audit_events"][0] == before["audit_events"][0] + 1
    assert {t: v for t, v in after.items() if t != "audit_events"} == {
        t: v for t, v in before.items() if t != "audit_events"
    }


def test_force_replaces_a_database_that_has_data(seeded: str, empty_url: str, tmp_path: Path) -> None:
    backup = create_backup(seeded, tmp_path / f"backup{SUFFIX}").path
    before = snapshot(seeded)
    restore_backup(empty_url, backup)
    engine = create_engine(empty_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE sites SET name = 'Changed since the backup'"))
            connection.execute(
                text("INSERT INTO audit_events (occurred_at, actor, action, object_type) VALUES (:at, 't', 'x', 'y')"),
                {"at": datetime(2026, 5, 2)},
            )
    finally:
        engine.dispose()
    assert snapshot(empty_url) != before
    with pytest.raises(BackupError, match="already has data"):
        restore_backup(empty_url, backup)

    restore_backup(empty_url, backup, force=True)

    assert snapshot(empty_url) == before


def test_a_backup_taken_while_someone_is_writing_has_only_committed_work(
    seeded: str, empty_url: str, tmp_path: Path
) -> None:
    """The service keeps running during a backup: a change in progress (not yet committed) is not in the copy,
    and the copy is still whole."""
    before = snapshot(seeded)
    engine = create_engine(seeded)
    try:
        with engine.connect() as writer:
            writer.execute(text("UPDATE sites SET name = 'Not committed yet'"))
            backup = create_backup(seeded, tmp_path / f"backup{SUFFIX}")
            writer.commit()
    finally:
        engine.dispose()
    assert snapshot(seeded)["sites"] != before["sites"]  # the change did happen, after the copy
    assert backup.tables == {table: rows for table, (rows, _) in before.items()}
    restore_backup(empty_url, backup.path)
    assert snapshot(empty_url) == before


def test_a_database_without_the_service_s_tables_is_not_backed_up(empty_url: str, tmp_path: Path) -> None:
    """A DATABASE_URL pointing at the wrong (empty) database fails loudly instead of writing an empty backup."""
    path = tmp_path / f"backup{SUFFIX}"
    with pytest.raises(BackupError, match="no such database file|no tables of this service"):
        create_backup(empty_url, path)
    assert not path.exists()
    assert [p.name for p in tmp_path.iterdir() if "backup" in p.name] == []  # no partial file left behind
