"""Every page in PAGES (tests/browser/pages.py) gets every check (tests/browser/audit.py), as the audience
that can see it, in a test of its own; then no two pages of an audience may share a title."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from tests.browser.audit import TitleBook, assert_text_spacing_keeps_content, audit
from tests.browser.data import Seed
from tests.browser.pages import PAGES, entries

pytestmark = pytest.mark.browser

CASES = [
    pytest.param(audience, path, status, id=f"{audience}:{path}")
    for audience in PAGES
    for path, status in entries(audience)
]
# The titles seen by test_page_passes_every_check, so that test_titles_are_unique need not load them again.
SEEN_TITLES: dict[tuple[str, str], tuple[str, str, bool]] = {}


@pytest.mark.parametrize(("audience", "path", "status"), CASES)
def test_page_passes_every_check(
    audience_page: Callable[[str], Page], seeded: Seed, audience: str, path: str, status: int
) -> None:
    page = audience_page(audience)
    response = page.goto(path.format(**seeded.placeholders))
    assert response is not None and response.status == status, f"{path}: status {response and response.status}"
    assert urlsplit(page.url).path == urlsplit(path.format(**seeded.placeholders)).path, f"{path} redirected"
    title = audit(page)
    SEEN_TITLES[(audience, path)] = (page.url, title, page.locator(".govuk-error-summary").count() > 0)
    assert_text_spacing_keeps_content(page)


@pytest.mark.parametrize("audience", list(PAGES))
def test_titles_are_unique(audience_page: Callable[[str], Page], seeded: Seed, audience: str) -> None:
    titles = TitleBook()
    page = None
    for path, _status in entries(audience):
        if (audience, path) not in SEEN_TITLES:  # this test is run on its own
            page = page or audience_page(audience)
            page.goto(path.format(**seeded.placeholders))
            SEEN_TITLES[(audience, path)] = (page.url, page.title(), page.locator(".govuk-error-summary").count() > 0)
        titles.record(*SEEN_TITLES[(audience, path)])
