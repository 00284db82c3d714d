"""One-time links to choose a password (the service sends no email: an admin makes a link and passes it on).

Only a hash (SHA-256) of the link's token is stored, so a copy of the database gives no usable link. A link
works once, until it expires (72 hours), and only while it is the person's newest: making a new link replaces
every older unused one (`replaced_at`). Using it is one conditional UPDATE (`used_at`), so two tabs (or two
servers) cannot both use it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assess.models.base import Base, UTCDateTime, utcnow
from assess.models.user import User


class PasswordLink(Base):
    __tablename__ = "password_links"
    __table_args__ = (Index("ix_password_links_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # hex SHA-256 of the token
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    made_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    made_by: Mapped[User | None] = relationship(foreign_keys=[made_by_id], lazy="joined")

    def __repr__(self) -> str:
        return f"<PasswordLink {self.id} for user {self.user_id}>"
