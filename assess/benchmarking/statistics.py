"""Peer statistics from counts: quantiles, percentile ranks and the summary of one domain (or overall).

The database counts how many peers had each score; these functions turn the counts into statistics. The
quantile method is PostgreSQL's percentile_cont (linear interpolation between the two nearest ordered
values), so the answers are the same whichever database counted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

OVERALL = "overall"


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
