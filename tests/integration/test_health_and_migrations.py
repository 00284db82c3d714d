"""The health check, the migrations against the models, and the app's refusal to start on bad
questionnaire definitions. Each test here builds its own app on its own fresh database (SQLite, or
PostgreSQL with ASSESS_TEST_DB=postgresql)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import Column, Connection, Index, inspect
from sqlalchemy.pool import NullPool

from assess import create_app
from assess.config import test_config
from assess.extensions import db
from tests.conftest import ROOT
from tests.databases import fresh_database

QUESTIONNAIRES = ROOT / "questionnaires"
SOURCE = QUESTIONNAIRES / "sui-maturity" / "1.0.yaml"
APP_TABLES = {"sites", "users", "roles", "user_roles", "user_sites", "assessments", "answers",
              "questionnaire_versions"}


def config_for(database_url: str, **overrides: Any) -> dict[str, Any]:
    config = test_config(database_url)
    # No pool: every connection is closed when it is given back, so a throwaway app leaves nothing open.
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {"poolclass": NullPool}
    config.update(overrides)
    return config


def close(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@contextmanager
def app_on(database_url: str, **overrides: Any) -> Iterator[Flask]:
    app = create_app(config_for(database_url, **overrides))
    try:
        yield app
    finally:
        close(app)


def copy_questionnaire(folder: Path, change: tuple[str, str] | None = None) -> Path:
    target = folder / "sui-maturity" / "1.0.yaml"
    target.parent.mkdir(parents=True)
    text = SOURCE.read_text(encoding="utf-8")
    if change is not None:
        assert text.count(change[0]) == 1
        text = text.replace(*change)
    target.write_text(text, encoding="utf-8")
    return folder


def _sorted_indexes() -> dict[str, Index]:
    """The models' indexes with a sort order on some column (DESC): expressions to alembic, not columns."""
    return {
        str(index.name): index
        for table in db.metadata.tables.values()
        for index in table.indexes
        if any(not isinstance(expression, Column) for expression in index.expressions)
    }


def _sqlite_index_differences(connection: Connection, indexes: dict[str, Index]) -> list[Any]:
    """Compare indexes with DESC columns on SQLite from PRAGMA index_xinfo (each key column's name and
    direction), since alembic cannot: SQLAlchemy's SQLite reflection drops the direction, and alembic then
    compares the reflected columns with the model's plain columns only (and warns that it is guessing)."""
    differences: list[Any] = []
    for name, index in indexes.items():
        expected = []
        for expression in index.expressions:
            words = str(expression.compile(dialect=connection.dialect)).split()
            expected.append((words[0].split(".")[-1].strip('"'), len(words) > 1 and words[1].upper() == "DESC"))
        table = connection.exec_driver_sql(
            "SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
        ).scalar()
        found = [
            (row.name, bool(row.desc))
            for row in connection.exec_driver_sql(f'PRAGMA index_xinfo("{name}")').mappings().all()
            if row["key"]
        ] if table else []
        unique = any(row.name == name and row.unique for row in connection.exec_driver_sql(
            f'PRAGMA index_list("{table}")').mappings().all()) if table else False
        if (table, found, unique) != (index.table.name, expected, bool(index.unique)):  # type: ignore[union-attr]
            differences.append(("index differs", name, (table, found, unique),
                                (index.table.name, expected, bool(index.unique))))  # type: ignore[union-attr]
    return differences


def schema_differences() -> list[Any]:
    with db.engine.connect() as connection:
        opts: dict[str, Any] = {"compare_type": True}
        sorted_indexes = _sorted_indexes() if connection.dialect.name == "sqlite" else {}
        if sorted_indexes:
            # Compared below instead (PostgreSQL's reflection keeps DESC, and alembic compares those itself).
            opts["include_object"] = lambda item, name, kind, reflected, other: not (
                kind == "index" and name in sorted_indexes)
        differences = compare_metadata(MigrationContext.configure(connection, opts=opts), db.metadata)
        return differences + _sqlite_index_differences(connection, sorted_indexes)


def table_names() -> set[str]:
    with db.engine.connect() as connection:
        return set(inspect(connection).get_table_names())


# -- health check ----------------------------------------------------------------------------------

def test_healthz_is_ok_with_a_database(new_client):
    response = new_client().get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json()["status"] == "ok"
    assert response.get_json()["database"] == "ok"
    assert response.headers.get("Cache-Control") == "no-store"


