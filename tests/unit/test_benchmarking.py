"""Peer groups, statistics, versions and disclosure rules, against examples worked by hand; and the words the
templates write for the reasons, which are data here."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from assess.benchmarking import (
    DIFFERS_BY_ONE_SITE,
    OVERALL,
    TOO_FEW_SITES,
    GroupBenchmark,
    GroupCounts,
    GroupDecision,
    NotShown,
    PeerGroup,
    Score,
    SiteAttributes,
    SubjectScores,
    compare_with_group,
    decide_disclosure,
    map_versions,
    members,
    national_group,
    peer_groups_for,
    percentile_rank,
    quantile,
    shared_filters,
    summarise,
)
from assess.charts import too_few_scored
from assess.questionnaire.loader import load_file
from assess.questionnaire.schema import Questionnaire

ROOT = Path(__file__).resolve().parents[2]

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
    assert [group.id for group in peer_groups_for(SITE)] == ["national", "region", "category", "function", "population"]
    assert [group.id for group in peer_groups_for(probation)] == ["national", "region", "population"]


def test_a_sites_groups_carry_their_filters_as_values_and_their_labels():
    groups = {group.id: group for group in peer_groups_for(SITE)}
    assert groups["national"] == PeerGroup("national", "All prisons", (("kind", "prison"),))
    assert groups["region"] == PeerGroup(
        "region", "Prisons in North West", (("kind", "prison"), ("region", "North West"))
    )
    assert groups["category"].filters == (("kind", "prison"), ("category", "Category C"))
    assert groups["category"].label == "Prisons in the same category (Category C)"
    assert groups["function"].label == "Prisons with the same function (Training)"
    assert groups["population"].filters == (("kind", "prison"), ("population_band", "500-999"))
    assert groups["population"].label == "Prisons of the same size (500-999)"
    probation = peer_groups_for(SiteAttributes(2, "probation", "Wales"))
    assert [group.label for group in probation] == ["All probation services", "Probation services in Wales"]


PEERS = [
    SITE,
    SiteAttributes(2, "prison", "North West", "Category B", None, None),
    SiteAttributes(3, "prison", "Wales", "Category C", None, None),
    SiteAttributes(4, "probation", "North West", None, None, None),
    SiteAttributes(5, "prison", "North West", "Category C", None, None),
]


def test_membership_is_by_the_filters_values_never_the_subject_itself():
    by_id = {group.id: group for group in peer_groups_for(SITE)}
    assert members(by_id["national"], PEERS, exclude={1}) == {2, 3, 5}
    assert members(by_id["region"], PEERS, exclude={1}) == {2, 5}
    assert members(by_id["category"], PEERS, exclude={1}) == {3, 5}
    assert members(by_id["category"], PEERS) == {1, 3, 5}  # the group itself holds the site: the caller leaves it out


def test_the_same_values_are_the_same_group_whichever_site_they_came_from():
    neighbour = SiteAttributes(5, "prison", "North West", "Category C", None, None)
    assert peer_groups_for(neighbour)[:3] == peer_groups_for(SITE)[:3]  # national, region, category


def test_an_areas_sites_against_all_prisons_nationally():
    area = {1, 2, 5}  # the North West prisons
    assert national_group("prison") == PeerGroup("national", "All prisons", (("kind", "prison"),))
    assert members(national_group("prison"), PEERS, exclude=area) == {3}
    assert members(national_group("probation"), PEERS, exclude=area) == {4}
    assert members(PeerGroup("area", "North West", (("region", "North West"),)), PEERS) == {1, 2, 4, 5}


def test_shared_filters_and_unknown_attributes():
    groups = peer_groups_for(SITE)
    assert shared_filters(groups) == (("kind", "prison"),)
    assert shared_filters(groups[1:2]) == (("kind", "prison"), ("region", "North West"))
    assert shared_filters([]) == ()
    with pytest.raises(ValueError, match="unknown attributes"):
        PeerGroup("odd", "Odd", (("name", "HMP Fellwater"),))


# -- disclosure ---------------------------------------------------------------------------------------


def ids(count: int, start: int = 100) -> frozenset[int]:
    return frozenset(range(start, start + count))


def test_four_other_sites_are_suppressed_five_are_shown():
    decisions = decide_disclosure([("national", "All prisons", ids(5)), ("region", "Prisons in Wales", ids(4))], 5)
    assert [(decision.group_id, decision.shown) for decision in decisions] == [("national", True), ("region", False)]
    assert decisions[0].reason is None
    assert decisions[1].reason == NotShown(TOO_FEW_SITES, sites=4, min_size=5)


def test_two_groups_differing_by_one_site_cannot_both_be_shown():
    national = ids(8)
    region = frozenset(sorted(national)[:7])  # the national group less one site
    decisions = decide_disclosure(
        [("national", "All prisons", national), ("region", "Prisons in the region", region)], 5
    )
    assert [(decision.group_id, decision.shown) for decision in decisions] == [("national", True), ("region", False)]
    assert decisions[1].reason == NotShown(DIFFERS_BY_ONE_SITE, sites=7, min_size=5, broader="All prisons")


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


# -- one group's benchmark from its counts, across questionnaire versions -------------------------------


@pytest.fixture(scope="module")
def versions() -> dict[str, Questionnaire]:
    """mini 1.0 (alpha, beta), and a 2.0 in which beta is renamed gamma and delta is new."""
    older = load_file(ROOT / "tests" / "fixtures" / "questionnaires" / "mini" / "1.0.yaml").definition
    alpha, beta = older.domains
    gamma = beta.model_copy(update={"id": "gamma", "title": "Gamma", "previous_ids": ("beta",)})
    delta = beta.model_copy(update={"id": "delta", "title": "Delta"})
    newer = older.model_copy(update={"version": "2.0", "domains": (alpha, gamma, delta)})
    return {"1.0": older, "2.0": newer}


def worked_counts() -> GroupCounts:
    """Peers on 1.0: alpha 1.0, 2.0; beta 3.0, 3.0; overall 1.5, 2.5.
    Peers on 2.0: alpha 3.0, 4.0; gamma 1.0; delta 5.0, 5.0; overall 3.0, 3.0, 3.5."""
    counts = GroupCounts()
    for version, domain_id, hundredths in [
        ("1.0", "alpha", 100),
        ("1.0", "alpha", 200),
        ("1.0", "beta", 300),
        ("1.0", "beta", 300),
        ("2.0", "alpha", 300),
        ("2.0", "alpha", 400),
        ("2.0", "gamma", 100),
        ("2.0", "delta", 500),
        ("2.0", "delta", 500),
    ]:
        counts.add_domain(version, domain_id, hundredths, hundredths // 100, 1)
    for version, hundredths in [("1.0", 150), ("1.0", 250), ("2.0", 300), ("2.0", 300), ("2.0", 350)]:
        counts.add_overall(version, hundredths, hundredths // 100, 1)
    return counts


SHOWN = GroupDecision("national", "All prisons", frozenset(range(10, 17)), True)
OWN = SubjectScores(overall=Score(300, 3), domains={"alpha": Score(250, 2), "delta": Score(500, 5)})


def test_peers_on_two_versions_merged_into_the_subjects_domains(versions):
    result = compare_with_group(SHOWN, worked_counts(), versions["2.0"], versions, 3, OWN)
    assert result.decision is SHOWN and result.min_size == 3
    assert result.versions == ("1.0", "2.0")
    # delta is not in 1.0, so it is not compared; beta (1.0) is compared as gamma through previous_ids.
    assert (result.compared_domains, result.uncompared_domains) == (("alpha", "gamma"), ("delta",))

    # alpha: 1.0, 2.0 (from 1.0) and 3.0, 4.0 (from 2.0): median at position 1.5 -> 2.5; quartiles at 0.75 and
    # 2.25 -> 1.75 and 3.25; the subject's 2.5 has two of four below -> 50th.
    alpha = result.domains["alpha"]
    assert (alpha.peers, alpha.median, alpha.lower_quartile, alpha.upper_quartile) == (
        4,
        Fraction(5, 2),
        Fraction(7, 4),
        Fraction(13, 4),
    )
    assert (alpha.site_score, alpha.site_level, alpha.site_percentile) == (Fraction(5, 2), 2, 50)
    assert alpha.levels == {0: 0, 1: 1, 2: 1, 3: 1, 4: 1, 5: 0}

    # gamma: beta's 3.0, 3.0 (1.0) and gamma's 1.0 (2.0): 1, 3, 3 -> median 3, quartiles 2 and 3; no own score.
    gamma = result.domains["gamma"]
    assert (gamma.peers, gamma.median, gamma.lower_quartile, gamma.upper_quartile) == (3, 3, 2, 3)
    assert (gamma.site_score, gamma.site_percentile) == (None, None)
    assert gamma.levels == {0: 0, 1: 1, 2: 0, 3: 2, 4: 0, 5: 0}

    # delta: only two peers have a score (2.0 only): held back, with the count kept for the sentence.
    assert "delta" not in result.domains
    assert result.suppressed_domains == {"delta": 2}

    # overall: only 2.0 has exactly the subject's domains, so 1.0's 1.5 and 2.5 are left out: 3.0, 3.0, 3.5 ->
    # median 3, quartiles 3 and 3.25; the subject's 3.0 ties with two of three -> (0 + 2/2) / 3 = 33 1/3.
    overall = result.overall
    assert overall is not None and overall.key == OVERALL
    assert (overall.peers, overall.median, overall.lower_quartile, overall.upper_quartile) == (3, 3, 3, Fraction(13, 4))
    assert (overall.site_score, overall.site_percentile) == (3, Fraction(100, 3))


def test_with_a_higher_threshold_more_is_held_back_overall_first(versions):
    result = compare_with_group(SHOWN, worked_counts(), versions["2.0"], versions, 4, OWN)
    assert result.overall is None and list(result.domains) == ["alpha"]
    assert result.suppressed_domains == {OVERALL: 3, "gamma": 3, "delta": 2}


def test_an_older_subject_against_the_same_peers(versions):
    """The subject answered 1.0: the 2.0 peers' gamma counts as beta, their delta is left out, and no overall
    score is comparable with 2.0, so only 1.0's two overall scores count (too few for 3)."""
    result = compare_with_group(SHOWN, worked_counts(), versions["1.0"], versions, 3)
    assert (result.compared_domains, result.uncompared_domains) == (("alpha", "beta"), ())
    assert result.domains["beta"].peers == 3 and result.domains["alpha"].peers == 4
    assert result.suppressed_domains == {OVERALL: 2}
    assert result.domains["alpha"].site_score is None  # no subject scores: the distribution alone


