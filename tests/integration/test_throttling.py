"""Sign-in throttling (issue 14, item 2): after 10 failed sign-ins for one account or from one address within
5 minutes, further attempts wait (429, Retry-After, a GOV.UK error) without the password being checked; the
window slides, so nothing is locked for good; the state is in the database (sign_in_attempts), so it holds
across processes. Unknown and inactive accounts cost the same argon2 work as a wrong password. Every sign-in
success and failure is an audit event. Time is simulated with assess.data.clock.stamped_at."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

import assess.auth.routes as routes
from assess.data.clock import stamped_at
from assess.extensions import db
from assess.models import AuditEvent, SignInAttempt, utcnow
from tests.conftest import PASSWORD
from tests.integration.helpers import IsolatedClient, error_summary, h1, inline_error, location, page

WRONG = "not-the-password"
THROTTLED = "Too many attempts to sign in. Wait 5 minutes, then try again"
GENERIC = "Enter a correct email address and password"


def from_address(client: IsolatedClient, address: str) -> IsolatedClient:
    client.environ_base["REMOTE_ADDR"] = address
    return client


def post(client: IsolatedClient, email: str, password: str, at: datetime) -> Any:
    with stamped_at(at):
        return client.post("/sign-in", data={"email": email, "password": password})


def events(action: str) -> list[AuditEvent]:
    db.session.rollback()  # see what the requests committed
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def attempt_count(**where: Any) -> int:
    db.session.rollback()
    query = select(func.count()).select_from(SignInAttempt).filter_by(**where)
    return int(db.session.scalar(query) or 0)


@contextmanager
def counted_password_checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[Any]]]:
    """Counts the argon2 checks the sign-in view makes: against a person's hash, and against the dummy hash."""
    calls: dict[str, list[Any]] = {"user": [], "dummy": []}
    real_user_check, real_dummy_check = routes.verify_and_update_password, routes.verify_password

    def user_check(password: str, user: Any) -> bool:
        calls["user"].append(user.email)
        return bool(real_user_check(password, user))

    def dummy_check(password: str, password_hash: str) -> bool:
        calls["dummy"].append(password_hash)
        return bool(real_dummy_check(password, password_hash))

    monkeypatch.setattr(routes, "verify_and_update_password", user_check)
    monkeypatch.setattr(routes, "verify_password", dummy_check)
    yield calls


def test_fifteen_wrong_passwords_then_the_right_one_is_throttled_until_the_window_passes(
    new_client: Callable[[], IsolatedClient], gov: Any
) -> None:
    start = utcnow()
    client = from_address(new_client(), "192.0.2.10")
    statuses = []
    for second in range(15):
        response = post(client, gov.email, WRONG, start + timedelta(seconds=second))
        statuses.append(response.status_code)
    assert statuses == [200] * 10 + [429] * 5

    # The right password, 14 s after the first failure: still refused, and told when to come back.
    right = post(client, gov.email, PASSWORD, start + timedelta(seconds=14))
    assert right.status_code == 429
    assert right.headers["Retry-After"] == str(300 - 14)
    assert error_summary(page(right)) == [("#email", THROTTLED)]
    assert location(client.get("/sites")).startswith("/sign-in")

    # A second before the first failure leaves the window: still waiting, for one more second.
    almost = post(client, gov.email, PASSWORD, start + timedelta(seconds=299))
    assert almost.status_code == 429
    assert almost.headers["Retry-After"] == "1"
    assert error_summary(page(almost)) == [("#email", "Too many attempts to sign in. Wait 1 minute, then try again")]

    # Once it has: the right password signs in (no permanent lockout).
    signed_in = post(client, gov.email, PASSWORD, start + timedelta(seconds=300))
    assert signed_in.status_code == 302
    assert location(client.get("/sites")) == ""

    # Ten failures and one success were recorded; the throttled attempts were not (the window slides from
    # the failures themselves, however often someone keeps trying).
    assert attempt_count(email=gov.email, success=False) == 10
    assert attempt_count(email=gov.email, success=True) == 1
    # The audit trail shows the failures and the sign-in, never the password.
    failures = events("sign-in-failed")
    assert len(failures) == 10
    assert {event.object_id for event in failures} == {gov.email}
    assert all(event.user_id is None for event in failures)
    assert all(gov.email in event.actor for event in failures)
    assert all((event.after or {}).get("address") == "192.0.2.10" for event in failures)
    signed = events("sign-in")
    assert [(event.user_id, (event.after or {}).get("address")) for event in signed] == [(gov.id, "192.0.2.10")]
    # Each throttled attempt (five wrong, two right) is a failure in the audit trail too, kept although the
    # 429 rolls the rest of its request back.
    throttled = events("sign-in-throttled")
    assert len(throttled) == 7 and {event.object_id for event in throttled} == {gov.email}
    assert [(event.after or {}).get("retry_after") for event in throttled][-1] == 1
    for event in failures + signed + throttled:
        assert WRONG not in repr((event.actor, event.object_id, event.before, event.after))
        assert PASSWORD not in repr((event.actor, event.object_id, event.before, event.after))


