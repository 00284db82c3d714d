"""The download of a submitted assessment's PDF report."""

from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING

from flask import Blueprint, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from werkzeug.wrappers import Response

from assess.auth.decorators import signed_in_required
from assess.auth.loaders import assessment_required

if TYPE_CHECKING:
    from assess.models import Assessment

from assess.common.downloads import pdf_download
from assess.pdf import render as pdf
from assess.pdf.inflight import cached_pdf

from . import build

log = logging.getLogger(__name__)

bp = Blueprint("reports", __name__, template_folder="templates")


@bp.record_once
def _prewarm(state: BlueprintSetupState) -> None:
    """With REPORT_PREWARM set, each app process starts Chromium and the render process when it serves
    its first request, so that nobody's first report waits for them. Off by default: a process that
    never makes a report (a CLI command, the test suite) then never starts them."""
    config = state.app.config
    # This process's render processes, for every PDF the app makes (reports, evidence and board packs): how many
    # (REPORT_WORKERS, 0: the cores) and how long a request may wait for one (REPORT_QUEUE_SECONDS).
    pdf.configure(int(config.get("REPORT_WORKERS") or 0) or None, config.get("REPORT_QUEUE_SECONDS"))
    if not config.get("REPORT_PREWARM"):
        return

    started: set[int] = set()  # the processes (pids) that have started them: once each

    @state.app.before_request
    def start_report_helpers() -> None:
        if os.getpid() not in started:
            started.add(os.getpid())
            build.warm_up()


@bp.route("/assessments/<int:assessment_id>/report.pdf")
@signed_in_required
@assessment_required
def assessment_pdf(assessment: Assessment) -> Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """The PDF report, for everyone whose access policy lets them see the assessment. `group` chooses the
    peer group whose charts it holds, as on the results page (the first group shown when absent);
    `group=all` gives the charts of every group shown. A group that does not exist, or is not shown, is
    answered with a page that says so and links to the groups that are: never another group's report in
    its place."""
    if not assessment.is_submitted:  # no report yet: back to the assessment itself
        return redirect(url_for("governor.task_list", assessment_id=assessment.id))
    build.warm_up(charts=False)  # the render process starts (once) while the benchmarks are worked out
    asked = request.args.get("group", "").strip()
    data = build.gather(assessment, asked or None)
    if build.unknown_group(data.results, asked):
        return _group_not_found(assessment, data, asked)
    key = build.cache_key(data)
    store = build.report_cache()
    started = time.perf_counter()
    try:
        served = cached_pdf(store, key, lambda: build.make_pdf(data))
    except build.ReportBusy as exc:  # every render process stayed busy: not started, try again in a minute
        log.warning("report %s for assessment %s not started: %s", key[:12], assessment.id, exc)
        return _unavailable(assessment, timed_out=False)
    except build.ReportTimedOut as exc:
        log.warning("report %s for assessment %s timed out: %s", key[:12], assessment.id, exc)
        return _unavailable(assessment, timed_out=True)
    except build.ReportUnavailable as exc:
        log.error("report %s for assessment %s failed: %s", key[:12], assessment.id, exc)
        return _unavailable(assessment, timed_out=False)
    if served.refused:
        log.warning("report %s: the fetcher refused %s", key[:12], ", ".join(served.refused))
    log.info(
        "report %s for assessment %s: cache %s, %d bytes, %.2f s",
        key[:12],
        assessment.id,
        served.status,
        len(served.body),
        time.perf_counter() - started,
    )
    filename = f"{assessment.site.code}-{assessment.period}-service-user-involvement-report.pdf"
    return pdf_download(served.body, filename, key, served.status)


def _group_not_found(assessment: Assessment, data: build.ReportData, asked: str) -> tuple[str, int]:
    hidden = next((item for item in data.hidden if item.decision.group_id == asked), None)
    page = render_template(
        "reports/group_not_found.html", assessment=assessment, asked=asked[:40], hidden=hidden, shown=data.shown
    )
    return page, 404


def _unavailable(assessment: Assessment, *, timed_out: bool) -> tuple[str, int, dict[str, str]]:
    page = render_template("reports/unavailable.html", assessment=assessment, timed_out=timed_out)
    return page, 503, {"Retry-After": "60"}
