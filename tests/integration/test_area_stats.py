"""A commissioner's area against national, and the area's trend (issue 12, items 4 and 5), on SQLite and
PostgreSQL: disclosure control (too few to show; two groups a site apart; a group less the others inside it;
one row of a group), the trend's break on a second questionnaire version, the tables holding the charts'
numbers, scope (404), no rank anywhere, and a number of statements that does not grow with the sites."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml

from assess.benchmarking import DIFFERS_BY_ONE_SITE, decide_disclosure
from assess.benchmarking.disclosure import LEAVES_ONE_SITE
from assess.charts.area import TOO_FEW_TO_SHOW, WOULD_REVEAL
from assess.data.areas import AreaRow, upsert_areas
from assess.extensions import db
from assess.services.area_stats import area_distribution, area_trend
from tests.integration.helpers import page, text_of

ROOT = Path(__file__).resolve().parents[2]
PERIOD = "2025-26"
EARLIER = "2024-25"
MIN_SIZE = 5
RANKING = re.compile(r"\brank|\bposition|\b\d+(st|nd|rd|th)\b", re.IGNORECASE)


# -- building the data --------------------------------------------------------------------------------------


def make_area(code, name, sites, type_="region"):
    upsert_areas([AreaRow(code, name, type_, tuple(site.code for site in sites))])
    db.session.commit()
    from assess.data.areas import get_area_by_code

    return get_area_by_code(code)


def prisons(make, user, choices, period=PERIOD, **fields):
    """A prison for each choice, each with one submitted assessment answering every question with it."""
    sites = []
    for choice in choices:
        site = make.site(**fields)
        make.submitted(site, user, period, choice=choice)
        sites.append(site)
    return sites


@pytest.fixture()
def admin(make):
    return make.user("admin")


def commissioner_for(make, *areas, **fields):
    from assess.data.users import create_or_update_user
    from tests.conftest import PASSWORD

    number = len(areas) + make._next()
    user = create_or_update_user(
        fields.get("email", f"commissioner{number}@example.org"),
        fields.get("name", f"Commissioner {number}"),
        "commissioner",
        PASSWORD,
        areas=list(areas),
    )
    db.session.commit()
    return user


def table_rows(table):
    """The table's cells by row: the header row first."""
    rows = []
    for row in table.find_all("tr"):
        rows.append([text_of(cell) for cell in row.find_all(["th", "td"])])
    return rows


def chart_data(soup, chart_id):
    return json.loads(soup.find(id=f"chart-{chart_id}-data").string)


def csv_rows(response):
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


# -- the area against national ------------------------------------------------------------------------------


def test_the_areas_sites_by_name_against_all_other_prisons_and_their_category(make, admin, client_as):
    area_sites = [
        *prisons(make, admin, ["4"], name="HMP Ashfield", category="Category C"),
        *prisons(make, admin, ["2"], name="HMP Birchwood", category="Category C"),
        *prisons(make, admin, ["5"], name="HMP Cedar", category="Category B"),
    ]
    prisons(make, admin, ["1", "2", "2", "4", "5", "3"], category="Category C", region="Wales")
    prisons(make, admin, ["1", "1", "3", "3", "3"], category="Category B", region="Wales")
    prisons(make, admin, ["5"], kind="probation", region="Wales")  # another kind: never in a prison figure
    area = make_area("NW", "North West", area_sites)
    client = client_as(commissioner_for(make, area))

    response = client.get("/areas/NW/distribution")
    assert response.status_code == 200
    soup = page(response)
    text = text_of(soup)
    assert "self-assessed" in text
    assert [text_of(h) for h in soup.select("main h2")] == ["Prisons", "Category B prisons", "Category C prisons"]

    # All other prisons: 11 sites, scores 1 1 1 2 2 3 3 3 3 4 5 in every area.
    table = soup.find(id="chart-prison").find_parent("figure").find("table")
    rows = table_rows(table)
    assert rows[0] == [
        "Area",
        "Other sites with a score",
        "Lower quartile",
        "Median",
        "Upper quartile",
        "HMP Ashfield",
        "HMP Birchwood",
        "HMP Cedar",
    ]
    leadership = next(row for row in rows if row[0] == "Leadership, strategy and culture")
    assert leadership[1:] == ["11", "1.5", "3.0", "3.0", "4.0", "2.0", "5.0"]
    # Category C: the area's two Category C prisons against the six other Category C prisons (1 2 2 3 4 5).
    rows = table_rows(soup.find(id="chart-prison-category-c").find_parent("figure").find("table"))
    assert rows[0][5:] == ["HMP Ashfield", "HMP Birchwood"]
    overall = next(row for row in rows if row[0] == "Overall score")
    assert overall[1:] == ["6", "2.0", "2.5", "3.8", "4.0", "2.0"]

    distribution = area_distribution(area, None, {site.id for site in area_sites}, MIN_SIZE)
    assert distribution.period == PERIOD
    assert [panel.id for panel in distribution.panels] == ["prison", "prison-category-b", "prison-category-c"]
    assert all(panel.decision.shown for panel in distribution.panels)
    national = distribution.panel("prison")
    assert len(national.decision.members) == 11  # the area's three and the probation service left out


