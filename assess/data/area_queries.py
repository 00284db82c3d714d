"""What an area's pages read about many sites at once (issue 12): each query takes every site of the area
together, so the number of statements a page sends does not grow with the number of sites. Plain rows, not
models, where a page only lists values. Reads only; nothing here writes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased, lazyload

from assess.extensions import db
from assess.models import (
    AreaValidation,
    Assessment,
    AssessmentReview,
    AssessmentScore,
    AssuranceDecision,
    DomainScore,
    ReviewState,
    Site,
)


@dataclass(frozen=True)
class PeriodAssessment:
    """One assessment of a site in a period (draft or submitted), without its answers."""

    id: int
    site_id: int
    status: str
    questionnaire_version: str
    created_at: datetime
    submitted_at: datetime | None


@dataclass(frozen=True)
class LatestResult:
    """A site's latest submitted result (the newest period; in it, the newest submission), and the time of its
    last submission of any period (a late return for an earlier year can come after it)."""

    assessment_id: int
    site_id: int
    period: str
    questionnaire_id: str
    questionnaire_version: str
    submitted_at: datetime
    last_submitted_at: datetime


@dataclass(frozen=True)
class AreaDecisionRow:
    """An inspector's decision on one area of a submitted assessment, as the area's pages need it (no reason,
    never an internal note)."""

    decision: str
    validated_level: int | None


def _ids(values: Iterable[int]) -> list[int]:
    return sorted(set(values))


def get_period_assessments(site_ids: Iterable[int], period: str) -> dict[int, list[PeriodAssessment]]:
    """Each site's assessments in the period, the latest started first; sites with none are absent."""
    ids = _ids(site_ids)
    found: dict[int, list[PeriodAssessment]] = {}
    if not ids:
        return found
    rows = db.session.execute(
        select(
            Assessment.id,
            Assessment.site_id,
            Assessment.status,
            Assessment.questionnaire_version,
            Assessment.created_at,
            Assessment.submitted_at,
        )
        .where(Assessment.site_id.in_(ids), Assessment.period == period)
        .order_by(Assessment.site_id, Assessment.created_at.desc(), Assessment.id.desc())
    )
    for row in rows:
        found.setdefault(row.site_id, []).append(PeriodAssessment(*row))
    return found


def get_latest_results(site_ids: Iterable[int], questionnaire_id: str) -> dict[int, LatestResult]:
    """Each site's latest submitted result on the questionnaire, with its last submission of any period, in one
    query over the stored scores; sites that never submitted are absent."""
    ids = _ids(site_ids)
    if not ids:
        return {}
    # Per site, two correlated subqueries that walk the (site_id, questionnaire_id, period) index from its end,
    # rather than ranking each site's whole history (whose cost grows with the years behind each site).
    newer = aliased(AssessmentScore)
    latest_id = (
        select(newer.assessment_id)
        .where(newer.site_id == Site.id, newer.questionnaire_id == questionnaire_id)
        .order_by(newer.period.desc(), newer.submitted_at.desc(), newer.assessment_id.desc())
        .limit(1)
        .scalar_subquery()
    )
    any_version = aliased(AssessmentScore)
    last_submitted = (
        select(func.max(any_version.submitted_at))
        .where(any_version.site_id == Site.id, any_version.questionnaire_id == questionnaire_id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            AssessmentScore.assessment_id,
            AssessmentScore.site_id,
            AssessmentScore.period,
            AssessmentScore.questionnaire_id,
            AssessmentScore.questionnaire_version,
            AssessmentScore.submitted_at,
            last_submitted.label("last_submitted"),
        )
        .join(Site, AssessmentScore.assessment_id == latest_id)
        .where(Site.id.in_(ids))
        .order_by(AssessmentScore.site_id)
    )
    return {
        row.site_id: LatestResult(
            row.assessment_id,
            row.site_id,
            row.period,
            row.questionnaire_id,
            row.questionnaire_version,
            row.submitted_at,
            row.last_submitted,
        )
        for row in rows
    }


def get_domain_levels(assessment_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Each submitted assessment's stored level in each area it has a score for (one query)."""
    ids = _ids(assessment_ids)
    found: dict[int, dict[str, int]] = {}
    if not ids:
        return found
    rows = db.session.execute(
        select(DomainScore.assessment_id, DomainScore.domain_id, DomainScore.level)
        .where(DomainScore.assessment_id.in_(ids))
        .order_by(DomainScore.assessment_id, DomainScore.domain_id)
    )
    for assessment_id, domain_id, level in rows:
        found.setdefault(assessment_id, {})[domain_id] = level
    return found


def get_final_decisions(assessment_ids: Iterable[int]) -> dict[int, dict[str, AreaDecisionRow]]:
    """The inspectors' area decisions of those of these assessments whose review is final (validated), in one
    query; a review still in progress contributes nothing (its decisions may change)."""
    ids = _ids(assessment_ids)
    found: dict[int, dict[str, AreaDecisionRow]] = {}
    if not ids:
        return found
    rows = db.session.execute(
        select(
            AreaValidation.assessment_id,
            AreaValidation.domain_id,
            AreaValidation.decision,
            AreaValidation.validated_level,
        )
        .join(
            AssessmentReview,
            and_(
                AssessmentReview.assessment_id == AreaValidation.assessment_id,
                AssessmentReview.state == ReviewState.VALIDATED.value,
            ),
        )
        .where(AreaValidation.assessment_id.in_(ids))
        .order_by(AreaValidation.assessment_id, AreaValidation.domain_id)
    )
    for assessment_id, domain_id, decision, level in rows:
        found.setdefault(assessment_id, {})[domain_id] = AreaDecisionRow(decision, level)
    return found


def get_assurance_decisions(site_ids: Iterable[int]) -> list[AssuranceDecision]:
    """Every assurance decision on these sites, newest first, in one query (the decider's account is not
    loaded: the label recorded with the decision says who)."""
    ids = _ids(site_ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(AssuranceDecision)
            .options(lazyload(AssuranceDecision.decided_by), lazyload(AssuranceDecision.site))
            .where(AssuranceDecision.site_id.in_(ids))
            .order_by(AssuranceDecision.decided_at.desc(), AssuranceDecision.id.desc())
        )
    )
