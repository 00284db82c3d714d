"""Two governors save the same area of one assessment from pages opened at the same time (issue 10): the
second is not applied, and sees a GOV.UK error summary (which takes focus) naming who saved and when, the
other person's answers beside each question, and everything they typed still in the form. The page passes
every check (axe, HTML, title, skip link) and reflows at 320 px; saving again keeps their answers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.audit import assert_no_horizontal_scroll, audit
from tests.browser.conftest import sign_in
from tests.browser.data import SHARED_GOVERNORS, Seed
from tests.browser.journey import arrive
from tests.browser.pagewatch import WATCHES, prepare
from tests.browser.test_error_journey import assert_error_summary_has_focus

pytestmark = pytest.mark.browser


@pytest.fixture()
def two_pages(browser: Browser, browser_context_args: dict) -> Iterator[tuple[Page, Page]]:  # type: ignore[type-arg]
    contexts = [browser.new_context(**browser_context_args) for _ in SHARED_GOVERNORS]
    pages = [prepare(context.new_page()) for context in contexts]
    for page, (email, _) in zip(pages, SHARED_GOVERNORS, strict=True):
        sign_in(page, email)
    yield pages[0], pages[1]
    for page in pages:
        WATCHES.pop(id(page), None)
    for context in contexts:
        context.close()


def test_the_second_save_of_one_area_shows_both_versions_and_keeps_what_was_typed(two_pages, seeded: Seed):
    pat, lee = two_pages
    domain = seeded.domains[1]
    question = domain["questions"][0]
    url = f"/assessments/{seeded.placeholders['shared_draft']}/domains/{domain['id']}"
    for page in (pat, lee):
        page.goto(url)
    pat_choice, lee_choice = question["choices"]["prison"][3][1], question["choices"]["prison"][1][1]

    pat.get_by_label(pat_choice, exact=True).first.check()
    pat.get_by_role("button", name="Save and come back later").click()
    arrive(pat, re.compile(r"/sites$"))

    typed = "Our council minutes from March, typed by Lee, which must not be lost."
    lee.get_by_label(lee_choice, exact=True).first.check()
    lee.locator(f"#evidence-{question['id']}").fill(typed)
    lee.get_by_role("button", name="Save and come back later").click()

    assert_error_summary_has_focus(lee, "Pat One saved this section", "Your answers have not been saved yet")
    theirs = lee.locator(f"#conflict-{question['id']}")
    expect(theirs).to_contain_text("Saved by Pat One")
    expect(theirs).to_contain_text(pat_choice)
    expect(lee.get_by_label(lee_choice, exact=True).first).to_be_checked()
    expect(lee.locator(f"#evidence-{question['id']}")).to_have_value(typed)
    audit(lee)
    lee.set_viewport_size({"width": 320, "height": 800})
    assert_no_horizontal_scroll(lee)
    lee.set_viewport_size({"width": 1280, "height": 900})

    lee.get_by_role("button", name="Save and come back later").click()
    arrive(lee, re.compile(r"/sites$"))
    pat.goto(url)
    expect(pat.get_by_label(lee_choice, exact=True).first).to_be_checked()
    expect(pat.locator(f"#evidence-{question['id']}")).to_have_value(typed)
