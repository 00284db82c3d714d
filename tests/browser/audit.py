"""The checks every page gets: axe-core, valid HTML, one <h1>, a descriptive and unique <title>, a working
skip link; plus focus visibility (keyboard journey), reflow (WCAG 1.4.10) and text spacing (WCAG 1.4.12).

Each check raises AssertionError with a report a person can act on. `audit(page)` runs them all."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import html5lib
from axe_playwright_python.sync_playwright import Axe
from html5lib.html5parser import ParseError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.pagewatch import watch

SERVICE = "SUI Assess"
TITLE_SUFFIX = f" – {SERVICE}"
ERROR_PREFIX = "Error: "

# ---------------------------------------------------------------- axe-core

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Rules switched off, each with the reason, citing GOV.UK Frontend's documented exception. None is needed:
# keep it that way unless GOV.UK Frontend documents a false positive for one of its components.
AXE_DISABLED_RULES: dict[str, str] = {}

_axe = Axe()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    options: dict[str, Any] = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    if AXE_DISABLED_RULES:
        options["rules"] = {rule: {"enabled": False} for rule in AXE_DISABLED_RULES}
    return list(_axe.run(page, options=options).response["violations"])


def _describe_violation(violation: dict[str, Any]) -> str:
    lines = [f"- {violation['id']} ({violation.get('impact')}): {violation['help']} [{violation['helpUrl']}]"]
    for node in violation["nodes"][:10]:
        target = " ".join(str(part) for part in node["target"])
        lines.append(f"    element: {target}")
        lines.append(f"      html: {node['html'][:300]}")
        summary = (node.get("failureSummary") or "").replace("\n", "\n            ")
        lines.append(f"      why: {summary}")
    if len(violation["nodes"]) > 10:
        lines.append(f"    ... and {len(violation['nodes']) - 10} more elements")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    violations = axe_violations(page)
    if violations:
        report = "\n".join(_describe_violation(violation) for violation in violations)
        raise AssertionError(f"axe-core found {len(violations)} violation(s) on {page.url}:\n{report}")


# ---------------------------------------------------------------- valid HTML


def html_parse_errors(markup: str) -> list[str]:
    """Every parse error html5lib reports, with line, column and the offending line ('' when valid)."""
    try:
        html5lib.HTMLParser(strict=True).parse(markup)
        return []
    except ParseError:
        pass
    parser = html5lib.HTMLParser(strict=False)
    parser.parse(markup)
    lines = markup.splitlines()
    errors = []
    for (line, column), code, data in parser.errors:
        source = lines[line - 1].strip()[:200] if 0 < line <= len(lines) else ""
        errors.append(f"line {line}, column {column}: {code} {data or ''} near: {source}")
    return errors or ["html5lib's strict parser raised, but listed no error"]


def assert_valid_html(page: Page) -> None:
    problems: list[str] = []
    dom_errors = html_parse_errors(page.content())
    if dom_errors:
        problems.append("the page's DOM (page.content()) is not valid HTML:\n  " + "\n  ".join(dom_errors))
    document = watch(page).last_document
    if document is not None and document.url.split("#")[0] == page.url.split("#")[0]:
        source_errors = html_parse_errors(document.text())
        if source_errors:
            problems.append("the HTML the server sent is not valid:\n  " + "\n  ".join(source_errors))
    duplicates = page.evaluate(
        """() => {
            const seen = {};
            for (const el of document.querySelectorAll('[id]')) seen[el.id] = (seen[el.id] || 0) + 1;
            return Object.keys(seen).filter(id => seen[id] > 1);
        }"""
    )
    if duplicates:
        problems.append(f"ids used more than once: {duplicates}")
    if problems:
        raise AssertionError(f"Invalid HTML on {page.url}:\n" + "\n".join(problems))


# ---------------------------------------------------------------- headings and titles


def assert_one_h1(page: Page) -> str:
    headings = page.locator("h1").all_inner_texts()
    assert len(headings) == 1, f"{page.url} has {len(headings)} <h1> elements, not 1: {headings}"
    assert headings[0].strip(), f"{page.url} has an empty <h1>"
    return " ".join(headings[0].split())


def _words(text: str) -> set[str]:
    return {word for word in re.findall(r"[a-z0-9]+(?:[-'’][a-z0-9]+)*", text.lower()) if len(word) >= 4}


class TitleBook:
    """The titles a journey has seen, to prove that different pages never share one.

    A page is its path (query and fragment ignored) and whether it shows errors: the same page seen
    twice may repeat its title; two different pages may not."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, bool]] = {}

    def record(self, url: str, title: str, has_errors: bool) -> None:
        key = (urlsplit(url).path, has_errors)
        for seen_title, seen_key in self.pages.items():
            if seen_title == title and seen_key != key:
                raise AssertionError(f"Two pages share the title {title!r}: {seen_key[0]} and {key[0]}")
        self.pages.setdefault(title, key)


