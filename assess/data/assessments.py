"""Assessments, their answers and their stored scores.

Every function here flushes and never commits: the request (or CLI command) commits once at its end, so
the audit event each change writes lands in the same transaction as the change.

No lost or late writes (issue 10). Every write to an assessment first takes the assessment's row with a
conditional `UPDATE ... WHERE status = 'draft'` (`_lock_draft`): on PostgreSQL that locks the row until
the transaction ends, on SQLite it takes the database's write lock. Saves and submits of one assessment
therefore run one after another, each re-reads what it depends on after taking the lock, and a save that
arrives after a submission finds no draft and changes nothing. Each area carries a version
(`AssessmentSection`), so a save over a newer save of the same area by someone else is refused with a
`SectionConflict` rather than silently overwriting it. The database refuses changes to submitted work as
well (triggers: migrations/versions/a7d4e2f19c30).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased, lazyload, raiseload

from assess.data.audit import record
from assess.extensions import db
from assess.models import (
    Answer,
    Assessment,
    AssessmentScore,
    AssessmentSection,
    AssessmentStatus,
    DomainScore,
    QuestionnaireVersion,
    Site,
    User,
    utcnow,
)
from assess.questionnaire.loader import LoadedQuestionnaire
from assess.scoring import Result

DRAFT = AssessmentStatus.DRAFT.value
SUBMITTED = AssessmentStatus.SUBMITTED.value


class AssessmentLocked(Exception):
    """The assessment was submitted, so it cannot change."""


class CarriedOverUnreviewed(Exception):
    """Some areas still hold answers copied from an earlier assessment that nobody has reviewed and saved:
    the assessment cannot be submitted. `domain_ids` names them."""

    def __init__(self, domain_ids: list[str]):
        super().__init__(", ".join(domain_ids))
        self.domain_ids = domain_ids


@dataclass(frozen=True)
class CarryOver:
    """What to copy into a new draft from a submitted assessment (see assess.questionnaire.carry)."""

    source: Assessment
    choices: Mapping[str, str]
    evidence: Mapping[str, str]
    domain_ids: tuple[str, ...]
    left_out: tuple[str, ...] = ()  # question ids listed as not carried over (for the audit event)


@dataclass
class SectionConflict(Exception):
    """Someone else saved this area after the page was opened: nothing was saved. What they saved is here."""

    version: int
    saved_by: str | None
    saved_at: datetime | None
    choices: dict[str, str | None] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)


# -- reading ----------------------------------------------------------------------------------------------


def get_assessment(assessment_id: int) -> Assessment | None:
    return db.session.get(Assessment, assessment_id)


def get_assessments_for_sites(site_ids: Iterable[int]) -> dict[int, list[Assessment]]:
    """Each site's assessments, newest period first, in one query and without their answers."""
    ids = sorted(set(site_ids))
    found: dict[int, list[Assessment]] = {site_id: [] for site_id in ids}
    if not ids:
        return found
    rows = db.session.scalars(
        select(Assessment)
        .options(raiseload(Assessment.answers), lazyload(Assessment.submitted_by))
        .where(Assessment.site_id.in_(ids))
        .order_by(Assessment.site_id, Assessment.period.desc(), Assessment.created_at.desc(), Assessment.id.desc())
    )
    for assessment in rows:
        found[assessment.site_id].append(assessment)
    return found


def get_latest_assessments(site_ids: Iterable[int]) -> dict[int, Assessment]:
    """Each site's latest assessment (the newest period; in it, the newest started), draft or submitted, in
    one query and without answers. Sites with none are absent. Each site's latest is found by a correlated
    subquery that walks the (site, period) index from its end, so the time does not grow with the years of
    history behind each site."""
    ids = sorted(set(site_ids))
    if not ids:
        return {}
    newer = aliased(Assessment)
    latest_id = (
        select(newer.id)
        .where(newer.site_id == Site.id)
        .order_by(newer.period.desc(), newer.created_at.desc(), newer.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = db.session.scalars(
        select(Assessment)
        .options(raiseload(Assessment.answers), lazyload(Assessment.submitted_by))
        .join(Site, Assessment.id == latest_id)
        .where(Site.id.in_(ids))
        .order_by(Assessment.site_id)
    )
    return {assessment.site_id: assessment for assessment in rows}


def get_sites_with_submission(site_ids: Iterable[int], period: str) -> set[int]:
    """Which of these sites have a submitted assessment for the period."""
    ids = sorted(set(site_ids))
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(Assessment.site_id)
            .where(Assessment.site_id.in_(ids), Assessment.period == period, Assessment.status == SUBMITTED)
            .distinct()
            .order_by(Assessment.site_id)
        )
    )


