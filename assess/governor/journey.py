"""Starting an assessment, its task list, its area pages, checking and submitting it (views only: see
assess.governor.routes)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from assess import periods
from assess.auth.decorators import governor_required
from assess.auth.loaders import assessment_required, site_required
from assess.data import assessments as assessment_data
from assess.governor.blueprint import bp
from assess.governor.forms import COPY, StartAssessmentForm, SubmitAssessmentForm
from assess.questionnaire.forms import answer_label, build_domain_form, choice_field_name, evidence_field_name
from assess.questionnaire.progress import COMPLETED, DomainProgress, next_incomplete, progress
from assess.scoring import Result, score_assessment
from assess.services import carry_over
from assess.services.questionnaires import definition_for

if TYPE_CHECKING:
    from assess.models import Assessment, Site
    from assess.questionnaire.schema import Questionnaire


class Incomplete(Exception):
    """Some questions are unanswered (found once the assessment is locked for submitting)."""


def _questionnaire(assessment: Assessment) -> Questionnaire:
    return definition_for(assessment.questionnaire_id, assessment.questionnaire_version)


def _next_period_opens(period: str) -> tuple[str, date]:
    """The financial year after `period`, and the day it starts (periods are April to March)."""
    start = int(period[:4]) + 1
    return f"{start}-{(start + 1) % 100:02d}", date(start, 4, 1)


@bp.route("/sites/<string:site_code>/start", methods=["GET", "POST"])
@governor_required
@site_required
def start(site: Site) -> str | Response:
    choices = periods.selectable_periods(date.today())
    existing = {period: assessment_data.get_open_assessment(site, period) for period in choices}
    submitted = {period: assessment_data.get_submitted_assessment(site, period) for period in choices}
    if all(submitted[period] is not None and existing[period] is None for period in choices):
        # Nothing left to start or continue: say so, and what to do, rather than offer a form that can only fail.
        next_period, opens = _next_period_opens(choices[0])
        return render_template(
            "governor/start.html",
            site=site,
            form=None,
            choices=choices,
            submitted=submitted,
            next_period=next_period,
            opens=opens,
        )
    # What a new draft for each year not yet started would start from (a year with a draft continues it).
    sources = {
        period: carry_over.source_for(site, period)
        for period in choices
        if existing[period] is None and submitted[period] is None
    }
    source_periods = sorted({source.period for source in sources.values() if source is not None}, reverse=True)
    form = StartAssessmentForm()
    form.period.choices = [SelectChoice(period, period) for period in choices]
    if request.method == "GET":
        form.start_from.data = COPY
    if form.validate_on_submit():
        period = form.period.data or ""
        if submitted[period] is not None and existing[period] is None:
            form.period.errors = [
                f"The assessment for {period} has already been submitted. You can view its results from your sites page"
            ]
        else:
            copy = bool(source_periods) and form.start_from.data == COPY
            assessment = carry_over.start_assessment(site, period, current_user, copy=copy)
            return redirect(url_for("governor.task_list", assessment_id=assessment.id))
    return render_template(
        "governor/start.html",
        site=site,
        form=form,
        choices=choices,
        existing=existing,
        submitted=submitted,
        sources=sources,
        source_periods=source_periods,
    )


@bp.route("/assessments/<int:assessment_id>")
@governor_required
@assessment_required
def task_list(assessment: Assessment) -> str | Response:
    if assessment.is_submitted:
        return redirect(url_for("governor.results", assessment_id=assessment.id))
    questionnaire = _questionnaire(assessment)
    carried = carry_over.carry_summary(assessment)
    items = progress(questionnaire, assessment.answer_map(), carried.unreviewed)
    completed = sum(1 for item in items if item.status == COMPLETED)
    return render_template(
        "governor/task_list.html",
        assessment=assessment,
        questionnaire=questionnaire,
        items=items,
        completed=completed,
        carried=carried,
        to_review=[item for item in items if item.carried_over],
    )


def _posted_version() -> int | None:
    """The area's version when its page was opened (a hidden field); None from a page without one."""
    text = request.form.get("version", "")
    if not text:
        return None
    return int(text) if text.isdigit() and len(text) < 10 else 0


