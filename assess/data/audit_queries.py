"""Reading the audit trail for the admin's audit page and its CSV: filtered, newest first, a page at a time.

How an event relates to a site: `AuditEvent.site_id`, which every event about a site or its work carries (a
site imported or changed, an assessment started, answers saved, submitted, reviewed, queried, a target set,
a commissioner's assurance decision). Events about people (sign-in, accounts, two-factor), areas and
questionnaire versions name no site, so a site filter leaves them out. Sites are never deleted (assessments
keep them), so a site code always finds its id.

How an event relates to a person: `AuditEvent.user_id` (the signed-in person who acted) and `AuditEvent.actor`,
the label kept as it was ("Ada Governor (ada@example.org)", or the email typed at a failed sign-in); and, for
events about an account (object type "user"), the object id, which is that account's email. The user filter
matches any of them: events by a person whose email now contains the text, events whose actor label contains
it (an email since changed, a failed sign-in for an unknown address), and events about an account whose email
contains it (an admin's reset of their two-factor sign-in, their deactivation).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select

from assess.extensions import db
from assess.models import AuditEvent, Site, User

BATCH = 200  # events read at a time for a download


@dataclass(frozen=True)
class AuditFilter:
    """What to find; None or empty: not filtered on it. Times are UTC bounds: from inclusive, to exclusive."""

    user_text: str = ""
    site_id: int | None = None
    action: str = ""
    occurred_from: datetime | None = None
    occurred_before: datetime | None = None


def _conditions(wanted: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if wanted.user_text:
        text = wanted.user_text.lower()
        people = select(User.id).where(func.lower(User.email).contains(text, autoescape=True))
        conditions.append(
            or_(
                AuditEvent.user_id.in_(people),
                func.lower(AuditEvent.actor).contains(text, autoescape=True),
                and_(
                    AuditEvent.object_type == "user", func.lower(AuditEvent.object_id).contains(text, autoescape=True)
                ),
            )
        )
    if wanted.site_id is not None:
        conditions.append(AuditEvent.site_id == wanted.site_id)
    if wanted.action:
        conditions.append(AuditEvent.action == wanted.action)
    if wanted.occurred_from is not None:
        conditions.append(AuditEvent.occurred_at >= wanted.occurred_from)
    if wanted.occurred_before is not None:
        conditions.append(AuditEvent.occurred_at < wanted.occurred_before)
    return conditions


def count_events(wanted: AuditFilter) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(*_conditions(wanted))) or 0


def find_events(wanted: AuditFilter, offset: int = 0, limit: int = 50) -> list[AuditEvent]:
    """Newest first (by id: events are numbered as written, and the clock may repeat a time)."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(*_conditions(wanted))
            .order_by(AuditEvent.id.desc())
            .offset(max(offset, 0))
            .limit(max(limit, 0))
        )
    )


def audit_actions() -> list[str]:
    """Every action the trail holds, alphabetical."""
    return sorted(db.session.scalars(select(AuditEvent.action).distinct()))


def site_id_for_code(code: str) -> int | None:
    return db.session.scalar(select(Site.id).where(Site.code == code))


def site_codes(site_ids: set[int]) -> dict[int, str]:
    if not site_ids:
        return {}
    rows = db.session.execute(select(Site.id, Site.code).where(Site.id.in_(sorted(site_ids))))
    return {row.id: row.code for row in rows}


def iter_events(wanted: AuditFilter, limit: int) -> Iterator[AuditEvent]:
    """At most `limit` events, newest first, read BATCH at a time (by id, so a long download never holds them
    all, and events written meanwhile do not shift it)."""
    below: int | None = None
    left = limit
    while left > 0:
        statement = select(AuditEvent).where(*_conditions(wanted))
        if below is not None:
            statement = statement.where(AuditEvent.id < below)
        events = list(db.session.scalars(statement.order_by(AuditEvent.id.desc()).limit(min(BATCH, left))))
        if not events:
            return
        for event in events:
            yield event
            db.session.expunge(event)  # read only: the session lets it go
        left -= len(events)
        below = events[-1].id
