"""SQL for an area's distributions and trend (issue 12): the periods its sites submitted for, each site's latest
submitted result in a period, and each site's latest submitted result in every period. Sites are chosen by the
area (a join on area_sites), never by a list of ids, so the statements are the same whatever the area's size;
the national groups' counts come from assess.data.benchmarks. Reads only."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import and_, func, select

from assess.extensions import db
from assess.models import AssessmentScore, DomainScore, area_sites


def _in_area(area_id: int):  # type: ignore[no-untyped-def]
    return AssessmentScore.site_id.in_(select(area_sites.c.site_id).where(area_sites.c.area_id == area_id))


def get_area_periods(area_id: int, questionnaire_id: str) -> list[tuple[str, int]]:
    """The periods in which any site of the area submitted an assessment, newest first, each with how many of the
    area's sites did."""
    rows = db.session.execute(
        select(AssessmentScore.period, func.count(AssessmentScore.site_id.distinct()))
        .where(_in_area(area_id), AssessmentScore.questionnaire_id == questionnaire_id)
        .group_by(AssessmentScore.period)
        .order_by(AssessmentScore.period.desc())
    )
    return [(period, count) for period, count in rows]


def get_area_latest_scores(area_id: int, period: str, questionnaire_id: str) -> dict[int, AssessmentScore]:
    """Each site of the area's latest submitted assessment in the period, by site id, with its area scores (two
    statements: the scores, then every one's domain rows at once); sites without one are absent."""
    rank = (
        func.row_number()
        .over(
            partition_by=AssessmentScore.site_id,
            order_by=(AssessmentScore.submitted_at.desc(), AssessmentScore.assessment_id.desc()),
        )
        .label("rn")
    )
    ranked = (
        select(AssessmentScore.assessment_id, rank)
        .where(
            _in_area(area_id), AssessmentScore.period == period, AssessmentScore.questionnaire_id == questionnaire_id
        )
        .subquery()
    )
    rows = db.session.scalars(
        select(AssessmentScore)
        .join(ranked, and_(ranked.c.assessment_id == AssessmentScore.assessment_id, ranked.c.rn == 1))
        .order_by(AssessmentScore.site_id)
    )
    return {row.site_id: row for row in rows}


@dataclass(frozen=True)
class HistoryRow:
    """One site's latest submitted result in one period: the overall score, or one area's (in hundredths;
    None when it has none), with the id that area has in the site's version (None for the overall score)."""

    period: str
    site_id: int
    version: str
    hundredths: int | None
    domain_id: str | None = None


def get_area_history(area_id: int, questionnaire_id: str, domain_ids: Collection[str] = ()) -> list[HistoryRow]:
    """Each site of the area's latest submitted assessment in every period, oldest period first, with its
        overall score (no `domain_ids`) or its score in the area of the questionnaire with one of `domain_ids` (an
        area's id in each version: its id and the ids it had before; a version holding two of them gives a row for
    each). One statement."""
    rank = (
        func.row_number()
        .over(
            partition_by=(AssessmentScore.site_id, AssessmentScore.period),
            order_by=(AssessmentScore.submitted_at.desc(), AssessmentScore.assessment_id.desc()),
        )
        .label("rn")
    )
    latest = (
        select(
            AssessmentScore.assessment_id,
            AssessmentScore.site_id,
            AssessmentScore.period,
            AssessmentScore.questionnaire_version,
            AssessmentScore.overall_hundredths,
            rank,
        )
        .where(_in_area(area_id), AssessmentScore.questionnaire_id == questionnaire_id)
        .subquery("latest")
    )
    if domain_ids:
        statement = (
            select(
                latest.c.period,
                latest.c.site_id,
                latest.c.questionnaire_version,
                DomainScore.score_hundredths,
                DomainScore.domain_id,
            )
            .select_from(latest)
            .outerjoin(
                DomainScore,
                and_(
                    DomainScore.assessment_id == latest.c.assessment_id,
                    DomainScore.domain_id.in_(sorted(set(domain_ids))),
                ),
            )
        )
    else:
        statement = select(
            latest.c.period,
            latest.c.site_id,
            latest.c.questionnaire_version,
            latest.c.overall_hundredths,
        ).select_from(latest)
    rows = db.session.execute(statement.where(latest.c.rn == 1).order_by(latest.c.period, latest.c.site_id))
    return [HistoryRow(*row) for row in rows]
