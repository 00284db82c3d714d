"""An area's board pack (issue 12, item 8), assembled once: the PDF and the CSV both read this one object of
plain values (text, numbers, dates, and each chart as its table and its figure's JSON), so they cannot
disagree, and the PDF's cache key is a digest of it (everything the pack prints).

It is built from the services the commissioner's pages use, so it shows exactly what they show, under the
same disclosure control: coverage (assess.services.area.coverage), the area against national and the matrix
(assess.services.area), the distributions and the trend (assess.services.area_stats), assurance decisions and
open queries. Nothing is ordered by score: sites are alphabetical (or by letter), and changes since last year
are per area of the questionnaire, ordered by the size of the change, never numbered.

Two variants:

- named (the default), for the commissioner's office: sites by name and code, and the assurance decisions'
  rationale, questions asked and who decided;
- anonymised, for circulation beyond it: each site is a letter ("Site A"), the same letter everywhere in one
  pack; every piece of free text is left out (rationales, questions asked, names of people; the pack never
  prints inspectors' reasons, summaries or query text in either variant); exact submission dates and ages are
  left out (a date can tell a reader which site is which), and so are the per-category distributions (a
  category with one or two of the area's sites would name them). The figures are the same, held back in the
  same places: the national figures are decided with every group the pages decide them with.

Letters follow neither the sites' names nor their codes (both public, so an order by either would let a
reader who knows the area map letters back to sites) nor their scores: they are given in the order of a keyed
hash, HMAC-SHA-256 of the area, the pack's year and the site's id under the app's SECRET_KEY, which nobody
without the key can work out. The same area and year always give the same letters, so the packs a board reads
in one year agree with each other; another year shuffles them.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from fractions import Fraction
from typing import TYPE_CHECKING, cast
from zoneinfo import ZoneInfo

from assess import periods
from assess.assurance import OUTCOMES
from assess.benchmarking.compare import version_maps
from assess.charts import Chart, Table
from assess.charts.area import area_trend_chart
from assess.charts.area import trend_breaks as find_breaks
from assess.charts.table import csv_safe
from assess.data import area_queries
from assess.data import area_stats as area_data
from assess.data.queries import get_query_counts
from assess.questionnaire.schema import Questionnaire
from assess.services.area import (
    COVERAGE_STATUSES,
    NEVER,
    STATUS_LABELS,
    STATUS_MEANINGS,
    Coverage,
    DecisionView,
    Figure,
    KindComparison,
    Matrix,
    area_against_national,
    coverage,
    decisions_by_site,
    matrix,
    median_of,
    offered_periods,
)
from assess.services.area_stats import (
    OUTSIDE_THIS_AREA,
    OUTSIDE_YOUR_AREAS,
    AreaTrend,
    area_distribution,
    area_trend,
    default_period,
    excluded_sites,
)
from assess.services.questionnaires import latest, registry

if TYPE_CHECKING:
    from assess.models import Area, AssessmentScore, Site

LONDON = ZoneInfo("Europe/London")

NAMED = "named"
ANONYMISED = "anonymised"
VARIANTS = (NAMED, ANONYMISED)
VARIANT_LABELS = {
    NAMED: "Named version: for the commissioner's office",
    ANONYMISED: "Anonymised version: for wider circulation",
}
SUMMARY_CHANGES = 4  # changes since last year on the first page (every area's is in the pack)
TREND_YEARS = 10  # the trend's last years (the trend page has every year)
SUMMARY_DECISIONS = 4  # decisions due on the first page (every current decision is in the pack)


# -- plain values ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackSite:
    label: str  # "HMP Fellwater", or "Site C"
    code: str  # "DEMO-FWR", or "C"
    kind: str  # "prison" or "probation"
    kind_label: str  # "Prison", "Probation service"


@dataclass(frozen=True)
class CoverageLine:
    site: PackSite
    status: str  # one of COVERAGE_STATUSES
    status_label: str
    detail: str  # "In review", "Not yet reviewed", "A draft was started" or ""
    latest_period: str | None  # the year of the site's latest submitted result, of any year
    last_submitted: date | None  # named only (None in the anonymised pack, and for a site that never submitted)


@dataclass(frozen=True)
class CoverageCount:
    status: str
    label: str
    meaning: str
    count: int


@dataclass(frozen=True)
class PackCoverage:
    period: str
    period_description: str
    ended: bool
    counts: tuple[CoverageCount, ...]  # every status, in the order of COVERAGE_STATUSES
    total: int
    rows: tuple[CoverageLine, ...]  # every site, in the pack's order


@dataclass(frozen=True)
class MedianFigure:
    """A median level with the number of sites it is from, or why it is not shown."""

    basis: str  # "self-assessed" or "validated"
    n: int
    median: Fraction | None
    not_shown: str  # "" when shown, or when there is simply no level ("n = 0")

    @property
    def shown(self) -> bool:
        return self.median is not None

    @property
    def value_text(self) -> str:
        """'2', '2.5'; '' when not shown."""
        return "" if self.median is None else median_number(self.median)


@dataclass(frozen=True)
class ComparisonRow:
    domain_id: str
    title: str
    area_self: MedianFigure
    area_validated: MedianFigure
    national: MedianFigure


@dataclass(frozen=True)
class KindFigures:
    """The area's sites of one kind against the other sites of that kind (assess.services.area.KindComparison)."""

    kind: str
    label: str  # "Prisons"
    area_label: str  # "Prisons in North West"
    national_label: str  # "All other prisons, outside this area"
    sites: int
    with_result: int
    national_shown: bool
    national_reason: str
    versions: tuple[str, ...]
    rows: tuple[ComparisonRow, ...]


