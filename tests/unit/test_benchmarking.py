"""Peer statistics and disclosure rules, against examples worked by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest

from assess.benchmarking import (
    PEER_GROUPS,
    SiteAttributes,
    decide_disclosure,
    groups_for,
    map_versions,
    members,
    percentile_rank,
    quantile,
    summarise,
)

HALF, QUARTER, THREE_QUARTERS = Fraction(1, 2), Fraction(1, 4), Fraction(3, 4)


def counts(*values: int) -> dict[int, int]:
    result: dict[int, int] = {}
    for value in values:
        result[value] = result.get(value, 0) + 1
    return result


# -- quantiles: linear interpolation, as PostgreSQL's percentile_cont ---------------------------------


def test_median_of_an_odd_group_is_the_middle_value():
    # 10, 20, 30, 40, 50: position (5 - 1) * 1/2 = 2 -> 30
    assert quantile(counts(50, 10, 40, 20, 30), HALF) == 30


def test_median_of_an_even_group_is_halfway_between_the_middle_two():
    # 10, 20, 30, 40: position 1.5 -> 20 + 0.5 * (30 - 20) = 25
    assert quantile(counts(10, 20, 30, 40), HALF) == 25


def test_quartiles_of_five_values():
    # 100, 200, 300, 400, 500: lower at position 1 -> 200, upper at position 3 -> 400
    values = counts(100, 200, 300, 400, 500)
    assert quantile(values, QUARTER) == 200
    assert quantile(values, THREE_QUARTERS) == 400


def test_quartiles_interpolate_between_values():
    # 10, 20, 30, 40, 50, 60: lower at (6 - 1) / 4 = 1.25 -> 20 + 0.25 * 10 = 22.5; upper at 3.75 -> 47.5
    values = counts(10, 20, 30, 40, 50, 60)
    assert quantile(values, QUARTER) == Fraction(45, 2)
    assert quantile(values, THREE_QUARTERS) == Fraction(95, 2)


def test_ties_count_once_each():
    # 20, 20, 20, 30: median at position 1.5 -> 20 + 0.5 * 0 = 20; upper at 2.25 -> 20 + 0.25 * 10 = 22.5
    values = {20: 3, 30: 1}
    assert quantile(values, HALF) == 20
    assert quantile(values, THREE_QUARTERS) == Fraction(45, 2)


def test_a_single_value_is_every_quantile():
    assert quantile(counts(270), QUARTER) == quantile(counts(270), THREE_QUARTERS) == 270


def test_no_values_is_an_error():
    with pytest.raises(ValueError):
        quantile({}, HALF)


# -- percentile rank: share below, ties counted as half ----------------------------------------------


def test_percentile_rank_counts_ties_as_half():
    # peers 10, 20, 20, 30: for 20, one below and two equal -> (1 + 1) / 4 = 50
    assert percentile_rank(counts(10, 20, 20, 30), 20) == 50


def test_percentile_rank_at_the_ends():
    peers = counts(10, 20, 30, 40)
    assert percentile_rank(peers, 5) == 0
    assert percentile_rank(peers, 45) == 100
    assert percentile_rank(peers, 25) == 50


def test_summary_is_in_score_units():
    summary = summarise(
        "voice", counts(100, 200, 300, 400, 500), {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}, 250, 2, [0, 1, 2, 3, 4, 5]
    )
    assert (summary.peers, summary.median, summary.lower_quartile, summary.upper_quartile) == (5, 3, 2, 4)
    assert summary.site_score == Fraction(5, 2)
    assert summary.site_percentile == 40  # two of five below
    assert summary.levels == {0: 0, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1}


# -- peer groups --------------------------------------------------------------------------------------


SITE = SiteAttributes(1, "prison", "North West", "Category C", "Training", "500-999")


def test_groups_that_apply_need_the_attribute():
    probation = SiteAttributes(2, "probation", "Wales", None, None, "Under 1000")
    assert [group.id for group in groups_for(SITE)] == ["national", "region", "category", "function", "population"]
    assert [group.id for group in groups_for(probation)] == ["national", "region", "population"]


def test_members_are_the_same_kind_sharing_the_attributes_never_the_site_itself():
    peers = [
        SITE,
        SiteAttributes(2, "prison", "North West", "Category B", None, None),
        SiteAttributes(3, "prison", "Wales", "Category C", None, None),
        SiteAttributes(4, "probation", "North West", None, None, None),
    ]
    by_id = {group.id: group for group in PEER_GROUPS}
    assert members(SITE, by_id["national"], peers) == {2, 3}
    assert members(SITE, by_id["region"], peers) == {2}
    assert members(SITE, by_id["category"], peers) == {3}


# -- disclosure ---------------------------------------------------------------------------------------


def ids(count: int, start: int = 100) -> frozenset[int]:
    return frozenset(range(start, start + count))


def test_four_other_sites_are_suppressed_five_are_shown():
    decisions = decide_disclosure([("national", "All prisons", ids(5)), ("region", "Prisons in Wales", ids(4))], 5)
    assert [(decision.group_id, decision.shown) for decision in decisions] == [("national", True), ("region", False)]
    assert "Only 4 other sites" in (decisions[1].reason or "")
    assert "at least 5" in (decisions[1].reason or "")


def test_two_groups_differing_by_one_site_cannot_both_be_shown():
    national = ids(8)
    region = frozenset(sorted(national)[:7])  # the national group less one site
    decisions = decide_disclosure(
        [("national", "All prisons", national), ("region", "Prisons in the region", region)], 5
    )
    assert [(decision.group_id, decision.shown) for decision in decisions] == [("national", True), ("region", False)]
    assert "differs from ‘All prisons’ by exactly one site" in (decisions[1].reason or "")


def test_differencing_is_checked_against_every_shown_group_not_only_the_largest():
    national = ids(20)
    region = frozenset(sorted(national)[:10])
    category = frozenset(sorted(national)[:9])  # region less one site
    decisions = decide_disclosure(
        [("national", "All", national), ("region", "Region", region), ("category", "Category", category)], 5
    )
    assert [decision.shown for decision in decisions] == [True, True, False]


def test_groups_with_the_same_members_are_both_shown():
    same = ids(6)
    decisions = decide_disclosure([("national", "All", same), ("region", "Region", same)], 5)
    assert all(decision.shown for decision in decisions)


def test_a_suppressed_group_does_not_block_others():
    national = ids(12)
    small = ids(3)  # below the threshold: not shown, so it cannot be subtracted
    other = frozenset(sorted(national)[:10])
    decisions = decide_disclosure(
        [("national", "All", national), ("small", "Small", small), ("other", "Other", other)], 5
    )
    assert [decision.shown for decision in decisions] == [True, False, True]


# -- comparing questionnaire versions ----------------------------------------------------------------


def test_versions_are_compared_only_on_domains_whose_ids_match():
    maps = map_versions(["voice", "leadership", "outcomes"], {}, {"1.0": ["voice", "leadership", "impact"]})
    assert maps["1.0"].to_site_domain == {"voice": "voice", "leadership": "leadership"}
    assert maps["1.0"].complete is False


def test_a_renamed_domain_is_matched_through_previous_ids_both_ways():
    newer_site = map_versions(["voice", "outcomes"], {"outcomes": ("impact",)}, {"1.0": ["voice", "impact"]})
    assert newer_site["1.0"].to_site_domain == {"voice": "voice", "impact": "outcomes"}
    assert newer_site["1.0"].complete is True
    older_site = map_versions(
        ["voice", "impact"], {}, {"2.0": ["voice", "outcomes"]}, {"2.0": {"outcomes": ("impact",)}}
    )
    assert older_site["2.0"].to_site_domain == {"voice": "voice", "outcomes": "impact"}
