"""Bulk writes for generated data (the national demo data set and the benchmarks in bench/).

The app's own path (assess.data.assessments.create_submitted_assessment) builds ORM objects one
assessment at a time: right for people, far too slow for 10,000 generated assessments. Here each batch
of 1,000 assessments is a handful of statements, one per table:

- SQLite: Core executemany INSERTs; the assessments' ids come back from INSERT ... RETURNING
  (SQLAlchemy's "insertmanyvalues", in the order of the rows given);
- PostgreSQL: ids reserved from the assessments' own sequence (nextval), then COPY for each table:
  psycopg's executemany sends one INSERT per row and waits for each, which made 10,000 assessments
  take 75 seconds; with COPY they take a fraction of that.

Either way the ids come from the database, so nothing is guessed and no sequence needs fixing
afterwards (fix_sequences() is there for rows written with explicit ids by other means).

The stored rows are the same as the app's: answers as create_submitted_assessment writes them,
and scores as the app stores a scoring Result. Like every data function these flush and never commit:
the command that loads the data commits once at its end (a failed load leaves nothing behind, and loading
again is idempotent). The questionnaire version is
recorded (with its content hash) by the app's own record_version_use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, insert, select, text

from assess.data.assessments import record_version_use
from assess.data.sites import SITE_FIELDS
from assess.extensions import db
from assess.models import (
    Answer,
    Assessment,
    AssessmentScore,
    AssessmentStatus,
    DomainScore,
    Site,
    UTCDateTime,
    utcnow,
)
from assess.questionnaire.loader import LoadedQuestionnaire
from assess.scoring import Result

# Rows per INSERT batch for the assessments themselves. Answers and domain scores are sent in
# one executemany per batch of assessments (34 and 12 rows for each).
BATCH = 1000

# Core tables, not ORM entities: an ORM bulk insert of these rows ran one statement per row (11,000
# statements for 881 assessments), a Core executemany runs one.
ASSESSMENTS: Table = Assessment.__table__  # type: ignore[assignment]
SITES: Table = Site.__table__  # type: ignore[assignment]
TABLES: dict[str, Table] = {
    "assessments": ASSESSMENTS,
    "answers": Answer.__table__,  # type: ignore[dict-item]
    "assessment_scores": AssessmentScore.__table__,  # type: ignore[dict-item]
    "domain_scores": DomainScore.__table__,  # type: ignore[dict-item]
}


@dataclass(frozen=True)
class StoredScores:
    """What assessment_scores and domain_scores keep of a Result: hundredths and levels."""

    overall_hundredths: int | None
    overall_level: int | None
    domains: tuple[tuple[str, int, int], ...]  # (domain id, score hundredths, level) for scored domains only

    @classmethod
    def from_result(cls, result: Result) -> StoredScores:
        return cls(
            overall_hundredths=hundredths(result.score),
            overall_level=result.level,
            domains=tuple(
                (item.domain_id, hundredths(item.score), item.level)  # type: ignore[misc]
                for item in result.domains
                if item.score is not None and item.level is not None
            ),
        )


@dataclass
class NewAssessment:
    """One generated, submitted assessment. `choices` None stores its scores without answers
    (the benchmarks' largest data sets); otherwise every question in `choices` gets an answer row."""

    site_id: int
    period: str
    submitted_at: datetime
    scores: StoredScores
    choices: Mapping[str, str | None] | None = None
    evidence: Mapping[str, str] = field(default_factory=dict)
    submitted_by_id: int | None = None


def hundredths(value: Decimal | None) -> int | None:
    """As assess.data.assessments stores scores: 2.7 -> 270."""
    return None if value is None else int((value * 100).to_integral_value())


# -- sites --------------------------------------------------------------------------------------------


def site_ids_by_code(codes: Iterable[str]) -> dict[str, int]:
    """The ids of the sites that exist among these codes."""
    wanted = list(dict.fromkeys(codes))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for code, site_id in db.session.execute(select(Site.code, Site.id).where(Site.code.in_(chunk))):
            found[code] = site_id
    return found


def insert_missing_sites(rows: Sequence[Mapping[str, Any]]) -> tuple[dict[str, int], int]:
    """Create the sites whose code does not exist yet (existing sites are left as they are).
    Returns (id by code for every row, how many were created)."""
    existing = site_ids_by_code(row["code"] for row in rows)
    now = utcnow()
    new = [
        {"code": row["code"], **{name: row.get(name) for name in SITE_FIELDS}, "created_at": now, "updated_at": now}
        for row in rows
        if row["code"] not in existing
    ]
    for start in range(0, len(new), BATCH):
        db.session.execute(insert(SITES), new[start : start + BATCH])
    return (site_ids_by_code(row["code"] for row in rows) if new else existing), len(new)


# -- what is already there ------------------------------------------------------------------------------


def submitted_overall_scores(site_ids: Iterable[int]) -> dict[tuple[int, str], int | None]:
    """(site id, period) -> overall score in hundredths (None when it has no score) of every submitted
    assessment of these sites; the latest one where a site submitted more than once in a period."""
    ids = sorted(set(site_ids))
    found: dict[tuple[int, str], int | None] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = db.session.execute(
            select(Assessment.site_id, Assessment.period, AssessmentScore.overall_hundredths)
            .outerjoin(AssessmentScore, AssessmentScore.assessment_id == Assessment.id)
            .where(Assessment.site_id.in_(chunk), Assessment.status == AssessmentStatus.SUBMITTED.value)
            .order_by(Assessment.submitted_at, Assessment.id)
        )
        for site_id, period, overall in rows:
            found[(site_id, period)] = overall
    return found


# -- assessments ----------------------------------------------------------------------------------------


def insert_submitted_assessments(
    loaded: LoadedQuestionnaire, items: Iterable[NewAssessment], batch_size: int = BATCH
) -> int:
    """Store submitted assessments with their answers and scores, a batch at a time (a few statements per
    batch, whatever its size). Returns how many were stored."""
    record_version_use(loaded)
    questionnaire_id, version = loaded.key
    stored = 0
    batch: list[NewAssessment] = []
    for item in items:
        batch.append(item)
        if len(batch) >= batch_size:
            stored += _insert_batch(questionnaire_id, version, batch)
            batch = []
    if batch:
        stored += _insert_batch(questionnaire_id, version, batch)
    return stored


def _insert_batch(questionnaire_id: str, version: str, batch: Sequence[NewAssessment]) -> int:
    postgresql = _is_postgresql()
    assessment_rows = [
        {
            "site_id": item.site_id,
            "period": item.period,
            "questionnaire_id": questionnaire_id,
            "questionnaire_version": version,
            "status": AssessmentStatus.SUBMITTED.value,
            "created_at": item.submitted_at,
            "updated_at": item.submitted_at,
            "created_by_id": item.submitted_by_id,
            "submitted_at": item.submitted_at,
            "submitted_by_id": item.submitted_by_id,
        }
        for item in batch
    ]
    if postgresql:
        ids = _reserve_ids("assessments", len(batch))
        for row, assessment_id in zip(assessment_rows, ids, strict=True):
            row["id"] = assessment_id
        _copy("assessments", assessment_rows)
    else:
        ids = list(
            db.session.scalars(
                insert(ASSESSMENTS).returning(ASSESSMENTS.c.id, sort_by_parameter_order=True), assessment_rows
            )
        )
    answer_rows, score_rows, domain_rows = _dependent_rows(questionnaire_id, version, batch, ids)
    for table, rows in (("answers", answer_rows), ("assessment_scores", score_rows), ("domain_scores", domain_rows)):
        if not rows:
            continue
        if postgresql:
            _copy(table, rows)
        else:
            db.session.execute(insert(TABLES[table]), rows)
    return len(batch)


def _dependent_rows(
    questionnaire_id: str, version: str, batch: Sequence[NewAssessment], ids: Sequence[int]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The answers, overall scores and domain scores of the batch, as rows."""
    answer_rows: list[dict[str, Any]] = []
    score_rows: list[dict[str, Any]] = []
    domain_rows: list[dict[str, Any]] = []
    for assessment_id, item in zip(ids, batch, strict=True):
        if item.choices is not None:
            answer_rows.extend(
                {
                    "assessment_id": assessment_id,
                    "question_id": question_id,
                    "choice": item.choices[question_id],
                    "evidence": item.evidence.get(question_id),
                    "updated_at": item.submitted_at,
                    "updated_by_id": item.submitted_by_id,
                }
                for question_id in sorted(item.choices)
            )
        score_rows.append(
            {
                "assessment_id": assessment_id,
                "site_id": item.site_id,
                "period": item.period,
                "questionnaire_id": questionnaire_id,
                "questionnaire_version": version,
                "submitted_at": item.submitted_at,
                "overall_hundredths": item.scores.overall_hundredths,
                "overall_level": item.scores.overall_level,
            }
        )
        domain_rows.extend(
            {"assessment_id": assessment_id, "domain_id": domain_id, "score_hundredths": score, "level": level}
            for domain_id, score, level in item.scores.domains
        )
    return answer_rows, score_rows, domain_rows


def _is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _reserve_ids(table: str, count: int) -> list[int]:
    """Ids from the table's own sequence (safe alongside the app's inserts; no sequence to fix afterwards)."""
    return list(
        db.session.scalars(
            text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, :count)"),
            {"count": count},
        )
    )


def _copy(table: str, rows: Sequence[dict[str, Any]]) -> None:
    """PostgreSQL's COPY, in the session's transaction. psycopg's executemany sends one INSERT per row
    and multi-row INSERTs spend their time in psycopg's query parsing: COPY is 5 to 10 times faster."""
    columns = list(rows[0])
    for name in columns:
        if isinstance(TABLES[table].c[name].type, UTCDateTime):
            for row in rows:
                value = row[name]
                if value is not None and value.tzinfo is None:
                    raise ValueError("naive datetime given; use an aware UTC datetime")
    connection = db.session.connection().connection.driver_connection
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
        for row in rows:
            copy.write_row(tuple(row[name] for name in columns))


def fix_sequences() -> None:
    """On PostgreSQL, move the id sequences of assessments and answers past the largest id in use.

    Not needed after insert_submitted_assessments (its ids come from the sequences); for rows written
    with explicit ids by other means (a restore, a hand-made fixture). Does nothing on SQLite, whose
    next rowid is always past the largest."""
    if not _is_postgresql():
        return
    for table in ("assessments", "answers"):
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table}), 1), (SELECT max(id) FROM {table}) IS NOT NULL)"
            )
        )
