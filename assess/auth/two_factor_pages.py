"""The two-factor pages: the code at sign-in, a recovery code instead, setting it up (at sign-in for those who
must, or from the account page), new recovery codes, and turning it off (governors only)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_security.utils import login_user
from werkzeug.wrappers import Response

from assess.auth import throttle
from assess.auth import two_factor as tf
from assess.auth.decorators import public, signed_in_required
from assess.auth.forms import CodeForm, ConfirmWithCodeForm, RecoveryCodeForm
from assess.auth.routes import bp, home_for, throttle_rule
from assess.data import clock
from assess.data import sign_in_attempts as attempts
from assess.data.audit import record
from assess.data.two_factor import (
    get_user_by_identity,
    replace_recovery_codes,
    set_up_two_factor,
    take_recovery_code,
    take_time_step,
    turn_off_two_factor,
)
from assess.unit_of_work import keep_on_refusal

if TYPE_CHECKING:
    from assess.models import User

log = logging.getLogger(__name__)

Page = str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]
WRONG_CODE = "The security code is not correct. Enter the code your authenticator app shows now"
USED_CODE = "That security code has already been used. Wait for your app to show a new code, then enter it"
NOT_A_CODE = "Enter the security code as 6 digits, like 123456"
ALREADY_SET_UP = "Two-factor sign-in was set up for your account a moment ago. Enter a code from that app."


def _pending_user() -> tuple[User, dict[str, object]] | None:
    record_ = tf.pending()
    if record_ is None:
        return None
    user = get_user_by_identity(str(record_.get("user") or ""))
    if user is None or not user.active:
        tf.end_pending()
        return None
    return user, record_


def _start_again() -> Response:
    flash("Sign in again to continue: the time to enter your security code ran out, or you had not signed in.")
    return redirect(url_for("auth.sign_in"))


def _throttled(user: User, template: str, **context: object) -> tuple[str, int, dict[str, str]] | None:
    """The same limit as passwords: 10 failures for the account or the address in 5 minutes, then a wait."""
    rule = throttle_rule()
    address = throttle.normalise_address(request.remote_addr)
    by_email, by_address = attempts.recent_failures(
        email=user.email, address=address, window=rule.window, limit=rule.limit
    )
    daily = throttle.second_factor_rule(current_app.config.get("SIGN_IN_SECOND_FACTOR_DAILY_LIMIT"))
    wrong_codes = attempts.second_factor_failures(email=user.email, window=daily.window, limit=daily.limit)
    at = clock.now()
    wait = throttle.longest(
        throttle.wait_for(by_email, at, rule),
        throttle.wait_for(by_address, at, rule),
        throttle.wait_for(wrong_codes, at, daily),
    )
    if wait is None:
        return None
    form = context["form"]
    form.code.errors = [throttle.wait_message(wait)]  # type: ignore[attr-defined]
    record(
        None,
        "sign-in-throttled",
        "user",
        user.email,
        actor=f"a sign-in attempt as {user.email}"[:255],
        after={"address": address, "retry_after": throttle.retry_after_seconds(wait), "step": "second factor"},
    )
    keep_on_refusal()
    return render_template(template, **context), 429, {"Retry-After": str(throttle.retry_after_seconds(wait))}


def _failed(user: User, form: CodeForm | RecoveryCodeForm, message: str, step: str) -> None:
    """A wrong code counts towards the same limit as a wrong password, and is audited as a failed sign-in."""
    address = throttle.normalise_address(request.remote_addr)
    attempts.record_attempt(email=user.email, address=address, success=False, factor=attempts.SECOND_FACTOR)
    record(
        None,
        "sign-in-failed",
        "user",
        user.email,
        actor=f"a sign-in attempt as {user.email}"[:255],
        after={"address": address, "step": step},
    )
    form.code.errors = [message]


def _complete(user: User, pending: dict[str, object], factor: str) -> Response:
    """The second factor is right: now the person is signed in."""
    tf.end_pending()
    attempts.record_attempt(email=user.email, address=throttle.normalise_address(request.remote_addr), success=True)
    login_user(user, remember=False, authn_via=["password", "totp" if factor == "authenticator app" else "recovery"])
    tf.mark_second_factor_checked()
    record(user, "sign-in", "user", user.email, after={"address": request.remote_addr, "second_factor": factor})
    return redirect(str(pending.get("next") or "") or home_for(user))


def _take_code(user: User, form: CodeForm, step_name: str) -> bool:
    """True when the typed code is right for the person's key now and its time step is newly used up; otherwise
    the form's error says why, and a code of the right shape that is wrong counts as a failed attempt."""
    code = tf.clean_code(form.code.data)
    if not tf.is_code_shaped(code):
        form.code.errors = [NOT_A_CODE]
        return False
    secret = user.tf_totp_secret or ""
    step = tf.matching_step(code, secret, user.tf_last_counter)
    if step is not None and take_time_step(user, step):
        return True
    _failed(user, form, USED_CODE if tf.code_was_used(code, secret, user.tf_last_counter) else WRONG_CODE, step_name)
    return False


