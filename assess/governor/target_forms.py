"""The targets form: one radio group per area of the questionnaire ("No target", or a level the area has)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import RadioField, SelectChoice
from wtforms.validators import ValidationError

from assess.services.targets import TargetArea

NO_TARGET = "none"


def target_field_name(domain_id: str) -> str:
    return f"target-{domain_id}"


class TargetsForm(FlaskForm):
    areas: tuple[TargetArea, ...] = ()

    def chosen(self) -> dict[str, int | None]:
        """Each area's chosen target level (None: no target), for the areas whose answer passed its check."""
        found: dict[str, int | None] = {}
        for area in self.areas:
            field = self[target_field_name(area.domain.id)]
            if not field.errors and field.data:
                found[area.domain.id] = None if field.data == NO_TARGET else int(field.data)
        return found


def _one_of(allowed: set[str], title: str) -> Any:
    def check(form: FlaskForm, field: RadioField) -> None:
        if not field.data or field.data not in allowed:
            raise ValidationError(f"Select a target level for ‘{title}’, or ‘No target’")

    return check


def build_targets_form(areas: Sequence[TargetArea]) -> type[TargetsForm]:
    attributes: dict[str, Any] = {"areas": tuple(areas)}
    for area in areas:
        choices = [SelectChoice(NO_TARGET, "No target")] + [
            SelectChoice(str(level.value), f"{level.value} – {level.name}") for level in area.levels
        ]
        attributes[target_field_name(area.domain.id)] = RadioField(
            area.domain.title,
            choices=choices,
            validators=[_one_of({choice.value for choice in choices}, area.domain.title)],
            validate_choice=False,
            widget=GovRadioInput(),
        )
    return type("TargetsFormFor", (TargetsForm,), attributes)
