"""Audience decorators: every route has exactly one, and a test walks the URL map to prove it.

A view's audience is recorded on the function as `_audience`, so the test can read it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from flask_security.utils import logout_user

from assess.auth import two_factor

F = TypeVar("F", bound=Callable[..., Any])

AUDIENCES = ("public", "signed-in", "governor", "inspector", "commissioner", "admin")


def _mark(view: Callable[..., Any], audience: str) -> None:
    if hasattr(view, "_audience"):
        raise RuntimeError(f"{view.__name__} already has the audience {view._audience!r}")  # type: ignore[attr-defined]
    view._audience = audience  # type: ignore[attr-defined]


def public(view: F) -> F:
    """Open to everyone, signed in or not (sign-in page, health check, error pages)."""
    _mark(view, "public")
    return view


def _require(audience: str, role: str | None) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
            needs_code = current_user.two_factor_required or current_user.has_two_factor
            if needs_code and not two_factor.second_factor_checked():
                # Signed in with a password only (a role given since, or a session from before two-factor sign-in
                # was required): sign in again, with the second step.
                logout_user()
                flash("Sign in again with your security code to continue.")
                return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
            if role is not None and not current_user.has_audience(role):
                abort(403)
            return view(*args, **kwargs)

        _mark(wrapped, audience)
        return wrapped  # type: ignore[return-value]

    return decorator


signed_in_required = _require("signed-in", None)
governor_required = _require("governor", "governor")
inspector_required = _require("inspector", "inspector")
commissioner_required = _require("commissioner", "commissioner")
admin_required = _require("admin", "admin")
