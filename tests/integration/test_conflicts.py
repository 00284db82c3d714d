"""Two people on one area (issue 10): the second save over a newer one is refused with a GOV.UK error that
names who saved and when, shows their answers, and keeps everything the second person typed. Run here with
two test clients one after the other; tests/integration/test_concurrency.py runs the same at one moment
against a live server."""

from __future__ import annotations

import pytest

from tests.integration.helpers import (
    checked_value,
    domain_data,
    error_summary,
    main,
    page,
    start_assessment,
    text_of,
    textarea_value,
)


@pytest.fixture()
def two(make, site_a, gov, gov_client, client_as):
    colleague = make.user("governor", sites=(site_a,), email="colleague@example.org", name="Cole League")
    return gov_client, client_as(colleague)


def version_on(soup) -> str:
    return soup.find("input", attrs={"name": "version"})["value"]


def test_the_second_save_of_an_area_opened_before_the_first_gets_the_conflict_page(two, questionnaire):
    ada, cole = two
    assessment_id = start_assessment(ada, "GOV-A")
    area = questionnaire.domains[0]
    question = area.questions[0]
    url = f"/assessments/{assessment_id}/domains/{area.id}"
    ada_version = version_on(page(ada.get(url)))
    cole_version = version_on(page(cole.get(url)))
    assert ada_version == cole_version == "0"

    saved = ada.post(url, data={**domain_data(area, "3", {question.id: "Ada's evidence"}), "version": ada_version})
    assert saved.status_code == 302
    typed = "Cole typed this long paragraph of evidence and must not lose it"
    refused = cole.post(url, data={**domain_data(area, "1", {question.id: typed}), "version": cole_version})

    assert refused.status_code == 409
    soup = page(refused)
    assert soup.title.string.startswith("Error: ")
    summary = " ".join(message for _, message in error_summary(soup))
    assert "Ada Governor saved this section" in summary
    assert "Your answers have not been saved yet" in summary
    theirs = text_of(main(soup).find(id=f"conflict-{question.id}"))
    assert "Saved by Ada Governor" in theirs and "Ada's evidence" in theirs
    # Everything Cole typed is still in the form...
    assert checked_value(soup, f"q-{question.id}") == "1"
    assert textarea_value(soup, f"evidence-{question.id}") == typed
    # ...and the page now carries the newer version, so saving again keeps Cole's answers, deliberately.
    assert version_on(soup) == "1"
    again = cole.post(url, data={**domain_data(area, "1", {question.id: typed}), "version": version_on(soup)})
    assert again.status_code == 302
    final = page(ada.get(url))
    assert checked_value(final, f"q-{question.id}") == "1"
    assert textarea_value(final, f"evidence-{question.id}") == typed


def test_the_refused_save_stored_nothing(two, questionnaire):
    ada, cole = two
    assessment_id = start_assessment(ada, "GOV-A")
    area = questionnaire.domains[0]
    url = f"/assessments/{assessment_id}/domains/{area.id}"
    ada.post(url, data={**domain_data(area, "3"), "version": "0"})
    assert cole.post(url, data={**domain_data(area, "1"), "version": "0"}).status_code == 409
    soup = page(ada.get(url))
    assert all(checked_value(soup, f"q-{question.id}") == "3" for question in area.questions)


def test_saves_of_different_areas_both_land(two, questionnaire):
    ada, cole = two
    assessment_id = start_assessment(ada, "GOV-A")
    first, second = questionnaire.domains[0], questionnaire.domains[1]
    assert ada.post(f"/assessments/{assessment_id}/domains/{first.id}",
                    data={**domain_data(first, "3"), "version": "0"}).status_code == 302
    assert cole.post(f"/assessments/{assessment_id}/domains/{second.id}",
                     data={**domain_data(second, "4"), "version": "0"}).status_code == 302
    task_list = text_of(main(page(ada.get(f"/assessments/{assessment_id}"))))
    assert "You have completed 2 of" in task_list


def test_sending_the_same_answers_twice_is_not_a_conflict(two, questionnaire):
    """A double click on "Save and continue" sends the same answers twice from the same page."""
    ada, _ = two
    assessment_id = start_assessment(ada, "GOV-A")
    area = questionnaire.domains[0]
    url = f"/assessments/{assessment_id}/domains/{area.id}"
    data = {**domain_data(area, "2", {area.questions[0].id: "same"}), "version": "0"}
    assert ada.post(url, data=data).status_code == 302
    assert ada.post(url, data=data).status_code == 302


def test_a_save_after_submission_changes_nothing_and_says_why(two, questionnaire, make):
    from tests.integration.helpers import complete_all_domains

    ada, cole = two
    assessment_id = start_assessment(ada, "GOV-A")
    complete_all_domains(ada, assessment_id, questionnaire, "2")
    area = questionnaire.domains[0]
    url = f"/assessments/{assessment_id}/domains/{area.id}"
    stale_version = version_on(page(cole.get(url)))
    assert ada.post(f"/assessments/{assessment_id}/check", data={"declaration": "y"}).status_code == 302
    late = cole.post(url, data={**domain_data(area, "5"), "version": stale_version})
    assert late.status_code == 302
    assert late.headers["Location"].endswith(f"/assessments/{assessment_id}/results")
    results = text_of(main(page(cole.get(late.headers["Location"]))))
    assert "Overall level: 2" in results
