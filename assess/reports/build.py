"""One assessment's report: gather what it shows (the same functions as the results page), key it for
the cache, export its charts, fill in the template and render the PDF within the time limit.

The report is written for a board (issue 13): page one is a summary read in two minutes (the overall level,
the change since last year, each area against the peer median and the target level as a strip chart in the
rows of its table, assess/charts/summary.py, and the strongest areas and those with most to gain with their
next step); then the trend, each area in a few lines, the peer groups' figures and charts, and the answers,
evidence and method as appendices. tests/integration/test_report_layout.py holds it to one page for the summary
and 12 pages for every demo site's default report."""

from __future__ import annotations

import atexit
import functools
import re
import shutil
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import current_app, render_template

from assess.benchmarking import OVERALL, GroupBenchmark, kind_plural
from assess.charts import PRINT_WRAP_AT, Chart, TrendPoint
from assess.charts import summary as summary_chart
from assess.charts.style import percentile_words
from assess.pdf import cache, svg
from assess.pdf import render as pdf
from assess.pdf.charturl import chart_url
from assess.pdf.pool import DEFAULT_QUEUE_SECONDS, Renderer, RenderPool
from assess.questionnaire.forms import answer_label
from assess.questionnaire.schema import Questionnaire
from assess.scoring import Change, ChangeSinceLastYear, DomainResult, Result
from assess.services.results import ALL_GROUPS, AssessmentResults, assessment_results
from assess.services.validation import NOT_REVIEWED, ValidationView, validation_view

if TYPE_CHECKING:
    from assess.models import Assessment

TEMPLATES = Path(__file__).resolve().parent / "templates" / "reports"
REPORT_FILES = ("report.html", "report.css")
# Templates of the app's that report.html imports (a change to them is a change to the report).
SHARED_TEMPLATES = tuple(
    Path(__file__).resolve().parent.parent / "templates" / "macros" / name
    for name in ("benchmarks.html", "charts.html", "levels.html")
)
DEFAULT_TIME_LIMIT = 20.0  # seconds for the charts and the PDF of one report (config: REPORT_TIME_LIMIT)
# The charts the report prints for a peer group: the radar is left out, because its numbers (each area's score
# and the peer median) are the first page's chart and the range chart's table already.
PRINTED_CHARTS = ("range", "levels")
SUMMARY_COUNT = 3  # areas listed on the first page as strongest, and as with most to gain


class ReportUnavailable(RuntimeError):
    """The report could not be made now (the charts or the PDF failed); the user is told to try later."""


class ReportTimedOut(ReportUnavailable):
    """The report took longer than the time limit."""


class ReportBusy(ReportUnavailable):
    """Every render process stayed busy for REPORT_QUEUE_SECONDS: the report was not started."""


@dataclass
class GroupSection:
    benchmark: GroupBenchmark
    charts: list[Chart] = field(default_factory=list)  # built only when the PDF is made (not on a cache hit)


@dataclass(frozen=True)
class SummaryRow:
    key: str  # a domain id, or OVERALL
    title: str
    score: Any
    level: int | None
    change: Change | None
    median: Any  # the chosen group's median score, None when not shown
    target: int | None
    strip: summary_chart.Strip | None = None


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def first_sentence(text: str) -> str:
    """'Name a senior leader as sponsor. Hold an open discussion ...' -> 'Name a senior leader as sponsor.'"""
    return _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0]


def _scored(domains: Sequence[DomainResult]) -> list[tuple[DomainResult, Decimal, int]]:
    return [(item, item.score, item.level) for item in domains if item.score is not None and item.level is not None]


def most_to_gain(domains: Sequence[DomainResult], targets: Mapping[str, int]) -> list[DomainResult]:
    """The areas with most to gain, at most SUMMARY_COUNT: first those furthest below their target level (in
    levels, then by score); then, if there are fewer, the lowest-scoring areas without a target (never one at
    the highest score any area has, so that when every area scores the same none is picked). Ties in
    questionnaire order."""
    scored = _scored(domains)
    below = sorted(
        ((item, score, level) for item, score, level in scored if level < targets.get(item.domain_id, -1)),
        key=lambda row: (row[2] - targets[row[0].domain_id], row[1]),
    )
    top = max((score for _, score, _ in scored), default=None)
    rest = sorted(
        (row for row in scored if row[0].domain_id not in targets and row[1] != top),
        key=lambda row: row[1],
    )
    return [item for item, _, _ in below + rest][:SUMMARY_COUNT]


