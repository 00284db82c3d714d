"""Benchmarks from the first day of a year (issue 13, item 1): a peer group with too few submissions for the
assessment's own period is compared with the latest earlier period that has enough, and the page, the chart
tables and the CSV say which year. Run on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date

from assess import periods
from assess.benchmarking import DIFFERS_BY_ONE_SITE, TOO_FEW_SITES
from assess.charts.benchmark import OWN_YEAR, PEERS_YEAR
from assess.data import benchmarks as benchmark_data
from assess.services.benchmarks import site_benchmarks
from assess.services.questionnaires import latest, registry
from tests.integration.helpers import complete_all_domains, location, main, page, start_assessment, text_of

CURRENT = periods.period_for(date.today())
PREVIOUS = periods.previous_period(CURRENT)
OLDER = periods.previous_period(PREVIOUS)


def _peers(make, user, choices, period, region="North West", **fields):
    return [make.submitted(make.site(region=region, **fields), user, period, choice=choice) for choice in choices]


def _build(site, assessment, min_size=5):
    stored = benchmark_data.get_site_scores(assessment.id)
    return {
        item.decision.group_id: item
        for item in site_benchmarks(site, stored, latest().definition, registry(), min_size)
    }


def _statements(function):
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


def _csv_rows(response):
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_first_submission_of_the_year_is_compared_with_last_year(make, client_as):
    """Through the governor's own journey: start this year's assessment, answer everything, submit; no other
    prison has submitted this year, so the results compare with last year's submissions, and say so."""
    admin = make.user("admin")
    site = make.site(code="HOME", name="HMP Fellwater", region="North West")
    governor = make.user("governor", sites=(site,), name="Ada Governor")
    _peers(make, admin, ["1", "2", "2", "4", "5"], PREVIOUS)  # last year's peers: every domain 1, 2, 2, 4, 5
    _peers(make, admin, ["5", "5", "5", "5", "5"], OLDER)  # an older year: not the latest with enough
    make.submitted(site, admin, PREVIOUS, choice="1")  # the site's own last year: never its own peer
    client = client_as(governor)
    assessment_id = start_assessment(client, "HOME", CURRENT)
    complete_all_domains(client, assessment_id, latest().definition, choice="3")
    response = client.post(f"/assessments/{assessment_id}/check", data={"declaration": "y"})
    assert location(response) == f"/assessments/{assessment_id}/confirmation"

    soup = page(client.get(f"/assessments/{assessment_id}/results"))
    text = text_of(main(soup))
    assert "No other sites in this group submitted" not in text
    assert f"for a group where too few have submitted for {CURRENT} yet, for the latest earlier year" in text
    assert "Compared with: All prisons, " + PREVIOUS in text
    assert (
        f"Compared with {PREVIOUS}, the latest year in which at least 5 other prisons in this group submitted an "
        f"assessment. Not enough had submitted for {CURRENT} yet."
    ) in text
    # Both groups (all prisons, prisons in North West) are offered, each labelled with its year.
    hints = [text_of(hint) for hint in soup.select(".govuk-radios__hint")]
    assert hints == [f"5 other sites, {PREVIOUS} (an earlier year)"] * 2, hints
    # The charts and their tables hold last year's peers' numbers (median 2, quartiles 2 and 4).
    assert soup.find(id="chart-range") is not None
    table = soup.find(id="chart-range").find_next("table")
    row = table.find("th", string="Leadership, strategy and culture").find_parent("tr")
    header = [text_of(cell) for cell in table.select("thead th")]
    cells = dict(zip(header, [text_of(cell) for cell in row.find_all(["th", "td"])], strict=False))
    assert (cells["HMP Fellwater"], cells["Lower quartile"], cells["Median"], cells["Upper quartile"]) == (
        "3.0",
        "2.0",
        "2.0",
        "4.0",
    )
    # The CSV downloads, with the same numbers.
    rows = _csv_rows(client.get(f"/assessments/{assessment_id}/benchmarks/national/range.csv"))
    leadership = dict(
        zip(rows[0], next(row for row in rows if row[0] == "Leadership, strategy and culture"), strict=False)
    )
    assert (leadership["Lower quartile"], leadership["Median"], leadership["Upper quartile"]) == ("2.0", "2.0", "4.0")
    assert _csv_rows(client.get(f"/assessments/{assessment_id}/benchmarks/region/levels.csv"))


