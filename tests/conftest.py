"""Shared fixtures: one app per test session on a fresh database built by the migrations,
emptied after each test; factories for sites, people and assessments; one client per audience."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assess import create_app
from assess.config import test_config
from tests import two_factor
from tests.clients import IsolatedClient
from tests.databases import backend, fresh_database

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PASSWORD = "correct-Horse-battery-staple-42"


def pytest_report_header() -> str:
    return f"database backend: {backend()}"


def build_app(database_url: str, **overrides: Any) -> Flask:
    """An app on the given database, with the schema applied by the migrations (never create_all)."""
    from flask_migrate import upgrade

    config = test_config(database_url)
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with fresh_database(tmp_path_factory.mktemp("db"), "suite") as url:
        application = build_app(url, WTF_CSRF_ENABLED=False)
        application.test_client_class = IsolatedClient
        yield application
        with application.app_context():
            from assess.extensions import db

            db.session.remove()
            db.engine.dispose()


def _empty_all_tables(app: Flask) -> None:
    """Empty every table for the next test. The database refuses to delete the audit trail and submitted work
    (triggers), so: PostgreSQL's TRUNCATE, which row triggers do not see; on SQLite the triggers are set
    aside for the DELETEs and put back, read from the database itself, in the same transaction."""
    from sqlalchemy import text

    from assess.extensions import db

    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            tables = list(reversed(db.metadata.sorted_tables))
            if connection.dialect.name == "postgresql":
                connection.execute(text("TRUNCATE " + ", ".join(table.name for table in tables)))
                return
            triggers = list(connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")))
            for name, _ in triggers:
                connection.execute(text(f'DROP TRIGGER "{name}"'))
            for table in tables:
                connection.execute(table.delete())
            for _, sql in triggers:
                connection.execute(text(sql))


@pytest.fixture()
def app_ctx(app: Flask) -> Iterator[Flask]:
    """An application context for the test, with every table emptied afterwards."""
    with app.app_context():
        yield app
    _empty_all_tables(app)


class Factory:
    """Builds rows through the data layer, as the app does, and commits each (as a request would), so that
    the test clients, each in its own session, see them."""

    def __init__(self, app: Flask):
        self.app = app
        self._count = 0

    def _next(self) -> int:
        self._count += 1
        return self._count

    def site(self, **fields: Any) -> Any:
        from assess.data.sites import get_site_by_code, upsert_sites

        number = self._next()
        row = {
            "code": f"S{number:03d}",
            "name": f"Test site {number}",
            "kind": "prison",
            "nation": "England",
            "region": "North West",
            "category": None,
            "function": None,
            "population_band": None,
        }
        row.update(fields)
        upsert_sites([row])
        _commit()
        return get_site_by_code(row["code"])

    def user(self, role: str = "governor", sites: tuple[Any, ...] = (), **fields: Any) -> Any:
        from assess.data.users import create_or_update_user

        number = self._next()
        email = fields.get("email", f"person{number}@example.org")
        user = create_or_update_user(
            email,
            fields.get("name", f"Person {number}"),
            role,
            fields.get("password", PASSWORD),
            list(sites),
            remit=fields.get("remit", ()),
        )
        if fields.get("two_factor", user.two_factor_required):
            two_factor.set_up(user)  # as after their first sign-in (tests/two_factor.py)
        _commit()
        return user

    def questionnaire(self) -> Any:
        from assess.services.questionnaires import latest

        return latest()

    def draft(self, site: Any, user: Any, period: str = "2026-27") -> Any:
        from assess.data.assessments import start_or_continue_assessment

        assessment = start_or_continue_assessment(site, period, self.questionnaire(), user)
        _commit()
        return assessment

    def all_answers(self, choice: str = "3") -> dict[str, str | None]:
        definition = self.questionnaire().definition
        return {question.id: choice for domain in definition.domains for question in domain.questions}

    def submitted(self, site: Any, user: Any, period: str = "2025-26", choice: str = "3") -> Any:
        from assess.data.assessments import save_answers, submit_assessment
        from assess.scoring import score_assessment

        assessment = self.draft(site, user, period)
        save_answers(assessment, self.all_answers(choice), {}, user)
        submit_assessment(assessment, user, lambda answers: score_assessment(self.questionnaire().definition, answers))
        _commit()
        return assessment


def _commit() -> None:
    from assess.extensions import db

    db.session.commit()


@pytest.fixture()
def make(app_ctx: Flask) -> Factory:
    return Factory(app_ctx)


def sign_in(client: FlaskClient, user: Any) -> FlaskClient:
    """Sign in through the real form (argon2 and all), and the security code too for those with two-factor
    sign-in (a real code for their key: tests/two_factor.py)."""
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, "sign-in failed"
    if response.headers["Location"].endswith("/sign-in/set-up-two-factor"):
        # Their first sign-in (made without the factory, or reset): set it up as a person would, from the page.
        response = client.post(
            "/sign-in/set-up-two-factor", data={"code": two_factor.set_up_from_page(client, user.email)}
        )
        assert response.status_code == 200 and b"Save your recovery codes" in response.data, "set-up refused"
    elif response.headers["Location"].endswith("/sign-in/security-code"):
        response = client.post("/sign-in/security-code", data={"code": two_factor.code_for(user.email)})
        assert response.status_code == 302, "the security code was refused"
    return client


@pytest.fixture()
def client(app_ctx: Flask) -> FlaskClient:
    return app_ctx.test_client()


@pytest.fixture()
def governor(make: Factory) -> Any:
    site = make.site(code="GOV-A", name="Site A")
    return make.user("governor", sites=(site,), email="governor-a@example.org")


@pytest.fixture()
def governor_client(app_ctx: Flask, governor: Any) -> FlaskClient:
    return sign_in(app_ctx.test_client(), governor)


@pytest.fixture()
def audience_client(app_ctx: Flask, make: Factory):  # type: ignore[no-untyped-def]
    """audience_client("inspector") -> a client signed in with that role."""

    def build(role: str) -> FlaskClient:
        sites = (make.site(),) if role == "governor" else ()
        return sign_in(app_ctx.test_client(), make.user(role, sites=sites))

    return build


# -- A local port that must receive no connection (report safety tests) ----------------------------


@pytest.fixture()
def listener() -> Iterator[socket.socket]:
    """A listening socket on a free local port: any connection attempt would be queued here."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    yield server
    server.close()


def nothing_connected(server: socket.socket) -> bool:
    """True when no connection reached the listener (none is waiting to be accepted)."""
    try:
        connection, _ = server.accept()
    except BlockingIOError:
        return True
    connection.close()
    return False