def assert_good_title(page: Page, h1: str, titles: TitleBook | None = None) -> str:
    title = page.title()
    has_errors = page.locator(".govuk-error-summary").count() > 0
    if has_errors:
        assert title.startswith(ERROR_PREFIX), (
            f"{page.url} shows an error summary, but its title {title!r} does not start with {ERROR_PREFIX!r}"
        )
    else:
        assert not title.startswith(ERROR_PREFIX), f"{page.url} shows no error, but its title is {title!r}"
    assert title.endswith(TITLE_SUFFIX), f"{page.url}: title {title!r} does not end with {TITLE_SUFFIX!r}"
    specific = title.removeprefix(ERROR_PREFIX).removesuffix(TITLE_SUFFIX).strip()
    assert specific and specific != SERVICE, f"{page.url}: title {title!r} does not say what the page is"
    assert _words(specific) & _words(h1), (
        f"{page.url}: title {title!r} does not describe the page, whose <h1> is {h1!r} (they share no word)"
    )
    if titles is not None:
        titles.record(page.url, title, has_errors)
    return title


# ---------------------------------------------------------------- focus

# Where the focus is, and whether it can be seen: the focused element's style (for GOV.UK radios and
# checkboxes, the circle or box drawn by its label's ::before) is compared with its style when not focused.
# Focus is visible when that changes an outline, a box shadow, a background or a border, and the element
# has a size on screen and is in the viewport.
FOCUS_STATE_JS = """
(selector) => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return {element: null};
  const choice = el.matches('.govuk-radios__input, .govuk-checkboxes__input');
  const target = choice && el.labels && el.labels.length ? el.labels[0] : el;
  const pseudo = choice ? '::before' : null;
  const props = ['outlineStyle', 'outlineWidth', 'outlineColor', 'boxShadow', 'backgroundColor', 'color',
                 'borderTopWidth', 'borderTopColor', 'textDecorationLine'];
  const snap = () => {
    const s = getComputedStyle(target, pseudo), o = {};
    for (const p of props) o[p] = s[p];
    return o;
  };
  const alpha = (c) => {
    if (c === 'transparent') return 0;
    const m = c.match(/rgba?\\(([^)]*)\\)/); if (!m) return 1;
    const parts = m[1].split(/[\\s,\\/]+/).filter(Boolean);
    return parts.length > 3 ? parseFloat(parts[3]) : 1;
  };
  const outlineShows = (s) => s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && alpha(s.outlineColor) > 0;
  const focused = snap();
  const interactive = el.tabIndex >= 0;
  let resting = focused;
  if (interactive) {
    el.blur();
    resting = snap();
    el.focus({preventScroll: true});
  }
  const indicator =
    (outlineShows(focused) && (!outlineShows(resting) || focused.outlineColor !== resting.outlineColor
                               || focused.outlineWidth !== resting.outlineWidth)) ||
    (focused.boxShadow !== 'none' && focused.boxShadow !== resting.boxShadow) ||
    (alpha(focused.backgroundColor) > 0 && focused.backgroundColor !== resting.backgroundColor) ||
    (focused.borderTopWidth !== resting.borderTopWidth || focused.borderTopColor !== resting.borderTopColor);
  const rect = target.getBoundingClientRect();
  const sized = rect.width >= 1 && rect.height >= 1;
  const inView = rect.bottom > 0 && rect.right > 0 && rect.top < innerHeight && rect.left < innerWidth;
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ');
  return {
    element: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? `[name=${el.name}]` : '')
             + (el.getAttribute('href') ? `[href=${el.getAttribute('href')}]` : '')
             + (text ? ` "${text.slice(0, 60)}"` : ''),
    matches: selector ? el.matches(selector) : null,
    visible: indicator && sized && inView,
    why: {indicator, sized, inView, focused, resting},
    refocused: document.activeElement === el,
  };
}
"""


