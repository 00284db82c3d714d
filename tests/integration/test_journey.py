"""The governor journey, end to end through the pages: sites -> start -> task list -> 12 domain pages ->
check answers -> declaration -> confirmation -> results, and the ways each step can go wrong."""

from __future__ import annotations

import re
import warnings
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from assess import periods
from assess.extensions import db
from assess.models import Answer, Assessment
from tests.integration.helpers import (
    checked_value,
    complete_all_domains,
    domain_data,
    error_summary,
    h1,
    inline_error,
    location,
    main,
    page,
    start_assessment,
    text_of,
    textarea_value,
)

CURRENT = periods.period_for(date.today())  # 2026-27 when these tests were written
PREVIOUS = periods.previous_period(CURRENT)
XSS = "<script>alert(1)</script>"


def option_label(question: Any, level: int, kind: str = "prison") -> str:
    return next(option for option in question.options if option.level == level).label_for(kind)


def fresh(assessment_id: int) -> Assessment:
    """The assessment as the database has it now (the test's session may hold an older copy)."""
    db.session.expire_all()
    assessment = db.session.get(Assessment, assessment_id)
    assert assessment is not None
    return assessment


def assessments_for(site: Any) -> list[Assessment]:
    db.session.expire_all()
    return list(db.session.scalars(select(Assessment).where(Assessment.site_id == site.id).order_by(Assessment.id)))


# -- the whole journey -------------------------------------------------------------------------------

