from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from assess.unit_of_work import discard_changes

log = logging.getLogger(__name__)

TITLES = {
    400: "There is a problem with your request",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "There is a problem with your request",
    413: "The file or text you sent is too large",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable",
}


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        discard_changes()
        return render_template(
            "common/error.html",
            status=400,
            title="Your session has expired or the form was sent twice",
            csrf=True,
            back=request.referrer,
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        discard_changes()
        status = error.code or 500
        return render_template("common/error.html", status=status, title=TITLES.get(status, error.name)), status

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[str, int]:
        log.exception("unhandled error on %s %s", request.method, request.path)
        discard_changes()
        return render_template("common/error.html", status=500, title=TITLES[500]), 500
