"""Areas (a named set of sites a commissioner is responsible for) and commissioners' assurance decisions.

An area has a type: a region, a prison group, a probation region, a contract, or a Police and Crime
Commissioner area. A site may be in several areas. A commissioner's account is linked to areas, and the
commissioner access rule (assess.auth.policy) lets them see the sites in them.

An assurance decision is a commissioner's judgement on a site (or one area of the questionnaire at a site):
assured, partly assured or not assured, with the questions asked, a rationale and a date to revisit it.
Decisions are never changed or deleted (triggers: migrations/versions/e7b2c5d90a14); a new decision on the
same site and area of the questionnaire supersedes the earlier one, which stays in its history.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assess.models.base import Base, UTCDateTime, utcnow
from assess.models.site import Site
from assess.models.user import User

AREA_TYPES = {
    "region": "Region",
    "prison group": "Prison group",
    "probation region": "Probation region",
    "contract": "Contract",
    "pcc area": "Police and Crime Commissioner area",
}


class Assurance(enum.StrEnum):
    ASSURED = "assured"
    PARTLY = "partly assured"
    NOT_ASSURED = "not assured"


area_sites = Table(
    "area_sites",
    Base.metadata,
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_area_sites_site", "site_id"),
)

user_areas = Table(
    "user_areas",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
)


class Area(Base):
    __tablename__ = "areas"
    __table_args__ = (
        CheckConstraint("type IN (" + ", ".join(f"'{value}'" for value in AREA_TYPES) + ")", name="type"),
        CheckConstraint("length(code) > 0", name="code_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    sites: Mapped[list[Site]] = relationship(secondary=area_sites, lazy="selectin", order_by=(Site.name, Site.id))

    @property
    def type_label(self) -> str:
        return AREA_TYPES.get(self.type, self.type)

    def __repr__(self) -> str:
        return f"<Area {self.code}>"


class AssuranceDecision(Base):
    __tablename__ = "assurance_decisions"
    __table_args__ = (
        CheckConstraint("outcome IN (" + ", ".join(f"'{item.value}'" for item in Assurance) + ")", name="outcome"),
        CheckConstraint("length(trim(rationale)) > 0", name="rationale_required"),
        Index("ix_assurance_decisions_site", "site_id", "id"),
        Index("ix_assurance_decisions_revisit", "revisit_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))  # made through
    domain_id: Mapped[str | None] = mapped_column(String(100))  # one area of the questionnaire, or the site
    outcome: Mapped[str] = mapped_column(String(20))
    questions: Mapped[str] = mapped_column(Text, default="")
    rationale: Mapped[str] = mapped_column(Text)
    revisit_on: Mapped[date] = mapped_column(Date)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_label: Mapped[str] = mapped_column(String(255))

    site: Mapped[Site] = relationship(lazy="joined")
    decided_by: Mapped[User | None] = relationship(lazy="joined")
