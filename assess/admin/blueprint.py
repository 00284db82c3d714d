"""The admin pages (issue 14, item 8): users, sites, the audit trail and the questionnaire versions in use.

Every route has the admin audience (two-factor sign-in required, as for inspectors and commissioners). The
pages live in their own modules, which add their routes to this blueprint when imported below."""

from __future__ import annotations

from flask import Blueprint, render_template

from assess.auth.decorators import admin_required

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


@bp.route("/")
@admin_required
def home() -> str:
    return render_template("admin/home.html")


from assess.admin import audit_pages, questionnaire_pages, sites_pages, users_pages  # noqa: E402, F401
