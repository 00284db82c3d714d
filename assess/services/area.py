"""A commissioner's area, assembled once for each page and its CSV (issue 12): coverage for a period, the
area against national for the same kind of site, the sites-by-areas matrix, a site's read-only summary, and
assurance decisions. Alphabetical by default and never ranked: sorting by one area of the questionnaire
groups sites by their level there, ties alphabetical.

Each part reads every site of the area together (assess.data.area_queries), so the number of statements a
page sends does not grow with the number of sites.

Coverage statuses (each site has exactly one, so the counts add up to the number of sites in the area), for
the site's assessments in the chosen period:

- validated: its latest submitted assessment of the period has a final (validated) review;
- submitted: it has submitted for the period, and the review has not begun or is still in progress (the row
  says which);
- draft: nothing submitted yet, a draft is started, and the period has not ended;
- overdue: the period has ended and nothing was submitted for it (a draft left unsubmitted counts here: the
  row says a draft was started);
- not started: the period has not ended and there is no assessment for it yet.

Levels in the matrix and the area's figures: a level is *validated* when the inspector's review of that
assessment is final and their decision gives a level (agree, raise or lower); the inspector's level is then
shown, and the self-assessed one beside it where they differ. Decisions of a review still in progress may
change, so until it is final the cell shows the self-assessed level (the row says "In review"); an area the
inspector was unable to validate stays self-assessed and says so. National figures are always built from
self-assessed levels (as every benchmark is), from the sites of the same kind outside the area, and reach
the page only when they pass disclosure control (docs/disclosure.md).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from flask import current_app

from assess import periods
from assess.assurance import OUTCOMES, current_of, is_due, is_overdue
from assess.benchmarking import GroupBenchmark, GroupDecision, NotShown, quantile
from assess.benchmarking.compare import version_maps
from assess.benchmarking.groups import kind_plural
from assess.charts.area import TOO_FEW_TO_SHOW
from assess.charts.table import csv_safe
from assess.data import area_queries
from assess.data.area_queries import LatestResult, PeriodAssessment
from assess.data.assessments import get_assessment
from assess.data.queries import SiteQueryCounts, get_query_counts
from assess.data.reviews import get_review_states
from assess.models import Area, Assessment, AssuranceDecision, Site
from assess.questionnaire.schema import Questionnaire
from assess.services.area_stats import (
    OUTSIDE_THIS_AREA,
    OUTSIDE_YOUR_AREAS,
    cached_national,
    cell_text,
    excluded_sites,
    national_groups,
    not_shown_sentence,
)
from assess.services.queries import QueryView, site_queries
from assess.services.questionnaires import MAIN_QUESTIONNAIRE, latest, registry
from assess.services.results import OwnScores, SiteTrend, own_scores, site_trend
from assess.services.validation import ValidationView, validation_view

LONDON = ZoneInfo("Europe/London")

# -- coverage -------------------------------------------------------------------------------------------------

NOT_STARTED = "not started"
DRAFT = "draft"
SUBMITTED = "submitted"
VALIDATED = "validated"
OVERDUE = "overdue"
COVERAGE_STATUSES = (NOT_STARTED, DRAFT, SUBMITTED, VALIDATED, OVERDUE)
STATUS_LABELS = {
    NOT_STARTED: "Not started",
    DRAFT: "Draft",
    SUBMITTED: "Submitted",
    VALIDATED: "Validated",
    OVERDUE: "Overdue",
}
STATUS_MEANINGS = {
    NOT_STARTED: "no assessment for the year yet, and the year has not ended",
    DRAFT: "an assessment is started but not submitted, and the year has not ended",
    SUBMITTED: "submitted, and the inspector's review has not begun or is still in progress",
    VALIDATED: "submitted, and the inspector's review is final",
    OVERDUE: "the year has ended and nothing was submitted for it",
}
PERIODS_OFFERED = 5  # the current year and the four before it
NEVER = "never"


@dataclass(frozen=True)
class CoverageRow:
    site: Site
    status: str  # one of COVERAGE_STATUSES
    detail: str  # "In review", "Not yet reviewed", "A draft was started", or ""
    latest: LatestResult | None  # the site's latest submitted result, of any year
    today: date

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def last_submitted(self) -> datetime | None:
        return self.latest.last_submitted_at if self.latest else None

    @property
    def age_days(self) -> int | None:
        """How old the latest result is, in days since it was submitted."""
        return None if self.latest is None else (self.today - _uk_day(self.latest.submitted_at)).days

    @property
    def age_text(self) -> str:
        return "No result" if self.latest is None else age_text(_uk_day(self.latest.submitted_at), self.today)


@dataclass
class Coverage:
    period: str
    ended: bool  # the period is over: a site with nothing submitted for it is overdue
    rows: list[CoverageRow]  # every site of the area, alphabetical

    @property
    def counts(self) -> dict[str, int]:
        """How many sites have each status (every status, in the order of COVERAGE_STATUSES)."""
        found = Counter(row.status for row in self.rows)
        return {status: found.get(status, 0) for status in COVERAGE_STATUSES}

    @property
    def total(self) -> int:
        return len(self.rows)


def _uk_day(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def age_text(since: date, today: date) -> str:
    """How long ago, in words: '12 days', '5 months', '2 years and 1 month'."""
    days = (today - since).days
    if days < 1:
        return "Today"
    if days < 31:
        return f"{days} day{'s' if days != 1 else ''}"
    months = (today.year - since.year) * 12 + today.month - since.month - (1 if today.day < since.day else 0)
    months = max(months, 1)
    if months < 12:
        return f"{months} month{'s' if months != 1 else ''}"
    years, rest = divmod(months, 12)
    text = f"{years} year{'s' if years != 1 else ''}"
    return text + (f" and {rest} month{'s' if rest != 1 else ''}" if rest else "")


def period_has_ended(period: str, today: date) -> bool:
    return period < periods.period_for(today)


def offered_periods(today: date) -> list[str]:
    """The years a commissioner may choose, newest first."""
    found = [periods.period_for(today)]
    while len(found) < PERIODS_OFFERED:
        found.append(periods.previous_period(found[-1]))
    return found


def latest_submitted(items: Sequence[PeriodAssessment]) -> PeriodAssessment | None:
    """The latest submitted of a site's assessments in a period (as benchmarks count it)."""
    submitted = [item for item in items if item.submitted_at is not None and item.status == SUBMITTED]
    if not submitted:
        return None
    return max(submitted, key=lambda item: (item.submitted_at, item.id))