def focus_state(page: Page, selector: str | None = None) -> dict[str, Any]:
    return dict(page.evaluate(FOCUS_STATE_JS, selector))


def assert_focus_visible(page: Page, state: dict[str, Any] | None = None) -> dict[str, Any]:
    state = state or focus_state(page)
    assert state["element"], f"nothing has focus on {page.url}"
    assert state["refocused"], f"checking {state['element']} lost its focus on {page.url}"
    assert state["visible"], f"focus on {state['element']} is not visible on {page.url}: {state['why']}"
    return state


# ---------------------------------------------------------------- skip link


def assert_skip_link_works(page: Page) -> None:
    """Tab from the very top of the page focuses 'Skip to main content'; Enter moves focus to #main-content.

    'The top' is a temporary, unfocusable-by-Tab marker put first in <body> and focused, so the check does not
    depend on where focus was left (an error summary takes focus as the page loads). Following the link adds
    #main-content to the address; the address is put back afterwards, so that a form sent from the page next
    does not carry the fragment through its redirect."""
    address = page.evaluate("() => location.href")
    page.evaluate(
        """() => {
            const top = document.createElement('span');
            top.id = 'audit-top-of-page'; top.tabIndex = -1;
            document.body.prepend(top); top.focus({preventScroll: true});
        }"""
    )
    page.keyboard.press("Tab")
    page.evaluate("() => document.getElementById('audit-top-of-page').remove()")
    state = focus_state(page, "a.govuk-skip-link[href='#main-content']")
    assert state["matches"], f"Tab from the top of {page.url} focused {state['element']}, not the skip link"
    assert state["element"].endswith('"Skip to main content"'), f"skip link reads {state['element']} on {page.url}"
    assert_focus_visible(page, state)
    page.keyboard.press("Enter")
    try:
        page.wait_for_function(
            "() => document.activeElement && document.activeElement.id === 'main-content'", timeout=2_000
        )
    except PlaywrightTimeoutError:
        raise AssertionError(
            f"Enter on the skip link of {page.url} left focus on {focus_state(page)['element']}, not #main-content"
        ) from None
    page.evaluate("(address) => history.replaceState(history.state, '', address)", address)


# ---------------------------------------------------------------- problems the page reported


def assert_no_page_problems(page: Page) -> None:
    problems = watch(page).problems
    assert not problems, f"Problems while on {page.url}:\n" + "\n".join(problems)


# ---------------------------------------------------------------- all of the above


def audit(page: Page, titles: TitleBook | None = None, axe: bool = True) -> str:
    """Every check for a page a test has reached (axe-core unless told it has checked this page already).
    Leaves focus on #main-content. Returns the title."""
    page.wait_for_load_state("load")
    assert_no_page_problems(page)
    h1 = assert_one_h1(page)
    title = assert_good_title(page, h1, titles)
    assert_valid_html(page)
    if axe:
        assert_no_axe_violations(page)
    assert_skip_link_works(page)
    return title


# ---------------------------------------------------------------- reflow and text spacing


