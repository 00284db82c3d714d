"""Areas (named sets of sites) and the commissioners who cover them. Flushes, never commits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from assess.data.audit import record
from assess.extensions import db
from assess.models import Area, Site, User


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    type: str
    site_codes: tuple[str, ...]


def get_area_by_code(code: str) -> Area | None:
    return db.session.scalar(select(Area).where(Area.code == code))


def get_areas(codes: Iterable[str] | None = None) -> list[Area]:
    """Every area (None), or those with these codes, by name."""
    statement = select(Area).order_by(Area.name, Area.id)
    if codes is not None:
        statement = statement.where(Area.code.in_(sorted(set(codes))))
    return list(db.session.scalars(statement))


def get_sites_by_codes(codes: Iterable[str]) -> dict[str, Site]:
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    return {site.code: site for site in db.session.scalars(select(Site).where(Site.code.in_(wanted)))}


def upsert_areas(rows: Iterable[AreaRow], user: User | None = None) -> tuple[int, int]:
    """Create or update areas by code; each area's sites become exactly those given (the caller has checked
    that every site code exists). Returns (created, updated). An audit event for each area created or
    changed says what changed (sites added and removed by code)."""
    rows = list(rows)
    sites = get_sites_by_codes(code for row in rows for code in row.site_codes)
    created = updated = 0
    for row in rows:
        area = get_area_by_code(row.code)
        before = None
        if area is None:
            area = Area(code=row.code, name=row.name, type=row.type)
            db.session.add(area)
            created += 1
        else:
            before = {"name": area.name, "type": area.type, "sites": sorted(site.code for site in area.sites)}
            updated += 1
        area.name, area.type = row.name, row.type
        area.sites = sorted((sites[code] for code in row.site_codes), key=lambda site: (site.name, site.id))
        after = {"name": row.name, "type": row.type, "sites": sorted(row.site_codes)}
        if before != after:
            db.session.flush()
            changes = {name: after[name] for name in ("name", "type") if before is None or before[name] != after[name]}
            if before is None:
                changes["sites"] = after["sites"]
            else:
                added = sorted(set(after["sites"]) - set(before["sites"]))
                removed = sorted(set(before["sites"]) - set(after["sites"]))
                if added:
                    changes["sites added"] = added
                if removed:
                    changes["sites removed"] = removed
            record(user, "area-imported", "area", area.code, after=changes)
    db.session.flush()
    return created, updated
