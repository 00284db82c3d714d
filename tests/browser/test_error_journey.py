"""The error journey: a form sent with a missing or wrong answer shows the GOV.UK error summary, which takes
focus; its title starts "Error: "; following a link in the summary moves focus to the field. Every error
state is audited (axe, HTML, title, skip link), and the questionnaire's error state reflows at 320px."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.audit import ERROR_PREFIX, assert_no_horizontal_scroll
from tests.browser.conftest import sign_in
from tests.browser.data import Seed
from tests.browser.journey import AnswerPlan, Auditor, KeyboardOnly, arrive
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def assert_error_summary_has_focus(page: Page, *messages: str) -> None:
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    for message in messages:
        expect(summary).to_contain_text(message)
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.classList.contains('govuk-error-summary')",
        timeout=5_000,
    )
    assert page.title().startswith(ERROR_PREFIX), f"title after a failed submit: {page.title()!r}"


def assert_focus_on(page: Page, element_id: str) -> None:
    page.wait_for_function(
        "(id) => document.activeElement && document.activeElement.id === id", arg=element_id, timeout=5_000
    )
    in_view = page.evaluate(
        """(id) => {
            const el = document.getElementById(id);
            const box = (el.closest('.govuk-radios__item, .govuk-checkboxes__item') || el).getBoundingClientRect();
            return box.bottom > 0 && box.top < innerHeight;
        }""",
        element_id,
    )
    assert in_view, f"focus moved to #{element_id}, but it is not scrolled into view"


def follow_error_link_with_keyboard(keys: KeyboardOnly, field_id: str) -> None:
    """From #main-content (where audit() leaves focus), Tab to the summary's link for the field and press Enter."""
    keys.tab_to(f'.govuk-error-summary a[href="#{field_id}"]')
    keys.page.keyboard.press("Enter")
    assert_focus_on(keys.page, field_id)


def follow_error_link_with_mouse(page: Page, field_id: str) -> None:
    page.locator(f'.govuk-error-summary a[href="#{field_id}"]').click()
    assert_focus_on(page, field_id)


def test_errors_are_summarised_focused_and_linked_to_their_fields(
    page: Page, seeded: Seed, audience_page: Callable[[str], Page]
) -> None:
    audit = Auditor(seeded)
    keys = KeyboardOnly(page, audit)

    # Sign in with nothing typed.
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in").click()
    assert_error_summary_has_focus(page, "Enter your email address", "Enter your password")
    audit(page)
    follow_error_link_with_keyboard(keys, "email")
    follow_error_link_with_mouse(page, "password")
    # A wrong password.
    page.locator("#email").fill(seeded.governor_email)
    page.locator("#password").fill(PASSWORD + "-wrong")
    page.get_by_role("button", name="Sign in").click()
    assert_error_summary_has_focus(page, "Enter a correct email address and password")
    audit(page)
    sign_in(page, seeded.governor_email)

    # Which year, with no year chosen.
    page.locator(f'a[href$="/sites/{seeded.prison["code"]}/start"]').click()
    arrive(page, re.compile(r"/start$"))
    page.get_by_role("button", name="Continue", exact=True).click()
    assert_error_summary_has_focus(page, "Select the year this assessment is for")
    audit(page)
    follow_error_link_with_mouse(page, "period")
    page.get_by_role("radio", name=seeded.previous_period).check()
    page.get_by_role("button", name="Continue", exact=True).click()
    arrive(page, re.compile(r"/assessments/\d+(#[\w-]+)?$"))

    # A section saved with one question answered: the others are missing.
    domain = seeded.domains[0]
    plan = AnswerPlan(seeded, "prison").questions(domain["id"])
    first, missing = plan[0], plan[1:]
    page.locator(f'.govuk-task-list a[href$="/domains/{domain["id"]}"]').click()
    page.locator(f'input[name="q-{first.question_id}"][value="{first.value}"]').check()
    page.locator(f"#evidence-{first.question_id}").fill(first.evidence or "")
    page.get_by_role("button", name="Save and continue", exact=True).click()
    assert_error_summary_has_focus(page, *(f"Select an answer for ‘{planned.text}’" for planned in missing))
    for planned in missing:
        expect(page.locator(f"#q-{planned.question_id}-error")).to_be_visible()
    expect(page.locator(f'input[name="q-{first.question_id}"][value="{first.value}"]')).to_be_checked()
    expect(page.locator(f"#evidence-{first.question_id}")).to_have_value(first.evidence or "")
    audit(page)
    follow_error_link_with_keyboard(keys, f"q-{missing[0].question_id}")
    follow_error_link_with_mouse(page, f"q-{missing[-1].question_id}")
    # WCAG 1.4.10 in the error state too.
    page.set_viewport_size({"width": 320, "height": 800})
    assert_no_horizontal_scroll(page, 320)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Every question answered, but too much evidence for one.
    for planned in plan:
        page.locator(f'input[name="q-{planned.question_id}"][value="{planned.value}"]').check()
    too_long = missing[0].question_id
    page.locator(f"#evidence-{too_long}").fill("x" * 2001)
    count = page.locator(f".govuk-character-count:has(#evidence-{too_long}) .govuk-character-count__status")
    expect(count).to_have_text("You have 1 character too many")
    page.get_by_role("button", name="Save and continue", exact=True).click()
    assert_error_summary_has_focus(page, "must be 2,000 characters or fewer")
    audit(page)
    follow_error_link_with_keyboard(keys, f"evidence-{too_long}")

    # Submitting an unfinished assessment.
    page.get_by_role("link", name="Back to all sections").click()
    page.get_by_role("link", name="Review your answers so far").click()
    arrive(page, re.compile(r"/check$"))
    audit(page)
    page.get_by_role("button", name="Accept and submit", exact=True).click()
    assert_error_summary_has_focus(page, "Answer every question before you submit")
    audit(page)
    follow_error_link_with_keyboard(keys, "declaration")

    # Submitting a finished assessment without the declaration (the other governor's; never submitted here).
    other = audience_page("governor")
    other_audit = Auditor(seeded)
    other.goto(f"/assessments/{seeded.placeholders['draft']}/check")
    other.get_by_role("button", name="Accept and submit", exact=True).click()
    assert_error_summary_has_focus(other, "Confirm the declaration to submit the assessment")
    other_audit(other)
    follow_error_link_with_keyboard(KeyboardOnly(other, other_audit), "declaration")
    expect(other.locator("#declaration")).not_to_be_checked()
