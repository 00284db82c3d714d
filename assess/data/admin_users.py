"""Accounts as the admin pages manage them: search, create without a password, change what a person is linked
to, reactivate. Flushes, never commits; every change is an audit event in the same transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from assess.data.audit import record
from assess.data.users import ensure_roles
from assess.extensions import db
from assess.models import Area, Remit, Site, User

MAX_SEARCH = 200


class EmailInUse(Exception):
    """Another account has this email (added by a colleague at the same moment)."""


def search_users(text: str = "") -> list[User]:
    """Every account, by name; or those whose name or email contains the text (any case)."""
    statement = select(User).order_by(func.lower(User.name), User.id)
    words = text.strip().lower()[:MAX_SEARCH]
    if words:
        statement = statement.where(
            or_(
                func.lower(User.name).contains(words, autoescape=True),
                func.lower(User.email).contains(words, autoescape=True),
            )
        )
    return list(db.session.scalars(statement))


def described(user: User) -> dict[str, Any]:
    """What the account is and is linked to, as the audit trail records it."""
    return {
        "name": user.name,
        "roles": [role.name for role in user.roles],
        "sites": [site.code for site in user.sites],
        "remit": [f"{remit.kind}:{remit.nation}" for remit in user.remits],
        "areas": [area.code for area in user.areas],
    }


def _link(
    user: User, role: str, sites: Iterable[Site], remit: Iterable[tuple[str, str]], areas: Iterable[Area]
) -> None:
    roles = ensure_roles()
    user.roles = [roles[role]]
    user.sites = sorted(set(sites), key=lambda site: (site.name, site.id))
    wanted = sorted(set(remit))
    if [(item.kind, item.nation) for item in user.remits] != wanted:
        user.remits = [Remit(kind=kind, nation=nation) for kind, nation in wanted]
    user.areas = sorted(set(areas), key=lambda area: (area.name, area.id))


def create_user_without_password(
    email: str,
    name: str,
    role: str,
    actor: User | None,
    sites: Iterable[Site] = (),
    remit: Iterable[tuple[str, str]] = (),
    areas: Iterable[Area] = (),
) -> User:
    """A new account with no password (it cannot sign in until the person chooses one from a one-time link).
    EmailInUse when another account has the email (checked first by the caller; this catches one added at the
    same moment, which the database's unique constraint refuses)."""
    user = User(email=email.strip().lower(), name=name, fs_uniquifier=uuid.uuid4().hex, active=True, password=None)
    try:
        with db.session.begin_nested():
            db.session.add(user)
            _link(user, role, sites, remit, areas)
            db.session.flush()
    except IntegrityError:
        raise EmailInUse(email) from None
    record(actor, "user-created", "user", user.email, after={**described(user), "password": "none yet"})
    return user


def lock_user(user: User) -> User:
    """Read the account again, locked until the end of the transaction (PostgreSQL: SELECT ... FOR UPDATE), so
    that a check of what it is linked to and the change that follows are not interleaved with a colleague's."""
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    db.session.refresh(user)
    for name in ("roles", "sites", "remits", "areas"):
        db.session.refresh(user, [name])
    return user


def change_user_links(
    user: User,
    name: str,
    role: str,
    actor: User | None,
    sites: Iterable[Site] = (),
    remit: Iterable[tuple[str, str]] = (),
    areas: Iterable[Area] = (),
) -> bool:
    """Change the person's name, role and what they are linked to. True (and an audit event with before and
    after) when anything changed."""
    before = described(user)
    user.name = name
    _link(user, role, sites, remit, areas)
    db.session.flush()
    after = described(user)
    if after == before:
        return False
    changed = [key for key in after if after[key] != before[key]]
    record(
        actor,
        "user-changed",
        "user",
        user.email,
        before={key: before[key] for key in changed},
        after={key: after[key] for key in changed},
    )
    return True


def reactivate_user(user: User, actor: User | None) -> bool:
    """The account can sign in again (with its password, if it has one). True when it was deactivated."""
    if user.active:
        return False
    user.active = True
    db.session.flush()
    record(actor, "user-reactivated", "user", user.email, before={"active": False}, after={"active": True})
    return True