def coverage_status(
    items: Sequence[PeriodAssessment], review_states: Mapping[int, str], ended: bool
) -> tuple[str, str]:
    """(status, detail) of one site for a period, from its assessments in the period (see the module's
    docstring for the definitions). Exactly one status, whatever the assessments."""
    chosen = latest_submitted(items)
    if chosen is not None:
        state = review_states.get(chosen.id)
        if state == VALIDATED:
            return VALIDATED, ""
        return SUBMITTED, "In review" if state == "in review" else "Not yet reviewed"
    if ended:
        return OVERDUE, "A draft was started" if items else ""
    if items:
        return DRAFT, ""
    return NOT_STARTED, ""


def coverage(
    sites: Sequence[Site], period: str, today: date, in_period: Mapping[int, list[PeriodAssessment]] | None = None
) -> Coverage:
    """Where every site of the area stands for the period, in three queries (two when the period's assessments
    are given: area_queries.get_period_assessments)."""
    ids = [site.id for site in sites]
    if in_period is None:
        in_period = area_queries.get_period_assessments(ids, period)
    chosen = [latest_submitted(items) for items in in_period.values()]
    states = get_review_states(item.id for item in chosen if item is not None)
    results = area_queries.get_latest_results(ids, MAIN_QUESTIONNAIRE)
    ended = period_has_ended(period, today)
    rows = []
    for site in _alphabetical(sites):
        status, detail = coverage_status(in_period.get(site.id, []), states, ended)
        rows.append(CoverageRow(site, status, detail, results.get(site.id), today))
    return Coverage(period, ended, rows)


def _alphabetical(sites: Iterable[Site]) -> list[Site]:
    return sorted(sites, key=lambda site: (site.name.casefold(), site.code))


COVERAGE_CSV_HEADERS = (
    "Site code",
    "Site",
    "Kind",
    "Year",
    "Status",
    "Detail",
    "Last submission",
    "Latest result year",
    "Latest result submitted",
    "Age of latest result (days)",
)


