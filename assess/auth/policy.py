"""The access policy: which sites each audience may see. One rule per audience, each a function from a
person to a Scope; a person with several roles sees the union. Nothing else in the app decides scope:
the object loaders (assess.auth.loaders) and every list of sites ask this module.

Pure: no database, no Flask.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


class SiteLike(Protocol):
    id: int
    kind: str
    nation: str


class PersonLike(Protocol):
    @property
    def roles(self) -> list: ...  # type: ignore[type-arg]

    @property
    def sites(self) -> list: ...  # type: ignore[type-arg]

    @property
    def remits(self) -> list: ...  # type: ignore[type-arg]


@dataclass(frozen=True)
class Scope:
    """The sites a person may see: every site; or those with these ids, and those of these (kind, nation)
    pairs."""

    all_sites: bool = False
    site_ids: frozenset[int] = frozenset()
    kinds_nations: frozenset[tuple[str, str]] = frozenset()

    def allows(self, site: SiteLike) -> bool:
        return self.all_sites or site.id in self.site_ids or (site.kind, site.nation) in self.kinds_nations

    def __or__(self, other: Scope) -> Scope:
        return Scope(
            self.all_sites or other.all_sites,
            self.site_ids | other.site_ids,
            self.kinds_nations | other.kinds_nations,
        )

    @property
    def is_empty(self) -> bool:
        return not self.all_sites and not self.site_ids and not self.kinds_nations


NOTHING = Scope()


def governor_scope(person: PersonLike) -> Scope:
    """A governor or probation manager sees the sites their account is linked to."""
    return Scope(site_ids=frozenset(site.id for site in person.sites))


def inspector_scope(person: PersonLike) -> Scope:
    """An inspector sees the sites inside their remit: the kinds of site in the nations it covers."""
    return Scope(kinds_nations=frozenset((remit.kind, remit.nation) for remit in person.remits))


def commissioner_scope(person: PersonLike) -> Scope:
    """A commissioner sees the sites in the areas their account covers (a region, a prison group, ...)."""
    areas = getattr(person, "areas", None) or []
    return Scope(site_ids=frozenset(site.id for area in areas for site in area.sites))


def admin_scope(person: PersonLike) -> Scope:
    """An administrator sees every site."""
    return Scope(all_sites=True)


RULES: dict[str, Callable[[PersonLike], Scope]] = {
    "governor": governor_scope,
    "inspector": inspector_scope,
    "commissioner": commissioner_scope,
    "admin": admin_scope,
}


def scope_for(person: PersonLike | None) -> Scope:
    """The union of the rules of the person's roles; nothing for nobody."""
    if person is None or not getattr(person, "is_authenticated", True):
        return NOTHING
    scope = NOTHING
    for role in person.roles:
        rule = RULES.get(role.name)
        if rule is not None:
            scope = scope | rule(person)
    return scope


def can_view_site(person: PersonLike | None, site: SiteLike) -> bool:
    return scope_for(person).allows(site)


# Who may read an inspector's internal notes: inspectors and administrators, never the site.
INTERNAL_AUDIENCES = frozenset({"inspector", "admin"})


def sees_internal_notes(person: PersonLike | None) -> bool:
    if person is None or not getattr(person, "is_authenticated", True):
        return False
    return any(role.name in INTERNAL_AUDIENCES for role in person.roles)


def may_reply_for_site(person: PersonLike | None, site: SiteLike) -> bool:
    """The site's right of reply belongs to its governors (the people linked to it)."""
    if person is None or not getattr(person, "is_authenticated", True):
        return False
    return any(role.name == "governor" for role in person.roles) and governor_scope(person).allows(site)


def may_inspect_site(person: PersonLike | None, site: SiteLike) -> bool:
    """An inspector whose remit covers the site (raises, resolves and closes its queries)."""
    if person is None or not getattr(person, "is_authenticated", True):
        return False
    return any(role.name == "inspector" for role in person.roles) and inspector_scope(person).allows(site)


class AreaLike(Protocol):
    id: int


def can_view_area(person: PersonLike | None, area: AreaLike) -> bool:
    """An area's own pages (coverage, matrix, board pack) are for the commissioners whose accounts cover it,
    and administrators; anyone else gets 404."""
    if person is None or not getattr(person, "is_authenticated", True):
        return False
    names = {role.name for role in person.roles}
    if "admin" in names:
        return True
    return "commissioner" in names and any(item.id == area.id for item in getattr(person, "areas", None) or [])
