"""What a governor sees of an inspector's validation and queries (issue 11, item 6 and the site's side of
item 7): the validated level, decision and reason beside the self-assessed level on the results page, in the
results CSV and in the PDF report; provisional wording while the review is under way; the queries on an
assessment and, on the sites page, every open query with its overdue flag. An inspector's internal notes
never reach the site, in any of them."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from assess.data import queries as query_data
from assess.data import reviews
from assess.extensions import db
from assess.pdf import render as pdf
from assess.pdf import svg
from tests.integration.helpers import main, page, text_of

PRISONS = (("prison", "England"),)
PERIOD = "2025-26"
AREA_NOTE = "INTERNAL-AREA-NOTE-7f3a: the governor seemed unsure"
REVIEW_NOTE = "INTERNAL-REVIEW-NOTE-91c2: check with the deputy"
REASON = "The minutes show two meetings a year, not monthly ones."
SUMMARY = "A careful self-assessment; two areas were scored a level high."


# -- Data -------------------------------------------------------------------------------------------------


@pytest.fixture()
def world(make: Any) -> dict[str, Any]:
    site = make.site(code="GV-A", name="HMP Alder")
    governor = make.user("governor", sites=(site,), email="alder@example.org", name="Gail Governor")
    inspector = make.user("inspector", email="ins@example.org", name="Ina Spector", remit=PRISONS)
    assessment = make.submitted(site, governor, PERIOD, choice="3")
    definition = make.questionnaire().definition
    return {
        "site": site,
        "governor": governor,
        "inspector": inspector,
        "assessment": assessment,
        "definition": definition,
        "areas": [domain.id for domain in definition.domains],
        "titles": [domain.title for domain in definition.domains],
    }


def level(world: dict[str, Any], value: int) -> str:
    return f"{value} – {world['definition'].level(value).name}"


def decide(
    world: dict[str, Any],
    area: str,
    decision: str = "lower",
    validated: int | None = 2,
    reason: str = REASON,
    note: str = AREA_NOTE,
) -> None:
    current = reviews.get_validations(world["assessment"].id).get(area)
    reviews.save_validation(
        world["assessment"],
        world["inspector"],
        area,
        decision=decision,
        self_level=3,
        validated_level=validated,
        reason=reason,
        internal_note=note,
        expected_version=current.version if current else 0,
    )
    db.session.commit()


def summarise(world: dict[str, Any]) -> None:
    review = reviews.get_review(world["assessment"].id)
    reviews.save_summary(
        world["assessment"],
        world["inspector"],
        confidence="partly confident",
        summary=SUMMARY,
        internal_note=REVIEW_NOTE,
        expected_version=review.version if review else 1,
    )
    db.session.commit()


def validate_all(world: dict[str, Any]) -> None:
    """Lower the first area, agree with the rest, summarise and finalise."""
    decide(world, world["areas"][0])
    for area in world["areas"][1:]:
        decide(world, area, decision="agree", validated=3, reason="")
    summarise(world)
    reviews.finalise_review(world["assessment"], world["inspector"], world["areas"])
    db.session.commit()


def raise_query(world: dict[str, Any], text: str, due: date, areas: list[str] | None = None) -> Any:
    query = query_data.raise_query(world["assessment"], world["inspector"], areas or world["areas"][:1], text, due)
    db.session.commit()
    return query


# -- Reading pages, CSV and PDF ------------------------------------------------------------------------------


def levels_table(soup: Any) -> list[list[str]]:
    table = next(
        table
        for table in main(soup).find_all("table")
        if table.caption is not None and text_of(table.caption) == "Your level in each area"
    )
    return [[text_of(cell) for cell in row.find_all(["th", "td"])] for row in table.select("tbody tr")]


def results(client: Any, world: dict[str, Any]) -> Any:
    response = client.get(f"/assessments/{world['assessment'].id}/results")
    assert response.status_code == 200
    return response


def csv_rows(client: Any, world: dict[str, Any]) -> tuple[Any, list[list[str]]]:
    response = client.get(f"/assessments/{world['assessment'].id}/results.csv")
    assert response.status_code == 200
    return response, list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def pdftotext(data: bytes) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: install poppler-utils")
    result = subprocess.run([tool, "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


@pytest.fixture(scope="module", autouse=True)
def stop_report_helpers() -> Iterator[None]:
    yield
    svg.exporter().stop()
    pdf.worker().stop()


@pytest.fixture()
def own_cache(app_ctx: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app_ctx.config, "REPORT_CACHE_DIR", str(tmp_path / "report-cache"))
    monkeypatch.setitem(app_ctx.config, "REPORT_TIME_LIMIT", 120)


def report(client: Any, world: dict[str, Any]) -> Any:
    response = client.get(f"/assessments/{world['assessment'].id}/report.pdf")
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    return response


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


# -- The results page -------------------------------------------------------------------------------------


def test_before_any_review_the_page_says_not_yet_reviewed_and_keeps_its_own_table(world, client_as):
    soup = page(results(client_as(world["governor"]), world))
    body = text_of(main(soup))
    assert "Review: Not yet reviewed" in body
    assert "In review" not in body
    rows = levels_table(soup)
    assert rows[0] == [world["titles"][0], "3.0", level(world, 3)]
    assert "No inspector has raised a query about this assessment." in body


def test_in_review_the_validated_level_and_reason_sit_beside_the_own_level_marked_provisional(world, client_as):
    decide(world, world["areas"][0])
    decide(world, world["areas"][1], decision="agree", validated=3, reason="")
    summarise(world)
    response = results(client_as(world["governor"]), world)
    html = response.get_data(as_text=True)
    soup = page(response)
    body = text_of(main(soup))

    assert "In review: these decisions may change." in body
    rows = levels_table(soup)
    assert len(rows) == len(world["areas"])
    assert rows[0] == [
        world["titles"][0],
        "3.0",
        level(world, 3),
        f"{level(world, 2)} Decision: Lower the level",
        REASON,
    ]
    assert rows[1] == [
        world["titles"][1],
        "3.0",
        level(world, 3),
        f"{level(world, 3)} Decision: Agree",
        "No reason given",
    ]
    assert rows[2] == [world["titles"][2], "3.0", level(world, 3), "Not yet decided", ""]
    header = [text_of(cell) for cell in main(soup).find("caption").find_parent("table").select("thead th")]
    assert header == ["Area", "Score (0 to 5)", "Self-assessed level", "Validated level (provisional)", "Reason"]

    # The review as a whole: its state, the confidence and summary (written for the site).
    assert "Confidence in the self-assessment Partly confident" in body
    assert SUMMARY in body
    assert "Overall validated level Not yet decided: every area needs a decision first" in body
    # Each area's own section repeats it beside the area's level.
    section = text_of(main(soup).find("section", attrs={"aria-labelledby": f"domain-{world['areas'][0]}"}))
    assert f"Level: {level(world, 3)}" in section
    assert f"Validated level (provisional): {level(world, 2)} (decision: Lower the level)" in section
    assert f"Inspector's reason: {REASON}" in section

    # Never an internal note: not the area's, not the review's.
    assert AREA_NOTE not in html and REVIEW_NOTE not in html
    assert "INTERNAL-" not in html


def test_once_validated_the_decisions_are_final_with_the_overall_validated_level(world, client_as):
    validate_all(world)
    soup = page(results(client_as(world["governor"]), world))
    body = text_of(main(soup))
    assert "In review: these decisions may change" not in body
    assert "Review Validated: the decisions are final" in body
    assert "Validated on" in body and "by Ina Spector" in body
    key = next(item for item in main(soup).find_all("dt") if text_of(item) == "Overall validated level")
    overall = text_of(key.find_next_sibling("dd"))
    from assess.scoring import score_assessment
    from assess.services.validation import validation_view

    assessment = world["assessment"]
    view = validation_view(
        assessment, world["definition"], score_assessment(world["definition"], assessment.answer_map()), internal=False
    )
    assert view.overall is not None
    assert overall.startswith(view.overall_text)
    assert "(provisional)" not in overall
    assert "with each area's validated level in place of its score" in overall  # the rule, in words
    assert levels_table(soup)[0][3] == f"{level(world, 2)} Decision: Lower the level"
    assert "Validated level (provisional)" not in body
    html = str(soup)
    assert AREA_NOTE not in html and REVIEW_NOTE not in html


def test_an_area_the_inspector_could_not_validate_says_so_with_its_reason(world, client_as):
    decide(world, world["areas"][0], decision="unable", validated=None, reason="No minutes were available")
    rows = levels_table(page(results(client_as(world["governor"]), world)))
    assert rows[0][3:] == ["Unable to validate", "No minutes were available"]


def test_inspectors_words_are_escaped(world, client_as):
    decide(world, world["areas"][0], reason="<script>alert('reason')</script>")
    html = results(client_as(world["governor"]), world).get_data(as_text=True)
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(" in html


def test_the_queries_on_the_assessment_are_listed_with_status_due_date_overdue_and_a_link(world, client_as):
    today = date.today()
    late = raise_query(world, "Please send the council's minutes for March.", today - timedelta(days=3))
    later = raise_query(world, "Who chairs the forum?", today + timedelta(days=10), world["areas"][1:3])
    done = raise_query(world, "Is the budget line ring-fenced?", today - timedelta(days=30))
    query_data.step_query(done, world["inspector"], "resolved", "Settled at the visit", None, 1)
    db.session.commit()
    soup = page(results(client_as(world["governor"]), world))

    banner = soup.select_one(".govuk-notification-banner")
    assert banner is not None
    assert "waiting for your reply to 2 queries about this assessment (1 overdue)" in text_of(banner)
    section = main(soup).find("section", attrs={"aria-labelledby": "queries"})
    rows = section.select("tbody tr")
    assert [row.find("a")["href"] for row in rows] == [
        f"/queries/{late.id}",
        f"/queries/{later.id}",
        f"/queries/{done.id}",
    ]
    cells = [[text_of(cell) for cell in row.find_all("td")] for row in rows]
    assert cells[0][0] == "Please send the council's minutes for March."
    assert cells[0][1] == world["titles"][0]
    assert cells[0][2] == f"{(today - timedelta(days=3)).day} {(today - timedelta(days=3)):%B %Y}"
    assert cells[0][3] == "Overdue Awaiting your reply"
    assert cells[1][1] == ", ".join(world["titles"][1:3])
    assert cells[1][3] == "Awaiting your reply"
    assert cells[2][3] == "Resolved"  # past its date, but resolved: not overdue


# -- Benchmarks say what they are built from --------------------------------------------------------------


def test_benchmark_figures_say_they_are_built_from_self_assessed_levels(world, client_as):
    validate_all(world)
    body = text_of(main(page(results(client_as(world["governor"]), world))))
    assert (
        "These figures are built from sites' self-assessed levels, yours included, not from levels "
        "validated by an inspector." in body
    )


# -- The sites page ---------------------------------------------------------------------------------------


def test_the_sites_page_lists_each_open_query_with_its_overdue_flag_and_a_link(world, client_as, make):
    today = date.today()
    late = raise_query(world, "Please send the council's minutes for March.", today - timedelta(days=1))
    answered = raise_query(world, "Who chairs the forum?", today + timedelta(days=5))
    query_data.step_query(answered, world["governor"], "agree", "The deputy governor", None, 1)
    closed = raise_query(world, "Closed one", today - timedelta(days=9))
    query_data.step_query(closed, world["inspector"], "closed", "No longer needed", None, 1)
    db.session.commit()
    quiet = make.site(code="GV-B", name="HMP Birch")
    governor = make.user("governor", sites=(world["site"], quiet), email="both@example.org")

    soup = page(client_as(governor).get("/sites"))
    banner = soup.select_one(".govuk-notification-banner")
    assert banner is not None
    assert "1 query from an inspector is waiting for your reply (1 overdue)." in text_of(banner)
    assert banner.find("a", href="#queries-GV-A") is not None
    assert banner.find("a", href="#queries-GV-B") is None

    alder = main(soup).find("section", attrs={"aria-labelledby": "site-GV-A"})
    heading = alder.find(id="queries-GV-A")
    assert text_of(heading) == "Open queries from inspectors: 2 (1 overdue)"
    table = heading.find_next("table")
    rows = table.select("tbody tr")
    assert [row.find("a")["href"] for row in rows] == [f"/queries/{late.id}", f"/queries/{answered.id}"]
    first = [text_of(cell) for cell in rows[0].find_all("td")]
    assert first[0] == "Please send the council's minutes for March."
    assert first[1] == PERIOD
    assert first[4] == "Overdue Awaiting your reply"
    assert [text_of(cell) for cell in rows[1].find_all("td")][4] == "Answered: with the inspector"
    assert "Closed one" not in text_of(main(soup))
    birch = main(soup).find("section", attrs={"aria-labelledby": "site-GV-B"})
    assert "Open queries" not in text_of(birch)


def test_the_sites_page_reads_every_sites_queries_in_a_constant_number_of_statements(make, client_as):
    sites = [make.site(code=f"Q-{number}", name=f"HMP Query {number:02d}") for number in range(6)]
    governor = make.user("governor", sites=tuple(sites), email="many@example.org")
    inspector = make.user("inspector", email="ins@example.org", remit=PRISONS)
    assessments = [make.submitted(site, governor, PERIOD) for site in sites]
    client = client_as(governor)
    with statements() as none_open:
        assert client.get("/sites").status_code == 200
    for number, assessment in enumerate(assessments):
        for extra in range(number % 3 + 1):
            query_data.raise_query(
                assessment,
                inspector,
                ["leadership"],
                f"Question {number}.{extra}",
                date.today() + timedelta(days=extra - 1),
            )
    db.session.commit()
    with statements() as many_open:
        response = client.get("/sites")
    assert response.status_code == 200
    assert len(many_open) == len(none_open), "\n---\n".join(many_open)
    assert not any("FROM answers" in statement or "FROM query_entries" in statement for statement in many_open)
    assert text_of(main(page(response))).count("Open queries from inspectors") == 6


# -- The CSV ----------------------------------------------------------------------------------------------


def test_the_results_csv_has_a_row_per_area_with_the_validation_and_no_internal_note(world, client_as):
    client = client_as(world["governor"])
    response, rows = csv_rows(client, world)
    assert response.mimetype == "text/csv"
    assert f"GV-A-{PERIOD}-results.csv" in response.headers["Content-Disposition"]
    assert rows[0][:7] == [
        "Area",
        "Self-assessed score",
        "Self-assessed level",
        "Review state",
        "Decision",
        "Validated level",
        "Reason",
    ]  # then the change since last year, the target and the gaps (tests/integration/test_change_since_last_year.py)
    assert rows[1][:7] == [world["titles"][0], "3.0", level(world, 3), "Not yet reviewed", "", "Not yet reviewed", ""]
    assert rows[-1][:3] == ["Overall", rows[-1][1], rows[-1][2]] and rows[-1][5] == "Not yet reviewed"

    decide(world, world["areas"][0])
    decide(world, world["areas"][1], decision="raise", validated=4, reason='=HYPERLINK("http://x")')
    decide(world, world["areas"][2], decision="unable", validated=None, reason="No minutes")
    response, rows = csv_rows(client, world)
    assert len(rows) == 1 + len(world["areas"]) + 1  # a row per area, then the overall score
    assert rows[1][:7] == [
        world["titles"][0],
        "3.0",
        level(world, 3),
        "In review",
        "Lower the level",
        level(world, 2),
        REASON,
    ]
    assert rows[2][4:7] == ["Raise the level", level(world, 4), '\'=HYPERLINK("http://x")']  # never a formula
    assert rows[3][4:7] == ["Unable to validate", "Unable to validate", "No minutes"]
    assert rows[4][3:7] == ["In review", "Not yet decided", "Not yet decided", ""]
    text = response.get_data(as_text=True)
    assert AREA_NOTE not in text and "INTERNAL-" not in text


def test_the_results_page_links_to_the_csv(world, client_as):
    soup = page(results(client_as(world["governor"]), world))
    link = main(soup).find("a", href=f"/assessments/{world['assessment'].id}/results.csv")
    assert link is not None and text_of(link).startswith("Download your levels and the validated levels (CSV)")


def test_another_sites_governor_cannot_download_the_csv(world, make, client_as):
    other = make.user("governor", sites=(make.site(code="GV-Z"),), email="z@example.org")
    assert client_as(other).get(f"/assessments/{world['assessment'].id}/results.csv").status_code == 404


# -- The PDF report ---------------------------------------------------------------------------------------


def test_the_report_shows_the_validation_beside_the_own_level_never_a_note_and_a_change_makes_a_new_report(
    world, client_as, own_cache
):
    client = client_as(world["governor"])
    before = report(client, world)
    text = pdftotext(before.get_data())
    assert "Inspector's review Not yet reviewed" in text
    assert "These figures are built from sites' self-assessed levels" in text

    decide(world, world["areas"][0])
    summarise(world)
    during = report(client, world)
    assert during.headers["X-Report-Cache"] == "miss"
    assert during.headers["ETag"] != before.headers["ETag"]
    text = pdftotext(during.get_data())
    assert "In review: these decisions may change." in text
    assert "Validated level (provisional): " + level(world, 2) + " (decision: Lower the level)" in text
    assert REASON in text
    assert SUMMARY in text and "Partly confident" in text
    assert "INTERNAL-" not in text

    # The same validation again: the cached report. A new reason: a new report.
    assert report(client, world).headers["X-Report-Cache"] == "hit"
    decide(world, world["areas"][0], reason="A different reason, after the visit.")
    changed = report(client, world)
    assert changed.headers["X-Report-Cache"] == "miss"
    assert "A different reason, after the visit." in pdftotext(changed.get_data())

    # Finalised: no longer provisional.
    for area in world["areas"][1:]:
        decide(world, area, decision="agree", validated=3, reason="")
    reviews.finalise_review(world["assessment"], world["inspector"], world["areas"])
    db.session.commit()
    final = pdftotext(report(client, world).get_data())
    assert "Review Validated: the decisions are final" in final
    assert "these decisions may change" not in final
    assert "Overall validated level" in final
    assert "INTERNAL-" not in final


def test_an_inspector_downloading_the_report_gets_the_sites_copy_without_notes(world, client_as, own_cache):
    decide(world, world["areas"][0])
    summarise(world)
    text = pdftotext(report(client_as(world["inspector"]), world).get_data())
    assert REASON in text
    assert "INTERNAL-" not in text
