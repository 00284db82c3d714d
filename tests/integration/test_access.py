"""Who may see what: audiences on every route, sign-in, other sites' assessments, read-only submissions,
CSRF, security headers and error pages. Route lists come from app.url_map, so a new route is covered
(and must declare its audience) without editing these tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.routing import Rule

from assess import periods
from assess.auth.decorators import AUDIENCES, signed_in_required
from assess.extensions import db
from assess.models import Assessment
from tests.conftest import PASSWORD, sign_in
from tests.integration.helpers import (
    domain_data,
    error_summary,
    h1,
    location,
    main,
    page,
    text_of,
)

CURRENT = periods.period_for(date.today())
PREVIOUS = periods.previous_period(CURRENT)
PUBLIC_ENDPOINTS = {"common.index", "common.healthz", "auth.sign_in", "auth.sign_out"}
# Every audience check shares the code of the wrapper made by assess.auth.decorators._require.
AUDIENCE_CHECK = signed_in_required(lambda: None).__code__


def routes(app: Flask) -> list[Rule]:
    return sorted((rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"),
                  key=lambda rule: rule.rule)


def methods(rule: Rule) -> list[str]:
    return [method for method in ("GET", "POST") if method in (rule.methods or ())]


def audience(app: Flask, rule: Rule) -> str | None:
    return getattr(app.view_functions[rule.endpoint], "_audience", None)


KNOWN_ARGUMENTS = {"assessment_id", "site_code", "domain_id", "query_id", "area_code"}


def build(app: Flask, rule: Rule, **values: Any) -> str:
    """The rule's URL with the given values; any other argument (a chart, a group) gets a placeholder."""
    # Ids nothing has, unless a test names a real one.
    placeholders = {"query_id": 2_000_000_000, "user_id": 2_000_000_000}
    wanted = {name: values.get(name, placeholders.get(name, "overall")) for name in rule.arguments}
    return app.url_map.bind("localhost").build(rule.endpoint, wanted)


def layers(view: Any) -> Iterator[Any]:
    while view is not None:
        yield view
        view = getattr(view, "__wrapped__", None)


def post_data_for(rule: Rule, questionnaire: Any) -> dict[str, str]:
    """What a real form on that page would send, so a missing check would let the request through."""
    if rule.endpoint == "governor.domain":
        return domain_data(questionnaire.domains[0], "5", {questionnaire.domains[0].questions[0].id: "changed"})
    if rule.endpoint == "governor.check":
        return {"declaration": "y"}
    if rule.endpoint == "governor.start":
        return {"period": CURRENT}
    return {}


def snapshot(assessment_id: int) -> tuple[Any, ...]:
    db.session.expire_all()
    assessment = db.session.get(Assessment, assessment_id)
    assert assessment is not None
    answers = tuple((a.question_id, a.choice, a.evidence, a.updated_by_id) for a in assessment.answers)
    return assessment.status, assessment.submitted_at, assessment.submitted_by_id, answers


# -- every route declares one audience -----------------------------------------------------------------

def test_every_route_has_exactly_one_audience_decorator(app):
    problems = []
    for rule in routes(app):
        view = app.view_functions[rule.endpoint]
        declared = getattr(view, "_audience", None)
        checks = sum(1 for layer in layers(view) if getattr(layer, "__code__", None) is AUDIENCE_CHECK)
        if declared not in AUDIENCES:
            problems.append(f"{rule.rule} ({rule.endpoint}): no audience decorator")
        elif checks != (0 if declared == "public" else 1):
            problems.append(f"{rule.rule} ({rule.endpoint}): audience {declared!r} with {checks} access checks")
    assert problems == []
    assert len(routes(app)) >= 11


