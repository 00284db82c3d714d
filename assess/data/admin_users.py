"""Accounts as the admin pages manage them: search, create without a password, change what a person is linked
to, reactivate. Flushes, never commits; every change is an audit event in the same transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from assess.data.audit import record
from assess.data.users import deactivate_user, ensure_roles
from assess.extensions import db
from assess.models import Area, Remit, Role, Site, User
from assess.models.user import user_roles

MAX_SEARCH = 200


class EmailInUse(Exception):
    """Another account has this email (added by a colleague at the same moment)."""


class NoAdminLeft(Exception):
    """The change would leave no active administrator (perhaps with a colleague's change at the same moment):
    refused, and nothing of it is kept."""


class ChangedMeanwhile(Exception):
    """The account's version is no longer the one the page showed: a colleague changed it meanwhile."""


def search_users(text: str = "") -> list[User]:
    """Every account, by name; or those whose name or email contains the text (any case)."""
    statement = (
        select(User)
        .options(selectinload(User.roles), selectinload(User.sites), selectinload(User.remits))
        .order_by(func.lower(User.name), User.id)
    )
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
    that a check of what it is linked to and the change that follows are not interleaved with a colleague's.
    The active administrators' rows are locked first, in id order, as every change that could remove one
    does, so that two admins changing each other at once wait for each other rather than deadlock."""
    lock_active_admins()
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    db.session.refresh(user)
    for name in ("roles", "sites", "remits", "areas"):
        db.session.refresh(user, [name])
    return user


# -- Versions: no silent overwrite, also on SQLite (which ignores FOR UPDATE) ---------------------------------


def claim_version(user: User, seen: int) -> None:
    """Raise the account's version from the one the page showed, in one conditional UPDATE; ChangedMeanwhile
    (nothing changed) when it is no longer that one. Of two saves at the same moment only one can match."""
    claimed = db.session.execute(
        update(User)
        .where(User.id == user.id, User.version == seen)
        .values(version=User.version + 1)
        .execution_options(synchronize_session=False)
    )
    if not claimed.rowcount:  # type: ignore[attr-defined]
        raise ChangedMeanwhile(user.id)
    db.session.refresh(user, ["version"])


def bump_version(user: User) -> None:
    """Raise the account's version (any admin action on it): a change page opened before it is refused."""
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(version=User.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(user, ["version"])


# -- At least one active administrator, always ------------------------------------------------------------


def _active_admins() -> Any:
    return (
        select(User.id)
        .join(user_roles, user_roles.c.user_id == User.id)
        .join(Role, Role.id == user_roles.c.role_id)
        .where(Role.name == "admin", User.active.is_(True))
    )


def lock_active_admins() -> list[int]:
    """The active administrators' ids, their rows locked until the end of the transaction (PostgreSQL: SELECT
    ... FOR UPDATE, in id order so that two requests cannot deadlock), so that two admins removing each other
    at the same moment are taken one after the other. SQLite ignores the lock: count_active_admins after the
    change covers it."""
    return list(db.session.scalars(_active_admins().order_by(User.id).with_for_update(of=User)))


def count_active_admins() -> int:
    return int(db.session.scalar(select(func.count()).select_from(_active_admins().subquery())) or 0)


def _removes_an_admin(user: User, admins: list[int], still_admin: bool) -> None:
    """Refuse up front when the person is the only active administrator left."""
    if user.id in admins and not still_admin and len(admins) <= 1:
        raise NoAdminLeft(user.id)


def _check_an_admin_is_left() -> None:
    """After the change (flushed), counted again in the same transaction: one made at the same moment by a
    colleague has committed by now (PostgreSQL: after the lock; SQLite: one writer at a time)."""
    db.session.flush()
    if count_active_admins() < 1:
        raise NoAdminLeft()


def deactivate_keeping_an_admin(user: User, actor: User | None) -> None:
    """Deactivate the account (assess.data.users.deactivate_user: sessions ended, audited) unless that leaves
    no active administrator: NoAdminLeft, and nothing of it kept (a savepoint)."""
    _removes_an_admin(user, lock_active_admins(), still_admin=False)
    with db.session.begin_nested():
        deactivate_user(user, actor)
        bump_version(user)
        _check_an_admin_is_left()


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
    after) when anything changed. NoAdminLeft (nothing changed) when taking the admin role away would leave no
    active administrator."""
    _removes_an_admin(user, lock_active_admins(), still_admin=role == "admin")
    with db.session.begin_nested():
        changed = _change(user, name, role, actor, sites, remit, areas)
        _check_an_admin_is_left()
    return changed


def _change(
    user: User,
    name: str,
    role: str,
    actor: User | None,
    sites: Iterable[Site],
    remit: Iterable[tuple[str, str]],
    areas: Iterable[Area],
) -> bool:
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
    bump_version(user)
    record(actor, "user-reactivated", "user", user.email, before={"active": False}, after={"active": True})
    return True