@dataclass(frozen=True)
class ChangeRow:
    """One area of the questionnaire, last year against this year, over the sites with a comparable
    self-assessed level in both years."""

    domain_id: str
    title: str
    sites: int
    before: Fraction | None  # median level last year
    after: Fraction | None
    up: int
    same: int
    down: int

    @property
    def change(self) -> Fraction:
        if self.before is None or self.after is None:
            return Fraction(0)
        return self.after - self.before

    @property
    def size(self) -> tuple[Fraction, int]:
        """How big the change is: the median's move, then how many sites moved."""
        return abs(self.change), self.up + self.down

    @property
    def before_text(self) -> str:
        return "–" if self.before is None else median_number(self.before)

    @property
    def after_text(self) -> str:
        return "–" if self.after is None else median_number(self.after)

    @property
    def change_text(self) -> str:
        if self.sites == 0:
            return "No site to compare"
        if self.change == 0:
            return "No change"
        sign = "+" if self.change > 0 else "−"
        return f"{sign}{median_number(abs(self.change))}"

    @property
    def moved(self) -> bool:
        return self.up + self.down > 0 or self.change != 0


@dataclass(frozen=True)
class DecisionLine:
    site: PackSite
    whole_site: bool  # about the site as a whole (else one area of the questionnaire)
    about: str  # "The site as a whole", or the area of the questionnaire's title
    outcome: str
    outcome_label: str
    revisit_on: date
    due: bool
    overdue: bool
    # named only (None in the anonymised pack): free text and people
    decided_on: date | None = None
    decided_by: str | None = None
    questions: str | None = None
    rationale: str | None = None


@dataclass(frozen=True)
class QueryLine:
    """A site's open queries (awaiting its reply, or answered and back with the inspector): how many, how many
    are overdue, and the soonest reply date. A board reads them per site; the site's page lists each."""

    site: PackSite
    open: int
    overdue: int
    next_due: date


@dataclass(frozen=True)
class MatrixValue:
    domain_id: str
    text: str  # "3 – Participation", "Not comparable", "No result", "Not scored"
    level: int | None
    level_name: str
    basis: str  # "self-assessed", "validated", "not comparable", "not scored", "no result"
    basis_label: str  # "Validated", "Self-assessed", ""
    self_level_text: str  # the self-assessed level where a validated one differs, else ""
    note: str  # "unable to validate" or ""


