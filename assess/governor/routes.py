"""The respondent journey: your sites -> start -> task list -> domain pages -> check -> submit -> results."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from assess import periods
from assess.auth.decorators import governor_required
from assess.benchmarking import GroupBenchmark
from assess.charts import Chart, TrendPoint, benchmark_charts, points_from_scores, trend_charts
from assess.common.questionnaires import definition_for, latest, registry
from assess.data import assessments as assessment_data
from assess.data import benchmarks as benchmark_data
from assess.data.sites import get_site_by_code, get_sites_for_user, user_can_access_site
from assess.governor.forms import StartAssessmentForm, SubmitAssessmentForm
from assess.models import Assessment, Site
from assess.questionnaire.forms import answer_label, build_domain_form, choice_field_name, evidence_field_name
from assess.questionnaire.progress import COMPLETED, next_incomplete, progress
from assess.questionnaire.schema import Questionnaire
from assess.scoring import score_assessment

bp = Blueprint("governor", __name__, template_folder="templates")


def _assessment_or_404(assessment_id: int) -> tuple[Assessment, Questionnaire]:
    """The assessment, if it belongs to one of the signed-in person's sites; otherwise 404, not 403,
    so that nobody can learn which assessments exist at other sites."""
    assessment = assessment_data.get_assessment(assessment_id)
    if assessment is None or not user_can_access_site(current_user, assessment.site_id):
        abort(404)
    return assessment, definition_for(assessment.questionnaire_id, assessment.questionnaire_version)


@bp.route("/sites")
@governor_required
def sites() -> str:
    rows = [(site, assessment_data.get_assessments_for_site(site)) for site in get_sites_for_user(current_user)]
    return render_template("governor/sites.html", rows=rows)


@bp.route("/sites/<string:site_code>/start", methods=["GET", "POST"])
@governor_required
def start(site_code: str) -> str | Response:
    site = _site_or_404(site_code)
    choices = periods.selectable_periods(date.today())
    form = StartAssessmentForm()
    form.period.choices = [SelectChoice(period, period) for period in choices]
    existing = {period: assessment_data.get_open_assessment(site, period) for period in choices}
    submitted = {period: assessment_data.get_submitted_assessment(site, period) for period in choices}
    if form.validate_on_submit():
        period = form.period.data or ""
        if submitted[period] is not None and existing[period] is None:
            form.period.errors = [
                f"The assessment for {period} has already been submitted. You can view its results from your sites page"
            ]
        else:
            assessment = assessment_data.start_or_continue_assessment(site, period, latest(), current_user)
            return redirect(url_for("governor.task_list", assessment_id=assessment.id))
    return render_template(
        "governor/start.html", site=site, form=form, choices=choices, existing=existing, submitted=submitted
    )


@bp.route("/assessments/<int:assessment_id>")
@governor_required
def task_list(assessment_id: int) -> str | Response:
    assessment, questionnaire = _assessment_or_404(assessment_id)
    if assessment.is_submitted:
        return redirect(url_for("governor.results", assessment_id=assessment.id))
    items = progress(questionnaire, assessment.answer_map())
    completed = sum(1 for item in items if item.status == COMPLETED)
    return render_template(
        "governor/task_list.html", assessment=assessment, questionnaire=questionnaire, items=items, completed=completed
    )


@bp.route("/assessments/<int:assessment_id>/domains/<string:domain_id>", methods=["GET", "POST"])
@governor_required
def domain(assessment_id: int, domain_id: str) -> str | Response:
    assessment, questionnaire = _assessment_or_404(assessment_id)
    if not questionnaire.has_domain(domain_id):
        abort(404)
    if assessment.is_submitted:
        flash("This assessment has been submitted, so its answers can no longer be changed.")
        return redirect(url_for("governor.results", assessment_id=assessment.id))
    section = questionnaire.domain(domain_id)
    kind = assessment.site.kind
    form_class = build_domain_form(section, kind)
    return_to_check = request.args.get("return") == "check"

    if request.method == "GET":
        answers, evidence = assessment.answer_map(), assessment.evidence_map()
        data: dict[str, str | None] = {}
        for question in section.questions:
            data[choice_field_name(question)] = answers.get(question.id)
            data[evidence_field_name(question)] = evidence.get(question.id, "")
        form = form_class(data=data)
    else:
        form = form_class()
        moving_on = request.form.get("action") != "later"
        form.validate()
        if moving_on:
            form.require_answers()
        choices, evidence_text = form.cleaned()
        assessment_data.save_answers(assessment, choices, evidence_text, current_user)
    if request.method == "GET" or form.errors:
        return render_template(
            "governor/domain.html",
            assessment=assessment,
            questionnaire=questionnaire,
            domain=section,
            form=form,
            kind=kind,
            return_to_check=return_to_check,
            has_errors=bool(form.errors),
        )
    if not moving_on:
        flash(
            f"Your answers for ‘{section.title}’ have been saved. You can come back to this assessment at any time.",
            "success",
        )
        return redirect(url_for("governor.sites"))
    if return_to_check:
        return redirect(url_for("governor.check", assessment_id=assessment.id))
    following = next_incomplete(questionnaire, assessment.answer_map(), after=section.id)
    if following is None:
        return redirect(url_for("governor.check", assessment_id=assessment.id))
    return redirect(url_for("governor.domain", assessment_id=assessment.id, domain_id=following.id))


@bp.route("/assessments/<int:assessment_id>/check", methods=["GET", "POST"])
@governor_required
def check(assessment_id: int) -> str | Response:
    assessment, questionnaire = _assessment_or_404(assessment_id)
    if assessment.is_submitted:
        return redirect(url_for("governor.results", assessment_id=assessment.id))
    items = progress(questionnaire, assessment.answer_map())
    incomplete = [item for item in items if item.status != COMPLETED]
    form = SubmitAssessmentForm()
    if request.method == "POST" and not incomplete and form.validate_on_submit():
        try:
            result = score_assessment(questionnaire, assessment.answer_map())
            assessment_data.submit_assessment(assessment, current_user, result)
        except assessment_data.AssessmentLocked:
            pass
        return redirect(url_for("governor.confirmation", assessment_id=assessment.id))
    if request.method == "POST" and incomplete:
        form.declaration.errors = [
            "Answer every question before you submit. Sections still to finish are listed at the top of this page"
        ]
    return render_template(
        "governor/check.html",
        assessment=assessment,
        questionnaire=questionnaire,
        items=items,
        incomplete=incomplete,
        form=form,
        answers=assessment.answer_map(),
        evidence=assessment.evidence_map(),
        answer_label=answer_label,
        kind=assessment.site.kind,
    )


@bp.route("/assessments/<int:assessment_id>/confirmation")
@governor_required
def confirmation(assessment_id: int) -> str | Response:
    assessment, questionnaire = _assessment_or_404(assessment_id)
    if not assessment.is_submitted:
        return redirect(url_for("governor.task_list", assessment_id=assessment.id))
    result = score_assessment(questionnaire, assessment.answer_map())
    return render_template(
        "governor/confirmation.html", assessment=assessment, questionnaire=questionnaire, result=result
    )


@bp.route("/assessments/<int:assessment_id>/results")
@governor_required
def results(assessment_id: int) -> str | Response:
    assessment, questionnaire = _assessment_or_404(assessment_id)
    if not assessment.is_submitted:
        return redirect(url_for("governor.task_list", assessment_id=assessment.id))
    result = score_assessment(questionnaire, assessment.answer_map())
    benchmarks = _benchmarks(assessment, questionnaire)
    chosen = _chosen_group(benchmarks, request.args.get("group"))
    return render_template(
        "governor/results.html",
        assessment=assessment,
        questionnaire=questionnaire,
        result=result,
        kind=assessment.site.kind,
        answer_label=answer_label,
        evidence=assessment.evidence_map(),
        benchmarks=benchmarks,
        chosen=chosen,
        charts=benchmark_charts(questionnaire, chosen) if chosen else [],
    )


@bp.route("/assessments/<int:assessment_id>/benchmarks/<string:group_id>/<string:chart_id>.csv")
@governor_required
def benchmark_csv(assessment_id: int, group_id: str, chart_id: str) -> Response:
    assessment, questionnaire = _assessment_or_404(assessment_id)
    if not assessment.is_submitted:
        abort(404)
    chosen = _chosen_group(_benchmarks(assessment, questionnaire), group_id, fallback=False)
    if chosen is None:
        abort(404)
    chart = next((item for item in benchmark_charts(questionnaire, chosen) if item.id == chart_id), None)
    if chart is None:
        abort(404)
    filename = f"{assessment.site.code}-{assessment.period}-{group_id}-{chart_id}.csv"
    return _csv_response(chart.table.csv(), filename)


@bp.route("/sites/<string:site_code>/trend")
@governor_required
def trend(site_code: str) -> str:
    site = _site_or_404(site_code)
    questionnaire, charts, points = _trend(site)
    return render_template("governor/trend.html", site=site, questionnaire=questionnaire, charts=charts, points=points)


@bp.route("/sites/<string:site_code>/trend/<string:chart_id>.csv")
@governor_required
def trend_csv(site_code: str, chart_id: str) -> Response:
    site = _site_or_404(site_code)
    _, charts, _ = _trend(site)
    chart = next((item for item in charts if item.id == chart_id), None)
    if chart is None:
        abort(404)
    return _csv_response(chart.table.csv(), f"{site.code}-trend-{chart_id}.csv")


def _site_or_404(site_code: str) -> Site:
    site = get_site_by_code(site_code)
    if site is None or not user_can_access_site(current_user, site.id):
        abort(404)
    return site


def _benchmarks(assessment: Assessment, questionnaire: Questionnaire) -> list[GroupBenchmark]:
    stored = benchmark_data.get_site_scores(assessment.id)
    if stored is None:
        return []
    return benchmark_data.build_benchmarks(
        assessment.site, stored, questionnaire, registry(), current_app.config["MIN_PEER_GROUP"]
    )


def _chosen_group(
    benchmarks: list[GroupBenchmark], group_id: str | None, fallback: bool = True
) -> GroupBenchmark | None:
    shown = [item for item in benchmarks if item.decision.shown]
    chosen = next((item for item in shown if item.decision.group_id == group_id), None)
    if chosen is None and fallback and shown:
        return shown[0]
    return chosen


def _trend(site: Site) -> tuple[Questionnaire, list[Chart], list[TrendPoint]]:
    loaded = latest()
    points = points_from_scores(benchmark_data.get_trend(site, loaded.definition.id))
    return loaded.definition, trend_charts(loaded.definition, points), points


def _csv_response(text: str, filename: str) -> Response:
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
