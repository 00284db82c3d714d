"""Sessions that end (issue 14, item 3): on the server, after idle time and after a lifetime, and without
losing what was typed."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assess.auth.sessions import LAST_SEEN, SIGNED_IN_AT
from assess.extensions import db
from assess.models import AuditEvent
from tests.conftest import PASSWORD, sign_in
from tests.integration.helpers import domain_data, location, page, start_assessment, text_of, textarea_value


def _copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """A second browser holding a copy of this client's session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None, "no session cookie to copy"
    other = app.test_client()
    other.set_cookie("session", cookie.value)
    return other


def _signed_in(response: Any) -> bool:
    return response.status_code == 200


def _sent_to_sign_in(response: Any) -> bool:
    return response.status_code == 302 and location(response).startswith("/sign-in")


def _age(client: FlaskClient, key: str, seconds: float) -> None:
    with client.session_transaction() as session:
        session[key] = session[key] - seconds


def _commit() -> None:
    db.session.commit()


def test_a_cookie_copied_before_sign_out_gets_the_sign_in_page_afterwards(app_ctx, governor_client, governor):
    copy = _copy_of(app_ctx, governor_client)
    assert _signed_in(copy.get("/sites"))
    assert governor_client.post("/sign-out").status_code == 302
    assert _sent_to_sign_in(copy.get("/sites"))
    assert _sent_to_sign_in(governor_client.get("/sites"))
    actions = [event.action for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-1] == "sign-out"


def test_signing_out_ends_the_persons_sessions_on_other_computers_too(app_ctx, governor_client, governor):
    elsewhere = sign_in(app_ctx.test_client(), governor)
    assert _signed_in(elsewhere.get("/sites"))
    governor_client.post("/sign-out")
    assert _sent_to_sign_in(elsewhere.get("/sites"))
    # Signing in again works, with a new session.
    again = sign_in(app_ctx.test_client(), governor)
    assert _signed_in(again.get("/sites"))