@dataclass(frozen=True)
class MatrixLine:
    site: PackSite
    coverage: CoverageLine  # the site's status for the pack's year
    period: str | None  # year of the result shown
    version: str | None
    review: str  # "Not yet reviewed", "In review", "Validated", ""
    cells: tuple[MatrixValue, ...]


@dataclass(frozen=True)
class PackChart:
    """A chart as plain values: its table (exactly its numbers) and its figure as JSON."""

    id: str
    title: str
    description: str
    table: Table
    figure: str

    @property
    def has_figures(self) -> bool:
        return self.table.has_figures

    def json(self) -> str:
        return self.figure

    @classmethod
    def of(cls, chart: Chart) -> PackChart:
        return cls(chart.id, chart.title, chart.description, chart.table, chart.json())


@dataclass(frozen=True)
class DistributionPanel:
    heading: str  # "Prisons"
    group_label: str  # "All other prisons, outside this area"
    sites: tuple[str, ...]  # labels of the area's sites of this kind with a result in the year
    without_result: tuple[str, ...]
    note: str  # why the other sites' figures are not shown at all, or ""
    row_notes: tuple[tuple[str, str], ...]  # (row, why it is not shown)
    chart: PackChart | None


@dataclass(frozen=True)
class BoardPack:
    variant: str  # NAMED or ANONYMISED
    area_code: str
    area_name: str
    area_type: str  # "Region", "Prison group", ...
    today: date  # the day it is made: decisions due and overdue, ages
    questionnaire_title: str
    questionnaire_version: str
    domains: tuple[tuple[str, str], ...]  # (id, title) of the latest version, in order
    levels: tuple[tuple[int, str], ...]  # (value, name)
    min_peer_group: int
    outside: str  # "outside this area" or "outside the areas you cover"
    coverage: PackCoverage
    results_period: str | None  # the year of the national comparison, changes and distributions
    results_note: str  # why that year, when it is not the coverage year
    previous_period: str | None
    comparisons: tuple[KindFigures, ...]
    changes: tuple[ChangeRow, ...]  # every area, the biggest change first (ties by title)
    due: tuple[DecisionLine, ...]  # current decisions due for revisit within 30 days or overdue, soonest first
    decisions: tuple[DecisionLine, ...]  # every current decision, by site (pack order), then about
    superseded: int  # decisions replaced by a later one (kept in the history on the pages)
    queries: tuple[QueryLine, ...]  # each site with open queries, in the pack's order
    matrix: tuple[MatrixLine, ...]
    distributions: tuple[DistributionPanel, ...]
    trend: PackChart | None  # None when made without charts (for the CSV)
    trend_breaks: tuple[str, ...]
    trend_years: int  # how many years the trend may show (the last ones)
    trend_left_out: tuple[str, ...]  # versions whose results the trend leaves out
    sites: tuple[PackSite, ...] = field(default=())  # every site, in the pack's order

    @property
    def anonymised(self) -> bool:
        return self.variant == ANONYMISED

    @property
    def variant_label(self) -> str:
        return VARIANT_LABELS[self.variant]

    @property
    def period(self) -> str:
        return self.coverage.period

    @property
    def biggest_changes(self) -> tuple[ChangeRow, ...]:
        return tuple(row for row in self.changes if row.moved)[:SUMMARY_CHANGES]

    @property
    def compared_sites(self) -> int:
        """The most sites any area of the questionnaire compares between the two years."""
        return max((row.sites for row in self.changes), default=0)

    @property
    def due_on_summary(self) -> tuple[DecisionLine, ...]:
        return self.due[:SUMMARY_DECISIONS]

    @property
    def title(self) -> str:
        return f"Board pack: {self.area_name}, {self.period}"

    def filename(self, extension: str) -> str:
        return f"{self.area_code}-board-pack-{self.period}-{self.variant}.{extension}"


# -- helpers -------------------------------------------------------------------------------------------------------


