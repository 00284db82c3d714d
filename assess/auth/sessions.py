"""Sessions that end: an idle timeout, an absolute lifetime, a fresh session at sign-in, and nothing typed lost.

The session is Flask's signed cookie. It holds when the person signed in and when they were last active; every
request checks both, before anything else reads the session (so before the CSRF check, which would otherwise
refuse a form posted after expiry with a 400 and lose what was typed). Ending every session of a person on the
server (sign-out, a new password, deactivation, "sign out everywhere") is done in assess.data.users by giving
them a new fs_uniquifier, the identity their session cookies carry.

A form posted when the session has ended is kept (every field except the CSRF token and passwords) in the new,
signed-out session, and the person is sent to sign in; after signing in, the page they were on first shows
what they typed, with a button to save it (the ordinary form post, with its usual checks: a version that
changed in the meantime still gets the page's conflict handling) or a link to discard it.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, user_logged_in
from flask_security.utils import logout_user
from werkzeug.wrappers import Response

SIGNED_IN_AT = "_signed_in_at"
LAST_SEEN = "_last_seen"
KEPT = "_kept_form"
DISCARD = "discard-kept-changes"
# Flask-Login's own keys, and the messages waiting to be shown: everything else is dropped at sign-in.
_KEPT_AT_SIGN_IN = ("_user_id", "_fresh", "_id", "_remember", "_flashes", "fs_cc", "fs_paa", "identity", KEPT)
_COOKIE_LIMIT = 3800  # browsers keep a cookie of up to 4,096 bytes
_SEEN_RESOLUTION = 30  # seconds: the last-seen time is rewritten at most this often


def idle_seconds(app: Flask) -> int:
    return max(1, int(app.config.get("SESSION_IDLE_MINUTES") or 30)) * 60


def lifetime_seconds(app: Flask) -> int:
    lifetime = app.config.get("PERMANENT_SESSION_LIFETIME", 8 * 3600)
    return int(lifetime.total_seconds() if hasattr(lifetime, "total_seconds") else lifetime)


def _now() -> float:
    return time.time()


def fresh_session() -> None:
    """At sign-in: a new session (nothing from before sign-in carried over but the sign-in itself, messages
    and a kept form) with a new CSRF secret, and the clock started for the idle timeout and the lifetime."""
    for key in [key for key in session if key not in _KEPT_AT_SIGN_IN]:
        session.pop(key, None)
    g.pop("csrf_token", None)
    now = _now()
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN] = now
    # A browser-session cookie: closing the browser (a shared computer) ends it too. The cookie is re-signed
    # whenever the last-seen time moves, so Flask's own check of its age (PERMANENT_SESSION_LIFETIME) never
    # ends an active session early.
    session.permanent = False


def _on_sign_in(sender: Any, user: Any = None, **extra: Any) -> None:
    fresh_session()


def _protected(endpoint: str | None) -> bool:
    view = current_app.view_functions.get(endpoint or "")
    return view is not None and getattr(view, "_audience", "public") != "public"


def _typed_fields() -> list[tuple[str, str]]:
    return [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name != "csrf_token" and "password" not in name.lower()
    ]


def _text_typed(fields: list[tuple[str, str]]) -> list[str]:
    """The words someone typed (evidence, notes), to show them; choices and hidden values (a radio's "3", a
    version number, the button pressed) are kept in the form but not listed, as their names mean nothing."""
    return [value for _name, value in fields if value.strip() and (" " in value.strip() or len(value) > 20)]


def _fits_in_cookie() -> bool:
    serializer = current_app.session_interface.get_signing_serializer(current_app)  # type: ignore[attr-defined]
    return serializer is not None and len(serializer.dumps(dict(session))) <= _COOKIE_LIMIT


def _end(message: str) -> Response | tuple[str, int] | None:
    """End this session; keep a posted form; send the person to sign in again, back to this page."""
    protected = _protected(request.endpoint)
    posted = request.method == "POST" and protected
    fields = _typed_fields() if posted else []
    # Whose typing it is, when the session still names someone: only they are offered it after signing in
    # (another person signing in on the same browser never sees it).
    typed_by = current_user.id if session.get("_user_id") and current_user.is_authenticated else None
    if session.get("_user_id"):
        logout_user()
    session.clear()
    if not protected:  # the sign-in page, sign-out, error and help pages: carry on, signed out
        flash(message)
        return None
    back_to = request.full_path.rstrip("?") if request.method == "GET" else request.path
    if posted:
        session[KEPT] = {"path": request.path, "fields": fields, "by": typed_by}
        if not _fits_in_cookie():
            # Too much to keep in the cookie: show it here instead, so it can be copied before signing in.
            session.pop(KEPT)
            return render_template(
                "auth/kept_changes.html",
                message=message,
                fields=fields,
                shown=_text_typed(fields),
                signed_in=False,
                sign_in=back_to,
            ), 401
        message += " What you typed has been kept: sign in to check it and save it."
    flash(message)
    return redirect(url_for("auth.sign_in", next=back_to))


def _check_session() -> Response | tuple[str, int] | None:
    if request.endpoint == "static":
        return None
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    now = _now()
    if session.get("_user_id"):
        signed_in_at = session.get(SIGNED_IN_AT)
        last_seen = session.get(LAST_SEEN)
        if not isinstance(signed_in_at, int | float) or not isinstance(last_seen, int | float):
            return _end("You have been signed out. Sign in again to continue.")
        idle = idle_seconds(app)
        if now - last_seen > idle:
            return _end(f"You were signed out because you had not used the service for {idle // 60} minutes.")
        lifetime = lifetime_seconds(app)
        if now - signed_in_at > lifetime:
            hours = lifetime / 3600
            length = f"{hours:g} hours" if hours >= 1 else f"{lifetime // 60} minutes"
            return _end(f"You were signed out because you had been signed in for {length}.")
        if now - last_seen >= _SEEN_RESOLUTION:
            session[LAST_SEEN] = now
        if current_user.is_authenticated:
            return _kept_changes()
        # The cookie names someone whose sessions have all been ended (signed out elsewhere, a new password,
        # deactivated): the same as an expired session.
        return _end("You have been signed out. Sign in again to continue.")
    if request.method == "POST" and _protected(request.endpoint):
        return _end("You are signed out, so your changes have not been saved yet.")
    return None


def _kept_changes() -> Response | tuple[str, int] | None:
    kept = session.get(KEPT)
    if not isinstance(kept, dict):
        return None
    if kept.get("by") is not None and kept.get("by") != current_user.id:
        session.pop(KEPT, None)  # someone else's typing: never shown to, or saved by, another person
        return None
    if kept.get("path") != request.path:
        return None
    if request.method == "POST":
        g.kept_form_posted = True  # posted again (from the page below or the page itself): see _forget_kept
        return None
    if request.args.get(DISCARD):
        session.pop(KEPT, None)
        return redirect(request.path)
    if request.method != "GET":
        return None
    fields = [(str(name), str(value)) for name, value in kept.get("fields", [])]
    return render_template(
        "auth/kept_changes.html", fields=fields, shown=_text_typed(fields), signed_in=True, discard=DISCARD
    ), 200


def _forget_kept(response: Response) -> Response:
    """The kept copy is done with once the page has taken the post (saved it, or shown it again with its
    errors); a post refused outright (an old CSRF token, a conflict) leaves it to be offered again."""
    if g.pop("kept_form_posted", False) and response.status_code < 400:
        session.pop(KEPT, None)
    return response


def register(app: Flask) -> None:
    """Call before csrf.init_app: the session is checked before the CSRF token is."""
    user_logged_in.connect(_on_sign_in, app)
    app.before_request(_check_session)
    app.after_request(_forget_kept)