@bp.route("/assessments/<int:assessment_id>/domains/<string:domain_id>", methods=["GET", "POST"])
@governor_required
@assessment_required
def domain(assessment: Assessment, domain_id: str) -> str | Response | tuple[str, int]:
    questionnaire = _questionnaire(assessment)
    if not questionnaire.has_domain(domain_id):
        abort(404)
    if assessment.is_submitted:
        flash("This assessment has been submitted, so its answers can no longer be changed.")
        return redirect(url_for("governor.results", assessment_id=assessment.id))
    section = questionnaire.domain(domain_id)
    kind = assessment.site.kind
    form_class = build_domain_form(section, kind)
    return_to_check = request.args.get("return") == "check"
    conflict: assessment_data.SectionConflict | None = None
    version = assessment_data.get_section_versions(assessment.id).get(domain_id, 0)
    carried = carry_over.carry_summary(assessment)
    moving_on = True

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
        try:
            version = assessment_data.save_answers(
                assessment,
                choices,
                evidence_text,
                current_user,
                domain_id=domain_id,
                expected_version=_posted_version(),
                # Saving the page without errors is the review of answers carried over from last year.
                reviewed=not form.errors,
            )
        except assessment_data.AssessmentLocked:
            flash("This assessment was submitted while you were working on it, so your changes were not saved.")
            return redirect(url_for("governor.results", assessment_id=assessment.id))
        except assessment_data.SectionConflict as exc:
            conflict, version = exc, exc.version
    if request.method == "GET" or form.errors or conflict is not None:
        page = render_template(
            "governor/domain.html",
            assessment=assessment,
            questionnaire=questionnaire,
            domain=section,
            form=form,
            kind=kind,
            return_to_check=return_to_check,
            has_errors=bool(form.errors) or conflict is not None,
            version=version,
            conflict=conflict,
            answer_label=answer_label,
            carried_over=domain_id in carried.unreviewed,
            carried=carried,
        )
        # A conflict saved nothing: 409, and the unit of work rolls back (nothing to keep).
        return (page, 409) if conflict is not None else page
    if not moving_on:
        flash(
            f"Your answers for ‘{section.title}’ have been saved. You can come back to this assessment at any time.",
            "success",
        )
        return redirect(url_for("governor.sites"))
    if return_to_check:
        return redirect(url_for("governor.check", assessment_id=assessment.id))
    following = next_incomplete(
        questionnaire,
        assessment.answer_map(),
        after=section.id,
        carried_over=assessment_data.get_carried_over_domains(assessment.id),
    )
    if following is None:
        return redirect(url_for("governor.check", assessment_id=assessment.id))
    return redirect(url_for("governor.domain", assessment_id=assessment.id, domain_id=following.id))


def _review_message(items: list[DomainProgress], source_period: str | None) -> str:
    titles = ", ".join(f"‘{item.domain.title}’" for item in items)
    since = f" from {source_period}" if source_period else ""
    return f"Check and save the answers carried over{since} before you submit. Still to review: {titles}"


@bp.route("/assessments/<int:assessment_id>/check", methods=["GET", "POST"])
@governor_required
@assessment_required
def check(assessment: Assessment) -> str | Response | tuple[str, int]:
    if assessment.is_submitted:
        return redirect(url_for("governor.results", assessment_id=assessment.id))
    questionnaire = _questionnaire(assessment)
    carried = carry_over.carry_summary(assessment)
    items = progress(questionnaire, assessment.answer_map(), carried.unreviewed)
    incomplete = [item for item in items if not item.is_answered]
    to_review = [item for item in items if item.carried_over]
    form = SubmitAssessmentForm()
    status = 200
    if request.method == "POST" and not incomplete and not to_review and form.validate_on_submit():

        def score(answers: dict[str, str | None]) -> Result:
            # The answers as they are once the assessment is locked: a save a moment ago is counted.
            if any(not item.is_answered for item in progress(questionnaire, answers)):
                raise Incomplete
            return score_assessment(questionnaire, answers)

        try:
            assessment_data.submit_assessment(assessment, current_user, score)
        except assessment_data.AssessmentLocked:
            pass  # submitted a moment ago (a second click, or a colleague): its confirmation is the answer
        except (Incomplete, assessment_data.CarriedOverUnreviewed):
            # A colleague cleared an answer, or started over an area, meanwhile: nothing was submitted
            # (rolled back), and the page shows what is left to do now.
            status = 409
            assessment_data.reload_answers(assessment)
            carried = carry_over.carry_summary(assessment)
            items = progress(questionnaire, assessment.answer_map(), carried.unreviewed)
            incomplete = [item for item in items if not item.is_answered]
            to_review = [item for item in items if item.carried_over]
        if status == 200:
            return redirect(url_for("governor.confirmation", assessment_id=assessment.id))
    if request.method == "POST":
        messages = []
        if incomplete:
            messages.append(
                "Answer every question before you submit. Sections still to finish are listed at the top of this page"
            )
        if to_review:
            messages.append(_review_message(to_review, carried.source_period))
        if messages:
            form.declaration.errors = messages
    page = render_template(
        "governor/check.html",
        assessment=assessment,
        questionnaire=questionnaire,
        items=items,
        incomplete=incomplete,
        to_review=to_review,
        carried=carried,
        form=form,
        answers=assessment.answer_map(),
        evidence=assessment.evidence_map(),
        answer_label=answer_label,
        kind=assessment.site.kind,
    )
    return page, status


@bp.route("/assessments/<int:assessment_id>/confirmation")
@governor_required
@assessment_required
def confirmation(assessment: Assessment) -> str | Response:
    if not assessment.is_submitted:
        return redirect(url_for("governor.task_list", assessment_id=assessment.id))
    questionnaire = _questionnaire(assessment)
    result = score_assessment(questionnaire, assessment.answer_map())
    return render_template(
        "governor/confirmation.html", assessment=assessment, questionnaire=questionnaire, result=result
    )