def median_number(value: Fraction) -> str:
    """2 -> '2', 5/2 -> '2.5', 7/3 -> '2.33'."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def letter_name(index: int, width: int = 1) -> str:
    """The index'th code of `width` letters: (0, 1) -> 'A', (25, 1) -> 'Z', (0, 2) -> 'AA', (27, 2) -> 'BB'."""
    letters = []
    for _ in range(width):
        index, rest = divmod(index, 26)
        letters.append(chr(ord("A") + rest))
    return "".join(reversed(letters))


def site_letters(site_ids: Collection[int], secret: str | bytes, area_code: str, period: str) -> dict[int, str]:
    """Each site's letter, in the order of HMAC-SHA-256(secret, area, year, site id), so that the order says
    nothing about names, codes or scores to anyone without the app's secret key (see the module's docstring).
    Up to 26 sites get one letter each (A to Z); more get two each (AA, AB, ...), so that the letters sort as
    text in the same order everywhere."""
    key = secret.encode() if isinstance(secret, str) else secret

    def keyed(site_id: int) -> str:
        message = f"board-pack\x1f{area_code}\x1f{period}\x1f{site_id}".encode()
        return hmac.new(key, message, hashlib.sha256).hexdigest()

    width = 1
    while 26**width < len(site_ids):
        width += 1
    return {site_id: letter_name(index, width) for index, site_id in enumerate(sorted(site_ids, key=keyed))}


@dataclass(frozen=True)
class _StandInSite:
    """A site of the area as the distribution service reads it, carrying its letter as its name and code."""

    id: int
    code: str
    name: str
    kind: str
    category: str | None


@dataclass(frozen=True)
class _StandInArea:
    id: int
    code: str
    name: str
    sites: list[_StandInSite]


class _Labels:
    """Site -> how the pack prints it, and the pack's order of sites."""

    def __init__(self, sites: Sequence[Site], letters: Mapping[int, str] | None):
        self.letters = letters
        self.by_id: dict[int, PackSite] = {}
        for site in sites:
            if letters is None:
                self.by_id[site.id] = PackSite(site.name, site.code, site.kind, site.kind_label)
            else:
                letter = letters[site.id]
                self.by_id[site.id] = PackSite(f"Site {letter}", letter, site.kind, site.kind_label)

    def __getitem__(self, site_id: int) -> PackSite:
        return self.by_id[site_id]

    def order(self, site_id: int) -> tuple[object, ...]:
        """Named: alphabetical by name (then code); anonymised: by letter."""
        site = self.by_id[site_id]
        if self.letters is None:
            return (site.label.casefold(), site.code)
        return (site.code,)


def _figure(figure: Figure) -> MedianFigure:
    return MedianFigure(figure.basis, figure.n, figure.median, figure.not_shown)


def _comparisons(found: Sequence[KindComparison], area_name: str) -> tuple[KindFigures, ...]:
    return tuple(
        KindFigures(
            kind=item.kind,
            label=item.label,
            area_label=f"{item.label} in {area_name}",
            national_label=item.national_label,
            sites=item.sites,
            with_result=item.with_result,
            national_shown=item.national_shown,
            national_reason=item.national_reason,
            versions=tuple(item.versions),
            rows=tuple(
                ComparisonRow(
                    row.domain_id,
                    row.title,
                    _figure(row.area_self),
                    _figure(row.area_validated),
                    _figure(row.national),
                )
                for row in item.rows
            ),
        )
        for item in found
    )


def _coverage(cover: Coverage, labels: _Labels, anonymised: bool) -> PackCoverage:
    counts = cover.counts
    rows = sorted(cover.rows, key=lambda row: labels.order(row.site.id))
    return PackCoverage(
        period=cover.period,
        period_description=periods.describe(cover.period),
        ended=cover.ended,
        counts=tuple(
            CoverageCount(status, STATUS_LABELS[status], STATUS_MEANINGS[status], counts[status])
            for status in COVERAGE_STATUSES
        ),
        total=cover.total,
        rows=tuple(
            CoverageLine(
                site=labels[row.site.id],
                status=row.status,
                status_label=row.status_label,
                detail=row.detail,
                latest_period=row.latest.period if row.latest else None,
                last_submitted=None if anonymised or row.last_submitted is None else _uk_day(row.last_submitted),
            )
            for row in rows
        ),
    )


