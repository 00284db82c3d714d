"""Sign-in attempts in the database (not in a process's memory), so that throttling holds across every
gunicorn worker and host. The rules are in assess.auth.throttle; the view decides with them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import InstrumentedAttribute

from assess.data.clock import now
from assess.extensions import db
from assess.models import SignInAttempt

KEPT_FOR = timedelta(days=1)
PASSWORD = "password"
SECOND_FACTOR = "second factor"


def recent_failures(
    *, email: str, address: str, window: timedelta, limit: int
) -> tuple[list[datetime], list[datetime]]:
    """The times of the newest `limit` failed attempts within `window` for this email, and for this address
    (one indexed query each: email or address, success, time)."""
    since = now() - window

    def newest(column: InstrumentedAttribute[str], value: str) -> list[datetime]:
        query = (
            select(SignInAttempt.occurred_at)
            .where(column == value, SignInAttempt.success.is_(False), SignInAttempt.occurred_at > since)
            .order_by(SignInAttempt.occurred_at.desc())
            .limit(limit)
        )
        return list(db.session.scalars(query))

    return newest(SignInAttempt.email, email), newest(SignInAttempt.address, address)


def second_factor_failures(*, email: str, window: timedelta, limit: int) -> list[datetime]:
    """The times of the newest `limit` wrong security or recovery codes for this account within `window` (at
    most a day: older attempts are deleted)."""
    query = (
        select(SignInAttempt.occurred_at)
        .where(
            SignInAttempt.email == email,
            SignInAttempt.success.is_(False),
            SignInAttempt.factor == SECOND_FACTOR,
            SignInAttempt.occurred_at > now() - window,
        )
        .order_by(SignInAttempt.occurred_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def record_attempt(*, email: str, address: str, success: bool, factor: str = PASSWORD) -> SignInAttempt:
    """Add one attempt (flushed; committed with the request), and delete attempts older than a day."""
    at = now()
    db.session.execute(delete(SignInAttempt).where(SignInAttempt.occurred_at < at - KEPT_FOR))
    attempt = SignInAttempt(occurred_at=at, email=email, address=address, success=success, factor=factor)
    db.session.add(attempt)
    db.session.flush()
    return attempt
