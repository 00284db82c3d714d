"""Validation and queries in the data layer (issue 11): the rules held under the lock, the versions that
stop a lost write, and the database refusing changes to a final review, whatever the code does."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from assess.data import queries as query_data
from assess.data import reviews
from assess.data.audit import get_events_for_assessment
from assess.extensions import db

PRISONS = (("prison", "England"),)


@pytest.fixture()
def world(make):
    site = make.site(code="VAL-1", name="HMP Valid")
    governor = make.user("governor", sites=(site,), email="gov@example.org")
    inspector = make.user("inspector", email="ins@example.org", remit=PRISONS)
    other = make.user("inspector", email="ins2@example.org", remit=PRISONS)
    assessment = make.submitted(site, governor, "2025-26", choice="3")
    areas = [domain.id for domain in make.questionnaire().definition.domains]
    return {"site": site, "governor": governor, "inspector": inspector, "other": other,
            "assessment": assessment, "areas": areas}


def _decide(world, domain_id, version=0, user=None, decision="lower", level=2, reason="Little evidence"):
    return reviews.save_validation(
        world["assessment"], user or world["inspector"], domain_id, decision=decision, self_level=3,
        validated_level=level, reason=reason, internal_note="note", expected_version=version,
    )


def test_a_decision_starts_the_review_and_is_kept_with_an_audit_event(world):
    _decide(world, world["areas"][0])
    db.session.commit()
    review = reviews.get_review(world["assessment"].id)
    assert review is not None and review.state == "in review"
    saved = reviews.get_validations(world["assessment"].id)[world["areas"][0]]
    assert (saved.decision, saved.validated_level, saved.version) == ("lower", 2, 1)
    actions = [event.action for event in get_events_for_assessment(world["assessment"].id)]
    assert "review-started" in actions and "area-validated" in actions


def test_a_save_over_a_newer_decision_is_refused_with_what_was_saved(world):
    area = world["areas"][0]
    _decide(world, area)
    db.session.commit()
    with pytest.raises(reviews.ValidationConflict) as raised:
        _decide(world, area, version=0, user=world["other"], decision="agree", level=None, reason="")
    db.session.rollback()
    assert raised.value.saved["decision"] == "lower"
    assert reviews.get_validations(world["assessment"].id)[area].decision == "lower"


def test_finalising_needs_every_area_confidence_and_summary_then_locks(world):
    assessment = world["assessment"]
    _decide(world, world["areas"][0])
    with pytest.raises(reviews.CannotFinalise) as raised:
        reviews.finalise_review(assessment, world["inspector"], world["areas"])
    assert len(raised.value.problems) == 3
    db.session.rollback()
    for area in world["areas"]:
        _decide(world, area, version=reviews.get_validations(assessment.id).get(area).version
                if area in reviews.get_validations(assessment.id) else 0)
    reviews.save_summary(assessment, world["inspector"], confidence="partly confident", summary="Mostly sound",
                         internal_note="", expected_version=1)
    reviews.finalise_review(assessment, world["inspector"], world["areas"])
    db.session.commit()
    assert reviews.get_review(assessment.id).state == "validated"
    with pytest.raises(reviews.ReviewFinal):
        _decide(world, world["areas"][0], version=1)
    db.session.rollback()
    # The database refuses it too, whatever the code does.
    with pytest.raises((IntegrityError, DBAPIError)):
        db.session.execute(text("UPDATE area_validations SET reason = 'changed' WHERE assessment_id = :id"),
                           {"id": assessment.id})
    db.session.rollback()
    with pytest.raises((IntegrityError, DBAPIError)):
        db.session.execute(text("UPDATE assessment_reviews SET summary = 'changed' WHERE assessment_id = :id"),
                           {"id": assessment.id})
    db.session.rollback()
    reviews.reopen_review(assessment, world["inspector"], "New evidence from the visit")
    db.session.commit()
    assert reviews.get_review(assessment.id).state == "in review"
    _decide(world, world["areas"][0], version=1, decision="agree", level=None, reason="")
    db.session.commit()
    actions = [event.action for event in get_events_for_assessment(assessment.id)]
    assert actions.count("review-finalised") == 1 and actions.count("review-reopened") == 1


def test_the_query_lifecycle_and_a_step_on_a_query_that_moved_on(world):
    assessment = world["assessment"]
    query = query_data.raise_query(assessment, world["inspector"], world["areas"][:2], "Show the minutes",
                                   date.today() - timedelta(days=1))
    db.session.commit()
    counts = query_data.get_query_counts([world["site"].id], date.today())
    assert counts[world["site"].id] == query_data.SiteQueryCounts(open=1, overdue=1,
                                                                   soonest_due=date.today() - timedelta(days=1))
    query = query_data.step_query(query, world["governor"], "disagree", "We do consult", "Minutes of 3 May", 1)
    db.session.commit()
    assert query.status == "answered"
    with pytest.raises(query_data.QueryConflict):
        query_data.step_query(query, world["governor"], "agree", "", None, 1)
    db.session.rollback()
    query = query_data.step_query(query_data.get_query(query.id), world["inspector"], "resolved", "Thanks", None, 2)
    db.session.commit()
    assert [entry.kind for entry in query.entries] == ["raised", "disagree", "resolved"]
    assert query_data.get_query_counts([world["site"].id], date.today()) == {}
    with pytest.raises((IntegrityError, DBAPIError)):
        db.session.execute(text("UPDATE queries SET text = 'changed' WHERE id = :id"), {"id": query.id})
    db.session.rollback()
    with pytest.raises((IntegrityError, DBAPIError)):
        db.session.execute(text("DELETE FROM query_entries WHERE query_id = :id"), {"id": query.id})
    db.session.rollback()
