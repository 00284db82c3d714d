"""The demo inspectors' reviews and queries (issue 11, item 9): after seeding, each demo inspector has
assessments in every review state within their remit, the queries an inspector's pages need (one overdue),
every decision is one the validation rules allow, and the audit trail tells the story in order."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from sqlalchemy import func, select

from assess.data.audit import get_events_for_assessment
from assess.data.queries import get_query_counts
from assess.demo import DEFAULT_DEMO_PASSWORD, DEMO_ACCOUNTS, seed_demo
from assess.demo.reviews import PLANS
from assess.extensions import db
from assess.models import (
    AreaValidation,
    Assessment,
    AssessmentReview,
    AuditEvent,
    Query,
    QueryEntry,
    Site,
    User,
)
from assess.scoring import score_assessment
from assess.services.history import assessment_history
from assess.services.questionnaires import definition_for, latest
from assess.validation import check_decision
from tests.integration.helpers import main, page, text_of

TODAY = date(2026, 5, 1)  # financial year 2026-27: the demo's years are 2024-25 and 2025-26
INSPECTORS = [account for account in DEMO_ACCOUNTS if account.role == "inspector"]
STATES = ("submitted", "in review", "validated", "reopened")


def seed(today: date = TODAY, random_seed: int = 2026) -> dict[str, int]:
    summary = seed_demo(latest(), DEFAULT_DEMO_PASSWORD, today, seed=random_seed)
    db.session.commit()  # as the CLI command does at its end
    db.session.expire_all()
    return summary


def user(email: str) -> User:
    found = db.session.scalar(select(User).where(User.email == email))
    assert found is not None, email
    return found


def in_remit(account: Any) -> list[Assessment]:
    """The submitted assessments of the demo sites in this inspector's remit."""
    sites = [
        site
        for site in db.session.scalars(select(Site).where(Site.code.like("DEMO-%")))
        if (site.kind, site.nation) in account.remit
    ]
    assert sites
    return list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.site_id.in_([site.id for site in sites]), Assessment.status == "submitted")
            .order_by(Assessment.id)
        )
    )


def actions(assessment: Assessment) -> list[str]:
    """Oldest first."""
    return [event.action for event in reversed(get_events_for_assessment(assessment.id))]


def state_of(assessment: Assessment) -> str:
    review = db.session.get(AssessmentReview, assessment.id)
    if review is None:
        return "submitted"
    if review.state == "validated":
        return "validated"
    return "reopened" if "review-reopened" in actions(assessment) else "in review"


def domain_ids(assessment: Assessment) -> list[str]:
    questionnaire = definition_for(assessment.questionnaire_id, assessment.questionnaire_version)
    return [domain.id for domain in questionnaire.domains]


def decisions(assessment: Assessment) -> dict[str, AreaValidation]:
    rows = db.session.scalars(select(AreaValidation).where(AreaValidation.assessment_id == assessment.id))
    return {row.domain_id: row for row in rows}


def queries_of(assessments: list[Assessment]) -> list[Query]:
    return list(
        db.session.scalars(
            select(Query).where(Query.assessment_id.in_([item.id for item in assessments])).order_by(Query.id)
        )
    )


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def check_states() -> None:
    for account in INSPECTORS:
        assessments = in_remit(account)
        by_state: dict[str, list[Assessment]] = {}
        for assessment in assessments:
            by_state.setdefault(state_of(assessment), []).append(assessment)
        assert set(by_state) == set(STATES), (account.email, sorted(by_state))
        for assessment in by_state["in review"]:
            assert 0 < len(decisions(assessment)) < len(domain_ids(assessment)), "some areas decided, not all"
        for assessment in by_state["validated"]:
            review = db.session.get(AssessmentReview, assessment.id)
            assert review is not None and review.confidence and review.summary and review.finalised_at
            assert set(decisions(assessment)) == set(domain_ids(assessment))
        for assessment in by_state["reopened"]:
            review = db.session.get(AssessmentReview, assessment.id)
            assert review is not None and review.finalised_at is None and review.confidence and review.summary
            reopened = [
                event for event in get_events_for_assessment(assessment.id) if event.action == "review-reopened"
            ]
            assert len(reopened) == 1 and reopened[0].after and reopened[0].after["reason"].strip()
        # The work is the inspector's own.
        inspector = user(account.email)
        for assessment in assessments:
            for row in decisions(assessment).values():
                assert row.decided_by_id == inspector.id


