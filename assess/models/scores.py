from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assess.models.base import Base, UTCDateTime

# Scores are stored in hundredths (2.7 -> 270): exact on every database, and what people see.


class AssessmentScore(Base):
    """The overall result of one submitted assessment, with what benchmarks filter on copied beside it."""

    __tablename__ = "assessment_scores"
    __table_args__ = (
        CheckConstraint(
            "overall_hundredths IS NULL OR (overall_hundredths >= 0 AND overall_hundredths <= 1000)", name="hundredths"
        ),
        CheckConstraint("overall_level IS NULL OR (overall_level >= 0 AND overall_level <= 10)", name="level"),
        Index("ix_assessment_scores_period_site", "period", "site_id", "submitted_at", "assessment_id"),
    )

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))
    questionnaire_id: Mapped[str] = mapped_column(String(100))
    questionnaire_version: Mapped[str] = mapped_column(String(20))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    overall_hundredths: Mapped[int | None] = mapped_column(Integer)
    overall_level: Mapped[int | None] = mapped_column(Integer)

    domains: Mapped[list[DomainScore]] = relationship(
        lazy="selectin", order_by="DomainScore.domain_id", cascade="all, delete-orphan"
    )


class DomainScore(Base):
    """One domain's score and level in one submitted assessment. Domains without a score have no row."""

    __tablename__ = "domain_scores"
    __table_args__ = (
        CheckConstraint("score_hundredths >= 0 AND score_hundredths <= 1000", name="hundredths"),
        CheckConstraint("level >= 0 AND level <= 10", name="level"),
    )

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_scores.assessment_id", ondelete="CASCADE"), primary_key=True
    )
    domain_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    score_hundredths: Mapped[int] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(Integer)
