"""Benchmarking maths on plain rows: peer groups, quartiles, percentile ranks and disclosure control.

Pure: no Flask, no SQLAlchemy. The database does the grouping and counting (assess/data/benchmarks.py
returns, for each peer group, how many peers had each score in each domain); this module turns those
counts into statistics. Working from counts gives the same answers on SQLite and PostgreSQL by
construction, and the quantile method is the same as PostgreSQL's percentile_cont (linear
interpolation between the two nearest ordered values). docs/disclosure.md explains the rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

OVERALL = "overall"


# -- Peer groups --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteAttributes:
    site_id: int
    kind: str
    region: str
    category: str | None = None
    function: str | None = None
    population_band: str | None = None


@dataclass(frozen=True)
class GroupDefinition:
    """A way of choosing peers: sites of the same kind that share these attributes."""

    id: str
    attributes: tuple[str, ...]
    order: int

    def applies_to(self, site: SiteAttributes) -> bool:
        return all(getattr(site, name) for name in self.attributes)

    def matches(self, site: SiteAttributes, peer: SiteAttributes) -> bool:
        return peer.kind == site.kind and all(getattr(peer, name) == getattr(site, name) for name in self.attributes)

    def label(self, site: SiteAttributes) -> str:
        kinds = "prisons" if site.kind == "prison" else "probation services"
        if self.id == "national":
            return f"All {kinds}"
        if self.id == "region":
            return f"{kinds.capitalize()} in {site.region}"
        if self.id == "category":
            return f"{kinds.capitalize()} in the same category ({site.category})"
        if self.id == "function":
            return f"{kinds.capitalize()} with the same function ({site.function})"
        return f"{kinds.capitalize()} of the same size ({site.population_band})"


# The one place peer groups are defined. Every group is the same kind of site (prisons are compared with
# prisons, probation with probation); each adds attributes that must match.
PEER_GROUPS: tuple[GroupDefinition, ...] = (
    GroupDefinition("national", (), 1),
    GroupDefinition("region", ("region",), 2),
    GroupDefinition("category", ("category",), 3),
    GroupDefinition("function", ("function",), 4),
    GroupDefinition("population", ("population_band",), 5),
)


def group_definition(group_id: str) -> GroupDefinition:
    return next(group for group in PEER_GROUPS if group.id == group_id)


def groups_for(site: SiteAttributes) -> list[GroupDefinition]:
    return [group for group in PEER_GROUPS if group.applies_to(site)]


def members(site: SiteAttributes, group: GroupDefinition, peers: Iterable[SiteAttributes]) -> frozenset[int]:
    """The other sites in the group (never the site itself)."""
    return frozenset(peer.site_id for peer in peers if peer.site_id != site.site_id and group.matches(site, peer))


# -- Statistics from counts -----------------------------------------------------------------------


def quantile(counts: Mapping[int, int], p: Fraction) -> Fraction:
    """The p-quantile of the values described by {value: how many}, by linear interpolation
    (as PostgreSQL's percentile_cont): position h = (n - 1) * p in the sorted values (from 0),
    then the value at floor(h) plus (h - floor(h)) times the step to the next value."""
    ordered = sorted((value, count) for value, count in counts.items() if count > 0)
    n = sum(count for _, count in ordered)
    if n == 0:
        raise ValueError("no values")
    position = (n - 1) * p
    low_index = int(position)  # floor: position is never negative
    fraction = position - low_index

    def value_at(index: int) -> int:
        seen = 0
        for value, count in ordered:
            seen += count
            if index < seen:
                return value
        return ordered[-1][0]

    low = value_at(low_index)
    if fraction == 0:
        return Fraction(low)
    return low + fraction * (value_at(low_index + 1) - low)


def percentile_rank(counts: Mapping[int, int], value: int) -> Fraction:
    """The share of peers scoring below the value, counting ties as half (0 to 100)."""
    n = sum(counts.values())
    if n == 0:
        raise ValueError("no values")
    below = sum(count for score, count in counts.items() if score < value)
    equal = counts.get(value, 0)
    return Fraction(100) * (below + Fraction(equal, 2)) / n


@dataclass(frozen=True)
class Summary:
    """Peer statistics for one domain (or overall), in score units (0.0 to 5.0)."""

    key: str
    peers: int
    median: Fraction
    lower_quartile: Fraction
    upper_quartile: Fraction
    levels: dict[int, int]  # level -> how many peers are at it
    site_score: Fraction | None
    site_level: int | None
    site_percentile: Fraction | None


def summarise(
    key: str,
    score_counts: Mapping[int, int],
    level_counts: Mapping[int, int],
    site_hundredths: int | None,
    site_level: int | None,
    level_values: Sequence[int],
) -> Summary:
    """Turn counts of scores (in hundredths) and levels into a Summary in score units."""
    hundred = Fraction(100)
    return Summary(
        key=key,
        peers=sum(score_counts.values()),
        median=quantile(score_counts, Fraction(1, 2)) / hundred,
        lower_quartile=quantile(score_counts, Fraction(1, 4)) / hundred,
        upper_quartile=quantile(score_counts, Fraction(3, 4)) / hundred,
        levels={value: level_counts.get(value, 0) for value in level_values},
        site_score=None if site_hundredths is None else Fraction(site_hundredths) / hundred,
        site_level=site_level,
        site_percentile=None if site_hundredths is None else percentile_rank(score_counts, site_hundredths),
    )


# -- Comparing across questionnaire versions ------------------------------------------------------


@dataclass(frozen=True)
class VersionMap:
    """For one peer version: which of its domain ids stands for which domain of the site's version."""

    version: str
    to_site_domain: dict[str, str]
    complete: bool  # every domain of both versions is matched, so overall scores are comparable too


def map_versions(
    site_domains: Sequence[str],
    site_previous_ids: Mapping[str, Sequence[str]],
    peer_versions: Mapping[str, Sequence[str]],
    peer_previous_ids: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
) -> dict[str, VersionMap]:
    """Domains are compared only where ids match, directly or through `previous_ids` (a renamed domain
    lists the ids it had in earlier versions). Works in both directions: an older site compared with
    newer peers, and a newer site compared with older peers."""
    peer_previous_ids = peer_previous_ids or {}
    result: dict[str, VersionMap] = {}
    for version, domains in peer_versions.items():
        mapping: dict[str, str] = {}
        newer_names = peer_previous_ids.get(version, {})
        for site_domain in site_domains:
            candidates = {site_domain, *site_previous_ids.get(site_domain, ())}
            for peer_domain in domains:
                if peer_domain in candidates or site_domain in newer_names.get(peer_domain, ()):
                    mapping[peer_domain] = site_domain
                    break
        complete = len(mapping) == len(site_domains) == len(domains)
        result[version] = VersionMap(version, mapping, complete)
    return result


# -- Disclosure control ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupDecision:
    group_id: str
    label: str
    members: frozenset[int]
    shown: bool
    reason: str | None = None  # why it is not shown


def _other_sites(count: int) -> str:
    if count == 0:
        return "No other sites"
    return f"Only {count} other site{'' if count == 1 else 's'}"


def decide_disclosure(candidates: Sequence[tuple[str, str, frozenset[int]]], min_size: int) -> list[GroupDecision]:
    """Which peer groups a respondent may see.

    1. A group with fewer than `min_size` other sites is not shown.
    2. No two shown groups may differ by exactly one site: otherwise subtracting one group's figures
       from the other's would reveal that site's result. Groups are considered broadest first, so the
       broader group is kept and the narrower one suppressed. Groups with identical members are fine.
    """
    decisions: list[GroupDecision] = []
    shown: list[GroupDecision] = []
    for group_id, label, group_members in sorted(candidates, key=lambda item: -len(item[2])):
        if len(group_members) < min_size:
            reason = (
                f"{_other_sites(len(group_members))} in this group submitted an assessment for the "
                f"period. Figures are shown only for groups of at least {min_size}, so that no site's result "
                "can be worked out."
            )
            decisions.append(GroupDecision(group_id, label, group_members, False, reason))
            continue
        clash = next((other for other in shown if len(other.members ^ group_members) == 1), None)
        if clash is not None:
            reason = (
                f"This group differs from ‘{clash.label}’ by exactly one site, so showing both would reveal that "
                "site's result. Only the broader group is shown."
            )
            decisions.append(GroupDecision(group_id, label, group_members, False, reason))
            continue
        decision = GroupDecision(group_id, label, group_members, True)
        decisions.append(decision)
        shown.append(decision)
    order = {group_id: index for index, (group_id, _, _) in enumerate(candidates)}
    return sorted(decisions, key=lambda decision: order[decision.group_id])


@dataclass
class GroupBenchmark:
    """Everything the page, the CSV and the PDF show for one peer group."""

    decision: GroupDecision
    versions: tuple[str, ...] = ()
    compared_domains: tuple[str, ...] = ()
    uncompared_domains: tuple[str, ...] = ()
    overall: Summary | None = None
    domains: dict[str, Summary] = field(default_factory=dict)
    suppressed_domains: dict[str, str] = field(default_factory=dict)  # domain -> reason
