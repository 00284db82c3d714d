"""The commissioner's journey with the keyboard only (issue 12): from their areas to an area's overview, a
year chosen with the select, the matrix grouped by one area of the questionnaire, a site in the area, and an
assurance decision recorded (refused first, with the error summary, then accepted); the site's governor then
reads it on their sites page, with no way to change it. The overview and the matrix reflow at 320 px. Every
page on the way is audited (axe, focus visible after every key)."""

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
RATIONALE = "Council minutes seen for May and June; the survey of residents is still to come."


def test_a_commissioner_records_an_assurance_decision_with_the_keyboard_only(
    audience_page: Callable[[str], Page], seeded: Seed
) -> None:
    auditor = Auditor(seeded)
    area, site = seeded.placeholders["area"], seeded.placeholders["area_site"]
    page = audience_page("commissioner")
    keys = KeyboardOnly(page, auditor)

    page.goto("/areas")
    auditor(page)
    keys.tab_to(f'main a[href="/areas/{area}"]')
    keys.follow()
    expect(page.locator("h1")).to_have_text("Test region")
    counts = page.locator("main table").first.locator("tbody tr")
    expect(counts.last).to_contain_text("All sites 3")

    keys.tab_to("select#period")
    keys.press("ArrowDown")  # last year
    expect(page.locator("select#period")).to_have_value(seeded.previous_period)
    keys.tab_to(SUBMIT)
    keys.follow()
    expect(page).to_have_url(re.compile(rf"period={seeded.previous_period}"))
    expect(page.locator("#coverage")).to_have_text(f"Coverage in {seeded.previous_period}")

    keys.tab_to(f'a[href="/areas/{area}/matrix"]')
    keys.follow()
    keys.tab_to("select#sort")
    keys.press("ArrowDown")  # the first area of the questionnaire
    keys.tab_to(SUBMIT)
    keys.follow()
    expect(page).to_have_url(re.compile(rf"sort={seeded.domains[0]['id']}"))
    expect(page.locator('main th[scope="rowgroup"]').first).to_contain_text("Level")

    keys.tab_to(f'main table a[href="/areas/{area}/sites/{site}"]')
    keys.follow()
    expect(page.locator("h1")).to_have_text("HMP Otherfield")
    keys.tab_to(f'a[href="/areas/{area}/sites/{site}/assurance"]')
    keys.follow()

    keys.tab_to(SUBMIT)
    keys.follow()  # nothing entered: refused, every problem listed
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select assured, partly assured or not assured")
    expect(summary).to_contain_text("Enter the rationale for your decision")
    expect(summary).to_contain_text("Enter the date to revisit the decision")

    keys.tab_to("select#domain")
    keys.press("ArrowDown")  # the first area of the questionnaire
    keys.choose("outcome", "partly assured")
    keys.tab_to("textarea#questions")
    keys.type("Who chairs the council?")
    keys.tab_to("textarea#rationale")
    keys.type(RATIONALE)
    revisit = date.today() + timedelta(days=90)
    for part, value in (("day", revisit.day), ("month", revisit.month), ("year", revisit.year)):
        keys.tab_to(f"input#revisit_on-{part}")
        keys.type(str(value))
    keys.tab_to(SUBMIT)
    keys.follow()
    expect(page).to_have_url(re.compile(rf"/areas/{area}/sites/{site}#decisions$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("was recorded")
    card = page.locator(".govuk-summary-card", has_text=RATIONALE)
    expect(card).to_contain_text(f"{seeded.domains[0]['title']}: partly assured")

    governor = audience_page("governor")
    governor.goto("/sites")
    auditor(governor)
    section = governor.locator(f'section[aria-labelledby="site-{site}"]')
    expect(section).to_contain_text("Assurance decisions by commissioners")
    expect(section).to_contain_text(RATIONALE)
    expect(section.locator("form")).to_have_count(0)
    expect(section.locator('a[href*="assurance"]')).to_have_count(0)


@pytest.mark.parametrize(
    "path",
    [
        "/areas/{area}",
        "/areas/{area}?period={previous_period}",
        "/areas/{area}/matrix",
        "/areas/{area}/matrix?sort={domain}",
        "/areas/{area}/sites/{area_site}",
        "/areas/{area}/sites/{area_site}/assurance",
    ],
)
def test_commissioner_pages_reflow_at_320_css_pixels(
    audience_page: Callable[[str], Page], seeded: Seed, path: str
) -> None:
    """Wide tables (the matrix has fifteen columns) scroll inside their own labelled region; the page itself
    scrolls only vertically."""
    page = audience_page("commissioner")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(path.format(**seeded.placeholders))
    assert_no_horizontal_scroll(page, 320)