def _matrix(grid: Matrix, labels: _Labels, cover: PackCoverage) -> tuple[MatrixLine, ...]:
    rows = sorted(grid.rows, key=lambda row: labels.order(row.site.id))
    names = {level.value: level.name for level in grid.questionnaire.levels}
    lines = []
    for row in rows:
        cells = []
        for cell in row.cells:
            self_text = ""
            if cell.differs and cell.self_level is not None:
                self_text = f"{cell.self_level} – {names.get(cell.self_level, '')}"
            cells.append(
                MatrixValue(
                    domain_id=cell.domain_id,
                    text=cell.text,
                    level=cell.level,
                    level_name=cell.level_name or "",
                    basis=cell.basis,
                    basis_label=cell.basis_label,
                    self_level_text=self_text,
                    note=cell.note,
                )
            )
        site = labels[row.site.id]
        lines.append(
            MatrixLine(
                site=site,
                coverage=next(line for line in cover.rows if line.site is site),
                period=row.result.period if row.result else None,
                version=row.result.questionnaire_version if row.result else None,
                review=row.review_label,
                cells=tuple(cells),
            )
        )
    return tuple(lines)


def _uk_day(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def _decision_line(view: DecisionView, labels: _Labels, anonymised: bool) -> DecisionLine:
    decision = view.decision
    line = DecisionLine(
        site=labels[view.site.id],
        whole_site=decision.domain_id is None,
        about=view.about,
        outcome=decision.outcome,
        outcome_label=OUTCOMES.get(decision.outcome, decision.outcome),
        revisit_on=decision.revisit_on,
        due=view.due,
        overdue=view.overdue,
    )
    if anonymised:
        return line
    return replace(
        line,
        decided_on=_uk_day(decision.decided_at),
        decided_by=decision.decided_by_label,
        questions=decision.questions or "",
        rationale=decision.rationale,
    )


def results_year(submitted: Mapping[str, int], sites: int, period: str) -> str | None:
    """The year of the pack's results: of the years up to `period` in which any of the area's sites submitted,
    the newest in which at least half did (assess.services.area_stats.default_period), else the newest."""
    return default_period({year: count for year, count in submitted.items() if year <= period}, sites)


def _results_note(results: str | None, cover: PackCoverage, submitted: Mapping[str, int]) -> str:
    if results is None:
        return f"No site in the area has submitted a self-assessment for {cover.period} or any year before it."
    if results == cover.period:
        return ""
    done = submitted.get(cover.period, 0)
    return (
        f"The results are for {results}, the latest year in which at least half the sites submitted "
        f"({cover.period}: {done} of {cover.total} so far)."
    )


def changes_since(area_id: int, questionnaire: Questionnaire, period: str, previous: str) -> list[ChangeRow]:
    """Each area of the questionnaire: the sites of the area with a self-assessed level there in both years (each
    site's latest submitted assessment in each; an area its version does not have is not compared), how many
    moved up, stayed or moved down, and their median level each year. Four statements."""
    after = area_data.get_area_latest_scores(area_id, period, questionnaire.id)
    before = area_data.get_area_latest_scores(area_id, previous, questionnaire.id)
    versions = {stored.questionnaire_version for stored in (*after.values(), *before.values())}
    maps = version_maps(questionnaire, {version: registry().get(questionnaire.id, version) for version in versions})

    def levels(row: AssessmentScore) -> dict[str, int]:
        mapping = maps[row.questionnaire_version].to_site_domain
        return {mapping[item.domain_id]: item.level for item in row.domains if item.domain_id in mapping}

    now = {site_id: levels(stored) for site_id, stored in after.items()}
    then = {site_id: levels(stored) for site_id, stored in before.items()}
    rows = []
    for domain in questionnaire.domains:
        pairs = [
            (then[site_id][domain.id], now[site_id][domain.id])
            for site_id in sorted(set(now) & set(then))
            if domain.id in now[site_id] and domain.id in then[site_id]
        ]
        rows.append(
            ChangeRow(
                domain_id=domain.id,
                title=domain.title,
                sites=len(pairs),
                before=median_of([old for old, _ in pairs]),
                after=median_of([new for _, new in pairs]),
                up=sum(1 for old, new in pairs if new > old),
                same=sum(1 for old, new in pairs if new == old),
                down=sum(1 for old, new in pairs if new < old),
            )
        )
    return sorted(rows, key=lambda row: (-row.size[0], -row.size[1], row.title.casefold()))


def _recent_trend(area: Area, years: int) -> AreaTrend:
    """The area's overall trend (assess.services.area_stats.area_trend), its last `years` years only: the chart
    drawn again from those years' figures, with the breaks among them."""
    trend = area_trend(area)
    kept = sorted({figure.period for figure in trend.figures})[-years:]
    if len(kept) == len({figure.period for figure in trend.figures}):
        return trend
    figures = [figure for figure in trend.figures if figure.period in kept]
    chart = area_trend_chart(
        figures,
        trend.series,
        subject=area.name,
        measure=trend.measure_label,
        top_level=trend.questionnaire.top_level,
    )
    return replace(trend, figures=figures, breaks=find_breaks(figures, trend.series), chart=chart)


# -- assembly --------------------------------------------------------------------------------------------------------


def board_pack(
    area: Area,
    *,
    variant: str,
    period: str | None,
    today: date,
    visible_site_ids: Collection[int] | None,
    min_size: int,
    secret: str | bytes,
    full: bool = True,
) -> BoardPack:
    """The board pack of an area. `variant`: NAMED or ANONYMISED; `period`: the coverage year (None: the current
    one); `visible_site_ids`: every site the person sees by name (None: every site), which national figures
    leave out, as on the pages; `min_size`: MIN_PEER_GROUP; `secret`: the app's SECRET_KEY (the letters);
    `full`: False for the CSV, which prints neither the distributions, the trend nor the open queries (they are
    left empty)."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown board pack variant {variant!r}")
    anonymised = variant == ANONYMISED
    questionnaire = latest().definition
    sites = list(area.sites)
    ids = [site.id for site in sites]
    period = period or offered_periods(today)[0]
    letters = site_letters(ids, secret, area.code, period) if anonymised else None
    labels = _Labels(sites, letters)

    # Coverage for the chosen year; results for the latest year with enough of them.
    in_period = area_queries.get_period_assessments(ids, period)
    cover = _coverage(coverage(sites, period, today, in_period), labels, anonymised)
    submitted = dict(area_data.get_area_periods(area.id, questionnaire.id))
    results = results_year(submitted, len(sites), period)
    previous = periods.previous_period(results) if results else None

    comparisons: tuple[KindFigures, ...] = ()
    changes: list[ChangeRow] = []
    if results is not None:
        in_results = in_period if results == period else area_queries.get_period_assessments(ids, results)
        comparisons = _comparisons(
            area_against_national(area, results, in_results, visible_site_ids, min_size), area.name
        )
        assert previous is not None
        changes = changes_since(area.id, questionnaire, results, previous)

    # Distributions: each kind of site (the pages' per-category panels are decided with them, so every figure
    # is held back exactly where the pages hold it back, but the pack prints only the kinds). The anonymised
    # pack hands the distribution service a stand-in of the area whose sites carry their letters.
    subject: Area = area
    if letters is not None:
        subject = cast(
            "Area",
            _StandInArea(
                area.id,
                area.code,
                area.name,
                [
                    _StandInSite(site.id, letters[site.id], f"Site {letters[site.id]}", site.kind, site.category)
                    for site in sites
                ],
            ),
        )
    distributions: list[DistributionPanel] = []
    own = frozenset(ids)
    outside = OUTSIDE_THIS_AREA if excluded_sites(area, visible_site_ids) == own else OUTSIDE_YOUR_AREAS
    if results is not None and full:
        found = area_distribution(subject, results, visible_site_ids, min_size)
        for panel in found.panels:
            if panel.category is not None:
                continue
            distributions.append(
                DistributionPanel(
                    heading=panel.heading,
                    group_label=panel.group.label,
                    sites=tuple(labels[site.id].label for site in panel.sites),
                    without_result=tuple(labels[site.id].label for site in panel.without_result),
                    note=panel.group_note or "",
                    row_notes=tuple(panel.row_notes),
                    chart=PackChart.of(panel.chart) if panel.chart is not None else None,
                )
            )

    trend = _recent_trend(area, TREND_YEARS) if full else None

    # Assurance decisions (current ones; the superseded stay on the pages) and open queries.
    by_site = decisions_by_site(sites, today)
    current = [view for item in by_site for view in item.current]
    superseded = sum(len(item.views) - len(item.current) for item in by_site)
    decisions = sorted(current, key=lambda view: (labels.order(view.site.id), view.decision.domain_id is not None))
    due = sorted(
        (view for view in current if view.due),
        key=lambda view: (view.decision.revisit_on, labels.order(view.site.id)),
    )
    queries = []
    if full:
        counts = get_query_counts(ids, today)  # counted in SQL, as the overview does: an area may have hundreds
        for site_id in sorted(counts, key=labels.order):
            soonest = counts[site_id].soonest_due
            assert soonest is not None  # a site is counted only when it has an open query
            queries.append(
                QueryLine(
                    site=labels[site_id],
                    open=counts[site_id].open,
                    overdue=counts[site_id].overdue,
                    next_due=soonest,
                )
            )

    return BoardPack(
        variant=variant,
        area_code=area.code,
        area_name=area.name,
        area_type=area.type_label,
        today=today,
        questionnaire_title=questionnaire.title,
        questionnaire_version=questionnaire.version,
        domains=tuple((domain.id, domain.title) for domain in questionnaire.domains),
        levels=tuple((level.value, level.name) for level in questionnaire.levels),
        min_peer_group=min_size,
        outside=outside,
        coverage=cover,
        results_period=results,
        results_note=_results_note(results, cover, submitted),
        previous_period=previous,
        comparisons=comparisons,
        changes=tuple(changes),
        due=tuple(_decision_line(view, labels, anonymised) for view in due),
        decisions=tuple(_decision_line(view, labels, anonymised) for view in decisions),
        superseded=superseded,
        queries=tuple(queries),
        matrix=_matrix(matrix(sites), labels, cover),
        distributions=tuple(distributions),
        trend=PackChart.of(trend.chart) if trend else None,
        trend_breaks=tuple(item.text for item in trend.breaks) if trend else (),
        trend_years=TREND_YEARS,
        trend_left_out=tuple(trend.left_out) if trend else (),
        sites=tuple(labels[site_id] for site_id in sorted(ids, key=labels.order)),
    )


# -- the CSV -----------------------------------------------------------------------------------------------------

SITE_ROW = "site"
AREA_SELF_ROW = "area median, self-assessed"
AREA_VALIDATED_ROW = "area median, validated"
NATIONAL_ROW = "national median, self-assessed"
NAMED_ONLY = ("Last submission", "Assurance rationale", "Assurance questions asked", "Assurance decided by")


def csv_headers(pack: BoardPack) -> list[str]:
    """The columns (README, "Board pack"): the anonymised CSV leaves out the NAMED_ONLY ones."""
    headers = [
        "Row",
        "Site code",
        "Site",
        "Kind",
        "Coverage year",
        "Coverage status",
        "Coverage detail",
        "Last submission",
        "Year of result",
        "Questionnaire version",
        "Review",
    ]
    for _, title in pack.domains:
        headers += [f"{title}: level", f"{title}: level name", f"{title}: basis", f"{title}: n"]
    headers += [
        "Assurance: site as a whole",
        "Assurance: revisit by",
        "Assurance on areas of the questionnaire",
        "Assurance rationale",
        "Assurance questions asked",
        "Assurance decided by",
    ]
    if pack.anonymised:
        headers = [header for header in headers if header not in NAMED_ONLY]
    return headers


def _level_name(value: Fraction | None, names: Mapping[int, str]) -> str:
    if value is None:
        return ""
    if value.denominator == 1:
        return names.get(value.numerator, "")
    low = int(value)
    return f"between {names.get(low, low)} and {names.get(low + 1, low + 1)}"


def _median_cells(figure: MedianFigure, names: Mapping[int, str]) -> list[object]:
    if figure.shown:
        return [figure.value_text, _level_name(figure.median, names), figure.basis, figure.n]
    if figure.not_shown:
        return ["", "", figure.not_shown, ""]
    return ["", "", f"no {figure.basis} levels", 0]


def pack_csv(pack: BoardPack) -> str:
    """RFC 4180 text, CRLF line ends, a header row; a row per site (coverage, its latest result in each area of
    the questionnaire, its current assurance decisions), then for each kind of site the area's median levels,
    self-assessed and validated, and the national median (blank where the pages hold it back, with the reason
    in the basis column)."""
    headers = csv_headers(pack)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    names = dict(pack.levels)
    whole: dict[str, DecisionLine] = {}
    parts: dict[str, list[DecisionLine]] = {}
    for item in pack.decisions:
        if item.whole_site:
            whole[item.site.code] = item
        else:
            parts.setdefault(item.site.code, []).append(item)

    def emit(values: Mapping[str, object]) -> None:
        writer.writerow([_cell(values.get(header, "")) for header in headers])

    for line in pack.matrix:
        site = line.site
        covered = line.coverage
        decision = whole.get(site.code)
        values: dict[str, object] = {
            "Row": SITE_ROW,
            "Site code": site.code,
            "Site": site.label,
            "Kind": site.kind,
            "Coverage year": pack.coverage.period,
            "Coverage status": covered.status,
            "Coverage detail": covered.detail.lower(),
            "Last submission": covered.last_submitted.isoformat() if covered.last_submitted else NEVER,
            "Year of result": line.period or "",
            "Questionnaire version": line.version or "",
            "Review": line.review.lower(),
            "Assurance: site as a whole": decision.outcome if decision else "",
            "Assurance: revisit by": decision.revisit_on.isoformat() if decision else "",
            "Assurance on areas of the questionnaire": "; ".join(
                f"{item.about}: {item.outcome}" for item in parts.get(site.code, [])
            ),
            "Assurance rationale": decision.rationale or "" if decision else "",
            "Assurance questions asked": decision.questions or "" if decision else "",
            "Assurance decided by": decision.decided_by or "" if decision else "",
        }
        for (_, title), cell in zip(pack.domains, line.cells, strict=True):
            values[f"{title}: level"] = "" if cell.level is None else cell.level
            values[f"{title}: level name"] = cell.level_name
            values[f"{title}: basis"] = cell.basis + (f" ({cell.note})" if cell.note else "")
        emit(values)

    for kind in pack.comparisons:
        for row_type, label, pick in (
            (AREA_SELF_ROW, kind.area_label, lambda row: row.area_self),
            (AREA_VALIDATED_ROW, kind.area_label, lambda row: row.area_validated),
            (NATIONAL_ROW, kind.national_label, lambda row: row.national),
        ):
            values = {"Row": row_type, "Site": label, "Kind": kind.kind, "Year of result": pack.results_period or ""}
            for (_, title), row in zip(pack.domains, kind.rows, strict=True):
                level, name, basis, n = _median_cells(pick(row), names)
                values.update(
                    {f"{title}: level": level, f"{title}: level name": name, f"{title}: basis": basis, f"{title}: n": n}
                )
            emit(values)
    return out.getvalue()


def _cell(value: object) -> str:
    if isinstance(value, str):
        return csv_safe(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


__all__ = [
    "ANONYMISED",
    "NAMED",
    "VARIANTS",
    "BoardPack",
    "board_pack",
    "csv_headers",
    "letter_name",
    "pack_csv",
    "site_letters",
]
