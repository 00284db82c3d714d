"""Two-factor sign-in in a real browser (issue 14, item 1): an inspector's first sign-in sets it up (QR code and
a key to type, a wrong code refused with the GOV.UK error summary, the recovery codes shown once), then the
next sign-in asks for a code, and a recovery code works instead. Every page is audited (axe, HTML, title, skip
link) and reflows at 320px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests import two_factor
from tests.browser.audit import ERROR_PREFIX, assert_no_horizontal_scroll, audit
from tests.browser.conftest import LiveServer
from tests.browser.journey import arrive
from tests.browser.pagewatch import prepare
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

EMAIL = "new-inspector@example.org"


@pytest.fixture()
def new_inspector(live_server: LiveServer) -> str:
    """An inspector who has never signed in (no second factor yet)."""
    from assess.data.users import create_or_update_user
    from assess.extensions import db

    with live_server.app.app_context():
        create_or_update_user(EMAIL, "Nia Newcomer", "inspector", PASSWORD, [], remit=(("prison", "England"),))
        db.session.commit()
        db.session.remove()
    return EMAIL


def password_step(page: Page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_first_sign_in_sets_up_two_factor_then_codes_are_asked_for(
    browser: Browser, browser_context_args: dict, new_inspector: str
) -> None:
    context = browser.new_context(**browser_context_args)
    page = prepare(context.new_page())
    try:
        password_step(page, new_inspector)
        arrive(page, re.compile(r"/sign-in/set-up-two-factor$"))
        audit(page)
        qr = page.get_by_role("img", name=re.compile("QR code"))
        expect(qr).to_be_visible()
        box = qr.bounding_box()
        assert box is not None and box["width"] >= 150, "the QR code is too small to scan"
        key = page.locator("#two-factor-key").inner_text().strip()
        assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{1,4})+", key), key
        page.set_viewport_size({"width": 320, "height": 800})
        assert_no_horizontal_scroll(page)
        page.set_viewport_size({"width": 1280, "height": 900})

        # A wrong code: the error summary, with focus, and the same key still shown.
        step = two_factor.current_step()
        right = two_factor.app_code(key, step)
        page.get_by_label("Security code").fill("000000" if right != "000000" else "111111")
        page.get_by_role("button", name="Continue").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("The security code is not correct")
        assert page.title().startswith(ERROR_PREFIX)
        assert page.locator("#two-factor-key").inner_text().strip() == key
        audit(page)

        page.get_by_label("Security code").fill(right)
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
        codes = [text.strip() for text in page.locator(".app-recovery-codes li").all_inner_texts()]
        assert len(codes) == 10 and all(re.fullmatch(r"[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}", code) for code in codes)
        audit(page)
        page.get_by_role("button", name=re.compile("I have saved my recovery codes")).click()
        arrive(page, re.compile(r"/caseload$"))
        audit(page, axe=False)
        page.get_by_role("button", name=re.compile("Sign out")).click()

        # Next time: the password, then a code; a recovery code instead works too.
        password_step(page, new_inspector)
        arrive(page, re.compile(r"/sign-in/security-code$"))
        audit(page)
        page.get_by_role("link", name="Use a recovery code instead").click()
        arrive(page, re.compile(r"/sign-in/recovery-code$"))
        audit(page)
        page.get_by_label("Recovery code").fill(codes[0])
        page.get_by_role("button", name="Continue").click()
        arrive(page, re.compile(r"/caseload$"))
        expect(page.locator(".govuk-notification-banner")).to_contain_text("9 recovery codes left")
        page.get_by_role("button", name=re.compile("Sign out")).click()

        password_step(page, new_inspector)
        arrive(page, re.compile(r"/sign-in/security-code$"))
        page.get_by_label("Security code").fill(two_factor.app_code(key, step + 1))
        page.get_by_role("button", name="Continue").click()
        arrive(page, re.compile(r"/caseload$"))
        page.get_by_role("link", name="Your account").click()
        arrive(page, re.compile(r"/account$"))
        expect(page.locator("main")).to_contain_text("Set up on")
        audit(page)
    finally:
        context.close()