def test_too_few_other_sites_shows_too_few_to_show_and_no_figure(make, admin, client_as):
    area_sites = prisons(make, admin, ["3", "4"], name="HMP Area")
    prisons(make, admin, ["1", "2", "4", "5"], region="Wales")  # four other prisons: fewer than five
    area = make_area("NW", "North West", area_sites)
    client = client_as(commissioner_for(make, area))
    soup = page(client.get("/areas/NW/distribution"))
    text = text_of(soup)
    assert "Too few to show: fewer than 5 of these sites submitted a self-assessment for 2025-26" in text
    rows = table_rows(soup.find(id="chart-prison").find_parent("figure").find("table"))
    for row in rows[1:]:
        assert row[1:5] == [TOO_FEW_TO_SHOW, "Not shown", "Not shown", "Not shown"]
        assert row[5:] != []  # the area's own sites are still shown
    figure = chart_data(soup, "prison")
    assert all(trace["type"] == "scatter" and "Median" not in trace["name"] for trace in figure["data"])
    rows = csv_rows(client.get("/areas/NW/distribution.csv?period=2025-26&chart=prison"))
    assert all(row[1] == TOO_FEW_TO_SHOW for row in rows[1:])
    assert not any(re.fullmatch(r"\d\.\d", cell) for row in rows[1:] for cell in row[1:5])


def test_a_category_one_site_short_of_all_other_prisons_is_not_shown(make, admin, client_as):
    """Differencing: all other prisons are the seven other Category C prisons and one Category D prison. Showing
    both groups would give the Category D prison's result (its count is the difference and its scores the
    difference of the two level distributions), so the narrower group is held back."""
    area_sites = prisons(make, admin, ["3"], name="HMP Area", category="Category C")
    prisons(make, admin, ["1", "2", "2", "3", "4", "4", "5"], category="Category C", region="Wales")
    (lone,) = prisons(make, admin, ["5"], category="Category D", region="Wales")
    area = make_area("NW", "North West", area_sites)
    client = client_as(commissioner_for(make, area))

    distribution = area_distribution(area, None, {area_sites[0].id}, MIN_SIZE)
    national, category = distribution.panels
    assert national.decision.shown and lone.id in national.decision.members
    assert not category.decision.shown
    assert (category.reason.code, category.reason.broader) == (DIFFERS_BY_ONE_SITE, national.group.label)

    soup = page(client.get("/areas/NW/distribution"))
    text = text_of(soup)
    assert "differ by exactly one site from those of ‘All other prisons, outside this area’" in text
    rows = table_rows(soup.find(id="chart-prison-category-c").find_parent("figure").find("table"))
    assert all(row[1:5] == [WOULD_REVEAL, "Not shown", "Not shown", "Not shown"] for row in rows[1:])
    rows = csv_rows(client.get("/areas/NW/distribution.csv?period=2025-26&chart=prison-category-c"))
    assert all(row[1] == WOULD_REVEAL for row in rows[1:])


