"""The open queries on a governor's sites, as the sites page lists them: each site's open queries with
how many there are, how many wait for the site's reply and how many are overdue. Read in one query for
all the sites (assess.data.site_queries), so the page's queries do not grow with the number of sites."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from assess.data.site_queries import get_open_queries_for_sites
from assess.services.queries import QueryView, query_view


@dataclass(frozen=True)
class SiteQueries:
    """One site's open queries, the one due soonest first."""

    views: list[QueryView] = field(default_factory=list)

    @property
    def open(self) -> int:
        return len(self.views)

    @property
    def awaiting(self) -> int:
        """Waiting for the site's reply (the others are answered, with the inspector)."""
        return sum(1 for view in self.views if view.query.status == "awaiting site")

    @property
    def overdue(self) -> int:
        return sum(1 for view in self.views if view.overdue)


def open_queries_by_site(site_ids: Iterable[int], today: date) -> dict[int, SiteQueries]:
    """Every one of these sites, with its open queries (none for most)."""
    ids = list(site_ids)
    found = get_open_queries_for_sites(ids)
    return {site_id: SiteQueries([query_view(query, today) for query in found.get(site_id, [])]) for site_id in ids}