def coverage_csv(cover: Coverage) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COVERAGE_CSV_HEADERS)
    for row in cover.rows:
        writer.writerow(
            [
                csv_safe(row.site.code),
                csv_safe(row.site.name),
                row.site.kind,
                cover.period,
                row.status,
                row.detail.lower(),
                _uk_day(row.last_submitted).isoformat() if row.last_submitted else NEVER,
                row.latest.period if row.latest else "",
                _uk_day(row.latest.submitted_at).isoformat() if row.latest else "",
                row.age_days if row.age_days is not None else "",
            ]
        )
    return out.getvalue()


# -- levels: self-assessed or validated, across questionnaire versions -----------------------------------------

SELF_ASSESSED = "self-assessed"
VALIDATED_BASIS = "validated"
NOT_COMPARABLE = "not comparable"
NOT_SCORED = "not scored"
NO_RESULT = "no result"


def _version_lookup(questionnaire: Questionnaire, versions: Iterable[str]) -> dict[str, dict[str, str]]:
    """For each version answered: the latest questionnaire's area id -> that version's area id (areas the version
    does not have are absent: not comparable)."""
    wanted = sorted(set(versions))
    definitions = {version: registry().get(questionnaire.id, version) for version in wanted}
    maps = version_maps(questionnaire, definitions)
    return {version: {target: own for own, target in maps[version].to_site_domain.items()} for version in wanted}


@dataclass(frozen=True)
class Cell:
    """One site's level in one area of the questionnaire."""

    domain_id: str
    basis: str  # SELF_ASSESSED, VALIDATED_BASIS, NOT_COMPARABLE, NOT_SCORED or NO_RESULT
    level: int | None = None
    level_name: str | None = None
    self_level: int | None = None  # the self-assessed level, when a validated one is shown
    self_level_name: str | None = None
    note: str = ""  # "unable to validate"

    @property
    def text(self) -> str:
        if self.level is not None:
            return f"{self.level} – {self.level_name}"
        return {NOT_COMPARABLE: "Not comparable", NOT_SCORED: "Not scored", NO_RESULT: "No result"}.get(
            self.basis, "Not scored"
        )

    @property
    def basis_label(self) -> str:
        if self.level is None:
            return ""
        return "Validated" if self.basis == VALIDATED_BASIS else "Self-assessed"

    @property
    def differs(self) -> bool:
        return self.basis == VALIDATED_BASIS and self.self_level != self.level


def level_cell(
    domain_id: str,
    own_id: str | None,
    levels: Mapping[str, int],
    decisions: Mapping[str, area_queries.AreaDecisionRow],
    names: Mapping[int, str],
) -> Cell:
    """The cell of one area: `own_id` is the area's id in the version answered (None: not comparable); `levels`
    the stored self-assessed levels; `decisions` a final review's decisions (empty unless final)."""
    if own_id is None:
        return Cell(domain_id, NOT_COMPARABLE)
    self_level = levels.get(own_id)
    decision = decisions.get(own_id)
    if decision is not None and decision.decision != "unable" and decision.validated_level is not None:
        return Cell(
            domain_id,
            VALIDATED_BASIS,
            decision.validated_level,
            names.get(decision.validated_level, ""),
            self_level,
            names.get(self_level) if self_level is not None else None,
        )
    note = "unable to validate" if decision is not None and decision.decision == "unable" else ""
    if self_level is None:
        return Cell(domain_id, NOT_SCORED, note=note)
    return Cell(domain_id, SELF_ASSESSED, self_level, names.get(self_level, ""), note=note)


# -- the matrix -------------------------------------------------------------------------------------------------

REVIEW_LABELS = {"submitted": "Not yet reviewed", "in review": "In review", "validated": "Validated"}


@dataclass(frozen=True)
class MatrixRow:
    site: Site
    result: LatestResult | None
    review: str | None  # "submitted" (no review yet), "in review" or "validated"; None without a result
    cells: tuple[Cell, ...]

    @property
    def review_label(self) -> str:
        return REVIEW_LABELS.get(self.review or "", "")

    def cell(self, domain_id: str) -> Cell:
        return next(cell for cell in self.cells if cell.domain_id == domain_id)


@dataclass(frozen=True)
class MatrixGroup:
    """Sites with the same level in the area sorted by (or one group of every site, alphabetical)."""

    label: str
    rows: tuple[MatrixRow, ...]