def strongest(domains: Sequence[DomainResult], exclude: Sequence[DomainResult] = ()) -> list[DomainResult]:
    """The highest-scoring areas, at most SUMMARY_COUNT, leaving out those listed with most to gain and any at the
    lowest score an area has (so that when every area scores the same none is picked). Ties in questionnaire
    order."""
    scored = _scored(domains)
    bottom = min((score for _, score, _ in scored), default=None)
    left = [row for row in scored if row[0] not in exclude and row[1] != bottom]
    return [item for item, _, _ in sorted(left, key=lambda row: -row[1])][:SUMMARY_COUNT]


@dataclass
class ReportData:
    results: AssessmentResults  # what the results page shows, assembled once (assess.services.results)
    groups: list[GroupSection]  # the groups whose charts the report holds
    validation: ValidationView  # the inspector's validation as the site sees it: never internal notes
    all_groups: bool = False  # True: every shown group has its charts; False: the chosen one
    trend: Chart | None = None  # built only when the PDF is made, and only with two periods or more
    images: dict[int, str] = field(default_factory=dict)  # id(chart) -> URL of its SVG (report-chart:N)

    # The report template reads these names; they are the results' own.
    @property
    def assessment(self) -> Assessment:
        return self.results.assessment

    @property
    def questionnaire(self) -> Questionnaire:
        return self.results.questionnaire

    @property
    def content_hash(self) -> str:
        return self.results.content_hash

    @property
    def result(self) -> Result:
        return self.results.result

    @property
    def benchmarks(self) -> list[GroupBenchmark]:
        return self.results.benchmarks

    @property
    def hidden(self) -> list[GroupBenchmark]:
        return self.results.hidden

    @property
    def min_peer_group(self) -> int:
        return self.results.min_peer_group

    @property
    def reviewed(self) -> bool:
        """An inspector has begun to review the assessment (so the report shows validated levels)."""
        return self.validation.state != NOT_REVIEWED

    @property
    def trend_points(self) -> list[TrendPoint]:
        return self.results.trend_points

    @property
    def has_trend(self) -> bool:
        return len(self.trend_points) >= 2

    @property
    def has_charts(self) -> bool:
        """Whether the report will hold charts (so Chromium is needed), known before they are built."""
        return bool(self.groups) or self.has_trend

    def charts(self) -> list[Chart]:
        """Every chart built for the report, in the order they appear: the trend, then each group's."""
        trend = [self.trend] if self.trend is not None else []
        return trend + [chart for group in self.groups for chart in group.charts]

    def image(self, chart: Chart) -> str | None:
        return self.images.get(id(chart))

    @property
    def shown(self) -> list[GroupBenchmark]:
        return self.results.shown

    @property
    def selection(self) -> list[str]:
        return [group.benchmark.decision.group_id for group in self.groups]

    @property
    def scored(self) -> list[DomainResult]:
        return [item for item in self.result.domains if item.score is not None]

    # -- The first page ---------------------------------------------------------------------------------------

    @property
    def kind_plural(self) -> str:
        return kind_plural(self.assessment.site.kind)

    @property
    def chosen(self) -> GroupBenchmark | None:
        """The peer group whose median the first page and each area's page show: the group whose charts the
        report holds (the first of them for `group=all`), as the results page shows it first."""
        return self.groups[0].benchmark if self.groups else None

    @property
    def change(self) -> ChangeSinceLastYear | None:
        change = self.results.change
        return change if change is not None and change.has_previous else None

    def change_for(self, key: str) -> Change | None:
        """The change since last year for an area (its domain id) or the overall score (OVERALL)."""
        change = self.change
        if change is None:
            return None
        return change.overall if key == OVERALL else change.domains.get(key)

    @property
    def targets(self) -> dict[str, int]:
        return self.results.targets

    def gap_to_target(self, domain_id: str) -> int | None:
        return self.results.gap_to_target(domain_id)

    def gap_to_peers(self, domain_id: str) -> int | None:
        return self.results.gap_to_peers(self.chosen, domain_id)

    def peer_median(self, key: str) -> Any:
        """The chosen group's median score for an area (or OVERALL), None when not shown."""
        chosen = self.chosen
        if chosen is None:
            return None
        summary = chosen.overall if key == OVERALL else chosen.domains.get(key)
        return summary.median if summary is not None else None

    def peer_summary(self, domain_id: str) -> Any:
        chosen = self.chosen
        return chosen.domains.get(domain_id) if chosen is not None else None

    @property
    def most_to_gain(self) -> list[DomainResult]:
        return most_to_gain(self.result.domains, self.targets)

    @property
    def strongest(self) -> list[DomainResult]:
        return strongest(self.result.domains, exclude=self.most_to_gain)

    def summary_rows(self) -> list[SummaryRow]:
        """The overall score, then each area: the first page's table, with the strip drawn on each row."""
        questionnaire = self.questionnaire
        low, high = questionnaire.levels[0].value, questionnaire.top_level
        rows = [
            SummaryRow(
                OVERALL,
                "Overall",
                self.result.score,
                self.result.level,
                self.change_for(OVERALL),
                self.peer_median(OVERALL),
                None,
            )
        ]
        rows += [
            SummaryRow(
                item.domain_id,
                item.title,
                item.score,
                item.level,
                self.change_for(item.domain_id),
                self.peer_median(item.domain_id),
                self.targets.get(item.domain_id),
            )
            for item in self.result.domains
        ]
        drawn = summary_chart.strips(
            [summary_chart.StripRow(row.title, row.score, row.median, row.target) for row in rows],
            subject=self.assessment.site.name,
            low=low,
            high=high,
        )
        return [
            SummaryRow(row.key, row.title, row.score, row.level, row.change, row.median, row.target, strip)
            for row, strip in zip(rows, drawn, strict=True)
        ]

    @property
    def summary_axis(self) -> summary_chart.Strip:
        return summary_chart.axis(self.questionnaire.levels[0].value, self.questionnaire.top_level)

    @property
    def summary_legend(self) -> list[tuple[summary_chart.Strip, str]]:
        return summary_chart.legend(self.assessment.site.name)

    def next_step(self, item: DomainResult) -> str:
        """The first sentence of the area's next steps from its level (the first page's one line)."""
        if item.level is None:
            return ""
        guide = self.questionnaire.domain(item.domain_id).level_guide(item.level)
        return first_sentence(guide.next_steps) if guide and guide.next_steps else ""

    @property
    def chart_count(self) -> int:
        return len(self.charts())

    def build_charts(self) -> None:
        """The chosen groups' charts and the overall trend, from the same builders as the web pages (area titles
        wrapped less, so that the tall charts print larger on the page)."""
        for group in self.groups:
            if not group.charts:
                charts = self.results.charts(group.benchmark, wrap_at=PRINT_WRAP_AT)
                group.charts = [chart for chart in charts if chart.id in PRINTED_CHARTS]
        if self.trend is None:
            self.trend = self.results.trend()


