"""Benchmarking maths on plain rows: peer groups, quartiles, percentile ranks, versions and disclosure control.

Pure: no Flask, no SQLAlchemy. The database does the grouping and counting (assess/data/benchmarks.py
returns, for each peer group, how many peers had each score in each domain); this package turns those
counts into statistics. Working from counts gives the same answers on SQLite and PostgreSQL by
construction, and the quantile method is the same as PostgreSQL's percentile_cont (linear
interpolation between the two nearest ordered values). docs/disclosure.md explains the rules.

- groups: peer groups defined by attribute values (PeerGroup), built for a site from the catalogue;
- statistics: quantiles, percentile ranks, a domain's Summary;
- versions: which domain of a peer's questionnaire version stands for which of the subject's;
- disclosure: which groups may be shown, and why not (a reason code and its numbers);
- compare: one group's counts merged across versions into a GroupBenchmark (and the words for its period);
- periods: which period each of a site's groups is compared with (its own, or an earlier one with enough).
"""

from __future__ import annotations

from .compare import GroupBenchmark, GroupCounts, Score, SubjectScores, compare_with_group
from .disclosure import DIFFERS_BY_ONE_SITE, TOO_FEW_SITES, GroupDecision, NotShown, decide_disclosure
from .groups import (
    FILTER_ATTRIBUTES,
    PEER_GROUPS,
    Filter,
    GroupDefinition,
    PeerGroup,
    SiteAttributes,
    group_definition,
    kind_plural,
    members,
    national_group,
    peer_groups_for,
    shared_filters,
)
from .periods import Placement, Placements, place_groups
from .statistics import OVERALL, Summary, percentile_rank, quantile, summarise
from .versions import VersionMap, map_versions

__all__ = [
    "DIFFERS_BY_ONE_SITE",
    "FILTER_ATTRIBUTES",
    "OVERALL",
    "PEER_GROUPS",
    "TOO_FEW_SITES",
    "Filter",
    "GroupBenchmark",
    "GroupCounts",
    "GroupDecision",
    "GroupDefinition",
    "NotShown",
    "PeerGroup",
    "Placement",
    "Placements",
    "Score",
    "SiteAttributes",
    "SubjectScores",
    "Summary",
    "VersionMap",
    "compare_with_group",
    "decide_disclosure",
    "group_definition",
    "kind_plural",
    "map_versions",
    "members",
    "national_group",
    "peer_groups_for",
    "place_groups",
    "percentile_rank",
    "quantile",
    "shared_filters",
    "summarise",
]
