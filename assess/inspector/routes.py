"""The inspector's workspace. Every site an inspector sees comes through the access policy (their remit)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from assess.auth.decorators import inspector_required
from assess.auth.loaders import assessment_required, site_required
from assess.auth.policy import scope_for
from assess.data.assessments import get_assessments_for_site
from assess.investigate import RULES
from assess.questionnaire.forms import answer_label
from assess.services.caseload import STATUSES, Caseload, Filters, caseload, caseload_csv
from assess.services.review import assessment_review

if TYPE_CHECKING:
    from assess.models import Assessment, Site

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
    response = Response(caseload_csv(cases.filtered(filters)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="caseload-{date.today().isoformat()}.csv"'
    return response


@bp.route("/inspect/sites/<string:site_code>")
@inspector_required
@site_required
def site(site: Site) -> str:
    """A site in the remit: its submitted assessments, newest first, each opening its review."""
    submitted = [item for item in get_assessments_for_site(site) if item.is_submitted]
    return render_template("inspector/site.html", site=site, submitted=submitted)


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
        rules=RULES,
    )
