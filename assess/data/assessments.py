from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assess.extensions import db
from assess.models import (
    Answer,
    Assessment,
    AssessmentScore,
    AssessmentStatus,
    DomainScore,
    QuestionnaireVersion,
    Site,
    User,
    utcnow,
)
from assess.questionnaire.loader import LoadedQuestionnaire
from assess.scoring import Result


class AssessmentLocked(Exception):
    """The assessment was submitted, so it cannot change."""


def get_assessment(assessment_id: int) -> Assessment | None:
    return db.session.get(Assessment, assessment_id)


def get_assessments_for_site(site: Site) -> list[Assessment]:
    return list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.site_id == site.id)
            .order_by(Assessment.period.desc(), Assessment.created_at.desc(), Assessment.id.desc())
        )
    )


def get_open_assessment(site: Site, period: str) -> Assessment | None:
    return db.session.scalar(
        select(Assessment).where(
            Assessment.site_id == site.id,
            Assessment.period == period,
            Assessment.status == AssessmentStatus.DRAFT.value,
        )
    )


def get_submitted_assessment(site: Site, period: str) -> Assessment | None:
    """The latest submitted assessment of a site for a period."""
    return db.session.scalar(
        select(Assessment)
        .where(
            Assessment.site_id == site.id,
            Assessment.period == period,
            Assessment.status == AssessmentStatus.SUBMITTED.value,
        )
        .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
        .limit(1)
    )


def get_recorded_versions() -> dict[tuple[str, str], str]:
    rows = db.session.execute(
        select(
            QuestionnaireVersion.questionnaire_id, QuestionnaireVersion.version, QuestionnaireVersion.content_hash
        ).order_by(QuestionnaireVersion.id)
    )
    return {(row.questionnaire_id, row.version): row.content_hash for row in rows}


def record_version_use(loaded: LoadedQuestionnaire) -> None:
    questionnaire_id, version = loaded.key
    recorded = db.session.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire_id, QuestionnaireVersion.version == version
        )
    )
    if recorded is None:
        db.session.add(
            QuestionnaireVersion(questionnaire_id=questionnaire_id, version=version, content_hash=loaded.content_hash)
        )
    elif recorded.content_hash != loaded.content_hash:
        raise RuntimeError(f"{questionnaire_id}/{version} has changed since it was first used; publish a new version")


def _new_assessment(site: Site, period: str, loaded: LoadedQuestionnaire, user: User, **fields: object) -> Assessment:
    """A new assessment on the given version, recording the version's first use."""
    record_version_use(loaded)
    return Assessment(
        site_id=site.id,
        period=period,
        questionnaire_id=loaded.definition.id,
        questionnaire_version=loaded.definition.version,
        created_by_id=user.id,
        **fields,
    )


def start_or_continue_assessment(site: Site, period: str, loaded: LoadedQuestionnaire, user: User) -> Assessment:
    """The open assessment for the site and period, or a new one on the given (latest) version."""
    existing = get_open_assessment(site, period)
    if existing is not None:
        return existing
    assessment = _new_assessment(site, period, loaded, user, status=AssessmentStatus.DRAFT.value)
    db.session.add(assessment)
    try:
        db.session.commit()
    except IntegrityError:
        # Someone else at the same site started it a moment ago: continue theirs.
        db.session.rollback()
        existing = get_open_assessment(site, period)
        if existing is None:
            raise
        return existing
    return assessment


def save_answers(
    assessment: Assessment,
    choices: Mapping[str, str | None],
    evidence: Mapping[str, str | None],
    user: User,
) -> None:
    """Store what was given for each question; a question not in `choices` or `evidence` keeps its value."""
    if assessment.is_submitted:
        raise AssessmentLocked(assessment.id)
    by_question = {answer.question_id: answer for answer in assessment.answers}
    for question_id in sorted(set(choices) | set(evidence)):
        answer = by_question.get(question_id)
        if answer is None:
            answer = Answer(question_id=question_id)
            assessment.answers.append(answer)
        if question_id in choices:
            answer.choice = choices[question_id] or None
        if question_id in evidence:
            answer.evidence = evidence[question_id] or None
        answer.updated_by_id = user.id
    assessment.updated_at = utcnow()
    db.session.commit()


def submit_assessment(assessment: Assessment, user: User, result: Result) -> None:
    """Make the assessment final and store its scores for benchmarking, in one transaction."""
    if assessment.is_submitted:
        raise AssessmentLocked(assessment.id)
    assessment.status = AssessmentStatus.SUBMITTED.value
    assessment.submitted_at = utcnow()
    assessment.submitted_by_id = user.id
    db.session.add(score_rows(assessment, result))
    db.session.commit()


def _hundredths(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


def score_rows(assessment: Assessment, result: Result) -> AssessmentScore:
    """The stored form of a result: one overall row and a row per scored domain."""
    assert assessment.submitted_at is not None
    stored = AssessmentScore(
        assessment_id=assessment.id,
        site_id=assessment.site_id,
        period=assessment.period,
        questionnaire_id=assessment.questionnaire_id,
        questionnaire_version=assessment.questionnaire_version,
        submitted_at=assessment.submitted_at,
        overall_hundredths=_hundredths(result.score),
        overall_level=result.level,
    )
    stored.domains = [
        DomainScore(domain_id=item.domain_id, score_hundredths=_hundredths(item.score), level=item.level)
        for item in result.domains
        if item.score is not None and item.level is not None
    ]
    return stored


def create_submitted_assessment(
    site: Site,
    period: str,
    loaded: LoadedQuestionnaire,
    choices: Mapping[str, str | None],
    evidence: Mapping[str, str | None],
    user: User,
    submitted_at: datetime,
    result: Result,
) -> Assessment:
    """A complete, submitted assessment in one step (demo data and imports), with its stored scores."""
    assessment = _new_assessment(
        site,
        period,
        loaded,
        user,
        status=AssessmentStatus.SUBMITTED.value,
        created_at=submitted_at,
        submitted_at=submitted_at,
        submitted_by_id=user.id,
    )
    for question_id in sorted(choices):
        assessment.answers.append(
            Answer(
                question_id=question_id,
                choice=choices[question_id],
                evidence=evidence.get(question_id),
                updated_by_id=user.id,
                updated_at=submitted_at,
            )
        )
    db.session.add(assessment)
    db.session.flush()
    db.session.add(score_rows(assessment, result))
    db.session.commit()
    return assessment
