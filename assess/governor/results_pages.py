"""A submitted assessment's results page and its downloads (views only: see assess.governor.routes)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask import abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from assess.auth.decorators import governor_required
from assess.auth.loaders import assessment_required
from assess.common.downloads import csv_download
from assess.governor.blueprint import bp
from assess.governor.results_csv import results_csv as results_csv_text
from assess.questionnaire.forms import answer_label
from assess.services.queries import assessment_queries
from assess.services.results import assessment_results
from assess.services.validation import validation_view

if TYPE_CHECKING:
    from assess.benchmarking import GroupBenchmark
    from assess.models import Assessment


@bp.route("/assessments/<int:assessment_id>/results")
@governor_required
@assessment_required
def results(assessment: Assessment) -> str | Response:
    if not assessment.is_submitted:
        return redirect(url_for("governor.task_list", assessment_id=assessment.id))
    view = assessment_results(assessment)
    asked = request.args.get("group", "").strip()
    chosen = view.group(asked or None)
    group_problem = _group_problem(view.benchmarks, asked, chosen)
    return render_template(
        "governor/results.html",
        group_problem=group_problem,
        has_errors=group_problem is not None,
        view=view,
        # The site's copy of the validation: never an inspector's internal notes.
        validation=validation_view(assessment, view.questionnaire, view.result, internal=False),
        queries=assessment_queries(assessment.id, view.questionnaire, date.today()),
        assessment=assessment,
        questionnaire=view.questionnaire,
        result=view.result,
        kind=assessment.site.kind,
        answer_label=answer_label,
        evidence=view.evidence,
        benchmarks=view.benchmarks,
        chosen=chosen,
        charts=view.charts(chosen) if chosen else [],
    )


def _group_problem(benchmarks: list[GroupBenchmark], asked: str, chosen: GroupBenchmark | None) -> str | None:
    """What to say when the peer group asked for in the address is not the one shown (never a silent swap)."""
    if not asked or (chosen is not None and chosen.decision.group_id == asked):
        return None
    instead = f", so the comparison shows {chosen.decision.label}" if chosen is not None else ""
    hidden = next((item for item in benchmarks if item.decision.group_id == asked), None)
    if hidden is not None:
        return f"{hidden.decision.label} is not shown for this assessment (see Groups not shown){instead}"
    return f"There is no peer group ‘{asked[:40]}’ for this assessment{instead}"


@bp.route("/assessments/<int:assessment_id>/results.csv")
@governor_required
@assessment_required
def results_csv(assessment: Assessment) -> Response:
    """Each area's self-assessed score and level beside the inspector's decision, validated level and reason."""
    if not assessment.is_submitted:  # no results yet: back to the assessment, as the results page does
        return redirect(url_for("governor.task_list", assessment_id=assessment.id))
    view = assessment_results(assessment)
    validation = validation_view(assessment, view.questionnaire, view.result, internal=False)
    # The peer median of the group chosen on the page (?group=), else the first shown, as the page does.
    chosen = view.group(request.args.get("group", "").strip() or None)
    return csv_download(
        results_csv_text(view, validation, chosen), f"{assessment.site.code}-{assessment.period}-results.csv"
    )


@bp.route("/assessments/<int:assessment_id>/benchmarks/<string:group_id>/<string:chart_id>.csv")
@governor_required
@assessment_required
def benchmark_csv(assessment: Assessment, group_id: str, chart_id: str) -> Response:
    if not assessment.is_submitted:
        abort(404)
    chart = assessment_results(assessment).chart(group_id, chart_id)
    if chart is None:
        abort(404)
    filename = f"{assessment.site.code}-{assessment.period}-{group_id}-{chart_id}.csv"
    return csv_download(chart.table.csv(), filename)


from assess.governor import targets  # noqa: E402,F401 (registers the targets page's routes)
