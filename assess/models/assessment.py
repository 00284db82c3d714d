from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assess.models.base import Base, UTCDateTime, utcnow
from assess.models.site import Site
from assess.models.user import User
from assess.questionnaire.schema import ANSWER_CHOICES


class AssessmentStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class QuestionnaireVersion(Base):
    """A questionnaire version that assessments use, with the content hash recorded at first use."""

    __tablename__ = "questionnaire_versions"
    __table_args__ = (UniqueConstraint("questionnaire_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(20))
    content_hash: Mapped[str] = mapped_column(String(64))
    first_used_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Assessment(Base):
    """One site's self-assessment for one period. It belongs to the site, not to a person."""

    __tablename__ = "assessments"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'submitted')", name="status"),
        CheckConstraint("length(period) = 7 AND substr(period, 5, 1) = '-'", name="period_format"),
        CheckConstraint(
            "(status = 'draft' AND submitted_at IS NULL) OR (status = 'submitted' AND submitted_at IS NOT NULL)",
            name="submitted_has_time",
        ),
        # At most one open (draft) assessment per site and period.
        Index(
            "uq_assessments_one_draft_per_site_period",
            "site_id",
            "period",
            unique=True,
            sqlite_where=text("status = 'draft'"),
            postgresql_where=text("status = 'draft'"),
        ),
        Index("ix_assessments_site_period", "site_id", "period", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    period: Mapped[str] = mapped_column(String(7))
    questionnaire_id: Mapped[str] = mapped_column(String(100))
    questionnaire_version: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=AssessmentStatus.DRAFT.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The submitted assessment whose answers and evidence this one started from ("start from last year's
    # answers"); None when it started blank.
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))

    site: Mapped[Site] = relationship(lazy="joined")
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id], lazy="joined")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", lazy="selectin", order_by="Answer.id", cascade="all, delete-orphan"
    )

    @property
    def is_submitted(self) -> bool:
        return self.status == AssessmentStatus.SUBMITTED.value

    def answer_map(self) -> dict[str, str | None]:
        return {answer.question_id: answer.choice for answer in self.answers}

    def evidence_map(self) -> dict[str, str]:
        return {answer.question_id: answer.evidence or "" for answer in self.answers}


class AssessmentSection(Base):
    """Who last saved one area (domain) of an assessment, and how many times it has been saved: the version
    an area page carries in its form, so that a save over someone else's newer save is noticed."""

    __tablename__ = "assessment_sections"
    __table_args__ = (CheckConstraint("version >= 1", name="version_positive"),)

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    domain_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # True while the area holds answers copied from an earlier assessment that nobody has reviewed and saved
    # here yet: the assessment cannot be submitted until every carried-over area has been saved.
    carried_over: Mapped[bool] = mapped_column(default=False, server_default=text("false"))

    saved_by: Mapped[User | None] = relationship(lazy="joined")


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("assessment_id", "question_id"),
        CheckConstraint(
            "choice IS NULL OR choice IN (" + ", ".join(f"'{value}'" for value in ANSWER_CHOICES) + ")",
            name="choice",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(100))
    choice: Mapped[str | None] = mapped_column(String(20))
    evidence: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    assessment: Mapped[Assessment] = relationship(back_populates="answers")
