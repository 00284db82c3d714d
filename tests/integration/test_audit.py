"""The audit trail and the immutability of submitted work (issue 10): events written in the same transaction
as the change, the History page and `flask audit show`, and the database refusing UPDATE and DELETE where
nothing may change, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from assess.extensions import db
from assess.models import AuditEvent
from tests.integration.helpers import complete_all_domains, domain_data, main, page, start_assessment, text_of


def events(**where: Any) -> list[AuditEvent]:
    db.session.expire_all()
    statement = select(AuditEvent).order_by(AuditEvent.id)
    for name, value in where.items():
        statement = statement.where(getattr(AuditEvent, name) == value)
    return list(db.session.scalars(statement))


def refused(statement: str, **params: Any) -> bool:
    """Whether the database refuses the statement (it is rolled back either way)."""
    try:
        with db.engine.begin() as connection:
            result = connection.execute(text(statement), params)
            if result.rowcount == 0:
                raise AssertionError(f"the statement matched no row, so it proves nothing: {statement}")
    except (IntegrityError, DBAPIError) as exc:
        message = str(exc.orig)
        assert "never change" in message or "append-only" in message, message
        return True
    return False


# -- the database refuses -----------------------------------------------------------------------------------


def test_the_audit_trail_refuses_update_and_delete(make, site_a, gov):
    make.draft(site_a, gov)
    event_id = events()[-1].id
    assert refused("UPDATE audit_events SET actor = 'someone else' WHERE id = :id", id=event_id)
    assert refused("DELETE FROM audit_events WHERE id = :id", id=event_id)
    assert refused("DELETE FROM audit_events WHERE id >= 0")
    assert events()[-1].actor == "Ada Governor (governor-a@example.org)"


def test_answers_and_scores_of_a_submitted_assessment_refuse_update_and_delete(make, site_a, gov):
    submitted = make.submitted(site_a, gov, "2025-26")
    assert refused("UPDATE answers SET choice = '5' WHERE assessment_id = :id", id=submitted.id)
    assert refused("UPDATE answers SET evidence = 'rewritten' WHERE assessment_id = :id", id=submitted.id)
    assert refused("DELETE FROM answers WHERE assessment_id = :id", id=submitted.id)
    assert refused("UPDATE assessment_scores SET overall_hundredths = 500 WHERE assessment_id = :id", id=submitted.id)
    assert refused("DELETE FROM assessment_scores WHERE assessment_id = :id", id=submitted.id)
    assert refused("UPDATE domain_scores SET level = 5 WHERE assessment_id = :id", id=submitted.id)
    assert refused("DELETE FROM domain_scores WHERE assessment_id = :id", id=submitted.id)
    assert refused("UPDATE assessments SET status = 'draft', submitted_at = NULL WHERE id = :id", id=submitted.id)
    assert refused("DELETE FROM assessments WHERE id = :id", id=submitted.id)


def test_a_drafts_answers_can_still_change(make, site_a, gov):
    """The triggers stop at submitted work: a draft's answers change as the governor saves them."""
    from assess.data.assessments import save_answers

    draft = make.draft(site_a, gov)
    save_answers(draft, {"council-exists": "2"}, {}, gov)
    db.session.commit()
    assert not refused("UPDATE answers SET choice = '3' WHERE assessment_id = :id", id=draft.id)


# -- what is recorded ---------------------------------------------------------------------------------------


def test_a_governors_journey_is_recorded_with_who_and_which_questions_changed(
    gov_client, gov, site_a, questionnaire
):
    assessment_id = start_assessment(gov_client, "GOV-A")
    first = questionnaire.domains[0]
    question = first.questions[0]
    response = gov_client.post(
        f"/assessments/{assessment_id}/domains/{first.id}",
        data=domain_data(first, "2", {question.id: "Minutes of the March council"}),
    )
    assert response.status_code == 302
    # Area one again, the same answers but no evidence: one more event, naming only that evidence.
    complete_all_domains(gov_client, assessment_id, questionnaire, "2")
    assert gov_client.post(f"/assessments/{assessment_id}/check", data={"declaration": "y"}).status_code == 302

    recorded = events(assessment_id=assessment_id)
    actions = [event.action for event in recorded]
    assert actions[0] == "assessment-started"
    assert actions[-1] == "assessment-submitted"
    assert actions.count("answers-saved") == len(questionnaire.domains) + 1
    assert recorded[2].after == {"domain": first.id, "questions": {question.id: {"evidence": None}}}
    assert {event.user_id for event in recorded} == {gov.id}
    assert all(event.request_id for event in recorded)
    first_save = recorded[1]
    assert first_save.after["domain"] == first.id
    assert set(first_save.after["questions"]) == {item.id for item in first.questions}
    assert first_save.after["questions"][question.id] == {"choice": "2", "evidence": "Minutes of the March council"}
    assert first_save.before[question.id] == {"choice": None, "evidence": None}
    assert recorded[-1].after["level"] == 2


def test_sign_in_failure_success_and_sign_out_are_recorded(new_client, gov):
    client = new_client()
    client.post("/sign-in", data={"email": gov.email, "password": "wrong-password-entirely"})
    client.post("/sign-in", data={"email": "nobody@example.org", "password": "wrong-password-entirely"})
    from tests.conftest import PASSWORD

    assert client.post("/sign-in", data={"email": gov.email, "password": PASSWORD}).status_code == 302
    client.post("/sign-out")
    recorded = [(event.action, event.object_id, event.user_id) for event in events(object_type="user")]
    assert ("sign-in-failed", gov.email, None) in recorded
    assert ("sign-in-failed", "nobody@example.org", None) in recorded
    assert ("sign-in", gov.email, gov.id) in recorded
    assert recorded[-1] == ("sign-out", gov.email, gov.id)


