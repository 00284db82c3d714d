"""A site's target level for each area of the questionnaire: the rung the governor means to reach, which is
not always the top. One row per site, questionnaire and area; the row's version lets a save over someone
else's newer save be noticed (no lost writes). Every change is an audit event (assess.data.targets)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assess.models.base import Base, UTCDateTime, utcnow
from assess.models.user import User


class SiteTarget(Base):
    __tablename__ = "site_targets"
    __table_args__ = (
        CheckConstraint("level >= 0 AND level <= 10", name="level_range"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True)
    questionnaire_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    domain_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    level: Mapped[int] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    set_by: Mapped[User | None] = relationship(lazy="joined")
