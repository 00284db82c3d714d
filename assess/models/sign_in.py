"""Sign-in attempts: one row per password checked, kept for a day, so that throttling holds across every
process and host (assess.auth.throttle has the rules, assess.data.sign_in_attempts the queries)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from assess.models.base import Base, UTCDateTime, utcnow


class SignInAttempt(Base):
    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        # The two throttling queries: recent failures for one email, and for one address, newest first.
        Index("ix_sign_in_attempts_email", "email", "success", "occurred_at"),
        Index("ix_sign_in_attempts_address", "address", "success", "occurred_at"),
        # Pruning rows older than a day.
        Index("ix_sign_in_attempts_occurred_at", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    email: Mapped[str] = mapped_column(String(255))  # as typed, normalised (trimmed, lower case)
    address: Mapped[str] = mapped_column(String(64))  # the client's address (request.remote_addr)
    success: Mapped[bool] = mapped_column(Boolean)
    # "password", or "second factor" (a security or recovery code): wrong codes also have a daily limit.
    factor: Mapped[str] = mapped_column(String(20), default="password", server_default="password")

    def __repr__(self) -> str:
        return f"<SignInAttempt {self.id} {self.email} {self.address} {'ok' if self.success else 'failed'}>"