@dataclass
class Matrix:
    questionnaire: Questionnaire  # the latest version: its areas are the columns
    rows: list[MatrixRow]  # alphabetical
    sort: str | None = None  # the area the sites are grouped by, or None (alphabetical)

    @property
    def groups(self) -> list[MatrixGroup]:
        if self.sort is None:
            return [MatrixGroup("", tuple(self.rows))]
        return group_by_level(self.rows, self.sort, self.questionnaire)

    @property
    def versions(self) -> list[str]:
        return sorted({row.result.questionnaire_version for row in self.rows if row.result is not None})

    @property
    def has_not_comparable(self) -> bool:
        return any(cell.basis == NOT_COMPARABLE for row in self.rows for cell in row.cells)


def group_by_level(rows: Sequence[MatrixRow], domain_id: str, questionnaire: Questionnaire) -> list[MatrixGroup]:
    """The rows grouped by their level in one area, the highest level first, then those not scored, not
    comparable and without a result; alphabetical within each group (rows come alphabetical)."""
    names = {level.value: level.name for level in questionnaire.levels}
    by_level: dict[int, list[MatrixRow]] = {}
    others: dict[str, list[MatrixRow]] = {NOT_SCORED: [], NOT_COMPARABLE: [], NO_RESULT: []}
    for row in rows:
        cell = row.cell(domain_id)
        if cell.level is not None:
            by_level.setdefault(cell.level, []).append(row)
        else:
            others[cell.basis if cell.basis in others else NOT_SCORED].append(row)
    groups = [
        MatrixGroup(f"Level {level} – {names.get(level, '')}", tuple(by_level[level]))
        for level in sorted(by_level, reverse=True)
    ]
    labels = {
        NOT_SCORED: "Not scored",
        NOT_COMPARABLE: "Not comparable: the version answered has no such area",
        NO_RESULT: "No submitted assessment",
    }
    groups.extend(MatrixGroup(labels[key], tuple(found)) for key, found in others.items() if found)
    return groups


def matrix(sites: Sequence[Site], sort: str | None = None) -> Matrix:
    """Every site of the area against the areas of the latest questionnaire, from each site's latest submitted
    result, in four queries."""
    questionnaire = latest().definition
    names = {level.value: level.name for level in questionnaire.levels}
    results = area_queries.get_latest_results([site.id for site in sites], questionnaire.id)
    assessment_ids = [result.assessment_id for result in results.values()]
    levels = area_queries.get_domain_levels(assessment_ids)
    states = get_review_states(assessment_ids)
    final = area_queries.get_final_decisions(assessment_ids)
    lookup = _version_lookup(questionnaire, (result.questionnaire_version for result in results.values()))
    rows = []
    for site in _alphabetical(sites):
        result = results.get(site.id)
        if result is None:
            cells = tuple(Cell(domain.id, NO_RESULT) for domain in questionnaire.domains)
            rows.append(MatrixRow(site, None, None, cells))
            continue
        own_ids = lookup[result.questionnaire_version]
        cells = tuple(
            level_cell(
                domain.id,
                own_ids.get(domain.id),
                levels.get(result.assessment_id, {}),
                final.get(result.assessment_id, {}),
                names,
            )
            for domain in questionnaire.domains
        )
        rows.append(MatrixRow(site, result, states.get(result.assessment_id, "submitted"), cells))
    return Matrix(questionnaire, rows, sort if sort is not None and questionnaire.has_domain(sort) else None)


def matrix_csv(grid: Matrix) -> str:
    """A row per site (in the page's order), and for each area of the questionnaire its level, the level's
    name and whether it is self-assessed or validated (or why there is none)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    headers = ["Site code", "Site", "Kind", "Year of result", "Questionnaire version", "Review"]
    if grid.sort is not None:
        headers.append(f"Grouped by level in: {grid.questionnaire.domain(grid.sort).title}")
    for domain in grid.questionnaire.domains:
        headers.extend([f"{domain.title}: level", f"{domain.title}: level name", f"{domain.title}: basis"])
    writer.writerow([csv_safe(header) for header in headers])
    for group in grid.groups:
        for row in group.rows:
            line: list[object] = [
                csv_safe(row.site.code),
                csv_safe(row.site.name),
                row.site.kind,
                row.result.period if row.result else "",
                row.result.questionnaire_version if row.result else "",
                row.review_label.lower(),
            ]
            if grid.sort is not None:
                line.append(group.label)
            for cell in row.cells:
                basis = cell.basis + (f" ({cell.note})" if cell.note else "")
                line.extend([cell.level if cell.level is not None else "", cell.level_name or "", basis])
            writer.writerow(line)
    return out.getvalue()


# -- the area against national ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A median level with the number of sites it is from, and why it is not shown when it is not."""

    basis: str  # SELF_ASSESSED or VALIDATED_BASIS
    n: int
    median: Fraction | None = None  # None: not shown (no sites, or held back by disclosure control)
    not_shown: str = ""

    @property
    def shown(self) -> bool:
        return self.median is not None