def unknown_group(results: AssessmentResults, asked: str) -> bool:
    """Whether the group asked for (the address's `group`) is neither absent, "all", nor a shown group."""
    return bool(asked) and asked != ALL_GROUPS and results.group(asked, fallback=False) is None


def gather(assessment: Assessment, group: str | None = None) -> ReportData:
    """What the report shows: the results page's own results (assess.services.results) with, for the chosen
    peer group (or every shown group for `group=all`), its charts, and the inspector's validation as the
    site sees it (the report is the site's: whoever downloads it, it never holds an internal note). When
    there will be charts, the chart exporter is started here if it is not running yet."""
    results = assessment_results(assessment)
    data = ReportData(
        results,
        [GroupSection(item) for item in results.groups(group)],
        validation_view(assessment, results.questionnaire, results.result, internal=False),
        all_groups=group == ALL_GROUPS,
    )
    if data.has_charts:
        svg.exporter().start()  # charts ahead: Chromium starts now (once per process), not after the cache check
    return data


# -- Cache key ------------------------------------------------------------------------------------------------


def assessment_snapshot(data: ReportData) -> dict[str, Any]:
    assessment = data.assessment
    site = assessment.site
    return {
        "id": assessment.id,
        "site": [site.code, site.name, site.kind],
        "period": assessment.period,
        "questionnaire": [assessment.questionnaire_id, assessment.questionnaire_version, data.content_hash],
        "answers": sorted((answer.question_id, answer.choice, answer.evidence or "") for answer in assessment.answers),
        "submitted_at": assessment.submitted_at,
        "submitted_by": assessment.submitted_by.name if assessment.submitted_by else None,
    }


