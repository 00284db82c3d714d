from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, desc
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
        # Each site's latest assessment in a period (assess.data.benchmarks.latest_scores), read from the
        # index alone and in the window's order; the columns the benchmarks read are keys rather than
        # INCLUDE, so that the index is the same on SQLite and PostgreSQL.
        Index(
            "ix_assessment_scores_latest",
            "period",
            "questionnaire_id",
            "site_id",
            desc("submitted_at"),
            desc("assessment_id"),
            "questionnaire_version",
            "overall_hundredths",
            "overall_level",
        ),
        # A site's latest assessment in each period (assess.data.benchmarks.get_trend).
        Index("ix_assessment_scores_site", "site_id", "questionnaire_id", "period"),
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
        # A peer's domain scores read from the index alone (the primary key holds only the first two).
        Index("ix_domain_scores_covering", "assessment_id", "domain_id", "score_hundredths", "level"),
    )

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_scores.assessment_id", ondelete="CASCADE"), primary_key=True
    )
    domain_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    score_hundredths: Mapped[int] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(Integer)