def test_a_hidden_group_has_its_decision_alone(versions):
    hidden = GroupDecision("region", "Prisons in Wales", frozenset({1, 2}), False, NotShown(TOO_FEW_SITES, 2, 5))
    result = compare_with_group(hidden, worked_counts(), versions["2.0"], versions, 5, OWN)
    assert result.decision is hidden and result.min_size == 5
    assert (result.versions, result.domains, result.overall, result.suppressed_domains) == ((), {}, None, {})


# -- the words, written by the templates from the data -------------------------------------------------------


@pytest.fixture(scope="module")
def macros():
    environment = Environment(loader=FileSystemLoader(ROOT / "assess" / "templates"), undefined=StrictUndefined)
    environment.globals.update(score_text=str, percentile_text=str)
    return environment.get_template("macros/benchmarks.html").module


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        (
            NotShown(TOO_FEW_SITES, 4, 5),
            "Only 4 other sites in this group submitted an assessment for the period. Figures are shown only for "
            "groups of at least 5, so that no site's result can be worked out.",
        ),
        (NotShown(TOO_FEW_SITES, 1, 5), "Only 1 other site in this group submitted an assessment for the period."),
        (NotShown(TOO_FEW_SITES, 0, 3), "No other sites in this group submitted an assessment for the period."),
        (
            NotShown(DIFFERS_BY_ONE_SITE, 7, 5, broader="All prisons"),
            "This group differs from ‘All prisons’ by exactly one site, so showing both would reveal that site's "
            "result. Only the broader group is shown.",
        ),
    ],
)
def test_why_a_group_is_not_shown(macros, reason, words):
    assert str(macros.group_not_shown(reason)).startswith(words)