def benchmark_snapshot(benchmarks: list[GroupBenchmark]) -> list[dict[str, Any]]:
    """The numbers and notices shown for each group (its size, not which sites are in it)."""
    snapshot = []
    for item in benchmarks:
        decision = item.decision
        snapshot.append(
            {
                "group": [decision.group_id, decision.label, decision.shown, decision.reason, len(decision.members)],
                "versions": item.versions,
                "compared": item.compared_domains,
                "uncompared": item.uncompared_domains,
                "overall": item.overall,
                "domains": item.domains,
                "suppressed": item.suppressed_domains,
                "periods": [item.period, item.own_period, list(item.skipped_periods)],
            }
        )
    return snapshot


def change_snapshot(change: ChangeSinceLastYear | None) -> Any:
    if change is None or not change.has_previous:
        return None
    rows = [change.overall, *(change.domains[key] for key in sorted(change.domains))]
    return [
        change.previous_period,
        change.previous_version,
        [[row.key, row.previous_level, str(row.previous_score), row.comparable] for row in rows],
    ]


def validation_fingerprint(view: ValidationView) -> str:
    """A hash of everything the report shows of the validation, so that a new decision, reason, summary or
    state gives a new report (a cached one would show the validation as it was)."""
    return cache.digest(
        {
            "state": view.state,
            "confidence": view.confidence,
            "summary": view.summary,
            "finalised": [view.finalised_at, view.finalised_by],
            "overall": view.overall,
            "areas": [
                [area.domain_id, area.decision, area.validated_level, area.validated_level_name, area.reason]
                for area in view.areas
            ],
        }
    )


@functools.cache
def _library_versions() -> tuple[str, ...]:
    # Read from the installed metadata: importing WeasyPrint here would cost a second in the app process.
    return tuple(f"{name} {metadata.version(name)}" for name in ("weasyprint", "pydyf", "plotly", "kaleido"))


def template_fingerprint() -> str:
    """The templates' and stylesheet's bytes (read each time: cheap, and right after an edit), the code
    version and the versions of the libraries that draw the report."""
    # The first page's strips are drawn by assess/charts/summary.py into the HTML: its code is part of the layout.
    files = [*(TEMPLATES / name for name in REPORT_FILES), *SHARED_TEMPLATES, Path(summary_chart.__file__)]
    return cache.fingerprint(files, *_library_versions())


def cache_key(data: ReportData) -> str:
    benchmarks = {
        "groups": benchmark_snapshot(data.benchmarks),
        "charts_for": data.selection,
        "all": data.all_groups,
        "trend": [(point.period, point.overall) for point in data.trend_points],
    }
    assessment = {
        **assessment_snapshot(data),
        "validation": validation_fingerprint(data.validation),
        # Not part of the submitted assessment, but printed: the site's targets (set at any time) and the change
        # since its previous submitted year (a later submission for that year changes it).
        "targets": sorted(data.targets.items()),
        "change": change_snapshot(data.results.change),
    }
    return cache.report_key(assessment, benchmarks, template_fingerprint())


@functools.cache
def _test_cache_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="sui-report-cache-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def report_cache() -> cache.ReportCache:
    """REPORT_CACHE_DIR, else <instance>/report-cache; under TESTING (without REPORT_CACHE_DIR) a temporary
    folder for this process, so that test runs never write into the instance folder."""
    config = current_app.config
    folder = config.get("REPORT_CACHE_DIR") or (
        _test_cache_folder() if current_app.testing else Path(current_app.instance_path) / "report-cache"
    )
    return cache.ReportCache(
        Path(folder),
        int(config.get("REPORT_CACHE_MAX_BYTES", cache.DEFAULT_MAX_BYTES)),
        float(config.get("REPORT_CACHE_MAX_AGE_DAYS", cache.DEFAULT_MAX_AGE_DAYS)),
    )


# -- Making the PDF ---------------------------------------------------------------------------------------------


def render_html(data: ReportData, generated_at: datetime) -> str:
    assessment = data.assessment
    return render_template(
        "reports/report.html",
        data=data,
        assessment=assessment,
        site=assessment.site,
        questionnaire=data.questionnaire,
        result=data.result,
        kind=assessment.site.kind,
        evidence=assessment.evidence_map(),
        answer_label=answer_label,
        percentile_words=percentile_words,
        generated_at=generated_at,
        template_fingerprint=template_fingerprint(),
    )


