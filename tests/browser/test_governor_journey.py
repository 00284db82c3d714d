"""The governor journey, end to end, with the mouse: sign in, start, fill every section, save and come back
later, sign out and in again and find every answer still there, check answers, change one answer through
its change link, submit with the declaration, see the results. Every page reached is audited."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.browser.data import Seed
from tests.browser.journey import (
    AnswerPlan,
    Auditor,
    answer_domain,
    arrive,
    assert_check_answers_show,
    assert_domain_answers,
    assert_results_show_every_domain,
    check_answers_rows,
    squash,
)

pytestmark = pytest.mark.browser

SAVED_FOR_LATER_AFTER = 5  # sections answered before "Save and come back later"
# A fragment can follow an address: a form without an action is sent to its page's address, fragment included,
# and browsers keep a fragment through a redirect that has none.
END = r"(#[\w-]+)?$"


def test_governor_completes_an_assessment(page: Page, seeded: Seed) -> None:
    audit = Auditor(seeded)
    site, period = seeded.prison, seeded.current_period
    plan = AnswerPlan(seeded, "prison")
    domains = seeded.domains

    page.goto("/sign-in")
    audit(page)
    sign_in(page, seeded.governor_email)
    arrive(page, re.compile(r"/sites" + END))
    audit(page)

    page.locator(f'a[href$="/sites/{site["code"]}/start"]').click()
    arrive(page, re.compile(r"/start" + END))
    expect(page.locator("h1")).to_have_text("Which year is this assessment for?")
    audit(page)
    page.get_by_role("radio", name=period).check()
    page.get_by_role("button", name="Continue", exact=True).click()
    arrive(page, re.compile(r"/assessments/\d+" + END))
    assessment_url = page.url
    audit(page)
    expect(page.get_by_text("You have completed 0 of 12 sections")).to_be_visible()

    # The first sections, then "Save and come back later".
    page.locator(f'.govuk-task-list a[href$="/domains/{domains[0]["id"]}"]').click()
    for number, domain in enumerate(domains[:SAVED_FOR_LATER_AFTER], start=1):
        arrive(page, re.compile(f"/domains/{domain['id']}" + END))
        expect(page.locator("h1")).to_have_text(domain["title"])
        audit(page)
        answer_domain(page, plan.questions(domain["id"]))
        later = number == SAVED_FOR_LATER_AFTER
        page.get_by_role("button", name="Save and come back later" if later else "Save and continue").click()
    arrive(page, re.compile(r"/sites" + END))
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Your answers for ‘{domains[SAVED_FOR_LATER_AFTER - 1]['title']}’ have been saved"
    )
    audit(page)

    # Sign out, sign in again: every answer is still there.
    page.locator("form.app-sign-out button").click()
    arrive(page, re.compile(r"/sign-in\?signed_out=1" + END))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out.")
    audit(page)
    sign_in(page, seeded.governor_email)
    page.locator(f'a[href="{assessment_url.removeprefix(page.url.split("/sites")[0])}"]').click()
    arrive(page, assessment_url)
    expect(page.get_by_text(f"You have completed {SAVED_FOR_LATER_AFTER} of 12 sections")).to_be_visible()
    audit(page)
    for domain in domains[:SAVED_FOR_LATER_AFTER]:
        page.locator(f'.govuk-task-list a[href$="/domains/{domain["id"]}"]').click()
        arrive(page, re.compile(f"/domains/{domain['id']}" + END))
        assert_domain_answers(page, plan.questions(domain["id"]))
        page.get_by_role("link", name="Back to all sections").click()

    # The rest of the sections; after the last one, check your answers.
    page.locator(f'.govuk-task-list a[href$="/domains/{domains[SAVED_FOR_LATER_AFTER]["id"]}"]').click()
    for domain in domains[SAVED_FOR_LATER_AFTER:]:
        arrive(page, re.compile(f"/domains/{domain['id']}" + END))
        audit(page)
        answer_domain(page, plan.questions(domain["id"]))
        page.get_by_role("button", name="Save and continue", exact=True).click()
    arrive(page, re.compile(r"/check" + END))
    audit(page)
    assert_check_answers_show(page, plan.all())

    # Change one answer through its change link: back to check your answers, showing the new answer.
    changed = plan.questions(domains[2]["id"])[1]
    new_value, new_label = plan.other_choice(changed, seeded)
    change = page.locator(f'a[href$="#q-{changed.question_id}"]')
    expect(change).to_have_text(re.compile(rf"^\s*Change\s+{re.escape(changed.text)}"))
    change.click()
    arrive(page, re.compile(rf"/domains/{domains[2]['id']}\?return=check#q-{changed.question_id}$"))
    expect(page.locator(f"#q-{changed.question_id}"), "the change link points at no field").to_have_count(1)
    expect(page.get_by_role("link", name="Back to check your answers")).to_be_visible()
    audit(page)
    page.locator(f'input[name="q-{changed.question_id}"][value="{new_value}"]').check()
    page.get_by_role("button", name="Save and continue", exact=True).click()
    arrive(page, re.compile(r"/check" + END))
    assert squash(check_answers_rows(page)[changed.text]["answer"]) == squash(new_label)

    # Submit with the declaration.
    page.get_by_role("checkbox", name=re.compile("I confirm that these answers are accurate")).check()
    page.get_by_role("button", name="Accept and submit", exact=True).click()
    arrive(page, re.compile(r"/confirmation" + END))
    expect(page.locator("h1")).to_have_text("Assessment submitted")
    audit(page)
    page.get_by_role("button", name="View your results").or_(page.get_by_role("link", name="View your results")).click()
    arrive(page, re.compile(r"/results" + END))
    audit(page)
    assert_results_show_every_domain(page, seeded)
    assert len(audit.audited) >= 20, audit.audited