def test_public_routes_are_the_sign_in_pages_and_nothing_about_a_site(app, new_client):
    public = [rule for rule in routes(app) if audience(app, rule) == "public"]
    assert {rule.endpoint for rule in public} >= PUBLIC_ENDPOINTS
    # No page about a site or an assessment is open to everyone.
    # (A one-time link to choose a password names only its own random token.)
    assert [rule.rule for rule in public if set(rule.arguments) - {"filename", "token"}] == []
    assert not [rule.rule for rule in public if rule.endpoint.startswith("governor.")]
    # And every public page answers someone who is not signed in without an error.
    anonymous = new_client()
    for rule in public:
        for method in methods(rule):
            assert anonymous.open(rule.rule, method=method).status_code < 500, f"{method} {rule.rule}"


def test_anonymous_users_are_sent_to_sign_in_from_every_non_public_route(app, new_client, make, site_a, gov,
                                                                         questionnaire):
    draft = make.draft(site_a, gov, CURRENT)
    anonymous = new_client()
    checked = 0
    for rule in routes(app):
        if audience(app, rule) == "public":
            continue
        url = build(app, rule, assessment_id=draft.id, site_code=site_a.code, domain_id="leadership")
        for method in methods(rule):
            response = anonymous.open(url, method=method, data=post_data_for(rule, questionnaire))
            target = location(response)
            assert response.status_code == 302, f"{method} {url}: {response.status_code}"
            parts = urlsplit(target)
            assert parts.path == "/sign-in", f"{method} {url} -> {target}"
            assert parse_qs(parts.query).get("next") == [url], f"{method} {url} -> {target}"
            checked += 1
    assert checked >= 9
    assert not [answer for answer in db.session.get(Assessment, draft.id).answers if answer.choice]


# -- other sites' assessments -----------------------------------------------------------------------

def test_a_governor_cannot_reach_any_url_of_another_sites_assessments(app, make, client_as, gov_client,
                                                                       questionnaire):
    site_b = make.site(code="GOV-B", name="HMP Beta")
    governor_b = make.user("governor", sites=(site_b,), email="governor-b@example.org")
    draft_b = make.draft(site_b, governor_b, CURRENT)
    from assess.data.assessments import save_answers

    save_answers(draft_b, make.all_answers("1"), {}, governor_b)  # complete: a POST to check would submit it
    db.session.commit()
    submitted_b = make.submitted(site_b, governor_b, PREVIOUS)
    before = {draft_b.id: snapshot(draft_b.id), submitted_b.id: snapshot(submitted_b.id)}
    own = client_as(governor_b)

    rules = [rule for rule in routes(app) if {"assessment_id", "site_code"} & set(rule.arguments)]
    assert {rule.endpoint for rule in rules} >= {"governor.start", "governor.task_list", "governor.domain",
                                                 "governor.check", "governor.confirmation", "governor.results"}
    tried = 0
    for rule in rules:
        for assessment in (draft_b, submitted_b):
            url = build(app, rule, assessment_id=assessment.id, site_code="GOV-B", domain_id="leadership")
            # The URL is real: site B's own governor reaches it (the pages governors may use).
            if set(rule.arguments) <= KNOWN_ARGUMENTS and audience(app, rule) in ("governor", "signed-in"):
                assert own.get(url).status_code in (200, 302), url
            for method in methods(rule):
                response = gov_client.open(url, method=method, data=post_data_for(rule, questionnaire))
                assert response.status_code in (403, 404), f"{method} {url}: {response.status_code}"
                if response.status_code == 404:
                    assert h1(page(response)) == "Page not found"
                tried += 1
    assert tried >= 16
    assert {draft_b.id: snapshot(draft_b.id), submitted_b.id: snapshot(submitted_b.id)} == before
    db.session.expire_all()
    assert len(db.session.scalars(select(Assessment).where(Assessment.site_id == site_b.id)).all()) == 2


@pytest.mark.parametrize("role", ["inspector", "commissioner", "admin"])
def test_other_roles_get_403_on_every_governor_page(app, make, client_as, site_a, gov, role, questionnaire):
    draft = make.draft(site_a, gov, CURRENT)
    before = snapshot(draft.id)
    client = client_as(make.user(role))
    governor_rules = [rule for rule in routes(app) if audience(app, rule) == "governor"]
    assert len(governor_rules) >= 7
    for rule in governor_rules:
        url = build(app, rule, assessment_id=draft.id, site_code=site_a.code, domain_id="leadership")
        for method in methods(rule):
            response = client.open(url, method=method, data=post_data_for(rule, questionnaire))
            assert response.status_code == 403, f"{role} {method} {url}: {response.status_code}"
            assert h1(page(response)) == "You do not have access to this page"
    assert snapshot(draft.id) == before
    # Their own page works.
    assert client.get("/home").status_code == 200


