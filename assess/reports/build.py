"""One assessment's report: gather what it shows (the same functions as the results page), key it for
the cache, export its charts, fill in the template and render the PDF within the time limit."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import current_app, render_template

from assess.benchmarking import GroupBenchmark
from assess.charts import PRINT_WRAP_AT, Chart, TrendPoint
from assess.pdf import cache, svg
from assess.pdf import render as pdf
from assess.pdf.charturl import chart_url
from assess.questionnaire.forms import answer_label
from assess.questionnaire.schema import Questionnaire
from assess.scoring import DomainResult, Result
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


class ReportUnavailable(RuntimeError):
    """The report could not be made now (the charts or the PDF failed); the user is told to try later."""


class ReportTimedOut(ReportUnavailable):
    """The report took longer than the time limit."""


@dataclass
class GroupSection:
    benchmark: GroupBenchmark
    charts: list[Chart] = field(default_factory=list)  # built only when the PDF is made (not on a cache hit)


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

    @property
    def strongest(self) -> list[DomainResult]:
        scored = self.scored
        top = max((item.score for item in scored if item.score is not None), default=None)
        return [item for item in scored if item.score == top]

    @property
    def weakest(self) -> list[DomainResult]:
        scored = self.scored
        bottom = min((item.score for item in scored if item.score is not None), default=None)
        return [item for item in scored if item.score == bottom]

    @property
    def chart_count(self) -> int:
        return len(self.charts())

    def build_charts(self) -> None:
        """The chosen groups' charts and the overall trend, from the same builders as the web pages (area titles
        wrapped less, so that the tall charts print larger on the page)."""
        for group in self.groups:
            if not group.charts:
                group.charts = self.results.charts(group.benchmark, wrap_at=PRINT_WRAP_AT)
        if self.trend is None:
            self.trend = self.results.trend()


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
            }
        )
    return snapshot


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
    return cache.fingerprint([*(TEMPLATES / name for name in REPORT_FILES), *SHARED_TEMPLATES], *_library_versions())


def cache_key(data: ReportData) -> str:
    benchmarks = {
        "groups": benchmark_snapshot(data.benchmarks),
        "charts_for": data.selection,
        "all": data.all_groups,
        "trend": [(point.period, point.overall) for point in data.trend_points],
    }
    assessment = {**assessment_snapshot(data), "validation": validation_fingerprint(data.validation)}
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
        generated_at=generated_at,
        template_fingerprint=template_fingerprint(),
    )


def time_limit() -> float:
    return float(current_app.config.get("REPORT_TIME_LIMIT", DEFAULT_TIME_LIMIT))


def warm_up(charts: bool = True) -> None:
    """Start this process's Chromium (when there are charts to draw) and render process in the background,
    if they are not running: each starts once per process, and they start side by side."""
    if charts:
        svg.exporter().start()
    pdf.worker().start()


def make_pdf(
    data: ReportData,
    *,
    limit: float | None = None,
    generated_at: datetime | None = None,
    timings: dict[str, float] | None = None,
) -> pdf.Rendered:
    """Charts, then HTML, then PDF. The limit covers building and exporting the charts and rendering the
    PDF (and any wait for another report's render); starting Chromium and the render process, once per
    process, is bounded separately (svg.START_LIMIT, pdf.START_LIMIT) and they start side by side.
    `timings`, if given, gets the seconds of each stage."""
    limit = time_limit() if limit is None else limit
    timings = {} if timings is None else timings
    exporter, worker = svg.exporter(), pdf.worker()
    warm_up(charts=data.has_charts)
    try:
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
    except (svg.ChartExportTimeout, pdf.RenderTimeout) as exc:
        raise ReportTimedOut(str(exc)) from exc
    except (svg.ChartExportError, pdf.RenderError) as exc:
        raise ReportUnavailable(str(exc)) from exc
