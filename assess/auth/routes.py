from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from flask_security.utils import hash_password, login_user, logout_user, verify_and_update_password, verify_password
from werkzeug.wrappers import Response

from assess.auth import throttle, two_factor
from assess.auth.decorators import public
from assess.auth.forms import SignInForm
from assess.data import clock
from assess.data import sign_in_attempts as attempts
from assess.data.audit import record
from assess.data.users import end_all_sessions, get_user_by_email
from assess.unit_of_work import keep_on_refusal

if TYPE_CHECKING:
    from assess.models import User

bp = Blueprint("auth", __name__, template_folder="templates")
log = logging.getLogger(__name__)


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
        ("admin", "admin.home"),
    ):
        if getattr(user, "has_audience", None) and user.has_audience(audience):  # type: ignore[attr-defined]
            return url_for(endpoint)
    return url_for("common.home")


def throttle_rule() -> throttle.Rule:
    return throttle.rule_from(
        current_app.config.get("SIGN_IN_THROTTLE_LIMIT"), current_app.config.get("SIGN_IN_THROTTLE_WINDOW_SECONDS")
    )


def _dummy_password_hash() -> str:
    """A hash of no one's password, made once per app with the same scheme and cost as real ones: checked when
    the account is unknown or inactive, so that those answers take as long as a wrong password."""
    cached = current_app.extensions.get("assess_dummy_password_hash")
    if cached is None:
        cached = hash_password(secrets.token_urlsafe(32))
        current_app.extensions["assess_dummy_password_hash"] = cached
    return str(cached)


def _password_is_right(user: User | None, password: str) -> bool:
    # Made (once per process) whether or not the account exists, so that the first attempt a process
    # serves does not take longer only for an unknown email.
    dummy = _dummy_password_hash()
    if user is None or not user.active or not user.password:  # no password yet: a one-time link not yet used
        verify_password(password, dummy)  # the same work, whatever the answer
        return False
    return bool(verify_and_update_password(password, user))


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in() -> str | Response | tuple[str, int, dict[str, str]]:
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = SignInForm()
    failed = False
    if form.validate_on_submit():
        typed = throttle.normalise_email(form.email.data)
        address = throttle.normalise_address(request.remote_addr)
        rule = throttle_rule()
        by_email, by_address = attempts.recent_failures(
            email=typed, address=address, window=rule.window, limit=rule.limit
        )
        at = clock.now()
        wait = throttle.longest(throttle.wait_for(by_email, at, rule), throttle.wait_for(by_address, at, rule))
        if wait is not None:
            # The password is not checked at all (no answer to learn, no argon2 to spend). Not recorded as an
            # attempt, so the window still ends 5 minutes after the failures that filled it.
            log.warning("sign-in throttled for %r from %s (%s s)", typed, address, throttle.retry_after_seconds(wait))
            form.email.errors = [throttle.wait_message(wait)]
            # A failure too, and audited as one; the 429 would roll the request back, so this is kept.
            record(
                None,
                "sign-in-throttled",
                "user",
                typed,
                actor=f"a sign-in attempt as {typed}"[:255],
                after={"address": address, "retry_after": throttle.retry_after_seconds(wait)},
            )
            keep_on_refusal()
            page = render_template("auth/sign_in.html", form=form, failed=True)
            return page, 429, {"Retry-After": str(throttle.retry_after_seconds(wait))}
        user = get_user_by_email(typed)
        if _password_is_right(user, form.password.data or "") and user is not None:
            attempts.record_attempt(email=typed, address=address, success=True)
            next_url = _safe_next(request.args.get("next"))
            if user.has_two_factor or user.two_factor_required:
                # Nobody is signed in yet: the second step (the code, or setting it up) is next.
                two_factor.start_pending(user, next_url)
                record(user, "sign-in-password-accepted", "user", user.email, after={"address": address})
                return redirect(url_for("auth.security_code" if user.has_two_factor else "auth.set_up_at_sign_in"))
            login_user(user, remember=False, authn_via=["password"])
            record(user, "sign-in", "user", user.email, after={"address": address})
            return redirect(next_url or home_for(user))
        failed = True
        attempts.record_attempt(email=typed, address=address, success=False)
        form.email.errors = ["Enter a correct email address and password"]
        record(
            None,
            "sign-in-failed",
            "user",
            typed,
            actor=f"a sign-in attempt as {typed}"[:255],
            after={"address": address},
        )
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


from assess.auth import two_factor_pages  # noqa: E402, F401  (the second step's routes join this blueprint)
