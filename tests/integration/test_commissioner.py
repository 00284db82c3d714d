"""The commissioner's pages (issue 12: the area overview, the matrix, a site in the area, assurance decisions):
the commissioner policy on every URL (404 outside their areas, by walking the URL map), coverage that adds
up on crafted data, the matrix grouped by level and never ranked, the assurance form's errors in the GOV.UK
style, a decision read by the site's governor, and statement counts that do not grow with the sites."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from assess import periods
from assess.extensions import db
from assess.models import AssuranceDecision, AuditEvent
from tests.conftest import PASSWORD
from tests.integration.helpers import error_summary, inline_error, location, main, page, text_of, textarea_value
from tests.integration.test_access import build, routes

CURRENT = periods.period_for(date.today())
PREVIOUS = periods.previous_period(CURRENT)
EARLIER = periods.previous_period(PREVIOUS)
NO_RANK = re.compile(r"\brank|\b1st\b|position", re.IGNORECASE)


# -- building areas, reviews and decisions ----------------------------------------------------------------


def make_area(code: str, name: str, sites: list[Any], area_type: str = "region") -> Any:
    from assess.data.areas import AreaRow, get_area_by_code, upsert_areas

    upsert_areas([AreaRow(code, name, area_type, tuple(site.code for site in sites))])
    db.session.commit()
    return get_area_by_code(code)


def make_commissioner(email: str, areas: list[Any]) -> Any:
    from assess.data.users import create_or_update_user

    user = create_or_update_user(
        email, f"Commissioner {email.split('@')[0]}", "commissioner", PASSWORD, [], areas=areas
    )
    db.session.commit()
    return user


def domains(make: Any) -> list[str]:
    return [domain.id for domain in make.questionnaire().definition.domains]


def review(
    assessment: Any,
    inspector: Any,
    make: Any,
    *,
    final: bool,
    decisions: dict[str, tuple[str, int | None]] | None = None,
    self_level: int = 3,
) -> None:
    """An inspector's review: every area agreed unless `decisions` says otherwise ({area: (decision, level)});
    finalised when `final`."""
    from assess.data import reviews

    decisions = decisions or {}
    areas = domains(make)
    for area in areas:
        decision, level = decisions.get(area, ("agree", self_level))
        reviews.save_validation(
            assessment,
            inspector,
            area,
            decision=decision,
            self_level=self_level,
            validated_level=level,
            reason="" if decision == "agree" else "Seen at the visit",
            internal_note="Internal: not for anyone else",
            expected_version=0,
        )
    if final:
        reviews.save_summary(
            assessment, inspector, confidence="confident", summary="Sound", internal_note="", expected_version=1
        )
        reviews.finalise_review(assessment, inspector, areas)
    db.session.commit()


def decide(
    site: Any,
    user: Any,
    area: Any,
    *,
    outcome: str = "assured",
    revisit: date | None = None,
    domain_id: str | None = None,
    rationale: str = "Minutes seen.",
) -> Any:
    from assess.data.assurance import record_decision

    decision = record_decision(
        site,
        user,
        area=area,
        domain_id=domain_id,
        outcome=outcome,
        questions="",
        rationale=rationale,
        revisit_on=revisit or date.today() + timedelta(days=90),
    )
    db.session.commit()
    return decision


@contextmanager
def statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def table_rows(table: Any) -> list[list[str]]:
    return [[text_of(cell) for cell in row.find_all(["th", "td"])] for row in table.find("tbody").find_all("tr")]


def csv_of(response: Any) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


@pytest.fixture()
def world(make) -> dict[str, Any]:
    """An area of five prisons, one in each state for the current year, and for last year (which has ended):
    Alder validated last year (with one area raised, one unable to validate), Birch in review, Cedar
    submitted and not reviewed, Damson a draft only, Elm nothing. A prison outside the area, and another
    area with it."""
    sites = {
        name: make.site(
            code=f"P-{name.upper()}", name=f"HMP {name}", kind="prison", nation="England", region="North West"
        )
        for name in ("Elm", "Cedar", "Alder", "Damson", "Birch")
    }
    outside = make.site(code="P-OUT", name="HMP Outside", kind="prison", nation="England", region="London")
    governor = make.user("governor", sites=(*sites.values(), outside), email="gov@example.org", name="Gil Governor")
    inspector = make.user("inspector", email="ins@example.org", name="Ina Spector", remit=(("prison", "England"),))
    alder = make.submitted(sites["Alder"], governor, PREVIOUS, choice="3")
    areas = domains(make)
    review(
        alder,
        inspector,
        make,
        final=True,
        decisions={areas[0]: ("raise", 4), areas[1]: ("unable", None), areas[2]: ("lower", 2)},
    )
    birch = make.submitted(sites["Birch"], governor, PREVIOUS, choice="2")
    review(birch, inspector, make, final=False, decisions={areas[0]: ("lower", 1)}, self_level=2)
    make.submitted(sites["Cedar"], governor, PREVIOUS, choice="4")
    make.draft(sites["Damson"], governor, PREVIOUS)
    make.submitted(outside, governor, PREVIOUS, choice="5")
    # This year: Alder has submitted (not yet reviewed), Birch has a draft.
    make.submitted(sites["Alder"], governor, CURRENT, choice="3")
    make.draft(sites["Birch"], governor, CURRENT)
    area = make_area("NW-TEST", "North West test area", list(sites.values()))
    other_area = make_area("LDN", "London area", [outside])
    commissioner = make_commissioner("cam@example.org", [area])
    return {
        "sites": sites,
        "outside": outside,
        "governor": governor,
        "inspector": inspector,
        "area": area,
        "other_area": other_area,
        "commissioner": commissioner,
        "alder": alder,
        "birch": birch,
        "areas": areas,
    }


# -- the policy ------------------------------------------------------------------------------------------------


# The pages of this file's part of issue 12 (stats.py adds the distribution and trend, tested with them).
OWN_PAGES = {
    "commissioner.home",
    "commissioner.area",
    "commissioner.coverage_csv",
    "commissioner.matrix",
    "commissioner.matrix_csv",
    "commissioner.site",
    "commissioner.decide",
}


def commissioner_rules(app: Any) -> list[Any]:
    return [rule for rule in routes(app) if rule.endpoint.startswith("commissioner.")]


def test_every_commissioner_url_answers_404_outside_the_commissioners_areas(world, client_as, app):
    """Walks the URL map: an area the account does not cover, an unknown area, a site outside the area (even one
    in another of the commissioner's areas) and an unknown site answer 404, for GET and POST alike; the same URLs
    inside the area answer."""
    client = client_as(world["commissioner"])
    inside = {"area_code": world["area"].code, "site_code": world["sites"]["Alder"].code, "domain_id": "leadership"}
    cases = [
        {**inside, "area_code": world["other_area"].code},
        {**inside, "area_code": "NO-SUCH"},
        {**inside, "area_code": "X" * 300},
    ]
    checked = 0
    for rule in commissioner_rules(app):
        if "area_code" not in rule.arguments:
            continue
        wanted = list(cases)
        if "site_code" in rule.arguments:
            wanted += [{**inside, "site_code": world["outside"].code}, {**inside, "site_code": "NO-SUCH"}]
        for values in wanted:
            url = build(app, rule, **values)
            for method in [method for method in ("GET", "POST") if method in rule.methods]:
                response = client.open(url, method=method, data={"outcome": "assured", "rationale": "x"})
                assert response.status_code == 404, f"{method} {url}: {response.status_code}"
                checked += 1
        if "GET" in rule.methods and rule.endpoint in OWN_PAGES:
            response = client.get(build(app, rule, **inside))
            assert response.status_code == 200, f"{rule.rule}: {response.status_code}"
    assert checked >= 25
    assert not db.session.scalars(select(AssuranceDecision)).all()


def test_a_commissioner_of_both_areas_still_gets_404_for_a_site_through_the_wrong_area(world, client_as, app):
    both = make_commissioner("both@example.org", [world["area"], world["other_area"]])
    client = client_as(both)
    assert client.get(f"/areas/LDN/sites/{world['outside'].code}").status_code == 200
    assert client.get(f"/areas/NW-TEST/sites/{world['outside'].code}").status_code == 404
    assert client.get(f"/areas/LDN/sites/{world['sites']['Alder'].code}").status_code == 404
    response = client.get("/areas")
    assert response.status_code == 200
    links = [text_of(link) for link in main(page(response)).select("ul.govuk-list a")]
    assert links == ["London area", "North West test area"]


def test_other_audiences_cannot_use_the_commissioner_pages(world, client_as, app):
    for person in (world["governor"], world["inspector"]):
        client = client_as(person)
        for rule in commissioner_rules(app):
            url = build(app, rule, area_code=world["area"].code, site_code=world["sites"]["Alder"].code)
            assert client.get(url).status_code == 403, url


def test_one_area_goes_straight_to_it_and_none_says_why(world, client_as, make):
    client = client_as(world["commissioner"])
    response = client.get("/areas")
    assert response.status_code == 302 and location(response) == "/areas/NW-TEST"
    assert location(client.get("/")) == "/areas"
    nobody = make.user("commissioner", email="empty@example.org")
    body = text_of(main(page(client_as(nobody).get("/areas"))))
    assert "does not cover any area yet" in body


def test_the_service_navigation_and_home_lead_to_the_areas(world, client_as):
    client = client_as(world["commissioner"])
    soup = page(client.get("/home"))
    navigation = [text_of(link) for link in soup.select(".govuk-service-navigation__link")]
    assert "Areas" in navigation
    body = text_of(main(soup))
    assert "not available" not in body
    assert main(soup).find("a", href="/areas") is not None


# -- coverage --------------------------------------------------------------------------------------------------


def coverage_counts(soup: Any) -> dict[str, int]:
    table = main(soup).find("table")
    return {row[0]: int(row[1]) for row in table_rows(table)}


def site_statuses(soup: Any) -> dict[str, str]:
    table = main(soup).find_all("table")[1]
    return {row[0]: row[2] for row in table_rows(table)}


def test_coverage_for_a_year_that_has_ended_gives_every_status_and_adds_up(world, client_as):
    client = client_as(world["commissioner"])
    response = client.get(f"/areas/NW-TEST?period={PREVIOUS}")
    assert response.status_code == 200
    soup = page(response)
    counts = coverage_counts(soup)
    assert counts == {"Not started": 0, "Draft": 0, "Submitted": 2, "Validated": 1, "Overdue": 2, "All sites": 5}
    assert sum(value for key, value in counts.items() if key != "All sites") == counts["All sites"]
    statuses = site_statuses(soup)
    assert list(statuses) == ["HMP Alder", "HMP Birch", "HMP Cedar", "HMP Damson", "HMP Elm"]
    assert statuses == {
        "HMP Alder": "Validated",
        "HMP Birch": "Submitted In review",
        "HMP Cedar": "Submitted Not yet reviewed",
        "HMP Damson": "Overdue A draft was started",
        "HMP Elm": "Overdue",
    }
    rows = {row[0]: row for row in table_rows(main(soup).find_all("table")[1])}
    assert rows["HMP Elm"][3:] == ["Never", "None", "No result"]
    assert rows["HMP Alder"][4] == CURRENT  # its latest result is this year's
    assert "HMP Outside" not in text_of(main(soup))


def test_coverage_for_the_current_year_has_drafts_and_sites_not_started(world, client_as):
    soup = page(client_as(world["commissioner"]).get("/areas/NW-TEST"))
    assert coverage_counts(soup) == {
        "Not started": 3,
        "Draft": 1,
        "Submitted": 1,
        "Validated": 0,
        "Overdue": 0,
        "All sites": 5,
    }
    assert site_statuses(soup)["HMP Birch"] == "Draft"
    assert "no site is overdue yet" in text_of(main(soup))


def test_coverage_statuses_are_exclusive_and_add_up_for_any_mix(make):
    """The rule itself, on every combination of what a site can have in a period."""
    from datetime import UTC, datetime

    from assess.data.area_queries import PeriodAssessment
    from assess.services.area import COVERAGE_STATUSES, coverage_status

    now = datetime.now(UTC)
    draft = PeriodAssessment(1, 1, "draft", "1.0", now, None)
    sent = PeriodAssessment(2, 1, "submitted", "1.0", now, now)
    later = PeriodAssessment(3, 1, "submitted", "1.0", now, now + timedelta(hours=1))
    for items in ([], [draft], [sent], [draft, sent], [sent, later]):
        for states in ({}, {2: "in review", 3: "in review"}, {2: "validated"}, {3: "validated"}):
            for ended in (False, True):
                status, _ = coverage_status(items, states, ended)
                assert status in COVERAGE_STATUSES
    assert coverage_status([sent, later], {2: "validated"}, True)[0] == "submitted"  # the latest one counts
    assert coverage_status([sent, later], {3: "validated"}, True)[0] == "validated"


def test_the_coverage_csv_has_the_same_rows(world, client_as):
    rows = csv_of(client_as(world["commissioner"]).get(f"/areas/NW-TEST/coverage.csv?period={PREVIOUS}"))
    assert rows[0] == [
        "Site code",
        "Site",
        "Kind",
        "Year",
        "Status",
        "Detail",
        "Last submission",
        "Latest result year",
        "Latest result submitted",
        "Age of latest result (days)",
    ]
    by_site = {row[1]: row for row in rows[1:]}
    assert [row[1] for row in rows[1:]] == ["HMP Alder", "HMP Birch", "HMP Cedar", "HMP Damson", "HMP Elm"]
    assert [by_site[name][4] for name in by_site] == ["validated", "submitted", "submitted", "overdue", "overdue"]
    assert by_site["HMP Elm"][6:] == ["never", "", "", ""]
    assert by_site["HMP Cedar"][7] == PREVIOUS and by_site["HMP Cedar"][9] == "0"
    assert not NO_RANK.search("\n".join(",".join(row) for row in rows))


def test_a_year_that_is_not_offered_is_named_and_the_current_year_shown(world, client_as):
    response = client_as(world["commissioner"]).get("/areas/NW-TEST?period=1999-00")
    assert response.status_code == 200
    soup = page(response)
    assert [href for href, _ in error_summary(soup)] == ["#period"]
    assert "no year ‘1999-00’" in error_summary(soup)[0][1]
    assert soup.title.string.startswith("Error: ")
    assert f"Coverage in {CURRENT}" in text_of(main(soup))


# -- the area against national -------------------------------------------------------------------------------


def test_the_area_median_is_self_assessed_and_validated_beside_a_national_median_only_when_it_may_be_shown(
    world, client_as, make
):
    client = client_as(world["commissioner"])
    soup = page(client.get(f"/areas/NW-TEST?period={PREVIOUS}"))
    section = main(soup).find("h2", id="national")
    table = section.find_next("table")
    rows = {row[0]: row[1:] for row in table_rows(table)}
    first = make.questionnaire().definition.domains[0]
    # Alder 3 (validated: raised to 4), Birch 2 (in review: self-assessed), Cedar 4: median 3 of 3 sites.
    assert rows[first.title][0].startswith("3 – ") and "n = 3" in rows[first.title][0]
    assert rows[first.title][1].startswith("4 – ") and "n = 1" in rows[first.title][1]
    # Only one prison outside the area has a result: fewer than MIN_PEER_GROUP, so no national figure.
    assert all(row[2] == "Too few to show" for row in rows.values())
    assert "Too few to show: fewer than 5 of these sites submitted" in text_of(main(soup))

    governor = world["governor"]
    for number in range(6):
        peer = make.site(code=f"P-PEER{number}", name=f"HMP Peer {number}", kind="prison", region="London")
        make.submitted(peer, governor, PREVIOUS, choice=str(1 + number % 2))
    soup = page(client.get(f"/areas/NW-TEST?period={PREVIOUS}"))
    table = main(soup).find("h2", id="national").find_next("table")
    rows = {row[0]: row[1:] for row in table_rows(table)}
    # Seven other prisons: 1, 2, 1, 2, 1, 2 and 5: median level 2.
    assert rows[first.title][2].startswith("2 – ") and "n = 7" in rows[first.title][2]
    body = text_of(main(soup))
    for name in ("HMP Peer", "HMP Outside"):
        assert name not in body
    assert "All other prisons, outside this area" in body

    # A commissioner who also covers the London area sees HMP Outside by name: it leaves the national figures,
    # as on the distribution page (the same figures, decided together).
    both = client_as(make_commissioner("both@example.org", [world["area"], world["other_area"]]))
    soup = page(both.get(f"/areas/NW-TEST?period={PREVIOUS}"))
    table = main(soup).find("h2", id="national").find_next("table")
    rows = {row[0]: row[1:] for row in table_rows(table)}
    assert rows[first.title][2].startswith("1.5 ") and "n = 6" in rows[first.title][2]
    assert "All other prisons, outside the areas you cover" in text_of(main(soup))


# -- the matrix ------------------------------------------------------------------------------------------------


def matrix_rows(soup: Any) -> list[list[str]]:
    table = main(soup).find("table")
    return [[text_of(cell) for cell in row.find_all(["th", "td"])] for row in table.select("tbody tr")]


def test_the_matrix_shows_every_site_alphabetically_with_levels_marked_self_assessed_or_validated(
    world, client_as, make
):
    client = client_as(world["commissioner"])
    response = client.get("/areas/NW-TEST/matrix")
    assert response.status_code == 200
    soup = page(response)
    rows = matrix_rows(soup)
    assert [row[0] for row in rows] == ["HMP Alder", "HMP Birch", "HMP Cedar", "HMP Damson", "HMP Elm"]
    headers = [text_of(cell) for cell in main(soup).find("table").select("thead th")]
    assert headers[:3] == ["Site", "Year", "Review"] and len(headers) == 15
    alder, birch, cedar, damson, elm = rows
    # Alder's latest result is this year's, not yet reviewed: self-assessed.
    assert alder[1].startswith(CURRENT) and alder[2] == "Not yet reviewed"
    assert all(cell.endswith("Self-assessed") and cell.startswith("3 – ") for cell in alder[3:])
    # Birch is in review: its provisional decisions do not count yet.
    assert birch[2] == "In review" and birch[3].startswith("2 – ") and birch[3].endswith("Self-assessed")
    assert cedar[3].startswith("4 – ")
    assert damson[1:] == ["None", "No result", "No submitted assessment yet"]
    assert elm[1:] == damson[1:]
    body = response.get_data(as_text=True)
    assert not NO_RANK.search(text_of(main(soup)))
    assert "Internal" not in body


def test_a_final_review_gives_validated_levels_and_unable_stays_self_assessed(world, client_as, make):
    site = make.site(code="P-VAL", name="HMP Validated", kind="prison")
    governor = world["governor"]
    assessment = make.submitted(site, governor, PREVIOUS, choice="3")
    areas = world["areas"]
    review(
        assessment,
        world["inspector"],
        make,
        final=True,
        decisions={areas[0]: ("raise", 4), areas[1]: ("unable", None), areas[2]: ("lower", 2)},
    )
    client = client_as(make_commissioner("val@example.org", [make_area("VAL", "Validated area", [site])]))
    row = matrix_rows(page(client.get("/areas/VAL/matrix")))[0]
    assert row[2] == "Validated"
    assert row[3].startswith("4 – ") and row[3].endswith("Validated (self-assessed 3)")
    assert row[4].startswith("3 – ") and row[4].endswith("Self-assessed (unable to validate)")
    assert row[5].startswith("2 – ") and row[5].endswith("Validated (self-assessed 3)")
    assert row[6].startswith("3 – ") and row[6].endswith("Validated")


def test_grouping_by_an_area_groups_sites_by_level_with_ties_alphabetical(world, client_as, make):
    governor = world["governor"]
    extra = [
        make.site(code=f"P-X{number}", name=name, kind="prison")
        for number, name in enumerate(("HMP Zinnia", "HMP Aster", "HMP Mallow"))
    ]
    for site, choice in zip(extra, ("4", "4", "2"), strict=True):
        make.submitted(site, governor, PREVIOUS, choice=choice)
    area = make_area("NW-TEST", "North West test area", [*world["sites"].values(), *extra])
    assert area is not None
    first = world["areas"][0]
    soup = page(client_as(world["commissioner"]).get(f"/areas/NW-TEST/matrix?sort={first}"))
    groups = [
        (
            text_of(body.find("th", scope="rowgroup")),
            [text_of(row.find("th", scope="row")) for row in body.find_all("tr")[1:]],
        )
        for body in main(soup).find("table").find_all("tbody")
    ]
    assert [label.split(":")[0] for label, _ in groups] == [
        groups[0][0].split(":")[0],
        groups[1][0].split(":")[0],
        groups[2][0].split(":")[0],
        "No submitted assessment",
    ]
    assert groups[0][0].startswith("Level 4 – ") and groups[0][1] == ["HMP Aster", "HMP Cedar", "HMP Zinnia"]
    assert groups[1][0].startswith("Level 3 – ") and groups[1][1] == ["HMP Alder"]
    assert groups[2][0].startswith("Level 2 – ") and groups[2][1] == ["HMP Birch", "HMP Mallow"]
    assert groups[3][1] == ["HMP Damson", "HMP Elm"]
    assert not NO_RANK.search(text_of(main(soup)))

    rows = csv_of(client_as(world["commissioner"]).get(f"/areas/NW-TEST/matrix.csv?sort={first}"))
    assert [row[1] for row in rows[1:]] == [
        "HMP Aster",
        "HMP Cedar",
        "HMP Zinnia",
        "HMP Alder",
        "HMP Birch",
        "HMP Mallow",
        "HMP Damson",
        "HMP Elm",
    ]
    assert not NO_RANK.search("\n".join(",".join(row) for row in rows))


def test_an_unknown_grouping_is_named_and_the_sites_stay_alphabetical(world, client_as):
    soup = page(client_as(world["commissioner"]).get("/areas/NW-TEST/matrix?sort=nonsense"))
    assert [href for href, _ in error_summary(soup)] == ["#sort"]
    assert [row[0] for row in matrix_rows(soup)][:2] == ["HMP Alder", "HMP Birch"]


def test_the_matrix_csv_has_a_level_its_name_and_its_basis_for_every_area(world, client_as, make):
    rows = csv_of(client_as(world["commissioner"]).get("/areas/NW-TEST/matrix.csv"))
    definition = make.questionnaire().definition
    assert rows[0][:6] == ["Site code", "Site", "Kind", "Year of result", "Questionnaire version", "Review"]
    assert rows[0][6:9] == [
        f"{definition.domains[0].title}: level",
        f"{definition.domains[0].title}: level name",
        f"{definition.domains[0].title}: basis",
    ]
    assert len(rows[0]) == 6 + 3 * len(definition.domains)
    alder = rows[1]
    assert alder[:6] == ["P-ALDER", "HMP Alder", "prison", CURRENT, definition.version, "not yet reviewed"]
    assert alder[6:9] == ["3", definition.level(3).name, "self-assessed"]
    assert rows[4][3:9] == ["", "", "", "", "", "no result"]
    assert not NO_RANK.search("\n".join(",".join(row) for row in rows))


def test_a_version_without_an_area_is_not_comparable(make):
    """A site whose result is on a version without an area: the cell says not comparable, and grouping by that
    area puts the site in its own group (the service, with a second version of the questionnaire)."""
    from assess.data.area_queries import AreaDecisionRow
    from assess.services.area import NOT_COMPARABLE, level_cell

    cell = level_cell("new-area", None, {"leadership": 3}, {}, {3: "Involvement"})
    assert cell.basis == NOT_COMPARABLE and cell.text == "Not comparable" and cell.level is None
    renamed = level_cell("leadership", "old-leadership", {"old-leadership": 2}, {}, {2: "Consultation"})
    assert (renamed.level, renamed.basis) == (2, "self-assessed")
    unable = level_cell(
        "leadership",
        "leadership",
        {"leadership": 2},
        {"leadership": AreaDecisionRow("unable", None)},
        {2: "Consultation"},
    )
    assert (unable.level, unable.basis, unable.note) == (2, "self-assessed", "unable to validate")


# -- a site in the area -----------------------------------------------------------------------------------------


def test_the_site_summary_is_read_only_with_both_levels_trend_queries_and_no_internal_note(world, client_as, make):
    from assess.data import queries

    queries.raise_query(
        world["alder"], world["inspector"], [world["areas"][0]], "Send the minutes", date.today() - timedelta(days=3)
    )
    db.session.commit()
    client = client_as(world["commissioner"])
    response = client.get("/areas/NW-TEST/sites/P-BIRCH")
    assert response.status_code == 200
    soup = page(response)
    body = text_of(main(soup))
    assert "In review: these decisions may change" in body
    rows = table_rows(main(soup).find("h2", id="levels").find_next("table"))
    assert rows[1][1].startswith("2 – ") and rows[1][2] == "Lower the level" and rows[1][3].startswith("1 – ")
    assert "Internal" not in response.get_data(as_text=True)
    assert main(soup).find("form") is None  # read-only: the only way on is the button to the decision form
    alder = page(client.get("/areas/NW-TEST/sites/P-ALDER"))
    queries_table = main(alder).find("h2", id="queries").find_next("table")
    assert table_rows(queries_table)[0][0] == PREVIOUS and "Overdue" in table_rows(queries_table)[0][3]
    overview = page(client.get("/areas/NW-TEST"))
    open_rows = table_rows(main(overview).find("h2", id="queries").find_next("table"))
    assert open_rows[0] == ["HMP Alder", "1", "1 overdue", (date.today() - timedelta(days=3)).strftime("%-d %B %Y")]
    # The query opens read-only for the commissioner, from the site's page, with a way back to their areas.
    alder = page(client.get("/areas/NW-TEST/sites/P-ALDER"))
    link = main(alder).find("h2", id="queries").find_next("table").find("a", href=re.compile(r"^/queries/\d+$"))
    query_page = client.get(link["href"])
    assert query_page.status_code == 200
    soup = page(query_page)
    assert "Send the minutes" in text_of(main(soup)) and main(soup).find("form") is None
    assert soup.select_one(".govuk-back-link")["href"] == "/areas"


# -- assurance decisions ----------------------------------------------------------------------------------------


def test_an_empty_assurance_form_is_refused_with_each_problem_in_the_govuk_style(world, client_as):
    client = client_as(world["commissioner"])
    url = "/areas/NW-TEST/sites/P-ALDER/assurance"
    assert client.get(url).status_code == 200
    response = client.post(url, data={"domain": "", "questions": "What changed?", "rationale": "   "})
    assert response.status_code == 400
    soup = page(response)
    assert soup.title.string.startswith("Error: ")
    assert error_summary(soup) == [
        ("#outcome", "Select assured, partly assured or not assured"),
        ("#rationale", "Enter the rationale for your decision"),
        ("#revisit_on", "Enter the date to revisit the decision"),
    ]
    assert inline_error(soup, "rationale") == "Error: Enter the rationale for your decision"
    assert textarea_value(soup, "questions") == "What changed?"
    assert not db.session.scalars(select(AssuranceDecision)).all()


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2030", "The date to revisit the decision must be a real date, for example 27 3 2027"),
        ("today", None, None, "The date to revisit the decision must be in the future"),
        ("past", None, None, "The date to revisit the decision must be in the future"),
        ("far", None, None, "The date to revisit the decision must be on or before"),
    ],
)
def test_a_revisit_date_must_be_real_and_in_the_future_and_keeps_what_was_typed(
    world, client_as, day, month, year, message
):
    if day == "today":
        when = date.today()
    elif day == "past":
        when = date.today() - timedelta(days=1)
    elif day == "far":
        when = date.today() + timedelta(days=366 * 6)
    if month is None:
        day, month, year = str(when.day), str(when.month), str(when.year)
    client = client_as(world["commissioner"])
    rationale = "Council minutes seen; <b>not</b> yet the survey."
    response = client.post(
        "/areas/NW-TEST/sites/P-ALDER/assurance",
        data={
            "domain": world["areas"][3],
            "outcome": "partly assured",
            "rationale": rationale,
            "revisit_on": [day, month, year],
        },
    )
    assert response.status_code == 400
    soup = page(response)
    problems = error_summary(soup)
    assert len(problems) == 1 and problems[0][0] == "#revisit_on" and problems[0][1].startswith(message)
    assert textarea_value(soup, "rationale") == rationale
    assert soup.find("input", attrs={"name": "outcome", "value": "partly assured"}).has_attr("checked")
    assert soup.find("option", attrs={"value": world["areas"][3]}).has_attr("selected")
    assert soup.find("input", attrs={"id": "revisit_on-year"})["value"] == year


def test_text_longer_than_allowed_is_refused_with_its_length_never_cut(world, client_as):
    from assess.assurance import MAX_TEXT

    when = date.today() + timedelta(days=40)
    response = client_as(world["commissioner"]).post(
        "/areas/NW-TEST/sites/P-ALDER/assurance",
        data={
            "outcome": "assured",
            "rationale": "x" * (MAX_TEXT + 1),
            "questions": "q",
            "revisit_on": [str(when.day), str(when.month), str(when.year)],
        },
    )
    assert response.status_code == 400
    assert error_summary(page(response)) == [
        ("#rationale", f"The rationale must be 10,000 characters or fewer (it has {MAX_TEXT + 1:,})")
    ]


def test_a_decision_is_recorded_audited_listed_with_its_history_and_read_only_to_the_sites_governor(
    world, client_as, make
):
    client = client_as(world["commissioner"])
    when = date.today() + timedelta(days=20)
    data = {
        "domain": "",
        "outcome": "partly assured",
        "questions": "How often does the council meet?",
        "rationale": "Minutes show two meetings, not monthly.",
        "revisit_on": [str(when.day), str(when.month), str(when.year)],
    }
    response = client.post("/areas/NW-TEST/sites/P-ALDER/assurance", data=data)
    assert response.status_code == 302
    assert location(response) == "/areas/NW-TEST/sites/P-ALDER#decisions"
    first = db.session.scalars(select(AssuranceDecision)).one()
    assert (first.outcome, first.domain_id, first.revisit_on) == ("partly assured", None, when)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "assurance-decided")).all()
    assert len(events) == 1 and events[0].site_id == world["sites"]["Alder"].id

    later = date.today() + timedelta(days=120)
    response = client.post(
        "/areas/NW-TEST/sites/P-ALDER/assurance",
        data={
            **data,
            "outcome": "assured",
            "rationale": "The survey came back: monthly meetings resumed.",
            "revisit_on": [str(later.day), str(later.month), str(later.year)],
        },
    )
    assert response.status_code == 302
    site_page = page(client.get("/areas/NW-TEST/sites/P-ALDER"))
    decisions = main(site_page).find("h2", id="decisions").find_all_next(class_="govuk-summary-card")
    assert len(decisions) == 1
    card = text_of(decisions[0])
    assert "The site as a whole: assured" in card and "monthly meetings resumed" in card
    assert "Earlier decisions on the site as a whole (1)" in card and "two meetings, not monthly" in card

    overview = page(client.get("/areas/NW-TEST"))
    body = text_of(main(overview))
    assert "monthly meetings resumed" in body and "two meetings, not monthly" in body
    assert "No assurance decision is due for revisit in the next 30 days." in body  # the due one was superseded

    governor = client_as(world["governor"])
    sites_page = page(governor.get("/sites"))
    section = main(sites_page).find("section", attrs={"aria-labelledby": "site-P-ALDER"})
    text = text_of(section)
    assert "Assurance decisions" in text and "monthly meetings resumed" in text and "two meetings" in text
    assert section.find("form") is None and section.find("a", href=re.compile("assurance")) is None
    other = main(sites_page).find("section", attrs={"aria-labelledby": "site-P-CEDAR"})
    assert "monthly meetings" not in text_of(other)
    # A governor of another site does not see it.
    stranger = make.user("governor", sites=(world["outside"],), email="stranger@example.org")
    assert "monthly meetings" not in client_as(stranger).get("/sites").get_data(as_text=True)


def test_decisions_due_within_thirty_days_or_overdue_are_listed_soonest_first(world, client_as, make):
    commissioner, area = world["commissioner"], world["area"]
    sites = world["sites"]
    decide(sites["Cedar"], commissioner, area, outcome="not assured", revisit=date.today() + timedelta(days=30))
    decide(sites["Birch"], commissioner, area, revisit=date.today() + timedelta(days=31))
    decide(sites["Elm"], commissioner, area, revisit=date.today() + timedelta(days=5), domain_id=world["areas"][0])
    overdue = decide(sites["Damson"], commissioner, area, revisit=date.today() + timedelta(days=2))
    # A decision revisited the day it was made cannot be entered, but time passes: make one overdue.
    db.session.execute(
        AssuranceDecision.__table__.insert().values(
            site_id=sites["Alder"].id,
            area_id=area.id,
            domain_id=None,
            outcome="assured",
            questions="",
            rationale="Older",
            revisit_on=date.today() - timedelta(days=1),
            decided_at=overdue.decided_at,
            decided_by_id=commissioner.id,
            decided_by_label="Cam",
        )
    )
    db.session.commit()
    soup = page(client_as(commissioner).get("/areas/NW-TEST"))
    rows = table_rows(main(soup).find("h2", id="due").find_next("table"))
    assert [row[0] for row in rows] == ["HMP Alder", "HMP Damson", "HMP Elm", "HMP Cedar"]
    assert rows[0][3].endswith("(overdue)") and rows[1][3].endswith("(due within 30 days)")
    assert rows[2][1] == make.questionnaire().definition.domains[0].title
    assert rows[3][2] == "Not assured"


# -- statements ------------------------------------------------------------------------------------------------


def populate(make: Any, code: str, count: int, governor: Any, inspector: Any, commissioner_email: str) -> Any:
    """An area of `count` prisons, each with the same history: last year submitted and validated, an open
    query, this year a draft, and an assurance decision."""
    from assess.data import queries

    sites = [
        make.site(code=f"{code}{number}", name=f"HMP {code} {number:02d}", kind="prison") for number in range(count)
    ]
    for site in sites:
        assessment = make.submitted(site, governor, PREVIOUS, choice="3")
        review(assessment, inspector, make, final=True)
        queries.raise_query(assessment, inspector, ["leadership"], "Minutes?", date.today() + timedelta(days=3))
        make.draft(site, governor, CURRENT)
    area = make_area(code, f"Area {code}", sites)
    commissioner = make_commissioner(commissioner_email, [area])
    for site in sites:
        decide(site, commissioner, area, revisit=date.today() + timedelta(days=10))
    return area, commissioner, sites


def test_statements_do_not_grow_with_the_number_of_sites(make, client_as):
    governor = make.user("governor", email="many@example.org")
    inspector = make.user("inspector", email="many-ins@example.org", remit=(("prison", "England"),))
    for number in range(6):  # prisons outside both areas, so that the national figures are shown for both
        make.submitted(make.site(code=f"OUT{number}", kind="prison"), governor, PREVIOUS, choice="2")
    small, small_user, small_sites = populate(make, "SM", 2, governor, inspector, "small@example.org")
    large, large_user, large_sites = populate(make, "LG", 6, governor, inspector, "large@example.org")
    small_client, large_client = client_as(small_user), client_as(large_user)
    for path in (
        "",
        f"?period={PREVIOUS}",
        "/matrix",
        "/matrix?sort=leadership",
        "/coverage.csv",
        "/matrix.csv?sort=leadership",
    ):
        counts = []
        for area, client in ((small, small_client), (large, large_client)):
            client.get(f"/areas/{area.code}{path}")  # warm: the first request of a client reads its account
            with statements() as seen:
                response = client.get(f"/areas/{area.code}{path}")
            assert response.status_code == 200, path
            counts.append(seen)
        assert len(counts[0]) == len(counts[1]), f"{path}:\n" + "\n---\n".join(counts[1])
        assert not any("FROM answers" in statement for statement in counts[1]), path


# -- the pure rules --------------------------------------------------------------------------------------------


def test_the_assurance_rules_on_their_own():
    from assess.assurance import OUTCOMES, check_assurance, latest_revisit
    from assess.models import Assurance

    assert set(OUTCOMES) == {item.value for item in Assurance}  # the database's values
    today = date(2026, 5, 1)
    checked, problems = check_assurance(
        "not assured", "leadership", "  Why?  ", " Because. ", date(2026, 5, 2), today=today, domain_ids={"leadership"}
    )
    assert problems == {} and checked is not None
    assert (checked.domain_id, checked.questions, checked.rationale) == ("leadership", "Why?", "Because.")
    checked, problems = check_assurance("assured", "", None, "R", date(2026, 5, 2), today=today, domain_ids=())
    assert checked is not None and checked.domain_id is None and checked.questions == ""
    _, problems = check_assurance("maybe", "nope", "q" * 10_001, "", date(2026, 5, 1), today=today, domain_ids=())
    assert problems == {
        "outcome": "Select assured, partly assured or not assured",
        "domain": "Select an area of the questionnaire from the list, or the site as a whole",
        "questions": "The questions asked must be 10,000 characters or fewer (it has 10,001)",
        "rationale": "Enter the rationale for your decision",
        "revisit_on": "The date to revisit the decision must be in the future",
    }
    assert latest_revisit(date(2028, 2, 29)) == date(2033, 2, 28)
    _, problems = check_assurance("assured", "", "", "R", date(2031, 5, 2), today=today, domain_ids=())
    assert problems == {"revisit_on": "The date to revisit the decision must be on or before 1 May 2031"}


def test_ages_and_medians_in_words(make):
    from fractions import Fraction

    from assess.services.area import age_text, median_of, median_text

    today = date(2026, 6, 15)
    assert [
        age_text(day, today)
        for day in (today, date(2026, 6, 14), date(2026, 5, 1), date(2025, 6, 15), date(2024, 3, 1))
    ] == ["Today", "1 day", "1 month", "1 year", "2 years and 3 months"]
    definition = make.questionnaire().definition
    assert median_of([]) is None and median_of([1, 3, 4]) == 3 and median_of([2, 3]) == Fraction(5, 2)
    assert median_text(Fraction(3), definition) == f"3 – {definition.level(3).name}"
    assert median_text(Fraction(5, 2), definition) == (
        f"2.5 (between {definition.level(2).name} and {definition.level(3).name})"
    )
