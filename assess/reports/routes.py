"""The download of a submitted assessment's PDF report."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import current_user
from werkzeug.wrappers import Response

from assess.auth.decorators import governor_required
from assess.common.questionnaires import definition_for
from assess.data import assessments as assessment_data
from assess.data.sites import user_can_access_site
from assess.models import Assessment
from assess.questionnaire.schema import Questionnaire

from . import build

log = logging.getLogger(__name__)

bp = Blueprint("reports", __name__, template_folder="templates")


@bp.record_once
def _prewarm(state: BlueprintSetupState) -> None:
    """With REPORT_PREWARM set, each app process starts Chromium and the render process when it serves
    its first request, so that nobody's first report waits for them. Off by default: a process that
    never makes a report (a CLI command, the test suite) then never starts them."""
    if not state.app.config.get("REPORT_PREWARM"):
        return

    started: set[int] = set()  # the processes (pids) that have started them: once each

    @state.app.before_request
    def start_report_helpers() -> None:
        if os.getpid() not in started:
            started.add(os.getpid())
            build.warm_up()


# One render at a time per report in this process: a second click waits for the first and then reads the
# cache, instead of making the same PDF twice.
_inflight: dict[str, tuple[threading.Lock, int]] = {}
_inflight_lock = threading.Lock()


def _assessment_or_404(assessment_id: int) -> tuple[Assessment, Questionnaire]:
    """The same rule as the results page (assess.governor.routes._assessment_or_404): the assessment, if it
    belongs to one of the signed-in person's sites; otherwise 404, so nobody learns which assessments
    exist at other sites."""
    assessment = assessment_data.get_assessment(assessment_id)
    if assessment is None or not user_can_access_site(current_user, assessment.site_id):
        abort(404)
    return assessment, definition_for(assessment.questionnaire_id, assessment.questionnaire_version)


@contextmanager
def _one_at_a_time(key: str) -> Iterator[None]:
    with _inflight_lock:
        lock, users = _inflight.get(key, (threading.Lock(), 0))
        _inflight[key] = (lock, users + 1)
    try:
        with lock:
            yield
    finally:
        with _inflight_lock:
            lock, users = _inflight[key]
            if users <= 1:
                del _inflight[key]
            else:
                _inflight[key] = (lock, users - 1)


@bp.route("/assessments/<int:assessment_id>/report.pdf")
@governor_required
def assessment_pdf(assessment_id: int) -> Response | tuple[str, int, dict[str, str]]:
    """The PDF report. `group` chooses the peer group whose charts it holds, as on the results page (the
    first group shown when absent or unknown); `group=all` gives the charts of every group shown."""
    assessment, questionnaire = _assessment_or_404(assessment_id)
    if not assessment.is_submitted:
        return redirect(url_for("governor.task_list", assessment_id=assessment.id))
    build.warm_up(charts=False)  # the render process starts (once) while the benchmarks are worked out
    data = build.gather(assessment, questionnaire, request.args.get("group"))
    key = build.cache_key(data)
    store = build.report_cache()
    status = "hit"
    started = time.perf_counter()
    body = store.get(key)
    if body is None:
        with _one_at_a_time(key):
            body = store.get(key)
            if body is None:
                status = "miss"
                try:
                    rendered = build.make_pdf(data)
                except build.ReportTimedOut as exc:
                    log.warning("report %s for assessment %s timed out: %s", key[:12], assessment.id, exc)
                    return _unavailable(assessment, timed_out=True)
                except build.ReportUnavailable as exc:
                    log.error("report %s for assessment %s failed: %s", key[:12], assessment.id, exc)
                    return _unavailable(assessment, timed_out=False)
                if rendered.refused:
                    log.warning("report %s: the fetcher refused %s", key[:12], ", ".join(rendered.refused))
                body = rendered.pdf
                store.put(key, body)
    log.info(
        "report %s for assessment %s: cache %s, %d bytes, %.2f s",
        key[:12],
        assessment.id,
        status,
        len(body),
        time.perf_counter() - started,
    )
    response = Response(body, mimetype="application/pdf")
    filename = f"{assessment.site.code}-{assessment.period}-service-user-involvement-report.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Report-Cache"] = status
    response.headers["ETag"] = f'"{key}"'
    return response


def _unavailable(assessment: Assessment, *, timed_out: bool) -> tuple[str, int, dict[str, str]]:
    page = render_template("reports/unavailable.html", assessment=assessment, timed_out=timed_out)
    return page, 503, {"Retry-After": "60"}
