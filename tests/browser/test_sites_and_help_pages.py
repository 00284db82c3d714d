"""Issue 13: the governor's sites page (latest overall level, a link to the trend, actions that stay on screen at
320 px), the footer's help, accessibility statement and privacy notice (signed out too), and printing the results
page with the working and the evidence showing.

Screenshots of the sites page and the help page at 320 px and 1280 px are kept in test-results/browser/ as
artefacts, whatever the outcome."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.audit import assert_no_horizontal_scroll, audit
from tests.browser.conftest import ARTIFACTS, LiveServer, sign_in
from tests.browser.data import Seed
from tests.browser.journey import Auditor, KeyboardOnly
from tests.conftest import PASSWORD, Factory

pytestmark = pytest.mark.browser

FOOTER_PAGES = [
    ("Help", "/help", "Help using SUI Assess"),
    ("Accessibility statement", "/accessibility", "Accessibility statement for SUI Assess"),
    ("Privacy notice", "/privacy", "Privacy notice for SUI Assess"),
]
PRINT_EVIDENCE = "Council minutes for May, with the three proposals the council made and what became of each."
PRINT_EMAIL = "printer@example.org"


def keep_screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"issue13-{name}.png"), full_page=True)


def assert_on_screen(page: Page, locator: Any, width: int) -> None:
    """Visible without scrolling anything sideways: inside the viewport's width and inside the visible part of
    any scrolling table region (as the page loads, scrolled to the start), and not covered by anything else.
    The page is scrolled up or down only, to bring the link's first line into the viewport."""
    expect(locator).to_be_visible()
    found = locator.evaluate(
        """link => {
            window.scrollTo(0, window.scrollY + link.getClientRects()[0].top - 100);
            const line = link.getClientRects()[0];
            const region = link.closest('.app-table-region');
            const edge = region ? region.getBoundingClientRect() : {left: 0, right: window.innerWidth};
            const left = Math.max(0, edge.left), right = Math.min(window.innerWidth, edge.right);
            const inside = line.left >= left - 0.5 && line.right <= right + 0.5;
            const x = line.left + Math.min(line.width / 2, 20);
            const at = document.elementFromPoint(x, line.top + line.height / 2);
            const hit = at !== null && (at === link || link.contains(at));
            return {inside, hit, line: [line.left, line.right], visible: [left, right]};
        }"""
    )
    assert found["inside"] and found["hit"], f"{locator} is out of sight at {width}px: {found}"
    assert found["line"][1] <= width + 0.5


@pytest.mark.parametrize("width", [320, 1280])
def test_sites_page_shows_the_latest_level_and_keeps_its_actions_on_screen(
    audience_page: Callable[[str], Page], seeded: Seed, width: int
) -> None:
    page = audience_page("governor")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/sites")
    site = seeded.placeholders["site"]
    section = page.locator(f'section[aria-labelledby="site-{site}"]')
    summary = section.locator(f"#latest-{site}")
    expect(summary).to_contain_text("Latest submitted overall level")
    expect(summary).to_contain_text(re.compile(r"Level \d: [A-Z][a-z-]+"))
    expect(summary).to_contain_text(f"({seeded.previous_period})")
    trend = summary.get_by_role("link", name=re.compile(r"^View trend for "))
    expect(trend).to_have_attribute("href", f"/sites/{site}/trend")
    keep_screenshot(page, f"sites-{width}")
    if width == 320:
        assert_no_horizontal_scroll(page, 320)
    for link in [trend, *section.locator("table.app-sites-table a").all()]:
        assert_on_screen(page, link, width)
    # Stacked or not, the accessibility tree still holds a table (Chromium keeps it anyway; the explicit roles
    # in the template are for browsers that drop table semantics from display: block tables).
    session = page.context.new_cdp_session(page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    roles = [node.get("role", {}).get("value") for node in nodes]
    assert roles.count("table") >= 1 and roles.count("columnheader") >= 4 and roles.count("cell") >= 4, set(roles)
    audit(page)


def test_sites_page_trend_link_by_keyboard(page: Page, seeded: Seed) -> None:
    auditor = Auditor(seeded)
    keys = KeyboardOnly(page, auditor)
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, seeded.other_governor_email)
    page.goto("/sites")
    site = seeded.placeholders["site"]
    keys.tab_to(f'a[href="/sites/{site}/trend"]')
    keys.follow("Enter")
    expect(page).to_have_url(re.compile(rf"/sites/{site}/trend$"))


@pytest.mark.parametrize("width", [320, 1280])
def test_footer_pages_open_signed_out_and_pass_every_check(audience_page: Callable[[str], Page], width: int) -> None:
    page = audience_page("public")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/sign-in")
    footer = page.locator(".govuk-footer")
    for text, path, heading in FOOTER_PAGES:
        link = footer.get_by_role("link", name=text, exact=True)
        expect(link).to_have_attribute("href", path)
        link.click()
        expect(page).to_have_url(re.compile(re.escape(path) + "$"))
        expect(page.locator("h1")).to_have_text(heading)
        audit(page)
        if width == 320:
            assert_no_horizontal_scroll(page, 320)
        keep_screenshot(page, f"{path.strip('/')}-{width}")
        page.go_back()