@dataclass(frozen=True)
class DomainFigures:
    domain_id: str
    title: str
    area_self: Figure
    area_validated: Figure
    national: Figure


@dataclass
class KindComparison:
    """The area's sites of one kind against all the sites of that kind outside the area."""

    kind: str
    label: str  # "Prisons"
    national_label: str  # "All prisons outside this area"
    sites: int  # in the area, of this kind
    with_result: int  # of them, with a submitted assessment for the period
    national_shown: bool
    national_reason: str  # why the national figures are not shown, when they are not
    versions: list[str]  # the questionnaire versions the area's results are on
    rows: list[DomainFigures] = field(default_factory=list)


def median_of(values: Sequence[int]) -> Fraction | None:
    if not values:
        return None
    return quantile(Counter(values), Fraction(1, 2))


def median_text(value: Fraction | None, questionnaire: Questionnaire) -> str:
    """'2 – Consultation', or '2.5 (between Consultation and Involvement)'."""
    if value is None:
        return ""
    names = {level.value: level.name for level in questionnaire.levels}
    if value.denominator == 1:
        return f"{value.numerator} – {names.get(value.numerator, '')}"
    low, high = int(value), int(value) + 1
    shown = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return f"{shown} (between {names.get(low, low)} and {names.get(high, high)})"


def _national_figure(
    decision: GroupDecision, benchmark: GroupBenchmark | None, held_back: Mapping[str, NotShown], domain_id: str
) -> Figure:
    if not decision.shown or benchmark is None:
        reason = decision.reason
        return Figure(SELF_ASSESSED, reason.sites if reason else 0, not_shown=cell_text(reason) if reason else "")
    summary = benchmark.domains.get(domain_id)
    reason = held_back.get(domain_id)
    if summary is None or reason is not None:
        if reason is not None:
            return Figure(SELF_ASSESSED, reason.sites, not_shown=cell_text(reason))
        return Figure(SELF_ASSESSED, 0, not_shown=TOO_FEW_TO_SHOW)
    return Figure(SELF_ASSESSED, summary.peers, quantile(summary.levels, Fraction(1, 2)))


