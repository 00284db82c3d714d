"""An inspector's validation of a submitted assessment: the review, and the decision on each area.

Flushes, never commits (the request commits once). Every change writes an audit event. No lost writes,
as for the site's own saves (assess.data.assessments): every change first takes the review's row with a
conditional `UPDATE ... WHERE state = ...` (a row lock on PostgreSQL, the write lock on SQLite), so changes
to one review run one after another; each area's decision and the review's summary carry a version, and a
save over someone else's newer save is refused with a `ValidationConflict` that holds what they saved.
A final review refuses changes here and in the database (triggers: migrations/versions/d41c9e7a2b58).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from assess.data import clock
from assess.data.assessments import _insert
from assess.data.audit import record
from assess.extensions import db
from assess.models import AreaValidation, Assessment, AssessmentReview, ReviewState, User
from assess.validation import finalise_problems

IN_REVIEW = ReviewState.IN_REVIEW.value
VALIDATED = ReviewState.VALIDATED.value


class ReviewFinal(Exception):
    """The review is final (validated): reopen it, with a reason, to change it."""


class ReviewNotFinal(Exception):
    """Only a final review can be reopened."""


class NotSubmitted(Exception):
    """Only a submitted assessment can be reviewed."""


@dataclass
class ValidationConflict(Exception):
    """Someone else saved this after the page was opened: nothing was saved. What they saved is here."""

    version: int
    by: str | None
    at: datetime | None
    saved: dict[str, Any]


@dataclass
class CannotFinalise(Exception):
    problems: list[str]


# -- reading ----------------------------------------------------------------------------------------------


def get_review(assessment_id: int) -> AssessmentReview | None:
    return db.session.scalar(
        select(AssessmentReview)
        .where(AssessmentReview.assessment_id == assessment_id)
        .execution_options(populate_existing=True)
    )


def get_validations(assessment_id: int) -> dict[str, AreaValidation]:
    rows = db.session.scalars(
        select(AreaValidation)
        .where(AreaValidation.assessment_id == assessment_id)
        .order_by(AreaValidation.domain_id)
        .execution_options(populate_existing=True)
    )
    return {row.domain_id: row for row in rows}


def get_review_states(assessment_ids: Iterable[int]) -> dict[int, str]:
    """The review state of each of these assessments that has a review (one query)."""
    ids = sorted(set(assessment_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(AssessmentReview.assessment_id, AssessmentReview.state).where(AssessmentReview.assessment_id.in_(ids))
    )
    return {assessment_id: state for assessment_id, state in rows}


def get_validated_levels(assessment_ids: Iterable[int]) -> dict[int, dict[str, AreaValidation]]:
    """Each of these assessments' area decisions (one query), for comparisons and lists."""
    ids = sorted(set(assessment_ids))
    found: dict[int, dict[str, AreaValidation]] = {}
    if not ids:
        return found
    rows = db.session.scalars(
        select(AreaValidation).where(AreaValidation.assessment_id.in_(ids)).order_by(AreaValidation.assessment_id)
    )
    for row in rows:
        found.setdefault(row.assessment_id, {})[row.domain_id] = row
    return found


# -- writing ----------------------------------------------------------------------------------------------


def _lock_review(assessment_id: int, state: str) -> bool:
    """Take the review's row if it is in this state (see the module docstring)."""
    locked = db.session.scalar(
        update(AssessmentReview)
        .where(AssessmentReview.assessment_id == assessment_id, AssessmentReview.state == state)
        .values(updated_at=clock.now())
        .returning(AssessmentReview.assessment_id)
        .execution_options(synchronize_session=False)
    )
    return locked is not None


def start_review(assessment: Assessment, user: User) -> AssessmentReview:
    """The assessment's review, begun now if it has none (once, however many begin it at the same moment)."""
    if not assessment.is_submitted:
        raise NotSubmitted()
    stamp = clock.now()
    started = db.session.scalar(
        _insert(AssessmentReview)
        .values(
            assessment_id=assessment.id,
            state=IN_REVIEW,
            version=1,
            started_at=stamp,
            started_by_id=user.id,
            updated_at=stamp,
        )
        .on_conflict_do_nothing(index_elements=["assessment_id"])
        .returning(AssessmentReview.assessment_id)
    )
    if started is not None:
        record(
            user,
            "review-started",
            "review",
            assessment.id,
            site_id=assessment.site_id,
            assessment_id=assessment.id,
            after={"state": IN_REVIEW},
        )
    review = get_review(assessment.id)
    assert review is not None
    return review


def _validation_fields(row: AreaValidation | None) -> dict[str, Any]:
    if row is None:
        return {}
    return {
        "decision": row.decision,
        "self_level": row.self_level,
        "validated_level": row.validated_level,
        "reason": row.reason,
        "internal_note": row.internal_note or "",
    }