def test_footer_links_work_with_the_keyboard_only(page: Page, seeded: Seed) -> None:
    keys = KeyboardOnly(page, Auditor(seeded))
    page.goto("/sign-in")
    for text, path, heading in FOOTER_PAGES:
        keys.tab_to(f'.govuk-footer a[href="{path}"]')
        keys.follow("Enter")
        expect(page.locator("h1")).to_have_text(heading)
        assert page.locator(".govuk-footer a", has_text=text).count() == 1
    keys.tab_to('main a[href="/help/benchmarks"]')
    keys.follow("Enter")
    expect(page.locator("h1")).to_have_text("How benchmarks protect each site's results")


@pytest.fixture(scope="module")
def print_results(live_server: LiveServer) -> Iterator[int]:
    """A site of its own (nobody else's data changes) with a submitted assessment whose first answer has
    evidence, and a governor for it."""
    from assess.data.assessments import save_answers, submit_assessment
    from assess.data.sites import get_site_by_code, upsert_sites
    from assess.data.users import create_or_update_user
    from assess.extensions import db
    from assess.scoring import score_assessment

    app = live_server.app
    make = Factory(app)
    with app.app_context():
        upsert_sites(
            [
                {
                    "code": "PRN",
                    "name": "Printwell Probation Delivery Unit",
                    "kind": "probation",
                    "nation": "Wales",
                    "region": "Wales",
                    "category": None,
                    "function": None,
                    "population_band": None,
                }
            ]
        )
        site = get_site_by_code("PRN")
        user = create_or_update_user(PRINT_EMAIL, "Pat Printer", "governor", PASSWORD, [site])
        assessment = make.draft(site, user, "2003-04")
        definition = make.questionnaire().definition
        first = definition.domains[0].questions[0].id
        save_answers(assessment, make.all_answers("2"), {first: PRINT_EVIDENCE}, user)
        submit_assessment(assessment, user, lambda answers: score_assessment(definition, answers))
        db.session.commit()
        yield assessment.id


def test_printing_the_results_shows_the_working_and_the_evidence(page: Page, print_results: int) -> None:
    sign_in(page, PRINT_EMAIL)
    page.goto(f"/assessments/{print_results}/results")
    evidence = page.locator(".app-evidence", has_text=PRINT_EVIDENCE)
    working = page.locator(".govuk-details", has_text="How this score was worked out").first.locator("table")
    # On screen both are folded away in their details.
    expect(evidence).to_be_hidden()
    expect(working).to_be_hidden()
    page.emulate_media(media="print")
    expect(evidence).to_be_visible()
    expect(working).to_be_visible()
    for hidden in (".govuk-service-navigation__wrapper", ".govuk-footer", ".govuk-phase-banner", ".app-sign-out"):
        expect(page.locator(hidden).first).to_be_hidden()
    for button in page.locator(".govuk-button").all():
        expect(button).to_be_hidden()
    # A region that scrolls on screen prints whole.
    assert page.locator(".app-table-region").first.evaluate("el => getComputedStyle(el).overflowX") == "visible"
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    keep_screenshot(page, "results-print")
    page.emulate_media(media="screen")
    expect(evidence).to_be_hidden()


def test_without_the_print_styles_printing_would_hide_the_evidence(page: Page, print_results: int) -> None:
    """The negative control for the test above: with print.css blocked, the printed page folds the evidence away
    as the screen does, so it is the print styles that show it."""
    page.route(re.compile(r"/app/print(\.[0-9a-f]+)?\.css$"), lambda route: route.abort())  # its fingerprinted copy too
    sign_in(page, PRINT_EMAIL)
    page.goto(f"/assessments/{print_results}/results")
    page.emulate_media(media="print")
    expect(page.locator(".app-evidence", has_text=PRINT_EVIDENCE)).to_be_hidden()
    expect(page.locator(".govuk-footer")).to_be_visible()


def test_without_the_page_styles_the_sites_actions_scroll_out_of_sight_at_320(
    audience_page: Callable[[str], Page], seeded: Seed
) -> None:
    """The negative control for the sites page: with pages.css blocked, the table keeps its columns at 320 px and
    at least one action link is out of sight in its scrolling region, which assert_on_screen catches."""
    page = audience_page("governor")
    page.route(re.compile(r"/app/pages(\.[0-9a-f]+)?\.css$"), lambda route: route.abort())  # its fingerprinted copy too
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto("/sites")
    section = page.locator(f'section[aria-labelledby="site-{seeded.placeholders["site"]}"]')
    caught = 0
    for link in section.locator("table.app-sites-table .app-sites-table__action a").all():
        try:
            assert_on_screen(page, link, 320)
        except AssertionError:
            caught += 1
    assert caught > 0
