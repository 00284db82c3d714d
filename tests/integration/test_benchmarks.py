"""Benchmarks from stored scores in SQL (run on SQLite and on PostgreSQL by `make test`): the queries of
assess.data.benchmarks, put together by assess.services.benchmarks."""

from __future__ import annotations

import csv
import io
from fractions import Fraction

from assess.benchmarking import DIFFERS_BY_ONE_SITE, TOO_FEW_SITES, PeerGroup, national_group, peer_groups_for
from assess.data import benchmarks as benchmark_data
from assess.services.benchmarks import group_benchmark, site_attributes, site_benchmarks
from assess.services.questionnaires import latest, registry
from tests.integration.helpers import page, text_of

PERIOD = "2025-26"


def _peers(make, user, choices, region="North West", period=PERIOD, **fields):
    return [make.submitted(make.site(region=region, **fields), user, period, choice=choice) for choice in choices]


def _build(make, site, assessment, min_size=5):
    stored = benchmark_data.get_site_scores(assessment.id)
    return {
        item.decision.group_id: item
        for item in site_benchmarks(site, stored, latest().definition, registry(), min_size)
    }


def test_statistics_from_sql_match_the_worked_example(make):
    user = make.user("admin")
    site = make.site(code="HOME", region="North West")
    mine = make.submitted(site, user, PERIOD, choice="3")
    _peers(make, user, ["1", "2", "2", "4", "5"])  # peers' every domain: 1, 2, 2, 4, 5
    national = _build(make, site, mine)["national"]
    assert national.decision.shown and len(national.decision.members) == 5
    leadership = national.domains["leadership"]
    # 1, 2, 2, 4, 5: median 2; lower quartile at position 1 -> 2; upper at position 3 -> 4
    assert (leadership.peers, leadership.median, leadership.lower_quartile, leadership.upper_quartile) == (5, 2, 2, 4)
    assert leadership.site_score == 3 and leadership.site_percentile == 60  # three of five below
    assert leadership.levels == {0: 0, 1: 1, 2: 2, 3: 0, 4: 1, 5: 1}
    assert national.overall is not None and national.overall.median == 2


def test_each_peer_counts_once_with_its_latest_submission_and_drafts_never(make):
    user = make.user("admin")
    site = make.site(code="HOME")
    mine = make.submitted(site, user, PERIOD, choice="3")
    peers = [make.site() for _ in range(5)]
    for peer in peers:
        make.submitted(peer, user, PERIOD, choice="1")
    make.submitted(peers[0], user, PERIOD, choice="5")  # resubmitted later: this one counts
    make.draft(peers[1], user, PERIOD)  # a draft never counts
    national = _build(make, site, mine)["national"]
    assert national.domains["voice"].peers == 5
    assert national.domains["voice"].levels[5] == 1 and national.domains["voice"].levels[1] == 4


def test_four_other_sites_are_suppressed_and_the_page_says_why(make, client_as):
    user = make.user("admin")
    site = make.site(code="HOME", name="Home prison")
    governor = make.user("governor", sites=(site,))
    mine = make.submitted(site, user, PERIOD, choice="3")
    _peers(make, user, ["1", "2", "3", "4"])
    national = _build(make, site, mine)["national"]
    assert not national.decision.shown and national.domains == {}
    assert national.decision.reason.code == TOO_FEW_SITES and national.decision.reason.sites == 4
    text = text_of(page(client_as(governor).get(f"/assessments/{mine.id}/results")))
    assert "Only 4 other sites in this group submitted an assessment" in text
    assert "Download this table (CSV)" not in text


def test_a_group_differing_by_one_site_from_another_is_suppressed(make):
    user = make.user("admin")
    site = make.site(code="HOME", region="North West")
    mine = make.submitted(site, user, PERIOD, choice="3")
    _peers(make, user, ["1", "2", "3", "4", "5", "2"], region="North West")
    _peers(make, user, ["3"], region="Wales")  # national = region + 1 site
    groups = _build(make, site, mine)
    assert groups["national"].decision.shown
    assert not groups["region"].decision.shown
    reason = groups["region"].decision.reason
    assert (reason.code, reason.broader) == (DIFFERS_BY_ONE_SITE, "All prisons")