def save_validation(
    assessment: Assessment,
    user: User,
    domain_id: str,
    *,
    decision: str,
    self_level: int | None,
    validated_level: int | None,
    reason: str,
    internal_note: str,
    expected_version: int,
) -> AreaValidation:
    """Record the decision on one area (the rules are checked by the caller: assess.validation). The page's
    `expected_version` is the area's version when it was opened (0: no decision then)."""
    start_review(assessment, user)
    if not _lock_review(assessment.id, IN_REVIEW):
        raise ReviewFinal()
    current = get_validations(assessment.id).get(domain_id)
    current_version = current.version if current is not None else 0
    if current_version != expected_version:
        if current is None:  # the page claimed a decision that does not exist (an edited form): start afresh
            raise ValidationConflict(0, None, None, {})
        raise ValidationConflict(
            current.version,
            current.decided_by.name if current.decided_by else None,
            current.decided_at,
            _validation_fields(current),
        )
    before = _validation_fields(current)
    fields = {
        "decision": decision,
        "self_level": self_level,
        "validated_level": validated_level,
        "reason": reason,
        "internal_note": internal_note or None,
        "decided_at": clock.now(),
        "decided_by_id": user.id,
    }
    if current is None:
        current = AreaValidation(assessment_id=assessment.id, domain_id=domain_id, version=1, **fields)
        db.session.add(current)
    else:
        for name, value in fields.items():
            setattr(current, name, value)
        current.version = current_version + 1
    db.session.flush()
    after = _validation_fields(current)
    changed = {name: value for name, value in after.items() if before.get(name) != value}
    record(
        user,
        "area-validated",
        "area-validation",
        f"{assessment.id}/{domain_id}",
        site_id=assessment.site_id,
        assessment_id=assessment.id,
        before={name: before.get(name) for name in changed} if before else None,
        after={"domain": domain_id, **changed},
    )
    return current


def _summary_fields(review: AssessmentReview) -> dict[str, Any]:
    return {
        "confidence": review.confidence,
        "summary": review.summary or "",
        "internal_note": review.internal_note or "",
    }


def save_summary(
    assessment: Assessment,
    user: User,
    *,
    confidence: str | None,
    summary: str,
    internal_note: str,
    expected_version: int,
) -> AssessmentReview:
    """The judgement on the assessment as a whole: confidence, summary, internal note."""
    start_review(assessment, user)
    if not _lock_review(assessment.id, IN_REVIEW):
        raise ReviewFinal()
    review = get_review(assessment.id)
    assert review is not None
    if review.version != expected_version:
        raise ValidationConflict(review.version, None, review.updated_at, _summary_fields(review))
    before = _summary_fields(review)
    review.confidence = confidence
    review.summary = summary or None
    review.internal_note = internal_note or None
    review.version += 1
    db.session.flush()
    after = _summary_fields(review)
    changed = {name: value for name, value in after.items() if before.get(name) != value}
    record(
        user,
        "review-summary-saved",
        "review",
        assessment.id,
        site_id=assessment.site_id,
        assessment_id=assessment.id,
        before={name: before[name] for name in changed},
        after=changed,
    )
    return review


def finalise_review(assessment: Assessment, user: User, area_ids: list[str]) -> AssessmentReview:
    """Make the review final (validated). Checked again under the lock: every area decided, a confidence
    judgement and a summary."""
    if get_review(assessment.id) is None:
        start_review(assessment, user)
    if not _lock_review(assessment.id, IN_REVIEW):
        raise ReviewFinal()
    review = get_review(assessment.id)
    assert review is not None
    validations = get_validations(assessment.id)
    problems = finalise_problems(area_ids, validations, review.confidence, review.summary)
    if problems:
        raise CannotFinalise(problems)
    stamp = clock.now()
    review.state = VALIDATED
    review.finalised_at = stamp
    review.finalised_by_id = user.id
    db.session.flush()
    counts: dict[str, int] = {}
    for row in validations.values():
        counts[row.decision] = counts.get(row.decision, 0) + 1
    record(
        user,
        "review-finalised",
        "review",
        assessment.id,
        site_id=assessment.site_id,
        assessment_id=assessment.id,
        before={"state": IN_REVIEW},
        after={"state": VALIDATED, "confidence": review.confidence, "decisions": counts},
    )
    return review


def reopen_review(assessment: Assessment, user: User, reason: str) -> AssessmentReview:
    """Reopen a final review (the reason is checked by the caller and kept in the audit trail). One
    conditional UPDATE both takes the row and reopens it (the database lets a final review change only so)."""
    reopened = db.session.scalar(
        update(AssessmentReview)
        .where(AssessmentReview.assessment_id == assessment.id, AssessmentReview.state == VALIDATED)
        .values(state=IN_REVIEW, finalised_at=None, finalised_by_id=None, updated_at=clock.now())
        .returning(AssessmentReview.assessment_id)
        .execution_options(synchronize_session=False)
    )
    if reopened is None:
        raise ReviewNotFinal()
    review = get_review(assessment.id)
    assert review is not None
    record(
        user,
        "review-reopened",
        "review",
        assessment.id,
        site_id=assessment.site_id,
        assessment_id=assessment.id,
        before={"state": VALIDATED},
        after={"state": IN_REVIEW, "reason": reason},
    )
    return review