def test_whole_governor_journey(gov_client, site_a, questionnaire):
    client = gov_client
    domains = questionnaire.domains
    assert len(domains) == 12

    # Your sites: the site, no assessments yet, a way to start one.
    sites = page(client.get("/sites"))
    assert h1(sites) == "Your sites"
    section = main(sites).find("section", attrs={"aria-labelledby": "site-GOV-A"})
    assert section is not None and text_of(section.find("h2")) == "HMP Alpha"
    assert "No assessments yet." in text_of(section)
    start_link = section.find("a", string=lambda s: s and "Start or continue an assessment" in s)
    assert start_link is not None and start_link["href"] == "/sites/GOV-A/start"

    # Start: the year question offers this year and last year.
    start = page(client.get(start_link["href"]))
    values = [radio["value"] for radio in start.find_all("input", attrs={"name": "period", "type": "radio"})]
    assert values == [CURRENT, PREVIOUS]
    assessment_id = start_assessment(client, "GOV-A", CURRENT)

    # Task list: 12 sections, none started, in the order of the questionnaire.
    tasks = page(client.get(f"/assessments/{assessment_id}"))
    items = tasks.select("li.govuk-task-list__item")
    assert [text_of(item.select_one(".govuk-task-list__link")) for item in items] == [d.title for d in domains]
    assert [text_of(item.select_one(".govuk-task-list__status")) for item in items] == ["Not yet started"] * 12
    assert "You have completed 0 of 12 sections" in text_of(main(tasks))

    # Every domain page, saved with "continue": domain i gets level i % 6 for each of its questions.
    expected_level = {domain.id: index % 6 for index, domain in enumerate(domains)}
    url = f"/assessments/{assessment_id}/domains/{domains[0].id}"
    for domain in domains:
        assert url == f"/assessments/{assessment_id}/domains/{domain.id}"
        form_page = page(client.get(url))
        assert h1(form_page) == domain.title
        for question in domain.questions:
            assert form_page.find_all("input", attrs={"name": f"q-{question.id}", "type": "radio"})
        evidence = {domain.questions[0].id: f"Evidence for {domain.id}"}
        response = client.post(url, data=domain_data(domain, str(expected_level[domain.id]), evidence))
        assert response.status_code == 302
        url = location(response)
    assert url == f"/assessments/{assessment_id}/check"

    tasks = page(client.get(f"/assessments/{assessment_id}"))
    statuses = [text_of(item.select_one(".govuk-task-list__status"))
                for item in tasks.select("li.govuk-task-list__item")]
    assert statuses == ["Completed"] * 12

    # Check answers: every domain, every question, every answer and the evidence.
    check = page(client.get(url))
    assert h1(check) == "Check your answers before submitting your assessment"
    cards = check.select(".govuk-summary-card")
    assert [text_of(card.select_one(".govuk-summary-card__title")) for card in cards] == [d.title for d in domains]
    for card, domain in zip(cards, domains, strict=True):
        rows = card.select(".govuk-summary-list__row")
        assert len(rows) == len(domain.questions)
        for row, question in zip(rows, domain.questions, strict=True):
            assert text_of(row.select_one(".govuk-summary-list__key")) == question.text_for("prison")
            value = text_of(row.select_one(".govuk-summary-list__value"))
            assert value.startswith(option_label(question, expected_level[domain.id]))
            assert "Not answered" not in value
        assert f"Evidence for {domain.id}" in text_of(rows[0].select_one(".govuk-summary-list__value"))

    # Submit with the declaration.
    response = client.post(url, data={"declaration": "y"})
    assert response.status_code == 302
    assert location(response) == f"/assessments/{assessment_id}/confirmation"
    assert fresh(assessment_id).is_submitted

    confirmation = page(client.get(location(response)))
    panel = confirmation.select_one(".govuk-panel")
    assert panel is not None
    assert text_of(panel.select_one(".govuk-panel__title")) == "Assessment submitted"
    assert "Overall level: 2 – Consultation" in text_of(panel)
    assert "Submitted by Ada Governor" in text_of(main(confirmation))

    # Results: every domain with its level, how it was worked out and the next steps.
    results = page(client.get(f"/assessments/{assessment_id}/results"))
    assert h1(results) == "Your service user involvement results"
    assert "Overall level: 2 – Consultation" in text_of(main(results))
    assert "Overall score 2.5 out of 5" in text_of(main(results))
    levels_table = next(table for table in main(results).find_all("table")
                        if table.caption is not None and text_of(table.caption) == "Your level in each area")
    table_rows = levels_table.select("tbody tr")
    assert len(table_rows) == 12
    for row, domain in zip(table_rows, domains, strict=True):
        level = expected_level[domain.id]
        cells = [text_of(cell) for cell in row.find_all(["th", "td"])]
        assert cells == [domain.title, f"{level}.0", f"{level} – {questionnaire.level(level).name}"]
    for domain in domains:
        level = expected_level[domain.id]
        block = main(results).find("section", attrs={"aria-labelledby": f"domain-{domain.id}"})
        assert block is not None, domain.id
        assert text_of(block.find(id=f"domain-{domain.id}")) == domain.title
        block_text = text_of(block)
        assert f"Level: {level} – {questionnaire.level(level).name}" in block_text
        summaries = [text_of(summary) for summary in block.select(".govuk-details__summary-text")]
        assert "How this score was worked out" in summaries
        headings = [text_of(heading) for heading in block.find_all(re.compile(r"^h[2-6]$"))]
        if level < questionnaire.top_level:
            assert f"Next steps towards level {level + 1} – {questionnaire.level(level + 1).name}" in headings
            assert " ".join(domain.level_guide(level).next_steps.split()) in block_text
        else:
            assert "Keeping co-production going" in headings

    # Your sites: submitted, with its results.
    sites = page(client.get("/sites"))
    row = main(sites).select_one("tbody tr")
    assert "Submitted" in text_of(row)
    assert row.find("a")["href"] == f"/assessments/{assessment_id}/results"


# -- saving, errors and what is kept ------------------------------------------------------------------

