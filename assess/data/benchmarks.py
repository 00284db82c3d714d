"""SQL for benchmarks: the latest submitted assessment of each site in a period, the attributes of the
sites a set of peer groups draws on, and per-group counts of scores and levels. Groups are given by the
values they filter on (assess.benchmarking.PeerGroup), and the subject's own sites are left out by id, so
the same queries serve one site against its peers and an area's sites against all others. The statistics
are worked out from the counts by the pure functions in assess.benchmarking; assess.services.benchmarks
puts the two together in three queries, whatever the number of peers or peer groups: never one per peer
or per group, never a load of answers. Early in a year, a group with too few submissions is compared with an
earlier period: one more query finds the periods with enough (get_earlier_periods), then the same queries run
for each earlier period needed."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, raiseload
from sqlalchemy.sql import Subquery

from assess.benchmarking import FILTER_ATTRIBUTES, Filter, GroupCounts, PeerGroup, SiteAttributes, shared_filters
from assess.extensions import db
from assess.models import AssessmentScore, DomainScore, Site


def latest_scores(period: str, questionnaire_id: str) -> Subquery:
    """Each site's latest submitted assessment in the period: rn = 1."""
    rank = (
        func.row_number()
        .over(
            partition_by=AssessmentScore.site_id,
            order_by=(AssessmentScore.submitted_at.desc(), AssessmentScore.assessment_id.desc()),
        )
        .label("rn")
    )
    return (
        select(
            AssessmentScore.assessment_id,
            AssessmentScore.site_id,
            AssessmentScore.questionnaire_version,
            AssessmentScore.overall_hundredths,
            AssessmentScore.overall_level,
            rank,
        )
        .where(AssessmentScore.period == period, AssessmentScore.questionnaire_id == questionnaire_id)
        .subquery("latest")
    )


# The sites column each filter attribute reads.
_COLUMNS: dict[str, InstrumentedAttribute[Any]] = {name: getattr(Site, name) for name in FILTER_ATTRIBUTES}


def _matching(filters: Sequence[Filter]) -> ColumnElement[bool]:
    """Whether a row of `sites` has every one of the filters' values."""
    return and_(true(), *(_COLUMNS[name] == value for name, value in filters))


def _not_excluded(exclude: Collection[int]) -> list[ColumnElement[bool]]:
    if not exclude:
        return []
    if len(exclude) == 1:
        return [Site.id != next(iter(exclude))]
    return [Site.id.not_in(sorted(exclude))]


def get_peer_attributes(
    within: Sequence[Filter], exclude: Collection[int], period: str, questionnaire_id: str
) -> list[SiteAttributes]:
    """Every site with the `within` values (for a site's groups: its kind) and a submitted assessment in the
    period, less the excluded ones."""
    latest = latest_scores(period, questionnaire_id)
    rows = db.session.execute(
        select(Site.id, Site.kind, Site.region, Site.category, Site.function, Site.population_band)
        .join(latest, and_(latest.c.site_id == Site.id, latest.c.rn == 1))
        .where(_matching(within), *_not_excluded(exclude))
        .order_by(Site.id)
    )
    return [SiteAttributes(*row) for row in rows]


def get_earlier_periods(
    before: str, within: Sequence[Filter], exclude: Collection[int], questionnaire_id: str, min_sites: int
) -> list[str]:
    """The periods before `before`, newest first, in which at least `min_sites` sites with the `within` values
    (less the excluded ones) submitted an assessment of the questionnaire: the only periods in which a group
    of those sites could have enough. One query."""
    sites = func.count(func.distinct(AssessmentScore.site_id))
    rows = db.session.scalars(
        select(AssessmentScore.period)
        .join(Site, Site.id == AssessmentScore.site_id)
        .where(
            AssessmentScore.period < before,
            AssessmentScore.questionnaire_id == questionnaire_id,
            _matching(within),
            *_not_excluded(exclude),
        )
        .group_by(AssessmentScore.period)
        .having(sites >= min_sites)
        .order_by(AssessmentScore.period.desc())
    )
    return list(rows)


def _counted(statement: Select, groups: Sequence[PeerGroup], exclude: Collection[int]) -> Select:
    """One count column per group: how many of the rows in each group are members of that group. The filters
    every group shares apply to all rows; rows in no group are left out (none are when a group has no other
    filter, as the national group has not)."""
    shared = shared_filters(groups)
    own = [tuple(item for item in group.filters if item not in shared) for group in groups]
    statement = statement.add_columns(
        *(
            func.sum(case((_matching(filters), 1), else_=0)).label(f"g{index}")
            if filters
            else func.count().label(f"g{index}")
            for index, filters in enumerate(own)
        )
    ).where(_matching(shared), *_not_excluded(exclude))
    if all(own):
        statement = statement.where(or_(*(_matching(filters) for filters in own)))
    return statement


