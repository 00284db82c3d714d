"""The audit trail: one row per change of state, written in the same transaction as the change.

Append-only: the database refuses UPDATE and DELETE on the table (triggers, assess.models.triggers).
No foreign keys: an event outlives what it names, and keeps the actor's label as it was.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from assess.models.base import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_assessment", "assessment_id", "id"),
        Index("ix_audit_events_site", "site_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    request_id: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(Integer)  # who, when signed in (no key: the row outlives them)
    actor: Mapped[str] = mapped_column(String(255))  # who, as shown: "Ada Governor (ada@example.org)", "command line"
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(100))
    site_id: Mapped[int | None] = mapped_column(Integer)
    assessment_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action} {self.object_type}:{self.object_id}>"