def get_assessments_for_site(site: Site) -> list[Assessment]:
    return get_assessments_for_sites([site.id])[site.id]


def get_open_assessment(site: Site, period: str) -> Assessment | None:
    return db.session.scalar(
        select(Assessment).where(Assessment.site_id == site.id, Assessment.period == period, Assessment.status == DRAFT)
    )


def get_submitted_assessment(site: Site, period: str) -> Assessment | None:
    """The latest submitted assessment of a site for a period."""
    return db.session.scalar(
        select(Assessment)
        .where(Assessment.site_id == site.id, Assessment.period == period, Assessment.status == SUBMITTED)
        .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
        .limit(1)
    )


def reload_answers(assessment: Assessment) -> None:
    """Forget the answers read earlier in this request: the next use reads them as they are now."""
    db.session.expire(assessment, ["answers"])


def get_section_versions(assessment_id: int) -> dict[str, int]:
    """Each saved area's version (an area never saved is version 0)."""
    rows = db.session.execute(
        select(AssessmentSection.domain_id, AssessmentSection.version)
        .where(AssessmentSection.assessment_id == assessment_id)
        .order_by(AssessmentSection.domain_id)
    )
    return {domain_id: version for domain_id, version in rows}


def get_carried_over_domains(assessment_id: int) -> list[str]:
    """The areas that still hold copied answers nobody has reviewed and saved (read as they are now)."""
    return list(
        db.session.scalars(
            select(AssessmentSection.domain_id)
            .where(AssessmentSection.assessment_id == assessment_id, AssessmentSection.carried_over.is_(True))
            .order_by(AssessmentSection.domain_id)
        )
    )


def get_latest_submitted_before(site: Site, period: str) -> Assessment | None:
    """The site's most recent submitted assessment for a period before `period` (what a new draft for
    `period` may start from): the latest period, and in it the latest submitted."""
    return db.session.scalar(
        select(Assessment)
        .where(Assessment.site_id == site.id, Assessment.period < period, Assessment.status == SUBMITTED)
        .order_by(Assessment.period.desc(), Assessment.submitted_at.desc(), Assessment.id.desc())
        .limit(1)
    )


def get_recorded_versions() -> dict[tuple[str, str], str]:
    rows = db.session.execute(
        select(
            QuestionnaireVersion.questionnaire_id, QuestionnaireVersion.version, QuestionnaireVersion.content_hash
        ).order_by(QuestionnaireVersion.id)
    )
    return {(row.questionnaire_id, row.version): row.content_hash for row in rows}


# -- writing ----------------------------------------------------------------------------------------------


def _insert(model: Any) -> postgresql.Insert | sqlite.Insert:
    """INSERT for this database, so that ON CONFLICT DO NOTHING can be added (SQLite and PostgreSQL)."""
    dialect = db.session.get_bind().dialect.name
    return postgresql.insert(model) if dialect == "postgresql" else sqlite.insert(model)


