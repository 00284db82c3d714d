"""What a page that lists sites (a governor's sites page) reads about many sites at once, one query each
whatever the number of sites, so the page's queries stay constant in the number of sites it lists: their open
queries, and the lines of their assessments (only the columns the page shows: never answers, nor the
assessment's site or people, which the page already has or does not show)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload, raiseload

from assess.extensions import db
from assess.models import OPEN_QUERY_STATUSES, Assessment, AssessmentStatus, Query


def get_open_queries_for_sites(site_ids: Iterable[int]) -> dict[int, list[Query]]:
    """Each site's open queries (awaiting the site, or answered and back with the inspector), the one due
    soonest first; sites with none are absent. A query's assessment comes with it (joined), without its
    answers; its entries and who raised it do not come (a list of queries shows neither)."""
    ids = sorted(set(site_ids))
    found: dict[int, list[Query]] = {}
    if not ids:
        return found
    rows = db.session.scalars(
        select(Query)
        .where(Query.site_id.in_(ids), Query.status.in_(OPEN_QUERY_STATUSES))
        .options(
            raiseload(Query.entries),
            raiseload(Query.raised_by),  # who raised it is not listed (and would bring their roles and sites)
            joinedload(Query.assessment).options(raiseload(Assessment.answers), lazyload(Assessment.submitted_by)),
        )
        .order_by(Query.site_id, Query.due_on, Query.id)
    )
    for query in rows:
        found.setdefault(query.site_id, []).append(query)
    return found


@dataclass(frozen=True)
class AssessmentLine:
    """One assessment as a list of a site's assessments shows it."""

    id: int
    site_id: int
    period: str
    status: str
    updated_at: datetime
    submitted_at: datetime | None

    @property
    def is_submitted(self) -> bool:
        return self.status == AssessmentStatus.SUBMITTED.value


def get_assessment_lines_for_sites(site_ids: Iterable[int]) -> dict[int, list[AssessmentLine]]:
    """Each site's assessments (every site asked for, with none for most new ones), newest period first and in
    a period the newest started first, as assess.data.assessments.get_assessments_for_sites orders them: one
    query, of the columns shown only."""
    ids = sorted(set(site_ids))
    found: dict[int, list[AssessmentLine]] = {site_id: [] for site_id in ids}
    if not ids:
        return found
    rows = db.session.execute(
        select(
            Assessment.id,
            Assessment.site_id,
            Assessment.period,
            Assessment.status,
            Assessment.updated_at,
            Assessment.submitted_at,
        )
        .where(Assessment.site_id.in_(ids))
        .order_by(Assessment.site_id, Assessment.period.desc(), Assessment.created_at.desc(), Assessment.id.desc())
    )
    for row in rows:
        found[row.site_id].append(AssessmentLine(*row))
    return found
