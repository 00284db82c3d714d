"""The evidence pack downloads: a PDF for the inspection file and a CSV with one row per area.

Both are for everyone whose access policy lets them see the assessment (the object loader answers 404
outside it), and only for a submitted assessment (a draft has no pack: its governors go back to the
assessment itself, as for the report; for anyone else it is not found). Which copy: the inspector's copy, with
internal notes, only for people who may read internal notes (assess.auth.policy.sees_internal_notes) and who
have not asked for the site's copy (`?copy=site`); everyone else gets the site's copy."""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import TYPE_CHECKING

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from assess.auth.decorators import signed_in_required
from assess.auth.loaders import assessment_required
from assess.auth.policy import may_reply_for_site, sees_internal_notes
from assess.common.downloads import csv_download, pdf_download
from assess.pdf.inflight import cached_pdf
from assess.services.evidence_pack import EvidencePack, evidence_pack, pack_csv

from . import build

if TYPE_CHECKING:
    from assess.models import Assessment

log = logging.getLogger(__name__)

bp = Blueprint("packs", __name__, template_folder="templates")

SITE_COPY = "site"


def _no_pack_for_a_draft(assessment: Assessment) -> Response:
    """A draft has no pack. Its own governors go back to the assessment itself; for anyone else a draft is the
    site's work in progress, not found here (as on the inspector's review)."""
    if may_reply_for_site(current_user, assessment.site):
        return redirect(url_for("governor.task_list", assessment_id=assessment.id))
    abort(404)


def _pack(assessment: Assessment) -> EvidencePack:
    """The pack a person may have (the caller has checked the assessment is submitted)."""
    internal = sees_internal_notes(current_user) and request.args.get("copy") != SITE_COPY
    return evidence_pack(assessment, internal=internal, today=date.today())


@bp.route("/assessments/<int:assessment_id>/evidence-pack.pdf")
@signed_in_required
@assessment_required
def pdf(assessment: Assessment) -> Response | tuple[str, int, dict[str, str]]:
    if not assessment.is_submitted:
        return _no_pack_for_a_draft(assessment)
    build.warm_up()  # the render process starts (once) while the pack is gathered
    pack = _pack(assessment)
    key = build.cache_key(pack)
    store = build.pack_cache()
    started = time.perf_counter()
    try:
        served = cached_pdf(store, key, lambda: build.make_pdf(pack))
    except build.PackTimedOut as exc:
        log.warning("evidence pack %s for assessment %s timed out: %s", key[:12], assessment.id, exc)
        return _unavailable(assessment, timed_out=True)
    except build.PackUnavailable as exc:
        log.error("evidence pack %s for assessment %s failed: %s", key[:12], assessment.id, exc)
        return _unavailable(assessment, timed_out=False)
    if served.refused:
        log.warning("evidence pack %s: the fetcher refused %s", key[:12], ", ".join(served.refused))
    log.info(
        "evidence pack %s for assessment %s (%s): cache %s, %d bytes, %.2f s",
        key[:12],
        assessment.id,
        "inspector's copy" if pack.internal else "site's copy",
        served.status,
        len(served.body),
        time.perf_counter() - started,
    )
    return pdf_download(served.body, pack.filename("pdf"), key, served.status)


@bp.route("/assessments/<int:assessment_id>/evidence-pack.csv")
@signed_in_required
@assessment_required
def csv(assessment: Assessment) -> Response:
    if not assessment.is_submitted:
        return _no_pack_for_a_draft(assessment)
    pack = _pack(assessment)
    response = csv_download(pack_csv(pack), pack.filename("csv"))
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _back_link(assessment: Assessment) -> tuple[str, str]:
    if current_user.has_audience("inspector"):
        return url_for("inspector.review", assessment_id=assessment.id), "Back to the review"
    if current_user.has_audience("governor"):
        return url_for("governor.results", assessment_id=assessment.id), "Back to your results"
    return url_for("common.history", assessment_id=assessment.id), "Back to the assessment's history"


def _unavailable(assessment: Assessment, *, timed_out: bool) -> tuple[str, int, dict[str, str]]:
    back_url, back_text = _back_link(assessment)
    site_copy = request.args.get("copy") == SITE_COPY
    csv_url = url_for("packs.csv", assessment_id=assessment.id, copy=SITE_COPY if site_copy else None)
    page = render_template(
        "packs/unavailable.html",
        assessment=assessment,
        timed_out=timed_out,
        back_url=back_url,
        back_text=back_text,
        csv_url=csv_url,
    )
    return page, 503, {"Retry-After": "60"}
