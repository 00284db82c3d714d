from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from flask_security.utils import login_user, logout_user, verify_and_update_password
from werkzeug.wrappers import Response

from assess.auth.decorators import public
from assess.auth.forms import SignInForm
from assess.data.audit import record
from assess.data.users import end_all_sessions, get_user_by_email

bp = Blueprint("auth", __name__, template_folder="templates")


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never another host, never a scheme-relative URL. Browsers read a backslash as
    a slash and drop tab, CR and LF from a URL ('/\\evil.example', '/\\t/evil.example'), and a CR or LF in a
    redirect's Location header is refused by Werkzeug (a 500): anything with one of those is not used."""
    if not target or any(character < " " or character in "\\\x7f" for character in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def home_for(user: object) -> str:
    """Each audience's home page (a person with several roles starts at the first of these they have)."""
    for audience, endpoint in (
        ("governor", "governor.sites"),
        ("inspector", "inspector.home"),
        ("commissioner", "commissioner.home"),
    ):
        if getattr(user, "has_audience", None) and user.has_audience(audience):  # type: ignore[attr-defined]
            return url_for(endpoint)
    return url_for("common.home")


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in() -> str | Response:
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = SignInForm()
    failed = False
    if form.validate_on_submit():
        user = get_user_by_email(form.email.data or "")
        if user is not None and user.active and verify_and_update_password(form.password.data or "", user):
            login_user(user, remember=False, authn_via=["password"])
            record(user, "sign-in", "user", user.email)
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
        failed = True
        form.email.errors = ["Enter a correct email address and password"]
        typed = (form.email.data or "").strip().lower()[:255]
        record(None, "sign-in-failed", "user", typed, actor=f"a sign-in attempt as {typed}"[:255])
    return render_template("auth/sign_in.html", form=form, failed=failed)


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out() -> Response:
    if current_user.is_authenticated:
        # Every session of this person ends on the server, not just this cookie: a copy of it taken before
        # signing out (or a session on another computer) signs nobody in afterwards.
        end_all_sessions(current_user, current_user, action="sign-out")
        logout_user()
    return redirect(url_for("auth.sign_in", signed_out=1))
