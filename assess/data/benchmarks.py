"""SQL for benchmarks: the latest submitted assessment of each site in a period, peer group
memberships, and per-group counts of scores and levels. The statistics are worked out from those
counts by the pure functions in assess.benchmarking. Three queries per site's benchmarks, whatever the
number of peers or peer groups: never one per peer or per group, never a load of answers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, true
from sqlalchemy.sql import Subquery

from assess.benchmarking import (
    OVERALL,
    GroupBenchmark,
    GroupDefinition,
    SiteAttributes,
    decide_disclosure,
    groups_for,
    map_versions,
    members,
    summarise,
)
from assess.extensions import db
from assess.models import AssessmentScore, DomainScore, Site
from assess.questionnaire.loader import Registry
from assess.questionnaire.schema import Questionnaire


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


def attributes_of(site: Site) -> SiteAttributes:
    return SiteAttributes(site.id, site.kind, site.region, site.category, site.function, site.population_band)


def get_peer_attributes(site: Site, period: str, questionnaire_id: str) -> list[SiteAttributes]:
    """Every other site of the same kind with a submitted assessment in the period."""
    latest = latest_scores(period, questionnaire_id)
    rows = db.session.execute(
        select(Site.id, Site.kind, Site.region, Site.category, Site.function, Site.population_band)
        .join(latest, and_(latest.c.site_id == Site.id, latest.c.rn == 1))
        .where(Site.kind == site.kind, Site.id != site.id)
        .order_by(Site.id)
    )
    return [SiteAttributes(*row) for row in rows]


def _membership(site: Site, group: GroupDefinition) -> ColumnElement[bool]:
    """Whether a peer (a row of `sites`) is in the site's group: it shares the group's attributes."""
    return and_(true(), *(getattr(Site, name) == getattr(site, name) for name in group.attributes))


def _counted(statement: Select, site: Site, groups: list[GroupDefinition]) -> Select:
    """One count column per group: how many of the rows in each group are members of that group. Rows in
    no group are left out (none are while the national group is among them)."""
    statement = statement.add_columns(
        *(
            func.sum(case((_membership(site, group), 1), else_=0)).label(f"g{index}")
            if group.attributes
            else func.count().label(f"g{index}")
            for index, group in enumerate(groups)
        )
    ).where(Site.kind == site.kind, Site.id != site.id)
    if all(group.attributes for group in groups):
        statement = statement.where(or_(*(_membership(site, group) for group in groups)))
    return statement


@dataclass
class GroupCounts:
    # (version, domain id) -> score hundredths -> count, and level -> count
    domain_scores: dict[tuple[str, str], dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    domain_levels: dict[tuple[str, str], dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    overall_scores: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    overall_levels: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))

    def add_domain(self, version: str, domain_id: str, hundredths: int, level: int, count: int) -> None:
        _add(self.domain_scores[(version, domain_id)], hundredths, count)
        _add(self.domain_levels[(version, domain_id)], level, count)

    def add_overall(self, version: str, hundredths: int, level: int, count: int) -> None:
        _add(self.overall_scores[version], hundredths, count)
        _add(self.overall_levels[version], level, count)


def _add(counts: dict[int, int], key: int, count: int) -> None:
    counts[key] = counts.get(key, 0) + count


def get_groups_counts(
    site: Site, groups: list[GroupDefinition], period: str, questionnaire_id: str
) -> dict[str, GroupCounts]:
    """The peers' scores and levels counted for each of the groups, by group id, in two queries whatever
    the number of groups (domains, then overall): each peer's rows are read once and counted into every
    group the peer belongs to, SUM(CASE WHEN <in the group> THEN 1 ELSE 0 END) per group. No ORDER BY:
    the counts go into dictionaries, and the statistics sort them."""
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
            site,
            groups,
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
            site,
            groups,
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


def _merge(into: dict[int, int], more: dict[int, int]) -> None:
    for key, value in more.items():
        _add(into, key, value)


def build_benchmarks(
    site: Site, own: AssessmentScore, questionnaire: Questionnaire, registry: Registry, min_size: int
) -> list[GroupBenchmark]:
    """Every peer group that applies to the site, each shown or suppressed (with the reason)."""
    site_attributes = attributes_of(site)
    peers = get_peer_attributes(site, own.period, own.questionnaire_id)
    definitions = groups_for(site_attributes)
    decisions = decide_disclosure(
        [(group.id, group.label(site_attributes), members(site_attributes, group, peers)) for group in definitions],
        min_size,
    )
    site_domains = [domain.id for domain in questionnaire.domains]
    previous = {domain.id: domain.previous_ids for domain in questionnaire.domains}
    level_values = [level.value for level in questionnaire.levels]
    own_domains = {row.domain_id: row for row in own.domains}
    shown = [group for group, decision in zip(definitions, decisions, strict=True) if decision.shown]
    all_counts = get_groups_counts(site, shown, own.period, own.questionnaire_id)
    results = []
    for group, decision in zip(definitions, decisions, strict=True):
        benchmark = GroupBenchmark(decision=decision)
        results.append(benchmark)
        if not decision.shown:
            continue
        counts = all_counts[group.id]
        versions = sorted({version for version, _ in counts.domain_scores} | set(counts.overall_scores))
        peer_domains: dict[str, list[str]] = {}
        peer_previous: dict[str, dict[str, tuple[str, ...]]] = {}
        for version in versions:
            definition = registry.get(own.questionnaire_id, version)
            peer_domains[version] = [domain.id for domain in definition.domains]
            peer_previous[version] = {domain.id: domain.previous_ids for domain in definition.domains}
        maps = map_versions(site_domains, previous, peer_domains, peer_previous)
        merged_scores: dict[str, dict[int, int]] = defaultdict(dict)
        merged_levels: dict[str, dict[int, int]] = defaultdict(dict)
        for (version, domain_id), scores in counts.domain_scores.items():
            target = maps[version].to_site_domain.get(domain_id)
            if target is not None:
                _merge(merged_scores[target], scores)
                _merge(merged_levels[target], counts.domain_levels[(version, domain_id)])
        overall_scores: dict[int, int] = {}
        overall_levels: dict[int, int] = {}
        for version, scores in counts.overall_scores.items():
            if maps[version].complete:
                _merge(overall_scores, scores)
                _merge(overall_levels, counts.overall_levels[version])
        benchmark.versions = tuple(versions)
        compared = [
            domain for domain in site_domains if all(domain in maps[v].to_site_domain.values() for v in versions)
        ]
        benchmark.compared_domains = tuple(compared)
        benchmark.uncompared_domains = tuple(domain for domain in site_domains if domain not in compared)
        if sum(overall_scores.values()) >= min_size:
            benchmark.overall = summarise(
                OVERALL, overall_scores, overall_levels, own.overall_hundredths, own.overall_level, level_values
            )
        else:
            benchmark.suppressed_domains[OVERALL] = _too_few(sum(overall_scores.values()), min_size)
        for domain_id in site_domains:
            peers_scored = sum(merged_scores.get(domain_id, {}).values())
            if peers_scored < min_size:
                benchmark.suppressed_domains[domain_id] = _too_few(peers_scored, min_size)
                continue
            mine = own_domains.get(domain_id)
            benchmark.domains[domain_id] = summarise(
                domain_id,
                merged_scores[domain_id],
                merged_levels[domain_id],
                mine.score_hundredths if mine else None,
                mine.level if mine else None,
                level_values,
            )
    return results


def _too_few(count: int, min_size: int) -> str:
    who = "site in this group has" if count == 1 else "sites in this group have"
    return (
        f"Only {count} {who} a score here. Figures are shown for at least {min_size}, so that no site's result "
        "can be worked out."
    )
