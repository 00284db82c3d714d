"""One-time links to choose a password: made by an admin, used once by the person. Flushes, never commits.

The token itself is returned once, to be shown to the admin, and never stored or audited: the table keeps its
SHA-256 hash. A new link replaces the person's older unused ones. Using a link is one conditional UPDATE
(unused, not replaced, not expired), so that two tabs or two servers cannot both use it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask_security.utils import hash_password
from sqlalchemy import select, update

from assess.data.audit import record
from assess.data.clock import now
from assess.data.users import end_all_sessions
from assess.extensions import db
from assess.models import PasswordLink, User

LIFETIME = timedelta(hours=72)
# secrets.token_urlsafe(32) gives 43 characters of A-Z a-z 0-9 - _; anything else names no link.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
_HASH = re.compile(r"^[0-9a-f]{64}$")

UNKNOWN = "unknown"
USED = "used"
EXPIRED = "expired"
REPLACED = "replaced"
INACTIVE = "inactive"
USABLE = "usable"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _audit_details(link: PasswordLink) -> dict[str, object]:
    return {"link": link.id, "expires_at": link.expires_at.isoformat()}


def make_password_link(user: User, actor: User | None, lifetime: timedelta = LIFETIME) -> tuple[str, PasswordLink]:
    """A new link for this person (the token, to show once, and its row); their older unused links stop
    working. Audited without the token."""
    at = now()
    replaced = db.session.execute(
        update(PasswordLink)
        .where(
            PasswordLink.user_id == user.id,
            PasswordLink.used_at.is_(None),
            PasswordLink.replaced_at.is_(None),
        )
        .values(replaced_at=at)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    link = PasswordLink(
        user_id=user.id,
        token_hash=token_hash(token),
        made_by_id=actor.id if actor is not None else None,
        made_at=at,
        expires_at=at + lifetime,
    )
    db.session.add(link)
    db.session.flush()
    record(
        actor,
        "password-link-made",
        "user",
        user.email,
        after={**_audit_details(link), "earlier links replaced": int(replaced.rowcount or 0)},  # type: ignore[attr-defined]
    )
    return token, link


@dataclass(frozen=True)
class Found:
    state: str  # USABLE, or why not: UNKNOWN, USED, EXPIRED, REPLACED, INACTIVE
    link: PasswordLink | None = None


def find_password_link(token: str) -> Found:
    """The link this token names and whether it can be used now. A token of the wrong shape (too long, odd
    characters) is not looked up."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return Found(UNKNOWN)
    return find_password_link_by_hash(token_hash(token))


def find_password_link_by_hash(hashed: str) -> Found:
    """The link with this token hash (as the browser's session keeps it) and whether it can be used now."""
    if not isinstance(hashed, str) or not _HASH.fullmatch(hashed):
        return Found(UNKNOWN)
    link = db.session.scalar(select(PasswordLink).where(PasswordLink.token_hash == hashed))
    if link is None:
        return Found(UNKNOWN)
    if link.used_at is not None:
        return Found(USED, link)
    if link.replaced_at is not None:
        return Found(REPLACED, link)
    if link.expires_at <= now():
        return Found(EXPIRED, link)
    if not link.user.active:
        return Found(INACTIVE, link)
    return Found(USABLE, link)


def use_password_link(link: PasswordLink, password: str) -> bool:
    """Set the person's password from a usable link (the caller has checked the password against the rules).
    False, and nothing changed, when the link was used, replaced or expired meanwhile. Every session the person
    had ends; audited (never the password or the token)."""
    at = now()
    taken = db.session.execute(
        update(PasswordLink)
        .where(
            PasswordLink.id == link.id,
            PasswordLink.used_at.is_(None),
            PasswordLink.replaced_at.is_(None),
            PasswordLink.expires_at > at,
        )
        .values(used_at=at)
        .execution_options(synchronize_session=False)
    )
    if not taken.rowcount:  # type: ignore[attr-defined]
        return False
    db.session.refresh(link, ["used_at"])
    user = link.user
    had_password = user.password is not None
    user.password = hash_password(password)
    db.session.flush()
    record(
        user,
        "password-chosen",
        "user",
        user.email,
        before={"password": "set" if had_password else "none"},
        after={"password": "set", "link": link.id},
    )
    end_all_sessions(user, user, reason="password chosen from a one-time link")
    return True


def latest_password_link(user: User) -> PasswordLink | None:
    """The person's newest link (used or not), for the admin's page."""
    return db.session.scalar(
        select(PasswordLink).where(PasswordLink.user_id == user.id).order_by(PasswordLink.id.desc()).limit(1)
    )
