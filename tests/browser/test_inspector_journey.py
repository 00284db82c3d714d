"""The inspector's first journey with the keyboard only (issue 11): the caseload, a filter, a site, its
review; then a comparison of three prisons ticked with the Space key. Every page on the way is audited."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.data import Seed
from tests.browser.journey import Auditor, KeyboardOnly

pytestmark = pytest.mark.browser


def test_an_inspector_filters_opens_a_review_and_compares_sites_with_the_keyboard_only(
    audience_page: Callable[[str], Page], seeded: Seed
) -> None:
    page = audience_page("inspector")
    keys = KeyboardOnly(page, Auditor(seeded))
    page.goto("/caseload")
    site = seeded.placeholders["site"]

    keys.tab_to("select#status")
    page.keyboard.press("ArrowDown")  # "No assessment"
    page.keyboard.press("ArrowDown")  # "Draft"
    page.keyboard.press("ArrowDown")  # "Submitted"
    expect(page.locator("select#status")).to_have_value("submitted")
    keys.tab_to('form#filters button[type="submit"], form#filters button:not([type])')
    keys.follow()
    expect(page).to_have_url(re.compile(r"status=submitted"))
    expect(page.locator("main table tbody tr")).not_to_have_count(0)

    keys.tab_to('a[href="/inspect/sites/PEER1"]')  # a prison whose latest assessment is submitted
    keys.follow()
    keys.tab_to('a[href^="/inspect/assessments/"]')
    keys.follow()
    expect(page.locator("h1")).to_have_text("Review the self-assessment")
    expect(page.locator("#investigate")).to_be_visible()

    page.goto("/compare")
    for code in (site, "PEER1", "PEER2"):
        keys.tab_to(f'input[name="site"][value="{code}"]')
        keys.press("Space")
    keys.tab_to('main form button')
    keys.follow()
    headers = page.locator("main table thead th").all_inner_texts()
    assert len(headers) == 4, headers  # Area and three sites
