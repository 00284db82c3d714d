from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from flask_security.utils import hash_password
from sqlalchemy import func, select

from assess.data.audit import record
from assess.extensions import db
from assess.models import Area, Remit, Role, Site, User
from assess.models.user import ROLES


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def ensure_roles() -> dict[str, Role]:
    existing = {role.name: role for role in db.session.scalars(select(Role).order_by(Role.name))}
    for name, description in ROLES.items():
        if name not in existing:
            role = Role(name=name, description=description)
            db.session.add(role)
            existing[name] = role
    db.session.flush()
    return existing


def _described(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "roles": [role.name for role in user.roles],
        "sites": [site.code for site in user.sites],
        "remit": [f"{remit.kind}:{remit.nation}" for remit in user.remits],
        "areas": [area.code for area in user.areas],
    }


def create_or_update_user(
    email: str,
    name: str,
    role: str,
    password: str,
    sites: Iterable[Site] = (),
    actor: User | None = None,
    remit: Iterable[tuple[str, str]] = (),
    areas: Iterable[Area] = (),
) -> User:
    """Create the account, or update an existing one with this email (its name, role, sites, remit and
    password). `remit`: the (kind of site, nation) pairs an inspector covers; `areas`: a commissioner's
    areas. An audit event says what changed (never the password itself)."""
    roles = ensure_roles()
    email = email.strip().lower()
    user = get_user_by_email(email)
    before: dict[str, Any] | None = None
    if user is None:
        user = User(email=email, fs_uniquifier=uuid.uuid4().hex, active=True)
        db.session.add(user)
    else:
        before = _described(user)
        user.fs_uniquifier = uuid.uuid4().hex  # signs out every session that used the old password
    user.name = name
    user.password = hash_password(password)
    user.roles = [roles[role]]
    user.sites = sorted(sites, key=lambda site: (site.name, site.id))
    wanted = sorted(set(remit))
    if [(item.kind, item.nation) for item in user.remits] != wanted:
        user.remits = [Remit(kind=kind, nation=nation) for kind, nation in wanted]
    user.areas = sorted(set(areas), key=lambda area: (area.name, area.id))
    db.session.flush()
    after = {**_described(user), "password": "set"}
    record(actor, "user-created" if before is None else "user-changed", "user", user.email, before=before, after=after)
    return user


def end_all_sessions(user: User, actor: User | None, action: str = "sessions-ended", reason: str = "") -> None:
    """End every session of this person, on every server: the session cookie names the person by
    fs_uniquifier, so a new one makes every cookie issued before (even a copied one) sign nobody in."""
    user.fs_uniquifier = uuid.uuid4().hex
    db.session.flush()
    record(actor, action, "user", user.email, after={"reason": reason} if reason else None)


def deactivate_user(user: User, actor: User | None) -> None:
    """The account can no longer sign in, and every session it has ends now."""
    if user.active:
        user.active = False
        record(actor, "user-deactivated", "user", user.email, before={"active": True}, after={"active": False})
    end_all_sessions(user, actor, reason="account deactivated")


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0
