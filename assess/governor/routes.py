"""The respondent journey: your sites -> start -> task list -> domain pages -> check -> submit -> results.

Views are thin: the audience decorator signs the person in, a loader (assess.auth.loaders) fetches the site
or assessment through the access policy, and the view validates a form, calls one data or service
function, and renders or redirects. The request commits once at its end (assess.common.unit_of_work).

This module holds the sites page and the trend; assess.governor.journey the steps from starting an
assessment to submitting it; assess.governor.results_pages the results and their downloads. Importing this
module registers them all on `bp`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask import abort, render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from assess.auth.decorators import governor_required
from assess.auth.loaders import site_required
from assess.auth.policy import scope_for
from assess.common.downloads import csv_download
from assess.data.site_queries import get_assessment_lines_for_sites
from assess.data.sites import get_sites
from assess.governor import journey, results_pages
from assess.governor.blueprint import bp
from assess.governor.site_queries import latest_levels_by_site, open_queries_by_site
from assess.services.area import site_decisions
from assess.services.results import site_trend

if TYPE_CHECKING:
    from assess.models import Site

__all__ = ["bp", "journey", "results_pages"]


@bp.route("/sites")
@governor_required
def sites() -> str:
    scope = scope_for(current_user)
    listed = get_sites(None if scope.all_sites else scope.site_ids)
    by_site = get_assessment_lines_for_sites(site.id for site in listed)
    queries = open_queries_by_site((site.id for site in listed), date.today())
    decisions = site_decisions(listed, date.today())
    return render_template(
        "governor/sites.html",
        rows=[(site, by_site[site.id], queries[site.id]) for site in listed],
        latest_levels=latest_levels_by_site(site.id for site in listed),
        decisions=decisions,
        awaiting=sum(item.awaiting for item in queries.values()),
        overdue=sum(item.overdue for item in queries.values()),
    )


@bp.route("/sites/<string:site_code>/trend")
@governor_required
@site_required
def trend(site: Site) -> str:
    view = site_trend(site)
    return render_template(
        "governor/trend.html", site=site, questionnaire=view.questionnaire, charts=view.charts, points=view.points
    )


@bp.route("/sites/<string:site_code>/trend/<string:chart_id>.csv")
@governor_required
@site_required
def trend_csv(site: Site, chart_id: str) -> Response:
    chart = site_trend(site).chart(chart_id)
    if chart is None:
        abort(404)
    return csv_download(chart.table.csv(), f"{site.code}-trend-{chart_id}.csv")
