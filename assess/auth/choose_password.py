"""Choosing a password from a one-time link an admin made (the service sends no email; issue 14, item 8).

Public: the link is the proof. An unknown, used, replaced or expired link (or anything that is not the shape of
one) gets a page saying it cannot be used and to ask the administrator for a new one: 404 when it names no
link, 410 when it did but no longer works. A usable link is kept (its hash) in the browser's session and the
browser sent on (303) to the plain /choose-password, which shows the new password form and takes its post, so
the token is never in the address bar of the page, its Referer headers or the logs of what follows; the
plain page with no link in the session says the link cannot be used (404). Every response here says
Referrer-Policy: no-referrer, and the app's log lines (werkzeug's, gunicorn's, its own) have the token taken
out of any /choose-password/<token> path. On the form, the password is checked
with Flask-Security's rules (length, zxcvbn score), then set, the link used up (once: a conditional update), every
session of the person ended, and they are sent to sign in. Neither the token nor the password is logged or
audited.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.blueprints import BlueprintSetupState
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput
from werkzeug.wrappers import Response
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from assess.auth.decorators import public
from assess.data import password_links

bp = Blueprint("choose_password", __name__, template_folder="templates")

SET_MESSAGE = "Your password has been set. Sign in with it."
# The session keeps the hash of the link this browser opened (never the token itself).
LINK_KEY = "choose_password_link"


class ChoosePasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        description="At least 12 characters. Three or four unrelated words together are easy to remember and "
        "hard to guess",
        widget=GovPasswordInput(),
        validators=[
            DataRequired(message="Enter a new password"),
            Length(max=200, message="Password must be 200 characters or fewer"),
        ],
    )
    confirm = PasswordField(
        "Confirm the new password",
        widget=GovPasswordInput(),
        validators=[DataRequired(message="Enter the new password again")],
    )
    submit = SubmitField("Set password", widget=GovSubmitInput())

    # Flask-Security's rules for this person: (problems, normalised password). Set by the page.
    rules: Callable[[str], tuple[list[str], str]] | None = None
    normalised: str = ""

    def validate_password(self, field: PasswordField) -> None:
        assert self.rules is not None, "the page sets the rules"
        problems, self.normalised = self.rules(field.data or "")
        if problems:
            raise ValidationError(_in_words(problems))

    def validate_confirm(self, field: PasswordField) -> None:
        if self.password.data and not self.password.errors and field.data != self.password.data:
            raise ValidationError("The passwords do not match: enter the same new password twice")


def _cannot_be_used(state: str) -> tuple[str, int]:
    status = 404 if state == password_links.UNKNOWN else 410
    return render_template("auth/choose_password_unusable.html", state=state), status


def _password_problems(password: str, user: object) -> tuple[list[str], str]:
    """Flask-Security's rules as configured (SECURITY_PASSWORD_LENGTH_MIN, zxcvbn score), with the person's
    own name and email counting against it. Returns the problems and the normalised password."""
    security = current_app.extensions["security"]
    problems, normalised = security.password_util.validate(
        password, True, email=getattr(user, "email", ""), name=getattr(user, "name", "")
    )
    return [str(problem) for problem in (problems or [])], normalised


@bp.route("/choose-password/<token>", methods=["GET", "POST"])
@public
def open_link(token: str) -> Response | tuple[str, int]:
    """The link as the admin passed it on: a usable one is kept (its hash) in this browser's session and the
    browser sent on to the plain /choose-password, so that the token is not in the address bar, the history,
    Referer headers or the access logs of what follows. Nothing is changed here."""
    found = password_links.find_password_link(token)
    if found.state != password_links.USABLE or found.link is None:
        session.pop(LINK_KEY, None)
        return _cannot_be_used(found.state)
    session[LINK_KEY] = found.link.token_hash
    return redirect(url_for("choose_password.choose_password"), 303)


@bp.route("/choose-password", methods=["GET", "POST"])
@public
def choose_password() -> str | Response | tuple[str, int]:
    kept = session.get(LINK_KEY)
    found = password_links.find_password_link_by_hash(kept if isinstance(kept, str) else "")
    if found.state != password_links.USABLE or found.link is None:
        session.pop(LINK_KEY, None)
        return _cannot_be_used(found.state)
    link = found.link
    form = ChoosePasswordForm()
    form.rules = lambda password: _password_problems(password, link.user)
    if form.validate_on_submit():
        session.pop(LINK_KEY, None)
        if not password_links.use_password_link(link, form.normalised):
            return _cannot_be_used(password_links.USED)  # used in another tab between the check and now
        flash(SET_MESSAGE, "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/choose_password.html", form=form, person=link.user, expires_at=link.expires_at)


@bp.after_app_request
def _no_referrer(response: Response) -> Response:
    """No Referer from these pages (registered before the app's own security headers, so it runs after them)."""
    if request.blueprint == bp.name:
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


# -- The token is never in a log line the app writes ---------------------------------------------------------

_IN_A_PATH = re.compile(r"(/choose-password/)[^\s\"?#]+")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """Any path /choose-password/<token> in the text with the token replaced."""
    return _IN_A_PATH.sub(rf"\g<1>{REDACTED}", text)


class RedactPasswordLinks(logging.Filter):
    """Takes the token out of a log record: its message and its arguments (a tuple, as werkzeug's request log
    and the app's error log pass them, or a dict, as gunicorn's access log does with %(r)s, %(U)s and
    %(f)s). The record is kept, only the token is gone."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, dict):  # in place: gunicorn's dict answers '-' for atoms it does not have
            for key, value in list(record.args.items()):
                if isinstance(value, str):
                    record.args[key] = redact(value)
        elif isinstance(record.args, tuple):
            record.args = tuple(redact(value) if isinstance(value, str) else value for value in record.args)
        return True


# The loggers that write a request's path: werkzeug's request log (flask run), gunicorn's access and error
# logs (in the worker, the same logger objects gunicorn writes to), the app's own error log and Flask's.
LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", "assess", "assess.common.errors", "flask.app")


@bp.record_once
def _redact_logs(state: BlueprintSetupState) -> None:
    names = (*LOGGERS, state.app.logger.name)
    for logger in {logging.getLogger(name) for name in names}:
        if not any(isinstance(item, RedactPasswordLinks) for item in logger.filters):
            logger.addFilter(RedactPasswordLinks())


def _in_words(problems: list[str]) -> str:
    """Flask-Security's problems as one GOV.UK error message: its length rule as it says it; zxcvbn's warning
    ("This is a top-10 common password") or its "Password not complex enough" as too easy to guess."""
    first = problems[0].strip().rstrip(".")
    if first.lower().startswith("password must be at least"):
        return first
    reason = "" if first.lower().startswith("password not complex") else f" ({first[:1].lower()}{first[1:]})"
    return f"This password is too easy to guess{reason}. Try 3 or 4 unrelated words together"
