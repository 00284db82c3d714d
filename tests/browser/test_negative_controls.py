"""Negative controls: each check in audit.py fails on a test-only page with a known fault (no app route), so a
green run means the pages passed the checks, not that the checks cannot fail."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.audit import (
    TitleBook,
    assert_focus_visible,
    assert_good_title,
    assert_no_axe_violations,
    assert_no_horizontal_scroll,
    assert_one_h1,
    assert_skip_link_works,
    assert_text_spacing_keeps_content,
    assert_valid_html,
    axe_violations,
)

pytestmark = pytest.mark.browser


def good_page(
    body: str = "<h1>Good page</h1><p>Text.</p>", title: str = "Good page – SUI Assess", head: str = ""
) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
        f'<body><a href="#main-content" class="govuk-skip-link">Skip to main content</a>'
        f'<main id="main-content" tabindex="-1">{body}</main></body></html>'
    )


def test_axe_reports_an_unlabelled_input(blank_page: Page) -> None:
    blank_page.set_content(good_page('<h1>Negative control</h1><form><input type="text" name="nickname"></form>'))
    assert [violation["id"] for violation in axe_violations(blank_page)] == ["label"]
    with pytest.raises(AssertionError, match=r"(?s)axe-core found 1 violation.*- label \(critical\).*nickname"):
        assert_no_axe_violations(blank_page)


def test_axe_passes_the_same_input_with_a_label(blank_page: Page) -> None:
    blank_page.set_content(
        good_page(
            '<h1>Control</h1><form><label for="n">Nickname</label><input type="text" id="n" name="nickname"></form>'
        )
    )
    assert_no_axe_violations(blank_page)


def test_invalid_html_from_the_server_is_reported(blank_page: Page) -> None:
    blank_page.route(
        "http://negative.test/",
        lambda route: route.fulfill(content_type="text/html", body=good_page("<h1>Broken</h1><p>Text</span></p>")),
    )
    blank_page.goto("http://negative.test/")
    with pytest.raises(AssertionError, match=r"(?s)the HTML the server sent is not valid.*unexpected-end-tag"):
        assert_valid_html(blank_page)


def test_invalid_html_built_by_script_and_duplicate_ids_are_reported(blank_page: Page) -> None:
    blank_page.set_content(good_page('<h1>Broken</h1><p id="twice">One</p><p id="twice">Two</p>'))
    blank_page.evaluate("() => document.querySelector('p').appendChild(document.createElement('div'))")
    with pytest.raises(AssertionError, match=r"(?s)DOM.*not valid HTML.*ids used more than once: \['twice'\]"):
        assert_valid_html(blank_page)


@pytest.mark.parametrize("body", ["<p>No heading</p>", "<h1>One</h1><h1>Two</h1>"], ids=["none", "two"])
def test_a_page_without_exactly_one_h1_is_reported(blank_page: Page, body: str) -> None:
    blank_page.set_content(good_page(body))
    with pytest.raises(AssertionError, match="<h1> elements, not 1"):
        assert_one_h1(blank_page)


@pytest.mark.parametrize(
    ("title", "body", "message"),
    [
        ("Error: Good page – SUI Assess", "<h1>Good page</h1>", "shows no error"),
        ("Good page – SUI Assess", '<div class="govuk-error-summary"></div><h1>Good page</h1>', "does not start with"),
        ("SUI Assess", "<h1>Good page</h1>", "does not end with"),
        ("Page – SUI Assess", "<h1>Your sites</h1>", "does not describe the page"),
    ],
    ids=["error-prefix-without-errors", "errors-without-prefix", "no-page-name", "unrelated-to-h1"],
)
def test_a_poor_title_is_reported(blank_page: Page, title: str, body: str, message: str) -> None:
    blank_page.set_content(good_page(body, title=title))
    with pytest.raises(AssertionError, match=message):
        assert_good_title(blank_page, assert_one_h1(blank_page))


def test_two_pages_with_one_title_are_reported() -> None:
    titles = TitleBook()
    titles.record("http://x/sites", "Your sites – SUI Assess", False)
    titles.record("http://x/sites?x=1", "Your sites – SUI Assess", False)
    with pytest.raises(AssertionError, match="share the title"):
        titles.record("http://x/home", "Your sites – SUI Assess", False)


def test_a_missing_skip_link_is_reported(blank_page: Page) -> None:
    blank_page.set_content(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>'
        '<a href="/elsewhere">First link</a><main id="main-content"><h1>t</h1></main></body></html>'
    )
    with pytest.raises(AssertionError, match="not the skip link"):
        assert_skip_link_works(blank_page)


def test_a_skip_link_that_goes_nowhere_is_reported(blank_page: Page) -> None:
    blank_page.set_content(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>'
        '<a href="#main-content" class="govuk-skip-link">Skip to main content</a>'
        "<main><h1>t</h1></main></body></html>"
    )
    with pytest.raises(AssertionError, match="not #main-content"):
        assert_skip_link_works(blank_page)


def test_an_invisible_focus_is_reported(blank_page: Page) -> None:
    blank_page.set_content(
        good_page(
            '<h1>Focus</h1><a id="plain" href="#x">No focus style</a>', head="<style>a:focus { outline: none; }</style>"
        )
    )
    blank_page.locator("#plain").focus()
    with pytest.raises(AssertionError, match=r"focus on a#plain.* is not visible"):
        assert_focus_visible(blank_page)


def test_horizontal_scrolling_at_320px_is_reported(blank_page: Page) -> None:
    blank_page.set_viewport_size({"width": 320, "height": 640})
    blank_page.set_content(
        good_page(
            '<h1>Wide</h1><div class="too-wide" style="width: 500px">Wide</div>',
            head='<meta name="viewport" content="width=device-width, initial-scale=1">',
        )
    )
    with pytest.raises(AssertionError, match=r"(?s)scrolls horizontally at 320px.*div\.too-wide"):
        assert_no_horizontal_scroll(blank_page, 320)


def test_text_cut_off_by_text_spacing_is_reported(blank_page: Page) -> None:
    blank_page.set_content(
        good_page(
            '<h1>Clipped</h1><p class="fixed" style="width: 200px; height: 1.3em; '
            'overflow: hidden">Words that need more room when spaced out</p>'
        )
    )
    with pytest.raises(AssertionError, match=r"(?s)content is cut off.*p\.fixed"):
        assert_text_spacing_keeps_content(blank_page)
