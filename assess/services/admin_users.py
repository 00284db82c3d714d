"""The admin's view of accounts: each person with what they are linked to in words, a fingerprint of those links
(so that saving a change made on a page opened before a colleague's change is refused, not a silent
overwrite), and the rules for what an admin may do to an account."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime

from assess.admin.remit import describe_remit
from assess.data import admin_users
from assess.data.areas import get_areas
from assess.data.clock import now
from assess.data.password_links import latest_password_link
from assess.models import AREA_TYPES, Area, User
from assess.models.user import ROLES

ROLE_LABELS = {"governor": "Governor", "inspector": "Inspector", "commissioner": "Commissioner", "admin": "Admin"}


@dataclass(frozen=True)
class LinkState:
    """The person's newest one-time link to choose a password, in words."""

    made_at: datetime
    expires_at: datetime
    made_by: str | None
    status: str  # "waiting to be used", "used", "expired", "replaced"


@dataclass(frozen=True)
class AccountSummary:
    id: int
    name: str
    email: str
    role: str | None
    role_label: str
    roles: tuple[str, ...]  # every role the account has, in words (an account made elsewhere may have several)
    sites: tuple[tuple[str, str], ...]  # (code, name)
    remit: tuple[str, ...]  # in words, a line per kind of site
    remit_pairs: tuple[tuple[str, str], ...]
    areas: tuple[tuple[str, str], ...]  # (code, name)
    two_factor: bool
    two_factor_required: bool
    active: bool
    has_password: bool
    created_at: datetime | None

    @property
    def linked_to(self) -> list[str]:
        """What the account is linked to, in words, a line each (empty: nothing)."""
        lines = [f"{name} ({code})" for code, name in self.sites]
        lines += list(self.remit)
        lines += [f"{name} ({code})" for code, name in self.areas]
        return lines


def role_of(user: User) -> str | None:
    names = [role.name for role in user.roles]
    return next((name for name in ROLES if name in names), None)


def summarise(user: User) -> AccountSummary:
    role = role_of(user)
    pairs = tuple((remit.kind, remit.nation) for remit in user.remits)
    return AccountSummary(
        id=user.id,
        name=user.name,
        email=user.email,
        role=role,
        role_label=", ".join(ROLE_LABELS.get(item.name, item.name) for item in user.roles) or "No role",
        roles=tuple(ROLE_LABELS.get(item.name, item.name) for item in user.roles),
        sites=tuple((site.code, site.name) for site in user.sites),
        remit=tuple(describe_remit(pairs)),
        remit_pairs=pairs,
        areas=tuple((area.code, area.name) for area in user.areas),
        two_factor=user.has_two_factor,
        two_factor_required=user.two_factor_required,
        active=bool(user.active),
        has_password=user.password is not None,
        created_at=user.created_at,
    )


def list_accounts(search: str = "") -> list[AccountSummary]:
    return [summarise(user) for user in admin_users.search_users(search)]


def fingerprint(user: User) -> str:
    """What the change page showed, carried in the form: the account's version (raised by every admin action
    on it; the save is a conditional update from it) and a short hash of its name, role and links."""
    text = json.dumps(admin_users.described(user), sort_keys=True)
    return f"{int(user.version or 0)}.{hashlib.sha256(text.encode('utf-8')).hexdigest()[:32]}"


_FINGERPRINT = re.compile(r"(\d{1,9})\.[0-9a-f]{32}")


def version_in(fingerprint_shown: str | None) -> int | None:
    """The version a change page showed, from its fingerprint; None when it is not the shape of one."""
    match = _FINGERPRINT.fullmatch(fingerprint_shown or "")
    return int(match.group(1)) if match else None


def password_link_state(user: User) -> LinkState | None:
    link = latest_password_link(user)
    if link is None:
        return None
    if link.used_at is not None:
        status = "used"
    elif link.replaced_at is not None:
        status = "replaced"
    elif link.expires_at <= now():
        status = "expired"
    else:
        status = "waiting to be used"
    return LinkState(link.made_at, link.expires_at, link.made_by.name if link.made_by else None, status)


def hours_until(when: datetime) -> str:
    """'72 hours', '1 hour', 'less than an hour': how long until then, from now."""
    seconds = (when - now()).total_seconds()
    if seconds < 3600:
        return "less than an hour"
    hours = round(seconds / 3600)
    return "1 hour" if hours == 1 else f"{hours} hours"


def areas_to_choose() -> tuple[dict[str, Area], dict[str, str]]:
    """Every area by code (in name order), and how the form names each: "North West (Region)"."""
    areas = get_areas()
    return (
        {area.code: area for area in areas},
        {area.code: f"{area.name} ({AREA_TYPES.get(area.type, area.type)})" for area in areas},
    )