def test_a_new_password_deactivation_and_sign_out_everywhere_each_end_every_session(app_ctx, make, governor):
    from assess.data.users import create_or_update_user, deactivate_user, end_all_sessions, get_user_by_email

    client = sign_in(app_ctx.test_client(), governor)
    end_all_sessions(get_user_by_email(governor.email), None, reason="signed out everywhere by an admin")
    _commit()
    assert _sent_to_sign_in(client.get("/sites"))
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.object_id) == ("sessions-ended", governor.email)

    client = sign_in(app_ctx.test_client(), governor)
    create_or_update_user(governor.email, "New name", "governor", PASSWORD, list(governor.sites))
    _commit()
    assert _sent_to_sign_in(client.get("/sites"))

    client = sign_in(app_ctx.test_client(), governor)
    deactivate_user(get_user_by_email(governor.email), None)
    _commit()
    assert _sent_to_sign_in(client.get("/sites"))
    refused = app_ctx.test_client().post("/sign-in", data={"email": governor.email, "password": PASSWORD})
    assert refused.status_code != 302
    actions = [event.action for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    deactivated = actions.index("user-deactivated")
    assert actions[deactivated + 1] == "sessions-ended"


def test_signing_in_starts_a_new_session_with_a_new_csrf_secret(app_ctx, governor):
    client = app_ctx.test_client()
    with client.session_transaction() as session:
        session["csrf_token"] = "secret-from-before-sign-in"
        session["left-over"] = "anything"
    sign_in(client, governor)
    with client.session_transaction() as session:
        assert session.get("csrf_token") != "secret-from-before-sign-in"
        assert "left-over" not in session
        assert session[SIGNED_IN_AT] == session[LAST_SEEN]
        assert not session.permanent  # ends when the browser closes, as well
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.expires is None


def test_thirty_minutes_without_activity_signs_the_person_out_and_says_so(app_ctx, governor_client):
    _age(governor_client, LAST_SEEN, 29 * 60)
    assert _signed_in(governor_client.get("/sites"))  # activity: the idle clock starts again
    _age(governor_client, LAST_SEEN, 31 * 60)
    response = governor_client.get("/sites")
    assert _sent_to_sign_in(response)
    assert "next=/sites" in location(response)
    shown = text_of(page(governor_client.get(location(response))))
    assert "You were signed out because you had not used the service for 30 minutes" in shown
    assert _sent_to_sign_in(governor_client.get("/sites"))  # the session is over, not just refused once


def test_the_idle_timeout_is_configurable(app_ctx, governor_client):
    app_ctx.config["SESSION_IDLE_MINUTES"] = 5
    try:
        _age(governor_client, LAST_SEEN, 6 * 60)
        assert _sent_to_sign_in(governor_client.get("/sites"))
    finally:
        app_ctx.config["SESSION_IDLE_MINUTES"] = 30


def test_a_session_ends_after_its_lifetime_however_active(app_ctx, governor_client):
    lifetime = app_ctx.config["PERMANENT_SESSION_LIFETIME"]
    seconds = lifetime.total_seconds() if hasattr(lifetime, "total_seconds") else lifetime
    _age(governor_client, SIGNED_IN_AT, seconds - 60)
    assert _signed_in(governor_client.get("/sites"))
    _age(governor_client, SIGNED_IN_AT, 120)
    response = governor_client.get("/sites")
    assert _sent_to_sign_in(response)
    assert "because you had been signed in for" in text_of(page(governor_client.get(location(response))))


def test_a_form_posted_after_the_session_ended_keeps_what_was_typed(app_ctx, governor_client, governor, make):
    assessment_id = start_assessment(governor_client, "GOV-A")
    domain = make.questionnaire().definition.domains[0]
    question = domain.questions[0]
    path = f"/assessments/{assessment_id}/domains/{domain.id}"
    typed = "Minutes of the council <b>meeting</b>, 3 March"
    _age(governor_client, LAST_SEEN, 31 * 60)

    response = governor_client.post(path, data=domain_data(domain, "3", {question.id: typed}))
    assert _sent_to_sign_in(response)
    assert f"next={path}" in location(response)
    sign_in_page = governor_client.get(location(response))
    assert "What you typed has been kept" in text_of(page(sign_in_page))
    signed_in = governor_client.post(location(response), data={"email": governor.email, "password": PASSWORD})
    assert signed_in.status_code == 302 and location(signed_in) == path

    kept = governor_client.get(path)
    soup = page(kept)
    assert kept.status_code == 200
    assert "Your changes were not saved" in text_of(soup)
    assert typed in text_of(soup)  # shown escaped, as text
    assert f"q-{question.id}" not in text_of(soup)  # field names mean nothing to a reader: not listed
    assert "<b>meeting</b>" not in kept.get_data(as_text=True)
    hidden = {field["name"]: field["value"] for field in soup.select("form input[type=hidden]")}
    assert hidden[f"evidence-{question.id}"] == typed
    assert hidden[f"q-{question.id}"] == "3"
    assert "password" not in " ".join(hidden)

    # Nothing was saved yet; "Save my changes" posts the kept fields to the page itself.
    saved = governor_client.post(path, data={name: value for name, value in hidden.items() if name != "csrf_token"})
    assert saved.status_code == 302
    assert textarea_value(page(governor_client.get(path)), f"evidence-{question.id}") == typed


def test_kept_changes_are_never_offered_to_another_person(app_ctx, governor_client, governor, make):
    """A shared computer: the first person's session ends as they post; someone else signs in on the same
    browser and opens the page. They do not see (or save) the first person's typing."""
    colleague = make.user("governor", sites=tuple(governor.sites), email="colleague@example.org")
    assessment_id = start_assessment(governor_client, "GOV-A")
    domain = make.questionnaire().definition.domains[0]
    question = domain.questions[0]
    path = f"/assessments/{assessment_id}/domains/{domain.id}"
    typed = "Notes only the first governor typed"
    _age(governor_client, LAST_SEEN, 31 * 60)
    assert _sent_to_sign_in(governor_client.post(path, data=domain_data(domain, "3", {question.id: typed})))
    signed_in = governor_client.post("/sign-in", data={"email": colleague.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    opened = governor_client.get(path)
    assert opened.status_code == 200
    assert typed not in opened.get_data(as_text=True)
    assert "Your changes were not saved" not in text_of(page(opened))
    # And it is gone: the first person signing in again later is not offered it on this browser either.
    with governor_client.session_transaction() as session:
        assert "_kept_form" not in session


def test_kept_changes_can_be_discarded(app_ctx, governor_client, governor, make):
    assessment_id = start_assessment(governor_client, "GOV-A")
    domain = make.questionnaire().definition.domains[0]
    question = domain.questions[0]
    path = f"/assessments/{assessment_id}/domains/{domain.id}"
    _age(governor_client, LAST_SEEN, 31 * 60)
    response = governor_client.post(path, data=domain_data(domain, "3", {question.id: "Draft words"}))
    governor_client.post(location(response), data={"email": governor.email, "password": PASSWORD})
    assert "Your changes were not saved" in text_of(page(governor_client.get(path)))
    discarded = governor_client.get(f"{path}?discard-kept-changes=1")
    assert discarded.status_code == 302 and location(discarded) == path
    shown = governor_client.get(path)
    assert "Your changes were not saved" not in text_of(page(shown))
    assert textarea_value(page(shown), f"evidence-{question.id}") == ""


def test_a_form_posted_with_no_session_at_all_is_kept_too(app_ctx, governor, make):
    client = app_ctx.test_client()
    response = client.post("/sites/GOV-A/start", data={"period": "2026-27"})
    assert _sent_to_sign_in(response)
    assert "your changes have not been saved yet" in text_of(page(client.get(location(response))))


def test_too_much_to_keep_in_the_cookie_is_shown_to_copy(app_ctx, governor_client, make):
    assessment_id = start_assessment(governor_client, "GOV-A")
    domain = make.questionnaire().definition.domains[0]
    path = f"/assessments/{assessment_id}/domains/{domain.id}"
    long_text = " ".join(f"word{number}" for number in range(1500))
    _age(governor_client, LAST_SEEN, 31 * 60)
    response = governor_client.post(path, data=domain_data(domain, "3", {domain.questions[0].id: long_text}))
    assert response.status_code == 401
    assert long_text in text_of(page(response))
    assert "Copy what you typed" in text_of(page(response))


def test_flask_users_sign_out_everywhere_ends_every_session(app_ctx, governor):
    client = sign_in(app_ctx.test_client(), governor)
    result = app_ctx.test_cli_runner().invoke(args=["users", "sign-out-everywhere", governor.email.upper()])
    assert result.exit_code == 0, result.output
    assert "Every session of governor-a@example.org has ended" in result.output
    db.session.expire_all()
    assert _sent_to_sign_in(client.get("/sites"))
    assert _signed_in(sign_in(app_ctx.test_client(), governor).get("/sites"))  # not locked out


def test_flask_users_deactivate_ends_sessions_and_sign_in(app_ctx, governor):
    client = sign_in(app_ctx.test_client(), governor)
    result = app_ctx.test_cli_runner().invoke(args=["users", "deactivate", governor.email])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _sent_to_sign_in(client.get("/sites"))
    refused = app_ctx.test_client().post("/sign-in", data={"email": governor.email, "password": PASSWORD})
    assert refused.status_code != 302


def test_the_commands_name_an_unknown_account(app_ctx):
    for command in ("sign-out-everywhere", "deactivate"):
        result = app_ctx.test_cli_runner().invoke(args=["users", command, "nobody@example.org"])
        assert result.exit_code != 0
        assert "no account has the email 'nobody@example.org'" in result.output


def _token(response: Any) -> str:
    field = page(response).select_one("input[name=csrf_token]")
    assert field is not None, "no CSRF token on the page"
    return str(field["value"])


def test_with_csrf_on_a_form_posted_after_expiry_is_kept_and_the_old_token_dies_at_sign_in(app_ctx, governor, make):
    """As in production (the other tests run with CSRF off): an expired session's form is kept, not refused
    with a 400, and the CSRF token from before sign-in is refused after it."""
    client = app_ctx.test_client()
    assessment_id = start_assessment(sign_in(client, governor), "GOV-A")
    domain = make.questionnaire().definition.domains[0]
    question = domain.questions[0]
    path = f"/assessments/{assessment_id}/domains/{domain.id}"
    app_ctx.config["WTF_CSRF_ENABLED"] = True
    try:
        token = _token(client.get(path))
        _age(client, LAST_SEEN, 31 * 60)
        typed = "Typed before the session ended"
        response = client.post(path, data={**domain_data(domain, "3", {question.id: typed}), "csrf_token": token})
        assert _sent_to_sign_in(response)

        before_sign_in = _token(client.get(location(response)))
        signed_in = client.post(
            location(response),
            data={"email": governor.email, "password": PASSWORD, "csrf_token": before_sign_in},
        )
        assert signed_in.status_code == 302 and location(signed_in) == path
        stale = client.post(path, data={**domain_data(domain, "3"), "csrf_token": before_sign_in})
        assert stale.status_code == 400  # the token from before sign-in is no longer valid

        kept = client.get(path)
        hidden = {field["name"]: field["value"] for field in page(kept).select("form input[type=hidden]")}
        assert hidden[f"evidence-{question.id}"] == typed
        assert client.post(path, data=hidden).status_code == 302
    finally:
        app_ctx.config["WTF_CSRF_ENABLED"] = False
    assert textarea_value(page(client.get(path)), f"evidence-{question.id}") == typed
