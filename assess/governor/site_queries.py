"""What the sites page reads about a governor's sites, for all of them at once so that the page's queries do
not grow with the number of sites: each site's open queries with how many there are, how many wait for the
site's reply and how many are overdue (assess.data.site_queries); and each site's latest submitted overall
level, with its year (assess.data.benchmarks.get_latest_submitted_scores, issue 13 item 9)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from assess.data.benchmarks import get_latest_submitted_scores
from assess.data.site_queries import get_open_queries_for_sites
from assess.services.queries import QueryView, query_view
from assess.services.questionnaires import definition_for, latest


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


@dataclass(frozen=True)
class LatestLevel:
    """A site's latest submitted overall result: the year it is for, and its level (None when nothing in it
    could be scored, for example every answer "not applicable")."""

    assessment_id: int
    period: str
    level: int | None
    level_name: str | None
    score: float | None

    @property
    def label(self) -> str:
        """ "Level 3: Participation", or "Not scored"."""
        if self.level is None:
            return "Not scored"
        return f"Level {self.level}: {self.level_name}"


def latest_levels_by_site(site_ids: Iterable[int]) -> dict[int, LatestLevel]:
    """Each of these sites' latest submitted overall level on the main questionnaire (the newest year, then the
    newest submission), named from the version it was answered on; sites that never submitted are absent."""
    questionnaire_id = latest().definition.id
    found = get_latest_submitted_scores(site_ids, questionnaire_id, with_domains=False)  # the page shows no area
    levels: dict[int, LatestLevel] = {}
    for site_id, stored in found.items():
        level = stored.overall_level
        name = None
        if level is not None:
            definition = definition_for(stored.questionnaire_id, stored.questionnaire_version)
            name = definition.level(level).name
        score = None if stored.overall_hundredths is None else stored.overall_hundredths / 100
        levels[site_id] = LatestLevel(stored.assessment_id, stored.period, level, name, score)
    return levels
