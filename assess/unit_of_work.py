"""One commit per request: data functions only flush; the request commits at its end when the response is a
success or a redirect, and rolls back otherwise (an error page, a refused form with a 4xx status, an
exception). Each request also gets an id that every audit event it writes carries, and that the response
returns in `X-Request-Id` so a person reporting a problem can quote it."""

from __future__ import annotations

import logging

from flask import Flask, g
from werkzeug.wrappers import Response

from assess.data.audit import new_request_id, set_request_id
from assess.extensions import db

log = logging.getLogger(__name__)


def discard_changes() -> None:
    """Roll back whatever the request changed. An error page calls this first: it never saves anything, and
    it must render even when the error came from the database (a session in a failed transaction would
    otherwise fail again while the page looks up the signed-in person)."""
    try:
        db.session.rollback()
    except Exception:  # the connection itself may be gone; the page is still shown
        log.exception("rollback before an error page failed")


def keep_on_refusal() -> None:
    """Commit this request's changes although its response is a refusal (4xx): only for a record of the
    refusal itself, such as the audit event of a throttled sign-in, never for the change refused."""
    g.keep_on_refusal = True


def _commit_without_expiring() -> None:
    """Commit, without marking every object the request loaded as expired: the page is already made and the
    session is closed when the request ends, so nothing would read them again, and expiring them cost a few
    hundred attribute resets on a page that lists many things (issue 15)."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def register(app: Flask) -> None:
    @app.before_request
    def begin() -> None:
        g.request_id = new_request_id()
        set_request_id(g.request_id)

    @app.after_request
    def finish(response: Response) -> Response:
        if response.status_code < 400 or (response.status_code < 500 and g.get("keep_on_refusal")):
            _commit_without_expiring()
        else:
            db.session.rollback()
        if getattr(g, "request_id", None):
            response.headers["X-Request-Id"] = g.request_id
        return response

    @app.teardown_request
    def end(error: BaseException | None) -> None:
        if error is not None:
            db.session.rollback()
        set_request_id(None)