def test_all_other_prisons_less_every_category_shown_would_leave_one_site(make, admin, client_as):
    """Two categories in the area, six other prisons in each, and one Category D prison: no two groups differ by
    one site, so a check of pairs alone shows all three, and all other prisons less both categories is the one
    Category D prison. One category is held back."""
    area_sites = [
        *prisons(make, admin, ["3"], name="HMP Bee", category="Category B"),
        *prisons(make, admin, ["3"], name="HMP Cee", category="Category C"),
    ]
    prisons(make, admin, ["1", "2", "2", "3", "4", "4"], category="Category B", region="Wales")
    prisons(make, admin, ["1", "1", "2", "3", "3", "5"], category="Category C", region="Wales")
    prisons(make, admin, ["5"], category="Category D", region="Wales")
    area = make_area("NW", "North West", area_sites)
    client = client_as(commissioner_for(make, area))

    distribution = area_distribution(area, None, {site.id for site in area_sites}, MIN_SIZE)
    national, cat_b, cat_c = distribution.panels
    # A naive check of pairs would show all three...
    naive = decide_disclosure(
        [(panel.id, panel.group.label, panel.decision.members) for panel in distribution.panels], MIN_SIZE
    )
    assert all(decision.shown for decision in naive)
    assert len(national.decision.members) - len(cat_b.decision.members) - len(cat_c.decision.members) == 1
    # ... but together they isolate the Category D prison: one category is held back, and says why.
    assert national.decision.shown and cat_b.decision.shown
    assert not cat_c.decision.shown
    assert cat_c.reason.code == LEAVES_ONE_SITE
    assert cat_c.reason.broader == national.group.label and cat_c.reason.together == (cat_b.group.label,)
    text = text_of(page(client.get("/areas/NW/distribution")))
    assert (
        "Not shown: ‘All other prisons, outside this area’ less these sites and ‘Other Category B prisons, outside "
        "this area’ would leave exactly one site" in text
    )


@pytest.fixture()
def second_version(app_ctx, tmp_path, monkeypatch):
    """Returns a function that publishes sui-maturity 2.0 (for the rest of the test): version 1.0 with one more
    area of the questionnaire, 'Extra area (test)', so that overall scores on 1.0 and 2.0 are not comparable
    and the new area has scores on 2.0 only. Submit 1.0 assessments before calling it."""
    from assess.questionnaire.loader import load_file
    from assess.services.questionnaires import registry

    def publish():
        raw = yaml.safe_load((ROOT / "questionnaires" / "sui-maturity" / "1.0.yaml").read_text(encoding="utf-8"))
        raw["version"] = "2.0"
        extra = copy.deepcopy(raw["domains"][-1])
        extra["id"] = "extra"
        extra["title"] = "Extra area (test)"
        for question in extra["questions"]:
            question["id"] = f"extra-{question['id']}"
        raw["domains"].append(extra)
        folder = tmp_path / "sui-maturity"
        folder.mkdir()
        path = folder / "2.0.yaml"
        path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
        monkeypatch.setitem(registry().items, ("sui-maturity", "2.0"), load_file(path))
        return registry().get("sui-maturity", "2.0")

    return publish


def test_one_area_of_the_questionnaire_a_site_short_is_held_back(make, admin, client_as, second_version):
    """Rows are decided too: all other prisons (six Category C, two Category D) and the Category C group differ by
    two sites, so both groups are shown; but only one Category D prison answered version 2.0, so in its new area
    (and in the overall score, which compares only versions with the same areas) the two groups' scores differ
    by that one prison, and the Category C rows are held back there."""
    prisons(make, admin, ["2"], category="Category D", region="Wales")  # on 1.0: no score in the new area
    second_version()
    area_sites = prisons(make, admin, ["3"], name="HMP Area", category="Category C")
    prisons(make, admin, ["1", "2", "2", "3", "4", "5"], category="Category C", region="Wales")
    prisons(make, admin, ["4"], category="Category D", region="Wales")
    area = make_area("NW", "North West", area_sites)
    client = client_as(commissioner_for(make, area))

    distribution = area_distribution(area, None, {area_sites[0].id}, MIN_SIZE)
    national, category = distribution.panels
    assert national.decision.shown and category.decision.shown
    assert set(category.held_back) == {"overall", "extra"}
    assert {reason.code for reason in category.held_back.values()} == {DIFFERS_BY_ONE_SITE}
    assert national.held_back == {}

    soup = page(client.get("/areas/NW/distribution"))
    rows = {
        row[0]: row for row in table_rows(soup.find(id="chart-prison-category-c").find_parent("figure").find("table"))
    }
    assert rows["Extra area (test)"][1:5] == [WOULD_REVEAL, "Not shown", "Not shown", "Not shown"]
    assert rows["Leadership, strategy and culture"][1] == "6"
    national_rows = {
        row[0]: row for row in table_rows(soup.find(id="chart-prison").find_parent("figure").find("table"))
    }
    assert national_rows["Extra area (test)"][1] == "7"
    assert national_rows["Overall score"][1] == "7"  # the 1.0 prison's overall score is not comparable
    assert "Extra area (test): Not shown: the sites with a score here differ by exactly one site" in text_of(soup)