def test_each_group_uses_its_own_latest_year_and_the_queries_stay_few(make):
    admin = make.user("admin")
    site = make.site(code="HOME", region="North West", category="C")
    mine = make.submitted(site, admin, CURRENT, choice="3")
    # This year: 5 prisons elsewhere (all prisons is shown for this year), none in North West or category C.
    _peers(make, admin, ["1", "1", "1", "1", "1"], CURRENT, region="Wales")
    # Last year: 6 in North West (3 of them category C); two years ago: 5 in category C.
    _peers(make, admin, ["2", "2", "2"], PREVIOUS, category="C")
    _peers(make, admin, ["4", "4", "4"], PREVIOUS)
    _peers(make, admin, ["5", "5", "5", "5", "5"], OLDER, region="London", category="C")
    definition = latest().definition
    stored = benchmark_data.get_site_scores(mine.id)
    site_benchmarks(site, stored, definition, registry(), 5)  # loads what the session lacks
    found, sent = _statements(lambda: site_benchmarks(site, stored, definition, registry(), 5))
    groups = {item.decision.group_id: item for item in found}
    national, region, category = groups["national"], groups["region"], groups["category"]
    assert [(item.period, item.own_period) for item in found] == [
        (CURRENT, CURRENT),
        (PREVIOUS, CURRENT),
        (OLDER, CURRENT),
    ]
    assert not national.from_earlier_period and national.domains["voice"].median == 1
    assert region.from_earlier_period and region.domains["voice"].median == 3  # 2, 2, 2, 4, 4, 4
    assert len(region.decision.members) == 6
    assert category.domains["voice"].median == 5 and len(category.decision.members) == 5
    assert [(period, reason.code, reason.sites) for period, reason in category.skipped_periods] == [
        (CURRENT, TOO_FEW_SITES, 0),
        (PREVIOUS, TOO_FEW_SITES, 3),
    ]
    # The own period: attributes and the two counts; the earlier periods: one query to list them, then for each
    # period used its attributes and the two counts. Never one per peer or per group.
    assert len(sent) == 3 + 1 + 3 + 3, sent


def test_groups_shown_from_one_earlier_year_never_differ_by_one_site(make):
    admin = make.user("admin")
    site = make.site(code="HOME", region="North West")
    mine = make.submitted(site, admin, CURRENT, choice="3")
    # Last year all prisons and the North West differ by one site: only the broader is shown from it, and the
    # North West goes back to the year before.
    _peers(make, admin, ["2", "2", "2", "2", "2", "2"], PREVIOUS)
    _peers(make, admin, ["3"], PREVIOUS, region="Wales")
    _peers(make, admin, ["4", "4", "4", "4", "4"], OLDER)
    groups = _build(site, mine)
    assert groups["national"].period == PREVIOUS and len(groups["national"].decision.members) == 7
    region = groups["region"]
    assert region.period == OLDER and region.domains["voice"].median == 4
    assert [(period, reason.code) for period, reason in region.skipped_periods] == [
        (CURRENT, TOO_FEW_SITES),
        (PREVIOUS, DIFFERS_BY_ONE_SITE),
    ]


def test_a_late_return_is_never_compared_with_a_later_year(make):
    admin = make.user("admin")
    site = make.site(code="HOME")
    mine = make.submitted(site, admin, OLDER, choice="3")  # a return for the year before last
    _peers(make, admin, ["2", "2", "2", "2", "2", "2"], PREVIOUS)
    _peers(make, admin, ["2", "2", "2", "2", "2", "2"], CURRENT)
    national = _build(site, mine)["national"]
    assert not national.decision.shown and national.period == OLDER and national.own_period == OLDER