# -- submitted assessments are read-only ------------------------------------------------------------

def test_submitted_assessments_are_read_only(make, site_a, gov, gov_client, questionnaire):
    submitted = make.submitted(site_a, gov, PREVIOUS, choice="3")
    before = snapshot(submitted.id)
    domain = questionnaire.domains[0]
    results = f"/assessments/{submitted.id}/results"

    response = gov_client.get(f"/assessments/{submitted.id}/domains/{domain.id}")
    assert response.status_code == 302 and location(response) == results
    banner = page(gov_client.get(results)).select_one(".govuk-notification-banner")
    assert banner is not None and "can no longer be changed" in text_of(banner)

    for action in ("continue", "later"):
        response = gov_client.post(f"/assessments/{submitted.id}/domains/{domain.id}",
                                   data=domain_data(domain, "0", {domain.questions[0].id: "rewritten"}, action))
        assert response.status_code == 302 and location(response) == results
    response = gov_client.post(f"/assessments/{submitted.id}/check", data={"declaration": "y"})
    assert response.status_code == 302 and location(response) == results
    for path in (f"/assessments/{submitted.id}", f"/assessments/{submitted.id}/check"):
        assert location(gov_client.get(path)) == results
    assert snapshot(submitted.id) == before


# -- signing in and out ------------------------------------------------------------------------------

def test_sign_in_with_a_wrong_password_shows_a_generic_error(new_client, gov):
    client = new_client()
    wrong = client.post("/sign-in", data={"email": gov.email, "password": "not-the-password"})
    assert wrong.status_code == 200
    soup = page(wrong)
    assert soup.title.get_text().startswith("Error: ")
    assert error_summary(soup) == [("#email", "Enter a correct email address and password")]
    # An unknown address gets exactly the same answer: nothing tells who has an account.
    unknown = page(client.post("/sign-in", data={"email": "nobody@example.org", "password": PASSWORD}))
    assert error_summary(unknown) == error_summary(soup)
    # The password is never sent back.
    assert not soup.find("input", attrs={"name": "password", "value": True})
    # Still signed out.
    assert location(client.get("/sites")).startswith("/sign-in")


def test_a_deactivated_account_cannot_sign_in_and_gets_the_same_generic_error(new_client, gov):
    gov.active = False
    db.session.commit()
    client = new_client()
    soup = page(client.post("/sign-in", data={"email": gov.email, "password": PASSWORD}))
    assert error_summary(soup) == [("#email", "Enter a correct email address and password")]
    assert location(client.get("/sites")).startswith("/sign-in")


def test_sign_in_ignores_the_case_and_spaces_of_the_email_address(new_client, gov):
    client = new_client()
    response = client.post("/sign-in", data={"email": "  Governor-A@EXAMPLE.org ", "password": PASSWORD})
    assert response.status_code == 302 and location(response) == "/sites"
    assert client.get("/sites").status_code == 200


def test_sign_in_returns_to_the_page_asked_for(new_client, make, site_a, gov):
    draft = make.draft(site_a, gov, CURRENT)
    client = new_client()
    target = location(client.get(f"/assessments/{draft.id}"))
    assert urlsplit(target).path == "/sign-in"
    assert parse_qs(urlsplit(target).query) == {"next": [f"/assessments/{draft.id}"]}
    # A mistake first: the form keeps where the person was going.
    assert client.post(target, data={"email": gov.email, "password": "wrong-password"}).status_code == 200
    response = client.post(target, data={"email": gov.email, "password": PASSWORD})
    assert response.status_code == 302
    assert location(response) == f"/assessments/{draft.id}"
    assert client.get(f"/assessments/{draft.id}").status_code == 200

    # The query string comes back too (the change links on check answers carry ?return=check).
    later = new_client()
    wanted = f"/assessments/{draft.id}/domains/leadership?return=check"
    target = location(later.get(wanted))
    assert parse_qs(urlsplit(target).query) == {"next": [wanted]}
    response = later.post(target, data={"email": gov.email, "password": PASSWORD})
    assert location(response) == wanted


