"""The governor journey again, with the keyboard only: Tab, Shift+Tab, Space, Enter and the arrow keys, and
typing into the field that has focus. No clicks, no fill(). After every key that moves focus or changes a
control, the focused element must show a visible focus indicator. It ends with a submitted assessment.

Pages are opened by typing their address only where a person would (the sign-in page); everything else is
reached by following links and buttons. audit() on each page also proves the skip link, and leaves focus on
#main-content, which is where the journey carries on from."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.data import Seed
from tests.browser.journey import (
    AnswerPlan,
    Auditor,
    KeyboardOnly,
    assert_check_answers_show,
    assert_results_show_every_domain,
    check_answers_rows,
    squash,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

SAVED_FOR_LATER_AFTER = 3
END = r"(#[\w-]+)?$"


def sign_in_with_keyboard(keys: KeyboardOnly, email: str) -> None:
    keys.tab_to("#email")
    keys.type(email)
    keys.tab_to("#password")
    keys.type(PASSWORD)
    keys.tab_to("main form button[type=submit], main form input[type=submit]")
    keys.follow("Enter")


def test_governor_completes_an_assessment_with_the_keyboard_only(page: Page, seeded: Seed) -> None:
    audit = Auditor(seeded)
    keys = KeyboardOnly(page, audit)
    site, period = seeded.probation, seeded.current_period
    plan = AnswerPlan(seeded, "probation", short_evidence=True)
    domains = seeded.domains

    page.goto("/sign-in")
    audit(page)
    sign_in_with_keyboard(keys, seeded.governor_email)
    expect(page).to_have_url(re.compile(r"/sites" + END))

    keys.tab_to(f'a[href$="/sites/{site["code"]}/start"]')
    keys.follow("Enter")
    keys.choose("period", period)
    keys.tab_to("main form button[type=submit], main form input[type=submit]")
    keys.follow("Enter")
    expect(page).to_have_url(re.compile(r"/assessments/\d+" + END))
    assessment_path = re.sub(r"^https?://[^/]+|#.*$", "", page.url)

    keys.tab_to(f'.govuk-task-list a[href$="/domains/{domains[0]["id"]}"]')
    keys.follow("Enter")
    for number, domain in enumerate(domains[:SAVED_FOR_LATER_AFTER], start=1):
        expect(page.locator("h1")).to_have_text(domain["title"])
        keys.answer_domain(plan.questions(domain["id"]))
        later = number == SAVED_FOR_LATER_AFTER
        keys.tab_to(f'button[name="action"][value="{"later" if later else "continue"}"]')
        keys.follow("Enter")
    expect(page).to_have_url(re.compile(r"/sites" + END))
    expect(page.locator(".govuk-notification-banner")).to_be_visible()

    # Sign out with Shift+Tab: the sign-out button is in the header, above #main-content.
    keys.tab_to("form.app-sign-out button", backwards=True)
    keys.follow("Enter")
    expect(page).to_have_url(re.compile(r"/sign-in\?signed_out=1" + END))
    sign_in_with_keyboard(keys, seeded.governor_email)
    keys.tab_to(f'a[href="{assessment_path}"]')
    keys.follow("Enter")
    expect(page.get_by_text(f"You have completed {SAVED_FOR_LATER_AFTER} of 12 sections")).to_be_visible()

    keys.tab_to(f'.govuk-task-list a[href$="/domains/{domains[SAVED_FOR_LATER_AFTER]["id"]}"]')
    keys.follow("Enter")
    for domain in domains[SAVED_FOR_LATER_AFTER:]:
        expect(page.locator("h1")).to_have_text(domain["title"])
        keys.answer_domain(plan.questions(domain["id"]))
        keys.tab_to('button[name="action"][value="continue"]')
        keys.follow("Enter")
    expect(page).to_have_url(re.compile(r"/check" + END))
    # Every answer, those saved before signing out included, is on check your answers.
    assert_check_answers_show(page, plan.all())

    # Change an answer through its change link, with the arrow keys.
    changed = plan.questions(domains[1]["id"])[0]
    new_value, new_label = plan.other_choice(changed, seeded)
    keys.tab_to(f'a[href$="#q-{changed.question_id}"]')
    keys.follow("Enter")
    expect(page.locator("h1")).to_have_text(domains[1]["title"])
    keys.choose(f"q-{changed.question_id}", new_value)
    keys.tab_to('button[name="action"][value="continue"]')
    keys.follow("Enter")
    expect(page).to_have_url(re.compile(r"/check" + END))
    assert squash(check_answers_rows(page)[changed.text]["answer"]) == squash(new_label)

    # The declaration is at the end of a long page: Shift+Tab goes round from the top to the bottom.
    keys.tab_to("#declaration", backwards=True)
    keys.press("Space")
    expect(page.locator("#declaration")).to_be_checked()
    keys.tab_to("main form button[type=submit], main form input[type=submit]")
    keys.follow("Enter")
    expect(page).to_have_url(re.compile(r"/confirmation" + END))
    expect(page.locator("h1")).to_have_text("Assessment submitted")

    keys.tab_to('main a[href$="/results"]')
    keys.follow("Enter")
    expect(page).to_have_url(re.compile(r"/results" + END))
    assert_results_show_every_domain(page, seeded)
    assert keys.presses > 100
