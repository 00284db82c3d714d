"""One commit per request (issue 10): data functions flush; the request commits at its end when the answer is
a success or a redirect, and rolls back otherwise, including when an error page is rendered; error pages
always come back complete, with the security headers, even when the error came from the database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from assess.auth.decorators import public, signed_in_required
from tests.conftest import PASSWORD, build_app
from tests.databases import fresh_database
from tests.integration.helpers import h1, page
from tests.integration.test_access import assert_security_headers

SITE = {"code": "UOW-1", "name": "HMP Unit", "kind": "prison", "nation": "England", "region": "North West"}


def _write_a_site(code: str) -> None:
    from assess.data.sites import upsert_sites

    upsert_sites([{**SITE, "code": code}])


@pytest.fixture(scope="module")
def uow_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app of its own, with routes that write and then succeed, redirect, refuse or fail."""
    with fresh_database(tmp_path_factory.mktemp("uow"), "uow") as url:
        app = build_app(url, WTF_CSRF_ENABLED=False)

        @public
        def write_then(code: str, outcome: str) -> Any:
            _write_a_site(code)
            if outcome == "ok":
                return "written"
            if outcome == "redirect":
                return "", 302, {"Location": "/"}
            if outcome == "refused":
                return "refused", 400
            raise RuntimeError("failed after writing")

        @signed_in_required
        def database_error() -> str:
            from assess.extensions import db

            _write_a_site("UOW-DB")
            db.session.expire_all()  # as after a failed flush: the error page must load the person again
            db.session.execute(text("UPDATE audit_events SET actor = 'forged'"))  # the trigger refuses
            return "never"

        app.add_url_rule("/test/write/<code>/<outcome>", "write_then", write_then)
        app.add_url_rule("/test/database-error", "database_error", database_error)
        with app.app_context():
            from assess.data.users import create_or_update_user
            from assess.extensions import db

            create_or_update_user("uow@example.org", "Una Work", "governor", PASSWORD)
            db.session.commit()
        yield app
        with app.app_context():
            from assess.extensions import db

            db.session.remove()
            db.engine.dispose()


def stored(app: Flask, code: str) -> bool:
    from assess.extensions import db
    from assess.models import Site

    with app.app_context():
        return bool(db.session.scalar(select(func.count()).select_from(Site).where(Site.code == code)))


@pytest.mark.parametrize(
    ("outcome", "status", "kept"), [("ok", 200, True), ("redirect", 302, True), ("refused", 400, False)]
)
def test_a_request_commits_on_success_or_redirect_and_rolls_back_otherwise(uow_app, outcome, status, kept):
    code = f"UOW-{outcome.upper()}"
    response = uow_app.test_client().get(f"/test/write/{code}/{outcome}")
    assert response.status_code == status
    assert response.headers["X-Request-Id"]
    assert stored(uow_app, code) is kept


def test_an_error_after_a_write_rolls_it_back_and_shows_a_complete_error_page(uow_app):
    response = uow_app.test_client().get("/test/write/UOW-FAIL/fail")
    assert response.status_code == 500
    assert h1(page(response)) == "Sorry, there is a problem with the service"
    assert_security_headers(response)
    assert not stored(uow_app, "UOW-FAIL")


def test_an_error_from_the_database_still_gives_a_complete_page_for_a_signed_in_person(uow_app):
    client = uow_app.test_client()
    assert client.post("/sign-in", data={"email": "uow@example.org", "password": PASSWORD}).status_code == 302
    response = client.get("/test/database-error")
    assert response.status_code == 500
    soup = page(response)
    assert h1(soup) == "Sorry, there is a problem with the service"
    assert "Sign out" in soup.get_text()  # the page looked the person up again after the rollback
    assert_security_headers(response)
    assert not stored(uow_app, "UOW-DB")
    # The session is usable again: the next request works.
    assert client.get("/home").status_code == 200


def test_a_cli_command_commits_once_at_its_end_and_not_at_all_when_it_fails(uow_app, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("code,name,kind,nation,region\nUOW-CLI,HMP Cli,prison,England,North West\n", encoding="utf-8")
    assert uow_app.test_cli_runner().invoke(args=["sites", "import", str(good)]).exit_code == 0
    assert stored(uow_app, "UOW-CLI")
    result = uow_app.test_cli_runner().invoke(
        args=["users", "create", "--email", "uow2@example.org", "--name", "U", "--role", "governor", "--site", "NOPE"],
        env={"ASSESS_PASSWORD": PASSWORD},
    )
    assert result.exit_code != 0
    from assess.extensions import db
    from assess.models import User

    with uow_app.app_context():
        assert db.session.scalar(select(User).where(User.email == "uow2@example.org")) is None
