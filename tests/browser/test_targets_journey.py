"""Issue 13, items 3 and 4: the targets page and the results page's change since last year, in the browser: set a
target with the keyboard only (at 320 px), see it with its gap on the results page, and both pages at 320 px and
1280 px with every check (axe at zero violations included) and the page scrolling only vertically. Screenshots of
both pages at both widths are kept in test-results/browser/ as artefacts, whatever the outcome."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.audit import assert_no_horizontal_scroll, audit
from tests.browser.conftest import ARTIFACTS, LiveServer, sign_in
from tests.browser.data import Seed
from tests.browser.journey import Auditor, KeyboardOnly
from tests.conftest import PASSWORD, Factory

pytestmark = pytest.mark.browser

EMAIL = "targets@example.org"
LAST_YEAR, THIS_YEAR = "2005-06", "2006-07"


def keep_screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"issue13-{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def two_years(live_server: LiveServer) -> Iterator[dict[str, object]]:
    """A site of its own (nobody else's data changes): last year every answer at 1, this year at 2, so every
    area went up a level; and a governor for it."""
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
                    "code": "TGT",
                    "name": "HMP Targetford",
                    "kind": "prison",
                    "nation": "England",
                    "region": "North East",
                    "category": None,
                    "function": None,
                    "population_band": None,
                }
            ]
        )
        site = get_site_by_code("TGT")
        user = create_or_update_user(EMAIL, "Tara Target", "governor", PASSWORD, [site])
        definition = make.questionnaire().definition
        ids = []
        for period, choice in ((LAST_YEAR, "1"), (THIS_YEAR, "2")):
            assessment = make.draft(site, user, period)
            save_answers(assessment, make.all_answers(choice), {}, user)
            submit_assessment(assessment, user, lambda answers: score_assessment(definition, answers))
            db.session.commit()
            ids.append(assessment.id)
        yield {"assessment": ids[-1], "first": definition.domains[0].id, "title": definition.domains[0].title}


def test_setting_a_target_with_the_keyboard_only_at_320px(page: Page, seeded: Seed, two_years: dict) -> None:
    keys = KeyboardOnly(page, Auditor(seeded))
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, EMAIL)
    assessment, first = two_years["assessment"], two_years["first"]
    page.goto(f"/assessments/{assessment}/results")
    keys.tab_to(f'main a[href="/assessments/{assessment}/targets"]')
    keys.follow("Enter")
    expect(page.locator("h1")).to_have_text("Set a target level for each area")
    assert_no_horizontal_scroll(page, 320)
    keys.choose(f"target-{first}", "4")
    keys.tab_to('main button[type="submit"], main button:not([type])')
    keys.follow("Enter")
    expect(page).to_have_url(re.compile(rf"/assessments/{assessment}/results#change$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Your targets have been saved")
    row = page.locator("#change-table tbody tr", has=page.locator("th", has_text=two_years["title"]))
    expect(row).to_contain_text("Up 1 level")
    expect(row).to_contain_text("2 levels below the target")


@pytest.mark.parametrize("width", [320, 1280])
def test_the_targets_page_and_the_change_table_pass_every_check(page: Page, two_years: dict, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, EMAIL)
    assessment = two_years["assessment"]
    page.goto(f"/assessments/{assessment}/targets")
    audit(page)
    keep_screenshot(page, f"targets-{width}")
    if width == 320:
        assert_no_horizontal_scroll(page, 320)

    page.goto(f"/assessments/{assessment}/results")
    table = page.locator("#change-table")
    expect(table.locator("caption")).to_have_text(f"Change since {LAST_YEAR}, targets and the gap to them")
    expect(table.locator("thead th")).to_have_text(
        [
            "Area",
            f"Level in {THIS_YEAR}",
            f"Level in {LAST_YEAR}",
            "Change",
            "Target",
            "Gap to target",
            "Gap to the peer median",
        ]
    )
    expect(table.locator("tbody tr").first.locator("th")).to_have_text("Overall")
    audit(page)
    table.scroll_into_view_if_needed()
    keep_screenshot(page, f"results-change-{width}")
    if width == 320:
        assert_no_horizontal_scroll(page, 320)
        # The table scrolls inside its own region (a focusable, named region), not the page.
        region = page.locator('[role="region"]', has=table)
        expect(region).to_have_attribute("tabindex", "0")
        expect(region).to_have_attribute("aria-label", "Change since last year and gap to target")


def test_a_colleagues_newer_target_gives_the_conflict_page_which_passes_every_check(
    page: Page, live_server: LiveServer, two_years: dict
) -> None:
    """The page is opened, a colleague saves the same area (through the data layer, as their request would),
    then this save is refused: 409, the error summary links to the area, theirs is shown, the choice is kept."""
    from assess.data.targets import get_targets, save_targets
    from assess.data.users import create_or_update_user
    from assess.extensions import db
    from assess.models import Assessment

    page.set_viewport_size({"width": 320, "height": 900})
    sign_in(page, EMAIL)
    assessment, first = two_years["assessment"], two_years["first"]
    page.goto(f"/assessments/{assessment}/targets")
    with live_server.app.app_context():
        row = db.session.get(Assessment, assessment)
        colleague = create_or_update_user(
            "colleague.targets@example.org", "Col League", "governor", PASSWORD, [row.site]
        )
        stored = get_targets(row.site_id, row.questionnaire_id).get(first)
        seen = {first: (stored.version, stored.level)} if stored else {}
        new_level = 3 if stored is None or stored.level != 3 else 5
        save_targets(row.site, row.questionnaire_id, {first: new_level}, seen, colleague, assessment_id=row.id)
        db.session.commit()
    page.locator(f'input[name="target-{first}"][value="1"]').check()
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Save targets").click()
    assert navigation.value is not None and navigation.value.status == 409
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("A colleague changed the target for")
    expect(summary.locator("a")).to_have_attribute("href", f"#target-{first}")
    expect(page.locator(f'input#target-{first}[type="radio"]')).to_have_count(1)  # the link leads to the area
    expect(page.locator(f"#conflict-{first}")).to_contain_text("Saved by Col League")
    expect(page.locator(f'input[name="target-{first}"][value="1"]')).to_be_checked()
    audit(page)
    assert_no_horizontal_scroll(page, 320)
    keep_screenshot(page, "targets-conflict-320")
