"""Choosing a password from a one-time link an admin made (the service sends no email; issue 14, item 8).

Public: the link is the proof. An unknown, used, replaced or expired link (or anything that is not the shape of
one) gets a page saying it cannot be used and to ask the administrator for a new one: 404 when it names no
link, 410 when it did but no longer works. A usable link shows the new password form; the password is checked
with Flask-Security's rules (length, zxcvbn score), then set, the link used up (once: a conditional update), every
session of the person ended, and they are sent to sign in. Neither the token nor the password is logged.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput
from werkzeug.wrappers import Response
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from assess.auth.decorators import public
from assess.data import password_links

bp = Blueprint("choose_password", __name__, template_folder="templates")

SET_MESSAGE = "Your password has been set. Sign in with it."


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
def choose_password(token: str) -> str | Response | tuple[str, int]:
    found = password_links.find_password_link(token)
    if found.state != password_links.USABLE or found.link is None:
        return _cannot_be_used(found.state)
    link = found.link
    form = ChoosePasswordForm()
    form.rules = lambda password: _password_problems(password, link.user)
    if form.validate_on_submit():
        if not password_links.use_password_link(link, form.normalised):
            return _cannot_be_used(password_links.USED)  # used in another tab between the check and now
        flash(SET_MESSAGE, "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/choose_password.html", form=form, person=link.user, expires_at=link.expires_at)


def _in_words(problems: list[str]) -> str:
    """Flask-Security's problems as one GOV.UK error message: its length rule as it says it; zxcvbn's warning
    ("This is a top-10 common password") or its "Password not complex enough" as too easy to guess."""
    first = problems[0].strip().rstrip(".")
    if first.lower().startswith("password must be at least"):
        return first
    reason = "" if first.lower().startswith("password not complex") else f" ({first[:1].lower()}{first[1:]})"
    return f"This password is too easy to guess{reason}. Try 3 or 4 unrelated words together"
