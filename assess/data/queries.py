"""Queries from an inspector to a site, and the site's right of reply.

A query is raised on one or more areas of a submitted assessment with a due date (awaiting site); the
site replies, agreeing, or disagreeing with evidence (answered); the inspector resolves it or closes it
unresolved. Each step is a `QueryEntry` (who, when, the text) and an audit event. A change of status is
one conditional `UPDATE ... WHERE status IN (...) AND version = ...`: two people acting on one query at the
same moment cannot both succeed, and the second is told what happened (`QueryConflict`).
Flushes, never commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.orm import joinedload

from assess.data.audit import actor_label, record
from assess.data.clock import now
from assess.extensions import db
from assess.models import OPEN_QUERY_STATUSES, Assessment, Query, QueryEntry, QueryStatus, User

AWAITING = QueryStatus.AWAITING_SITE.value
ANSWERED = QueryStatus.ANSWERED.value
RESOLVED = QueryStatus.RESOLVED.value
CLOSED = QueryStatus.CLOSED.value

# What each step does: the statuses it may follow, and the status it leaves.
STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    "agree": ((AWAITING,), ANSWERED),
    "disagree": ((AWAITING,), ANSWERED),
    "resolved": ((ANSWERED, AWAITING), RESOLVED),
    "closed": ((ANSWERED, AWAITING), CLOSED),
}


@dataclass
class QueryConflict(Exception):
    """The query had moved on since the page was opened: nothing was saved."""

    status: str


@dataclass(frozen=True)
class SiteQueryCounts:
    open: int = 0
    overdue: int = 0
    soonest_due: date | None = None  # the earliest reply date among the open queries


# A query's assessment is loaded for its period and site, never its answers (a few hundred rows a page).
_WITHOUT_ANSWERS = joinedload(Query.assessment).lazyload(Assessment.answers)


def get_query(query_id: int) -> Query | None:
    return db.session.get(Query, query_id, populate_existing=True)


def get_queries_for_assessment(assessment_id: int) -> list[Query]:
    """Oldest first."""
    return list(
        db.session.scalars(
            select(Query)
            .options(_WITHOUT_ANSWERS)
            .where(Query.assessment_id == assessment_id)
            .order_by(Query.id)
            .execution_options(populate_existing=True)
        )
    )


def get_queries_for_site(site_id: int) -> list[Query]:
    """Every query on any of the site's assessments, newest first."""
    return list(
        db.session.scalars(
            select(Query)
            .options(_WITHOUT_ANSWERS)
            .where(Query.site_id == site_id)
            .order_by(Query.id.desc())
            .execution_options(populate_existing=True)
        )
    )


def get_query_counts(site_ids: Iterable[int], today: date) -> dict[int, SiteQueryCounts]:
    """Open and overdue queries per site, in one query (sites with none are absent)."""
    ids = sorted(set(site_ids))
    if not ids:
        return {}
    overdue = func.sum(case((and_(Query.status == AWAITING, Query.due_on < today), 1), else_=0))
    rows = db.session.execute(
        select(Query.site_id, func.count(), overdue, func.min(Query.due_on))
        .where(Query.site_id.in_(ids), Query.status.in_(OPEN_QUERY_STATUSES))
        .group_by(Query.site_id)
    )
    return {site_id: SiteQueryCounts(count, int(late or 0), soonest) for site_id, count, late, soonest in rows}


def _entry(query_id: int, user: User, kind: str, text: str, evidence: str | None = None) -> QueryEntry:
    entry = QueryEntry(
        query_id=query_id,
        kind=kind,
        text=text,
        evidence=evidence or None,
        at=now(),
        by_id=user.id,
        by_label=actor_label(user),
    )
    db.session.add(entry)
    return entry


def raise_query(assessment: Assessment, user: User, domain_ids: list[str], text: str, due_on: date) -> Query:
    query = Query(
        assessment_id=assessment.id,
        site_id=assessment.site_id,
        domain_ids=list(domain_ids),
        text=text,
        due_on=due_on,
        status=AWAITING,
        version=1,
        raised_at=now(),
        raised_by_id=user.id,
    )
    db.session.add(query)
    db.session.flush()
    _entry(query.id, user, "raised", text)
    record(
        user,
        "query-raised",
        "query",
        query.id,
        site_id=assessment.site_id,
        assessment_id=assessment.id,
        after={"areas": list(domain_ids), "text": text, "due": due_on.isoformat(), "status": AWAITING},
    )
    db.session.flush()
    return query


def step_query(query: Query, user: User, kind: str, text: str, evidence: str | None, expected_version: int) -> Query:
    """Reply (agree / disagree), resolve or close a query, if it is still where the page saw it."""
    allowed, new_status = STEPS[kind]
    moved = db.session.scalar(
        update(Query)
        .where(Query.id == query.id, Query.status.in_(allowed), Query.version == expected_version)
        .values(status=new_status, version=Query.version + 1)
        .returning(Query.id)
        .execution_options(synchronize_session=False)
    )
    if moved is None:
        current = get_query(query.id)
        raise QueryConflict(current.status if current else "gone")
    _entry(query.id, user, kind, text, evidence)
    after = {"status": new_status, "step": kind, "text": text}
    if evidence:
        after["evidence"] = evidence
    record(
        user,
        f"query-{kind}",
        "query",
        query.id,
        site_id=query.site_id,
        assessment_id=query.assessment_id,
        before={"status": query.status},
        after=after,
    )
    db.session.flush()
    refreshed = get_query(query.id)
    assert refreshed is not None
    return refreshed
