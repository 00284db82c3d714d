"""Validation and the right of reply in the browser, keyboard only (issue 11): the inspector lowers an area's
level with a reason and raises a query; the site's governor reads it, disagrees with evidence; the inspector
reads the reply and resolves the query; the governor's results page shows both levels and the reason, never
the internal note. Every page on the way is audited (axe, focus visible after every key)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.audit import assert_no_horizontal_scroll
from tests.browser.data import Seed
from tests.browser.journey import Auditor, KeyboardOnly

pytestmark = pytest.mark.browser

SUBMIT = "main form button[type=submit], main form input[type=submit]"
NOTE = "Internal: the chair was not invited to the last meeting"


def test_an_inspector_lowers_a_level_and_queries_it_and_the_governor_replies_with_the_keyboard_only(
    audience_page: Callable[[str], Page], seeded: Seed
) -> None:
    auditor = Auditor(seeded)
    assessment = seeded.placeholders["submitted"]  # the other governor's site; every answer level 3
    first = seeded.domains[2]  # the seed has decided the first area already
    inspector = audience_page("inspector")
    keys = KeyboardOnly(inspector, auditor)

    inspector.goto(f"/inspect/assessments/{assessment}")
    auditor(inspector)
    keys.tab_to(f'a[href="/inspect/assessments/{assessment}/validate"]')
    keys.follow()
    keys.tab_to(f'a[href="/inspect/assessments/{assessment}/validate/{first["id"]}"]')
    keys.follow()
    keys.choose("decision", "lower")
    keys.choose("level", "2")
    keys.tab_to("textarea#reason")
    keys.type("Two council meetings this year, not monthly.")
    keys.tab_to("textarea#internal_note")
    keys.type(NOTE)
    keys.tab_to(SUBMIT)
    keys.follow()
    expect(inspector).to_have_url(re.compile(rf"/inspect/assessments/{assessment}/validate(#.*)?$"))
    row = inspector.locator(f"tr#area-{first['id']}")
    expect(row).to_contain_text("Lower the level")
    expect(row).to_contain_text("2 – Consultation")

    inspector.goto(f"/inspect/assessments/{assessment}/queries/new")
    auditor(inspector)
    keys.tab_to(f'input[name="areas"][value="{first["id"]}"]')
    keys.press("Space")
    keys.tab_to("textarea#text")
    keys.type("Please send the council minutes for this year.")
    due = date.today() + timedelta(days=14)
    for part, value in (("day", due.day), ("month", due.month), ("year", due.year)):
        keys.tab_to(f"input#due_on-{part}")
        keys.type(str(value))
    keys.tab_to(SUBMIT)
    keys.follow()
    expect(inspector).to_have_url(re.compile(r"/queries/\d+$"))
    query_url = inspector.url

    governor = audience_page("governor")
    governor_keys = KeyboardOnly(governor, auditor)
    governor.goto(query_url)
    auditor(governor)
    expect(governor.locator("main")).to_contain_text("Please send the council minutes for this year.")
    governor_keys.choose("reply", "disagree")
    governor_keys.tab_to(SUBMIT)
    governor_keys.follow()  # no evidence: refused, with the error summary focused
    expect(governor.locator(".govuk-error-summary")).to_contain_text("a disagreement needs evidence")
    governor_keys.tab_to("textarea#evidence")
    governor_keys.type("Minutes of 3 May and 7 June; the council's terms of reference.")
    governor_keys.tab_to(SUBMIT)
    governor_keys.follow()
    expect(governor.locator("ol.app-query-steps")).to_contain_text("Site replied: disagrees")

    inspector.goto(query_url)
    auditor(inspector)
    expect(inspector.locator("ol.app-query-steps")).to_contain_text("Minutes of 3 May and 7 June")
    keys.choose("outcome", "resolved")
    keys.tab_to(SUBMIT)
    keys.follow()
    expect(inspector.locator("ol.app-query-steps > li")).to_have_count(3)

    governor.goto(f"/assessments/{assessment}/results")
    auditor(governor)
    main = governor.locator("main")
    expect(main).to_contain_text("Two council meetings this year, not monthly.")
    expect(main).not_to_contain_text(NOTE)


@pytest.mark.parametrize(
    "path",
    [
        "/inspect/assessments/{submitted}/validate",
        "/inspect/assessments/{submitted}/validate/{domain}",
        "/inspect/assessments/{submitted}/queries/new",
        "/queries/{query}",
    ],
)
def test_validation_and_query_pages_reflow_at_320_css_pixels(
    audience_page: Callable[[str], Page], seeded: Seed, path: str
) -> None:
    page = audience_page("inspector")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(path.format(**seeded.placeholders))
    assert_no_horizontal_scroll(page, 320)
