"""Two-factor sign-in (issue 14, item 1): required for inspectors, commissioners and admins, offered to governors;
set up with a QR code or a typed key, a code accepted once, recovery codes used once, wrong codes refused and
throttled like passwords, an admin's reset, and no page reached with a password alone."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from passlib.totp import TOTP
from sqlalchemy import select

from assess.auth import two_factor as tf
from assess.extensions import db
from assess.models import AuditEvent, SignInAttempt, User
from tests import two_factor as codes
from tests.conftest import PASSWORD, sign_in
from tests.integration.helpers import error_summary, h1, inline_error, location, page, text_of


def actions(email: str) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == email).order_by(AuditEvent.id))
    )


def fresh(user: Any) -> User:
    db.session.expire_all()
    found = db.session.get(User, user.id)
    assert found is not None
    return found


def password_step(client: Any, user: Any) -> Any:
    return client.post("/sign-in", data={"email": user.email, "password": PASSWORD})


def key_on(response: Any) -> str:
    """The key the set-up page shows to type into an app."""
    shown = page(response).select_one("#two-factor-key")
    assert shown is not None, "no key on the set-up page"
    return text_of(shown)


def app_code(key: str, offset: int = 0) -> str:
    """What an authenticator app given this key would show (offset: time steps from now)."""
    return str(TOTP(key=key.replace("-", ""), format="base32").generate(time=(tf.current_step() + offset) * 30).token)


def recovery_codes_on(response: Any) -> list[str]:
    return [text_of(item) for item in page(response).select(".app-recovery-codes li")]


@pytest.fixture()
def inspector(make: Any) -> Any:
    return make.user("inspector", email="ina@example.org", two_factor=False)


# -- Setting it up at the first sign-in --------------------------------------------------------------------------


def test_an_inspector_must_set_up_a_second_factor_before_any_page(new_client, inspector):
    client = new_client()
    response = password_step(client, inspector)
    assert location(response) == "/sign-in/set-up-two-factor"
    # Not signed in yet: their pages send them back to sign in.
    assert location(client.get("/caseload")).startswith("/sign-in")
    set_up = client.get("/sign-in/set-up-two-factor")
    soup = page(set_up)
    assert h1(soup) == "Set up two-factor sign-in"
    image = soup.select_one("img.app-qr-code")
    assert image is not None and image["src"].startswith("data:image/svg+xml;base64,") and image["alt"]
    key = key_on(set_up)
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{1,4})+", key)
    # The same key on a reload (the app may already have it), and it is not stored until confirmed.
    assert key_on(client.get("/sign-in/set-up-two-factor")) == key
    assert fresh(inspector).tf_totp_secret is None

    wrong = client.post("/sign-in/set-up-two-factor", data={"code": str((int(app_code(key)) + 1) % 10**6).zfill(6)})
    assert wrong.status_code == 200
    assert "is not correct" in inline_error(page(wrong), "code")
    assert fresh(inspector).tf_totp_secret is None
    assert key_on(wrong) == key  # the page keeps the key it showed

    done = client.post("/sign-in/set-up-two-factor", data={"code": app_code(key)})
    assert done.status_code == 200
    assert h1(page(done)) == "Save your recovery codes"
    shown = recovery_codes_on(done)
    assert len(shown) == 10 and len(set(shown)) == 10
    assert client.get("/caseload").status_code == 200
    stored = fresh(inspector)
    # Stored encrypted and hashed: neither the key nor a recovery code appears in the database.
    assert stored.tf_totp_secret and key.replace("-", "") not in stored.tf_totp_secret
    assert all(code not in (stored.tf_recovery_codes or "") for code in shown)
    assert len(json.loads(stored.tf_recovery_codes or "[]")) == 10
    assert actions(inspector.email)[-3:] == ["sign-in-password-accepted", "two-factor-set-up", "sign-in"]

    # Next time: the password, then a code from the app (never the set-up page again).
    again = new_client()
    assert location(password_step(again, inspector)) == "/sign-in/security-code"
    assert location(again.get("/sign-in/set-up-two-factor")) == "/sign-in/security-code"
    assert location(again.post("/sign-in/security-code", data={"code": app_code(key, 1)})) == "/caseload"


def test_the_code_step_needs_the_password_step_first(new_client, make):
    client = new_client()
    for path in ("/sign-in/security-code", "/sign-in/recovery-code", "/sign-in/set-up-two-factor"):
        response = client.get(path)
        assert location(response) == "/sign-in", path
        assert client.post(path, data={"code": "123456"}).status_code == 302


def test_the_password_step_lasts_ten_minutes(new_client, make, monkeypatch):
    user = make.user("commissioner")
    client = new_client()
    password_step(client, user)
    later = tf.time.time() + tf.PENDING_SECONDS + 1
    monkeypatch.setattr(tf.time, "time", lambda: later)
    response = client.post("/sign-in/security-code", data={"code": codes.code_for(user.email)})
    assert location(response) == "/sign-in"
    assert "Sign in again" in text_of(page(client.get("/sign-in")))


# -- Codes at sign-in ---------------------------------------------------------------------------------------------


def test_a_wrong_code_is_refused_audited_and_counted(new_client, make):
    user = make.user("inspector")
    client = new_client()
    password_step(client, user)
    for typed, message in (
        ("", "Enter the 6-digit security code from your authenticator app"),
        ("12345", "Enter the security code as 6 digits, like 123456"),
        ("abcdef", "Enter the security code as 6 digits, like 123456"),
        ("000000" if codes.code_for(user.email) != "000000" else "111111", "The security code is not correct"),
    ):
        response = client.post("/sign-in/security-code", data={"code": typed})
        assert response.status_code == 200, typed
        soup = page(response)
        assert soup.title and soup.title.string.startswith("Error: ")
        assert error_summary(soup) and message in error_summary(soup)[0][1], typed
    assert location(client.get("/caseload")).startswith("/sign-in")
    assert actions(user.email)[-1] == "sign-in-failed"
    failures = db.session.scalars(
        select(SignInAttempt).where(SignInAttempt.email == user.email, SignInAttempt.success.is_(False))
    )
    assert len(list(failures)) == 1  # only the code that could have been right counts
    # Spaces and a hyphen typed between the digits are fine.
    code = codes.code_for(user.email)
    assert location(client.post("/sign-in/security-code", data={"code": f" {code[:3]} {code[3:]} "})) == "/caseload"


def test_a_code_is_accepted_only_once(new_client, make):
    user = make.user("admin")
    key = codes.KEYS[user.email]
    step = tf.current_step()
    code = codes.app_code(key, step)
    first, second = new_client(), new_client()
    password_step(first, user)
    password_step(second, user)
    assert first.post("/sign-in/security-code", data={"code": code}).status_code == 302
    replay = second.post("/sign-in/security-code", data={"code": code})
    assert replay.status_code == 200
    assert "already been used" in inline_error(page(replay), "code")
    # An older code (the step before) is refused too, once a later one was used.
    assert "already been used" in inline_error(
        page(second.post("/sign-in/security-code", data={"code": codes.app_code(key, step - 1)})), "code"
    )
    assert second.post("/sign-in/security-code", data={"code": codes.app_code(key, step + 1)}).status_code == 302


def test_ten_wrong_codes_then_a_wait(new_client, make):
    user = make.user("inspector")
    client = new_client()
    password_step(client, user)
    right = codes.app_code(codes.KEYS[user.email], tf.current_step())
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(10):
        assert client.post("/sign-in/security-code", data={"code": wrong}).status_code == 200
    throttled = client.post("/sign-in/security-code", data={"code": right})
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert "Too many attempts" in inline_error(page(throttled), "code")
    assert actions(user.email)[-1] == "sign-in-throttled"
    assert location(client.get("/caseload")).startswith("/sign-in")


# -- Recovery codes -----------------------------------------------------------------------------------------------


def test_a_recovery_code_signs_in_once(new_client, inspector):
    client = new_client()
    key = key_on(client.get("/sign-in/set-up-two-factor") if password_step(client, inspector) else None)
    saved = recovery_codes_on(client.post("/sign-in/set-up-two-factor", data={"code": app_code(key)}))
    other = new_client()
    password_step(other, inspector)
    assert other.get("/sign-in/recovery-code").status_code == 200
    used = other.post("/sign-in/recovery-code", data={"code": saved[0].upper()})
    assert location(used) == "/caseload"
    assert "9 recovery codes left" in text_of(page(other.get("/caseload")))
    assert "recovery-code-used" in actions(inspector.email)
    third = new_client()
    password_step(third, inspector)
    again = third.post("/sign-in/recovery-code", data={"code": saved[0]})
    assert again.status_code == 200
    assert "not correct, or it has been used already" in inline_error(page(again), "code")
    for typed in ("", "x" * 40, "\u202e1234-5678-9abc", "zzzz-zzzz-zzzz"):
        assert third.post("/sign-in/recovery-code", data={"code": typed}).status_code == 200
    assert location(third.post("/sign-in/recovery-code", data={"code": saved[1].replace("-", "")})) == "/caseload"


# -- Governors: offered, not required -----------------------------------------------------------------------------


def test_a_governor_can_set_it_up_and_then_signs_in_with_it(new_client, gov):
    client = sign_in(new_client(), gov)  # a password is enough for a governor without it
    assert "Not set up" in text_of(page(client.get("/account")))
    key = key_on(client.get("/account/two-factor/set-up"))
    done = client.post("/account/two-factor/set-up", data={"code": app_code(key)})
    assert len(recovery_codes_on(done)) == 10
    assert client.get("/sites").status_code == 200  # this session carries on
    assert location(client.get("/account/two-factor/set-up")) == "/account"  # not replaced while set up
    # From now on the governor's sign-in asks for a code too.
    other = new_client()
    assert location(password_step(other, gov)) == "/sign-in/security-code"
    assert location(other.post("/sign-in/security-code", data={"code": app_code(key, 1)})) == "/sites"


def test_a_governor_turns_it_off_with_a_current_code(new_client, gov):
    client = sign_in(new_client(), gov)
    key = key_on(client.get("/account/two-factor/set-up"))
    client.post("/account/two-factor/set-up", data={"code": app_code(key, -1)})
    assert "Turn off two-factor sign-in" in text_of(page(client.get("/account")))
    refused = page(client.post("/account/two-factor/turn-off", data={"code": "12"}))
    assert "6 digits" in text_of(refused.select_one("#code-turn-off-error"))
    assert refused.select_one("#code-recovery-codes-error") is None  # the error is on the form that was used
    assert error_summary(refused) == [("#code-turn-off", "Enter the security code as 6 digits, like 123456")]
    used = client.post("/account/two-factor/turn-off", data={"code": app_code(key, -1)})
    assert "already been used" in text_of(page(used))
    assert fresh(gov).has_two_factor
    assert location(client.post("/account/two-factor/turn-off", data={"code": app_code(key)})) == "/account"
    assert not fresh(gov).has_two_factor
    assert "two-factor-turned-off" in actions(gov.email)
    assert location(password_step(new_client(), gov)) == "/sites"


def test_those_who_must_use_it_cannot_turn_it_off(client_as, make):
    user = make.user("commissioner")
    client = client_as(user)
    assert "Turn off two-factor sign-in" not in text_of(page(client.get("/account")))
    response = client.post("/account/two-factor/turn-off", data={"code": codes.code_for(user.email)})
    assert location(response) == "/account"
    assert fresh(user).has_two_factor


def test_new_recovery_codes_replace_the_old(client_as, make):
    user = make.user("inspector")
    client = client_as(user)
    response = client.post("/account/two-factor/recovery-codes", data={"code": codes.code_for(user.email)})
    new = recovery_codes_on(response)
    assert len(new) == 10
    assert "Your old codes no longer work" in text_of(page(response))
    assert actions(user.email)[-1] == "recovery-codes-replaced"


# -- No page with a password alone ------------------------------------------------------------------------------


def test_a_session_without_the_second_factor_reaches_no_page(client_as, gov):
    """Defence in depth: a governor's password-only session, once their account has two-factor sign-in (set up
    elsewhere, without this session ending), is sent to sign in again."""
    client = client_as(gov)
    assert client.get("/sites").status_code == 200
    codes.set_up(fresh(gov))
    db.session.commit()
    response = client.get("/sites")
    assert location(response).startswith("/sign-in")
    assert location(client.get("/sites")).startswith("/sign-in")  # signed out, not just redirected


# -- An admin's reset ------------------------------------------------------------------------------------------


def test_a_reset_ends_sessions_and_asks_for_a_new_set_up(app_ctx, client_as, new_client, make):
    user = make.user("inspector")
    signed_in = client_as(user)
    result = app_ctx.test_cli_runner().invoke(args=["users", "reset-two-factor", user.email])
    assert result.exit_code == 0, result.output
    assert "must set it up again" in result.output
    assert location(signed_in.get("/caseload")).startswith("/sign-in")
    stored = fresh(user)
    assert stored.tf_totp_secret is None and stored.tf_recovery_codes is None
    assert "two-factor-reset" in actions(user.email)
    assert location(password_step(new_client(), user)) == "/sign-in/set-up-two-factor"
    unknown = app_ctx.test_cli_runner().invoke(args=["users", "reset-two-factor", "nobody@example.org"])
    assert unknown.exit_code != 0 and "no account" in unknown.output


def test_two_set_ups_at_once_keep_the_first_and_never_replace_it(new_client, inspector):
    """Two tabs (or the owner and someone else with the password) set up at the same moment: the first stored
    wins; the second is sent to enter a code instead of silently replacing the key the first app holds."""
    first, second = new_client(), new_client()
    for client in (first, second):
        assert location(password_step(client, inspector)) == "/sign-in/set-up-two-factor"
    first_key = key_on(first.get("/sign-in/set-up-two-factor"))
    second_key = key_on(second.get("/sign-in/set-up-two-factor"))
    assert first_key != second_key
    assert first.post("/sign-in/set-up-two-factor", data={"code": app_code(first_key)}).status_code == 200
    refused = second.post("/sign-in/set-up-two-factor", data={"code": app_code(second_key)})
    assert location(refused) == "/sign-in/security-code"
    assert "set up for your account a moment ago" in text_of(page(second.get("/sign-in/security-code")))
    assert location(second.get("/caseload")).startswith("/sign-in")  # not signed in by the refused set-up
    # The stored key is the first one: a code from the first app signs in, one from the second does not.
    assert location(second.post("/sign-in/security-code", data={"code": app_code(second_key, 1)})) == ""
    assert location(second.post("/sign-in/security-code", data={"code": app_code(first_key, 1)})) == "/caseload"
    assert actions(inspector.email).count("two-factor-set-up") == 1
    # At the very same moment (both past the page's check): the store itself refuses the second.
    from assess.data.two_factor import set_up_two_factor

    stored = fresh(inspector).tf_totp_secret
    assert set_up_two_factor(fresh(inspector), tf.new_secret(), 0, [], None) is False
    assert fresh(inspector).tf_totp_secret == stored


def test_wrong_codes_have_a_daily_limit_too(new_client, make):
    """Spread out so that the 5-minute limit never applies, 30 wrong codes in a day still stop the next try
    for most of a day, whatever the code."""
    from datetime import timedelta

    from assess.data.clock import stamped_at
    from assess.models import utcnow

    user = make.user("inspector")
    client = new_client()
    password_step(client, user)
    right = codes.app_code(codes.KEYS[user.email], tf.current_step())
    wrong = "000000" if right != "000000" else "111111"
    start = utcnow()
    for attempt in range(30):
        with stamped_at(start + timedelta(seconds=40 * attempt)):
            response = client.post("/sign-in/security-code", data={"code": wrong})
            assert response.status_code == 200, attempt
    with stamped_at(start + timedelta(minutes=25)):
        throttled = client.post("/sign-in/security-code", data={"code": right})
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 20 * 3600
    assert "Too many wrong codes. Wait 24 hours" in inline_error(page(throttled), "code")
    # Wrong passwords do not count towards it: only wrong codes.
    with stamped_at(start + timedelta(minutes=25)):
        other = make.user("inspector")
        again = new_client()
        password_step(again, other)
        assert again.post("/sign-in/security-code", data={"code": codes.code_for(other.email)}).status_code == 302
