from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from assess.extensions import db
from assess.models import Site, User

SITE_FIELDS = ("name", "kind", "nation", "region", "category", "function", "population_band")


def get_site_by_code(code: str) -> Site | None:
    return db.session.scalar(select(Site).where(Site.code == code))


def get_sites() -> list[Site]:
    return list(db.session.scalars(select(Site).order_by(Site.name, Site.id)))


def get_sites_for_user(user: User) -> list[Site]:
    return sorted(user.sites, key=lambda site: (site.name, site.id))


def user_can_access_site(user: User, site_id: int) -> bool:
    return any(site.id == site_id for site in user.sites)


def upsert_sites(rows: Iterable[dict[str, Any]]) -> tuple[int, int]:
    """Create or update sites by code, all in one transaction. Returns (created, updated)."""
    created = updated = 0
    try:
        for row in rows:
            site = get_site_by_code(row["code"])
            if site is None:
                site = Site(code=row["code"])
                db.session.add(site)
                created += 1
            else:
                updated += 1
            for name in SITE_FIELDS:
                setattr(site, name, row.get(name))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return created, updated
