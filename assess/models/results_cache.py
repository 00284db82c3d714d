"""A submitted assessment's benchmarks, kept once worked out (issue 15): in the database, so that every worker
and every host shares them. One row per assessment; `key` is a hash of everything the benchmarks depend on
(assess.services.benchmarks.cached_site_benchmarks), so a row whose key no longer matches is simply worked out
again and replaced. `payload` is JSON (never pickle: a copy of the database must not be able to run code)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from assess.models.base import Base, UTCDateTime, utcnow


class ResultsCacheEntry(Base):
    __tablename__ = "results_cache"

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64))  # hex SHA-256 of what the payload was worked out from
    payload: Mapped[str] = mapped_column(Text)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<ResultsCacheEntry {self.assessment_id}>"


class FiguresCacheEntry(Base):
    """Figures that are not one assessment's but depend on the same things (issue 15): the national groups an
    area's distribution page compares with. One row per set of parameters (`name`, a hex SHA-256 of them);
    `key` as above."""

    __tablename__ = "figures_cache"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<FiguresCacheEntry {self.name[:12]}>"