def time_limit() -> float:
    return float(current_app.config.get("REPORT_TIME_LIMIT", DEFAULT_TIME_LIMIT))


def render_pool() -> RenderPool:
    """This process's render processes, as many as REPORT_WORKERS says (0: the cores), with REPORT_QUEUE_SECONDS as
    the longest a request waits for one (assess.pdf.pool)."""
    config = current_app.config
    return pdf.configure(
        int(config.get("REPORT_WORKERS") or 0) or None,
        float(config.get("REPORT_QUEUE_SECONDS", DEFAULT_QUEUE_SECONDS)),
    )


def warm_up(charts: bool = True) -> None:
    """Start this process's Chromium (when there are charts to draw) and render processes in the background,
    if they are not running: each starts once per process, and they start side by side."""
    if charts:
        svg.exporter().start()
    render_pool().start()


def make_pdf(
    data: ReportData,
    *,
    limit: float | None = None,
    generated_at: datetime | None = None,
    timings: dict[str, float] | None = None,
) -> pdf.Rendered:
    """A render process first (the pool's next free one, first come first served: at most REPORT_QUEUE_SECONDS,
    else ReportBusy), then charts, HTML and PDF. The limit counts from when the report has its render process:
    it covers building and exporting the charts and rendering the PDF, never the wait for another report's
    render; starting Chromium and the render process, once per process, is bounded separately
    (svg.START_LIMIT, pdf.START_LIMIT) and they start side by side. `timings`, if given, gets the seconds of
    each stage (queued: the wait for a render process)."""
    limit = time_limit() if limit is None else limit
    timings = {} if timings is None else timings
    exporter, pool = svg.exporter(), render_pool()
    warm_up(charts=data.has_charts)
    try:
        with pool.slot() as (worker, queued):
            rendered = _make_pdf(data, worker, exporter, limit, generated_at, timings)
        timings["queued"] = queued
        return replace(rendered, queued=queued)
    except pdf.RenderBusy as exc:
        raise ReportBusy(str(exc)) from exc
    except (svg.ChartExportTimeout, pdf.RenderTimeout) as exc:
        raise ReportTimedOut(str(exc)) from exc
    except (svg.ChartExportError, pdf.RenderError) as exc:
        raise ReportUnavailable(str(exc)) from exc


def _make_pdf(
    data: ReportData,
    worker: Renderer,
    exporter: svg.SvgExporter,
    limit: float,
    generated_at: datetime | None,
    timings: dict[str, float],
) -> pdf.Rendered:
    """make_pdf's work once it has a render process: the limit starts now."""
    began = time.monotonic()
    data.build_charts()
    drawn = [chart for chart in data.charts() if chart.has_figures]
    waited = 0.0
    if drawn:
        before = time.monotonic()
        exporter.wait_ready()  # at once when running; else bounded by svg.START_LIMIT, not by `limit`
        waited = time.monotonic() - before
    deadline = began + waited + limit
    # The charts' images are placeholders (report-chart:N) whose SVGs go to the render process while it
    # parses the HTML: exporting them and starting the render overlap (pdf.RenderWorker.render).
    data.images = {id(chart): chart_url(index) for index, chart in enumerate(drawn)}
    html = render_html(data, generated_at or datetime.now(UTC))
    written = time.monotonic()
    exported: list[float] = []

    def export(remaining: float) -> list[str]:
        if remaining <= 0:
            raise svg.ChartExportTimeout("no time left for the charts")
        svgs = exporter.export([svg.figure_dict(chart.json()) for chart in drawn], timeout=remaining)
        exported.append(time.monotonic())
        return svgs

    remaining = deadline - written
    if remaining <= 0:
        raise pdf.RenderTimeout("no time left for the PDF")
    rendered = worker.render(html, timeout=remaining, charts=export if drawn else None)
    finished = time.monotonic()
    timings.update(
        chromium_wait=waited,
        html=written - began - waited,  # building the figures, and the template
        charts=(exported[0] - written) if exported else 0.0,  # exporting them, while the render starts
        pdf=finished - written,  # from sending the HTML to the PDF: includes the charts' export
    )
    return rendered