def test_save_and_come_back_later_keeps_answers_and_evidence_for_a_new_sign_in(
        gov_client, client_as, gov, questionnaire):
    assessment_id = start_assessment(gov_client, "GOV-A", CURRENT)
    domain = questionnaire.domains[0]
    first, second = domain.questions[0], domain.questions[1]
    data = {f"q-{first.id}": "4", f"evidence-{first.id}": "Minutes of the council, March.",
            f"evidence-{second.id}": "Draft strategy on the shared drive.", "action": "later"}

    response = gov_client.post(f"/assessments/{assessment_id}/domains/{domain.id}", data=data)
    assert response.status_code == 302
    assert location(response) == "/sites"
    banner = page(gov_client.get("/sites")).select_one(".govuk-notification-banner")
    assert banner is not None and "have been saved" in text_of(banner)

    # A new browser, a new sign-in.
    again = client_as(gov)
    form_page = page(again.get(f"/assessments/{assessment_id}/domains/{domain.id}"))
    assert checked_value(form_page, f"q-{first.id}") == "4"
    assert textarea_value(form_page, f"evidence-{first.id}") == "Minutes of the council, March."
    assert checked_value(form_page, f"q-{second.id}") is None
    assert textarea_value(form_page, f"evidence-{second.id}") == "Draft strategy on the shared drive."

    tasks = page(again.get(f"/assessments/{assessment_id}"))
    first_item = tasks.select("li.govuk-task-list__item")[0]
    assert text_of(first_item.select_one(".govuk-task-list__status")) == "In progress"
    assert f"1 of {len(domain.questions)} questions answered" in text_of(first_item)


def test_continue_with_missing_answers_shows_errors_and_keeps_everything_typed(gov_client, questionnaire):
    assessment_id = start_assessment(gov_client, "GOV-A", CURRENT)
    domain = questionnaire.domains[0]  # leadership: 4 questions
    q1, q2, q3, q4 = domain.questions
    data = {
        f"q-{q1.id}": "3", f"evidence-{q1.id}": "Sponsor named in the business plan.",
        f"evidence-{q2.id}": "We are writing one.",
        f"q-{q3.id}": "dont-know",
        f"evidence-{q4.id}": "Not sure yet.",
        "action": "continue",
    }
    response = gov_client.post(f"/assessments/{assessment_id}/domains/{domain.id}", data=data)
    assert response.status_code == 200
    soup = page(response)

    assert soup.title is not None and soup.title.get_text().startswith("Error: ")
    summary = error_summary(soup)
    assert [target for target, _ in summary] == [f"#q-{q2.id}", f"#q-{q4.id}"]
    assert summary[0][1] == f"Select an answer for ‘{q2.text_for('prison')}’"
    assert summary[1][1] == f"Select an answer for ‘{q4.text_for('prison')}’"
    # Each summary link points at a field that exists on the page.
    for target, _ in summary:
        assert soup.find(id=target[1:]) is not None

    assert "Select an answer" in (inline_error(soup, f"q-{q2.id}") or "")
    assert "Select an answer" in (inline_error(soup, f"q-{q4.id}") or "")
    assert inline_error(soup, f"q-{q1.id}") is None
    assert inline_error(soup, f"q-{q3.id}") is None

    # Everything typed is still there.
    assert checked_value(soup, f"q-{q1.id}") == "3"
    assert checked_value(soup, f"q-{q2.id}") is None
    assert checked_value(soup, f"q-{q3.id}") == "dont-know"
    assert textarea_value(soup, f"evidence-{q1.id}") == "Sponsor named in the business plan."
    assert textarea_value(soup, f"evidence-{q2.id}") == "We are writing one."
    assert textarea_value(soup, f"evidence-{q4.id}") == "Not sure yet."

    # Still on the draft, not moved on.
    assert not fresh(assessment_id).is_submitted


def test_evidence_over_2000_characters_is_refused_with_a_specific_error_and_not_truncated(
        gov_client, questionnaire):
    assessment_id = start_assessment(gov_client, "GOV-A", CURRENT)
    domain = questionnaire.domains[0]
    question = domain.questions[1]
    too_long = ("Evidence " * 300)[:2001]
    assert len(too_long) == 2001
    url = f"/assessments/{assessment_id}/domains/{domain.id}"

    response = gov_client.post(url, data=domain_data(domain, "2", {question.id: too_long}))
    assert response.status_code == 200
    soup = page(response)
    message = f"Evidence for ‘{question.text_for('prison')}’ must be 2,000 characters or fewer"
    assert (f"#evidence-{question.id}", message) in error_summary(soup)
    assert inline_error(soup, f"evidence-{question.id}") == f"Error: {message}"
    # The text comes back whole, for the person to shorten, and the browser is not told to cut it.
    assert textarea_value(soup, f"evidence-{question.id}") == too_long
    assert not soup.find("textarea", attrs={"name": f"evidence-{question.id}"}).has_attr("maxlength")
    # Nothing truncated was saved.
    stored = fresh(assessment_id).evidence_map().get(question.id, "")
    assert stored == ""

    # Exactly 2,000 characters is fine, and stored in full.
    response = gov_client.post(url, data=domain_data(domain, "2", {question.id: too_long[:2000]}))
    assert response.status_code == 302
    assert fresh(assessment_id).evidence_map()[question.id] == too_long[:2000]


