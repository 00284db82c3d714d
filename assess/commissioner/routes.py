"""The commissioner's area overview, matrix, site summary and assurance decisions.

Every page is about one of the commissioner's areas: `area_required` loads it (404 for an area the account
does not cover). A site in the URL is loaded through the access policy (`site_required`) and must also be a
site of that area, or the answer is 404. Views are thin: the service layer (assess.services.area) assembles
what each page and CSV shows."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from assess.assurance import MAX_TEXT, WHOLE_SITE, check_assurance
from assess.auth.decorators import commissioner_required
from assess.auth.loaders import area_required, site_required
from assess.auth.policy import scope_for
from assess.commissioner import bp
from assess.commissioner.forms import AssuranceForm
from assess.common.downloads import csv_download
from assess.data.assurance import record_decision
from assess.services.area import (
    COVERAGE_STATUSES,
    STATUS_LABELS,
    STATUS_MEANINGS,
    area_overview,
    coverage,
    coverage_csv,
    domain_choices,
    matrix,
    matrix_csv,
    median_text,
    offered_periods,
    site_summary,
)

if TYPE_CHECKING:
    from assess.models import Area, Site

STATS_ENDPOINTS = ("commissioner.distribution", "commissioner.trend")


def _stats_links() -> dict[str, bool]:
    """Which of the distribution and trend pages exist (they live in stats.py)."""
    return {endpoint: endpoint in current_app.view_functions for endpoint in STATS_ENDPOINTS}


def _period(today: date) -> tuple[str, list[str]]:
    """The year asked for (?period=), or the current one; a year not offered is named and not used."""
    offered = offered_periods(today)
    asked = request.args.get("period", "").strip()
    if asked and asked not in offered:
        return offered[0], [
            f"There is no year ‘{asked[:20]}’ to choose: choose one of {', '.join(offered)}. "
            f"The current year, {offered[0]}, is shown"
        ]
    return asked or offered[0], []


def _site_in_area(area: Area, site: Site) -> None:
    if all(item.id != site.id for item in area.sites):
        abort(404)


@bp.route("/areas")
@commissioner_required
def home() -> str | Response:
    """The commissioner's areas; straight to the area when there is only one."""
    areas = list(current_user.areas)
    if len(areas) == 1:
        return redirect(url_for("commissioner.area", area_code=areas[0].code))
    return render_template("commissioner/home.html", areas=areas)


@bp.route("/areas/<string:area_code>")
@commissioner_required
@area_required
def area(area: Area) -> str:
    today = date.today()
    period, problems = _period(today)
    scope = scope_for(current_user)
    min_size = current_app.config["MIN_PEER_GROUP"]
    overview = area_overview(area, period, today, None if scope.all_sites else scope.site_ids, min_size)
    return render_template(
        "commissioner/area.html",
        area=area,
        overview=overview,
        cover=overview.coverage,
        statuses=COVERAGE_STATUSES,
        status_labels=STATUS_LABELS,
        status_meanings=STATUS_MEANINGS,
        median_text=median_text,
        problems=problems,
        has_errors=bool(problems),
        stats=_stats_links(),
        min_peer_group=min_size,
    )


@bp.route("/areas/<string:area_code>/coverage.csv", endpoint="coverage_csv")
@commissioner_required
@area_required
def coverage_csv_download(area: Area) -> Response:
    today = date.today()
    period, _ = _period(today)
    return csv_download(coverage_csv(coverage(list(area.sites), period, today)), f"{area.code}-coverage-{period}.csv")


def _sort(questionnaire_domains: list[tuple[str, str]]) -> tuple[str | None, list[str]]:
    asked = request.args.get("sort", "").strip()
    if not asked:
        return None, []
    if asked not in {domain_id for domain_id, _ in questionnaire_domains}:
        return None, [
            f"There is no area of the questionnaire ‘{asked[:100]}’ to group by, so the sites are in alphabetical order"
        ]
    return asked, []


@bp.route("/areas/<string:area_code>/matrix", endpoint="matrix")
@commissioner_required
@area_required
def matrix_page(area: Area) -> str:
    domains = domain_choices()
    sort, problems = _sort(domains)
    return render_template(
        "commissioner/matrix.html",
        area=area,
        grid=matrix(list(area.sites), sort),
        domains=domains,
        problems=problems,
        has_errors=bool(problems),
        stats=_stats_links(),
    )


@bp.route("/areas/<string:area_code>/matrix.csv", endpoint="matrix_csv")
@commissioner_required
@area_required
def matrix_csv_download(area: Area) -> Response:
    sort, _ = _sort(domain_choices())
    grid = matrix(list(area.sites), sort)
    suffix = f"-by-{grid.sort}" if grid.sort else ""
    return csv_download(matrix_csv(grid), f"{area.code}-matrix{suffix}.csv")


@bp.route("/areas/<string:area_code>/sites/<string:site_code>")
@commissioner_required
@area_required
@site_required
def site(area: Area, site: Site) -> str:
    _site_in_area(area, site)
    return render_template(
        "commissioner/site.html", area=area, site=site, summary=site_summary(area, site, date.today())
    )


def _decision_page(area: Area, site: Site, form: AssuranceForm, status: int = 200) -> tuple[str, int]:
    return render_template(
        "commissioner/decide.html", area=area, site=site, form=form, max_text=MAX_TEXT, has_errors=bool(form.errors)
    ), status


@bp.route("/areas/<string:area_code>/sites/<string:site_code>/assurance", methods=["GET", "POST"])
@commissioner_required
@area_required
@site_required
def decide(area: Area, site: Site) -> Response | tuple[str, int]:
    """Record an assurance decision on the site, or one area of the questionnaire at it."""
    _site_in_area(area, site)
    domains = domain_choices()
    form = AssuranceForm() if request.method == "POST" else AssuranceForm(formdata=None)
    form.domain.choices = [
        SelectChoice(WHOLE_SITE, "The site as a whole"),
        *(SelectChoice(domain_id, title) for domain_id, title in domains),
    ]
    if request.method == "GET":
        asked = request.args.get("domain", "")
        if asked in {domain_id for domain_id, _ in domains}:
            form.domain.data = asked
        return _decision_page(area, site, form)
    form.validate()
    today = date.today()
    checked, problems = check_assurance(
        form.outcome.data,
        form.domain.data,
        form.questions.data,
        form.rationale.data,
        form.revisit_on.data,
        today=today,
        domain_ids=[domain_id for domain_id, _ in domains],
    )
    for name, message in problems.items():
        field = getattr(form, name)
        if not field.errors:  # a date that is not a real one has said so already
            field.errors = [message]
    if form.errors or checked is None:
        return _decision_page(area, site, form, 400)
    record_decision(
        site,
        current_user,
        area=area,
        domain_id=checked.domain_id,
        outcome=checked.outcome,
        questions=checked.questions,
        rationale=checked.rationale,
        revisit_on=checked.revisit_on,
    )
    flash(f"Your assurance decision on {site.name} was recorded", "success")
    return redirect(url_for("commissioner.site", area_code=area.code, site_code=site.code) + "#decisions")
