"""One peer group's benchmark from its counts: peers' versions merged into the subject's domains, then
summarised, with every domain that has too few peers held back.

The database counts, for each group, how many peers had each score and level in each domain of each
questionnaire version (GroupCounts); `compare_with_group` does the rest without touching it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from assess.questionnaire.schema import Questionnaire

from .disclosure import TOO_FEW_SITES, GroupDecision, NotShown
from .statistics import OVERALL, Summary, summarise
from .versions import VersionMap, map_versions

Counts = dict[int, int]  # value (score in hundredths, or level) -> how many peers


def _add(counts: Counts, key: int, count: int) -> None:
    counts[key] = counts.get(key, 0) + count


def _merge(into: Counts, more: Mapping[int, int]) -> None:
    for key, value in more.items():
        _add(into, key, value)


@dataclass
class GroupCounts:
    """The peers of one group counted: (version, domain id) -> score hundredths -> count, and level -> count;
    version -> the same for the overall score."""

    domain_scores: dict[tuple[str, str], Counts] = field(default_factory=lambda: defaultdict(dict))
    domain_levels: dict[tuple[str, str], Counts] = field(default_factory=lambda: defaultdict(dict))
    overall_scores: dict[str, Counts] = field(default_factory=lambda: defaultdict(dict))
    overall_levels: dict[str, Counts] = field(default_factory=lambda: defaultdict(dict))

    def add_domain(self, version: str, domain_id: str, hundredths: int, level: int, count: int) -> None:
        _add(self.domain_scores[(version, domain_id)], hundredths, count)
        _add(self.domain_levels[(version, domain_id)], level, count)

    def add_overall(self, version: str, hundredths: int, level: int, count: int) -> None:
        _add(self.overall_scores[version], hundredths, count)
        _add(self.overall_levels[version], level, count)

    @property
    def versions(self) -> tuple[str, ...]:
        """The questionnaire versions the peers answered, in order."""
        return tuple(sorted({version for version, _ in self.domain_scores} | set(self.overall_scores)))


@dataclass(frozen=True)
class Score:
    hundredths: int
    level: int


@dataclass(frozen=True)
class SubjectScores:
    """The subject's own scores, placed among the peers (its score and percentile rank in each Summary)."""

    overall: Score | None = None
    domains: Mapping[str, Score] = field(default_factory=dict)


@dataclass
class GroupBenchmark:
    """Everything the page, the CSV and the PDF show for one peer group."""

    decision: GroupDecision
    versions: tuple[str, ...] = ()
    compared_domains: tuple[str, ...] = ()
    uncompared_domains: tuple[str, ...] = ()
    overall: Summary | None = None
    domains: dict[str, Summary] = field(default_factory=dict)
    # Domain id (or OVERALL) -> how many peers have a score there, for those held back (fewer than min_size).
    suppressed_domains: dict[str, int] = field(default_factory=dict)
    min_size: int = 0  # the smallest number of peers with a score for which figures are shown
    # The period whose submissions the figures come from, and the period of the assessment compared. They
    # differ early in a year: a group with too few submissions this year is compared with the latest earlier
    # year that has enough (issue 13; assess.services.benchmarks decides). "" when not known.
    period: str = ""
    own_period: str = ""
    # Each period tried before `period` (for a group not shown: every period tried), newest first, with the
    # reason the group could not be shown for it; the own period first. Empty when shown for its own period,
    # and when no earlier period was looked for (an area's figures).
    skipped_periods: tuple[tuple[str, NotShown], ...] = ()

    @property
    def from_earlier_period(self) -> bool:
        """Whether the figures come from an earlier period than the assessment's own."""
        return bool(self.period) and bool(self.own_period) and self.period != self.own_period

    @property
    def looked_earlier(self) -> bool:
        """Whether earlier periods were looked at for a group not shown for its own period."""
        return bool(self.skipped_periods)

    def _only_too_few(self) -> bool:
        return all(reason.code == TOO_FEW_SITES for _, reason in self.skipped_periods)

    def comparison_note(self, kind_plural: str) -> str:
        """The sentence every page, CSV and report prints for a group compared with an earlier period ("" for
        one compared with its own): 'Compared with 2025-26, the latest year in which at least 5 other prisons
        in this group submitted an assessment. Not enough had submitted for 2026-27 yet.'"""
        if not self.from_earlier_period:
            return ""
        own_reason = next((reason for period, reason in self.skipped_periods if period == self.own_period), None)
        if self._only_too_few():
            first = (
                f"Compared with {self.period}, the latest year in which at least {self.min_size} other "
                f"{kind_plural} in this group submitted an assessment."
            )
        else:
            first = (
                f"Compared with {self.period}, the latest year for which this group can be shown without "
                "revealing any site's result."
            )
        if own_reason is None or own_reason.code == TOO_FEW_SITES:
            return f"{first} Not enough had submitted for {self.own_period} yet."
        return (
            f"{first} For {self.own_period} it differs from ‘{own_reason.broader}’ by exactly one site, so it "
            "cannot be shown for that year."
        )

    def earlier_note(self) -> str:
        """For a group not shown after earlier periods were looked at: that none of them could show it either
        ("" otherwise)."""
        if self.decision.shown or not self.looked_earlier:
            return ""
        if self._only_too_few():
            return f"No earlier year had at least {self.min_size} either."
        return "No earlier year could be shown either."


