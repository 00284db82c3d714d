"""Two-factor sign-in with an authenticator app (TOTP, RFC 6238), built on Flask-Security-Too's Totp (libpass).

Inspectors, commissioners and admins must use it; governors may (assess.models.user.TWO_FACTOR_ROLES). Signing
in is two steps: the password, then a 6-digit code from the app (or a recovery code). Between them the session
holds only who passed the password step, and when (for 10 minutes): nobody is signed in until the code is right.

- Each person's key is made here, encrypted (libpass's AES with a key derived from SECURITY_PASSWORD_SALT, which
  never changes), and shown once as a QR code and as text to type.
- A code is accepted within one 30-second step either side of now (phones' clocks drift), and never twice: the
  time step of the last code accepted is stored, and taken with a conditional update (assess.data.two_factor).
- Recovery codes (10, each used once) are stored as keyed hashes (HMAC-SHA256), never in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import current_app, session
from flask_security.totp import Totp
from passlib.totp import TokenError

if TYPE_CHECKING:
    from assess.models import User

ISSUER = "SUI Assess"
STEP_SECONDS = 30
CODE_LENGTH = 6
RECOVERY_CODE_COUNT = 10
PENDING = "_two_factor_pending"  # who passed the password step, and when (the session, before sign-in)
DONE = "_second_factor"  # set once the second factor is checked (the session, after sign-in)
PENDING_SECONDS = 10 * 60
_CODE = re.compile(r"^[0-9]{6}$")
_RECOVERY = re.compile(r"^[0-9a-f]{12}$")


class _Totp(Totp):
    def match(self, code: str, secret: str, last_counter: int | None) -> int | None:
        """The time step of `code` if it is right for `secret` now (one step either side) and later than
        `last_counter`; otherwise None."""
        try:
            matched = self._totp.verify(code, secret, window=STEP_SECONDS, last_counter=last_counter)
        except (TokenError, ValueError):
            return None
        return int(matched.counter)


def _key() -> str:
    salt = str(current_app.config["SECURITY_PASSWORD_SALT"])
    return hashlib.sha256(b"sui-assess two-factor\x00" + salt.encode()).hexdigest()


def _totp() -> _Totp:
    cached = current_app.extensions.get("assess_totp")
    if cached is None:
        cached = _Totp({"1": _key()}, ISSUER)
        current_app.extensions["assess_totp"] = cached
    return cached  # type: ignore[no-any-return]


def new_secret() -> str:
    """A new authenticator key, encrypted (what is stored, and what the set-up page keeps in the session)."""
    return _totp().generate_totp_secret()


@dataclass(frozen=True)
class SetUpValues:
    key: str  # to type into the app, in groups of four
    qr_code: str  # a data: URI of an SVG image
    uri: str  # the otpauth:// link the QR code holds


def set_up_values(email: str, secret: str) -> SetUpValues:
    totp = _totp()
    return SetUpValues(
        key=totp.get_totp_pretty_key(secret),
        qr_code=totp.generate_qrcode(email, secret),
        uri=totp.get_totp_uri(email, secret),
    )


def clean_code(text: str | None) -> str:
    """What was typed, without the spaces and hyphens people type or paste between the digits."""
    return re.sub(r"[\s\-]", "", text or "")


def is_code_shaped(text: str) -> bool:
    return bool(_CODE.match(text))


def matching_step(code: str, secret: str, last_counter: int | None) -> int | None:
    return _totp().match(code, secret, last_counter)


def code_was_used(code: str, secret: str, last_counter: int | None) -> bool:
    """True when the code is right but its time step was already used (a second sign-in with the same code)."""
    return last_counter is not None and _totp().match(code, secret, None) is not None


def current_step() -> int:
    return int(time.time()) // STEP_SECONDS


def new_recovery_codes() -> list[str]:
    return _totp().generate_recovery_codes(RECOVERY_CODE_COUNT)


def recovery_code_hash(code: str) -> str | None:
    """The keyed hash a recovery code is stored as; None when the text cannot be a recovery code."""
    cleaned = clean_code(code).lower()
    if not _RECOVERY.match(cleaned):
        return None
    return hmac.new(_key().encode(), cleaned.encode(), hashlib.sha256).hexdigest()


# -- Between the password and the code: who passed the password step ---------------------------------------


def start_pending(user: User, next_url: str | None) -> None:
    session[PENDING] = {"user": user.fs_uniquifier, "at": time.time(), "next": next_url}


def pending() -> dict[str, Any] | None:
    """The password step's record, if it is still current (10 minutes)."""
    value = session.get(PENDING)
    if not isinstance(value, dict) or not isinstance(value.get("at"), int | float):
        return None
    if time.time() - value["at"] > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    return value


def keep_new_secret(secret: str) -> None:
    record = session.get(PENDING)
    if isinstance(record, dict):
        session[PENDING] = {**record, "new": secret}


def end_pending() -> None:
    session.pop(PENDING, None)


def second_factor_checked() -> bool:
    return bool(session.get(DONE))


def mark_second_factor_checked() -> None:
    session[DONE] = True
