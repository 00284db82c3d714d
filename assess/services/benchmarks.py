"""Benchmarks, assembled once: a site against each of its peer groups, or any set of subject sites against a
group given by attribute values (an area's sites against all prisons nationally).

Three queries whatever the number of peers or groups (the sites' attributes, then every group's domain and
overall counts at once), and, for a site whose groups have too few submissions for its own period, one to find
the earlier periods and the same three for each earlier period a group is compared with instead. The
statistics, the merging of questionnaire versions and disclosure control are the pure functions of
assess.benchmarking. Nothing is read from Flask: the caller passes the registry and
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
    place_groups,
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
    reason), for the questionnaire of its stored assessment `own` (answered on `questionnaire`).

    A group is compared with the assessment's own period when disclosure control shows it for that period;
    otherwise (early in a year, too few others have submitted) with the latest earlier period that shows it,
    as assess.benchmarking.periods decides. Each GroupBenchmark says both periods (`period`, `own_period`). A
    group that no period shows is returned with its own period's reason. Three queries when every group is
    shown for its own period; otherwise one more for the periods that might have enough, then the same
    queries for each earlier period used, never one per peer or per group."""
    if own.questionnaire_id != questionnaire.id:
        raise ValueError(f"scores of {own.questionnaire_id!r} compared on questionnaire {questionnaire.id!r}")
    groups = peer_groups_for(site_attributes(site))
    by_id = {group.id: group for group in groups}
    exclude = frozenset({site.id})
    questionnaire_id = questionnaire.id
    within = shared_filters(groups)

    def candidates(period: str, group_ids: Sequence[str]) -> list[tuple[str, str, frozenset[int]]]:
        asked = [by_id[group_id] for group_id in group_ids]
        sites = benchmark_data.get_peer_attributes(shared_filters(asked), exclude, period, questionnaire_id)
        return [(group.id, group.label, members(group, sites, exclude)) for group in asked]

    placements = place_groups(
        own.period,
        candidates(own.period, [group.id for group in groups]),
        lambda: benchmark_data.get_earlier_periods(own.period, within, exclude, questionnaire_id, min_size),
        candidates,
        min_size,
    )
    subject = subject_scores(own)
    built: dict[str, GroupBenchmark] = {}
    for period, placed in placements.by_period().items():
        shown = [by_id[item.group_id] for item in placed]
        counts = benchmark_data.get_groups_counts(shown, exclude, period, questionnaire_id)
        for item in placed:
            found = counts[item.group_id]
            versions = {version: registry.get(questionnaire_id, version) for version in found.versions}
            built[item.group_id] = compare_with_group(item.decision, found, questionnaire, versions, min_size, subject)
    results = []
    for item in placements.groups:
        benchmark = built.get(item.group_id) or GroupBenchmark(decision=item.decision, min_size=min_size)
        benchmark.period = item.period or own.period
        benchmark.own_period = own.period
        benchmark.skipped_periods = item.skipped
        results.append(benchmark)
    return results


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