def record_version_use(loaded: LoadedQuestionnaire, user: User | None = None) -> None:
    """Record a questionnaire version's content hash the first time it is used (once, however many start it
    at the same moment); refuse a version whose content has changed since."""
    questionnaire_id, version = loaded.key
    inserted = db.session.scalar(
        _insert(QuestionnaireVersion)
        .values(
            questionnaire_id=questionnaire_id, version=version, content_hash=loaded.content_hash, first_used_at=utcnow()
        )
        .on_conflict_do_nothing(index_elements=["questionnaire_id", "version"])
        .returning(QuestionnaireVersion.id)  # rowcount is not reliable here on every driver; a returned id is
    )
    if inserted is not None:
        record(
            user,
            "questionnaire-version-first-used",
            "questionnaire",
            f"{questionnaire_id}/{version}",
            after={"content_hash": loaded.content_hash},
        )
        return
    recorded = db.session.scalar(
        select(QuestionnaireVersion.content_hash).where(
            QuestionnaireVersion.questionnaire_id == questionnaire_id, QuestionnaireVersion.version == version
        )
    )
    if recorded != loaded.content_hash:
        raise RuntimeError(f"{questionnaire_id}/{version} has changed since it was first used; publish a new version")


def start_or_continue_assessment(
    site: Site, period: str, loaded: LoadedQuestionnaire, user: User, carry: CarryOver | None = None
) -> Assessment:
    """The open assessment for the site and period, or a new one on the given (latest) version. Two people
    starting the same one at the same moment both end up in the same draft.

    With `carry`, a new draft starts with the copied answers and evidence, and each area that receives any
    is marked as carried over (to be reviewed and saved before the assessment can be submitted). Only the
    start that creates the draft copies: continuing an open draft (a second click, or a colleague who
    started it a moment ago) copies nothing."""
    existing = get_open_assessment(site, period)
    if existing is not None:
        return existing
    record_version_use(loaded, user)
    now = utcnow()
    new_id = db.session.scalar(
        _insert(Assessment)
        .values(
            site_id=site.id,
            period=period,
            questionnaire_id=loaded.definition.id,
            questionnaire_version=loaded.definition.version,
            status=DRAFT,
            created_at=now,
            updated_at=now,
            created_by_id=user.id,
            carried_from_id=carry.source.id if carry is not None else None,
        )
        # The predicate as written in the partial unique index (a bound parameter would not match it).
        .on_conflict_do_nothing(index_elements=["site_id", "period"], index_where=text("status = 'draft'"))
        .returning(Assessment.id)
    )
    if new_id is None:  # someone else at the same site started it a moment ago: continue theirs
        existing = get_open_assessment(site, period)
        if existing is None:
            raise RuntimeError(f"could not start or find the draft for {site.code} {period}")
        return existing
    record(
        user,
        "assessment-started",
        "assessment",
        new_id,
        site_id=site.id,
        assessment_id=new_id,
        after={"period": period, "questionnaire": loaded.definition.id, "version": loaded.definition.version},
    )
    if carry is not None:
        _copy_answers(new_id, site, carry, user, now)
    assessment = db.session.get(Assessment, new_id)
    assert assessment is not None
    return assessment


def _copy_answers(assessment_id: int, site: Site, carry: CarryOver, user: User, now: datetime) -> None:
    """The copied answers, their areas marked as carried over, and one audit event saying what was copied
    from which assessment."""
    question_ids = sorted(set(carry.choices) | set(carry.evidence))
    for question_id in question_ids:
        db.session.add(
            Answer(
                assessment_id=assessment_id,
                question_id=question_id,
                choice=carry.choices.get(question_id),
                evidence=carry.evidence.get(question_id),
                updated_by_id=user.id,
                updated_at=now,
            )
        )
    for domain_id in carry.domain_ids:
        db.session.add(
            AssessmentSection(
                assessment_id=assessment_id,
                domain_id=domain_id,
                version=1,
                saved_at=now,
                saved_by_id=user.id,
                carried_over=True,
            )
        )
    record(
        user,
        "answers-carried-over",
        "assessment",
        assessment_id,
        site_id=site.id,
        assessment_id=assessment_id,
        after={
            "from_assessment": carry.source.id,
            "from_period": carry.source.period,
            "from_version": f"{carry.source.questionnaire_id}/{carry.source.questionnaire_version}",
            "questions": question_ids,
            "domains": list(carry.domain_ids),
            "not_carried_over": list(carry.left_out),
        },
    )
    db.session.flush()