def assert_no_horizontal_scroll(page: Page, width: int = 320) -> None:
    """WCAG 1.4.10 Reflow: at `width` CSS pixels the page scrolls only vertically."""
    result = page.evaluate(
        """(width) => {
            const scrollWidth = document.documentElement.scrollWidth;
            const wide = [];
            if (scrollWidth > width) {
              for (const el of document.querySelectorAll('body *')) {
                const r = el.getBoundingClientRect();
                if (r.right > width + 0.5 && r.width > 0) {
                  wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')}`
                            + ` (right edge ${Math.round(r.right)}px)`);
                }
              }
            }
            return {scrollWidth, viewport: document.documentElement.clientWidth, wide: wide.slice(0, 15)};
        }""",
        width,
    )
    assert result["viewport"] == width, f"the viewport is {result['viewport']}px wide, not {width}px"
    assert result["scrollWidth"] <= width, (
        f"{page.url} scrolls horizontally at {width}px: scrollWidth is {result['scrollWidth']}px. "
        f"Elements past the right edge:\n  " + "\n  ".join(result["wide"])
    )


# The WCAG 1.4.12 test values (the W3C's text spacing bookmarklet). Injected with CSSOM (a constructed
# style sheet), because the app's Content-Security-Policy ("style-src 'self'") rightly blocks a <style>
# element added by script: a user's own style sheet or extension is not subject to the page's policy.
TEXT_SPACING_CSS = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""

# Content is hidden when an element whose overflow is hidden or clipped has more content than its box.
# Elements hidden on purpose for everyone but screen readers (GOV.UK's visually hidden pattern: a 1px box
# clipped to nothing) are left out, as are elements not rendered at all.
CLIPPED_TEXT_JS = """
() => {
  const clipped = [];
  for (const el of document.querySelectorAll('body *')) {
    const s = getComputedStyle(el);
    const clipsX = s.overflowX === 'hidden' || s.overflowX === 'clip';
    const clipsY = s.overflowY === 'hidden' || s.overflowY === 'clip';
    if (!clipsX && !clipsY) continue;
    if (!el.innerText || !el.innerText.trim()) continue;
    const r = el.getBoundingClientRect();
    const visuallyHidden = (r.width <= 1 && r.height <= 1) || s.clipPath === 'inset(50%)'
                           || s.clip === 'rect(0px, 0px, 0px, 0px)';
    if (visuallyHidden || s.display === 'none' || s.visibility === 'hidden') continue;
    const overX = clipsX && el.scrollWidth > el.clientWidth + 1;
    const overY = clipsY && el.scrollHeight > el.clientHeight + 1;
    if (overX || overY) {
      clipped.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')}: `
                   + `content ${el.scrollWidth}x${el.scrollHeight}px in a ${el.clientWidth}x${el.clientHeight}px box`
                   + ` ("${el.innerText.trim().slice(0, 60)}")`);
    }
  }
  return clipped;
}
"""


def apply_text_spacing(page: Page) -> None:
    page.evaluate(
        """(css) => {
            const sheet = new CSSStyleSheet();
            sheet.replaceSync(css);
            document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
        }""",
        TEXT_SPACING_CSS,
    )
    applied = page.evaluate(
        """() => {
            const p = document.querySelector('main p') || document.querySelector('p');
            const s = getComputedStyle(p), size = parseFloat(s.fontSize);
            return {letter: parseFloat(s.letterSpacing) / size, word: parseFloat(s.wordSpacing) / size,
                    line: parseFloat(s.lineHeight) / size, after: parseFloat(s.marginBottom) / size};
        }"""
    )
    assert abs(applied["letter"] - 0.12) < 0.01 and abs(applied["word"] - 0.16) < 0.01, applied
    assert abs(applied["line"] - 1.5) < 0.01 and abs(applied["after"] - 2) < 0.01, applied


def assert_text_spacing_keeps_content(page: Page) -> None:
    """WCAG 1.4.12 Text Spacing: with the test spacing applied, no text is cut off."""
    apply_text_spacing(page)
    clipped = page.evaluate(CLIPPED_TEXT_JS)
    assert not clipped, f"With WCAG 1.4.12 text spacing, content is cut off on {page.url}:\n  " + "\n  ".join(clipped)