def test_evidence_new_lines_count_as_one_character_as_the_character_count_shows(gov_client, questionnaire):
    """Browsers send a new line as CR LF; 2,000 characters on screen must not be refused as 2,001."""
    assessment_id = start_assessment(gov_client, "GOV-A", CURRENT)
    domain = questionnaire.domains[0]
    question = domain.questions[0]
    typed = "a" * 999 + "\r\n" + "b" * 1000  # 2,000 characters on screen, 2,001 as sent
    response = gov_client.post(f"/assessments/{assessment_id}/domains/{domain.id}",
                               data=domain_data(domain, "2", {question.id: typed}))
    assert response.status_code == 302, error_summary(page(response))
    assert fresh(assessment_id).evidence_map()[question.id] == "a" * 999 + "\n" + "b" * 1000


def test_a_probation_site_sees_the_probation_wording(client_as, make, questionnaire):
    site = make.site(code="PDU-A", name="Alpha Probation Delivery Unit", kind="probation")
    client = client_as(make.user("governor", sites=(site,)))
    assessment_id = start_assessment(client, "PDU-A", CURRENT)
    domain, question = next((domain, question) for domain in questionnaire.domains for question in domain.questions
                            if question.text_for("probation") != question.text_for("prison"))

    form_page = page(client.get(f"/assessments/{assessment_id}/domains/{domain.id}"))
    legends = [text_of(legend) for legend in main(form_page).select("legend")]
    assert question.text_for("probation") in legends
    assert question.text_for("prison") not in legends

    check = page(client.get(f"/assessments/{assessment_id}/check"))
    keys = [text_of(key) for key in check.select(".govuk-summary-list__key")]
    assert question.text_for("probation") in keys
    assert question.text_for("prison") not in keys


def test_change_link_on_check_answers_returns_to_check_answers(gov_client, questionnaire):
    assessment_id = start_assessment(gov_client, "GOV-A", CURRENT)
    complete_all_domains(gov_client, assessment_id, questionnaire, "2")
    domain = questionnaire.domains[3]
    question = domain.questions[1]

    check = page(gov_client.get(f"/assessments/{assessment_id}/check"))
    card = check.select(".govuk-summary-card")[3]
    row = card.select(".govuk-summary-list__row")[1]
    link = row.select_one(".govuk-summary-list__actions a")
    assert link is not None and text_of(link).startswith("Change")
    href = link["href"]
    assert href == f"/assessments/{assessment_id}/domains/{domain.id}?return=check#q-{question.id}"
    url = href.split("#")[0]

    form_page = page(gov_client.get(url))
    back = form_page.select_one(".govuk-back-link")
    assert back is not None and back["href"] == f"/assessments/{assessment_id}/check"
    assert checked_value(form_page, f"q-{question.id}") == "2"

    data = domain_data(domain, "2")
    data[f"q-{question.id}"] = "5"
    response = gov_client.post(url, data=data)
    assert response.status_code == 302
    assert location(response) == f"/assessments/{assessment_id}/check"

    check = page(gov_client.get(location(response)))
    row = check.select(".govuk-summary-card")[3].select(".govuk-summary-list__row")[1]
    assert text_of(row.select_one(".govuk-summary-list__value")) == option_label(question, 5)


