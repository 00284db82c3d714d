"""Starting this year from last year's answers, with the keyboard only (issue 13, item 2): the start page
offers the copy (checked), the task list marks every area "Carried over – review", an area page says where
its answers came from and shows them, saving it is its review, and the check page refuses to submit while
any area is still carried over. Every page is audited (axe at zero violations, HTML, title, skip link) and
reflows at 320 CSS pixels; screenshots at 320 px are kept as artefacts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.browser.audit import assert_no_horizontal_scroll
from tests.browser.conftest import ARTIFACTS, LiveServer, sign_in
from tests.browser.data import Seed
from tests.browser.journey import Auditor, KeyboardOnly, arrive, squash
from tests.conftest import PASSWORD, Factory

pytestmark = pytest.mark.browser

END = r"(?:#.*)?$"
SITE = {
    "code": "TCO",
    "name": "HMP Testcarry",
    "kind": "prison",
    "nation": "England",
    "region": "North West",
    "category": None,
    "function": None,
    "population_band": None,
}
GOVERNOR = ("carry.governor@example.org", "Cary Governor")


@dataclass(frozen=True)
class LastYear:
    assessment_id: int
    answers: dict[str, str]
    evidence: dict[str, str]


@pytest.fixture(scope="module")
def last_year(live_server: LiveServer) -> LastYear:
    """A site of its own with last year's assessment submitted (answers and evidence), and its governor."""
    from assess.data.assessments import save_answers, start_or_continue_assessment, submit_assessment
    from assess.data.sites import get_site_by_code, upsert_sites
    from assess.data.users import create_or_update_user
    from assess.extensions import db
    from assess.scoring import score_assessment

    app = live_server.app
    make = Factory(app)
    with app.app_context():
        upsert_sites([SITE])
        site = get_site_by_code(SITE["code"])
        user = create_or_update_user(GOVERNOR[0], GOVERNOR[1], "governor", PASSWORD, [site])
        loaded = make.questionnaire()
        every = [question for domain in loaded.definition.domains for question in domain.questions]
        answers = {question.id: str((index + 2) % 6) for index, question in enumerate(every)}
        evidence = {every[0].id: "Council minutes, March.", every[1].id: "Strategy, signed off in 2025."}
        assessment = start_or_continue_assessment(site, live_server.seed.previous_period, loaded, user)
        save_answers(assessment, answers, evidence, user)
        submit_assessment(assessment, user, lambda given: score_assessment(loaded.definition, given))
        db.session.commit()
        return LastYear(assessment.id, answers, evidence)


@pytest.fixture()
def governor_page(page: Page, last_year: LastYear) -> Iterator[Page]:
    sign_in(page, GOVERNOR[0])
    yield page


def at_320(page: Page, name: str) -> None:
    """Reflow at 320 CSS pixels, with a full-page screenshot kept as an artefact, then back to 1280."""
    page.set_viewport_size({"width": 320, "height": 800})
    assert_no_horizontal_scroll(page, 320)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"carry-over-{name}-320.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def statuses(page: Page) -> list[str]:
    return [squash(text) for text in page.locator(".govuk-task-list__status").all_inner_texts()]


def test_starting_from_last_years_answers_with_the_keyboard_only(
    governor_page: Page, seeded: Seed, last_year: LastYear
) -> None:
    page = governor_page
    auditor = Auditor(seeded)
    keys = KeyboardOnly(page, auditor)
    current, previous = seeded.current_period, seeded.previous_period

    page.goto("/sites")
    arrive(page, re.compile(r"/sites" + END))
    keys.tab_to(f'a[href="/sites/{SITE["code"]}/start"]')
    keys.follow()
    arrive(page, re.compile(f"/sites/{SITE['code']}/start" + END))
    copy = page.locator('input[name="start_from"][value="copy"]')
    expect(copy).to_be_checked()
    expect(page.get_by_text(f"Start from your {previous} answers", exact=True)).to_be_visible()
    at_320(page, "start")

    keys.choose("period", current)
    keys.tab_to('input[name="start_from"]')
    assert page.evaluate("() => document.activeElement.value") == "copy"  # Tab lands on the checked radio
    keys.tab_to('button.govuk-button[type="submit"], input.govuk-button[type="submit"]')
    keys.follow()
    arrive(page, re.compile(r"/assessments/\d+" + END))
    assessment_url = page.url
    expect(page.locator("#carried-over-heading")).to_have_text(
        re.compile(rf"12 areas carried over from {previous}\s+still need review")
    )
    assert statuses(page) == ["Carried over – review"] * 12
    expect(page.locator("#when-saved")).to_contain_text("Save and come back later")
    at_320(page, "task-list")

    # The first area: the banner, last year's answers and evidence, then "Save and come back later".
    first = seeded.domains[0]
    keys.tab_to(f'.govuk-task-list a[href$="/domains/{first["id"]}"]')
    keys.follow()
    arrive(page, re.compile(f"/domains/{first['id']}" + END))
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text(f"These answers were carried over from {previous}")
    for question in first["questions"]:
        radio = page.locator(f'input[name="q-{question["id"]}"][value="{last_year.answers[question["id"]]}"]')
        expect(radio).to_be_checked()
    first_question = first["questions"][0]["id"]
    expect(page.locator(f"#evidence-{first_question}")).to_have_value(last_year.evidence[first_question])
    at_320(page, "area")
    keys.tab_to('button[name="action"][value="later"]')
    keys.follow()
    arrive(page, re.compile(r"/sites" + END))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(first["title"])

    page.goto(assessment_url)
    assert statuses(page) == ["Completed"] + ["Carried over – review"] * 11
    expect(page.locator("#carried-over-heading")).to_have_text(
        re.compile(rf"11 areas carried over from {previous}\s+still need review")
    )

    # Check your answers refuses to submit while areas are still carried over, and names them.
    keys.tab_to('a[href$="/check"]')
    keys.follow()
    arrive(page, re.compile(r"/check" + END))
    listed = [squash(text) for text in page.locator("#carried-over-areas a").all_inner_texts()]
    assert listed == [domain["title"] for domain in seeded.domains[1:]]
    keys.tab_to('input[name="declaration"]')
    keys.press("Space")
    keys.tab_to('button.govuk-button[type="submit"], input.govuk-button[type="submit"]')
    keys.follow()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(f"Check and save the answers carried over from {previous} before you submit")
    expect(summary).to_contain_text(seeded.domains[1]["title"])
    at_320(page, "check-refused")
    assert len(auditor.audited) >= 5, auditor.audited
