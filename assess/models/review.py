"""An inspector's validation of a submitted self-assessment, and the queries between inspector and site.

The self-assessment is never changed: the validated level of each area is a separate value, kept beside
the site's own. A review is `in review` until an inspector finalises it (`validated`); a final review's
decisions are locked (by the code, and by database triggers: migrations/versions/d41c9e7a2b58) until
someone reopens it with a reason. Every change is an audit event (assess.data.audit).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assess.models.assessment import Assessment
from assess.models.base import Base, UTCDateTime, utcnow
from assess.models.user import User


class ReviewState(enum.StrEnum):
    IN_REVIEW = "in review"
    VALIDATED = "validated"


class Decision(enum.StrEnum):
    AGREE = "agree"
    RAISE = "raise"
    LOWER = "lower"
    UNABLE = "unable"


class Confidence(enum.StrEnum):
    CONFIDENT = "confident"
    PARTLY = "partly confident"
    NOT_CONFIDENT = "not confident"


class QueryStatus(enum.StrEnum):
    AWAITING_SITE = "awaiting site"
    ANSWERED = "answered"
    RESOLVED = "resolved"
    CLOSED = "closed unresolved"


OPEN_QUERY_STATUSES = (QueryStatus.AWAITING_SITE.value, QueryStatus.ANSWERED.value)


def _in(column: str, values: type[enum.StrEnum]) -> str:
    return f"{column} IN (" + ", ".join(f"'{item.value}'" for item in values) + ")"


class AssessmentReview(Base):
    """One inspector review of one submitted assessment (there is at most one; reopening reuses it)."""

    __tablename__ = "assessment_reviews"
    __table_args__ = (
        CheckConstraint(_in("state", ReviewState), name="state"),
        CheckConstraint("confidence IS NULL OR " + _in("confidence", Confidence), name="confidence"),
        CheckConstraint(
            "state <> 'validated' OR (confidence IS NOT NULL AND finalised_at IS NOT NULL)",
            name="validated_is_complete",
        ),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="RESTRICT"), primary_key=True)
    state: Mapped[str] = mapped_column(String(20), default=ReviewState.IN_REVIEW.value)
    confidence: Mapped[str | None] = mapped_column(String(30))
    summary: Mapped[str | None] = mapped_column(Text)
    internal_note: Mapped[str | None] = mapped_column(Text)  # never shown to the site
    version: Mapped[int] = mapped_column(default=1)  # of the summary part (confidence, summary, note)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    assessment: Mapped[Assessment] = relationship(lazy="raise")
    finalised_by: Mapped[User | None] = relationship(foreign_keys=[finalised_by_id], lazy="joined")

    @property
    def is_final(self) -> bool:
        return self.state == ReviewState.VALIDATED.value


class AreaValidation(Base):
    """The inspector's decision on one area (domain) of a submitted assessment."""

    __tablename__ = "area_validations"
    __table_args__ = (
        CheckConstraint(_in("decision", Decision), name="decision"),
        CheckConstraint("decision = 'agree' OR length(trim(reason)) > 0", name="reason_unless_agree"),
        CheckConstraint("decision <> 'unable' OR validated_level IS NULL", name="unable_has_no_level"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_reviews.assessment_id", ondelete="RESTRICT"), primary_key=True
    )
    domain_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    decision: Mapped[str] = mapped_column(String(20))
    self_level: Mapped[int | None] = mapped_column()  # the site's own level when decided (for the record)
    validated_level: Mapped[int | None] = mapped_column()
    reason: Mapped[str] = mapped_column(Text, default="")
    internal_note: Mapped[str | None] = mapped_column(Text)  # never shown to the site
    version: Mapped[int] = mapped_column(default=1)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    decided_by: Mapped[User | None] = relationship(lazy="joined")


class Query(Base):
    """A question from an inspector to a site about one or more areas of a submitted assessment, with a due
    date. Its status changes are kept as entries (QueryEntry), each with who, when and the text."""

    __tablename__ = "queries"
    __table_args__ = (
        CheckConstraint(_in("status", QueryStatus), name="status"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_queries_site_status", "site_id", "status"),
        Index("ix_queries_assessment", "assessment_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="RESTRICT"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    domain_ids: Mapped[list[str]] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(30), default=QueryStatus.AWAITING_SITE.value)
    version: Mapped[int] = mapped_column(default=1)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    raised_by: Mapped[User | None] = relationship(lazy="joined")
    assessment: Mapped[Assessment] = relationship(lazy="joined")
    entries: Mapped[list[QueryEntry]] = relationship(lazy="selectin", order_by="QueryEntry.id")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_QUERY_STATUSES

    def is_overdue(self, today: date) -> bool:
        """Still awaiting the site's reply after its due date."""
        return self.status == QueryStatus.AWAITING_SITE.value and self.due_on < today


class QueryEntry(Base):
    """One step of a query: raised, the site's reply (agree, or disagree with evidence), resolved or closed
    unresolved. Append-only (the database refuses UPDATE and DELETE)."""

    __tablename__ = "query_entries"
    __table_args__ = (
        CheckConstraint("kind IN ('raised', 'agree', 'disagree', 'resolved', 'closed')", name="kind"),
        CheckConstraint("kind <> 'disagree' OR length(trim(evidence)) > 0", name="disagree_has_evidence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    query_id: Mapped[int] = mapped_column(ForeignKey("queries.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    by_label: Mapped[str] = mapped_column(String(255))  # who, as shown then

    @property
    def label(self) -> str:
        return ENTRY_LABELS.get(self.kind, self.kind)


ENTRY_LABELS = {
    "raised": "Query raised",
    "agree": "Site replied: agrees",
    "disagree": "Site replied: disagrees",
    "resolved": "Resolved",
    "closed": "Closed unresolved",
}