def test_submit_without_the_declaration_shows_an_error(gov_client, questionnaire):
    assessment_id = start_assessment(gov_client, "GOV-A", CURRENT)
    complete_all_domains(gov_client, assessment_id, questionnaire)

    response = gov_client.post(f"/assessments/{assessment_id}/check", data={})
    assert response.status_code == 200
    soup = page(response)
    assert soup.title.get_text().startswith("Error: ")
    assert ("#declaration", "Confirm the declaration to submit the assessment") in error_summary(soup)
    assert inline_error(soup, "declaration") == "Error: Confirm the declaration to submit the assessment"
    assert not fresh(assessment_id).is_submitted


def test_submit_while_sections_are_incomplete_is_refused(gov_client, questionnaire):
    assessment_id = start_assessment(gov_client, "GOV-A", CURRENT)
    first = questionnaire.domains[0]
    assert gov_client.post(f"/assessments/{assessment_id}/domains/{first.id}",
                           data=domain_data(first)).status_code == 302

    response = gov_client.post(f"/assessments/{assessment_id}/check", data={"declaration": "y"})
    assert response.status_code == 200
    soup = page(response)
    assert soup.title.get_text().startswith("Error: ")
    messages = [message for _, message in error_summary(soup)]
    assert any(message.startswith("Answer every question before you submit") for message in messages)
    unfinished = [text_of(item.find("a")) for item in main(soup).select("ul.govuk-list--bullet li")]
    assert unfinished == [domain.title for domain in questionnaire.domains[1:]]
    assert not fresh(assessment_id).is_submitted
    # And the confirmation page does not pretend otherwise.
    response = gov_client.get(f"/assessments/{assessment_id}/confirmation")
    assert location(response) == f"/assessments/{assessment_id}"


# -- the assessment belongs to the site ---------------------------------------------------------------

def test_another_governor_of_the_same_site_continues_the_draft(gov_client, client_as, make, site_a, gov,
                                                                 questionnaire):
    assessment_id = start_assessment(gov_client, "GOV-A", CURRENT)
    domain = questionnaire.domains[0]
    question = domain.questions[0]
    gov_client.post(f"/assessments/{assessment_id}/domains/{domain.id}",
                    data={f"q-{question.id}": "1", f"evidence-{question.id}": "Started by Ada.", "action": "later"})

    colleague = make.user("governor", sites=(site_a,), email="colleague@example.org", name="Bo Colleague")
    other = client_as(colleague)
    sites = page(other.get("/sites"))
    row = main(sites).select_one("tbody tr")
    assert CURRENT in text_of(row) and "In progress" in text_of(row)
    assert row.find("a")["href"] == f"/assessments/{assessment_id}"

    # Starting the same year leads to the same draft.
    assert start_assessment(other, "GOV-A", CURRENT) == assessment_id
    form_page = page(other.get(f"/assessments/{assessment_id}/domains/{domain.id}"))
    assert checked_value(form_page, f"q-{question.id}") == "1"
    assert textarea_value(form_page, f"evidence-{question.id}") == "Started by Ada."

    # The browser sends the evidence box back as it is.
    response = other.post(f"/assessments/{assessment_id}/domains/{domain.id}",
                          data=domain_data(domain, "3", {question.id: "Started by Ada."}))
    assert response.status_code == 302
    answers = {answer.question_id: answer for answer in fresh(assessment_id).answers}
    assert answers[question.id].choice == "3"
    assert answers[question.id].updated_by_id == colleague.id
    assert answers[question.id].evidence == "Started by Ada."
    assert len(assessments_for(site_a)) == 1


def test_two_starts_for_the_same_site_and_period_give_the_same_draft(gov_client, site_a, make, gov):
    first = start_assessment(gov_client, "GOV-A", CURRENT)
    second = start_assessment(gov_client, "GOV-A", CURRENT)
    assert first == second
    assert make.draft(site_a, gov, CURRENT).id == first
    assert [assessment.id for assessment in assessments_for(site_a)] == [first]

    start = page(gov_client.get("/sites/GOV-A/start"))
    hint = start.find(id="period-item-hint") or start.select(".govuk-radios__hint")[0]
    assert text_of(hint).startswith("In progress")

    # A different year is a different assessment.
    other = start_assessment(gov_client, "GOV-A", PREVIOUS)
    assert other != first
    assert len(assessments_for(site_a)) == 2


