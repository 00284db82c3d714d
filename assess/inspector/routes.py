"""The inspector's workspace. Every site an inspector sees comes through the access policy (their remit)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from assess.auth.decorators import inspector_required
from assess.auth.loaders import assessment_required, site_required
from assess.auth.policy import scope_for
from assess.common.downloads import csv_download
from assess.data import queries as query_data
from assess.data import reviews as review_data
from assess.data.assessments import get_assessments_for_site
from assess.data.reviews import ValidationConflict
from assess.inspector.forms import DecisionForm, FinaliseForm, RaiseQueryForm, ReopenForm, SummaryForm
from assess.investigate import RULES
from assess.questionnaire.forms import answer_label
from assess.scoring import score_assessment
from assess.services.caseload import STATUSES, Caseload, Filters, caseload, caseload_csv, caseload_sites
from assess.services.compare import MAX_SITES, MIN_SITES, Comparison, compare_sites
from assess.services.queries import site_queries
from assess.services.questionnaires import definition_for
from assess.services.review import assessment_review
from assess.validation import DECISIONS, check_decision, reopen_problems

if TYPE_CHECKING:
    from assess.models import Assessment, Site
    from assess.questionnaire.schema import Questionnaire

bp = Blueprint("inspector", __name__, template_folder="templates")


def _caseload() -> Caseload:
    scope = scope_for(current_user)
    return caseload(date.today(), all_sites=scope.all_sites, site_ids=scope.site_ids, kinds_nations=scope.kinds_nations)


def _filters(cases: Caseload) -> tuple[Filters, list[str]]:
    """The filters asked for in the query string; a value that is not offered is named and ignored."""
    problems = []
    chosen: dict[str, str | None] = {}
    for name, allowed in (("region", cases.regions), ("kind", cases.kinds), ("status", list(STATUSES))):
        value = request.args.get(name, "").strip()
        if value and value not in allowed:
            problems.append(f"There is no {name} ‘{value[:100]}’ in your caseload, so it was not used as a filter")
            value = ""
        chosen[name] = value or None
    return Filters(**chosen), problems


@bp.route("/caseload")
@inspector_required
def home() -> str:
    cases = _caseload()
    filters, problems = _filters(cases)
    return render_template(
        "inspector/caseload.html",
        cases=cases,
        rows=cases.filtered(filters),
        filters=filters,
        problems=problems,
        has_errors=bool(problems),
        statuses=STATUSES,
    )


@bp.route("/caseload.csv")
@inspector_required
def caseload_download() -> Response:
    cases = _caseload()
    filters, _ = _filters(cases)
    return csv_download(caseload_csv(cases.filtered(filters)), f"caseload-{date.today().isoformat()}.csv")


@bp.route("/inspect/sites/<string:site_code>")
@inspector_required
@site_required
def site(site: Site) -> str:
    """A site in the remit: its submitted assessments, newest first, each opening its review."""
    submitted = [item for item in get_assessments_for_site(site) if item.is_submitted]
    return render_template(
        "inspector/site.html",
        site=site,
        submitted=submitted,
        states=review_data.get_review_states(item.id for item in submitted),
        queries=site_queries(site, date.today()),
    )


@bp.route("/inspect/assessments/<int:assessment_id>")
@inspector_required
@assessment_required
def review(assessment: Assessment) -> str:
    """Prepare for a visit: the self-assessment with its evidence and working, each area's peer position,
    and the areas to investigate, each with the rule that raised it. Drafts are the site's own work in
    progress: not found here."""
    if not assessment.is_submitted:
        abort(404)
    view = assessment_review(assessment)
    return render_template(
        "inspector/review.html",
        review=view,
        assessment=assessment,
        questionnaire=view.results.questionnaire,
        result=view.results.result,
        kind=assessment.site.kind,
        answer_label=answer_label,
        answers=assessment.answer_map(),
        rules=RULES,
    )


def _comparison() -> tuple[list[Site], list[str], Comparison | None, list[str]]:
    """The caseload's sites, the codes asked for, the comparison (when 2 to 6 sites in the caseload were chosen) and
    what was wrong with the choice, in the GOV.UK style. A code outside the caseload is named as not in it,
    whether or not such a site exists."""
    scope = scope_for(current_user)
    in_caseload = caseload_sites(all_sites=scope.all_sites, site_ids=scope.site_ids, kinds_nations=scope.kinds_nations)
    chosen = list(dict.fromkeys(code.strip().upper()[:20] for code in request.args.getlist("site") if code.strip()))
    by_code = {site.code: site for site in in_caseload}
    problems = [f"‘{code}’ is not a site in your caseload" for code in chosen if code not in by_code]
    sites = [by_code[code] for code in chosen if code in by_code]
    if "compare" in request.args and not MIN_SITES <= len(sites) <= MAX_SITES:
        problems.append(f"Choose between {MIN_SITES} and {MAX_SITES} sites to compare (you chose {len(sites)})")
    comparison = compare_sites(sites) if MIN_SITES <= len(sites) <= MAX_SITES else None
    return in_caseload, [site.code for site in sites], comparison, problems


@bp.route("/compare")
@inspector_required
def compare() -> str:
    in_caseload, chosen, comparison, problems = _comparison()
    return render_template(
        "inspector/compare.html",
        sites=in_caseload,
        chosen=chosen,
        comparison=comparison,
        problems=problems,
        has_errors=bool(problems),
        max_sites=MAX_SITES,
    )


@bp.route("/compare.csv")
@inspector_required
def compare_csv() -> Response:
    _, chosen, comparison, _ = _comparison()
    if comparison is None or comparison.chart is None:
        abort(404)
    return csv_download(comparison.chart.table.csv(), f"comparison-{'-'.join(chosen)}.csv")


def _level_choices(questionnaire: Questionnaire) -> list[SelectChoice]:
    return [SelectChoice(str(level.value), f"{level.value} – {level.name}") for level in questionnaire.levels]


# -- validation ---------------------------------------------------------------------------------------------


def _submitted(assessment: Assessment) -> None:
    if not assessment.is_submitted:
        abort(404)


def _posted_version(form_version: str | None) -> int:
    """The version the page was opened at; a missing or mangled one counts as stale (0 never matches a saved
    decision), so the person sees what is saved rather than overwriting it."""
    try:
        value = int(form_version or "0")
    except ValueError:
        return -1
    return value if 0 <= value <= MAX_VERSION else -1


MAX_VERSION = 2**31 - 1


def _validate_page(
    assessment: Assessment,
    *,
    summary_form: SummaryForm | None = None,
    problems: list[str] | None = None,
    reopen_form: ReopenForm | None = None,
    conflict: ValidationConflict | None = None,
    status: int = 200,
) -> tuple[str, int]:
    view = assessment_review(assessment)
    validation = view.validation
    if summary_form is None:
        summary_form = SummaryForm(
            prefix="summary",
            formdata=None,
            data={
                "confidence": validation.confidence,
                "summary": validation.summary,
                "internal_note": validation.internal_note or "",
                "version": str(validation.version),
            },
        )
    return render_template(
        "inspector/validate.html",
        review=view,
        validation=validation,
        assessment=assessment,
        questionnaire=view.results.questionnaire,
        summary_form=summary_form,
        finalise_form=FinaliseForm(prefix="finalise", formdata=None),
        reopen_form=reopen_form or ReopenForm(prefix="reopen", formdata=None),
        problems=problems or [],
        conflict=conflict,
        has_errors=bool(problems) or bool(summary_form.errors) or bool(reopen_form and reopen_form.errors),
    ), status


@bp.route("/inspect/assessments/<int:assessment_id>/validate")
@inspector_required
@assessment_required
def validate(assessment: Assessment) -> tuple[str, int]:
    """Every area's decision so far, the judgement on the whole, and finalising or reopening the review."""
    _submitted(assessment)
    return _validate_page(assessment)