def test_one_address_is_throttled_across_different_emails_and_others_are_not(
    new_client: Callable[[], IsolatedClient], gov: Any
) -> None:
    start = utcnow()
    attacker = from_address(new_client(), "198.51.100.7")
    for number in range(10):
        response = post(attacker, f"guess{number}@example.org", WRONG, start + timedelta(seconds=number))
        assert response.status_code == 200
        assert error_summary(page(response)) == [("#email", GENERIC)]
    # From that address, even a real account with the right password waits.
    blocked = post(attacker, gov.email, PASSWORD, start + timedelta(seconds=20))
    assert blocked.status_code == 429
    assert blocked.headers["Retry-After"] == str(300 - 20)
    # From another address, the same person signs in at once.
    elsewhere = post(from_address(new_client(), "203.0.113.5"), gov.email, PASSWORD, start + timedelta(seconds=21))
    assert elsewhere.status_code == 302
    assert len(events("sign-in-failed")) == 10


def test_one_account_is_throttled_across_different_addresses(
    new_client: Callable[[], IsolatedClient], gov: Any
) -> None:
    start = utcnow()
    for number in range(10):
        client = from_address(new_client(), f"192.0.2.{number + 1}")
        # Any spelling of the email counts for the same account.
        email = gov.email.upper() if number % 2 else f"  {gov.email} "
        assert post(client, email, WRONG, start + timedelta(seconds=number)).status_code == 200
    blocked = post(from_address(new_client(), "192.0.2.200"), gov.email, PASSWORD, start + timedelta(seconds=30))
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) == 300 - 30
    # Failures older than the window no longer count.
    later = post(from_address(new_client(), "192.0.2.201"), gov.email, PASSWORD, start + timedelta(seconds=309))
    assert later.status_code == 302


def test_successful_sign_ins_from_one_address_are_never_throttled(
    new_client: Callable[[], IsolatedClient], gov: Any
) -> None:
    """An office behind one address: many people signing in correctly do not fill the window."""
    start = utcnow()
    for number in range(12):
        client = from_address(new_client(), "192.0.2.50")
        assert post(client, gov.email, PASSWORD, start + timedelta(seconds=number)).status_code == 302
    assert attempt_count(address="192.0.2.50", success=True) == 12
    assert len(events("sign-in")) == 12