def test_national_figures_leave_out_every_site_the_commissioner_sees(make, admin, client_as):
    """A commissioner of two areas sees both areas' sites by name: neither area's page counts them as others."""
    north = prisons(make, admin, ["3"], name="HMP North")
    south = prisons(make, admin, ["5", "5"], name="HMP South")
    others = prisons(make, admin, ["1", "2", "2", "4", "5"], region="Wales")
    north_area = make_area("NORTH", "North", north)
    south_area = make_area("SOUTH", "South", south)
    user = commissioner_for(make, north_area, south_area)
    client = client_as(user)
    soup = page(client.get("/areas/NORTH/distribution"))
    table = soup.find(id="chart-prison").find_parent("figure").find("table")
    assert text_of(table.caption).endswith("(other sites: All other prisons, outside the areas you cover)")
    rows = table_rows(table)
    assert rows[1][1:5] == ["5", "2.0", "2.0", "4.0"]  # the five others only
    distribution = area_distribution(north_area, PERIOD, {site.id for site in north + south}, MIN_SIZE)
    assert distribution.panel("prison").decision.members == {site.id for site in others}


def test_validated_levels_are_shown_in_the_table_beside_the_self_assessed_score(make, admin, client_as):
    from assess.data import reviews

    (site,) = prisons(make, admin, ["2"], name="HMP Area")
    prisons(make, admin, ["1", "2", "3", "4", "5"], region="Wales")
    assessment = next(iter(site_assessments(site)))
    inspector = make.user("inspector", remit=[("prison", "England")])
    reviews.save_validation(
        assessment,
        inspector,
        "voice",
        decision="raise",
        self_level=2,
        validated_level=3,
        reason="Strong council",
        internal_note="",
        expected_version=0,
    )
    db.session.commit()
    area = make_area("NW", "North West", [site])
    soup = page(client_as(commissioner_for(make, area)).get("/areas/NW/distribution"))
    rows = {row[0]: row for row in table_rows(soup.find(id="chart-prison").find_parent("figure").find("table"))}
    assert rows["Voice structures"][5] == "2.0 (validated, provisional: 3 – Participation)"
    assert rows["Leadership, strategy and culture"][5] == "2.0"


def site_assessments(site):
    from sqlalchemy import select

    from assess.models import Assessment

    return db.session.scalars(select(Assessment).where(Assessment.site_id == site.id, Assessment.status == "submitted"))


def test_the_table_holds_the_charts_numbers(make, admin, client_as):
    area_sites = [
        *prisons(make, admin, ["4"], name="HMP Ashfield"),
        *prisons(make, admin, ["1"], name="HMP Birchwood"),
    ]
    prisons(make, admin, ["1", "2", "2", "4", "5", "3", "3"], region="Wales")
    area = make_area("NW", "North West", area_sites)
    soup = page(client_as(commissioner_for(make, area)).get("/areas/NW/distribution"))
    figure = chart_data(soup, "prison")
    rows = table_rows(soup.find(id="chart-prison").find_parent("figure").find("table"))[1:]
    traces = {trace["name"]: trace for trace in figure["data"]}
    median = traces["Median of other sites"]
    assert [float(row[3]) for row in rows] == median["x"]
    band = traces["Middle half of other sites (lower to upper quartile)"]
    assert [float(row[2]) for row in rows] == band["base"]
    assert [round(float(row[4]) - float(row[2]), 1) for row in rows] == [round(x, 1) for x in band["x"]]
    for index, name in enumerate(["HMP Ashfield", "HMP Birchwood"]):
        assert [float(row[5 + index]) for row in rows] == traces[name]["x"]
    # the CSV is the same table
    client = client_as(commissioner_for(make, area, email="second@example.org"))
    assert csv_rows(client.get("/areas/NW/distribution.csv?period=2025-26&chart=prison"))[1:] == rows


