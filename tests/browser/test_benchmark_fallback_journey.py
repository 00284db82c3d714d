"""The first submission of a year, in the browser (issue 13, item 1): no other prison has submitted for this
year yet, so the results page compares with last year and says so; a group no year can show is listed once
with its reason. Checked with axe at 1280 and 320 CSS pixels, by keyboard, with screenshots kept.

The module serves its own app on its own database (as the session's live server does, seeded differently), so
that its submissions for this year change nothing the other browser tests look at."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from tests.browser.audit import assert_no_axe_violations, assert_no_horizontal_scroll, audit
from tests.browser.conftest import ARTIFACTS, buffered_bodies, sign_in
from tests.browser.pagewatch import WATCHES, prepare
from tests.conftest import PASSWORD, Factory, build_app
from tests.databases import fresh_database

pytestmark = pytest.mark.browser

GOVERNOR = "first.day@example.org"


@dataclass
class FirstDay:
    url: str
    assessment_id: int
    current: str
    previous: str


def _seed(app: Any) -> tuple[int, str, str]:
    from assess import periods
    from assess.data.sites import get_site_by_code, upsert_sites
    from assess.data.users import create_or_update_user

    current = periods.period_for(date.today())
    previous = periods.previous_period(current)
    make = Factory(app)
    home = {
        "code": "FDY",
        "name": "HMP Firstday",
        "kind": "prison",
        "nation": "England",
        "region": "North West",
        "category": "Category C",
        "function": None,
        "population_band": None,
    }
    # Last year 6 other prisons in the North West submitted, this year 2 so far; none is in category C.
    peers = [
        {**home, "code": f"FDP{number}", "name": f"HMP Firstpeer {number}", "category": None} for number in range(8)
    ]
    with app.app_context():
        upsert_sites([home, *peers])
        site = get_site_by_code("FDY")
        governor = create_or_update_user(GOVERNOR, "Fay Governor", "governor", PASSWORD, [site])
        admin = make.user("admin")
        for number in range(6):
            make.submitted(get_site_by_code(f"FDP{number}"), admin, previous, choice=str(1 + number % 5))
        for number in (6, 7):
            make.submitted(get_site_by_code(f"FDP{number}"), admin, current, choice="2")
        mine = make.submitted(site, governor, current, choice="3")
        return mine.id, current, previous


@pytest.fixture(scope="module")
def first_day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FirstDay]:
    with fresh_database(tmp_path_factory.mktemp("first-day-db"), "firstday") as url:
        app = build_app(url, WTF_CSRF_ENABLED=True)
        assessment_id, current, previous = _seed(app)
        server = make_server("127.0.0.1", 0, buffered_bodies(app), threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="first-day-server", daemon=True)
        thread.start()
        try:
            yield FirstDay(f"http://127.0.0.1:{server.server_port}", assessment_id, current, previous)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                from assess.extensions import db

                db.session.remove()
                db.engine.dispose()


@pytest.fixture()
def governor_page(browser: Browser, first_day: FirstDay) -> Iterator[Page]:
    context = browser.new_context(
        base_url=first_day.url, locale="en-GB", timezone_id="Europe/London", viewport={"width": 1280, "height": 900}
    )
    opened = prepare(context.new_page())
    sign_in(opened, GOVERNOR)
    yield opened
    WATCHES.pop(id(opened), None)
    context.close()


def _keep(page: Page, name: str) -> None:
    """A screenshot kept as an artefact whatever the outcome."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"benchmark-fallback-{name}.png"), full_page=True)


def _check_results(page: Page, first_day: FirstDay) -> None:
    main = page.locator("main")
    expect(page.locator("#comparison")).to_contain_text(f"Compared with: All prisons, {first_day.previous}")
    expect(page.locator("#comparison-year")).to_have_text(
        f"Compared with {first_day.previous}, the latest year in which at least 5 other prisons in this group "
        f"submitted an assessment. Not enough had submitted for {first_day.current} yet."
    )
    # The chart and its table of the same numbers are there.
    expect(page.locator("#chart-range")).to_be_attached()
    expect(main.get_by_role("link", name=re.compile("Download this table \\(CSV\\)")).first).to_be_visible()
    # The group no year can show: listed once with its reason, and the rule said once.
    hidden = page.locator("h3", has_text="Groups not shown").locator("xpath=following-sibling::ul[1]/li")
    expect(hidden).to_have_count(1)
    expect(hidden.first).to_contain_text("Prisons in the same category (Category C)")
    expect(hidden.first).to_contain_text("No earlier year had at least 5 either.")
    assert main.inner_text().count("Figures are shown only for groups of at least 5 other sites") == 1


@pytest.mark.parametrize("width", [1280, 320])
def test_results_compared_with_last_year_pass_axe(governor_page: Page, first_day: FirstDay, width: int) -> None:
    page = governor_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/assessments/{first_day.assessment_id}/results")
    if width == 1280:
        audit(page)
    else:
        assert_no_axe_violations(page)
        assert_no_horizontal_scroll(page, 320)
    _check_results(page, first_day)
    _keep(page, f"results-{width}")


def test_the_other_group_is_chosen_by_keyboard_and_its_csv_downloads(governor_page: Page, first_day: FirstDay) -> None:
    page = governor_page
    page.goto(f"/assessments/{first_day.assessment_id}/results")
    region = page.get_by_role("radio", name=re.compile("Prisons in North West"))
    expect(page.get_by_text(f"6 other sites, {first_day.previous} (an earlier year)").first).to_be_visible()
    region.focus()
    page.keyboard.press("Space")
    expect(region).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Show comparison
    page.wait_for_url(re.compile("group=region"))
    expect(page.locator("#comparison")).to_contain_text(f"Prisons in North West, {first_day.previous}")
    assert_no_axe_violations(page)
    link = page.get_by_role("link", name=re.compile("Download this table \\(CSV\\)")).first
    href = link.get_attribute("href")
    assert href and "/benchmarks/region/" in href
    response = page.request.get(href)
    assert response.status == 200 and response.headers["content-type"].startswith("text/csv")
    assert "Median" in response.text()
    _keep(page, "region-1280")
