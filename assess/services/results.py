"""One submitted assessment's results, assembled once: its scores with their working, its evidence, its
benchmarks against every peer group that applies (shown or suppressed, with the reason), and the site's
trend up to it. The results page, its CSV downloads and the PDF report all read this one object, so they
cannot disagree; the inspector's and commissioner's pages will too."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from assess.benchmarking import GroupBenchmark
from assess.charts import Chart, TrendPoint, benchmark_charts, points_from_scores, trend_chart, trend_charts
from assess.charts.style import WRAP_AT
from assess.data import benchmarks as benchmark_data
from assess.models import Assessment, AssessmentScore, Site
from assess.questionnaire.schema import Questionnaire
from assess.scoring import Result, score_assessment
from assess.services.benchmarks import site_benchmarks
from assess.services.questionnaires import definition_for, latest, registry

ALL_GROUPS = "all"


@dataclass
class AssessmentResults:
    assessment: Assessment
    questionnaire: Questionnaire
    content_hash: str
    result: Result
    evidence: dict[str, str]
    stored: AssessmentScore | None
    benchmarks: list[GroupBenchmark]
    min_peer_group: int
    trend_points: list[TrendPoint] = field(default_factory=list)  # the site's periods up to this one
    previous: AssessmentScore | None = None  # the site's latest submitted result in an earlier period

    @property
    def subject(self) -> str:
        """Whose results these are, as charts and tables name them ("HMP Fellwater", not "you")."""
        return self.assessment.site.name

    @property
    def shown(self) -> list[GroupBenchmark]:
        return [item for item in self.benchmarks if item.decision.shown]

    @property
    def hidden(self) -> list[GroupBenchmark]:
        return [item for item in self.benchmarks if not item.decision.shown]

    def group(self, group_id: str | None, *, fallback: bool = True) -> GroupBenchmark | None:
        """The shown group with this id; with `fallback`, the first shown group when it is absent or unknown."""
        shown = self.shown
        chosen = next((item for item in shown if item.decision.group_id == group_id), None)
        if chosen is None and fallback and shown:
            return shown[0]
        return chosen

    def groups(self, group_id: str | None) -> list[GroupBenchmark]:
        """The groups whose charts a page or report holds: every shown group for "all", else `group()`."""
        if group_id == ALL_GROUPS:
            return self.shown
        chosen = self.group(group_id)
        return [chosen] if chosen is not None else []

    def charts(self, group: GroupBenchmark, *, wrap_at: int = WRAP_AT) -> list[Chart]:
        return benchmark_charts(self.questionnaire, group, subject=self.subject, wrap_at=wrap_at)

    def chart(self, group_id: str, chart_id: str) -> Chart | None:
        """One chart of one shown group (CSV downloads): None when either is unknown or not shown."""
        group = self.group(group_id, fallback=False)
        if group is None:
            return None
        return next((item for item in self.charts(group) if item.id == chart_id), None)

    @property
    def has_trend(self) -> bool:
        return len(self.trend_points) >= 2

    def trend(self) -> Chart | None:
        return trend_chart(self.questionnaire, self.trend_points, subject=self.subject) if self.has_trend else None


def assessment_results(assessment: Assessment) -> AssessmentResults:
    """Everything one submitted assessment's results show (scores are worked out from its answers; the
    benchmarks from stored scores, as everyone's are)."""
    questionnaire = definition_for(assessment.questionnaire_id, assessment.questionnaire_version)
    min_size = current_app.config["MIN_PEER_GROUP"]
    stored = benchmark_data.get_site_scores(assessment.id)
    benchmarks = [] if stored is None else site_benchmarks(assessment.site, stored, questionnaire, registry(), min_size)
    # The site's overall score in each period up to this one; this period's point is this assessment's own
    # (the trend page shows a period's latest assessment, which may be a later one).
    earlier = [
        row
        for row in benchmark_data.get_trend(assessment.site, assessment.questionnaire_id)
        if row.period < assessment.period
    ]
    loaded = registry().loaded(assessment.questionnaire_id, assessment.questionnaire_version)
    return AssessmentResults(
        assessment=assessment,
        questionnaire=questionnaire,
        content_hash=loaded.content_hash,
        result=score_assessment(questionnaire, assessment.answer_map()),
        evidence=assessment.evidence_map(),
        stored=stored,
        benchmarks=benchmarks,
        min_peer_group=min_size,
        trend_points=points_from_scores(earlier + ([stored] if stored is not None else [])),
        previous=earlier[-1] if earlier else None,
    )


@dataclass
class SiteTrend:
    questionnaire: Questionnaire
    points: list[TrendPoint]
    charts: list[Chart]

    def chart(self, chart_id: str) -> Chart | None:
        return next((item for item in self.charts if item.id == chart_id), None)


def site_trend(site: Site) -> SiteTrend:
    """A site's latest submitted result in every period, on the latest version of the questionnaire."""
    loaded = latest()
    points = points_from_scores(benchmark_data.get_trend(site, loaded.definition.id))
    return SiteTrend(loaded.definition, points, trend_charts(loaded.definition, points, subject=site.name))