def test_the_period_chooser_and_a_period_with_nothing_submitted(make, admin, client_as):
    (site,) = prisons(make, admin, ["1"], period=EARLIER, name="HMP Area")
    make.submitted(site, admin, PERIOD, choice="4")
    prisons(make, admin, ["1", "2", "2", "4", "5"], period=EARLIER, region="Wales")
    area = make_area("NW", "North West", [site])
    client = client_as(commissioner_for(make, area))
    soup = page(client.get("/areas/NW/distribution"))
    select = soup.find("select", id="period")
    assert soup.find("label", attrs={"for": "period"}) is not None
    assert [option["value"] for option in select.find_all("option")] == [PERIOD, EARLIER]
    assert select.find("option", selected=True)["value"] == PERIOD
    # 2025-26: no other prison submitted, so too few
    assert "Too few to show" in text_of(soup)
    soup = page(client.get("/areas/NW/distribution?period=2024-25"))
    rows = table_rows(soup.find(id="chart-prison").find_parent("figure").find("table"))
    assert rows[1][1:6] == ["5", "2.0", "2.0", "4.0", "1.0"]
    assert select.find("option", selected=True).get_text(strip=True) == "2025-26 (1 of 1 sites submitted)"
    bad = page(client.get("/areas/NW/distribution?period=1999-00"))
    assert "There is a problem" in text_of(bad) and bad.title.string.startswith("Error:")
    assert client.get("/areas/NW/distribution.csv?period=1999-00&chart=prison").status_code == 404
    assert client.get("/areas/NW/distribution.csv?period=2025-26&chart=nothing").status_code == 404


def test_prisons_and_probation_are_separate_panels(make, admin, client_as):
    area_sites = [
        *prisons(make, admin, ["3"], name="HMP Area"),
        *prisons(make, admin, ["2"], name="Area Probation Delivery Unit", kind="probation"),
    ]
    prisons(make, admin, ["1", "2", "3", "4", "5"], region="Wales")
    prisons(make, admin, ["2", "2", "3", "3", "3"], region="Wales", kind="probation")
    area = make_area("NW", "North West", area_sites)
    soup = page(client_as(commissioner_for(make, area)).get("/areas/NW/distribution"))
    assert [text_of(h) for h in soup.select("main h2")] == ["Prisons", "Probation services"]
    rows = table_rows(soup.find(id="chart-probation").find_parent("figure").find("table"))
    assert rows[0][5:] == ["Area Probation Delivery Unit"]
    assert rows[1][1:5] == ["5", "2.0", "3.0", "3.0"]


# -- the trend -------------------------------------------------------------------------------------------


def test_the_trend_breaks_where_the_questionnaire_changed(make, admin, client_as, second_version):
    sites = [make.site(name=f"HMP {name}") for name in ("Ash", "Birch", "Cedar")]
    for site, choice in zip(sites, ["1", "2", "4"], strict=True):
        make.submitted(site, admin, "2023-24", choice=choice)
        make.submitted(site, admin, EARLIER, choice=str(int(choice) + 1))
    second_version()
    for site, choice in zip(sites, ["3", "3", "5"], strict=True):
        make.submitted(site, admin, PERIOD, choice=choice)
    area = make_area("NW", "North West", sites)
    client = client_as(commissioner_for(make, area))

    trend = area_trend(area)
    assert [series.versions for series in trend.series] == [("1.0",), ("2.0",)]
    assert [(item.period, item.before.versions, item.after.versions) for item in trend.breaks] == [
        (PERIOD, ("1.0",), ("2.0",))
    ]
    assert [(figure.period, figure.series, figure.sites, figure.median) for figure in trend.figures] == [
        ("2023-24", 0, 3, 2),
        (EARLIER, 0, 3, 3),
        (PERIOD, 1, 3, 3),
    ]

    soup = page(client.get("/areas/NW/trend"))
    text = text_of(soup)
    assert "Break before 2025-26: the questionnaire changed (version 1.0 to version 2.0)" in text
    rows = table_rows(soup.find(id="chart-area-trend").find_parent("figure").find("table"))
    assert rows[0] == ["Year", "Questionnaire version", "Sites", "Lower quartile", "Median", "Upper quartile", "Break"]
    assert rows[1] == ["2023-24", "1.0", "3", "1.5", "2.0", "3.0", ""]
    assert rows[2] == ["2024-25", "1.0", "3", "2.5", "3.0", "4.0", ""]
    assert rows[3][:6] == ["2025-26", "2.0", "3", "3.0", "3.0", "4.0"]
    assert rows[3][6].startswith("Break: the questionnaire changed (version 1.0 to version 2.0)")
    # The chart: two series never joined, a dashed line between 2024-25 and 2025-26, labelled.
    figure = chart_data(soup, "area-trend")
    medians = [trace for trace in figure["data"] if trace["name"].startswith("Median")]
    assert [(trace["x"], trace["y"]) for trace in medians] == [
        (["2023-24", "2024-25"], [2.0, 3.0]),
        (["2025-26"], [3.0]),
    ]
    (shape,) = figure["layout"]["shapes"]
    assert shape["x0"] == shape["x1"] == 1.5 and shape["line"]["dash"] == "dash"
    assert figure["layout"]["annotations"][0]["text"] == "Break: version 2.0"
    # The CSV is the table.
    assert csv_rows(client.get("/areas/NW/trend.csv"))[1:] == rows[1:]


