"""Writing and reading the audit trail. Every data function that changes state calls `record` in the same
transaction as the change (the request commits both, or neither)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

from sqlalchemy import select

from assess.data.clock import now
from assess.extensions import db
from assess.models import AuditEvent

# Set for each request (assess.common.unit_of_work) and each CLI command: every event it writes carries it.
_request_id: ContextVar[str | None] = ContextVar("audit_request_id", default=None)
COMMAND_LINE = "command line"


class Person(Protocol):
    id: int
    name: str
    email: str


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def request_id(value: str) -> Iterator[str]:
    token = _request_id.set(value)
    try:
        yield value
    finally:
        _request_id.reset(token)


def set_request_id(value: str | None) -> None:
    _request_id.set(value)


def current_request_id() -> str | None:
    return _request_id.get()


def actor_label(user: Person | None) -> str:
    if user is None:
        return COMMAND_LINE
    return f"{user.name} ({user.email})"


def record(
    user: Person | None,
    action: str,
    object_type: str,
    object_id: object = None,
    *,
    site_id: int | None = None,
    assessment_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor: str | None = None,
) -> AuditEvent:
    """Add one event to the session (flushed with the change it records; committed with it)."""
    event = AuditEvent(
        occurred_at=now(),
        request_id=current_request_id(),
        user_id=user.id if user is not None else None,
        actor=(actor or actor_label(user))[:255],
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        site_id=site_id,
        assessment_id=assessment_id,
        before=before,
        after=after,
    )
    db.session.add(event)
    return event


def get_events_for_assessment(assessment_id: int) -> list[AuditEvent]:
    """Newest first."""
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.assessment_id == assessment_id).order_by(AuditEvent.id.desc())
        )
    )


def get_events_for_site(site_id: int, limit: int | None = None) -> list[AuditEvent]:
    """Newest first: the site's own events and those of its assessments."""
    statement = select(AuditEvent).where(AuditEvent.site_id == site_id).order_by(AuditEvent.id.desc())
    if limit is not None:
        statement = statement.limit(limit)
    return list(db.session.scalars(statement))