def version_maps(questionnaire: Questionnaire, peer_versions: Mapping[str, Questionnaire]) -> dict[str, VersionMap]:
    """How each peer version's domains map onto the subject's questionnaire (see map_versions)."""
    return map_versions(
        [domain.id for domain in questionnaire.domains],
        {domain.id: domain.previous_ids for domain in questionnaire.domains},
        {version: [domain.id for domain in definition.domains] for version, definition in peer_versions.items()},
        {
            version: {domain.id: domain.previous_ids for domain in definition.domains}
            for version, definition in peer_versions.items()
        },
    )


def merged_domain_counts(
    counts: GroupCounts, maps: Mapping[str, VersionMap]
) -> tuple[dict[str, Counts], dict[str, Counts]]:
    """(scores, levels) by the subject's domain id: every version's counts for the domain that stands for it."""
    scores: dict[str, Counts] = defaultdict(dict)
    levels: dict[str, Counts] = defaultdict(dict)
    for (version, domain_id), found in counts.domain_scores.items():
        target = maps[version].to_site_domain.get(domain_id)
        if target is not None:
            _merge(scores[target], found)
            _merge(levels[target], counts.domain_levels[(version, domain_id)])
    return scores, levels


def merged_overall_counts(counts: GroupCounts, maps: Mapping[str, VersionMap]) -> tuple[Counts, Counts]:
    """(scores, levels) of the overall score, from the versions with exactly the subject's domains only."""
    scores: Counts = {}
    levels: Counts = {}
    for version, found in counts.overall_scores.items():
        if maps[version].complete:
            _merge(scores, found)
            _merge(levels, counts.overall_levels[version])
    return scores, levels


def compare_with_group(
    decision: GroupDecision,
    counts: GroupCounts,
    questionnaire: Questionnaire,
    peer_versions: Mapping[str, Questionnaire],
    min_size: int,
    subject: SubjectScores | None = None,
) -> GroupBenchmark:
    """The benchmark of a shown group (a hidden one is returned with its decision alone).

    `questionnaire` is the version the subject answered, whose domains the figures are given for;
    `peer_versions` holds the definition of every version in `counts`. A domain is compared with a peer
    version where the ids match (directly or through previous_ids); a domain that some version lacks is
    listed as not compared. The overall score is compared only with versions whose domains all match.
    Figures for a domain (or overall) with fewer than `min_size` peers scored are held back: the count of
    peers is kept in suppressed_domains instead. `subject`: the scores to place among the peers (none for
    the distribution alone)."""
    benchmark = GroupBenchmark(decision=decision, min_size=min_size)
    if not decision.shown:
        return benchmark
    subject = subject or SubjectScores()
    maps = version_maps(questionnaire, {version: peer_versions[version] for version in counts.versions})
    site_domains = [domain.id for domain in questionnaire.domains]
    benchmark.versions = counts.versions
    compared = [
        domain for domain in site_domains if all(domain in item.to_site_domain.values() for item in maps.values())
    ]
    benchmark.compared_domains = tuple(compared)
    benchmark.uncompared_domains = tuple(domain for domain in site_domains if domain not in compared)
    level_values = [level.value for level in questionnaire.levels]

    def place(key: str, scores: Counts, levels: Counts, own: Score | None) -> Summary | None:
        peers = sum(scores.values())
        if peers < min_size:
            benchmark.suppressed_domains[key] = peers
            return None
        if own is None:
            return summarise(key, scores, levels, None, None, level_values)
        return summarise(key, scores, levels, own.hundredths, own.level, level_values)

    benchmark.overall = place(OVERALL, *merged_overall_counts(counts, maps), subject.overall)
    domain_scores, domain_levels = merged_domain_counts(counts, maps)
    for domain_id in site_domains:
        summary = place(domain_id, domain_scores[domain_id], domain_levels[domain_id], subject.domains.get(domain_id))
        if summary is not None:
            benchmark.domains[domain_id] = summary
    return benchmark