def check_queries(today: date) -> None:
    for account in INSPECTORS:
        inspector = user(account.email)
        assessments = in_remit(account)
        found = queries_of(assessments)
        kinds: Counter[str] = Counter()
        for query in found:
            assert query.raised_by_id == inspector.id
            assert query.raised_at.date() < query.due_on
            entries = query.entries
            assert entries[0].kind == "raised" and entries[0].by_id == inspector.id
            governors = {
                person.id
                for person in db.session.scalars(select(User))
                if query.site_id in {site.id for site in person.sites}
            }
            for entry in entries[1:]:
                if entry.kind in ("agree", "disagree"):
                    assert entry.by_id in governors, "the reply comes from the site's demo governor"
                else:
                    assert entry.by_id == inspector.id
            if query.status == "awaiting site":
                kinds["overdue" if query.is_overdue(today) else "open"] += 1
                if not query.is_overdue(today):
                    assert query.due_on > today
            elif query.status == "answered":
                assert entries[-1].kind == "disagree" and (entries[-1].evidence or "").strip()
                kinds["answered"] += 1
            else:
                assert query.status == "resolved" and entries[-1].kind == "resolved"
                assert [entry.kind for entry in entries][:2] == ["raised", "agree"]
                kinds["resolved"] += 1
        assert kinds == {"open": 1, "overdue": 1, "answered": 1, "resolved": 1}, account.email
        counts = get_query_counts({query.site_id for query in found}, today)
        assert sum(item.overdue for item in counts.values()) == 1
        assert sum(item.open for item in counts.values()) == 3  # awaiting (two) and answered


def check_decisions() -> Counter[str]:
    """Every decision is one check_decision allows, from the self-assessed level worked out from the
    answers (as the inspector's page works it out). Returns how many of each decision there are."""
    made: Counter[str] = Counter()
    for row in db.session.scalars(select(AreaValidation)):
        assessment = db.session.get(Assessment, row.assessment_id)
        assert assessment is not None
        questionnaire = definition_for(assessment.questionnaire_id, assessment.questionnaire_version)
        self_level = score_assessment(questionnaire, assessment.answer_map()).domain(row.domain_id).level
        assert row.self_level == self_level
        values = [level.value for level in questionnaire.levels]
        decided, problems = check_decision(row.decision, self_level, row.validated_level, row.reason, values)
        assert decided is not None and not problems, (row.domain_id, row.decision, problems)
        assert decided.level == row.validated_level and decided.reason == row.reason
        made[row.decision] += 1
    return made


def check_timeline(today: date) -> None:
    """Each reviewed assessment's events, in the order they were written, carry times in the same order:
    after the submission, before today."""
    start_of_today = datetime.combine(today, time(), tzinfo=UTC)
    reviewed = db.session.scalars(select(AssessmentReview.assessment_id)).all()
    assert reviewed
    for assessment_id in reviewed:
        assessment = db.session.get(Assessment, assessment_id)
        assert assessment is not None and assessment.submitted_at is not None
        events = list(reversed(get_events_for_assessment(assessment_id)))
        assert events[0].action == "assessment-submitted"
        assert events[0].occurred_at == assessment.submitted_at
        times = [event.occurred_at for event in events]
        assert times == sorted(times)
        assert assessment.submitted_at < times[1] and times[-1] < start_of_today
        for query in queries_of([assessment]):
            stamps = [entry.at for entry in query.entries]
            assert stamps == sorted(stamps) and query.raised_at == stamps[0]


def test_each_inspector_has_every_review_state_and_the_queries_the_pages_need(app_ctx):
    summary = seed()
    assert summary["reviews_created"] == len(PLANS)
    assert summary["queries_created"] == sum(len(plan.queries) for plan in PLANS)
    check_states()
    check_queries(TODAY)
    check_timeline(TODAY)


def test_every_decision_passes_the_rules_and_some_raise_lower_or_cannot_validate_with_notes(app_ctx):
    seed()
    made = check_decisions()
    assert made["raise"] >= 3 and made["lower"] >= 5 and made["unable"] >= 1 and made["agree"] > made["lower"]
    for account in INSPECTORS:
        mine = Counter(row.decision for item in in_remit(account) for row in decisions(item).values())
        assert mine["raise"] and mine["lower"] and mine["unable"], account.email
    noted = [row for row in db.session.scalars(select(AreaValidation)) if row.internal_note]
    assert len(noted) >= 2
    assert db.session.scalar(
        select(func.count()).select_from(AssessmentReview).where(AssessmentReview.internal_note.is_not(None))
    )


