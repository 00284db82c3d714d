"""The commissioner's distributions against national and the area's trend (issue 12, items 4 and 5): thin
views over assess.services.area_stats, each page with a CSV of its tables."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from flask import abort, current_app, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from assess.auth.decorators import commissioner_required
from assess.auth.loaders import area_required
from assess.auth.policy import scope_for
from assess.benchmarking import OVERALL
from assess.commissioner import bp
from assess.common.downloads import csv_download
from assess.services.area_stats import AreaTrend, Distribution, area_distribution, area_trend
from assess.services.questionnaires import latest

if TYPE_CHECKING:
    from assess.models import Area

MAX_PARAMETER = 100


def _visible_site_ids() -> frozenset[int] | None:
    """The sites the person sees by name (None: every site, as an administrator does)."""
    scope = scope_for(current_user)
    return None if scope.all_sites else scope.site_ids


# For the area's navigation (commissioner/_area_nav.html): both of these pages exist.
STATS = {"commissioner.distribution": True, "commissioner.trend": True}


def _file_name(*parts: str) -> str:
    return "-".join(re.sub(r"[^A-Za-z0-9_-]+", "-", part).strip("-") or "x" for part in parts) + ".csv"


def _distribution(area: Area) -> tuple[Distribution, list[str]]:
    asked = request.args.get("period", "").strip()[:MAX_PARAMETER]
    result = area_distribution(area, asked or None, _visible_site_ids(), current_app.config["MIN_PEER_GROUP"])
    problems = []
    if asked and asked != result.period:
        problems.append(
            f"No site in {area.name} has a submitted self-assessment for ‘{asked}’: choose a year from the list"
        )
    return result, problems


@bp.route("/areas/<area_code>/distribution")
@commissioner_required
@area_required
def distribution(area: Area) -> str:
    result, problems = _distribution(area)
    return render_template(
        "commissioner/distribution.html",
        area=area,
        result=result,
        problems=problems,
        has_errors=bool(problems),
        stats=STATS,
    )


@bp.route("/areas/<area_code>/distribution.csv")
@commissioner_required
@area_required
def distribution_csv(area: Area) -> Response:
    result, problems = _distribution(area)
    panel = result.panel(request.args.get("chart", "")[:MAX_PARAMETER])
    if problems or result.period is None or panel is None or panel.chart is None or not panel.sites:
        abort(404)
    return csv_download(panel.chart.table.csv(), _file_name(area.code, result.period, panel.id))


def _trend(area: Area) -> tuple[AreaTrend, list[str]]:
    asked = request.args.get("measure", "").strip()[:MAX_PARAMETER] or OVERALL
    if asked != OVERALL and not latest().definition.has_domain(asked):
        return area_trend(area, OVERALL), ["Choose the overall score or an area of the questionnaire from the list"]
    return area_trend(area, asked), []


@bp.route("/areas/<area_code>/trend")
@commissioner_required
@area_required
def trend(area: Area) -> str:
    result, problems = _trend(area)
    return render_template(
        "commissioner/trend.html",
        area=area,
        result=result,
        problems=problems,
        has_errors=bool(problems),
        stats=STATS,
    )


@bp.route("/areas/<area_code>/trend.csv")
@commissioner_required
@area_required
def trend_csv(area: Area) -> Response:
    result, problems = _trend(area)
    if problems:
        abort(404)
    return csv_download(result.chart.table.csv(), _file_name(area.code, "trend", result.measure))
