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
from assess.common.downloads import csv_download
from assess.data.assessments import get_assessments_for_site
from assess.investigate import RULES
from assess.questionnaire.forms import answer_label
from assess.services.caseload import STATUSES, Caseload, Filters, caseload, caseload_csv
from assess.services.compare import MAX_SITES, MIN_SITES, Comparison, compare_sites
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
    return csv_download(caseload_csv(cases.filtered(filters)), f"caseload-{date.today().isoformat()}.csv")


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
        answers=assessment.answer_map(),
        rules=RULES,
    )


def _comparison() -> tuple[Caseload, list[str], Comparison | None, list[str]]:
    """The caseload, the codes asked for, the comparison (when 2 to 6 sites in the caseload were chosen) and
    what was wrong with the choice, in the GOV.UK style. A code outside the caseload is named as not in it,
    whether or not such a site exists."""
    cases = _caseload()
    chosen = list(dict.fromkeys(code.strip().upper()[:20] for code in request.args.getlist("site") if code.strip()))
    by_code = {row.site.code: row.site for row in cases.rows}
    problems = [f"‘{code}’ is not a site in your caseload" for code in chosen if code not in by_code]
    sites = [by_code[code] for code in chosen if code in by_code]
    if "compare" in request.args and not MIN_SITES <= len(sites) <= MAX_SITES:
        problems.append(f"Choose between {MIN_SITES} and {MAX_SITES} sites to compare (you chose {len(sites)})")
    comparison = compare_sites(sites) if MIN_SITES <= len(sites) <= MAX_SITES else None
    return cases, [site.code for site in sites], comparison, problems


@bp.route("/compare")
@inspector_required
def compare() -> str:
    cases, chosen, comparison, problems = _comparison()
    return render_template(
        "inspector/compare.html",
        cases=cases,
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