def area_against_national(
    area: Area,
    period: str,
    in_period: Mapping[int, list[PeriodAssessment]],
    visible_site_ids: Collection[int] | None,
    min_size: int,
) -> list[KindComparison]:
    """For each kind of site in the area: the area's median level per area of the questionnaire (self-assessed,
    and validated where the review is final) beside the median level of the other sites of that kind.

    The national figures are exactly those of the distribution page (assess.services.area_stats): the same
    groups (each kind, and each category the area has), leaving out every site the person sees by name
    (`visible_site_ids`), decided together by disclosure control, so this page shows nothing that page holds
    back and no pair of figures across the two isolates a site. A figure held back says why."""
    sites = sorted(area.sites, key=lambda site: (site.name, site.id))
    questionnaire = latest().definition
    chosen = {site_id: latest_submitted(items) for site_id, items in in_period.items()}
    submitted = {site_id: item for site_id, item in chosen.items() if item is not None}
    ids = [item.id for item in submitted.values()]
    levels = area_queries.get_domain_levels(ids)
    final = area_queries.get_final_decisions(ids)
    lookup = _version_lookup(questionnaire, (item.questionnaire_version for item in submitted.values()))
    names = {level.value: level.name for level in questionnaire.levels}
    exclude = excluded_sites(area, visible_site_ids)
    outside = OUTSIDE_THIS_AREA if exclude == frozenset(site.id for site in sites) else OUTSIDE_YOUR_AREAS
    groups = national_groups(sites, outside) if sites else []
    national = cached_national([group for group, _, _, _ in groups], exclude, period, questionnaire, min_size)
    decisions = {group.id: decision for (group, _, _, _), decision in zip(groups, national.decisions, strict=True)}
    comparisons = []
    for group, _, kind, category in groups:
        if category is not None:
            continue  # the overview compares each kind of site; the categories are on the distribution page
        of_kind = [site for site in sites if site.kind == kind]
        results = [submitted[site.id] for site in of_kind if site.id in submitted]
        decision = decisions[group.id]
        benchmark = national.benchmarks.get(group.id)
        held_back = national.held_back.get(group.id, {})
        plural = kind_plural(kind)
        comparison = KindComparison(
            kind=kind,
            label=plural.capitalize(),
            national_label=f"All other {plural}, {outside}",
            sites=len(of_kind),
            with_result=len(results),
            national_shown=decision.shown,
            national_reason=not_shown_sentence(decision.reason, period) if decision.reason else "",
            versions=sorted({item.questionnaire_version for item in results}),
        )
        for domain in questionnaire.domains:
            own: list[int] = []
            checked: list[int] = []
            for item in results:
                own_id = lookup[item.questionnaire_version].get(domain.id)
                cell = level_cell(domain.id, own_id, levels.get(item.id, {}), final.get(item.id, {}), names)
                if cell.basis == SELF_ASSESSED and cell.level is not None:
                    own.append(cell.level)
                elif cell.basis == VALIDATED_BASIS and cell.level is not None:
                    checked.append(cell.level)
                    if cell.self_level is not None:
                        own.append(cell.self_level)
            comparison.rows.append(
                DomainFigures(
                    domain.id,
                    domain.title,
                    Figure(SELF_ASSESSED, len(own), median_of(own)),
                    Figure(VALIDATED_BASIS, len(checked), median_of(checked)),
                    _national_figure(decision, benchmark, held_back, domain.id),
                )
            )
        comparisons.append(comparison)
    return comparisons


# -- assurance decisions ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionView:
    decision: AssuranceDecision
    site: Site
    about: str  # "The site as a whole", or the area of the questionnaire's title
    current: bool  # not superseded by a later decision on the same site and area
    due: bool  # current, and its revisit date is within 30 days or has passed
    overdue: bool  # current, and its revisit date has passed

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.decision.outcome, self.decision.outcome)


WHOLE_SITE_LABEL = "The site as a whole"


def domain_title(questionnaire: Questionnaire, domain_id: str | None) -> str:
    if domain_id is None:
        return WHOLE_SITE_LABEL
    return questionnaire.domain(domain_id).title if questionnaire.has_domain(domain_id) else domain_id


def decision_views(
    decisions: Sequence[AssuranceDecision], sites: Mapping[int, Site], today: date
) -> list[DecisionView]:
    """Every decision, newest first, each marked current or superseded (its history is the rest)."""
    questionnaire = latest().definition
    current = {decision.id for decision in current_of(decisions)}
    views = []
    for decision in decisions:
        is_current = decision.id in current
        views.append(
            DecisionView(
                decision,
                sites[decision.site_id],
                domain_title(questionnaire, decision.domain_id),
                is_current,
                is_current and is_due(decision, today),
                is_current and is_overdue(decision, today),
            )
        )
    return views


@dataclass
class SiteDecisions:
    """One site's decisions: the current one for each area it is about, with the earlier ones (its history)."""

    site: Site
    views: list[DecisionView]  # newest first

    @property
    def current(self) -> list[DecisionView]:
        return [view for view in self.views if view.current]

    def history(self, view: DecisionView) -> list[DecisionView]:
        """The earlier decisions on the same site and area, newest first."""
        return [
            other for other in self.views if not other.current and other.decision.domain_id == view.decision.domain_id
        ]


def decisions_by_site(sites: Sequence[Site], today: date) -> list[SiteDecisions]:
    """The decisions on each of these sites that has any, alphabetical by site, in one query."""
    by_id = {site.id: site for site in sites}
    views = decision_views(area_queries.get_assurance_decisions(list(by_id)), by_id, today)
    grouped = [
        SiteDecisions(site, [view for view in views if view.site.id == site.id]) for site in _alphabetical(sites)
    ]
    return [item for item in grouped if item.views]