@bp.route("/inspect/assessments/<int:assessment_id>/validate/summary", methods=["POST"])
@inspector_required
@assessment_required
def save_summary(assessment: Assessment) -> Response | tuple[str, int]:
    _submitted(assessment)
    form = SummaryForm(prefix="summary")
    if not form.validate():
        return _validate_page(assessment, summary_form=form, status=400)
    try:
        review_data.save_summary(
            assessment,
            current_user,
            confidence=form.confidence.data or None,
            summary=(form.summary.data or "").strip(),
            internal_note=(form.internal_note.data or "").strip(),
            expected_version=_posted_version(form.version.data),
        )
    except review_data.ReviewFinal:
        return _validate_page(assessment, problems=[FINAL_MESSAGE], status=409)
    except ValidationConflict as conflict:
        form.version.data = str(conflict.version)
        return _validate_page(assessment, summary_form=form, conflict=conflict, status=409)
    flash("The confidence judgement and summary were saved", "success")
    return redirect(url_for("inspector.validate", assessment_id=assessment.id))


FINAL_MESSAGE = "The review has been finalised, so it cannot be changed. Reopen it, with a reason, to change it."


@bp.route("/inspect/assessments/<int:assessment_id>/validate/finalise", methods=["POST"])
@inspector_required
@assessment_required
def finalise(assessment: Assessment) -> Response | tuple[str, int]:
    _submitted(assessment)
    form = FinaliseForm(prefix="finalise")
    if not form.validate():
        abort(400)
    area_ids = [
        domain.id for domain in definition_for(assessment.questionnaire_id, assessment.questionnaire_version).domains
    ]
    try:
        review_data.finalise_review(assessment, current_user, area_ids)
    except review_data.ReviewFinal:
        return _validate_page(assessment, problems=["The review has already been finalised"], status=409)
    except review_data.CannotFinalise as refused:
        return _validate_page(assessment, problems=refused.problems, status=400)
    flash("The review is finalised: the site now sees the validated levels as final", "success")
    return redirect(url_for("inspector.validate", assessment_id=assessment.id))