def test_a_group_no_year_can_show_gives_this_years_reason_once_with_the_rule(make, client_as):
    admin = make.user("admin")
    site = make.site(code="HOME", name="HMP Fellwater", region="North West", category="C", function="Closed")
    governor = make.user("governor", sites=(site,))
    mine = make.submitted(site, admin, CURRENT, choice="3")
    _peers(make, admin, ["2", "2", "2", "2", "2"], CURRENT, region="Wales")  # all prisons: shown this year
    _peers(make, admin, ["2", "2"], CURRENT, category="C")  # category C: 2 this year
    _peers(make, admin, ["2", "2", "2"], PREVIOUS, category="C")  # and 3 last year: never enough
    groups = _build(site, mine)
    category = groups["category"]
    assert not category.decision.shown and category.decision.reason.sites == 2  # this year's numbers
    assert category.period == CURRENT and category.own_period == CURRENT and category.looked_earlier

    soup = page(client_as(governor).get(f"/assessments/{mine.id}/results"))
    heading = soup.find("h3", string="Groups not shown")
    assert heading is not None
    reasons = [text_of(item).replace(" :", ":") for item in heading.find_next("ul").select("li")]
    assert len(reasons) == 3, reasons  # the North West and category C (the same 2, then 3), and the function
    assert (
        f"Prisons in the same category (C): Only 2 other sites in this group submitted an assessment for {CURRENT}. "
        "No earlier year had at least 5 either."
    ) in reasons
    assert any(item.startswith("Prisons with the same function (Closed): No other sites") for item in reasons)
    text = text_of(main(soup))
    assert text.count("Figures are shown only for groups of at least 5 other sites") == 1
    assert text.count("so that no site's result can be worked out") == 1
    assert "Compared with: All prisons" in text and "the latest year in which" not in text
    assert "for the latest earlier year with enough" not in text  # every group shown is from this year


def test_the_help_page_explains_the_earlier_year_rule(make, client_as):
    governor = make.user("governor", sites=(make.site(),))
    text = text_of(main(page(client_as(governor).get("/help/benchmarks"))))
    assert "we compare you with the latest earlier year in which it had enough" in text
    assert "We never use a later year." in text


def test_on_the_national_demo_data_this_years_first_submission_sees_last_years_benchmarks(app_ctx, make, client_as):
    """The national demo data set ends with last year (assess.demo.national): a prison there that submits for
    this year, before any other, sees every peer group that applies, compared with last year."""
    from sqlalchemy import select

    from assess.demo.national import seed_national
    from assess.extensions import db
    from assess.models import Site

    seed_national(latest(), date.today(), sites=60, periods=2)
    db.session.commit()
    site = db.session.scalars(
        select(Site).where(Site.kind == "prison", Site.category.is_not(None)).order_by(Site.code)
    ).first()
    governor = make.user("governor", sites=(site,))
    mine = make.submitted(site, governor, CURRENT, choice="3")
    groups = _build(site, mine)
    shown = [item for item in groups.values() if item.decision.shown]
    assert groups["national"].decision.shown and groups["national"].period == PREVIOUS
    assert all(item.period == PREVIOUS and item.own_period == CURRENT for item in shown)
    client = client_as(governor)
    soup = page(client.get(f"/assessments/{mine.id}/results"))
    text = text_of(main(soup))
    assert f"Compared with: All prisons, {PREVIOUS}" in text
    assert f"Not enough had submitted for {CURRENT} yet." in text
    assert len(soup.select("div.app-chart[data-chart-source]")) == 3  # range, radar, levels
    for chart_id in ("range", "radar", "levels"):
        rows = _csv_rows(client.get(f"/assessments/{mine.id}/benchmarks/national/{chart_id}.csv"))
        # Each CSV says which year the peers' figures come from (assess.charts.benchmark.period_columns).
        years = {name: column for column, name in enumerate(rows[0]) if name in (OWN_YEAR, PEERS_YEAR)}
        assert len(years) == 2, rows[0]
        assert {(row[years[OWN_YEAR]], row[years[PEERS_YEAR]]) for row in rows[1:]} == {(CURRENT, PREVIOUS)}
