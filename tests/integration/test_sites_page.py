"""The governor's sites page reads each site's assessments in one query and never their answers (issue 10:
loading every answer of every assessment it listed made it slow, and was where a threaded server crashed).
It shows each site's latest submitted overall level, its year and a link to its trend (issue 13, item 9),
read for every site at once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from assess.extensions import db
from tests.integration.helpers import main, page, text_of


@contextmanager
def statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_sites_page_queries_do_not_grow_with_sites_or_assessments_and_skip_answers(make, client_as):
    sites = [make.site(code=f"MANY-{number}", name=f"HMP Many {number:02d}") for number in range(12)]
    governor = make.user("governor", sites=tuple(sites), email="many@example.org")
    client = client_as(governor)
    make.submitted(sites[0], governor, "2023-24")  # one result, so that the latest levels' query has rows
    with statements() as few:
        assert client.get("/sites").status_code == 200
    for site in sites:
        make.submitted(site, governor, "2024-25")
        make.submitted(site, governor, "2025-26")
    with statements() as many:
        response = client.get("/sites")
    assert response.status_code == 200
    assert len(many) == len(few), "\n---\n".join(many)
    assert not any("FROM answers" in statement for statement in many)
    listed = [text_of(heading) for heading in main(page(response)).find_all("h2")]
    assert listed == sorted(listed) and len(listed) == 12
    assert text_of(main(page(response))).count("View results") == 25
    assert text_of(main(page(response))).count("View trend") == 12


def _section(response, code):  # type: ignore[no-untyped-def]
    return main(page(response)).find("section", attrs={"aria-labelledby": f"site-{code}"})


def test_each_site_shows_its_latest_submitted_overall_level_its_year_and_a_link_to_its_trend(make, client_as):
    older = make.site(code="LV-A", name="HMP Larch")
    newer = make.site(code="LV-B", name="HMP Linden")
    drafting = make.site(code="LV-C", name="HMP Lime")
    governor = make.user("governor", sites=(older, newer, drafting), email="levels@example.org")
    make.submitted(older, governor, "2024-25", choice="4")
    make.submitted(older, governor, "2025-26", choice="2")  # the latest year counts, not the best
    make.submitted(newer, governor, "2023-24", choice="5")
    make.draft(newer, governor, "2026-27")  # a draft is never a result
    make.draft(drafting, governor, "2026-27")
    response = client_as(governor).get("/sites")
    assert response.status_code == 200

    larch = _section(response, "LV-A")
    summary = larch.find(id="latest-LV-A")
    assert text_of(summary.find("dt")) == "Latest submitted overall level"
    assert text_of(summary.find("dd")) == "Level 2: Consultation (2025-26)"
    link = summary.find("a")
    assert link["href"] == "/sites/LV-A/trend"
    assert text_of(link) == "View trend for HMP Larch"
    assert text_of(link.find(class_="govuk-visually-hidden")) == "for HMP Larch"

    linden = _section(response, "LV-B").find(id="latest-LV-B")
    assert text_of(linden.find("dd")) == "Level 5: Co-production (2023-24)"
    assert linden.find("a")["href"] == "/sites/LV-B/trend"

    lime = _section(response, "LV-C")
    assert text_of(lime.find(id="latest-LV-C")) == "No submitted assessment yet, so no overall level or trend."
    assert lime.find("a", href="/sites/LV-C/trend") is None
    # Every trend link's text is different, for people who list a page's links.
    names = [text_of(a) for a in main(page(response)).find_all("a") if a["href"].endswith("/trend")]
    assert names == ["View trend for HMP Larch", "View trend for HMP Linden"]


def test_the_trend_link_from_the_sites_page_opens_the_sites_trend(make, client_as):
    site = make.site(code="LV-T", name="HMP Teak")
    governor = make.user("governor", sites=(site,), email="teak@example.org")
    make.submitted(site, governor, "2024-25", choice="1")
    make.submitted(site, governor, "2025-26", choice="3")
    client = client_as(governor)
    href = _section(client.get("/sites"), "LV-T").find(id="latest-LV-T").find("a")["href"]
    trend = client.get(href)
    assert trend.status_code == 200
    assert "2024-25" in text_of(main(page(trend))) and "2025-26" in text_of(main(page(trend)))
