from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from assess.models.base import Base, UTCDateTime, utcnow
from assess.questionnaire.schema import NATIONS as NATIONS
from assess.questionnaire.schema import SITE_KINDS


class Site(Base):
    """A prison or a probation delivery unit: the thing that is assessed."""

    __tablename__ = "sites"
    __table_args__ = (
        CheckConstraint("kind IN (" + ", ".join(f"'{kind}'" for kind in SITE_KINDS) + ")", name="kind"),
        CheckConstraint("length(code) > 0", name="code_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    nation: Mapped[str] = mapped_column(String(40))
    region: Mapped[str] = mapped_column(String(100), index=True)
    category: Mapped[str | None] = mapped_column(String(100))
    function: Mapped[str | None] = mapped_column(String(100))
    population_band: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    @property
    def kind_label(self) -> str:
        return "Prison" if self.kind == "prison" else "Probation service"

    def __repr__(self) -> str:
        return f"<Site {self.code}>"