def test_a_year_with_both_versions_is_two_rows_never_pooled(make, admin, client_as, second_version):
    sites = [make.site(name=f"HMP {number}") for number in range(4)]
    for site in sites[:2]:
        make.submitted(site, admin, PERIOD, choice="1")
    second_version()
    for site in sites[2:]:
        make.submitted(site, admin, PERIOD, choice="5")
    area = make_area("NW", "North West", sites)
    trend = area_trend(area)
    assert [(figure.versions, figure.sites, figure.median) for figure in trend.figures] == [
        (("1.0",), 2, 1),
        (("2.0",), 2, 5),
    ]
    rows = table_rows(page(client_as(commissioner_for(make, area)).get("/areas/NW/trend")).find("table"))
    assert [row[:5] for row in rows[1:]] == [
        ["2025-26", "1.0", "2", "1.0", "1.0"],
        ["2025-26", "2.0", "2", "5.0", "5.0"],
    ]
    # An area of the questionnaire both versions have is comparable: one series, no break.
    voice = area_trend(area, "voice")
    assert voice.breaks == [] and [figure.sites for figure in voice.figures] == [4]
    # The new area: version 1.0 does not have it, so its results are left out and the page says so.
    extra = area_trend(area, "extra")
    assert extra.left_out == ["1.0"] and [figure.sites for figure in extra.figures] == [2]
    text = text_of(
        page(client_as(commissioner_for(make, area, email="x@example.org")).get("/areas/NW/trend?measure=extra"))
    )
    assert "Results on questionnaire version 1.0 are left out" in text


def test_the_trend_chooser_of_an_area_of_the_questionnaire(make, admin, client_as):
    (site,) = prisons(make, admin, ["2"], period=EARLIER)
    make.submitted(site, admin, PERIOD, choice="4")
    area = make_area("NW", "North West", [site])
    client = client_as(commissioner_for(make, area))
    soup = page(client.get("/areas/NW/trend?measure=voice"))
    assert soup.find("select", id="measure").find("option", selected=True)["value"] == "voice"
    rows = table_rows(soup.find("table"))
    assert [row[4] for row in rows[1:]] == ["2.0", "4.0"]
    assert "voice" in client.get("/areas/NW/trend.csv?measure=voice").headers["Content-Disposition"]
    bad = page(client.get("/areas/NW/trend?measure=nonsense"))
    assert "Choose the overall score or an area of the questionnaire from the list" in text_of(bad)
    assert client.get("/areas/NW/trend.csv?measure=nonsense").status_code == 404


# -- scope, words, statements ---------------------------------------------------------------------------------


URLS = (
    "/areas/{code}/distribution",
    "/areas/{code}/distribution.csv?period=2025-26&chart=prison",
    "/areas/{code}/trend",
    "/areas/{code}/trend.csv",
)


