"""A commissioner's distribution against national and the area's trend (issue 12, items 4 and 5) in the browser:
WCAG 1.4.10 Reflow at 320 CSS pixels (the wide tables scroll inside their own labelled region, the charts fit
the width, the page scrolls only vertically), text spacing kept, the charts drawn, and the two choosers worked
with the keyboard alone. Axe, HTML and titles: these pages are in pages.PAGES["commissioner"]."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.audit import assert_no_axe_violations, assert_no_horizontal_scroll, assert_text_spacing_keeps_content
from tests.browser.data import Seed

pytestmark = pytest.mark.browser

PATHS = (
    "/areas/{area}/distribution",
    "/areas/{area}/distribution?period={previous_period}",
    "/areas/{area}/trend",
    "/areas/{area}/trend?measure={domain}",
)


@pytest.mark.parametrize("path", PATHS)
def test_area_stats_pages_reflow_at_320_css_pixels(
    audience_page: Callable[[str], Page], seeded: Seed, path: str
) -> None:
    page = audience_page("commissioner")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(path.format(**seeded.placeholders))
    assert_no_horizontal_scroll(page, 320)
    for region in page.locator(".app-table-region").all():
        assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
        assert region.get_attribute("aria-label")
    charts = page.locator(".app-chart")
    for index in range(charts.count()):
        chart = charts.nth(index)
        expect(chart.locator(".main-svg").first).to_be_attached()  # drawn by Plotly
        box = chart.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 320.5
    assert_text_spacing_keeps_content(page)
    assert_no_horizontal_scroll(page, 320)


def test_the_choosers_work_with_the_keyboard_alone(audience_page: Callable[[str], Page], seeded: Seed) -> None:
    page = audience_page("commissioner")
    area = seeded.placeholders["area"]
    page.goto(f"/areas/{area}/trend")
    page.locator("#measure").focus()
    page.keyboard.press("ArrowDown")  # the first area of the questionnaire, after "Overall score"
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Show")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"measure={seeded.placeholders['domain']}" in page.url
    expect(page.locator("#measure")).to_have_value(seeded.placeholders["domain"])
    assert_no_axe_violations(page)

    page.goto(f"/areas/{area}/distribution")
    options = page.locator("#period option")
    if options.count() > 1:
        page.locator("#period").focus()
        page.keyboard.press("ArrowDown")
        chosen = page.locator("#period").input_value()
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Show this year")).to_be_focused()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert f"period={chosen}" in page.url
        expect(page.locator("#period")).to_have_value(chosen)
    assert_no_axe_violations(page)
