"""The open queries of many sites at once, for a page that lists sites (a governor's sites page): one query
whatever the number of sites, so the page's queries stay constant in the number of sites it lists."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload, raiseload

from assess.extensions import db
from assess.models import OPEN_QUERY_STATUSES, Assessment, Query


def get_open_queries_for_sites(site_ids: Iterable[int]) -> dict[int, list[Query]]:
    """Each site's open queries (awaiting the site, or answered and back with the inspector), the one due
    soonest first; sites with none are absent. A query's assessment comes with it (joined), without its
    answers; its entries and who raised it do not come (a list of queries shows neither)."""
    ids = sorted(set(site_ids))
    found: dict[int, list[Query]] = {}
    if not ids:
        return found
    rows = db.session.scalars(
        select(Query)
        .where(Query.site_id.in_(ids), Query.status.in_(OPEN_QUERY_STATUSES))
        .options(
            raiseload(Query.entries),
            raiseload(Query.raised_by),  # who raised it is not listed (and would bring their roles and sites)
            joinedload(Query.assessment).options(raiseload(Assessment.answers), lazyload(Assessment.submitted_by)),
        )
        .order_by(Query.site_id, Query.due_on, Query.id)
    )
    for query in rows:
        found.setdefault(query.site_id, []).append(query)
    return found
