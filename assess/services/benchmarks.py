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

import hashlib
import json
from collections.abc import Callable, Collection, Sequence
from fractions import Fraction
from typing import Any, TypeVar

from assess.benchmarking import (
    GroupBenchmark,
    GroupDecision,
    NotShown,
    PeerGroup,
    Score,
    SiteAttributes,
    SubjectScores,
    Summary,
    compare_with_group,
    decide_disclosure,
    members,
    peer_groups_for,
    place_groups,
    shared_filters,
)
from assess.data import benchmarks as benchmark_data
from assess.data import results_cache as cache_data
from assess.models import AssessmentScore, Site
from assess.questionnaire.loader import Registry
from assess.questionnaire.schema import Questionnaire

T = TypeVar("T")


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


# -- The results cache (issue 15, item 3) ---------------------------------------------------------------------

# Raised whenever the encoding below changes, so that entries written by an older version are worked out again.
CACHE_FORMAT = 1


def cached_site_benchmarks(
    site: Site, own: AssessmentScore, questionnaire: Questionnaire, registry: Registry, min_size: int
) -> list[GroupBenchmark]:
    """`site_benchmarks`, kept in the database (assess.data.results_cache) once worked out, so that a
    submitted assessment's results page, CSVs and report do not work them out again on every request, in
    every worker. The entry is keyed (`cache_key`) by the assessment, the submitted results and the sites as
    they stand (any new submission anywhere, or any change to a site, gives a new key), the questionnaire's
    loaded versions (their content hashes) and the threshold: an entry whose key differs is worked out again
    and replaced. One statement reads the entry with the stamp; the callers have checked access first."""
    found = cache_data.read_entry(own.assessment_id)
    key = cache_key(own, found.stamp, _versions(registry, questionnaire.id), min_size)
    return read_through(
        found,
        key,
        decode_benchmarks,
        lambda: site_benchmarks(site, own, questionnaire, registry, min_size),
        lambda built: cache_data.store_entry(own.assessment_id, key, encode_benchmarks(built)),
    )


def read_through(
    found: cache_data.CacheRead,
    key: str,
    decode: Callable[[str], T],
    build: Callable[[], T],
    store: Callable[[T], object],
) -> T:
    """The stored payload decoded when its key is `key`; otherwise (no row, a stale key, an unreadable payload)
    built, stored and returned."""
    if found.key == key and found.payload is not None:
        try:
            return decode(found.payload)
        except (ValueError, KeyError, TypeError, IndexError):  # unreadable: worked out again below
            pass
    built = build()
    store(built)
    return built


def _versions(registry: Registry, questionnaire_id: str) -> list[tuple[str, str]]:
    """(version, content hash) of every loaded version of the questionnaire: peers' versions are merged."""
    return sorted((item.key[1], item.content_hash) for item in registry if item.key[0] == questionnaire_id)


