"""WCAG 1.4.10 Reflow and 1.4.12 Text Spacing on the questionnaire (domain) page.

Reflow: at 320 CSS pixels wide (1280px at 400% zoom) the page scrolls only vertically:
document.documentElement.scrollWidth <= 320, with "What the levels mean" open as well as closed.

Text spacing: with the WCAG 1.4.12 values applied (line height 1.5, paragraph spacing 2em, letter spacing
0.12em, word spacing 0.16em), no element that hides its overflow has more content than its box. Content
that is not clipped stays readable however it reflows, so clipping is the way spacing hides content; the
check measures every element with overflow hidden or clip (audit.CLIPPED_TEXT_JS) rather than guessing
at what a person would notice. Every page in PAGES gets the text-spacing check too (test_pages.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from tests.browser.audit import assert_no_horizontal_scroll, assert_text_spacing_keeps_content
from tests.browser.data import Seed

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("which", ["domain", "last_domain"])
def test_questionnaire_page_reflows_at_320_css_pixels(
    audience_page: Callable[[str], Page], seeded: Seed, which: str
) -> None:
    page = audience_page("governor")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"/assessments/{seeded.placeholders['draft']}/domains/{seeded.placeholders[which]}")
    assert_no_horizontal_scroll(page, 320)
    page.locator("details.govuk-details summary").first.click()
    assert page.locator("details.govuk-details").first.evaluate("details => details.open")
    assert_no_horizontal_scroll(page, 320)


@pytest.mark.parametrize("width", [320, 1280])
def test_questionnaire_page_keeps_its_content_with_wcag_text_spacing(
    audience_page: Callable[[str], Page], seeded: Seed, width: int
) -> None:
    page = audience_page("governor")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"/assessments/{seeded.placeholders['draft']}/domains/{seeded.placeholders['domain']}")
    page.locator("details.govuk-details summary").first.click()
    assert_text_spacing_keeps_content(page)
    if width == 320:
        assert_no_horizontal_scroll(page, 320)


@pytest.mark.parametrize(
    "path",
    ["/caseload", "/inspect/assessments/{submitted}", "/compare?compare=1&site={site}&site=PEER1&site=PEER2"],
)
def test_inspector_pages_reflow_at_320_css_pixels(
    audience_page: Callable[[str], Page], seeded: Seed, path: str
) -> None:
    """Wide tables scroll inside their own labelled region; the page itself scrolls only vertically."""
    page = audience_page("inspector")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(path.format(**seeded.placeholders))
    assert_no_horizontal_scroll(page, 320)


@pytest.mark.parametrize("path", ["/assessments/{submitted}/results", "/sites/{site}/trend"])
def test_results_and_trend_pages_reflow_at_320_css_pixels_with_their_charts_shown(
    audience_page: Callable[[str], Page], seeded: Seed, path: str
) -> None:
    """The charts give way to their tables (tests/browser/test_chart_reflow.py has the rest); with every chart
    shown on demand, and with WCAG text spacing, the page still scrolls only vertically."""
    page = audience_page("governor")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(path.format(**seeded.placeholders))
    assert_no_horizontal_scroll(page, 320)
    buttons = page.locator(".app-chart-toggle")
    assert buttons.count() >= 2
    for index in range(buttons.count()):
        buttons.nth(index).click()
    page.locator("[data-chart-frame] .main-svg").first.wait_for(state="attached")
    assert_no_horizontal_scroll(page, 320)
    assert_text_spacing_keeps_content(page)
    assert_no_horizontal_scroll(page, 320)