def test_database_refuses_a_second_draft_for_the_same_site_and_period(make, site_a, gov):
    make.draft(site_a, gov, CURRENT)
    duplicate = Assessment(site_id=site_a.id, period=CURRENT, questionnaire_id="sui-maturity",
                           questionnaire_version="1.0", status="draft", created_by_id=gov.id)
    db.session.add(duplicate)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    count = db.session.scalar(select(func.count(Assessment.id)).where(Assessment.site_id == site_a.id))
    assert count == 1


def test_choosing_a_period_already_submitted_shows_an_error(gov_client, make, site_a, gov):
    submitted = make.submitted(site_a, gov, PREVIOUS)

    start = page(gov_client.get("/sites/GOV-A/start"))
    hints = [text_of(hint) for hint in start.select(".govuk-radios__hint")]
    assert hints[1].startswith("Submitted on ")

    response = gov_client.post("/sites/GOV-A/start", data={"period": PREVIOUS})
    assert response.status_code == 200
    soup = page(response)
    assert soup.title.get_text().startswith("Error: ")
    messages = [message for _, message in error_summary(soup)]
    assert messages == [f"The assessment for {PREVIOUS} has already been submitted. You can view its results "
                        "from your sites page"]
    assert inline_error(soup, "period") is not None
    assert [assessment.id for assessment in assessments_for(site_a)] == [submitted.id]


def test_user_text_is_escaped_on_check_and_results_pages(gov_client, questionnaire):
    assessment_id = start_assessment(gov_client, "GOV-A", CURRENT)
    complete_all_domains(gov_client, assessment_id, questionnaire)
    domain = questionnaire.domains[0]
    question = domain.questions[0]
    response = gov_client.post(f"/assessments/{assessment_id}/domains/{domain.id}",
                               data=domain_data(domain, "2", {question.id: XSS}))
    assert response.status_code == 302

    def assert_escaped(soup: Any) -> None:
        assert not [script for script in soup.find_all("script") if "alert(1)" in script.get_text()]
        shown = [text_of(node) for node in main(soup).select(".app-evidence")]
        assert XSS in shown

    assert_escaped(page(gov_client.get(f"/assessments/{assessment_id}/check")))
    assert gov_client.post(f"/assessments/{assessment_id}/check", data={"declaration": "y"}).status_code == 302
    assert_escaped(page(gov_client.get(f"/assessments/{assessment_id}/results")))


# -- regressions ----------------------------------------------------------------------------------------

def test_domain_page_builds_its_form_without_deprecated_wtforms_choices(gov_client, questionnaire):
    """RadioField choices given as tuples are deprecated in WTForms 3.3 and gone in 3.4; under the suite's
    filterwarnings=error they made every domain page a 500."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert gov_client.get("/sites/GOV-A/start").status_code == 200
        assessment_id = start_assessment(gov_client, "GOV-A", CURRENT)
        response = gov_client.get(f"/assessments/{assessment_id}/domains/{questionnaire.domains[0].id}")
        assert response.status_code == 200
        response = gov_client.post(f"/assessments/{assessment_id}/domains/{questionnaire.domains[0].id}",
                                   data=domain_data(questionnaire.domains[0]))
        assert response.status_code == 302
    deprecations = [str(item.message) for item in caught if issubclass(item.category, DeprecationWarning)]
    assert deprecations == []


def test_an_answer_that_is_not_one_of_the_options_is_refused_and_not_stored(gov_client, questionnaire):
    assessment_id = start_assessment(gov_client, "GOV-A", CURRENT)
    domain = questionnaire.domains[1]
    response = gov_client.post(f"/assessments/{assessment_id}/domains/{domain.id}",
                               data=domain_data(domain, "not-a-level"))
    assert response.status_code == 200
    assert error_summary(page(response)) == [
        (f"#q-{question.id}", "Select one of the answers listed") for question in domain.questions
    ]
    stored = db.session.scalars(select(Answer).where(Answer.assessment_id == assessment_id)).all()
    assert [answer.choice for answer in stored if answer.choice] == []
