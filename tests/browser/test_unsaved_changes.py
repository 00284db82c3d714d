"""Nothing typed is lost by navigating (issue 13, item 7). On an area page with changes not saved, a link
such as "Back to all sections" opens an in-page dialog (stay, leave without saving, or save and come back
later), keyboard operable and passing axe; leaving any other way gets the browser's own question
(beforeunload). Saving the form never asks, and nor does leaving a page with nothing changed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.browser.audit import assert_focus_visible, assert_no_axe_violations, assert_no_horizontal_scroll
from tests.browser.conftest import ARTIFACTS, LiveServer, sign_in
from tests.browser.data import Seed
from tests.browser.journey import arrive
from tests.conftest import PASSWORD, Factory

pytestmark = pytest.mark.browser

END = r"(?:#.*)?$"
SITE = {
    "code": "TUS",
    "name": "HMP Testunsaved",
    "kind": "prison",
    "nation": "England",
    "region": "North West",
    "category": None,
    "function": None,
    "population_band": None,
}
GOVERNOR = ("unsaved.governor@example.org", "Una Governor")


@dataclass(frozen=True)
class Draft:
    assessment_id: int


@pytest.fixture(scope="module")
def draft(live_server: LiveServer) -> Draft:
    """A site of its own with a blank draft for this year, and its governor."""
    from assess.data.sites import get_site_by_code, upsert_sites
    from assess.data.users import create_or_update_user

    app = live_server.app
    make = Factory(app)
    with app.app_context():
        upsert_sites([SITE])
        site = get_site_by_code(SITE["code"])
        user = create_or_update_user(GOVERNOR[0], GOVERNOR[1], "governor", PASSWORD, [site])
        assessment = make.draft(site, user, live_server.seed.current_period)
        return Draft(assessment.id)


@pytest.fixture()
def governor_page(page: Page, draft: Draft) -> Iterator[Page]:
    sign_in(page, GOVERNOR[0])
    yield page


class Dialogs:
    """The browser's own dialogs (beforeunload), recorded and answered as told."""

    def __init__(self, page: Page):
        self.seen: list[str] = []
        self.accept = True
        page.on("dialog", self._answer)

    def _answer(self, dialog: Dialog) -> None:
        self.seen.append(dialog.type)
        if self.accept:
            dialog.accept()
        else:
            dialog.dismiss()


def area_url(draft: Draft, seeded: Seed, index: int) -> str:
    return f"/assessments/{draft.assessment_id}/domains/{seeded.domains[index]['id']}"


def radio(page: Page, seeded: Seed, index: int, question: int = 0, choice: int = 2) -> tuple[str, str]:
    planned = seeded.domains[index]["questions"][question]
    value = planned["choices"]["prison"][choice][0]
    return f'input[name="q-{planned["id"]}"][value="{value}"]', planned["id"]


def test_a_link_away_from_changes_not_saved_asks_first(governor_page: Page, seeded: Seed, draft: Draft) -> None:
    page = governor_page
    dialogs = Dialogs(page)
    url = area_url(draft, seeded, 0)
    page.goto(url)
    dialog = page.locator("dialog[data-app-unsaved-dialog]")
    back = page.get_by_role("link", name="Back to all sections")

    # Nothing changed: the link just goes.
    back.click()
    arrive(page, re.compile(rf"/assessments/{draft.assessment_id}" + END))
    page.goto(url)

    # Typed, then deleted again: nothing to lose, so nothing asked.
    selector, _ = radio(page, seeded, 0)
    evidence = page.locator("textarea").first
    evidence.fill("Typed, then deleted")
    evidence.fill("")
    back.click()
    arrive(page, re.compile(rf"/assessments/{draft.assessment_id}" + END))
    page.goto(url)

    # Changed: the dialog, in place of leaving; focus inside it, visible; axe passes with it open.
    page.locator(selector).check()
    evidence.fill("Typed and not saved")
    back.click()
    expect(dialog).to_be_visible()
    expect(page.get_by_role("dialog", name="You have changes on this page that are not saved")).to_be_visible()
    assert page.url.endswith(url)
    assert page.evaluate("() => document.activeElement.closest('dialog') !== null")
    assert_focus_visible(page)
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert_no_horizontal_scroll(page, 320)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "unsaved-changes-dialog-320.png"))  # the viewport, where the dialog is
    page.set_viewport_size({"width": 1280, "height": 900})

    # Escape closes it: still on the page, everything typed still there.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator(selector)).to_be_checked()
    expect(evidence).to_have_value("Typed and not saved")

    # "Stay on this page", with the keyboard.
    back.focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Tab")
    assert_focus_visible(page)
    assert squash_text(page.evaluate("() => document.activeElement.textContent")) == "Stay on this page"
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    assert page.url.endswith(url)

    # "Leave without saving": goes where the link pointed, with no second question, and nothing is saved.
    back.click()
    page.locator("dialog [data-app-unsaved-leave]").click()
    arrive(page, re.compile(rf"/assessments/{draft.assessment_id}" + END))
    assert dialogs.seen == []
    page.goto(url)
    expect(page.locator(selector)).not_to_be_checked()
    expect(page.locator("textarea").first).to_have_value("")


def test_the_dialog_can_save_and_come_back_later(governor_page: Page, seeded: Seed, draft: Draft) -> None:
    page = governor_page
    dialogs = Dialogs(page)
    url = area_url(draft, seeded, 1)
    page.goto(url)
    selector, _ = radio(page, seeded, 1, choice=3)
    page.locator(selector).check()
    page.get_by_role("link", name="Back to all sections").click()
    page.locator("dialog").get_by_role("button", name="Save and come back later").click()
    arrive(page, re.compile(r"/sites" + END))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(seeded.domains[1]["title"])
    assert dialogs.seen == []
    page.goto(url)
    expect(page.locator(selector)).to_be_checked()


def test_leaving_another_way_gets_the_browsers_question_and_saving_never_asks(
    governor_page: Page, seeded: Seed, draft: Draft
) -> None:
    page = governor_page
    dialogs = Dialogs(page)
    url = area_url(draft, seeded, 2)
    page.goto(url)
    selector, _ = radio(page, seeded, 2, choice=1)
    page.locator(selector).check()

    # Dismissed: the browser stays on the page with the change.
    dialogs.accept = False
    page.evaluate("() => { window.location.href = '/sites' }")
    page.wait_for_timeout(500)
    assert dialogs.seen == ["beforeunload"]
    assert page.url.endswith(url)
    expect(page.locator(selector)).to_be_checked()

    # Accepted: it leaves.
    dialogs.accept = True
    page.evaluate("() => { window.location.href = '/sites' }")
    arrive(page, re.compile(r"/sites" + END))
    assert dialogs.seen == ["beforeunload", "beforeunload"]

    # Saving the form (either button) never asks.
    page.goto(url)
    page.locator(selector).check()
    page.get_by_role("button", name="Save and continue", exact=True).click()
    # Sent (the other questions are unanswered, so the page comes back with its errors; the answer is saved).
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.goto(url)
    other, _ = radio(page, seeded, 2, choice=0)
    page.locator(other).check()
    page.get_by_role("button", name="Save and come back later").click()
    arrive(page, re.compile(r"/sites" + END))
    assert dialogs.seen == ["beforeunload", "beforeunload"]


def squash_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
