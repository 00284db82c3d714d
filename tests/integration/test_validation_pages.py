"""Validating a self-assessment and the queries between inspector and site, through the pages (issue 11,
items 5 and 7): the rules (reason required, final review locked, reopen with a reason only), two inspectors
deciding one area at the same moment, the query lifecycle with both audiences, and the scope of each."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.integration.helpers import error_summary, h1, location, main, page, text_of
from tests.integration.test_access import build, routes

PRISONS = (("prison", "England"), ("prison", "Wales"))
NOTE = "Private: the governor seemed unsure of the council's remit"


@pytest.fixture()
def world(make) -> dict[str, Any]:
    site = make.site(code="P-VAL", name="HMP Validate", kind="prison", nation="England")
    other = make.site(code="P-OTH", name="HMP Other", kind="prison", nation="England")
    probation = make.site(code="PR-VAL", name="Anyshire PDU", kind="probation", nation="England")
    governor = make.user("governor", sites=(site,), email="gov@example.org", name="Gail Governor")
    other_governor = make.user("governor", sites=(other,), email="other@example.org")
    assessment = make.submitted(site, governor, "2025-26", choice="3")
    outside = make.submitted(probation, other_governor, "2025-26", choice="3")
    inspector = make.user("inspector", email="ins@example.org", name="Ina Spector", remit=PRISONS)
    second = make.user("inspector", email="ins2@example.org", name="Ivor Second", remit=PRISONS)
    areas = [domain.id for domain in make.questionnaire().definition.domains]
    return {"site": site, "governor": governor, "other_governor": other_governor, "assessment": assessment,
            "outside": outside, "inspector": inspector, "second": second, "areas": areas}


def _area_url(world: dict[str, Any], area: str | None = None) -> str:
    return f"/inspect/assessments/{world['assessment'].id}/validate/{area or world['areas'][0]}"


def _decide(client, world, area, decision="lower", level="2", reason="The minutes show two meetings, not monthly",
            version="0", note=""):
    data = {"decision": decision, "level": level, "reason": reason, "internal_note": note, "version": version}
    return client.post(_area_url(world, area), data=data)


def test_a_reason_is_required_unless_the_inspector_agrees_and_what_was_entered_is_kept(world, client_as):
    client = client_as(world["inspector"])
    response = _decide(client, world, None, reason="", note=NOTE)
    assert response.status_code == 400
    soup = page(response)
    assert ("#reason", "Enter the reason for lowering the level") in error_summary(soup)
    assert soup.find("input", attrs={"name": "decision", "value": "lower", "checked": True}) is not None
    assert NOTE in soup.find("textarea", attrs={"name": "internal_note"}).get_text()

    response = _decide(client, world, None, decision="raise", level="2")
    assert response.status_code == 400
    assert any("must be above the self-assessed level (Participation)" in message
               for _, message in error_summary(page(response)))

    assert _decide(client, world, None, decision="agree", level="", reason="").status_code == 302
    overview = text_of(main(page(client.get(f"/inspect/assessments/{world['assessment'].id}/validate"))))
    assert "1 of 12 areas decided" in overview


def test_two_inspectors_deciding_one_area_the_second_is_told_and_nothing_is_lost(world, client_as):
    first, second = client_as(world["inspector"]), client_as(world["second"])
    # Both open the area page before either saves: both forms carry version 0.
    for client in (first, second):
        soup = page(client.get(_area_url(world)))
        assert soup.find("input", attrs={"name": "version"})["value"] == "0"
    assert _decide(first, world, None, reason="First inspector's reason").status_code == 302
    response = _decide(second, world, None, decision="raise", level="4", reason="Second inspector's reason")
    assert response.status_code == 409
    soup = page(response)
    assert "Ina Spector saved a decision on this area" in text_of(soup.select_one(".govuk-error-summary"))
    assert "First inspector's reason" in text_of(soup.select_one("#conflict"))
    assert "Second inspector's reason" in soup.find("textarea", attrs={"name": "reason"}).get_text()
    assert soup.find("input", attrs={"name": "version"})["value"] == "1"
    overview = text_of(main(page(first.get(f"/inspect/assessments/{world['assessment'].id}/validate"))))
    assert "First inspector's reason" in overview and "Second inspector's reason" not in overview
    # Having seen it, the second inspector saves again, on purpose.
    assert _decide(second, world, None, decision="raise", level="4", reason="Second inspector's reason",
                   version="1").status_code == 302


def _decide_all(client, world):
    for number, area in enumerate(world["areas"]):
        if number == 0:
            assert _decide(client, world, area, note=NOTE, version="1").status_code == 302  # decided once before
        else:
            assert _decide(client, world, area, decision="agree", level="", reason="").status_code == 302


def test_finalising_needs_every_area_then_locks_and_reopening_needs_a_reason(world, client_as):
    client = client_as(world["inspector"])
    base = f"/inspect/assessments/{world['assessment'].id}/validate"
    assert _decide(client, world, world["areas"][0]).status_code == 302
    response = client.post(f"{base}/finalise")
    assert response.status_code == 400
    messages = [message for _, message in error_summary(page(response))]
    assert any("11 areas have none" in message for message in messages)
    assert "Select how confident you are in the self-assessment as a whole" in messages

    _decide_all(client, world)
    summary = {"summary-confidence": "partly confident", "summary-summary": "Mostly sound",
               "summary-internal_note": NOTE, "summary-version": "1"}
    assert client.post(f"{base}/summary", data=summary).status_code == 302
    assert location(client.post(f"{base}/finalise")) == base
    body = text_of(main(page(client.get(base))))
    assert "Validated" in body and "Partly confident" in body
    assert "Overall 3 – Participation (score 3.0)" in body  # overall self-assessed level

    locked = _decide(client, world, world["areas"][1], decision="raise", level="4", reason="Late", version="1")
    assert locked.status_code == 409
    assert "The review has been finalised" in text_of(page(locked).select_one(".govuk-error-summary"))

    refused = client.post(f"{base}/reopen", data={"reopen-reason": "  "})
    assert refused.status_code == 400
    assert ("#reopen-reason", "Enter the reason for reopening the validated review") in error_summary(page(refused))
    assert client.post(f"{base}/reopen", data={"reopen-reason": "New evidence from the visit"}).status_code == 302
    assert "In review" in text_of(main(page(client.get(base))))

    # The History, in order, as the site sees it (no internal notes) and as the inspector does.
    governor_history = text_of(main(page(client_as(world["governor"]).get(
        f"/assessments/{world['assessment'].id}/history"))))
    assert "Reopened the validated review" in governor_history and "New evidence from the visit" in governor_history
    assert "Finalised the review: validated" in governor_history
    assert NOTE not in governor_history
    assert governor_history.index("Reopened") < governor_history.index("Finalised") < governor_history.index(
        "Began the inspector's review") < governor_history.index("Submitted the assessment")
    assert NOTE in text_of(main(page(client.get(f"/assessments/{world['assessment'].id}/history"))))


def test_a_query_from_raising_to_the_sites_reply_to_its_resolution(world, client_as):
    inspector, governor = client_as(world["inspector"]), client_as(world["governor"])
    new = f"/inspect/assessments/{world['assessment'].id}/queries/new"
    response = inspector.post(new, data={"text": "", "due_on": ["31", "2", "2027"]})
    assert response.status_code == 400
    messages = dict(error_summary(page(response)))
    assert messages["#areas"] == "Select at least one area the query is about"
    assert messages["#text"] == "Enter the query for the site"
    assert messages["#due_on"] == "When is a reply due? must be a real date, for example 27 3 2027"
    past = date.today() - timedelta(days=1)
    response = inspector.post(new, data={"areas": world["areas"][:2], "text": "Show the council minutes",
                                         "due_on": [str(past.day), str(past.month), str(past.year)]})
    assert dict(error_summary(page(response)))["#due_on"] == "The date a reply is due must be in the future"
    due = date.today() + timedelta(days=14)
    response = inspector.post(new, data={"areas": world["areas"][:2], "text": "Show the council minutes",
                                         "due_on": [str(due.day), str(due.month), str(due.year)]})
    assert response.status_code == 302
    query_url = location(response)

    # The site's governor reads it and replies; disagreeing needs evidence.
    soup = page(governor.get(query_url))
    assert "Show the council minutes" in text_of(main(soup)) and "Awaiting the site's reply" in text_of(main(soup))
    refused = governor.post(query_url, data={"action": "reply", "reply": "disagree", "text": "We do", "version": "1"})
    assert refused.status_code == 400
    assert ("#evidence", "Give your evidence: a disagreement needs evidence") in error_summary(page(refused))
    assert "We do" in page(refused).find("textarea", attrs={"name": "text"}).get_text()
    assert governor.post(query_url, data={"action": "decide", "outcome": "resolved", "version": "1"}).status_code == 403
    assert governor.post(query_url, data={"action": "reply", "reply": "disagree", "text": "We consult monthly",
                                          "evidence": "Minutes of 3 May, 7 June, 5 July", "version": "1"}
                         ).status_code == 302

    # The inspector sees the reply, and resolves the query; a second click on an old page changes nothing.
    body = text_of(main(page(inspector.get(query_url))))
    assert "Site replied: disagrees" in body and "Minutes of 3 May, 7 June, 5 July" in body
    assert inspector.post(query_url, data={"action": "reply", "reply": "agree", "version": "2"}).status_code == 403
    assert inspector.post(query_url, data={"action": "decide", "outcome": "closed", "text": "", "version": "2"}
                          ).status_code == 400  # closing unresolved needs a comment
    assert inspector.post(query_url, data={"action": "decide", "outcome": "resolved", "text": "Thank you",
                                           "version": "2"}).status_code == 302
    stale = inspector.post(query_url, data={"action": "decide", "outcome": "closed", "text": "x", "version": "2"})
    assert stale.status_code == 409
    steps = [text_of(step.find("h3")) for step in page(governor.get(query_url)).select("ol.app-query-steps > li")]
    assert steps == ["Query raised", "Site replied: disagrees", "Resolved"]
    history = text_of(main(page(governor.get(f"/assessments/{world['assessment'].id}/history"))))
    assert history.index("Resolved a query") < history.index("Replied to a query: disagrees") < history.index(
        "Raised a query")


def test_queries_are_out_of_reach_outside_the_scope_of_each_audience(world, client_as, make, app):
    from assess.data.queries import raise_query
    from assess.extensions import db

    query = raise_query(world["assessment"], world["inspector"], world["areas"][:1], "Why?",
                        date.today() + timedelta(days=7))
    outside = raise_query(world["outside"], world["inspector"], world["areas"][:1], "Why?",
                          date.today() + timedelta(days=7))
    db.session.commit()
    assert client_as(world["other_governor"]).get(f"/queries/{query.id}").status_code == 404
    inspector = client_as(world["inspector"])
    assert inspector.get(f"/queries/{query.id}").status_code == 200
    response = inspector.post(f"/queries/{outside.id}", data={"action": "decide", "outcome": "closed",
                                                               "text": "x", "version": "1"})
    assert response.status_code == 404 and h1(page(response)) == "Page not found"
    # Every inspector page naming an assessment outside the remit answers 404.
    checked = 0
    for rule in routes(app):
        if "assessment_id" not in rule.arguments and "query_id" not in rule.arguments:
            continue
        url = build(app, rule, assessment_id=world["outside"].id, query_id=outside.id, domain_id=world["areas"][0])
        for method in ("GET", "POST"):
            if method in (rule.methods or ()):
                assert inspector.open(url, method=method).status_code in (403, 404), f"{method} {url}"
                checked += 1
    assert checked >= 12


@pytest.mark.parametrize("version", ["x", "1", "-3"])
def test_an_edited_version_for_an_undecided_area_is_a_conflict_not_an_error(world, client_as, version):
    client = client_as(world["inspector"])
    response = _decide(client, world, None, version=version)
    assert response.status_code == 409
    soup = page(response)
    assert "no decision has been saved for this area yet" in text_of(soup.select_one(".govuk-error-summary"))
    assert soup.find("input", attrs={"name": "version"})["value"] == "0"
    assert _decide(client, world, None, version="0").status_code == 302
