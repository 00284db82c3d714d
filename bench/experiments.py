"""What build_benchmarks did before the one-pass counts and the covering indexes (migration
5e1a7c3b9d20), so that bench_benchmarks.py --baseline can time the old way against the app's on the
same data, in the same minute of a shared machine. Nothing here is used by the app.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select, text

from assess.benchmarking import GroupDefinition
from assess.data.benchmarks import GroupCounts, latest_scores
from assess.extensions import db
from assess.models import DomainScore, Site

# The indexes before migration 5e1a7c3b9d20 (what it creates is dropped, what it dropped is created).
OLD_INDEXES = {
    "drop": ["ix_assessment_scores_latest", "ix_assessment_scores_site", "ix_domain_scores_covering"],
    "create": [
        "CREATE INDEX ix_assessment_scores_period_site ON assessment_scores "
        "(period, site_id, submitted_at, assessment_id)"
    ],
}


def use_old_indexes() -> None:
    # End the session's transaction first: on PostgreSQL it holds a lock on the tables that DROP INDEX waits for.
    db.session.commit()
    with db.engine.connect() as connection:
        for name in OLD_INDEXES["drop"]:
            connection.execute(text(f"DROP INDEX {name}"))
        for statement in OLD_INDEXES["create"]:
            connection.execute(text(statement))
        connection.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE assessment_scores"))
            connection.execute(text("VACUUM ANALYZE domain_scores"))


def _in_group(statement: Select, site: Site, group: GroupDefinition) -> Select:
    statement = statement.where(Site.kind == site.kind, Site.id != site.id)
    for name in group.attributes:
        statement = statement.where(getattr(Site, name) == getattr(site, name))
    return statement


def get_group_counts(site: Site, group: GroupDefinition, period: str, questionnaire_id: str) -> GroupCounts:
    """The counts of one group in two queries, as build_benchmarks did for each shown group."""
    latest = latest_scores(period, questionnaire_id)
    domain_rows = db.session.execute(
        _in_group(
            select(
                latest.c.questionnaire_version,
                DomainScore.domain_id,
                DomainScore.score_hundredths,
                DomainScore.level,
                func.count(),
            )
            .select_from(latest)
            .join(Site, Site.id == latest.c.site_id)
            .join(DomainScore, DomainScore.assessment_id == latest.c.assessment_id)
            .where(latest.c.rn == 1),
            site,
            group,
        )
        .group_by(
            latest.c.questionnaire_version, DomainScore.domain_id, DomainScore.score_hundredths, DomainScore.level
        )
        .order_by(latest.c.questionnaire_version, DomainScore.domain_id, DomainScore.score_hundredths)
    )
    counts = GroupCounts()
    for version, domain_id, hundredths, level, count in domain_rows:
        counts.add_domain(version, domain_id, hundredths, level, count)
    overall_rows = db.session.execute(
        _in_group(
            select(latest.c.questionnaire_version, latest.c.overall_hundredths, latest.c.overall_level, func.count())
            .select_from(latest)
            .join(Site, Site.id == latest.c.site_id)
            .where(latest.c.rn == 1, latest.c.overall_hundredths.is_not(None)),
            site,
            group,
        )
        .group_by(latest.c.questionnaire_version, latest.c.overall_hundredths, latest.c.overall_level)
        .order_by(latest.c.questionnaire_version, latest.c.overall_hundredths)
    )
    for version, hundredths, level, count in overall_rows:
        counts.add_overall(version, hundredths, level, count)
    return counts


def per_group(site: Site, groups: list[GroupDefinition], period: str, questionnaire_id: str) -> dict[str, GroupCounts]:
    """Stands in for assess.data.benchmarks.get_groups_counts: two queries per group, as before."""
    return {group.id: get_group_counts(site, group, period, questionnaire_id) for group in groups}


def as_plain(counts: GroupCounts) -> tuple[dict[Any, Any], ...]:
    """Comparable form (no defaultdicts, no empty entries)."""
    return tuple(
        {key: dict(value) for key, value in part.items() if value}
        for part in (counts.domain_scores, counts.domain_levels, counts.overall_scores, counts.overall_levels)
    )
