from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select

from assess.data.audit import record
from assess.extensions import db
from assess.models import Site, User

SITE_FIELDS = ("name", "kind", "nation", "region", "category", "function", "population_band")


def get_site_by_code(code: str) -> Site | None:
    return db.session.scalar(select(Site).where(Site.code == code))


def get_sites(site_ids: Iterable[int] | None = None) -> list[Site]:
    """Every site (None), or the sites with these ids, alphabetical."""
    statement = select(Site).order_by(Site.name, Site.id)
    if site_ids is not None:
        statement = statement.where(Site.id.in_(sorted(set(site_ids))))
    return list(db.session.scalars(statement))


def get_sites_in_scope(
    all_sites: bool, site_ids: Iterable[int] = (), kinds_nations: Iterable[tuple[str, str]] = ()
) -> list[Site]:
    """The sites a scope of the access policy (assess.auth.policy.Scope) lets a person see, alphabetical:
    every site, or those with these ids and those of these (kind, nation) pairs."""
    if all_sites:
        return get_sites()
    ids = sorted(set(site_ids))
    pairs = sorted(set(kinds_nations))
    conditions: list[ColumnElement[bool]] = [Site.id.in_(ids)] if ids else []
    conditions += [and_(Site.kind == kind, Site.nation == nation) for kind, nation in pairs]
    if not conditions:
        return []
    return list(db.session.scalars(select(Site).where(or_(*conditions)).order_by(Site.name, Site.id)))


def upsert_sites(rows: Iterable[dict[str, Any]], user: User | None = None) -> tuple[int, int]:
    """Create or update sites by code (committed with the rest of the request or command). Returns (created,
    updated). Each site created or changed gets an audit event saying what changed."""
    created = updated = 0
    for row in rows:
        site = get_site_by_code(row["code"])
        before = None if site is None else {name: getattr(site, name) for name in SITE_FIELDS}
        if site is None:
            site = Site(code=row["code"])
            db.session.add(site)
            created += 1
        else:
            updated += 1
        for name in SITE_FIELDS:
            setattr(site, name, row.get(name))
        after = {name: row.get(name) for name in SITE_FIELDS}
        if before != after:
            db.session.flush()
            changed = [name for name in SITE_FIELDS if before is None or before[name] != after[name]]
            record(
                user,
                "site-imported",
                "site",
                site.code,
                site_id=site.id,
                before=None if before is None else {name: before[name] for name in changed},
                after={name: after[name] for name in changed},
            )
    db.session.flush()
    return created, updated


def count_site_changes(rows: Iterable[dict[str, Any]]) -> tuple[int, int, int]:
    """What upsert_sites would do with these rows, read before it runs: (sites to add, sites whose details
    change, sites already as the rows say)."""
    rows = list(rows)
    codes = [row["code"] for row in rows]
    existing: dict[str, Site] = {}
    for start in range(0, len(codes), 500):  # a file may name thousands of sites: a few hundred at a time
        chunk = codes[start : start + 500]
        existing.update((site.code, site) for site in db.session.scalars(select(Site).where(Site.code.in_(chunk))))
    added = changed = 0
    for row in rows:
        site = existing.get(row["code"])
        if site is None:
            added += 1
        elif any(getattr(site, name) != row.get(name) for name in SITE_FIELDS):
            changed += 1
    return added, changed, len(rows) - added - changed


class SitesChangedMeanwhile(Exception):
    """Another import added one of these sites between reading and writing: nothing of this one was kept."""


def import_sites(rows: list[dict[str, Any]], user: User | None) -> tuple[int, int, int]:
    """upsert_sites in a savepoint, for a page where two administrators may upload at the same moment:
    (sites added, sites changed, sites already as the rows say). If another import created one of the codes
    meanwhile, every change of this one (its audit events too) is undone and SitesChangedMeanwhile raised."""
    from sqlalchemy.exc import IntegrityError

    counts = count_site_changes(rows)
    try:
        with db.session.begin_nested():
            upsert_sites(rows, user)
    except IntegrityError:
        raise SitesChangedMeanwhile from None
    return counts
