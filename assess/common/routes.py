from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from assess.auth.decorators import public, signed_in_required
from assess.auth.loaders import assessment_required
from assess.auth.policy import sees_internal_notes
from assess.auth.routes import home_for
from assess.data.health import database_is_reachable
from assess.services.history import assessment_history

if TYPE_CHECKING:
    from assess.models import Assessment

bp = Blueprint("common", __name__)


@bp.route("/")
@public
def index() -> Response:
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return redirect(url_for("auth.sign_in"))


@bp.route("/home")
@signed_in_required
def home() -> str:
    return render_template("common/home.html")


@bp.route("/help/benchmarks")
@public
def benchmark_rules() -> str:
    return render_template("help/benchmarks.html", min_size=current_app.config["MIN_PEER_GROUP"])


@bp.route("/healthz")
@public
def healthz() -> tuple[Response, int]:
    ok, detail = database_is_reachable()
    body = {"status": "ok" if ok else "unavailable", "database": detail if not ok else "ok"}
    return jsonify(body), (200 if ok else 503)


@bp.route("/assessments/<int:assessment_id>/history")
@signed_in_required
@assessment_required
def history(assessment: Assessment) -> str:
    """Who changed what and when, for everyone whose access policy lets them see the assessment."""
    return render_template(
        "common/history.html",
        assessment=assessment,
        entries=assessment_history(assessment, internal=sees_internal_notes(current_user)),
    )