def _lock_draft(assessment_id: int) -> bool:
    """Take the assessment's row (see the module docstring) if it is still a draft. False once submitted."""
    locked = db.session.scalar(
        update(Assessment)
        .where(Assessment.id == assessment_id, Assessment.status == DRAFT)
        .values(updated_at=utcnow())
        .returning(Assessment.id)
        .execution_options(synchronize_session=False)
    )
    return locked is not None


def _current_answers(assessment_id: int, question_ids: Iterable[str] | None = None) -> dict[str, Answer]:
    """The stored answers as they are now (re-read after taking the lock, never from an earlier read)."""
    statement = select(Answer).where(Answer.assessment_id == assessment_id).order_by(Answer.id)
    if question_ids is not None:
        statement = statement.where(Answer.question_id.in_(sorted(set(question_ids))))
    return {
        answer.question_id: answer for answer in db.session.scalars(statement.execution_options(populate_existing=True))
    }


def _current_section(assessment_id: int, domain_id: str) -> AssessmentSection | None:
    return db.session.scalar(
        select(AssessmentSection)
        .where(AssessmentSection.assessment_id == assessment_id, AssessmentSection.domain_id == domain_id)
        .execution_options(populate_existing=True)
    )


def save_answers(
    assessment: Assessment,
    choices: Mapping[str, str | None],
    evidence: Mapping[str, str | None],
    user: User,
    *,
    domain_id: str | None = None,
    expected_version: int | None = None,
    reviewed: bool = True,
) -> int:
    """Store what was given for each question; a question not in `choices` or `evidence` keeps its value.

    With `domain_id` and `expected_version` (the area's version when its page was opened), the save is
    refused with SectionConflict when someone else has saved different answers for the area since. Returns
    the area's version after the save (0 without a domain). Raises AssessmentLocked once submitted.

    A save of an area that is marked as carried over (answers copied from an earlier assessment) is its
    review: with `reviewed` (the page was saved without errors) the mark is cleared, even when nothing
    changed, and the clearing is an audit event of its own."""
    if not _lock_draft(assessment.id):
        raise AssessmentLocked(assessment.id)
    question_ids = sorted(set(choices) | set(evidence))
    current = _current_answers(assessment.id, question_ids)
    changes = _changes(current, choices, evidence)
    section = _current_section(assessment.id, domain_id) if domain_id else None
    version = section.version if section is not None else 0
    if expected_version is not None and expected_version != version and changes:
        raise SectionConflict(
            version=version,
            saved_by=section.saved_by.name if section is not None and section.saved_by is not None else None,
            saved_at=section.saved_at if section is not None else None,
            choices={qid: answer.choice for qid, answer in current.items()},
            evidence={qid: answer.evidence or "" for qid, answer in current.items()},
        )
    now = utcnow()
    if reviewed and section is not None and section.carried_over:
        section.carried_over = False
        record(
            user,
            "carried-over-reviewed",
            "assessment",
            assessment.id,
            site_id=assessment.site_id,
            assessment_id=assessment.id,
            after={"domain": domain_id, "answers_changed": sorted(changes)},
        )
        db.session.flush()
    if not changes:
        return version
    for question_id in question_ids:
        if question_id not in changes:
            continue
        answer = current.get(question_id)
        if answer is None:
            answer = Answer(assessment_id=assessment.id, question_id=question_id)
            db.session.add(answer)
        if question_id in choices:
            answer.choice = choices[question_id] or None
        if question_id in evidence:
            answer.evidence = evidence[question_id] or None
        answer.updated_by_id = user.id
        answer.updated_at = now
    if domain_id:
        if section is None:
            section = AssessmentSection(assessment_id=assessment.id, domain_id=domain_id, version=0)
            db.session.add(section)
        section.version = version = version + 1
        section.saved_at = now
        section.saved_by_id = user.id
    record(
        user,
        "answers-saved",
        "assessment",
        assessment.id,
        site_id=assessment.site_id,
        assessment_id=assessment.id,
        before={qid: change[0] for qid, change in changes.items()},
        after={"domain": domain_id, "questions": {qid: change[1] for qid, change in changes.items()}},
    )
    db.session.flush()
    db.session.expire(assessment, ["answers"])
    return version


