"""Commissioners' assurance decisions on sites (issue 12). Append-only: a new decision on the same site (and
area of the questionnaire) supersedes the earlier one, which stays in its history. Flushes, never commits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from assess.data import clock
from assess.data.audit import actor_label, record
from assess.extensions import db
from assess.models import Area, AssuranceDecision, Site, User


def record_decision(
    site: Site,
    user: User,
    *,
    area: Area | None,
    domain_id: str | None,
    outcome: str,
    questions: str,
    rationale: str,
    revisit_on: date,
) -> AssuranceDecision:
    """Record a decision (the caller has checked it: assess.assurance)."""
    decision = AssuranceDecision(
        site_id=site.id,
        area_id=area.id if area is not None else None,
        domain_id=domain_id,
        outcome=outcome,
        questions=questions,
        rationale=rationale,
        revisit_on=revisit_on,
        decided_at=clock.now(),
        decided_by_id=user.id,
        decided_by_label=actor_label(user),
    )
    db.session.add(decision)
    db.session.flush()
    record(
        user,
        "assurance-decided",
        "assurance-decision",
        decision.id,
        site_id=site.id,
        after={
            "area": area.code if area is not None else None,
            "domain": domain_id,
            "outcome": outcome,
            "questions": questions,
            "rationale": rationale,
            "revisit_on": revisit_on.isoformat(),
        },
    )
    return decision


def get_decisions(site_ids: Iterable[int]) -> list[AssuranceDecision]:
    """Every decision on these sites, newest first (one query)."""
    ids = sorted(set(site_ids))
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(AssuranceDecision)
            .where(AssuranceDecision.site_id.in_(ids))
            .order_by(AssuranceDecision.decided_at.desc(), AssuranceDecision.id.desc())
        )
    )


def current_decisions(decisions: Iterable[AssuranceDecision]) -> list[AssuranceDecision]:
    """The latest decision for each (site, area of the questionnaire), from a list newest first."""
    seen: set[tuple[int, str | None]] = set()
    current = []
    for decision in decisions:
        key = (decision.site_id, decision.domain_id)
        if key not in seen:
            seen.add(key)
            current.append(decision)
    return current