@bp.route("/inspect/assessments/<int:assessment_id>/validate/reopen", methods=["POST"])
@inspector_required
@assessment_required
def reopen(assessment: Assessment) -> Response | tuple[str, int]:
    _submitted(assessment)
    form = ReopenForm(prefix="reopen")
    if not form.validate():
        return _validate_page(assessment, reopen_form=form, status=400)
    reason = (form.reason.data or "").strip()
    problems = reopen_problems(reason)
    if problems:
        form.reason.errors = [problems["reason"]]
        return _validate_page(assessment, reopen_form=form, status=400)
    try:
        review_data.reopen_review(assessment, current_user, reason)
    except review_data.ReviewNotFinal:
        return _validate_page(
            assessment, problems=["The review is not final, so there is nothing to reopen"], status=409
        )
    flash("The review is open again", "success")
    return redirect(url_for("inspector.validate", assessment_id=assessment.id))


def _area_page(
    assessment: Assessment,
    domain_id: str,
    form: DecisionForm,
    *,
    conflict: ValidationConflict | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    view = assessment_review(assessment)
    questionnaire = view.results.questionnaire
    form.level.choices = [
        SelectChoice(str(level.value), f"{level.value} – {level.name}") for level in questionnaire.levels
    ]
    return render_template(
        "inspector/validate_area.html",
        review=view,
        assessment=assessment,
        questionnaire=questionnaire,
        domain=questionnaire.domain(domain_id),
        outcome=view.validation.area(domain_id),
        item=view.results.result.domain(domain_id),
        answers=assessment.answer_map(),
        answer_label=answer_label,
        kind=assessment.site.kind,
        form=form,
        conflict=conflict,
        problems=problems or [],
        final=view.validation.is_final,
        has_errors=bool(form.errors) or bool(problems),
    ), status


@bp.route("/inspect/assessments/<int:assessment_id>/validate/<string:domain_id>", methods=["GET", "POST"])
@inspector_required
@assessment_required
def validate_area(assessment: Assessment, domain_id: str) -> Response | tuple[str, int]:
    _submitted(assessment)
    questionnaire = definition_for(assessment.questionnaire_id, assessment.questionnaire_version)
    if not questionnaire.has_domain(domain_id):
        abort(404)
    if request.method == "GET":
        outcome = assessment_review(assessment).validation.area(domain_id)
        data: dict[str, str | None] = {"version": "0"}
        if outcome is not None and outcome.decided:
            data = {
                "decision": outcome.decision,
                "level": str(outcome.validated_level) if outcome.decision in ("raise", "lower") else None,
                "reason": outcome.reason,
                "internal_note": outcome.internal_note or "",
                "version": str(outcome.version),
            }
        return _area_page(assessment, domain_id, DecisionForm(formdata=None, data=data))
    form = DecisionForm()
    form.level.choices = [
        SelectChoice(str(level.value), f"{level.value} – {level.name}") for level in questionnaire.levels
    ]
    valid = form.validate()
    self_level = score_assessment(questionnaire, assessment.answer_map()).domain(domain_id).level
    chosen = int(form.level.data) if form.level.data and form.level.data.isdigit() else None
    decided, problems = check_decision(
        form.decision.data if form.decision.data in DECISIONS else None,
        self_level,
        chosen,
        form.reason.data,
        [level.value for level in questionnaire.levels],
        {level.value: level.name for level in questionnaire.levels},
    )
    for name, message in problems.items():
        field = getattr(form, name)
        if message not in field.errors:
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
    if not valid or decided is None:
        return _area_page(assessment, domain_id, form, status=400)
    try:
        review_data.save_validation(
            assessment,
            current_user,
            domain_id,
            decision=decided.decision,
            self_level=self_level,
            validated_level=decided.level,
            reason=decided.reason,
            internal_note=(form.internal_note.data or "").strip(),
            expected_version=_posted_version(form.version.data),
        )
    except review_data.ReviewFinal:
        return _area_page(assessment, domain_id, form, problems=[FINAL_MESSAGE], status=409)
    except ValidationConflict as conflict:
        form.version.data = str(conflict.version)
        return _area_page(assessment, domain_id, form, conflict=conflict, status=409)
    flash(f"Your decision on ‘{questionnaire.domain(domain_id).title}’ was saved", "success")
    return redirect(url_for("inspector.validate", assessment_id=assessment.id) + f"#area-{domain_id}")


# -- queries ------------------------------------------------------------------------------------------------


@bp.route("/inspect/assessments/<int:assessment_id>/queries/new", methods=["GET", "POST"])
@inspector_required
@assessment_required
def raise_query(assessment: Assessment) -> Response | tuple[str, int]:
    """Ask the site about one or more areas, with a date a reply is due."""
    _submitted(assessment)
    questionnaire = definition_for(assessment.questionnaire_id, assessment.questionnaire_version)
    form = RaiseQueryForm() if request.method == "POST" else RaiseQueryForm(formdata=None)
    form.areas.choices = [SelectChoice(domain.id, domain.title) for domain in questionnaire.domains]
    if request.method == "POST" and form.validate() and form.due_on.data is not None:
        query = query_data.raise_query(
            assessment, current_user, list(form.areas.data or []), (form.text.data or "").strip(), form.due_on.data
        )
        flash("The query was sent to the site", "success")
        return redirect(url_for("common.query", query_id=query.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "inspector/raise_query.html", assessment=assessment, form=form, has_errors=bool(form.errors)
    ), status
