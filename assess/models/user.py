from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_security import RoleMixin, UserMixin
from sqlalchemy import BigInteger, Boolean, CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assess.models.base import Base, UTCDateTime, utcnow
from assess.questionnaire.schema import NATIONS, SITE_KINDS

if TYPE_CHECKING:
    from assess.models.area import Area
    from assess.models.site import Site

ROLES = {
    "governor": "Completes self-assessments for the sites they are linked to",
    "inspector": "Compares sites and validates self-assessments",
    "commissioner": "Sees dashboards for an area",
    "admin": "Manages users, sites and questionnaires",
}

# The roles that cannot reach their pages without a second factor (issue 14).
TWO_FACTOR_ROLES = frozenset({"inspector", "commissioner", "admin"})

user_roles = Table(
    "user_roles",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
)

user_sites = Table(
    "user_sites",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
)


class Remit(Base):
    """One kind of site in one nation that an inspector's remit covers (a remit is a set of these: prisons in
    England and Wales is two rows). The inspector access rule (assess.auth.policy) reads it."""

    __tablename__ = "user_remits"
    __table_args__ = (
        CheckConstraint("kind IN (" + ", ".join(f"'{kind}'" for kind in SITE_KINDS) + ")", name="kind"),
        CheckConstraint("nation IN (" + ", ".join(f"'{nation}'" for nation in NATIONS) + ")", name="nation"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    nation: Mapped[str] = mapped_column(String(40), primary_key=True)


class Role(Base, RoleMixin):
    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    description: Mapped[str] = mapped_column(String(200), default="")


class User(Base, UserMixin):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    fs_uniquifier: Mapped[str] = mapped_column(String(64), unique=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Two-factor sign-in (assess.auth.two_factor): the authenticator key, encrypted (libpass TOTP JSON); the
    # time step of the last code accepted, so that no code is accepted twice; the recovery codes not yet used,
    # as keyed hashes (a JSON list); when it was set up.
    tf_totp_secret: Mapped[str | None] = mapped_column(Text)
    tf_last_counter: Mapped[int | None] = mapped_column(BigInteger)
    tf_recovery_codes: Mapped[str | None] = mapped_column(Text)
    tf_set_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Raised by one with every admin action on the account: a change saved from an older page is refused (409).
    version: Mapped[int] = mapped_column(default=0, server_default="0")

    # Loaded when first read, not with every person loaded: an assessment's or a query's people (submitted by,
    # raised by, ...) are loaded for their names, and eager loading cost three statements for each (issue 15).
    # The signed-in person's roles come with them (Flask-Security joins them); lists that show them ask for them.
    roles: Mapped[list[Role]] = relationship(  # type: ignore[assignment]
        secondary=user_roles, lazy="select", order_by=Role.name
    )
    sites: Mapped[list[Site]] = relationship(secondary=user_sites, lazy="select", order_by="Site.name")
    remits: Mapped[list[Remit]] = relationship(
        lazy="select", order_by=(Remit.kind, Remit.nation), cascade="all, delete-orphan"
    )
    # A commissioner's areas; loaded when first read (only the commissioner rule and their pages read them).
    areas: Mapped[list[Area]] = relationship(secondary="user_areas", lazy="select", order_by="Area.name")

    def has_audience(self, name: str) -> bool:
        return any(role.name == name for role in self.roles)

    @property
    def two_factor_required(self) -> bool:
        """Inspectors, commissioners and admins must sign in with a second factor; it is offered to governors."""
        return any(role.name in TWO_FACTOR_ROLES for role in self.roles)

    @property
    def has_two_factor(self) -> bool:
        return bool(self.tf_totp_secret)

    def __repr__(self) -> str:
        return f"<User {self.email}>"
