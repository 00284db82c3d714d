"""The targets page: a governor sets the level the site means to reach in each area (views only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from assess.auth.decorators import governor_required
from assess.auth.loaders import assessment_required
from assess.governor.blueprint import bp
from assess.governor.target_forms import NO_TARGET, build_targets_form, target_field_name
from assess.services.questionnaires import definition_for
from assess.services.targets import Posted, StoredTarget, TargetArea, TargetConflict, save_targets, target_areas

if TYPE_CHECKING:
    from assess.models import Assessment


def _posted_int(name: str) -> int | None:
    value = request.form.get(name, "")
    return int(value) if value.isdigit() and len(value) < 6 else None


@bp.route("/assessments/<int:assessment_id>/targets", methods=["GET", "POST"])
@governor_required
@assessment_required
def targets(assessment: Assessment) -> str | Response | tuple[str, int]:
    if not assessment.is_submitted:  # set from the results, which a draft does not have yet
        return redirect(url_for("governor.task_list", assessment_id=assessment.id))
    questionnaire = definition_for(assessment.questionnaire_id, assessment.questionnaire_version)
    areas = target_areas(assessment, questionnaire)
    form_class = build_targets_form(areas)
    conflict: dict[str, StoredTarget | None] = {}
    # The version and level of each area's target when the page was opened (kept in the form, so that a save
    # over a colleague's newer one is noticed).
    seen = {area.domain.id: (area.target.version if area.target else 0, _level(area)) for area in areas}

    if request.method == "GET":
        form = form_class(data={target_field_name(area.domain.id): _choice(_level(area)) for area in areas})
    else:
        form = form_class()
        form.validate()
        posted_seen = {
            area.domain.id: (
                _posted_int(f"version-{area.domain.id}") or 0,
                _posted_int(f"was-{area.domain.id}"),
            )
            for area in areas
        }
        if not form.errors:
            chosen = form.chosen()
            posted = {domain_id: Posted(level, *posted_seen[domain_id]) for domain_id, level in chosen.items()}
            try:
                changed = save_targets(assessment, questionnaire, posted, current_user)
            except TargetConflict as exc:
                conflict = exc.areas
            else:
                flash(_saved_message(len(changed)), "success")
                return redirect(url_for("governor.results", assessment_id=assessment.id) + "#change")
        if not conflict:
            seen = posted_seen  # a refused form keeps what the page was opened with
        else:
            # Nothing was saved. Areas the person did not change show what is stored now; the rest keep what
            # they chose, and saving again applies it over the colleague's (now shown beside it).
            for area in areas:
                field = form[target_field_name(area.domain.id)]
                untouched = field.data == _choice(posted_seen[area.domain.id][1])
                if untouched and area.domain.id not in conflict:
                    field.data = _choice(_level(area))
    page = render_template(
        "governor/targets.html",
        assessment=assessment,
        questionnaire=questionnaire,
        areas=areas,
        form=form,
        seen=seen,
        conflict=conflict,
        field_name=target_field_name,
        has_errors=bool(form.errors) or bool(conflict),
    )
    return (page, 409) if conflict else page


def _level(area: TargetArea) -> int | None:
    return area.target.level if area.target else None


def _choice(level: int | None) -> str:
    return NO_TARGET if level is None else str(level)


def _saved_message(count: int) -> str:
    if count == 0:
        return "No targets were changed."
    return f"Your targets have been saved ({count} {'area' if count == 1 else 'areas'} changed)."