def test_a_refused_request_writes_no_event(gov_client, site_a, questionnaire):
    """A 4xx answer rolls the request back: the area page refused for a conflict leaves no trace."""
    assessment_id = start_assessment(gov_client, "GOV-A")
    first = questionnaire.domains[0]
    before = len(events())
    response = gov_client.post(
        f"/assessments/{assessment_id}/domains/{first.id}", data={**domain_data(first, "3"), "version": "7"}
    )
    assert response.status_code == 409
    assert len(events()) == before


def test_users_created_and_changed_and_sites_imported_are_recorded(make, app_ctx):
    site = make.site(code="AUD-1", name="HMP Audit")
    person = make.user("governor", sites=(site,), email="audit@example.org", name="Audrey")
    make.user("governor", sites=(site,), email="audit@example.org", name="Audrey Changed")
    make.site(code="AUD-1", name="HMP Audit Renamed")
    site_events = events(site_id=site.id)
    assert [event.action for event in site_events] == ["site-imported", "site-imported"]
    assert site_events[0].before is None and site_events[0].after["name"] == "HMP Audit"
    assert site_events[1].before == {"name": "HMP Audit"} and site_events[1].after == {"name": "HMP Audit Renamed"}
    user_events = events(object_id=person.email)
    assert [event.action for event in user_events] == ["user-created", "user-changed"]
    assert user_events[1].before["name"] == "Audrey" and user_events[1].after["name"] == "Audrey Changed"
    assert "password" not in (user_events[1].before or {})
    assert user_events[1].after["password"] == "set"  # that it was set, never what


def test_the_first_use_of_a_questionnaire_version_is_recorded_once(make, site_a, gov):
    make.draft(site_a, gov, "2025-26")
    make.draft(site_a, gov, "2026-27")
    assert len(events(action="questionnaire-version-first-used")) == 1


# -- History page and CLI -----------------------------------------------------------------------------------


def test_the_history_page_lists_start_saves_and_submission_newest_first(
    gov_client, client_as, make, site_a, gov, questionnaire
):
    assessment_id = start_assessment(gov_client, "GOV-A")
    colleague = make.user("governor", sites=(site_a,), email="colleague@example.org", name="Cole League")
    other = client_as(colleague)
    first, second = questionnaire.domains[0], questionnaire.domains[1]
    gov_client.post(f"/assessments/{assessment_id}/domains/{first.id}", data=domain_data(first, "2"))
    other.post(f"/assessments/{assessment_id}/domains/{second.id}", data=domain_data(second, "4"))
    complete_all_domains(gov_client, assessment_id, questionnaire, "2")
    gov_client.post(f"/assessments/{assessment_id}/check", data={"declaration": "y"})

    response = gov_client.get(f"/assessments/{assessment_id}/history")
    assert response.status_code == 200
    entries = main(page(response)).select("ol.app-history > li")
    headings = [text_of(entry.find("h2")) for entry in entries]
    assert headings[0] == "Submitted the assessment"
    assert headings[-1] == "Started the assessment"
    assert f"Saved ‘{second.title}’" in headings and f"Saved ‘{first.title}’" in headings
    colleague_entry = next(entry for entry in entries if text_of(entry.find("h2")) == f"Saved ‘{second.title}’"
                           and "Cole League" in text_of(entry))
    question_text = second.questions[0].text_for("prison")
    assert question_text in text_of(colleague_entry)
    assert "not answered" in text_of(colleague_entry)
    assert "Ada Governor" in text_of(entries[0])
    # The colleague, also linked to the site, reads the same page.
    assert other.get(f"/assessments/{assessment_id}/history").status_code == 200


def test_history_of_another_sites_assessment_is_not_found(make, client_as, site_a, gov):
    draft = make.draft(site_a, gov)
    stranger_site = make.site(code="GOV-Z", name="HMP Zed")
    stranger = client_as(make.user("governor", sites=(stranger_site,)))
    assert stranger.get(f"/assessments/{draft.id}/history").status_code == 404


def test_flask_audit_show_prints_a_sites_events_newest_first(app_ctx, make, site_a, gov):
    make.submitted(site_a, gov, "2025-26")
    result = app_ctx.test_cli_runner().invoke(args=["audit", "show", "--site", "gov-a"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if not line.startswith("    ")]
    assert "assessment-submitted" in lines[0]
    assert "Ada Governor (governor-a@example.org)" in lines[0]
    assert "site-imported" in lines[-1]
    assert any("answers-saved" in line for line in lines)


def test_flask_audit_show_names_an_unknown_site(app_ctx):
    result = app_ctx.test_cli_runner().invoke(args=["audit", "show", "--site", "NOPE"])
    assert result.exit_code != 0
    assert "no site with code 'NOPE'" in result.output


@pytest.mark.parametrize("command", [["sites", "import"], ["users", "create"]])
def test_a_failed_command_leaves_no_event(app_ctx, tmp_path, command):
    before = len(events())
    if command == ["sites", "import"]:
        bad = tmp_path / "sites.csv"
        bad.write_text("code,name,kind,nation,region\nX1,HMP X,castle,England,North West\n", encoding="utf-8")
        args = [*command, str(bad)]
    else:
        args = [*command, "--email", "x@example.org", "--name", "X", "--role", "governor", "--site", "NOPE"]
    result = app_ctx.test_cli_runner().invoke(args=args, env={"ASSESS_PASSWORD": "correct-Horse-battery-staple-42"})
    assert result.exit_code != 0
    assert len(events()) == before