def test_a_commissioner_without_the_area_gets_404_and_other_roles_403(make, admin, client_as):
    area_sites = prisons(make, admin, ["3"], name="HMP Area")
    prisons(make, admin, ["1", "2", "3", "4", "5"], region="Wales")
    area = make_area("NW", "North West", area_sites)
    other_area = make_area("WA", "Wales", [make.site(region="Wales")])
    mine = client_as(commissioner_for(make, area))
    stranger = client_as(commissioner_for(make, other_area))
    governor = client_as(make.user("governor", sites=(area_sites[0],)))
    for url in URLS:
        assert mine.get(url.format(code="NW")).status_code == 200, url
        assert stranger.get(url.format(code="NW")).status_code == 404, url
        assert mine.get(url.format(code="NOPE")).status_code == 404, url
        assert governor.get(url.format(code="NW")).status_code == 403, url


def test_no_rank_or_position_anywhere(make, admin, client_as, second_version):
    area_sites = [
        *prisons(make, admin, ["4"], name="HMP Ashfield", category="Category C"),
        *prisons(make, admin, ["2"], name="HMP Birchwood", category="Category C"),
    ]
    prisons(make, admin, ["1", "2", "2", "4", "5", "3"], category="Category C", region="Wales")
    prisons(make, admin, ["1", "3"], category="Category D", region="Wales")
    area = make_area("NW", "North West", area_sites)
    client = client_as(commissioner_for(make, area))
    for url in (
        *URLS,
        "/areas/NW/distribution.csv?period=2025-26&chart=prison-category-c",
        "/areas/NW/trend?measure=voice",
    ):
        response = client.get(url.format(code="NW"))
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        text = body if response.mimetype == "text/csv" else text_of(page(response))
        assert not RANKING.search(text), (url, RANKING.search(text))


def _statements(function):
    from sqlalchemy import event

    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        result = function()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return result, sent


def test_the_number_of_statements_does_not_grow_with_the_sites(make, admin, client_as):
    from assess.data import reviews

    inspector = make.user("inspector", remit=[("prison", "England")])

    def build(code, count, start):
        sites = [
            make.site(name=f"HMP {code} {number}", category=("Category C" if number % 2 else "Category B"))
            for number in range(count)
        ]
        for number, site in enumerate(sites):
            make.submitted(site, admin, EARLIER, choice=str(number % 5 + 1))
            assessment = make.submitted(site, admin, PERIOD, choice=str((number + start) % 5 + 1))
            level = (number + start) % 5 + 1
            reviews.save_validation(
                assessment,
                inspector,
                "voice",
                decision="agree",
                self_level=level,
                validated_level=level,
                reason="",
                internal_note="",
                expected_version=0,
            )
            db.session.commit()
        return make_area(code, code, sites)

    prisons(make, admin, ["1", "2", "3", "4", "5", "1", "2"], region="Wales", category="Category B")
    prisons(make, admin, ["1", "2", "3", "4", "5", "3", "3"], region="Wales", category="Category C")
    small = build("SMALL", 2, 0)
    large = build("LARGE", 12, 2)
    small_client = client_as(commissioner_for(make, small))
    large_client = client_as(commissioner_for(make, large))
    for url in ("/areas/{}/distribution", "/areas/{}/trend", "/areas/{}/distribution.csv?period=2025-26&chart=prison"):
        small_client.get(url.format("SMALL"))  # warm up (the questionnaire's first use and so on)
        large_client.get(url.format("LARGE"))
        few_response, few = _statements(lambda url=url: small_client.get(url.format("SMALL")))
        many_response, many = _statements(lambda url=url: large_client.get(url.format("LARGE")))
        assert few_response.status_code == many_response.status_code == 200
        assert len(few) == len(many), (url, len(few), len(many))
        assert "HMP LARGE 11" in many_response.get_data(as_text=True) or "trend" in url


def test_the_first_year_shown_is_the_latest_that_at_least_half_the_sites_reached(make, admin):
    sites = prisons(make, admin, ["1", "2", "3"], period=EARLIER)
    make.submitted(sites[0], admin, PERIOD, choice="4")  # one of three has submitted for the newest year
    area = make_area("NW", "North West", sites)
    distribution = area_distribution(area, None, None, MIN_SIZE)
    assert (distribution.period, distribution.periods) == (EARLIER, [PERIOD, EARLIER])
    assert distribution.submitted == {PERIOD: 1, EARLIER: 3}
    assert area_distribution(area, PERIOD, None, MIN_SIZE).period == PERIOD  # still there to choose
    make.submitted(sites[1], admin, PERIOD, choice="4")  # two of three
    assert area_distribution(area, None, None, MIN_SIZE).period == PERIOD