@bp.route("/sign-in/security-code", methods=["GET", "POST"])
@public
def security_code() -> Page:
    found = _pending_user()
    if found is None:
        return _start_again()
    user, pending = found
    if not user.has_two_factor:
        return redirect(url_for("auth.set_up_at_sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        refused = _throttled(user, "auth/security_code.html", form=form)
        if refused is not None:
            return refused
        if _take_code(user, form, "security code"):
            return _complete(user, pending, "authenticator app")
    return render_template("auth/security_code.html", form=form)


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
@public
def recovery_code() -> Page:
    found = _pending_user()
    if found is None:
        return _start_again()
    user, pending = found
    if not user.has_two_factor:
        return redirect(url_for("auth.set_up_at_sign_in"))
    form = RecoveryCodeForm()
    if form.validate_on_submit():
        refused = _throttled(user, "auth/recovery_code.html", form=form)
        if refused is not None:
            return refused
        digest = tf.recovery_code_hash(form.code.data or "")
        left = take_recovery_code(user, digest) if digest else None
        if left is None:
            _failed(user, form, "That recovery code is not correct, or it has been used already", "recovery code")
        else:
            if left == 0:
                flash("You have used your last recovery code. Get new recovery codes from Your account now.")
            else:
                flash(f"You have {left} recovery code{'s' if left != 1 else ''} left. Each can be used once.")
            return _complete(user, pending, "recovery code")
    return render_template("auth/recovery_code.html", form=form)


class AlreadySetUp(Exception):
    """Another set-up for the same person was stored first (another tab, or someone else with the password)."""


def _set_up(user: User, secret: str, form: CodeForm) -> tuple[list[str], int] | None:
    """Check the first code from the app against the new key; on success store both and make recovery codes.
    Raises AlreadySetUp when a key was stored for the person meanwhile (never replaced)."""
    code = tf.clean_code(form.code.data)
    if not tf.is_code_shaped(code):
        form.code.errors = [NOT_A_CODE]
        return None
    step = tf.matching_step(code, secret, None)
    if step is None:
        form.code.errors = [
            "The security code is not correct. Check you added the key shown on this page, then enter the code "
            "your app shows now"
        ]
        return None
    codes = tf.new_recovery_codes()
    if not set_up_two_factor(user, secret, step, [tf.recovery_code_hash(code) or "" for code in codes], None):
        raise AlreadySetUp
    return codes, step


@bp.route("/sign-in/set-up-two-factor", methods=["GET", "POST"])
@public
def set_up_at_sign_in() -> Page:
    """For someone who must use two-factor sign-in and has not set it up: after the password, before any page."""
    found = _pending_user()
    if found is None:
        return _start_again()
    user, pending = found
    if user.has_two_factor:  # a key is never replaced with only a password: that is what an admin's reset is for
        if request.method == "POST":
            flash(ALREADY_SET_UP)
        return redirect(url_for("auth.security_code"))
    if not user.two_factor_required:  # a governor who turned it off meanwhile: the password step again
        tf.end_pending()
        return _start_again()
    secret = pending.get("new")
    if not isinstance(secret, str):
        secret = tf.new_secret()
        tf.keep_new_secret(secret)
    form = CodeForm()
    if form.validate_on_submit():
        refused = _throttled(
            user, "auth/set_up_two_factor.html", form=form, values=tf.set_up_values(user.email, secret), at_sign_in=True
        )
        if refused is not None:
            return refused
        try:
            made = _set_up(user, secret, form)
        except AlreadySetUp:
            flash(ALREADY_SET_UP)
            return redirect(url_for("auth.security_code"))
        if made is not None:
            _complete(user, pending, "authenticator app (set up now)")
            return render_template(
                "auth/recovery_codes.html", codes=made[0], continue_to=str(pending.get("next") or "") or home_for(user)
            )
    return render_template(
        "auth/set_up_two_factor.html", form=form, values=tf.set_up_values(user.email, secret), at_sign_in=True
    )


# -- Signed in: the account page ------------------------------------------------------------------------------

NEW_KEY = "_two_factor_new_key"


@bp.route("/account")
@signed_in_required
def account() -> str:
    return render_template("auth/account.html", confirm=ConfirmWithCodeForm())


@bp.route("/account/two-factor/set-up", methods=["GET", "POST"])
@signed_in_required
def set_up_from_account() -> Page:
    from flask import session

    user = current_user._get_current_object()  # type: ignore[attr-defined]
    if user.has_two_factor:
        flash("Two-factor sign-in is already set up. To use a new phone, ask an administrator to reset it.")
        return redirect(url_for("auth.account"))
    secret = session.get(NEW_KEY)
    if not isinstance(secret, str):
        secret = tf.new_secret()
        session[NEW_KEY] = secret
    form = CodeForm()
    if form.validate_on_submit():
        try:
            made = _set_up(user, secret, form)
        except AlreadySetUp:
            session.pop(NEW_KEY, None)
            flash("Two-factor sign-in was set up for your account a moment ago, in another window.")
            return redirect(url_for("auth.account"))
        if made is not None:
            session.pop(NEW_KEY, None)
            tf.mark_second_factor_checked()
            return render_template("auth/recovery_codes.html", codes=made[0], continue_to=url_for("auth.account"))
    return render_template(
        "auth/set_up_two_factor.html", form=form, values=tf.set_up_values(user.email, secret), at_sign_in=False
    )


def _confirmed(form: ConfirmWithCodeForm, user: User, action: str) -> Page | None:
    """None when the current code is right (and now used); else the account page again with the error (429 while
    too many codes have been wrong, as at sign-in)."""
    refused = _throttled(user, "auth/account.html", form=form, confirm=form, action=action)
    if refused is not None:
        return refused
    if _take_code(user, form, action):
        return None
    return render_template("auth/account.html", confirm=form, action=action)


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@signed_in_required
def new_recovery_codes() -> Page:
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    if not user.has_two_factor:
        return redirect(url_for("auth.account"))
    form = ConfirmWithCodeForm()
    if not form.validate_on_submit():
        return render_template("auth/account.html", confirm=form, action="recovery-codes")
    refused = _confirmed(form, user, "recovery-codes")
    if refused is not None:
        return refused
    codes = tf.new_recovery_codes()
    replace_recovery_codes(user, [tf.recovery_code_hash(code) or "" for code in codes])
    return render_template("auth/recovery_codes.html", codes=codes, continue_to=url_for("auth.account"), new=True)


@bp.route("/account/two-factor/turn-off", methods=["POST"])
@signed_in_required
def turn_off() -> Page:
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    if user.two_factor_required or not user.has_two_factor:
        flash("Two-factor sign-in cannot be turned off for your account: your role needs it.")
        return redirect(url_for("auth.account"))
    form = ConfirmWithCodeForm()
    if not form.validate_on_submit():
        return render_template("auth/account.html", confirm=form, action="turn-off")
    refused = _confirmed(form, user, "turn-off")
    if refused is not None:
        return refused
    turn_off_two_factor(user)
    flash("Two-factor sign-in is turned off. You will sign in with your password only.")
    return redirect(url_for("auth.account"))
