"""Choosing a password from an admin's one-time link (issue 14, item 8): the link works once, for 72 hours, and
only while it is the newest; the password is checked with Flask-Security's rules; the person's sessions end;
they are sent to sign in; a link that cannot be used (unknown, used, replaced, expired, hostile) gets a GOV.UK
page, never a 500; neither the token nor the password reaches the audit trail. Time is moved with
assess.data.clock.stamped_at."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import select

from assess.data.clock import stamped_at
from assess.extensions import db
from assess.models import AuditEvent, PasswordLink, User, utcnow
from tests.conftest import PASSWORD, Factory, sign_in
from tests.integration.helpers import IsolatedClient, error_summary, h1, inline_error, location, main, page, text_of

NEW_PASSWORD = "velvet-Harbour-tractor-moonlit-88"
CANNOT = "This link cannot be used"
SET = "Your password has been set. Sign in with it."


def events(action: str) -> list[AuditEvent]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def reload(user_id: int) -> User:
    db.session.rollback()
    found = db.session.get(User, user_id)
    assert found is not None
    db.session.refresh(found)
    return found


def make_link(user: Any, actor: Any = None) -> str:
    """A link made as the admin page makes it: its path."""
    from assess.data.password_links import make_password_link

    token, _link = make_password_link(user, actor)
    db.session.commit()
    return f"/choose-password/{token}"


PLAIN = "/choose-password"


def open_link(client: IsolatedClient, path: str) -> Any:
    """Open the link as the person would: a usable one sends the browser on (303) to the plain page."""
    return client.get(path)


def choose(client: IsolatedClient, path: str, password: str = NEW_PASSWORD, confirm: str | None = None) -> Any:
    """Open the link (kept in this client's session), then post the form on the plain page, as a browser does.
    A link that cannot be used answers the opening itself (404 or 410)."""
    opened = open_link(client, path)
    if opened.status_code != 303:
        return opened
    assert location(opened) == PLAIN
    return client.post(PLAIN, data={"password": password, "confirm": password if confirm is None else confirm})


def can_sign_in(client: IsolatedClient, email: str, password: str) -> bool:
    response = client.post("/sign-in", data={"email": email, "password": password})
    return response.status_code == 302 and not location(response).startswith("/sign-in?")


@pytest.fixture()
def gina(make: Factory) -> Any:
    site = make.site(code="GOV-A", name="HMP Alpha")
    return make.user("governor", sites=(site,), email="gina@example.org", name="Gina Governor")


def test_a_link_shows_the_form_and_a_good_password_is_set_once(gina, new_client: Callable[[], IsolatedClient]):
    path = make_link(gina)
    browser = new_client()
    opened = browser.get(path)
    assert opened.status_code == 303 and location(opened) == PLAIN
    form = browser.get(PLAIN)
    assert form.status_code == 200
    soup = page(form)
    assert h1(soup) == "Choose your password"
    assert "gina@example.org" in text_of(main(soup))
    fields = {field["name"]: field for field in soup.select("main form input[type=password]")}
    assert set(fields) == {"password", "confirm"}
    assert all(field.get("autocomplete") == "new-password" for field in fields.values())

    client = new_client()
    response = choose(client, path)
    assert response.status_code == 302 and location(response) == "/sign-in"
    signed_in_page = page(client.get("/sign-in"))
    banner = signed_in_page.select_one(".govuk-notification-banner--success")
    assert banner is not None and SET in text_of(banner)

    # The new password signs in; the old one no longer does.
    assert can_sign_in(new_client(), gina.email, NEW_PASSWORD)
    assert not can_sign_in(new_client(), gina.email, PASSWORD)

    # Used once: the second use (another tab) is refused with a GOV.UK page, and nothing changes.
    stored = reload(gina.id).password
    again = choose(new_client(), path, "another-Quite-long-passphrase-77")
    assert again.status_code == 410
    assert h1(page(again)) == CANNOT and "already been used" in text_of(main(page(again)))
    assert reload(gina.id).password == stored
    assert new_client().get(path).status_code == 410

    link = db.session.scalars(select(PasswordLink)).one()
    assert link.used_at is not None
    [chosen] = events("password-chosen")
    assert chosen.object_id == gina.email and chosen.user_id == gina.id
    token = path.rsplit("/", 1)[1]
    for event in db.session.scalars(select(AuditEvent)):
        text = repr((event.actor, event.object_id, event.before, event.after))
        assert token not in text and NEW_PASSWORD not in text


def test_choosing_a_password_ends_every_session_the_person_had(gina, new_client):
    theirs = sign_in(new_client(), gina)
    assert not location(theirs.get("/sites")).startswith("/sign-in")
    assert choose(new_client(), make_link(gina)).status_code == 302
    assert location(theirs.get("/sites")).startswith("/sign-in")
    assert [event.after.get("reason") for event in events("sessions-ended")][-1] == (
        "password chosen from a one-time link"
    )


def test_an_account_added_without_a_password_can_sign_in_once_it_is_chosen(make, client_as, new_client):
    make.site(code="GOV-A", name="HMP Alpha")
    admin = client_as(make.user("admin", email="alice.admin@example.org", name="Alice Admin"))
    fields = {"email": "new@example.org", "name": "New Person", "role": "governor", "sites": "GOV-A"}
    added = admin.post("/admin/users/new", data=fields)
    area = page(added).select_one("textarea#password-link")
    assert area is not None
    path = "/" + area.get_text().strip().split("/", 3)[3]
    assert choose(new_client(), path).status_code == 302
    client = new_client()
    assert can_sign_in(client, "new@example.org", NEW_PASSWORD)
    assert client.get("/sites").status_code == 200


def test_an_expired_link_is_refused(gina, new_client):
    path = make_link(gina)
    with stamped_at(utcnow() + timedelta(hours=71, minutes=59)):
        browser = new_client()
        assert browser.get(path).status_code == 303
        assert browser.get(PLAIN).status_code == 200
    with stamped_at(utcnow() + timedelta(hours=72, seconds=1)):
        response = new_client().get(path)
        assert response.status_code == 410
        assert h1(page(response)) == CANNOT and "expired" in text_of(main(page(response)))
        assert "Ask your service's administrator for a new link" in text_of(main(page(response)))
        assert choose(new_client(), path).status_code == 410
    assert reload(gina.id).password is not None and events("password-chosen") == []


def test_a_newer_link_replaces_the_older_one(gina, new_client):
    first = make_link(gina)
    second = make_link(gina)
    refused = choose(new_client(), first)
    assert refused.status_code == 410 and "newer link" in text_of(main(page(refused)))
    assert choose(new_client(), second).status_code == 302


def test_a_link_for_a_deactivated_account_is_refused(gina, new_client):
    from assess.data.users import deactivate_user

    path = make_link(gina)
    deactivate_user(reload(gina.id), None)
    db.session.commit()
    assert choose(new_client(), path).status_code == 410
    assert events("password-chosen") == []


@pytest.mark.parametrize(
    ("password", "confirm", "field", "message"),
    [
        ("short-1A", None, "password", "Password must be at least 12 characters"),
        ("short-1A", "different", "password", "Password must be at least 12 characters"),
        ("passwordpassword", None, "password", "This password is too easy to guess"),
        ("aaaaaaaaaaaaaaaa", None, "password", "This password is too easy to guess"),
        ("", None, "password", "Enter a new password"),
        (NEW_PASSWORD, "", "confirm", "Enter the new password again"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "confirm", "The passwords do not match: enter the same new password twice"),
    ],
)
def test_a_weak_or_mismatched_password_gets_a_govuk_error_and_the_link_still_works(
    gina, new_client, password, confirm, field, message
):
    path = make_link(gina)
    before = reload(gina.id).password
    response = choose(new_client(), path, password, confirm)
    assert response.status_code == 200
    soup = page(response)
    href, text = error_summary(soup)[0]
    assert href == f"#{field}" and text.startswith(message)
    assert (inline_error(soup, field) or "").startswith(f"Error: {message}")
    assert soup.title is not None and soup.title.get_text().startswith("Error: ")
    # Passwords are never shown again.
    assert all(not box.get("value") for box in soup.select("input[type=password]"))
    assert reload(gina.id).password == before and events("password-chosen") == []
    assert choose(new_client(), path).status_code == 302  # the link was not used up


def test_a_password_made_of_the_persons_own_name_and_email_is_too_easy(gina, new_client):
    response = choose(new_client(), make_link(gina), "Gina Governor 2026")
    assert response.status_code == 200
    assert error_summary(page(response))[0][1].startswith("This password is too easy to guess")


@pytest.mark.parametrize(
    "token",
    [
        "unknown-token-that-names-no-link-at-all-xx",
        "x",
        "a" * 5000,
        "%00",
        "abc%00def-ghijklmnopqrstuvwxyz0123456789",
        "%E2%80%AE" + "a" * 40,
        "..%2F..%2Fetc%2Fpasswd",
        quote("'; DROP TABLE password_links; --", safe=""),
        "%F0%9F%98%80" * 20,
    ],
)
def test_an_unknown_or_hostile_token_gets_the_cannot_be_used_page_never_a_500(gina, new_client, token):
    make_link(gina)
    for method in ("GET", "POST"):
        response = new_client().open(f"/choose-password/{token}", method=method, data={"password": NEW_PASSWORD})
        assert response.status_code == 404, (method, token[:40], response.status_code)
        # A NUL or a slash never reaches the page (the edge and the router answer 404 first).
        if h1(page(response)) != "Page not found":
            assert h1(page(response)) == CANNOT
            assert "Ask your service's administrator for a new link" in text_of(main(page(response)))
    assert events("password-chosen") == []


# -- Hostile values in every field of the user forms (as tests/integration/test_hostile_forms.py does) -------


@pytest.mark.parametrize("form_name", ["add a user", "change a user", "choose a password"])
def test_hostile_values_in_the_user_forms_never_give_a_500_and_a_refusal_changes_nothing(
    app_ctx, make, client_as, new_client, gina, form_name
):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.integration.test_hostile_forms import checksum, field_values, forms_on, is_refusal, session_like

    admin = client_as(make.user("admin", email="alice.admin@example.org", name="Alice Admin"))
    client = new_client() if form_name == "choose a password" else admin

    def path() -> str:
        if form_name == "add a user":
            return "/admin/users/new"
        if form_name == "change a user":
            return f"/admin/users/{gina.id}/change"
        assert client.get(make_link(reload(gina.id))).status_code == 303  # a fresh link, kept in the session
        return PLAIN

    opened = path()
    forms = forms_on(page(client.get(opened)), opened)
    assert forms, f"no form on {opened}"

    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def post_hostile_values(data: st.DataObject) -> None:
        target = path()
        _action, fields = data.draw(st.sampled_from(forms), label="form")
        posted: dict[str, list[str]] = {}
        for name, (kind, offered) in fields.items():
            if name == "csrf_token":
                continue
            values = data.draw(field_values(kind, offered), label=name)
            if values is not None:
                posted[name] = values
        before = checksum(session_like)
        response = client.post(target, data=posted)
        assert response.status_code < 500, (form_name, {k: [v[:60] for v in vs] for k, vs in posted.items()})
        assert "Traceback" not in response.get_data(as_text=True)
        if is_refusal(response):
            assert checksum(session_like) == before, (form_name, response.status_code)

    post_hostile_values()


def test_two_tabs_cannot_both_use_one_link(gina, new_client):
    """The second tab had the form open (its link was usable when checked): its conditional update finds the link
    used and changes nothing."""
    from assess.data.password_links import USABLE, find_password_link, use_password_link

    path = make_link(gina)
    other_tab = find_password_link(path.rsplit("/", 1)[1])
    assert other_tab.state == USABLE and other_tab.link is not None
    assert choose(new_client(), path).status_code == 302
    stored = reload(gina.id).password
    assert use_password_link(other_tab.link, "another-Quite-long-passphrase-77") is False
    db.session.commit()
    assert reload(gina.id).password == stored
    assert len(events("password-chosen")) == 1


# -- The token stays out of the address bar, Referer headers and logs ---------------------------------------


def test_a_usable_link_sends_the_browser_on_to_a_plain_address_with_no_referrer(gina, new_client):
    path = make_link(gina)
    token = path.rsplit("/", 1)[1]
    browser = new_client()
    opened = browser.get(path)
    assert opened.status_code == 303 and location(opened) == PLAIN
    assert opened.headers["Referrer-Policy"] == "no-referrer"
    form = browser.get(PLAIN)
    assert form.status_code == 200 and h1(page(form)) == "Choose your password"
    assert form.headers["Referrer-Policy"] == "no-referrer"
    assert token not in form.get_data(as_text=True)
    # The form posts to the plain address it is on (no action: this page's URL).
    assert page(form).select_one("main form").get("action") in (None, "", PLAIN)
    # Only the hash is kept in the session cookie, never the token.
    set_cookies = " ".join(opened.headers.getlist("Set-Cookie"))
    assert set_cookies and token not in set_cookies
    refused = browser.post(PLAIN, data={"password": "short", "confirm": "short"})
    assert refused.status_code == 200 and refused.headers["Referrer-Policy"] == "no-referrer"
    done = browser.post(PLAIN, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and location(done) == "/sign-in"
    assert done.headers["Referrer-Policy"] == "no-referrer"
    assert can_sign_in(new_client(), gina.email, NEW_PASSWORD)
    # Used: the session no longer holds it, and the link itself says it was used.
    assert browser.get(PLAIN).status_code == 404
    again = new_client().get(path)
    assert again.status_code == 410 and again.headers["Referrer-Policy"] == "no-referrer"
    # Other pages keep the app's usual policy.
    assert new_client().get("/sign-in").headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_plain_page_with_no_link_in_the_session_cannot_be_used(gina, new_client):
    make_link(gina)
    for method in ("GET", "POST"):
        response = new_client().open(PLAIN, method=method, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
        assert response.status_code == 404, method
        assert h1(page(response)) == CANNOT
        assert response.headers["Referrer-Policy"] == "no-referrer"
    assert reload(gina.id).password is not None and events("password-chosen") == []


def test_unknown_used_or_expired_links_get_their_pages_and_clear_the_session(gina, new_client):
    browser = new_client()
    first = make_link(gina)
    assert browser.get(first).status_code == 303
    second = make_link(gina)  # replaces the first, which the session holds
    replaced = browser.get(PLAIN)
    assert replaced.status_code == 410 and "newer link" in text_of(main(page(replaced)))
    assert browser.get(PLAIN).status_code == 404  # the session no longer holds it
    assert browser.get("/choose-password/unknown-token-that-names-no-link-at-all-xx").status_code == 404
    assert browser.get(second).status_code == 303
    with stamped_at(utcnow() + timedelta(hours=72, seconds=1)):
        expired = browser.post(PLAIN, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
        assert expired.status_code == 410 and "expired" in text_of(main(page(expired)))
    assert events("password-chosen") == []


def test_two_tabs_that_both_opened_the_link_cannot_both_use_it(gina, new_client):
    path = make_link(gina)
    first, second = new_client(), new_client()
    assert first.get(path).status_code == 303 and second.get(path).status_code == 303
    assert first.get(PLAIN).status_code == 200 and second.get(PLAIN).status_code == 200
    done = first.post(PLAIN, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    stored = reload(gina.id).password
    other = "another-Quite-long-passphrase-77"
    late = second.post(PLAIN, data={"password": other, "confirm": other})
    assert late.status_code == 410 and "already been used" in text_of(main(page(late)))
    assert reload(gina.id).password == stored and len(events("password-chosen")) == 1


def test_the_token_is_taken_out_of_the_apps_log_lines(app, gina):
    """As werkzeug's request log, the app's error log and gunicorn's access log (with this repository's format)
    write them: the line is kept, the token is not."""
    import logging
    import runpy
    from datetime import timedelta as elapsed
    from pathlib import Path
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    from assess.auth.choose_password import LOGGERS, REDACTED

    token = "Q" * 43
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    keep = Keep()
    loggers = [logging.getLogger(name) for name in LOGGERS]
    for logger in loggers:
        logger.addHandler(keep)
    try:
        logging.getLogger("werkzeug").info(
            '%s - - [%s] "%s" %s %s', "127.0.0.1", "now", f"GET /choose-password/{token} HTTP/1.1", "303", "-"
        )
        logging.getLogger("assess.common.errors").error("unhandled error on %s %s", "GET", f"/choose-password/{token}")

        settings = runpy.run_path(str(Path(__file__).parents[2] / "scripts" / "gunicorn.conf.py"))
        config = Config()
        config.set("accesslog", "/dev/null")
        config.set("access_log_format", settings["access_log_format"])
        gunicorn_log = Logger(config)
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": f"/choose-password/{token}",
            "PATH_INFO": f"/choose-password/{token}",
            "QUERY_STRING": "",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_REFERER": f"https://example.org/choose-password/{token}",
        }
        response = SimpleNamespace(status="303 SEE OTHER", headers=[], sent=0)
        gunicorn_log.access(response, SimpleNamespace(headers=[]), environ, elapsed(milliseconds=3))
    finally:
        for logger in loggers:
            logger.removeHandler(keep)
    assert len(lines) == 3, lines
    assert all(f"/choose-password/{REDACTED}" in line for line in lines), lines
    assert not any(token in line for line in lines), lines