# -- the area overview ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteQueries:
    """A site's open queries, counted (the site summary lists them one by one): an area may have hundreds."""

    site: Site
    counts: SiteQueryCounts


@dataclass
class AreaOverview:
    area: Area
    period: str
    periods: list[str]
    coverage: Coverage
    comparisons: list[KindComparison]
    decisions: list[SiteDecisions]
    open_queries: list[SiteQueries]  # one row per site with open queries, the soonest reply date first
    questionnaire: Questionnaire

    @property
    def due_decisions(self) -> list[DecisionView]:
        """Current decisions due for revisit within 30 days (or overdue), soonest first."""
        due = [view for item in self.decisions for view in item.current if view.due]
        return sorted(due, key=lambda view: (view.decision.revisit_on, view.site.name.casefold()))

    @property
    def questionnaire_versions(self) -> list[str]:
        return sorted({version for item in self.comparisons for version in item.versions})


def area_overview(
    area: Area,
    period: str,
    today: date,
    visible_site_ids: Collection[int] | None = None,
    min_size: int | None = None,
) -> AreaOverview:
    """The overview of an area for a period, in a number of queries that does not depend on its sites.
    `visible_site_ids`: every site the person sees by name, which national figures leave out (None: the area's
    sites only, as for an administrator); `min_size`: MIN_PEER_GROUP (None: the app's setting)."""
    if min_size is None:
        min_size = int(current_app.config["MIN_PEER_GROUP"])
    sites = list(area.sites)
    in_period = area_queries.get_period_assessments([site.id for site in sites], period)
    cover = coverage(sites, period, today, in_period)
    counts = get_query_counts([site.id for site in sites], today)
    open_queries = sorted(
        (SiteQueries(site, counts[site.id]) for site in sites if site.id in counts),
        key=lambda row: (row.counts.soonest_due or today, row.site.name.casefold(), row.site.id),
    )
    return AreaOverview(
        area=area,
        period=period,
        periods=offered_periods(today),
        coverage=cover,
        comparisons=area_against_national(area, period, in_period, visible_site_ids, min_size),
        decisions=decisions_by_site(sites, today),
        open_queries=open_queries,
        questionnaire=latest().definition,
    )


# -- a site in the area ------------------------------------------------------------------------------------------


@dataclass
class SiteSummary:
    site: Site
    area: Area
    assessment: Assessment | None  # the latest submitted assessment
    results: OwnScores | None  # its levels (the page shows no benchmarks)
    validation: ValidationView | None  # the site's copy: never an inspector's internal note
    trend: SiteTrend
    queries: list[QueryView]  # open ones
    decisions: SiteDecisions
    latest_questionnaire: Questionnaire


def site_summary(area: Area, site: Site, today: date) -> SiteSummary:
    """A site of the area, read-only: its latest submitted assessment's levels, self-assessed and validated
    (the site's own copy of the validation, without internal notes), its trend, its open queries and the
    assurance decisions about it."""
    found = area_queries.get_latest_results([site.id], MAIN_QUESTIONNAIRE).get(site.id)
    assessment = get_assessment(found.assessment_id) if found is not None else None
    results = validation = None
    if assessment is not None:
        results = own_scores(assessment)
        validation = validation_view(assessment, results.questionnaire, results.result, internal=False)
    return SiteSummary(
        site=site,
        area=area,
        assessment=assessment,
        results=results,
        validation=validation,
        trend=site_trend(site),
        queries=[view for view in site_queries(site, today) if view.query.is_open],
        decisions=SiteDecisions(
            site, decision_views(area_queries.get_assurance_decisions([site.id]), {site.id: site}, today)
        ),
        latest_questionnaire=latest().definition,
    )


def site_decisions(sites: Sequence[Site], today: date) -> dict[int, SiteDecisions]:
    """For a governor's sites page: each site's decisions (sites with none have an empty list), one query."""
    found = {item.site.id: item for item in decisions_by_site(sites, today)}
    return {site.id: found.get(site.id, SiteDecisions(site, [])) for site in sites}


def domain_choices() -> list[tuple[str, str]]:
    """The areas of the latest questionnaire a decision may be about: (id, title)."""
    return [(domain.id, domain.title) for domain in latest().definition.domains]