def _changes(
    current: Mapping[str, Answer], choices: Mapping[str, str | None], evidence: Mapping[str, str | None]
) -> dict[str, tuple[dict[str, str | None], dict[str, str | None]]]:
    """question id -> (what changed, as it was; as it is to be), for the questions whose answer changes."""
    changes: dict[str, tuple[dict[str, str | None], dict[str, str | None]]] = {}
    for question_id in sorted(set(choices) | set(evidence)):
        answer = current.get(question_id)
        before: dict[str, str | None] = {}
        after: dict[str, str | None] = {}
        old_choice = answer.choice if answer is not None else None
        old_evidence = answer.evidence if answer is not None else None
        if question_id in choices and (choices[question_id] or None) != old_choice:
            before["choice"], after["choice"] = old_choice, choices[question_id] or None
        if question_id in evidence and (evidence[question_id] or None) != old_evidence:
            before["evidence"], after["evidence"] = old_evidence, evidence[question_id] or None
        if after:
            changes[question_id] = (before, after)
    return changes


def submit_assessment(assessment: Assessment, user: User, score: Callable[[dict[str, str | None]], Result]) -> Result:
    """Make the assessment final and store its scores, in one transaction. `score` gets the answers as they
    are once the assessment is locked (so a save that landed a moment earlier is counted) and may raise to
    refuse, for example when an answer is missing. Raises AssessmentLocked when it was already submitted,
    and CarriedOverUnreviewed while any area still holds copied answers nobody has reviewed (checked after
    taking the lock, so a review a moment ago counts and nothing unreviewed can slip through)."""
    if not _lock_draft(assessment.id):
        raise AssessmentLocked(assessment.id)
    unreviewed = get_carried_over_domains(assessment.id)
    if unreviewed:
        raise CarriedOverUnreviewed(unreviewed)
    answers = {qid: answer.choice for qid, answer in _current_answers(assessment.id).items()}
    result = score(answers)
    now = utcnow()
    db.session.execute(
        update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.status == DRAFT)
        .values(status=SUBMITTED, submitted_at=now, submitted_by_id=user.id, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.add(_score_rows(assessment, now, result))
    record(
        user,
        "assessment-submitted",
        "assessment",
        assessment.id,
        site_id=assessment.site_id,
        assessment_id=assessment.id,
        after={"score": str(result.score) if result.score is not None else None, "level": result.level},
    )
    db.session.flush()
    db.session.expire(assessment)
    return result


def _hundredths(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


def _score_rows(assessment: Assessment, submitted_at: datetime, result: Result) -> AssessmentScore:
    """The stored form of a result: one overall row and a row per scored domain."""
    stored = AssessmentScore(
        assessment_id=assessment.id,
        site_id=assessment.site_id,
        period=assessment.period,
        questionnaire_id=assessment.questionnaire_id,
        questionnaire_version=assessment.questionnaire_version,
        submitted_at=submitted_at,
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
    record_version_use(loaded, user)
    assessment = Assessment(
        site_id=site.id,
        period=period,
        questionnaire_id=loaded.definition.id,
        questionnaire_version=loaded.definition.version,
        created_by_id=user.id,
        status=SUBMITTED,
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
    db.session.add(_score_rows(assessment, submitted_at, result))
    record(
        user,
        "assessment-submitted",
        "assessment",
        assessment.id,
        site_id=site.id,
        assessment_id=assessment.id,
        after={
            "score": str(result.score) if result.score is not None else None,
            "level": result.level,
            "how": "import",
        },
    )
    db.session.flush()
    return assessment


def count_assessments_by_version() -> dict[tuple[str, str], dict[str, int]]:
    """How many assessments use each questionnaire version, by status: {(id, version): {"draft": n, ...}}."""
    from sqlalchemy import func

    rows = db.session.execute(
        select(
            Assessment.questionnaire_id,
            Assessment.questionnaire_version,
            Assessment.status,
            func.count(Assessment.id).label("number"),
        ).group_by(Assessment.questionnaire_id, Assessment.questionnaire_version, Assessment.status)
    )
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for row in rows:
        counts.setdefault((row.questionnaire_id, row.questionnaire_version), {})[row.status] = row.number
    return counts