def test_why_an_areas_figures_are_held_back_in_the_same_words_as_the_chart_tables(macros):
    assert (
        str(macros.too_few_scored(3, 5))
        == too_few_scored(3, 5)
        == (
            "Only 3 sites in this group have a score here. Figures are shown for at least 5, so that no site's result "
            "can be worked out."
        )
    )
    assert str(macros.too_few_scored(1, 4)) == too_few_scored(1, 4)
    assert "Only 1 site in this group has a score here" in too_few_scored(1, 4)


def _hidden(reason, skipped=(), own_period="2026-27"):
    decision = GroupDecision("region", "Prisons in Wales", frozenset({1, 2}), False, reason)
    return GroupBenchmark(
        decision=decision, min_size=reason.min_size, period=own_period, own_period=own_period, skipped_periods=skipped
    )


def test_a_list_of_groups_not_shown_gives_each_its_own_reason_and_the_rule_once(macros):
    few = NotShown(TOO_FEW_SITES, 2, 5)
    searched = _hidden(few, (("2026-27", few), ("2025-26", NotShown(TOO_FEW_SITES, 3, 5))))
    assert str(macros.not_shown_reason(searched)) == (
        "Only 2 other sites in this group submitted an assessment for 2026-27. No earlier year had at least 5 either."
    )
    clash = NotShown(DIFFERS_BY_ONE_SITE, 7, 5, broader="All prisons")
    assert str(macros.not_shown_reason(_hidden(clash))) == (
        "It differs from ‘All prisons’ by exactly one site for 2026-27."
    )
    area = GroupBenchmark(decision=GroupDecision("national", "All prisons", frozenset(), False, few), min_size=5)
    assert (
        str(macros.not_shown_reason(area)) == "Only 2 other sites in this group submitted an assessment for the period."
    )
    rule = str(macros.not_shown_explanation([searched, _hidden(clash)]))
    assert rule.count("Figures are shown only for groups of at least 5 other sites") == 1
    assert "only the broader group is shown" in rule and "the latest earlier year" in rule
    only_few = str(macros.not_shown_explanation([area]))
    assert "broader" not in only_few and "earlier year" not in only_few
