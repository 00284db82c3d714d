"""One submitted assessment's results, assembled once: its scores with their working, its evidence, its
benchmarks against every peer group that applies (shown or suppressed, with the reason), and the site's
trend up to it. The results page, its CSV downloads and the PDF report all read this one object, so they
cannot disagree; the inspector's and commissioner's pages will too."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import current_app

from assess.benchmarking import OVERALL, GroupBenchmark
from assess.charts import Chart, TrendPoint, benchmark_charts, points_from_scores, trend_chart, trend_charts
from assess.charts.style import WRAP_AT
from assess.data import benchmarks as benchmark_data
from assess.data import targets as target_data
from assess.data.targets import StoredTarget
from assess.models import Assessment, AssessmentScore, Site
from assess.questionnaire.schema import Questionnaire
from assess.scoring import (
    ChangeSinceLastYear,
    PreviousResult,
    Result,
    change_since,
    gap_to_peers_text,
    gap_to_target_text,
    level_for,
    round_score,
    score_assessment,
)
from assess.services.benchmarks import cached_site_benchmarks
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
    # The change since `previous` for the overall score and each area (assess.scoring.change): each row's
    # previous period, level and score, this year's, the change, and whether the two are comparable at all
    # (not when the questions changed between the versions). Its `has_previous` is False in a site's first year.
    change: ChangeSinceLastYear | None = None
    # The site's target level in each area that has one (domain id -> level), on this questionnaire.
    targets: dict[str, int] = field(default_factory=dict)

    def level(self, domain_id: str) -> int | None:
        """This assessment's level for an area, or for the whole ("overall")."""
        if domain_id == OVERALL:
            return self.result.level
        return self.result.domain(domain_id).level

    def gap_to_target(self, domain_id: str) -> int | None:
        """Own level minus the target level (-2: two levels below the target; 0: reached; 1: one above it).
        None when the area has no target or no level."""
        target = self.targets.get(domain_id)
        own = self.level(domain_id)
        if target is None or own is None:
            return None
        return own - target

    def target_words(self, domain_id: str) -> str:
        """The gap to the area's target in words, the same on the page, in the CSV and in the PDF: "No target",
        "Not scored this year" (a target, but no level to compare), "Target reached", "2 levels below the
        target"."""
        if self.targets.get(domain_id) is None:
            return "No target"
        if self.level(domain_id) is None:
            return "Not scored this year"
        return gap_to_target_text(self.gap_to_target(domain_id))

    def peer_words(self, group: GroupBenchmark | None, domain_id: str) -> str:
        """The gap to the group's median level in words ("1 level below the peer median", "Not shown")."""
        return gap_to_peers_text(self.gap_to_peers(group, domain_id))

    def peer_median_level(self, group: GroupBenchmark | None, domain_id: str) -> int | None:
        """The level the group's median score reaches (rounded as scores are, then the highest level it
        reaches: the rule that gives every site its level). None when the group or the area is not shown."""
        if group is None or not group.decision.shown:
            return None
        summary = group.overall if domain_id == OVERALL else group.domains.get(domain_id)
        if summary is None:
            return None
        return level_for(round_score(summary.median, self.questionnaire.scoring.decimals), self.questionnaire)

    def gap_to_peers(self, group: GroupBenchmark | None, domain_id: str) -> int | None:
        """Own level minus the group's median level (as peer_median_level); None when not shown or no level."""
        median = self.peer_median_level(group, domain_id)
        own = self.level(domain_id)
        if median is None or own is None:
            return None
        return own - median

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
        """The group's charts, with the site's targets drawn as a series."""
        return benchmark_charts(self.questionnaire, group, subject=self.subject, wrap_at=wrap_at, targets=self.targets)

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


def _previous_result(score: AssessmentScore) -> PreviousResult:
    return PreviousResult(
        period=score.period,
        version=score.questionnaire_version,
        overall_hundredths=score.overall_hundredths,
        overall_level=score.overall_level,
        domains={row.domain_id: (row.score_hundredths, row.level) for row in score.domains},
    )


def result_change(
    questionnaire: Questionnaire, result: Result, previous: AssessmentScore | None
) -> ChangeSinceLastYear:
    """The change from the previous submitted result (read on its own questionnaire version) to this one."""
    earlier = None if previous is None else definition_for(previous.questionnaire_id, previous.questionnaire_version)
    return change_since(
        questionnaire,
        (result.score, result.level),
        {item.domain_id: (item.score, item.level) for item in result.domains},
        None if previous is None else _previous_result(previous),
        earlier,
    )


def assessment_results(assessment: Assessment) -> AssessmentResults:
    """Everything one submitted assessment's results show (scores are worked out from its answers; the
    benchmarks from stored scores, as everyone's are)."""
    questionnaire = definition_for(assessment.questionnaire_id, assessment.questionnaire_version)
    min_size = current_app.config["MIN_PEER_GROUP"]
    stored = benchmark_data.get_site_scores(assessment.id)
    benchmarks = (
        [] if stored is None else cached_site_benchmarks(assessment.site, stored, questionnaire, registry(), min_size)
    )
    # The site's overall score in each period up to this one; this period's point is this assessment's own
    # (the trend page shows a period's latest assessment, which may be a later one).
    earlier = [
        row
        for row in benchmark_data.get_trend(assessment.site, assessment.questionnaire_id)
        if row.period < assessment.period
    ]
    loaded = registry().loaded(assessment.questionnaire_id, assessment.questionnaire_version)
    result = score_assessment(questionnaire, assessment.answer_map())
    previous = earlier[-1] if earlier else None
    targets = target_data.get_targets(assessment.site_id, assessment.questionnaire_id)
    return AssessmentResults(
        assessment=assessment,
        questionnaire=questionnaire,
        content_hash=loaded.content_hash,
        result=result,
        evidence=assessment.evidence_map(),
        stored=stored,
        benchmarks=benchmarks,
        min_peer_group=min_size,
        trend_points=points_from_scores(earlier + ([stored] if stored is not None else [])),
        previous=previous,
        change=result_change(questionnaire, result, previous),
        targets=_usable_targets(questionnaire, targets),
    )


@dataclass(frozen=True)
class OwnScores:
    """A submitted assessment's own scores and levels, without benchmarks, trend or targets: what a page that
    shows only its levels needs (a commissioner's site page)."""

    questionnaire: Questionnaire
    result: Result


def own_scores(assessment: Assessment) -> OwnScores:
    questionnaire = definition_for(assessment.questionnaire_id, assessment.questionnaire_version)
    return OwnScores(questionnaire, score_assessment(questionnaire, assessment.answer_map()))


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
    questionnaire = loaded.definition
    points = points_from_scores(benchmark_data.get_trend(site, questionnaire.id))
    targets = _usable_targets(questionnaire, target_data.get_targets(site.id, questionnaire.id))
    return SiteTrend(questionnaire, points, trend_charts(questionnaire, points, subject=site.name, targets=targets))


def _usable_targets(questionnaire: Questionnaire, targets: Mapping[str, StoredTarget]) -> dict[str, int]:
    """Only areas of this version, at levels it has (a target set on another version's area is not shown)."""
    levels = {level.value for level in questionnaire.levels}
    return {
        domain_id: item.level
        for domain_id, item in targets.items()
        if questionnaire.has_domain(domain_id) and item.level in levels
    }
