"""Queries between an inspector and a site, as the pages, the evidence pack and the caseload show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assess.data.queries import get_queries_for_assessment, get_queries_for_site
from assess.models import Query, Site
from assess.questionnaire.schema import Questionnaire
from assess.services.questionnaires import registry

STATUS_LABELS = {
    "awaiting site": "Awaiting the site's reply",
    "answered": "Answered",
    "resolved": "Resolved",
    "closed unresolved": "Closed unresolved",
}


@dataclass(frozen=True)
class QueryView:
    query: Query
    areas: list[str]  # the titles of the areas it is about
    overdue: bool

    @property
    def status_label(self) -> str:
        return ("Overdue: " if self.overdue else "") + STATUS_LABELS.get(self.query.status, self.query.status)


def _areas(questionnaire: Questionnaire | None, domain_ids: list[str]) -> list[str]:
    if questionnaire is None:
        return list(domain_ids)
    return [questionnaire.domain(item).title if questionnaire.has_domain(item) else item for item in domain_ids]


def _view(query: Query, today: date, questionnaire: Questionnaire | None) -> QueryView:
    return QueryView(query, _areas(questionnaire, query.domain_ids), query.is_overdue(today))


def assessment_queries(assessment_id: int, questionnaire: Questionnaire, today: date) -> list[QueryView]:
    """Oldest first."""
    return [_view(query, today, questionnaire) for query in get_queries_for_assessment(assessment_id)]


def site_queries(site: Site, today: date) -> list[QueryView]:
    """Every query on the site's assessments, newest first, open ones before closed ones."""
    views = []
    for query in get_queries_for_site(site.id):
        assessment = query.assessment
        loaded = registry().get(assessment.questionnaire_id, assessment.questionnaire_version)
        views.append(_view(query, today, loaded))
    return sorted(views, key=lambda view: not view.query.is_open)


def query_view(query: Query, today: date) -> QueryView:
    assessment = query.assessment
    return _view(query, today, registry().get(assessment.questionnaire_id, assessment.questionnaire_version))
