"""SQL for a site's target levels (assess.models.target.SiteTarget): one row per site, questionnaire and area.

Saving is a conditional write on the row's version: a save made from a page opened before a colleague's newer
save changes nothing and raises TargetConflict (the request rolls back). Every change is an audit event in the
same transaction ("target-set", "target-cleared"), recorded against the assessment whose page it was made from
so that it appears in that assessment's History. Flushes, never commits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Delete, Update, delete, select, update
from sqlalchemy.exc import IntegrityError

from assess.data import audit
from assess.data.clock import now
from assess.extensions import db
from assess.models import Site
from assess.models.target import SiteTarget

SET = "target-set"
CLEARED = "target-cleared"


@dataclass(frozen=True)
class StoredTarget:
    level: int
    version: int
    set_at: datetime | None
    set_by: str | None


@dataclass
class TargetConflict(Exception):
    """A colleague changed some of these targets after the page was opened: nothing was saved. For each area in
    conflict, what is stored now (None: no target)."""

    areas: dict[str, StoredTarget | None] = field(default_factory=dict)


def get_targets(site_id: int, questionnaire_id: str) -> dict[str, StoredTarget]:
    """The site's targets on the questionnaire, by domain id."""
    rows = db.session.scalars(
        select(SiteTarget)
        .where(SiteTarget.site_id == site_id, SiteTarget.questionnaire_id == questionnaire_id)
        .execution_options(populate_existing=True)
    )
    return {
        row.domain_id: StoredTarget(row.level, row.version, row.set_at, row.set_by.name if row.set_by else None)
        for row in rows
    }


def save_targets(
    site: Site,
    questionnaire_id: str,
    wanted: Mapping[str, int | None],
    seen: Mapping[str, tuple[int, int | None]],
    user: audit.Person,
    *,
    assessment_id: int | None = None,
) -> list[str]:
    """Set (a level) or clear (None) each area's target in `wanted`. `seen`: each area's (version, level) when
    the page was opened ((0, None): no target then; the level too, as a cleared and set again target starts
    again at version 1). Areas whose value is unchanged are left alone. Returns the domain ids
    changed. Raises TargetConflict, having written nothing the request will keep, when a changed area was
    saved by someone else since `seen` (the caller answers 409, and the request rolls back)."""
    current = get_targets(site.id, questionnaire_id)
    conflicts: dict[str, StoredTarget | None] = {}
    changes: list[tuple[str, StoredTarget | None, int | None]] = []
    for domain_id, level in wanted.items():
        stored = current.get(domain_id)
        stored_level = stored.level if stored else None
        if level == stored_level:
            continue
        if (stored.version if stored else 0, stored_level) != seen.get(domain_id, (0, None)):
            conflicts[domain_id] = stored
            continue
        changes.append((domain_id, stored, level))
    if conflicts:
        raise TargetConflict(conflicts)
    for domain_id, stored, level in changes:
        if not _write(site, questionnaire_id, domain_id, stored, level, user):
            # Changed between the read above and this write (a colleague's request at the same moment).
            raise TargetConflict({domain_id: get_targets(site.id, questionnaire_id).get(domain_id)})
        audit.record(
            user,
            CLEARED if level is None else SET,
            "site_target",
            f"{site.id}:{questionnaire_id}:{domain_id}",
            site_id=site.id,
            assessment_id=assessment_id,
            before={"domain": domain_id, "level": stored.level if stored else None},
            after={"domain": domain_id, "level": level},
        )
    db.session.flush()
    return [domain_id for domain_id, _, _ in changes]


def _write(
    site: Site,
    questionnaire_id: str,
    domain_id: str,
    stored: StoredTarget | None,
    level: int | None,
    user: audit.Person,
) -> bool:
    """One conditional write; False when the row is no longer the one that was read."""
    key = (
        SiteTarget.site_id == site.id,
        SiteTarget.questionnaire_id == questionnaire_id,
        SiteTarget.domain_id == domain_id,
    )
    if stored is None:
        if level is None:
            return True
        try:
            with db.session.begin_nested():
                db.session.add(
                    SiteTarget(
                        site_id=site.id,
                        questionnaire_id=questionnaire_id,
                        domain_id=domain_id,
                        level=level,
                        version=1,
                        set_at=now(),
                        set_by_id=user.id,
                    )
                )
        except IntegrityError:  # the primary key: a colleague set this area's first target at the same moment
            return False
        return True
    statement: Delete | Update
    if level is None:
        statement = delete(SiteTarget).where(*key, SiteTarget.version == stored.version)
    else:
        statement = (
            update(SiteTarget)
            .where(*key, SiteTarget.version == stored.version)
            .values(level=level, version=stored.version + 1, set_at=now(), set_by_id=user.id)
        )
    outcome = db.session.execute(statement.execution_options(synchronize_session=False))
    return bool(getattr(outcome, "rowcount", 0) == 1)
