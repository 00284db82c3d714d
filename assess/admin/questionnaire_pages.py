"""The questionnaire versions in use (issue 14, item 8): each version the app loaded, its content hash, whether
it is the latest, and the assessments that use it (assembled in assess.services.admin_questionnaires)."""

from __future__ import annotations

from flask import render_template

from assess.admin.blueprint import bp
from assess.auth.decorators import admin_required
from assess.services.admin_questionnaires import questionnaire_versions


@bp.route("/questionnaires")
@admin_required
def questionnaires() -> str:
    rows = questionnaire_versions()
    return render_template(
        "admin/questionnaires.html",
        rows=rows,
        problems=[row for row in rows if row.hash_differs or row.file_missing],
    )
