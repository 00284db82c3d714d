"""The inspector's remit and caseload (issue 11, first part): the inspector access rule, checked on every
URL that names a site or an assessment, and the caseload page and its CSV."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest

from assess import periods
from tests.integration.helpers import error_summary, main, page, text_of
from tests.integration.test_access import build, routes

PRISONS_ENGLAND_WALES = (("prison", "England"), ("prison", "Wales"))
CURRENT = periods.period_for(date.today())
DUE = periods.previous_period(CURRENT)


@pytest.fixture()
def world(make) -> dict[str, Any]:
    """Prisons in and out of the remit, a probation service, a governor, and assessments in each state."""
    sites = {
        "zed": make.site(code="P-ZED", name="HMP Zed", kind="prison", nation="England", region="North West"),
        "alpha": make.site(code="P-ALPHA", name="HMP Alpha", kind="prison", nation="Wales", region="Wales"),
        "mid": make.site(code="P-MID", name="HMP Middle", kind="prison", nation="England", region="London"),
        "scot": make.site(code="P-SCOT", name="HMP Scot", kind="prison", nation="Scotland", region="Scotland"),
        "probation": make.site(code="PR-ENG", name="Anyshire PDU", kind="probation", nation="England"),
    }
    governor = make.user("governor", sites=tuple(sites.values()), email="gov@example.org")
    submitted = make.submitted(sites["alpha"], governor, DUE)
    draft = make.draft(sites["zed"], governor, CURRENT)
    outside = make.submitted(sites["scot"], governor, DUE)
    probation = make.submitted(sites["probation"], governor, DUE)
    inspector = make.user("inspector", email="ins@example.org", name="Ina Spector", remit=PRISONS_ENGLAND_WALES)
    return {"sites": sites, "submitted": submitted, "draft": draft, "outside": outside, "probation": probation,
            "inspector": inspector}


def caseload_rows(response: Any) -> list[list[str]]:
    table = main(page(response)).find("table")
    return [[text_of(cell) for cell in row.find_all(["th", "td"])] for row in table.find("tbody").find_all("tr")]


def test_the_caseload_lists_the_remits_sites_alphabetically_with_their_status(world, client_as):
    client = client_as(world["inspector"])
    response = client.get("/caseload")
    assert response.status_code == 200
    rows = caseload_rows(response)
    assert [row[0] for row in rows] == ["HMP Alpha P-ALPHA", "HMP Middle P-MID", "HMP Zed P-ZED"]
    alpha, middle, zed = rows
    assert alpha[3:] == [DUE, "1.0", "Submitted", "No", "None"]
    assert middle[3:] == ["None", "None", "No assessment", "Overdue", "None"]
    assert zed[3:] == [CURRENT, "1.0", "Draft", "Overdue", "None"]
    body = text_of(main(page(response)))
    assert "Anyshire" not in body and "HMP Scot" not in body
    assert "Prisons in England and Wales" in body
    for word in ("rank", "1st", "position"):
        assert word not in body.lower()


@pytest.mark.parametrize(
    ("query", "expected"),
    [("status=draft", ["HMP Zed"]), ("region=Wales", ["HMP Alpha"]), ("kind=prison&status=no+assessment",
                                                                         ["HMP Middle"])],
)
def test_the_caseload_filters_by_region_kind_and_status(world, client_as, query, expected):
    rows = caseload_rows(client_as(world["inspector"]).get(f"/caseload?{query}"))
    assert [row[0].split(" P-")[0] for row in rows] == expected


def test_a_filter_value_not_in_the_caseload_is_named_and_ignored(world, client_as):
    response = client_as(world["inspector"]).get("/caseload?region=Atlantis")
    assert response.status_code == 200
    assert any("no region ‘Atlantis’" in message for _, message in error_summary(page(response)))
    assert len(caseload_rows(response)) == 3


def test_the_caseload_csv_has_the_same_rows(world, client_as):
    client = client_as(world["inspector"])
    response = client.get("/caseload.csv?status=submitted")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:2] == ["Site code", "Site"]
    assert rows[1:] == [["P-ALPHA", "HMP Alpha", "prison", "Wales", "Wales", DUE, "1.0", "submitted", "no", "0", "0"]]


def test_the_caseload_shows_review_states_and_open_and_overdue_queries(world, client_as, make):
    """In review and validated join the statuses; open queries are counted and overdue ones flagged, in the
    page and the CSV."""
    from datetime import timedelta

    from assess.data import queries, reviews
    from assess.extensions import db

    inspector, governor = world["inspector"], make.user("governor", sites=(world["sites"]["mid"],),
                                                        email="mid@example.org")
    middle = make.submitted(world["sites"]["mid"], governor, DUE)
    reviews.start_review(world["submitted"], inspector)
    queries.raise_query(world["submitted"], inspector, ["leadership"], "Late", date.today() - timedelta(days=2))
    queries.raise_query(world["submitted"], inspector, ["leadership"], "Soon", date.today() + timedelta(days=2))
    answered = queries.raise_query(middle, inspector, ["leadership"], "Answered", date.today() - timedelta(days=2))
    db.session.flush()
    queries.step_query(answered, governor, "agree", "", None, 1)
    areas = [domain.id for domain in make.questionnaire().definition.domains]
    for area in areas:
        reviews.save_validation(middle, inspector, area, decision="agree", self_level=3, validated_level=3, reason="",
                                internal_note="", expected_version=0)
    reviews.save_summary(middle, inspector, confidence="confident", summary="Sound", internal_note="",
                         expected_version=1)
    reviews.finalise_review(middle, inspector, areas)
    db.session.commit()

    client = client_as(inspector)
    rows = {row[0].split(" P-")[0]: row for row in caseload_rows(client.get("/caseload"))}
    assert rows["HMP Alpha"][5:] == ["In review", "No", "2 1 overdue"]
    assert rows["HMP Middle"][5:] == ["Validated", "No", "1"]  # answered, not overdue: the site has replied
    assert [row[0].split(" P-")[0] for row in caseload_rows(client.get("/caseload?status=validated"))] == [
        "HMP Middle"]
    assert [row[0].split(" P-")[0] for row in caseload_rows(client.get("/caseload?status=in+review"))] == [
        "HMP Alpha"]
    csv_rows = list(csv.reader(io.StringIO(client.get("/caseload.csv").get_data(as_text=True))))
    assert [row[7:] for row in csv_rows[1:]] == [["in review", "no", "2", "1"], ["validated", "no", "1", "0"],
                                                 ["draft", "yes", "0", "0"]]


def test_an_inspector_reaches_the_shared_pages_of_sites_in_the_remit_and_nothing_outside(world, client_as, app):
    """Walks the URL map: every route naming a site or an assessment answers 404 for one outside the remit,
    and the pages shared by every audience (History, the PDF) serve one inside it."""
    client = client_as(world["inspector"])
    checked = 0
    for rule in routes(app):
        if not {"assessment_id", "site_code"} & set(rule.arguments) or "GET" not in (rule.methods or ()):
            continue
        for outside in (world["outside"], world["probation"]):
            url = build(app, rule, assessment_id=outside.id, site_code=outside.site.code, domain_id="leadership")
            assert client.get(url).status_code in (403, 404), url
            checked += 1
    assert checked >= 20
    assert client.get(f"/assessments/{world['outside'].id}/history").status_code == 404
    assert client.get(f"/assessments/{world['submitted'].id}/history").status_code == 200
    assert client.get(f"/assessments/{world['submitted'].id}/report.pdf").status_code in (200, 503)


def test_an_inspector_without_a_remit_sees_an_empty_caseload_that_says_why(make, client_as):
    make.site()
    inspector = make.user("inspector", email="none@example.org")
    body = text_of(main(page(client_as(inspector).get("/caseload"))))
    assert "Your account has no remit yet" in body


def test_the_caseload_needs_an_inspector(world, client_as, make):
    governor = make.user("governor", sites=(world["sites"]["alpha"],), email="another@example.org")
    assert client_as(governor).get("/caseload").status_code == 403


def test_the_review_shows_each_area_with_answers_evidence_and_the_areas_to_investigate(make, client_as):
    """A site whose levels rose by two or more since last year: the rule is named beside each area raised."""
    site = make.site(code="P-REV", name="HMP Review", kind="prison", nation="England")
    governor = make.user("governor", sites=(site,), email="rev-gov@example.org")
    make.submitted(site, governor, "2024-25", choice="1")
    latest = make.submitted(site, governor, "2025-26", choice="4")
    inspector = make.user("inspector", email="rev@example.org", remit=PRISONS_ENGLAND_WALES)
    client = client_as(inspector)

    listing = page(client.get("/inspect/sites/P-REV"))
    assert main(listing).find("a", string="Review 2025-26") is not None
    response = client.get(f"/inspect/assessments/{latest.id}")
    assert response.status_code == 200
    soup = page(response)
    findings = [text_of(item) for item in main(soup).select("ul.app-findings > li")]
    assert len(findings) == 12  # every area rose from level 1 to level 4
    assert all("up from level 1 in 2024-25" in item for item in findings)
    assert all("two levels or more above the site's previous submitted year" in item for item in findings)
    body = text_of(main(soup))
    assert "Overall self-assessed level 4" in body
    assert "No peer group is large enough to show figures" in body
    assert "0 of" in body  # questions with evidence


def test_a_draft_or_an_assessment_outside_the_remit_has_no_review(world, client_as):
    client = client_as(world["inspector"])
    assert client.get(f"/inspect/assessments/{world['draft'].id}").status_code == 404
    assert client.get(f"/inspect/assessments/{world['outside'].id}").status_code == 404
    assert client.get("/inspect/sites/P-SCOT").status_code == 404
    assert client.get(f"/inspect/assessments/{world['submitted'].id}").status_code == 200


def test_comparing_sites_shows_areas_by_sites_with_levels_a_chart_table_and_csv(world, client_as, make):
    third = make.site(code="P-THIRD", name="HMP Third", kind="prison", nation="England", region="London")
    governor = make.user("governor", sites=(third,), email="third@example.org")
    make.submitted(third, governor, DUE, choice="2")
    client = client_as(world["inspector"])
    response = client.get("/compare?compare=1&site=P-THIRD&site=P-ALPHA&site=P-MID")
    assert response.status_code == 200
    soup = page(response)
    table = main(soup).find("table")
    headers = [text_of(cell) for cell in table.find("thead").find_all("th")]
    assert headers == ["Area", f"HMP Alpha ({DUE})", f"HMP Third ({DUE})"]  # alphabetical; Middle never submitted
    body = [[text_of(cell) for cell in row.find_all(["th", "td"])] for row in table.find("tbody").find_all("tr")]
    assert len(body) == 13 and body[0][0] == "Overall"
    assert body[0][1].startswith("3 – ") and body[0][2].startswith("2 – ")
    assert "HMP Middle" in text_of(main(soup))  # named as not having submitted
    csv_link = main(soup).find("a", href=lambda href: href and href.startswith("/compare.csv?"))
    download = client.get(csv_link["href"])
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert rows[0] == headers and len(rows) == 14
    for word in ("rank", "1st"):
        assert word not in response.get_data(as_text=True).lower()

    # An inspector's decision appears beside the self-assessed level, provisional until the review is final.
    from assess.data import reviews
    from assess.extensions import db

    reviews.save_validation(world["submitted"], world["inspector"], "leadership", decision="lower", self_level=3,
                            validated_level=2, reason="Few minutes", internal_note="", expected_version=0)
    db.session.commit()
    soup = page(client.get("/compare?compare=1&site=P-THIRD&site=P-ALPHA"))
    body = {text_of(row.find("th")): [text_of(cell) for cell in row.find_all("td")]
            for row in main(soup).find("table").find("tbody").find_all("tr")}
    leadership = next(value for key, value in body.items() if key.startswith("Leadership"))
    assert leadership[0] == "3 – Participation (validated, provisional: 2 – Consultation)"
    assert leadership[1] == "2 – Consultation"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("compare=1&site=P-ALPHA", "Choose between 2 and 6 sites to compare (you chose 1)"),
        ("compare=1&site=P-ALPHA&site=P-SCOT", "‘P-SCOT’ is not a site in your caseload"),
        ("compare=1&site=P-ALPHA&site=NO-SUCH", "‘NO-SUCH’ is not a site in your caseload"),
    ],
)
def test_a_wrong_choice_of_sites_is_explained_and_keeps_what_was_ticked(world, client_as, query, message):
    response = client_as(world["inspector"]).get(f"/compare?{query}")
    assert response.status_code == 200
    soup = page(response)
    assert message in [text for _, text in error_summary(soup)]
    assert soup.title.string.startswith("Error: ")
    assert soup.find("input", attrs={"name": "site", "value": "P-ALPHA"}).has_attr("checked")
