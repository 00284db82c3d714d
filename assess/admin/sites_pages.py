"""Sites (issue 14, item 8): the sites in a table, and the sites CSV upload with the same validation as
`flask sites import` (assess.admin.sites_csv: all or nothing, every problem with its line number) and the same
import (assess.data.sites.upsert_sites, an audit event for each site created or changed).

The upload is the one route that takes a body larger than the edge's 1 MB (a 1 MB file plus the form around
it: assess.common.edge.larger_body). A body larger than that still gets 413 before it is read, but with this
page and its form, saying the file is too large, rather than the general error page."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from assess.admin.admin_forms import MAX_CSV_TEXT, MAX_UPLOAD_BODY, TOO_BIG, SitesUploadForm
from assess.admin.blueprint import bp
from assess.admin.sites_csv import SitesCsvError, parse_sites_csv
from assess.auth.decorators import admin_required
from assess.common.edge import larger_body
from assess.common.errors import TITLES
from assess.data.sites import SitesChangedMeanwhile, get_sites, import_sites
from assess.unit_of_work import discard_changes

MAX_PROBLEMS = 25  # problems listed on the page; the rest are counted


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _page(form: SitesUploadForm, problems: list[str] | None = None) -> str:
    problems = problems or []
    summary: list[dict[str, Any]] = []
    if problems:
        summary = [{"text": problem, "href": "#sites_file"} for problem in problems[:MAX_PROBLEMS]]
        if len(problems) > MAX_PROBLEMS:
            summary.append({"text": f"and {_plural(len(problems) - MAX_PROBLEMS, 'more problem')}"})
    elif form.errors:
        summary = [
            {"text": message, "href": f"#{form[name].id}"}
            for name, messages in form.errors.items()
            for message in messages[:1]
        ]
    return render_template(
        "admin/sites.html",
        form=form,
        sites=get_sites(),
        error_list=summary,
        has_errors=bool(summary),
        max_size=MAX_CSV_TEXT,
    )


@bp.route("/sites", methods=["GET", "POST"])
@larger_body(MAX_UPLOAD_BODY)
@admin_required
def sites() -> str | Response | tuple[str, int]:
    form = SitesUploadForm()
    if not form.validate_on_submit():
        return _page(form)
    try:
        rows = parse_sites_csv(form.text)
    except SitesCsvError as error:
        form.sites_file.errors = [
            f"The file has {_plural(len(error.problems), 'problem')}, listed above: nothing was imported. "
            "Correct the file and upload it again."
        ]
        return _page(form, error.problems)
    try:
        added, changed, unchanged = import_sites(rows, current_user)
    except SitesChangedMeanwhile:
        form.sites_file.errors = [
            "Someone else imported sites at the same moment, so nothing from your file was imported. "
            "Check the sites below, then upload your file again."
        ]
        return _page(form), 409
    message = f"{_plural(added, 'site')} added, {changed:,} updated"
    if unchanged:
        message += f" ({unchanged:,} already up to date)"
    flash(message, "success")
    return redirect(url_for("admin.sites"))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    """A body too large to read: on the sites page, the page with its form and the file size error; on any other
    admin page, the service's error page (as the app's own handler shows it)."""
    discard_changes()
    if request.endpoint == "admin.sites":
        form = SitesUploadForm(formdata=None)
        form.sites_file.errors = [TOO_BIG]
        return _page(form), 413
    return render_template("common/error.html", status=413, title=TITLES[413]), 413