def test_the_audit_trail_of_the_demo_assessments_holds_every_review_step_in_order(app_ctx):
    seed()
    seen: Counter[str] = Counter()
    for account in INSPECTORS:
        for assessment in in_remit(account):
            trail = actions(assessment)
            seen.update(trail)
            state = state_of(assessment)
            if state == "submitted":
                assert not [action for action in trail if action.startswith(("review-", "area-", "query-"))]
                continue
            assert trail[0] == "assessment-submitted" and trail[1] == "review-started"
            assert trail.count("area-validated") >= len(decisions(assessment)) > 0
            if state in ("validated", "reopened"):
                finalised = trail.index("review-finalised")
                assert trail.index("review-summary-saved") < finalised
                reopened = trail.index("review-reopened") if state == "reopened" else len(trail)
                assert "area-validated" not in trail[finalised:reopened], "a final review is locked"
            if state == "reopened":
                assert "area-validated" in trail[reopened:], "a decision was changed after reopening"
    for action in (
        "review-started",
        "area-validated",
        "review-summary-saved",
        "review-finalised",
        "review-reopened",
        "query-raised",
        "query-agree",
        "query-disagree",
        "query-resolved",
    ):
        assert seen[action], action


def test_the_demo_governor_sees_a_validated_review_and_an_open_query_without_internal_notes(app_ctx, new_client):
    seed()
    governor = next(account for account in DEMO_ACCOUNTS if account.email == "governor@example.org")
    found = []
    for code in governor.sites:
        site = db.session.scalar(select(Site).where(Site.code == code))
        assert site is not None
        for assessment in db.session.scalars(select(Assessment).where(Assessment.site_id == site.id)):
            open_queries = [query for query in queries_of([assessment]) if query.status == "awaiting site"]
            if state_of(assessment) == "validated" and any(not q.is_overdue(TODAY) for q in open_queries):
                found.append((assessment, open_queries))
    assert found, "the demo governor governs a site with a validated review and an open query"
    assessment, open_queries = found[0]

    notes = [row.internal_note for row in decisions(assessment).values() if row.internal_note]
    review = db.session.get(AssessmentReview, assessment.id)
    assert review is not None and review.internal_note
    notes.append(review.internal_note)
    site_view = assessment_history(assessment, internal=False)
    inspector_view = assessment_history(assessment, internal=True)
    site_text = " ".join(line for entry in site_view for line in [entry.what, *entry.details])
    inspector_text = " ".join(line for entry in inspector_view for line in [entry.what, *entry.details])
    for note in notes:
        assert note not in site_text and note in inspector_text

    client = new_client()
    response = client.post("/sign-in", data={"email": governor.email, "password": DEFAULT_DEMO_PASSWORD})
    assert response.status_code == 302
    history = text_of(main(page(client.get(f"/assessments/{assessment.id}/history"))))
    assert "Finalised the review: validated" in history and "Raised a query" in history
    assert all(note not in history for note in notes)
    query = text_of(main(page(client.get(f"/queries/{open_queries[0].id}"))))
    assert open_queries[0].text in query


def test_seeding_again_adds_nothing(app_ctx):
    seed()
    models = (AssessmentReview, AreaValidation, Query, QueryEntry, Assessment)
    before = {model.__name__: count(model) for model in models} | {"events": assessment_events()}
    again = seed()
    assert again["reviews_created"] == again["queries_created"] == again["assessments_created"] == 0
    assert {model.__name__: count(model) for model in models} | {"events": assessment_events()} == before


def assessment_events() -> int:
    """Audit events about assessments (seeding again refreshes the accounts, which is recorded too)."""
    statement = select(func.count()).select_from(AuditEvent).where(AuditEvent.assessment_id.is_not(None))
    return db.session.scalar(statement) or 0


@pytest.mark.parametrize(
    "today, random_seed",
    [
        (date(2026, 4, 2), 2026),  # the day after the year ends: little time since the submissions
        (date.today(), 2026),  # as `make run` seeds it
        (date(2027, 1, 15), 7),  # another seed gives other levels: a plan that does not fit becomes agree
        (TODAY, 11),
    ],
)
def test_other_days_and_seeds_still_give_every_state_in_order(app_ctx, today, random_seed):
    seed(today, random_seed)
    check_states()
    check_queries(today)
    check_timeline(today)
    check_decisions()
