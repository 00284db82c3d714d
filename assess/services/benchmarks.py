"""Benchmarks, assembled once: a site against each of its peer groups, or any set of subject sites against a
group given by attribute values (an area's sites against all prisons nationally).

Three queries whatever the number of peers or groups (the sites' attributes, then every group's domain and
overall counts at once); the statistics, the merging of questionnaire versions and disclosure control are
the pure functions of assess.benchmarking. Nothing is read from Flask: the caller passes the registry and
the threshold (MIN_PEER_GROUP).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from assess.benchmarking import (
    GroupBenchmark,
    PeerGroup,
    Score,
    SiteAttributes,
    SubjectScores,
    compare_with_group,
    decide_disclosure,
    members,
    peer_groups_for,
    shared_filters,
)
from assess.data import benchmarks as benchmark_data
from assess.models import AssessmentScore, Site
from assess.questionnaire.loader import Registry
from assess.questionnaire.schema import Questionnaire


def site_attributes(site: Site) -> SiteAttributes:
    return SiteAttributes(site.id, site.kind, site.region, site.category, site.function, site.population_band)


def subject_scores(stored: AssessmentScore) -> SubjectScores:
    """A stored assessment's scores, to place among its peers."""
    overall = None
    if stored.overall_hundredths is not None and stored.overall_level is not None:
        overall = Score(stored.overall_hundredths, stored.overall_level)
    return SubjectScores(
        overall=overall, domains={row.domain_id: Score(row.score_hundredths, row.level) for row in stored.domains}
    )


def site_benchmarks(
    site: Site, own: AssessmentScore, questionnaire: Questionnaire, registry: Registry, min_size: int
) -> list[GroupBenchmark]:
    """Every peer group that applies to the site, in catalogue order, each shown or suppressed (with the
    reason), for the period and questionnaire of its stored assessment `own` (answered on `questionnaire`)."""
    if own.questionnaire_id != questionnaire.id:
        raise ValueError(f"scores of {own.questionnaire_id!r} compared on questionnaire {questionnaire.id!r}")
    return groups_benchmarks(
        peer_groups_for(site_attributes(site)),
        {site.id},
        own.period,
        questionnaire,
        registry,
        min_size,
        subject=subject_scores(own),
    )


def group_benchmark(
    subject_site_ids: Collection[int],
    group: PeerGroup,
    period: str,
    questionnaire: Questionnaire,
    registry: Registry,
    min_size: int,
    *,
    subject: SubjectScores | None = None,
) -> GroupBenchmark:
    """One group's sites, less the subject's, in the period: for an area against all prisons nationally,
    `national_group("prison")` with the area's site ids. Every version of `questionnaire.id` counts; the
    figures are given for the domains of `questionnaire` (the version to compare on). `subject` places
    scores among them (none: the group's distribution alone)."""
    (benchmark,) = groups_benchmarks(
        [group], subject_site_ids, period, questionnaire, registry, min_size, subject=subject
    )
    return benchmark


def groups_benchmarks(
    groups: Sequence[PeerGroup],
    exclude: Collection[int],
    period: str,
    questionnaire: Questionnaire,
    registry: Registry,
    min_size: int,
    *,
    subject: SubjectScores | None = None,
) -> list[GroupBenchmark]:
    """Each of the groups (in the order given), less the excluded sites, shown or suppressed by disclosure
    control; a shown group's counts are merged across the versions of the questionnaire its sites answered."""
    exclude = frozenset(exclude)
    questionnaire_id = questionnaire.id
    sites = benchmark_data.get_peer_attributes(shared_filters(groups), exclude, period, questionnaire_id)
    decisions = decide_disclosure(
        [(group.id, group.label, members(group, sites, exclude)) for group in groups], min_size
    )
    shown = [group for group, decision in zip(groups, decisions, strict=True) if decision.shown]
    counts = benchmark_data.get_groups_counts(shown, exclude, period, questionnaire_id)
    results = []
    for decision in decisions:
        if not decision.shown:
            results.append(GroupBenchmark(decision=decision, min_size=min_size))
            continue
        found = counts[decision.group_id]
        versions = {version: registry.get(questionnaire_id, version) for version in found.versions}
        results.append(compare_with_group(decision, found, questionnaire, versions, min_size, subject))
    return results