@pytest.mark.parametrize("database_url", [
    "sqlite:////nonexistent-dir/x.sqlite3",
    "postgresql+psycopg://nobody:secret-pw@127.0.0.1:1/nothing?connect_timeout=2",
], ids=["sqlite-missing-folder", "postgresql-closed-port"])
def test_healthz_is_503_when_the_database_cannot_be_reached(database_url):
    with app_on(database_url) as app:
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.is_json
        body = response.get_json()
        assert body["status"] == "unavailable"
        assert body["database"] != "ok"
        # Nothing about the connection leaks out: no address, no password.
        text = response.get_data(as_text=True)
        assert "secret-pw" not in text and "nonexistent-dir" not in text and "127.0.0.1" not in text
        # The rest of the app does not fall over on the way: the sign-in page still renders.
        assert app.test_client().get("/sign-in").status_code == 200


# -- migrations ------------------------------------------------------------------------------------

def test_migrations_upgrade_downgrade_and_upgrade_again_on_a_fresh_database(tmp_path):
    with fresh_database(tmp_path, "migrations") as url, app_on(url) as app, app.app_context():
        assert not (table_names() & APP_TABLES)
        upgrade()
        assert table_names() >= APP_TABLES
        assert schema_differences() == []

        downgrade(revision="base")
        assert not (table_names() & APP_TABLES)

        upgrade()
        assert table_names() >= APP_TABLES
        assert schema_differences() == []
        db.session.remove()


def test_models_and_migrations_agree(tmp_path):
    """What `flask db migrate` would generate after the last migration: nothing."""
    with fresh_database(tmp_path, "compare") as url, app_on(url) as app, app.app_context():
        upgrade()
        differences = schema_differences()
        assert differences == [], "\n".join(str(item) for item in differences)
        db.session.remove()


# -- refusing to start -----------------------------------------------------------------------------

def test_app_refuses_to_start_with_an_invalid_questionnaire(tmp_path):
    folder = copy_questionnaire(tmp_path / "questionnaires",
                                ("      - id: involvement-strategy\n", "      - id: senior-sponsor\n"))
    with pytest.raises(RuntimeError) as raised:
        create_app(config_for(f"sqlite:///{tmp_path / 'unused.sqlite3'}", QUESTIONNAIRE_PATH=str(folder)))
    message = str(raised.value)
    assert "sui-maturity/1.0.yaml" in message
    assert "domains[0].questions[1].id: duplicate id 'senior-sponsor'" in message


def test_app_refuses_to_start_with_an_empty_questionnaire_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(RuntimeError) as raised:
        create_app(config_for(f"sqlite:///{tmp_path / 'unused.sqlite3'}", QUESTIONNAIRE_PATH=str(tmp_path / "empty")))
    assert "no questionnaire files found" in str(raised.value)


def _record_use_of_the_published_version(url: str) -> None:
    """A database upgraded to head, with sui-maturity 1.0 recorded as used by a draft."""
    from assess.data.assessments import start_or_continue_assessment
    from assess.data.sites import get_site_by_code, upsert_sites
    from assess.data.users import create_or_update_user
    from assess.services.questionnaires import latest

    with app_on(url) as app, app.app_context():
        upgrade()
        upsert_sites([{"code": "HASH-1", "name": "Hash site", "kind": "prison", "nation": "England",
                       "region": "North West"}])
        site = get_site_by_code("HASH-1")
        user = create_or_update_user("hash@example.org", "Hash Person", "governor", "correct-Horse-battery-42",
                                     [site])
        start_or_continue_assessment(site, "2026-27", latest(), user)
        db.session.commit()
        db.session.remove()


def test_app_refuses_to_start_when_a_used_version_has_changed(tmp_path):
    with fresh_database(tmp_path, "hash") as url:
        _record_use_of_the_published_version(url)

        # The published file itself still matches what was recorded: the app starts.
        with app_on(url) as app:
            assert app.extensions["questionnaires"].latest("sui-maturity").definition.version == "1.0"

        reworded = copy_questionnaire(tmp_path / "reworded",
                                      ("    title: Leadership, strategy and culture\n",
                                       "    title: Leadership and culture\n"))
        with pytest.raises(RuntimeError) as raised:
            create_app(config_for(url, QUESTIONNAIRE_PATH=str(reworded)))
        message = str(raised.value)
        assert "sui-maturity/1.0.yaml" in message
        assert "already used by assessments" in message and "publish a new version" in message


def test_app_refuses_to_start_when_a_used_version_is_missing(tmp_path):
    with fresh_database(tmp_path, "missing") as url:
        _record_use_of_the_published_version(url)
        with pytest.raises(RuntimeError) as raised:
            create_app(config_for(url, QUESTIONNAIRE_PATH=str(ROOT / "tests" / "fixtures" / "questionnaires")))
        assert "sui-maturity/1.0.yaml: this version is used by assessments but its file is missing" in str(
            raised.value)
