"""Browser tests: real journeys in Debian's Chromium, with accessibility checks on every page.

Running them
------------
    .venv/bin/python -m pytest tests/browser -q                 # SQLite
    ASSESS_TEST_DB=postgresql TEST_DATABASE_URL=postgresql://... \\
        .venv/bin/python -m pytest tests/browser -q             # PostgreSQL

They drive Debian's Chromium at /usr/bin/chromium through Playwright for Python (pytest-playwright).
Playwright's own browser download is never used: do not run `playwright install`. When
/usr/bin/chromium is missing, every test marked `browser` is skipped with a reason naming
`sudo apt-get install chromium`, and the terminal summary says so in a banner.

The app runs in-process on 127.0.0.1 (werkzeug, port 0, daemon thread) with CSRF on, on a fresh
database made for the session by `tests.databases.fresh_database` (SQLite or PostgreSQL) and
migrated by `tests.conftest.build_app`. `data.seed` creates a prison and a probation site with a
governor for both, a second governor with another site (its draft and submitted assessments are
what the per-page checks look at), and an inspector and a commissioner.

What is checked (tests/browser/audit.py)
-----------------------------------------
`audit(page)` runs on every page a journey reaches, error states included, and on every page in
`PAGES`:
- axe-core (axe-playwright-python) with the tags wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa:
  zero violations, and no rule switched off;
- valid HTML: html5lib's strict parser must accept `page.content()`, and the HTML the server
  sent when it is available (the DOM after GOV.UK Frontend's JavaScript, and the source); ids unique;
- exactly one <h1>;
- a descriptive <title> ("<what the page is> – SUI Assess", sharing a word with the <h1>), which
  starts with "Error: " exactly when the page shows an error summary; journeys also check that
  different pages never share a title;
- the skip link: Tab from the top of the page focuses "Skip to main content", and Enter moves
  focus to #main-content;
- no JavaScript error, console error (a CSP violation, say), 5xx response or failed asset since
  the page opened.

Each page in `PAGES` gets all of that, plus the WCAG 1.4.12 text-spacing check, in a test of its own
(test_pages.py). The journeys audit every page they reach, in every state (error summaries and
notification banners included); to keep the suite fast they leave out only axe-core, and only for a
page (path without ids, query, errors shown, banner) that PAGES already covers or that another journey
has checked in the session (journey.Auditor).

Journeys: the governor journey end to end (test_governor_journey.py), the same journey with the
keyboard only, checking that focus is always visible (test_keyboard_journey.py), and the error
journey (test_error_journey.py). Reflow at 320 CSS pixels and text spacing: test_reflow.py.
Negative controls that prove each check can fail: test_negative_controls.py.

Adding a page
-------------
Add one line to `PAGES` in tests/browser/pages.py, under the audience that can see it:
`"/assessments/{submitted}/benchmark"`. Placeholders are filled from the seed data
(`Seed.placeholders`, tests/browser/data.py); a page that should answer with another status is
written `("/path", 404)`. A new audience also needs a user in `AUDIENCE_USERS` (data.py).

Failures
--------
When a test fails, a full-page screenshot and the page's HTML are written to the folder in
BROWSER_ARTIFACTS (default: test-results/browser under the repository root), one pair per open
page, and the paths are printed in the failure report. (pytest-playwright empties its own --output
folder when a session starts; conftest points that at test-results/playwright when it is left at its
default, so it does not delete these.)
"""
