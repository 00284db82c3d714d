"""The pages every check runs on, per audience: a new page joins the axe, HTML, title, <h1>, skip link and
text-spacing checks (test_pages.py) by adding one line here.

Placeholders come from the seed data (conftest.seed): {site} the other governor's site code, {draft} its
finished draft for this year, {submitted} its submitted assessment for last year, {foreign} an assessment
at a site it is not linked to, {domain} and {last_domain} the first and last questionnaire domains, {query}
a query on {submitted} awaiting the site's reply (the inspector has lowered its first area, with a note),
{area} the commissioner's area that holds {area_site} (the other governor's site; assurance decisions on it,
one superseded) and {previous_period} last year.
Write ("/path", status) for a page that answers with another status than 200. The user each audience signs
in as is in conftest.AUDIENCE_USERS ("public" is not signed in)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

PAGES: dict[str, list[str | tuple[str, int]]] = {
    "public": [
        "/sign-in",
        "/sign-in?signed_out=1",
        "/help/benchmarks",
        ("/no-such-page", 404),
    ],
    "governor": [
        "/sites",
        "/home",
        "/sites/{site}/start",
        "/assessments/{draft}",
        "/assessments/{draft}/domains/{domain}",
        "/assessments/{draft}/domains/{last_domain}?return=check",
        "/assessments/{draft}/check",
        "/assessments/{submitted}/confirmation",
        "/assessments/{submitted}/results",
        "/assessments/{submitted}/results?group=national",
        "/sites/{site}/trend",
        "/assessments/{submitted}/history",
        "/assessments/{draft}/history",
        "/queries/{query}",
        ("/assessments/{foreign}", 404),
    ],
    "inspector": [
        "/home",
        "/caseload",
        "/caseload?status=submitted",
        "/caseload?region=Atlantis",
        "/inspect/sites/{site}",
        "/inspect/assessments/{submitted}",
        "/compare",
        "/compare?compare=1&site={site}&site=PEER1&site=PEER2",
        "/compare?compare=1&site={site}",
        "/assessments/{submitted}/history",
        "/inspect/assessments/{submitted}/validate",
        "/inspect/assessments/{submitted}/validate/{domain}",
        "/inspect/assessments/{submitted}/validate/{last_domain}",
        "/inspect/assessments/{submitted}/queries/new",
        "/queries/{query}",
        ("/assessments/{foreign}/history", 404),
        ("/sites", 403),
        "/account",
    ],
    "commissioner": [
        "/home",
        "/areas",
        "/areas/{area}",
        "/areas/{area}?period={previous_period}",
        "/areas/{area}?period=1999-00",
        "/areas/{area}/matrix",
        "/areas/{area}/matrix?sort={domain}",
        "/areas/{area}/matrix?sort=nonsense",
        "/areas/{area}/sites/{area_site}",
        "/areas/{area}/sites/{area_site}/assurance",
        "/areas/{area}/distribution",
        "/areas/{area}/distribution?period={previous_period}",
        "/areas/{area}/distribution?period=1999-00",
        "/areas/{area}/trend",
        "/areas/{area}/trend?measure={domain}",
        "/areas/{area}/trend?measure=nonsense",
        ("/areas/{area}/sites/PEER1", 404),
        ("/sites", 403),
        "/account",
    ],
    "admin": [
        "/admin/",
        "/admin/users",
        "/admin/users?q=inspector",
        "/admin/users/new",
        "/admin/users/{user}",
        "/admin/users/{user}/change",
        "/admin/users/{user}/deactivate",
        "/admin/users/{user}/reset-two-factor",
        "/admin/users/{user}/sign-out-everywhere",
        "/admin/users/{user}/password-link",
        "/admin/sites",
        "/admin/audit",
        "/admin/audit?user=inspector&action=sign-in",
        "/admin/questionnaires",
        "/account",
        ("/admin/users/2147483648", 404),
        ("/caseload", 403),
    ],
}


def entries(audience: str) -> Iterator[tuple[str, int]]:
    """(path with placeholders, expected status) for each page of an audience."""
    for entry in PAGES[audience]:
        yield (entry, 200) if isinstance(entry, str) else entry


PageKey = tuple[str, str, tuple[str, ...], bool]


def page_key(url: str, errors: tuple[str, ...] = (), banner: bool = False) -> PageKey:
    """What makes a page a different page for the checks: its path, with assessment ids and site codes left
    out (another assessment or site shows the same page), its query, the fields its error summary links
    to, and whether it shows a notification banner."""
    parts = urlsplit(url)
    path = re.sub(r"^/sites/[^/]+/", "/sites/*/", re.sub(r"/\d+(?=/|$)", "/*", parts.path))
    return path, parts.query, errors, banner


def keys_of_pages(placeholders: dict[str, str]) -> set[PageKey]:
    """The keys of the pages in PAGES (which test_pages.py checks in full, each in its own test)."""
    return {page_key(path.format(**placeholders)) for audience in PAGES for path, _status in entries(audience)}

# Issue 13, targets (tests/browser/test_targets_journey.py has the journey).
PAGES["governor"] += ["/assessments/{submitted}/targets"]

# Issue 13, the footer's pages, open signed out (tests/browser/test_sites_and_help_pages.py has the rest).
PAGES["public"] += ["/help", "/accessibility", "/privacy"]
