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
from assess.data.sites import get_sites_in_scope
from assess.models import Assessment, Site

NO_ASSESSMENT = "no assessment"
DRAFT = "draft"
SUBMITTED = "submitted"
STATUSES = (NO_ASSESSMENT, DRAFT, SUBMITTED)  # "in review" and "validated" arrive with validation (issue 11)


@dataclass(frozen=True)
class CaseloadRow:
    site: Site
    latest: Assessment | None
    status: str
    overdue: bool  # no submitted assessment for the last complete year

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


def caseload(
    today: date, *, all_sites: bool, site_ids: frozenset[int], kinds_nations: frozenset[tuple[str, str]]
) -> Caseload:
    """The caseload of a scope of the access policy (its three parts, as assess.auth.policy.Scope has them)."""
    sites = get_sites_in_scope(all_sites, site_ids, kinds_nations)
    ids = [site.id for site in sites]
    latest = get_latest_assessments(ids)
    due = periods.previous_period(periods.period_for(today))
    submitted_for_due = get_sites_with_submission(ids, due)
    rows = []
    for site in sites:
        assessment = latest.get(site.id)
        status = NO_ASSESSMENT if assessment is None else (SUBMITTED if assessment.is_submitted else DRAFT)
        rows.append(CaseloadRow(site, assessment, status, overdue=site.id not in submitted_for_due))
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
            ]
        )
    return out.getvalue()