def cache_key(own: AssessmentScore, stamp: Sequence[str], versions: Sequence[tuple[str, str]], min_size: int) -> str:
    """A hex SHA-256 of everything a site's benchmarks depend on."""
    parts = {
        "format": CACHE_FORMAT,
        "assessment": own.assessment_id,
        "site": own.site_id,
        "period": own.period,
        "questionnaire": [own.questionnaire_id, own.questionnaire_version],
        "stamp": list(stamp),
        "versions": [list(item) for item in versions],
        "min_size": min_size,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _fraction(value: Fraction | None) -> list[int] | None:
    return None if value is None else [value.numerator, value.denominator]


def _from_fraction(value: list[int] | None) -> Fraction | None:
    return None if value is None else Fraction(value[0], value[1])


def _summary(summary: Summary | None) -> dict[str, Any] | None:
    if summary is None:
        return None
    return {
        "key": summary.key,
        "peers": summary.peers,
        "median": _fraction(summary.median),
        "lower_quartile": _fraction(summary.lower_quartile),
        "upper_quartile": _fraction(summary.upper_quartile),
        "levels": [[level, count] for level, count in summary.levels.items()],
        "site_score": _fraction(summary.site_score),
        "site_level": summary.site_level,
        "site_percentile": _fraction(summary.site_percentile),
    }


def _from_summary(data: dict[str, Any] | None) -> Summary | None:
    if data is None:
        return None
    return Summary(
        key=data["key"],
        peers=data["peers"],
        median=Fraction(*data["median"]),
        lower_quartile=Fraction(*data["lower_quartile"]),
        upper_quartile=Fraction(*data["upper_quartile"]),
        levels={int(level): int(count) for level, count in data["levels"]},
        site_score=_from_fraction(data["site_score"]),
        site_level=data["site_level"],
        site_percentile=_from_fraction(data["site_percentile"]),
    )


def reason_dict(reason: NotShown | None) -> dict[str, Any] | None:
    if reason is None:
        return None
    return {
        "code": reason.code,
        "sites": reason.sites,
        "min_size": reason.min_size,
        "broader": reason.broader,
        "together": list(reason.together),
    }


def reason_from(data: dict[str, Any] | None) -> NotShown | None:
    if data is None:
        return None
    return NotShown(data["code"], data["sites"], data["min_size"], data["broader"], tuple(data["together"]))


def decision_dict(decision: GroupDecision) -> dict[str, Any]:
    return {
        "group_id": decision.group_id,
        "label": decision.label,
        "members": sorted(decision.members),
        "shown": decision.shown,
        "reason": reason_dict(decision.reason),
    }


def decision_from(data: dict[str, Any]) -> GroupDecision:
    return GroupDecision(
        data["group_id"], data["label"], frozenset(data["members"]), data["shown"], reason_from(data["reason"])
    )


def benchmark_dict(item: GroupBenchmark) -> dict[str, Any]:
    """A group's benchmark as JSON-ready data (exact: fractions as numerator and denominator)."""
    return {
        "decision": decision_dict(item.decision),
        "versions": list(item.versions),
        "compared_domains": list(item.compared_domains),
        "uncompared_domains": list(item.uncompared_domains),
        "overall": _summary(item.overall),
        "domains": [[key, _summary(summary)] for key, summary in item.domains.items()],
        "suppressed_domains": [[key, count] for key, count in item.suppressed_domains.items()],
        "min_size": item.min_size,
        "period": item.period,
        "own_period": item.own_period,
        "skipped_periods": [[period, reason_dict(reason)] for period, reason in item.skipped_periods],
    }


def benchmark_from(item: dict[str, Any]) -> GroupBenchmark:
    """What benchmark_dict made, as it was."""
    return GroupBenchmark(
        decision=decision_from(item["decision"]),
        versions=tuple(item["versions"]),
        compared_domains=tuple(item["compared_domains"]),
        uncompared_domains=tuple(item["uncompared_domains"]),
        overall=_from_summary(item["overall"]),
        domains={key: summary for key, value in item["domains"] if (summary := _from_summary(value))},
        suppressed_domains={key: count for key, count in item["suppressed_domains"]},
        min_size=item["min_size"],
        period=item["period"],
        own_period=item["own_period"],
        skipped_periods=tuple(
            (period, reason) for period, value in item["skipped_periods"] if (reason := reason_from(value))
        ),
    )


def encode_benchmarks(benchmarks: Sequence[GroupBenchmark]) -> str:
    """The benchmarks as JSON (exact: fractions as numerator and denominator), for the results cache."""
    items = [benchmark_dict(item) for item in benchmarks]
    return json.dumps({"format": CACHE_FORMAT, "benchmarks": items}, separators=(",", ":"))


def decode_benchmarks(text: str) -> list[GroupBenchmark]:
    """What encode_benchmarks wrote, as it was (ValueError for another format)."""
    data = json.loads(text)
    if data.get("format") != CACHE_FORMAT:
        raise ValueError(f"results cache format {data.get('format')!r}, not {CACHE_FORMAT}")
    return [benchmark_from(item) for item in data["benchmarks"]]