@pytest.mark.parametrize("target", ["//evil.example", "//evil.example/sites", "https://evil.example/",
                                    "http:evil.example", "evil.example", "javascript:alert(1)"])
def test_sign_in_ignores_a_next_that_is_not_a_local_path(new_client, gov, target):
    client = new_client()
    response = client.post("/sign-in", query_string={"next": target},
                           data={"email": gov.email, "password": PASSWORD})
    assert response.status_code == 302
    assert location(response) == "/sites"


@pytest.mark.parametrize("target", ["/\\evil.example", "/\t/evil.example", "/\\/evil.example", "/%2F/evil.example",
                                    " //evil.example"])
def test_sign_in_never_redirects_to_what_a_browser_reads_as_another_host(new_client, gov, target):
    client = new_client()
    response = client.post("/sign-in", query_string={"next": target},
                           data={"email": gov.email, "password": PASSWORD})
    assert response.status_code == 302
    sent = response.headers["Location"]
    # Browsers read a backslash as a slash and drop tabs and new lines: none may reach the header.
    assert sent.startswith("/") and not sent.startswith("//"), sent
    assert not re.search(r"[\\\t\r\n ]", sent), sent
    assert urlsplit(sent).netloc == ""


def test_sign_out_is_post_only(gov_client):
    response = gov_client.get("/sign-out")
    assert response.status_code == 405
    assert h1(page(response)) == "There is a problem with your request"
    assert gov_client.get("/sites").status_code == 200  # a GET did not sign anyone out

    response = gov_client.post("/sign-out")
    assert response.status_code == 302
    assert location(response) == "/sign-in?signed_out=1"
    banner = page(gov_client.get(location(response))).select_one(".govuk-notification-banner")
    assert banner is not None and "You have signed out." in text_of(banner)
    assert location(gov_client.get("/sites")).startswith("/sign-in")