def test_a_throttled_attempt_does_not_check_the_password_at_all(
    new_client: Callable[[], IsolatedClient], gov: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = utcnow()
    client = from_address(new_client(), "192.0.2.60")
    with counted_password_checks(monkeypatch) as calls:
        for second in range(10):
            post(client, gov.email, WRONG, start + timedelta(seconds=second))
        assert len(calls["user"]) == 10
        for second in range(10, 15):
            assert post(client, gov.email, PASSWORD, start + timedelta(seconds=second)).status_code == 429
            assert post(client, "nobody@example.org", PASSWORD, start + timedelta(seconds=second)).status_code == 429
        assert len(calls["user"]) == 10
        assert calls["dummy"] == []


def test_unknown_and_inactive_accounts_cost_the_same_password_check_as_a_wrong_password(
    new_client: Callable[[], IsolatedClient], gov: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not timed (timing tests are flaky): the same argon2 work is done, against a dummy hash made with the same
    scheme as real ones, so an answer's time says nothing about whether the account exists."""
    client = new_client()
    with counted_password_checks(monkeypatch) as calls:
        known = client.post("/sign-in", data={"email": gov.email, "password": WRONG})
        assert calls == {"user": [gov.email], "dummy": []}

        unknown = client.post("/sign-in", data={"email": "nobody@example.org", "password": WRONG})
        assert calls["user"] == [gov.email]
        assert len(calls["dummy"]) == 1
        dummy_hash = calls["dummy"][0]
        assert dummy_hash.split("$")[1] == gov.password.split("$")[1]  # the same scheme (argon2) as real hashes
        assert dummy_hash != gov.password

        gov.active = False
        db.session.commit()
        inactive = client.post("/sign-in", data={"email": gov.email, "password": PASSWORD})
        assert calls["user"] == [gov.email]
        assert calls["dummy"] == [dummy_hash, dummy_hash]  # made once, then reused
    # The three answers look the same.
    assert {r.status_code for r in (known, unknown, inactive)} == {200}
    assert error_summary(page(known)) == error_summary(page(unknown)) == error_summary(page(inactive))
    assert [event.object_id for event in events("sign-in-failed")] == [gov.email, "nobody@example.org", gov.email]


def test_the_429_page_is_a_gov_uk_error_that_keeps_the_email_and_never_the_password(
    new_client: Callable[[], IsolatedClient], gov: Any
) -> None:
    start = utcnow()
    client = from_address(new_client(), "192.0.2.70")
    for second in range(10):
        post(client, gov.email, WRONG, start + timedelta(seconds=second))
    response = post(client, gov.email, PASSWORD, start + timedelta(seconds=10))
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    soup = page(response)
    assert soup.title is not None and soup.title.get_text().startswith("Error: ")
    assert h1(soup) == "Sign in to SUI Assess"
    summary = soup.select_one(".govuk-error-summary")
    assert summary is not None
    assert summary.select_one(".govuk-error-summary__title") is not None
    assert error_summary(soup) == [("#email", THROTTLED)]
    assert inline_error(soup, "email") is not None and THROTTLED in (inline_error(soup, "email") or "")
    email = soup.find("input", attrs={"name": "email"})
    assert email is not None and email.get("value") == gov.email
    assert PASSWORD not in response.get_data(as_text=True)
    assert soup.find("form", attrs={"method": "post"}) is not None  # they can try again from here later


def test_the_limit_and_window_are_settings(
    app_ctx: Flask, new_client: Callable[[], IsolatedClient], gov: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app_ctx.config, "SIGN_IN_THROTTLE_LIMIT", 3)
    monkeypatch.setitem(app_ctx.config, "SIGN_IN_THROTTLE_WINDOW_SECONDS", 60)
    start = utcnow()
    client = from_address(new_client(), "192.0.2.80")
    statuses = [post(client, gov.email, WRONG, start + timedelta(seconds=s)).status_code for s in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = post(client, gov.email, PASSWORD, start + timedelta(seconds=4))
    assert response.headers["Retry-After"] == "56"
    assert error_summary(page(response)) == [("#email", "Too many attempts to sign in. Wait 1 minute, then try again")]
    assert post(client, gov.email, PASSWORD, start + timedelta(seconds=60)).status_code == 302


def test_attempts_older_than_a_day_are_deleted_as_new_ones_are_recorded(
    new_client: Callable[[], IsolatedClient], gov: Any
) -> None:
    start = utcnow()
    client = from_address(new_client(), "192.0.2.90")
    post(client, "old@example.org", WRONG, start - timedelta(days=1, seconds=1))
    post(client, "recent@example.org", WRONG, start - timedelta(hours=23))
    assert attempt_count(email="old@example.org") == 1
    post(client, gov.email, WRONG, start)
    assert attempt_count(email="old@example.org") == 0
    assert attempt_count(email="recent@example.org") == 1
    assert attempt_count(email=gov.email) == 1


def test_the_dummy_hash_is_made_on_a_process_first_attempt_whatever_the_account(
    app_ctx: Flask, new_client: Callable[[], IsolatedClient], gov: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Making the dummy hash costs one argon2 hash: paid by the first attempt a process serves, known account or
    not, so that first answer's time does not tell either."""
    monkeypatch.delitem(app_ctx.extensions, "assess_dummy_password_hash", raising=False)
    new_client().post("/sign-in", data={"email": gov.email, "password": WRONG})
    made = app_ctx.extensions.get("assess_dummy_password_hash")
    assert made is not None and made != gov.password
    new_client().post("/sign-in", data={"email": "nobody@example.org", "password": WRONG})
    assert app_ctx.extensions["assess_dummy_password_hash"] == made