def test_results_page_csv_holds_the_table_numbers(make, client_as):
    user = make.user("admin")
    site = make.site(code="HOME", name="HMP Fellwater")
    governor = make.user("governor", sites=(site,))
    mine = make.submitted(site, user, PERIOD, choice="3")
    _peers(make, user, ["1", "2", "2", "4", "5"])
    client = client_as(governor)
    results = page(client.get(f"/assessments/{mine.id}/results"))
    assert results.find(id="chart-range") is not None
    response = client.get(f"/assessments/{mine.id}/benchmarks/national/range.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    columns = ["HMP Fellwater", "Lower quartile", "Median", "Upper quartile"]
    assert rows[0][0] == "Area" and set(columns) <= set(rows[0])
    found = next(row for row in rows if row[0] == "Leadership, strategy and culture")
    leadership = dict(zip(rows[0], found, strict=False))
    assert [leadership[name] for name in columns] == ["3.0", "2.0", "2.0", "4.0"]
    # the same numbers in the page's table
    table = results.find(id="chart-range").find_next("table")
    row = table.find("th", string="Leadership, strategy and culture").find_parent("tr")
    header = [text_of(cell) for cell in table.select("thead th")]
    cells = dict(zip(header, [text_of(cell) for cell in row.find_all(["th", "td"])], strict=False))
    assert [cells[name] for name in columns] == ["3.0", "2.0", "2.0", "4.0"]
    # where the overall score sits, in plain words (3 against 1, 2, 2, 4, 5: three of five below)
    words = "Your overall score is higher than about 60% of the group, counting ties as half."
    assert words in text_of(results.find("main"))
    assert "th (50th is the middle)" not in text_of(results.find("main"))
    # another site's governor cannot download it
    other = make.user("governor", sites=(make.site(),))
    assert client_as(other).get(f"/assessments/{mine.id}/benchmarks/national/range.csv").status_code == 404


def test_trend_lists_each_period_once(make, client_as):
    user = make.user("admin")
    site = make.site(code="HOME")
    governor = make.user("governor", sites=(site,))
    make.submitted(site, user, "2024-25", choice="1")
    make.submitted(site, user, "2025-26", choice="2")
    make.submitted(site, user, "2025-26", choice="4")  # the later one counts
    trend = benchmark_data.get_trend(site, "sui-maturity")
    assert [(row.period, Fraction(row.overall_hundredths or 0, 100)) for row in trend] == [
        ("2024-25", 1),
        ("2025-26", 4),
    ]
    response = client_as(governor).get("/sites/HOME/trend/trend.csv")
    assert response.status_code == 200
    assert "2025-26" in response.get_data(as_text=True)


def _counted_independently(latest_ids):
    """Each group's counts from the members' stored scores, read one assessment at a time."""
    domain_scores, domain_levels, overall_scores, overall_levels = {}, {}, {}, {}
    for assessment_id in latest_ids:
        stored = benchmark_data.get_site_scores(assessment_id)
        for row in stored.domains:
            key = (stored.questionnaire_version, row.domain_id)
            scores = domain_scores.setdefault(key, {})
            scores[row.score_hundredths] = scores.get(row.score_hundredths, 0) + 1
            levels = domain_levels.setdefault(key, {})
            levels[row.level] = levels.get(row.level, 0) + 1
        if stored.overall_hundredths is not None:
            scores = overall_scores.setdefault(stored.questionnaire_version, {})
            scores[stored.overall_hundredths] = scores.get(stored.overall_hundredths, 0) + 1
            levels = overall_levels.setdefault(stored.questionnaire_version, {})
            levels[stored.overall_level] = levels.get(stored.overall_level, 0) + 1
    return domain_scores, domain_levels, overall_scores, overall_levels


def _plain(counts):
    return tuple(
        {key: dict(value) for key, value in part.items() if value}
        for part in (counts.domain_scores, counts.domain_levels, counts.overall_scores, counts.overall_levels)
    )


def test_one_pass_counts_equal_each_group_counted_on_its_own(make):
    user = make.user("admin")
    home_fields = {"region": "North West", "category": "C", "function": "Training", "population_band": "500-999"}
    site = make.site(code="HOME", **home_fields)
    mine = make.submitted(site, user, PERIOD, choice="3")

    def peer(choice, **fields):
        return make.submitted(make.site(**fields), user, PERIOD, choice=choice)

    p1 = peer("1", **home_fields)
    p2 = peer("2", region="North West", category="B", function="Training", population_band="1000+")
    p3 = peer("3", region="Wales", category="C", function="Local", population_band="500-999")
    p4_site = make.site(region="Wales", category="C", function="Training")
    make.submitted(p4_site, user, PERIOD, choice="4")
    p4 = make.submitted(p4_site, user, PERIOD, choice="5")  # resubmitted: only this one counts
    p5 = peer("2", region="London", function="Resettlement", population_band="500-999")
    p6_site = make.site(region="North West", category="C", function="Local", population_band="250-499")
    make.submitted(p6_site, user, "2024-25", choice="1")  # another period: never counts
    p6 = make.submitted(p6_site, user, PERIOD, choice="5")
    make.draft(make.site(**home_fields), user, PERIOD)  # a draft never counts
    probation_peer = peer("1", kind="probation", **home_fields)  # another kind never counts
    members = {
        "national": [p1, p2, p3, p4, p5, p6],
        "region": [p1, p2, p6],
        "category": [p1, p3, p4, p6],
        "function": [p1, p2, p4],
        "population": [p1, p3, p5],
    }
    groups = peer_groups_for(site_attributes(site))
    assert sorted(group.id for group in groups) == sorted(members)
    expected = {group_id: _counted_independently([item.id for item in found]) for group_id, found in members.items()}

    home = {site.id}
    together = benchmark_data.get_groups_counts(groups, home, mine.period, mine.questionnaire_id)
    assert {group_id: _plain(counts) for group_id, counts in together.items()} == expected
    # Without the national group, the rows of sites in none of the groups are left out: still the same counts.
    some = [group for group in groups if group.id in ("region", "population")]
    apart = benchmark_data.get_groups_counts(some, home, mine.period, mine.questionnaire_id)
    assert {group_id: _plain(counts) for group_id, counts in apart.items()} == {
        group.id: expected[group.id] for group in some
    }
    assert benchmark_data.get_groups_counts([], home, mine.period, mine.questionnaire_id) == {}
    # Groups with nothing in common (another kind) and several sites left out, as for an area.
    probation = PeerGroup("probation", "All probation services", (("kind", "probation"),))
    mixed = benchmark_data.get_groups_counts(
        [groups[1], probation], {site.id, p2.site_id}, mine.period, mine.questionnaire_id
    )
    assert _plain(mixed["region"]) == _counted_independently([p1.id, p6.id])
    assert _plain(mixed["probation"]) == _counted_independently([probation_peer.id])


def _statements_of(function):
    from sqlalchemy import event

    from assess.extensions import db

    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        result = function()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return result, sent


def test_site_benchmarks_send_the_same_few_queries_whatever_the_peers_and_groups(make):
    user = make.user("admin")
    # Few peers, two groups (the site has a region only).
    small = make.site(code="SMALL", region="North West")
    small_own = make.submitted(small, user, PERIOD, choice="3")
    _peers(make, user, ["1", "2", "2", "4", "5"], region="North West")
    # Many more peers, every group.
    fields = {"region": "North West", "category": "C", "function": "Training", "population_band": "500-999"}
    large = make.site(code="LARGE", **fields)
    large_own = make.submitted(large, user, PERIOD, choice="3")
    for number in range(15):
        make.submitted(make.site(**fields), user, PERIOD, choice=str(number % 5 + 1))

    def build(site, assessment):
        stored = benchmark_data.get_site_scores(assessment.id)
        definition = latest().definition
        site_benchmarks(site, stored, definition, registry(), 5)  # loads what the session lacks
        return _statements_of(lambda: site_benchmarks(site, stored, definition, registry(), 5))

    few, few_sent = build(small, small_own)
    many, many_sent = build(large, large_own)
    assert [item.decision.shown for item in few] == [True, True]
    assert [item.decision.shown for item in many] == [True] * 5
    assert max(len(item.decision.members) for item in many) == 21
    # One for the peers' attributes, one for every group's domain counts, one for every group's overall counts.
    assert len(few_sent) == len(many_sent) == 3, many_sent


def test_an_areas_sites_against_all_other_prisons_nationally(make):
    """group_benchmark: the North West's prisons (the subject) left out of all prisons; the rest counted."""
    user = make.user("admin")
    area = _peers(make, user, ["5", "5", "5"], region="North West")
    others = _peers(make, user, ["1", "2", "2", "4", "5"], region="Wales")
    make.submitted(make.site(region="Wales", kind="probation"), user, PERIOD, choice="1")  # another kind
    area_ids = {item.site_id for item in area}
    definition = latest().definition

    def benchmark(group, exclude=area_ids, min_size=5):
        return group_benchmark(exclude, group, PERIOD, definition, registry(), min_size)

    national = benchmark(national_group("prison"))
    assert national.decision.shown and national.decision.members == {item.site_id for item in others}
    voice = national.domains["voice"]
    assert (voice.peers, voice.median, voice.lower_quartile, voice.upper_quartile) == (5, 2, 2, 4)
    assert voice.site_score is None and voice.site_percentile is None  # no one subject score: the distribution
    assert national.overall is not None and national.overall.peers == 5
    # The area's own distribution is a group by values too, with nothing left out.
    own = benchmark(
        PeerGroup("area", "Prisons in North West", (("kind", "prison"), ("region", "North West"))), set(), 3
    )
    assert own.decision.members == area_ids and own.domains["voice"].median == 5
    # Too few: not shown, with the reason as data.
    small = benchmark(national_group("prison"), area_ids | {others[0].site_id})
    assert not small.decision.shown and (small.decision.reason.code, small.decision.reason.sites) == (TOO_FEW_SITES, 4)
