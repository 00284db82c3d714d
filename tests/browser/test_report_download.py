"""The PDF report in a real browser: the results page's "Download report (PDF)" link downloads a PDF that
opens, whose first page is the summary; the page shown when a report cannot be made in time, and the page for a
peer group that the report cannot show, pass every page check (axe, HTML, title, <h1>, skip link, text spacing),
at 320 CSS pixels too, and the way on is reachable by keyboard."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.audit import assert_no_horizontal_scroll, assert_text_spacing_keeps_content, audit
from tests.browser.conftest import LiveServer
from tests.browser.data import Seed
from tests.browser.pagewatch import watch

pytestmark = pytest.mark.browser


@pytest.fixture
def tiny_report_time_limit(live_server: LiveServer) -> Iterator[None]:
    """Every report made while this is on runs out of time at once (the server reads the limit per request)."""
    config = live_server.app.config
    before = config.get("REPORT_TIME_LIMIT")
    config["REPORT_TIME_LIMIT"] = 0.000001
    try:
        yield
    finally:
        if before is None:
            config.pop("REPORT_TIME_LIMIT", None)
        else:
            config["REPORT_TIME_LIMIT"] = before


def test_results_page_link_downloads_the_pdf(audience_page: Callable[[str], Page], seeded: Seed) -> None:
    page = audience_page("governor")
    page.goto(f"/assessments/{seeded.placeholders['submitted']}/results")
    link = page.get_by_role("link", name="Download report (PDF)")
    expect(link).to_be_visible()
    with page.expect_download(timeout=120_000) as waiting:
        link.click()
    download = waiting.value
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    path = download.path()
    body = path.read_bytes()
    assert body.startswith(b"%PDF-"), body[:20]
    reader = PdfReader(io.BytesIO(body))
    text = " ".join(" ".join(page_.extract_text() for page_ in reader.pages).split())
    assert seeded.other["name"] in text
    missing = [domain["title"] for domain in seeded.domains if " ".join(domain["title"].split()) not in text]
    assert not missing, missing
    first = " ".join(reader.pages[0].extract_text().split())
    assert "Overall level:" in first and "Strongest areas" in first and "Most to gain" in first


def test_report_unavailable_page_passes_every_check(
    audience_page: Callable[[str], Page], seeded: Seed, tiny_report_time_limit: None
) -> None:
    page = audience_page("governor")
    # A report nobody has asked for yet (every group's charts), so the cache cannot answer it.
    response = page.goto(f"/assessments/{seeded.placeholders['submitted']}/report.pdf?group=all")
    assert response is not None and response.status == 503, response and response.status
    # That 503 is the point of this test: take it off the page's problem list (anything else stays on it).
    watch(page).problems.remove(f"503 on GET {response.url}")
    expect(page.locator("h1")).to_have_text("Sorry, your report could not be made")
    expect(page.get_by_text("took too long")).to_be_visible()
    audit(page)
    assert_text_spacing_keeps_content(page)
    page.get_by_role("link", name="see your results, benchmarks and next steps").click()
    expect(page.locator("h1")).to_be_visible()
    assert page.url.endswith("/results"), page.url


@pytest.mark.parametrize("width", [1280, 320])
def test_a_group_the_report_cannot_show_is_a_clear_page(
    audience_page: Callable[[str], Page], seeded: Seed, width: int
) -> None:
    page = audience_page("governor")
    page.set_viewport_size({"width": width, "height": 800})
    response = page.goto(f"/assessments/{seeded.placeholders['submitted']}/report.pdf?group=no-such-group")
    assert response is not None and response.status == 404, response and response.status
    expect(page.locator("h1")).to_have_text("There is no report for that peer group")
    expect(page.get_by_text("there is no such group")).to_be_visible()
    audit(page)
    assert_text_spacing_keeps_content(page)
    if width == 320:
        assert_no_horizontal_scroll(page, 320)
    # The way on, by keyboard: Tab reaches a report link of a group that is shown.
    links = page.locator("main a")
    assert links.count() >= 1
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.closest('main') !== null"):
            break
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused and "report.pdf" in focused, focused
