"""Start from last year's answers (issue 13, item 2), through the pages: the start page offers the copy, the
new draft holds last year's answers and evidence with every area marked "Carried over – review", what could
not be carried over is listed, nothing can be submitted until each carried-over area has been saved, a
second start copies nothing, and the copy and each review are audit events. Also the start page once every
year is submitted (item 8) and what the area pages and task list say about saving (item 7)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from assess import periods
from assess.data import assessments as assessment_data
from assess.extensions import db
from assess.models import Answer, Assessment, AssessmentSection, AuditEvent
from assess.questionnaire.loader import LoadedQuestionnaire
from assess.questionnaire.progress import CARRIED_OVER
from assess.questionnaire.schema import Questionnaire
from assess.scoring import score_assessment
from assess.services.questionnaires import latest, registry
from tests.integration.helpers import (
    checked_value,
    domain_data,
    error_summary,
    h1,
    location,
    main,
    page,
    text_of,
    textarea_value,
)

CURRENT = periods.period_for(date.today())
PREVIOUS = periods.previous_period(CURRENT)
EARLIER = periods.previous_period(PREVIOUS)


def fresh(assessment_id: int) -> Assessment:
    db.session.expire_all()
    assessment = db.session.get(Assessment, assessment_id)
    assert assessment is not None
    return assessment


def submitted_with(
    site: Any, user: Any, period: str, choices: dict[str, str], evidence: dict[str, str], version: str | None = None
) -> Assessment:
    """A submitted assessment with these answers and evidence (on the latest version, or the one named), made
    through the data layer."""
    loaded = registry().loaded("sui-maturity", version) if version else latest()
    assessment = assessment_data.start_or_continue_assessment(site, period, loaded, user)
    assessment_data.save_answers(assessment, choices, evidence, user)
    assessment_data.submit_assessment(assessment, user, lambda given: score_assessment(loaded.definition, given))
    db.session.commit()
    return assessment


def last_year(questionnaire: Questionnaire) -> tuple[dict[str, str], dict[str, str]]:
    """Different answers across the questionnaire, and evidence for the first question of each area."""
    choices, evidence = {}, {}
    number = 0
    for domain in questionnaire.domains:
        for index, question in enumerate(domain.questions):
            choices[question.id] = str(number % 6)
            if index == 0:
                evidence[question.id] = f"Last year's evidence for {question.id}"
            number += 1
    return choices, evidence


def start(client: Any, period: str = CURRENT, start_from: str | None = "copy") -> int:
    data = {"period": period}
    if start_from is not None:
        data["start_from"] = start_from
    response = client.post("/sites/GOV-A/start", data=data)
    assert response.status_code == 302, response.status_code
    return int(location(response).rsplit("/", 1)[1])


def sections(assessment_id: int) -> dict[str, bool]:
    db.session.expire_all()
    rows = db.session.scalars(select(AssessmentSection).where(AssessmentSection.assessment_id == assessment_id))
    return {row.domain_id: row.carried_over for row in rows}


def events(assessment_id: int, action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.assessment_id == assessment_id, AuditEvent.action == action)
            .order_by(AuditEvent.id)
        )
    )


def statuses(client: Any, assessment_id: int) -> list[str]:
    tasks = page(client.get(f"/assessments/{assessment_id}"))
    return [text_of(item.select_one(".govuk-task-list__status")) for item in tasks.select("li.govuk-task-list__item")]


@pytest.fixture()
def previous(site_a: Any, gov: Any, questionnaire: Questionnaire) -> Assessment:
    choices, evidence = last_year(questionnaire)
    return submitted_with(site_a, gov, PREVIOUS, choices, evidence)


# -- the start page -------------------------------------------------------------------------------------------


def test_without_an_earlier_submission_the_start_page_does_not_offer_a_copy(gov_client):
    start_page = page(gov_client.get("/sites/GOV-A/start"))
    assert start_page.find_all("input", attrs={"name": "start_from"}) == []


def test_the_start_page_offers_last_years_answers_checked_by_default(gov_client, previous):
    start_page = page(gov_client.get("/sites/GOV-A/start"))
    radios = start_page.find_all("input", attrs={"name": "start_from", "type": "radio"})
    assert [radio["value"] for radio in radios] == ["copy", "blank"]
    assert checked_value(start_page, "start_from") == "copy"
    labels = [text_of(label) for label in start_page.select("label[for^=start_from]")]
    assert labels == [f"Start from your {PREVIOUS} answers", "Start with a blank assessment"]
    legend = [text_of(legend) for legend in start_page.select("legend")]
    assert "How do you want to start?" in legend


def test_starting_from_last_year_copies_every_answer_and_its_evidence(gov_client, previous, questionnaire, gov):
    assessment_id = start(gov_client)
    draft = fresh(assessment_id)
    assert draft.status == "draft" and draft.carried_from_id == previous.id
    source = fresh(previous.id)
    assert draft.answer_map() == source.answer_map() and draft.answer_map()
    assert draft.evidence_map() == source.evidence_map()
    assert sections(assessment_id) == {domain.id: True for domain in questionnaire.domains}

    [copied] = events(assessment_id, "answers-carried-over")
    assert copied.user_id == gov.id
    assert copied.after["from_assessment"] == previous.id
    assert copied.after["from_period"] == PREVIOUS
    assert copied.after["questions"] == sorted(source.answer_map())
    assert copied.after["not_carried_over"] == []

    assert statuses(gov_client, assessment_id) == [CARRIED_OVER] * 12
    tasks = page(gov_client.get(f"/assessments/{assessment_id}"))
    assert text_of(tasks.select_one("#carried-over-heading")) == (
        f"12 areas carried over from {PREVIOUS} still need review"
    )
    assert tasks.select_one("#not-carried-over") is None

    # The area page says where the answers came from, and shows them.
    domain = questionnaire.domains[0]
    area = page(gov_client.get(f"/assessments/{assessment_id}/domains/{domain.id}"))
    banner = text_of(area.select_one(".govuk-notification-banner"))
    assert f"These answers were carried over from {PREVIOUS}" in banner
    assert "save this page" in banner
    question = domain.questions[0]
    assert checked_value(area, f"q-{question.id}") == source.answer_map()[question.id]
    assert textarea_value(area, f"evidence-{question.id}") == f"Last year's evidence for {question.id}"


def test_a_blank_start_copies_nothing(gov_client, previous):
    assessment_id = start(gov_client, start_from="blank")
    assert fresh(assessment_id).carried_from_id is None
    assert fresh(assessment_id).answer_map() == {}
    assert sections(assessment_id) == {}
    assert events(assessment_id, "answers-carried-over") == []
    assert statuses(gov_client, assessment_id) == ["Not yet started"] * 12


def test_a_start_that_does_not_ask_for_the_copy_starts_blank(gov_client, previous):
    assessment_id = start(gov_client, start_from=None)
    assert fresh(assessment_id).answer_map() == {}


def test_an_unknown_way_to_start_is_refused(gov_client, previous):
    response = gov_client.post("/sites/GOV-A/start", data={"period": CURRENT, "start_from": "other"})
    assert response.status_code == 200
    assert error_summary(page(response)) == [("#start_from", "Select how you want to start")]
    assert db.session.scalar(select(Assessment).where(Assessment.period == CURRENT)) is None


def test_the_copy_comes_from_the_latest_year_before_the_one_started(gov_client, site_a, gov, questionnaire):
    question_ids = [question.id for domain in questionnaire.domains for question in domain.questions]
    submitted_with(site_a, gov, EARLIER, {qid: "1" for qid in question_ids}, {})
    newer = submitted_with(site_a, gov, PREVIOUS, {qid: "4" for qid in question_ids}, {})
    assessment_id = start(gov_client)
    assert fresh(assessment_id).carried_from_id == newer.id
    assert set(fresh(assessment_id).answer_map().values()) == {"4"}


def test_a_second_start_continues_the_draft_and_copies_nothing_twice(gov_client, client_as, gov, previous):
    first = start(gov_client)
    # A colleague changes an answer meanwhile; a second start (a double click, or the colleague) keeps it.
    domain_id = next(iter(sections(first)))
    answer = db.session.scalar(select(Answer).where(Answer.assessment_id == first).order_by(Answer.id).limit(1))
    assert answer is not None
    question_id = answer.question_id
    response = gov_client.post(
        f"/assessments/{first}/domains/{domain_id}", data={"action": "later", f"q-{question_id}": "dont-know"}
    )
    assert response.status_code in (200, 302)
    second = start(client_as(gov))
    assert second == first
    assert len(db.session.scalars(select(Assessment).where(Assessment.period == CURRENT)).all()) == 1
    assert len(events(first, "answers-carried-over")) == 1
    count = len(db.session.scalars(select(Answer).where(Answer.assessment_id == first)).all())
    assert count == len(fresh(previous.id).answers)


# -- reviewing, and submitting --------------------------------------------------------------------------------


def test_carried_over_areas_block_submitting_until_each_is_saved(gov_client, previous, questionnaire, gov):
    assessment_id = start(gov_client)
    check_url = f"/assessments/{assessment_id}/check"

    # Every question is answered, but nothing is reviewed: the check page says so and refuses.
    check = page(gov_client.get(check_url))
    listed = [text_of(link) for link in check.select("#carried-over-areas a")]
    assert listed == [domain.title for domain in questionnaire.domains]
    response = gov_client.post(check_url, data={"declaration": "y"})
    assert response.status_code == 200
    [(target, message)] = error_summary(page(response))
    assert target == "#declaration"
    assert message.startswith(f"Check and save the answers carried over from {PREVIOUS} before you submit")
    assert all(f"‘{domain.title}’" in message for domain in questionnaire.domains)
    assert fresh(assessment_id).status == "draft"

    # Saving the first area unchanged ("come back later") is its review; the rest stay carried over.
    first = questionnaire.domains[0]
    answers = fresh(assessment_id).answer_map()
    evidence = fresh(assessment_id).evidence_map()
    unchanged = {f"q-{q.id}": answers[q.id] for q in first.questions}
    unchanged.update({f"evidence-{q.id}": evidence.get(q.id, "") for q in first.questions})
    url = f"/assessments/{assessment_id}/domains/{first.id}"
    response = gov_client.post(url, data={**unchanged, "action": "later"})
    assert response.status_code == 302
    assert sections(assessment_id)[first.id] is False
    assert [carried for _, carried in sorted(sections(assessment_id).items())].count(True) == 11
    assert fresh(assessment_id).answer_map() == answers  # nothing changed
    assert statuses(gov_client, assessment_id)[0] == "Completed"
    [reviewed] = events(assessment_id, "carried-over-reviewed")
    assert reviewed.after == {"domain": first.id, "answers_changed": []}
    assert reviewed.user_id == gov.id
    history = text_of(page(gov_client.get(f"/assessments/{assessment_id}/history")).find("main"))
    assert f"Started from the answers of {PREVIOUS}" in history
    assert f"Reviewed ‘{first.title}’ (carried over)" in history
    tasks = page(gov_client.get(f"/assessments/{assessment_id}"))
    assert text_of(tasks.select_one("#carried-over-heading")) == (
        f"11 areas carried over from {PREVIOUS} still need review"
    )

    # "Save and continue" on the second area, with a change, goes on to the next area still to review.
    second, third = questionnaire.domains[1], questionnaire.domains[2]
    response = gov_client.post(f"/assessments/{assessment_id}/domains/{second.id}", data=domain_data(second, "5"))
    assert location(response) == f"/assessments/{assessment_id}/domains/{third.id}"
    assert sections(assessment_id)[second.id] is False

    # The rest, one by one; then the assessment can be submitted.
    for domain in questionnaire.domains[2:]:
        response = gov_client.post(f"/assessments/{assessment_id}/domains/{domain.id}", data=domain_data(domain, "3"))
        assert response.status_code == 302
    assert location(response) == check_url
    assert not any(sections(assessment_id).values())
    assert gov_client.post(check_url, data={"declaration": "y"}).status_code == 302
    assert fresh(assessment_id).status == "submitted"
    assert len(events(assessment_id, "carried-over-reviewed")) == 12


def test_a_save_with_errors_is_not_a_review(gov_client, previous, questionnaire):
    assessment_id = start(gov_client)
    domain = questionnaire.domains[0]
    data = domain_data(domain, "2")
    del data[f"q-{domain.questions[0].id}"]  # one question left unanswered: "continue" shows an error
    response = gov_client.post(f"/assessments/{assessment_id}/domains/{domain.id}", data=data)
    assert response.status_code == 200 and error_summary(page(response))
    assert sections(assessment_id)[domain.id] is True

    data = domain_data(domain, "2", {domain.questions[0].id: "x" * 2001}, action="later")
    response = gov_client.post(f"/assessments/{assessment_id}/domains/{domain.id}", data=data)
    assert response.status_code == 200 and error_summary(page(response))
    assert sections(assessment_id)[domain.id] is True
    assert events(assessment_id, "carried-over-reviewed") == []


def test_submit_is_refused_under_the_lock_while_an_area_is_carried_over(previous, site_a, gov, questionnaire):
    draft = assessment_data.start_or_continue_assessment(
        site_a, CURRENT, latest(), gov,
        assessment_data.CarryOver(source=previous, choices=previous.answer_map(), evidence={}, domain_ids=("voice",)),
    )
    db.session.commit()
    with pytest.raises(assessment_data.CarriedOverUnreviewed) as refused:
        assessment_data.submit_assessment(draft, gov, lambda given: score_assessment(questionnaire, given))
    assert refused.value.domain_ids == ["voice"]
    db.session.rollback()
    assert fresh(draft.id).status == "draft"


def test_the_check_page_answers_409_when_the_lock_finds_an_area_still_carried_over(
    gov_client, previous, questionnaire, monkeypatch
):
    """The page's own check saw nothing to review (as if a colleague's review had not yet been undone, or the
    page were stale); the check under the lock still refuses, and nothing is submitted."""
    from assess.services import carry_over

    assessment_id = start(gov_client)
    real = carry_over.carry_summary
    seen: list[int] = []

    def stale(assessment: Any) -> Any:
        seen.append(1)
        return carry_over.CarrySummary() if len(seen) == 1 else real(assessment)

    monkeypatch.setattr(carry_over, "carry_summary", stale)
    response = gov_client.post(f"/assessments/{assessment_id}/check", data={"declaration": "y"})
    assert response.status_code == 409
    [(_, message)] = error_summary(page(response))
    assert message.startswith("Check and save the answers carried over")
    assert fresh(assessment_id).status == "draft"


# -- a new questionnaire version --------------------------------------------------------------------------------


@pytest.fixture()
def newer_version(app_ctx: Any, monkeypatch: pytest.MonkeyPatch) -> Questionnaire:
    """A version 1.1 in the app's registry (for this test only): the first question of the first area is no
    longer asked, and the first question of the second area no longer offers level 5 or "I don't know"."""
    current = latest()
    data = current.definition.model_dump(mode="json")
    data["version"] = "1.1"
    data["domains"][0]["questions"].pop(0)
    question = data["domains"][1]["questions"][0]
    question["options"] = [option for option in question["options"] if option["level"] != 5]
    question["dont_know"] = False
    definition = Questionnaire.model_validate(data)
    loaded = LoadedQuestionnaire(definition, current.path.with_name("1.1.yaml"), "test-" + "0" * 59)
    monkeypatch.setitem(registry().items, loaded.key, loaded)
    return definition


def test_answers_that_cannot_be_carried_over_are_listed_on_the_task_list(
    gov_client, site_a, gov, questionnaire, newer_version
):
    gone = questionnaire.domains[0].questions[0]
    narrowed = questionnaire.domains[1].questions[0]
    choices, evidence = last_year(questionnaire)
    choices[narrowed.id] = "5"
    evidence[narrowed.id] = "Co-produced with the council"
    previous = submitted_with(site_a, gov, PREVIOUS, choices, evidence, version="1.0")
    assert previous.questionnaire_version == "1.0"

    assessment_id = start(gov_client)
    draft = fresh(assessment_id)
    assert draft.questionnaire_version == "1.1"
    assert gone.id not in draft.answer_map()
    assert draft.answer_map().get(narrowed.id) is None  # its evidence row only
    assert draft.evidence_map()[narrowed.id] == "Co-produced with the council"
    [copied] = events(assessment_id, "answers-carried-over")
    assert copied.after["not_carried_over"] == [gone.id, narrowed.id]

    tasks = page(gov_client.get(f"/assessments/{assessment_id}"))
    heading = tasks.select_one("#not-carried-over")
    assert heading is not None and text_of(heading) == f"Answers not carried over from {PREVIOUS}"
    items = [text_of(item) for item in heading.find_next("ul").find_all("li")]
    assert len(items) == 2
    assert gone.text_for("prison") in items[0] and "no longer asked" in items[0]
    assert narrowed.text_for("prison") in items[1] and "choose an answer again" in items[1]

    area = page(gov_client.get(f"/assessments/{assessment_id}/domains/{newer_version.domains[1].id}"))
    banner = text_of(area.select_one(".govuk-notification-banner"))
    assert "Choose an answer again for:" in banner and narrowed.text_for("prison") in banner
    # The first area's page never asks again for the question no longer asked (it is not on the page).
    first = page(gov_client.get(f"/assessments/{assessment_id}/domains/{newer_version.domains[0].id}"))
    banner = text_of(first.select_one(".govuk-notification-banner"))
    assert "Choose an answer again for:" not in banner and gone.text_for("prison") not in banner

    # Listed until the first submit: still there after every area is reviewed.
    for domain in newer_version.domains:
        response = gov_client.post(f"/assessments/{assessment_id}/domains/{domain.id}", data=domain_data(domain, "2"))
        assert response.status_code == 302
    assert page(gov_client.get(f"/assessments/{assessment_id}")).select_one("#not-carried-over") is not None


# -- every year submitted (item 8) ------------------------------------------------------------------------------


def test_the_start_page_says_what_to_do_when_every_year_is_submitted(gov_client, site_a, gov, questionnaire):
    choices, evidence = last_year(questionnaire)
    done = [submitted_with(site_a, gov, period, choices, evidence) for period in (CURRENT, PREVIOUS)]
    response = gov_client.get("/sites/GOV-A/start")
    assert response.status_code == 200
    soup = page(response)
    assert h1(soup) == "Every year you can assess has been submitted"
    assert soup.find("form", attrs={"action": lambda value: value and "start" in value}) is None
    links = {text_of(link): link["href"] for link in main(soup).select("a.govuk-link")}
    for assessment, period in zip(done, (CURRENT, PREVIOUS), strict=True):
        assert links[f"Results for {period}"] == f"/assessments/{assessment.id}/results"
    start_year = int(CURRENT[:4]) + 1
    following = f"{start_year}-{(start_year + 1) % 100:02d}"
    assert f"The assessment for {following} opens on 1 April {start_year}" in text_of(main(soup))
    # A form sent anyway starts nothing.
    assert gov_client.post("/sites/GOV-A/start", data={"period": CURRENT}).status_code == 200
    assert db.session.scalar(select(Assessment).where(Assessment.status == "draft")) is None


# -- what is saved when (item 7) ---------------------------------------------------------------------------------


def test_the_task_list_says_exactly_what_is_saved_when(gov_client):
    assessment_id = start(gov_client, start_from=None)
    text = text_of(page(gov_client.get(f"/assessments/{assessment_id}")).select_one("#when-saved"))
    assert "saved when you press ‘Save and continue’ or ‘Save and come back later’" in text
    assert "the changes you made on that page since you last saved it are lost" in text
    assert "saved each time you continue" not in text


UNSAVED_SCRIPT = re.compile(r"/app/unsaved(\.[0-9a-f]+)?\.mjs$")  # its copy named after its content, or the file


def test_every_area_page_has_save_and_come_back_later_and_the_unsaved_changes_guard(gov_client, questionnaire):
    assessment_id = start(gov_client, start_from=None)
    for domain in questionnaire.domains:
        area = page(gov_client.get(f"/assessments/{assessment_id}/domains/{domain.id}"))
        form = area.find("form", attrs={"data-app-unsaved": True})
        assert form is not None
        later = form.find("button", attrs={"name": "action", "value": "later"})
        assert later is not None and text_of(later) == "Save and come back later"
        assert area.find("script", attrs={"src": lambda src: src and UNSAVED_SCRIPT.search(src)})
        assert area.select_one("dialog[data-app-unsaved-dialog]") is not None
    # Also when the page comes back with errors.
    domain = questionnaire.domains[0]
    response = gov_client.post(f"/assessments/{assessment_id}/domains/{domain.id}", data={"action": "continue"})
    assert response.status_code == 200
    assert page(response).find("button", attrs={"name": "action", "value": "later"}) is not None
    # The guard's script is only on the area pages.
    tasks = page(gov_client.get(f"/assessments/{assessment_id}"))
    assert not tasks.find("script", attrs={"src": lambda src: src and UNSAVED_SCRIPT.search(src)})


# -- the demo ----------------------------------------------------------------------------------------------------


def test_the_demo_governor_can_start_this_year_from_last_years_answers(app_ctx, new_client):
    """From `make run`'s data: the demo governor's prison offers its latest submitted year, and the copy holds
    that year's answers and evidence, every area to review."""
    from assess.demo import DEFAULT_DEMO_PASSWORD

    result = app_ctx.test_cli_runner().invoke(args=["demo", "seed", "--sites", "0"], env={"DEMO_PASSWORD": None})
    assert result.exit_code == 0, result.output
    client = new_client()
    signed_in = client.post("/sign-in", data={"email": "governor@example.org", "password": DEFAULT_DEMO_PASSWORD})
    assert location(signed_in) == "/sites"
    start_page = page(client.get("/sites/DEMO-FWR/start"))
    assert checked_value(start_page, "start_from") == "copy"
    label = text_of(start_page.select_one("label[for=start_from]"))
    source_period = label.removeprefix("Start from your ").removesuffix(" answers")
    assert periods.is_valid_period(source_period) and source_period < CURRENT

    response = client.post("/sites/DEMO-FWR/start", data={"period": CURRENT, "start_from": "copy"})
    assert response.status_code == 302
    draft = fresh(int(location(response).rsplit("/", 1)[1]))
    source = fresh(draft.carried_from_id or 0)
    assert source.period == source_period and source.is_submitted
    assert draft.answer_map() == source.answer_map()
    assert draft.evidence_map() == source.evidence_map()
    assert statuses(client, draft.id) == [CARRIED_OVER] * 12
