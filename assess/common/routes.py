from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from assess.auth.decorators import public, signed_in_required
from assess.auth.loaders import assessment_required, query_required
from assess.auth.policy import may_inspect_site, may_reply_for_site, sees_internal_notes
from assess.auth.routes import home_for
from assess.common.forms import DecideQueryForm, ReplyForm
from assess.data import queries as query_data
from assess.data.health import database_is_reachable
from assess.services.history import assessment_history
from assess.services.queries import query_view

if TYPE_CHECKING:
    from assess.models import Assessment, Query

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


@bp.route("/help")
@public
def help_page() -> str:
    """How to use the service: completing an assessment, what is saved when, benchmarks, targets, carried-over
    answers and who to contact. Linked from every page's footer, and open to people who are not signed in."""
    return render_template("help/index.html", min_size=current_app.config["MIN_PEER_GROUP"])


@bp.route("/accessibility")
@public
def accessibility_statement() -> str:
    return render_template("common/accessibility.html")


@bp.route("/privacy")
@public
def privacy_notice() -> str:
    return render_template("common/privacy.html")


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


def _version(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 10 else -1


@bp.route("/queries/<int:query_id>", methods=["GET", "POST"])
@signed_in_required
@query_required
def query(query: Query) -> str | Response | tuple[str, int]:
    """One query and every step of it. The site's governors reply here (agree; or disagree, with evidence);
    an inspector whose remit covers the site resolves it or closes it unresolved."""
    site = query.assessment.site
    can_reply = may_reply_for_site(current_user, site) and query.status == query_data.AWAITING
    can_decide = may_inspect_site(current_user, site) and query.is_open
    reply_form = ReplyForm(formdata=None, data={"version": str(query.version)})
    decide_form = DecideQueryForm(formdata=None, data={"version": str(query.version)})
    status, moved_on = 200, None
    if request.method == "POST":
        action = request.form.get("action")
        form: ReplyForm | DecideQueryForm
        if action == "reply" and may_reply_for_site(current_user, site):
            form = reply_form = ReplyForm()
            kind = reply_form.reply.data
        elif action == "decide" and may_inspect_site(current_user, site):
            form = decide_form = DecideQueryForm()
            kind = decide_form.outcome.data
        else:
            abort(403)
        if form.validate():
            try:
                query_data.step_query(
                    query,
                    current_user,
                    str(kind),
                    (form.text.data or "").strip(),
                    (reply_form.evidence.data or "").strip() if action == "reply" else None,
                    _version(form.version.data),
                )
            except query_data.QueryConflict as conflict:
                moved_on, status = conflict.status, 409
            else:
                flash(
                    "Your reply was sent to the inspector" if action == "reply" else "The outcome was saved", "success"
                )
                return redirect(url_for("common.query", query_id=query.id))
        else:
            status = 400
        if status == 409:
            query = query_data.get_query(query.id) or query
            can_reply = may_reply_for_site(current_user, site) and query.status == query_data.AWAITING
            can_decide = may_inspect_site(current_user, site) and query.is_open
            form.version.data = str(query.version)  # what you typed stays; sending it again now applies it
    return render_template(
        "common/query.html",
        view=query_view(query, date.today()),
        query=query,
        site=site,
        can_reply=can_reply,
        can_decide=can_decide,
        reply_form=reply_form,
        decide_form=decide_form,
        moved_on=moved_on,
        has_errors=status != 200,
    ), status