def test_csrf_is_enforced_when_enabled(app, new_client, client_as, gov):
    signed_in = client_as(gov)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = new_client()
        response = client.post("/sign-in", data={"email": gov.email, "password": PASSWORD})
        assert response.status_code == 400
        soup = page(response)
        assert h1(soup) == "Your session has expired or the form was sent twice"
        assert soup.find("link", attrs={"rel": "stylesheet", "href": re.compile(r"govuk-frontend")}) is not None
        assert soup.select_one("header.govuk-template__header") is not None
        body = response.get_data(as_text=True)
        assert "Traceback" not in body and "CSRFError" not in body and "werkzeug" not in body.lower()

        # Signing out needs the token too.
        assert signed_in.post("/sign-out").status_code == 400
        assert signed_in.get("/sites").status_code == 200

        # With the token from the page, the same form is accepted.
        form = page(client.get("/sign-in")).find("input", attrs={"name": "email"}).find_parent("form")
        token = form.find("input", attrs={"name": "csrf_token"})["value"]
        response = client.post("/sign-in", data={"email": gov.email, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302 and location(response) == "/sites"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# -- headers and error pages --------------------------------------------------------------------------

def assert_security_headers(response: Any) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    match = re.search(r"script-src 'self' 'nonce-([A-Za-z0-9_-]+)'", policy)
    assert match, policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    inline = [script for script in page(response).find_all("script") if not script.has_attr("src")]
    assert inline, "expected the GOV.UK inline script"
    assert [script.get("nonce") for script in inline] == [match.group(1)] * len(inline)
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("Cache-Control") == "no-store"


def test_security_headers_and_a_csp_nonce_that_matches_the_inline_script(new_client, gov_client):
    anonymous = new_client()
    first = anonymous.get("/sign-in")
    assert_security_headers(first)
    assert_security_headers(gov_client.get("/sites"))
    assert_security_headers(anonymous.get("/no-such-page"))
    # A new nonce for every response.
    nonces = {re.search(r"'nonce-([^']+)'", anonymous.get("/sign-in").headers["Content-Security-Policy"]).group(1)
              for _ in range(3)}
    assert len(nonces) == 3


def test_session_cookie_is_http_only_and_same_site(new_client, gov):
    client = new_client()
    response = client.post("/sign-in", data={"email": gov.email, "password": PASSWORD})
    cookies = [value for name, value in response.headers.items() if name.lower() == "set-cookie"]
    session = [cookie for cookie in cookies if cookie.startswith("session=")]
    assert session, cookies
    assert "HttpOnly" in session[0] and "SameSite=Lax" in session[0]


@pytest.mark.parametrize("who", ["anonymous", "governor"])
def test_unknown_url_gives_a_styled_404_page(new_client, gov, who):
    client = new_client() if who == "anonymous" else sign_in(new_client(), gov)
    response = client.get("/no/such/page")
    assert response.status_code == 404
    soup = page(response)
    assert h1(soup) == "Page not found"
    assert soup.title.get_text().startswith("Page not found")
    assert soup.find("link", attrs={"rel": "stylesheet", "href": re.compile(r"govuk-frontend")}) is not None
    assert "If you typed the web address, check it is correct." in text_of(main(soup))
    assert main(soup).find("a", href="/") is not None


def test_an_unexpected_error_gives_a_styled_500_page_without_details(tmp_path):
    from sqlalchemy.pool import NullPool

    from assess import create_app
    from assess.auth.decorators import public
    from assess.config import test_config

    config = test_config(f"sqlite:///{tmp_path / 'errors.sqlite3'}")
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {"poolclass": NullPool}
    app = create_app(config)

    @public
    def boom() -> str:
        raise ZeroDivisionError("secret internals")

    app.add_url_rule("/boom", "boom", boom)
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    soup = page(response)
    assert h1(soup) == "Sorry, there is a problem with the service"
    assert soup.find("link", attrs={"rel": "stylesheet", "href": re.compile(r"govuk-frontend")}) is not None
    body = response.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body and "ZeroDivisionError" not in body
    assert_security_headers(response)
    with app.app_context():
        db.engine.dispose()


def test_every_route_that_names_a_site_or_assessment_loads_it_through_the_access_policy(app):
    """The object loaders (assess.auth.loaders) are the one place a site or assessment in a URL is fetched and
    checked against the access policy: every such route has one, under its audience decorator."""
    from assess.auth.loaders import area_required, assessment_required, query_required, site_required

    loaders = {"site": site_required(lambda site: None).__code__,
               "assessment": assessment_required(lambda assessment: None).__code__,
               "query": query_required(lambda query: None).__code__,
               "area": area_required(lambda area: None).__code__}
    checked = 0
    for rule in routes(app):
        named = {"site_code": "site", "assessment_id": "assessment", "query_id": "query", "area_code": "area"}
        wanted = {named[argument] for argument in rule.arguments if argument in named}
        if not wanted:
            continue
        view = app.view_functions[rule.endpoint]
        codes = [getattr(layer, "__code__", None) for layer in layers(view)]
        for kind in wanted:
            assert loaders[kind] in codes, f"{rule.rule} does not load its {kind} through the access policy"
        assert codes.index(AUDIENCE_CHECK) < min(codes.index(loaders[kind]) for kind in wanted), rule.rule
        checked += 1
    assert checked >= 16


@pytest.mark.parametrize("url", ["/assessments/2147483648", "/queries/2147483648", "/queries/0",
                                 "/assessments/99999999999999999999/results",
                                 "/sites/" + "X" * 300 + "/trend", "/assessments/0/history"])
def test_ids_and_codes_outside_what_the_database_holds_are_not_found(gov_client, url):
    assert gov_client.get(url).status_code == 404
