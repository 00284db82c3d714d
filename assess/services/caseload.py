"""An inspector's caseload: every site in their remit with where its self-assessment stands. Alphabetical,
never ranked. Built in a constant number of queries, whatever the number of sites."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from assess import periods
from assess.charts.table import csv_safe
from assess.data.assessments import get_latest_assessments, get_sites_with_submission
from assess.data.queries import SiteQueryCounts, get_query_counts
from assess.data.reviews import get_review_states
from assess.data.sites import get_sites_in_scope
from assess.models import Assessment, Site

NO_ASSESSMENT = "no assessment"
DRAFT = "draft"
SUBMITTED = "submitted"
IN_REVIEW = "in review"
VALIDATED = "validated"
STATUSES = (NO_ASSESSMENT, DRAFT, SUBMITTED, IN_REVIEW, VALIDATED)
NO_QUERIES = SiteQueryCounts()


@dataclass(frozen=True)
class CaseloadRow:
    site: Site
    latest: Assessment | None
    status: str  # of the latest assessment: one of STATUSES
    overdue: bool  # no submitted assessment for the last complete year
    queries: SiteQueryCounts = NO_QUERIES  # open queries, and how many of them are overdue

    @property
    def period(self) -> str | None:
        return self.latest.period if self.latest else None

    @property
    def version(self) -> str | None:
        return self.latest.questionnaire_version if self.latest else None


@dataclass(frozen=True)
class Filters:
    region: str | None = None
    kind: str | None = None
    status: str | None = None

    def keep(self, row: CaseloadRow) -> bool:
        return (
            (self.region is None or row.site.region == self.region)
            and (self.kind is None or row.site.kind == self.kind)
            and (self.status is None or row.status == self.status)
        )


@dataclass(frozen=True)
class Caseload:
    rows: list[CaseloadRow]  # every site in the remit
    due_period: str  # the last complete year: a site without a submission for it is overdue

    @property
    def regions(self) -> list[str]:
        return sorted({row.site.region for row in self.rows})

    @property
    def kinds(self) -> list[str]:
        return sorted({row.site.kind for row in self.rows})

    def filtered(self, filters: Filters) -> list[CaseloadRow]:
        return [row for row in self.rows if filters.keep(row)]


def caseload_sites(
    *, all_sites: bool, site_ids: frozenset[int], kinds_nations: frozenset[tuple[str, str]]
) -> list[Site]:
    """The sites of a caseload, alphabetical, without their assessments, reviews and queries (choosing sites to
    compare needs only their names)."""
    return get_sites_in_scope(all_sites, site_ids, kinds_nations)


def caseload(
    today: date, *, all_sites: bool, site_ids: frozenset[int], kinds_nations: frozenset[tuple[str, str]]
) -> Caseload:
    """The caseload of a scope of the access policy (its three parts, as assess.auth.policy.Scope has them)."""
    sites = get_sites_in_scope(all_sites, site_ids, kinds_nations)
    ids = [site.id for site in sites]
    latest = get_latest_assessments(ids)
    due = periods.previous_period(periods.period_for(today))
    submitted_for_due = get_sites_with_submission(ids, due)
    states = get_review_states(item.id for item in latest.values() if item.is_submitted)
    queries = get_query_counts(ids, today)
    rows = []
    for site in sites:
        assessment = latest.get(site.id)
        if assessment is None:
            status = NO_ASSESSMENT
        elif not assessment.is_submitted:
            status = DRAFT
        else:
            status = states.get(assessment.id, SUBMITTED)
        rows.append(
            CaseloadRow(
                site,
                assessment,
                status,
                overdue=site.id not in submitted_for_due,
                queries=queries.get(site.id, NO_QUERIES),
            )
        )
    return Caseload(rows, due)


CSV_HEADERS = (
    "Site code",
    "Site",
    "Kind",
    "Nation",
    "Region",
    "Latest year",
    "Questionnaire version",
    "Status",
    "Overdue",
    "Open queries",
    "Overdue queries",
)


def caseload_csv(rows: list[CaseloadRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for row in rows:
        writer.writerow(
            [
                csv_safe(row.site.code),
                csv_safe(row.site.name),
                row.site.kind,
                row.site.nation,
                csv_safe(row.site.region),
                row.period or "",
                row.version or "",
                row.status,
                "yes" if row.overdue else "no",
                row.queries.open,
                row.queries.overdue,
            ]
        )
    return out.getvalue()
