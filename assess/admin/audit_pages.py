"""The audit trail (issue 14, item 8): every recorded change of state, newest first, 50 a page, filtered by a
GET form (user, site, action, dates), and the same filtered events as a CSV. The queries and what counts as
an event's site or person: assess.data.audit_queries; the page and the CSV: assess.services.admin_audit."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, stream_with_context, url_for
from werkzeug.wrappers import Response

from assess.admin.admin_forms import AuditFilterForm
from assess.admin.blueprint import bp
from assess.auth.decorators import admin_required
from assess.data.audit_queries import AuditFilter
from assess.services import admin_audit

FILTER_FIELDS = ("user", "site", "action", "date_from", "date_to")


def _filter() -> tuple[AuditFilterForm, AuditFilter | None]:
    """The filter form read from the query string, and the filter (None when a value is refused)."""
    form = AuditFilterForm(formdata=request.args)
    form.set_actions(admin_audit.actions())
    if not any(name in request.args for name in FILTER_FIELDS):
        return form, AuditFilter()
    valid = form.validate()
    # A site code that names no site is an error too, shown with any others (when the code itself was accepted).
    wanted, errors = admin_audit.build_filter(**form.values()) if not form.site.errors else (None, {})
    for name, message in errors.items():
        form[name].errors = [*form[name].errors, message]
    return form, wanted if valid and not errors else None


def _query(form: AuditFilterForm) -> dict[str, Any]:
    """The filter as query-string values, for the pagination and download links."""
    values: dict[str, Any] = {}
    for name in ("user", "site", "action"):
        if form[name].data:
            values[name] = form[name].data
    for name in ("date_from", "date_to"):
        raw = form[name].raw_data or []
        if any(str(part).strip() for part in raw):
            values[name] = list(raw)
    return values


@bp.route("/audit")
@admin_required
def audit() -> str:
    form, wanted = _filter()
    if wanted is None:
        return render_template("admin/audit.html", form=form, results=None, query={})
    results = admin_audit.audit_page(wanted, admin_audit.page_number(request.args.get("page")))
    query = _query(form)
    return render_template(
        "admin/audit.html",
        form=form,
        results=results,
        query=query,
        filtered=bool(query),
        csv_limit=admin_audit.CSV_LIMIT,
        page_url=lambda number: url_for("admin.audit", **query, page=number),
    )


@bp.route("/audit.csv")
@admin_required
def audit_csv() -> Response | str:
    form, wanted = _filter()
    if wanted is None:
        return render_template("admin/audit.html", form=form, results=None, query={})
    # Streamed a batch at a time (assess.services.admin_audit.audit_csv_lines), never held whole.
    response = Response(stream_with_context(admin_audit.audit_csv_lines(wanted)), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    return response