def get_groups_counts(
    groups: Sequence[PeerGroup], exclude: Collection[int], period: str, questionnaire_id: str
) -> dict[str, GroupCounts]:
    """The scores and levels of each group's sites (less the excluded ones) counted, by group id, in two
    queries whatever the number of groups (domains, then overall): each site's rows are read once and
    counted into every group it belongs to, SUM(CASE WHEN <in the group> THEN 1 ELSE 0 END) per group. No
    ORDER BY: the counts go into dictionaries, and the statistics sort them."""
    result = {group.id: GroupCounts() for group in groups}
    if not groups:
        return result
    latest = latest_scores(period, questionnaire_id)
    domain_rows = db.session.execute(
        _counted(
            select(
                latest.c.questionnaire_version, DomainScore.domain_id, DomainScore.score_hundredths, DomainScore.level
            )
            .select_from(latest)
            .join(Site, Site.id == latest.c.site_id)
            .join(DomainScore, DomainScore.assessment_id == latest.c.assessment_id)
            .where(latest.c.rn == 1),
            groups,
            exclude,
        ).group_by(
            latest.c.questionnaire_version, DomainScore.domain_id, DomainScore.score_hundredths, DomainScore.level
        )
    )
    for version, domain_id, hundredths, level, *counts in domain_rows:
        for group, count in zip(groups, counts, strict=True):
            if count:
                result[group.id].add_domain(version, domain_id, hundredths, level, count)
    overall_rows = db.session.execute(
        _counted(
            select(latest.c.questionnaire_version, latest.c.overall_hundredths, latest.c.overall_level)
            .select_from(latest)
            .join(Site, Site.id == latest.c.site_id)
            .where(latest.c.rn == 1, latest.c.overall_hundredths.is_not(None)),
            groups,
            exclude,
        ).group_by(latest.c.questionnaire_version, latest.c.overall_hundredths, latest.c.overall_level)
    )
    for version, hundredths, level, *counts in overall_rows:
        for group, count in zip(groups, counts, strict=True):
            if count:
                result[group.id].add_overall(version, hundredths, level, count)
    return result


def get_site_scores(assessment_id: int) -> AssessmentScore | None:
    return db.session.get(AssessmentScore, assessment_id)


def get_trend(site: Site, questionnaire_id: str) -> list[AssessmentScore]:
    """The site's latest submitted assessment in each period, oldest period first."""
    rank = (
        func.row_number()
        .over(
            partition_by=AssessmentScore.period,
            order_by=(AssessmentScore.submitted_at.desc(), AssessmentScore.assessment_id.desc()),
        )
        .label("rn")
    )
    ranked = (
        select(AssessmentScore.assessment_id, rank)
        .where(AssessmentScore.site_id == site.id, AssessmentScore.questionnaire_id == questionnaire_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(AssessmentScore)
            .join(ranked, and_(ranked.c.assessment_id == AssessmentScore.assessment_id, ranked.c.rn == 1))
            .order_by(AssessmentScore.period, AssessmentScore.assessment_id)
        )
    )


def get_latest_submitted_scores(
    site_ids: Iterable[int], questionnaire_id: str, *, with_domains: bool = True
) -> dict[int, AssessmentScore]:
    """Each site's latest submitted result on the questionnaire (newest period, then newest submission), in
    one query, and one more for their areas' scores unless `with_domains` is False (then reading `domains`
    raises: a page that shows only the overall level never loads them); sites without one are absent."""
    ids = sorted(set(site_ids))
    if not ids:
        return {}
    rank = (
        func.row_number()
        .over(
            partition_by=AssessmentScore.site_id,
            order_by=(
                AssessmentScore.period.desc(),
                AssessmentScore.submitted_at.desc(),
                AssessmentScore.assessment_id.desc(),
            ),
        )
        .label("rn")
    )
    ranked = (
        select(AssessmentScore.assessment_id, rank)
        .where(AssessmentScore.site_id.in_(ids), AssessmentScore.questionnaire_id == questionnaire_id)
        .subquery()
    )
    statement = (
        select(AssessmentScore)
        .join(ranked, and_(ranked.c.assessment_id == AssessmentScore.assessment_id, ranked.c.rn == 1))
        .order_by(AssessmentScore.site_id)
    )
    if not with_domains:
        statement = statement.options(raiseload(AssessmentScore.domains))
    return {row.site_id: row for row in db.session.scalars(statement)}
