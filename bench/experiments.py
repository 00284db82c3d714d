"""Changes that bench_benchmarks.py can try on its throwaway databases, to measure what would fix a missed
target before anyone changes the app: a query that counts every peer group in one pass, and indexes
that cover the queries. Nothing here is used by the app; docs/benchmarks.md says what to change.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Select, and_, case, func, select, text, true

from assess.benchmarking import GroupDefinition
from assess.data.benchmarks import GroupCounts, latest_scores
from assess.extensions import db
from assess.models import DomainScore, Site

# The proposed indexes, per database: name -> CREATE INDEX statement.
INDEXES: dict[str, dict[str, str]] = {
    "sqlite": {
        # Each site's latest assessment in a period, read from the index alone and in the window's order.
        "ix_assessment_scores_latest": (
            "CREATE INDEX ix_assessment_scores_latest ON assessment_scores "
            "(period, questionnaire_id, site_id, submitted_at DESC, assessment_id DESC, "
            "questionnaire_version, overall_hundredths, overall_level)"
        ),
        # A peer's domain scores from the index alone.
        "ix_domain_scores_covering": (
            "CREATE INDEX ix_domain_scores_covering ON domain_scores "
            "(assessment_id, domain_id, score_hundredths, level)"
        ),
    },
    "postgresql": {
        "ix_assessment_scores_latest": (
            "CREATE INDEX ix_assessment_scores_latest ON assessment_scores "
            "(period, questionnaire_id, site_id, submitted_at DESC, assessment_id DESC) "
            "INCLUDE (questionnaire_version, overall_hundredths, overall_level)"
        ),
        "ix_domain_scores_covering": (
            "CREATE INDEX ix_domain_scores_covering ON domain_scores (assessment_id) "
            "INCLUDE (domain_id, score_hundredths, level)"
        ),
    },
}


def create_indexes() -> list[str]:
    dialect = db.engine.dialect.name
    with db.engine.connect() as connection:
        for statement in INDEXES[dialect].values():
            connection.execute(text(statement))
        connection.commit()
    if dialect == "postgresql":
        # Index-only scans need the visibility map, which VACUUM sets (autovacuum would, after a load).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE assessment_scores"))
            connection.execute(text("VACUUM ANALYZE domain_scores"))
    return list(INDEXES[dialect])


def _membership(site: Site, group: GroupDefinition) -> Any:
    conditions = [getattr(Site, name) == getattr(site, name) for name in group.attributes]
    return and_(*conditions) if conditions else true()


def _counted(statement: Select, site: Site, groups: list[GroupDefinition]) -> Select:
    return statement.add_columns(
        *(
            func.sum(case((_membership(site, group), 1), else_=0)).label(f"g{index}")
            for index, group in enumerate(groups)
        )
    ).where(Site.kind == site.kind, Site.id != site.id)


def group_counts_one_pass(
    site: Site, groups: list[GroupDefinition], period: str, questionnaire_id: str
) -> dict[str, GroupCounts]:
    """The same counts as assess.data.benchmarks.get_group_counts for every group, in two queries
    in all (domains, overall) rather than two per group: each peer row is read once and counted
    into each group it belongs to (SUM(CASE WHEN <in group> THEN 1 ELSE 0 END) per group)."""
    latest = latest_scores(period, questionnaire_id)
    result = {
        group.id: GroupCounts(defaultdict(dict), defaultdict(dict), defaultdict(dict), defaultdict(dict))
        for group in groups
    }
    domain_rows = db.session.execute(
        _counted(
            select(
                latest.c.questionnaire_version, DomainScore.domain_id, DomainScore.score_hundredths, DomainScore.level
            )
            .select_from(latest)
            .join(Site, Site.id == latest.c.site_id)
            .join(DomainScore, DomainScore.assessment_id == latest.c.assessment_id)
            .where(latest.c.rn == 1),
            site,
            groups,
        ).group_by(
            latest.c.questionnaire_version, DomainScore.domain_id, DomainScore.score_hundredths, DomainScore.level
        )
    )
    for version, domain_id, hundredths, level, *counts in domain_rows:
        for group, count in zip(groups, counts, strict=True):
            if count:
                into = result[group.id]
                scores = into.domain_scores[(version, domain_id)]
                scores[hundredths] = scores.get(hundredths, 0) + count
                levels = into.domain_levels[(version, domain_id)]
                levels[level] = levels.get(level, 0) + count
    overall_rows = db.session.execute(
        _counted(
            select(latest.c.questionnaire_version, latest.c.overall_hundredths, latest.c.overall_level)
            .select_from(latest)
            .join(Site, Site.id == latest.c.site_id)
            .where(latest.c.rn == 1, latest.c.overall_hundredths.is_not(None)),
            site,
            groups,
        ).group_by(latest.c.questionnaire_version, latest.c.overall_hundredths, latest.c.overall_level)
    )
    for version, hundredths, level, *counts in overall_rows:
        for group, count in zip(groups, counts, strict=True):
            if count:
                into = result[group.id]
                into.overall_scores[version][hundredths] = into.overall_scores[version].get(hundredths, 0) + count
                into.overall_levels[version][level] = into.overall_levels[version].get(level, 0) + count
    return result


class OnePass:
    """Stands in for assess.data.benchmarks.get_group_counts while on: the first call of a build counts
    every group of the site in one pass, the others read the result. Call reset() before each build."""

    def __init__(self) -> None:
        self.cache: dict[Any, dict[str, GroupCounts]] = {}

    def reset(self) -> None:
        self.cache = {}

    def __call__(self, site: Site, group: GroupDefinition, period: str, questionnaire_id: str) -> GroupCounts:
        from assess.benchmarking import groups_for
        from assess.data.benchmarks import attributes_of

        key = (site.id, period, questionnaire_id)
        if key not in self.cache:
            self.cache[key] = group_counts_one_pass(site, groups_for(attributes_of(site)), period, questionnaire_id)
        return self.cache[key][group.id]


def as_plain(counts: GroupCounts) -> tuple[dict[Any, Any], ...]:
    """Comparable form (no defaultdicts, no empty entries)."""
    return tuple(
        {key: dict(value) for key, value in part.items() if value}
        for part in (counts.domain_scores, counts.domain_levels, counts.overall_scores, counts.overall_levels)
    )
