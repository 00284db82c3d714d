"""The inspector's forms. The rules of a decision live in assess.validation (pure); these forms carry the
fields, and the views add the rule's messages to the fields they concern."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
    GovSubmitInput,
)
from wtforms import DateField, HiddenField, RadioField, SelectChoice, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from assess.validation import CONFIDENCES, DECISIONS, MAX_TEXT

NOTE_HINT = (
    "Only inspectors see this. It is never shown to the site, and the site's copy of the evidence pack leaves it out."
)


class GovDateField(DateField):
    """A GOV.UK date input (day, month, year) with a message people understand."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("format", "%d %m %Y")
        kwargs.setdefault("widget", GovDateInput())
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        # Always day, month and year: the GOV.UK date widget shows the three boxes from raw_data, and a
        # request with fewer or more parts (never sent by the page) must get the message, not a 500.
        extra = len(valuelist) > 3
        valuelist = [str(part) for part in valuelist][:3]
        valuelist += [""] * (3 - len(valuelist))
        self.raw_data = valuelist
        if extra:
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date, for example 27 3 2027")
        if not any(part.strip() for part in valuelist):
            self.data = None
            return
        try:
            super().process_formdata([" ".join(part.strip() for part in valuelist)])
        except ValueError:
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date, for example 27 3 2027") from None


def _text(label: str, required: str | None = None) -> TextAreaField:
    validators: list[Any] = [Length(max=MAX_TEXT, message=f"{label} must be {MAX_TEXT:,} characters or fewer")]
    validators.insert(0, InputRequired(message=required) if required else Optional())
    return TextAreaField(label, validators=validators, widget=GovCharacterCount())


class DecisionForm(FlaskForm):
    decision = RadioField(
        "Your decision on this area",
        choices=[SelectChoice(value, label) for value, label in DECISIONS.items()],
        validators=[InputRequired(message="Select agree, raise, lower or unable to validate")],
        widget=GovRadioInput(),
    )
    level = RadioField("Validated level", choices=[], validators=[Optional()], widget=GovRadioInput())
    reason = _text("Reason")
    internal_note = _text("Internal note")
    version = HiddenField()
    submit = SubmitField("Save decision", widget=GovSubmitInput())


class SummaryForm(FlaskForm):
    confidence = RadioField(
        "How confident are you in the self-assessment as a whole?",
        choices=[SelectChoice(value, label) for value, label in CONFIDENCES.items()],
        validators=[Optional()],
        widget=GovRadioInput(),
    )
    summary = _text("Summary for the site")
    internal_note = _text("Internal note")
    version = HiddenField()
    submit = SubmitField("Save", widget=GovSubmitInput())


class FinaliseForm(FlaskForm):
    submit = SubmitField("Finalise the review", widget=GovSubmitInput())


class ReopenForm(FlaskForm):
    reason = _text("Why are you reopening the review?", "Enter the reason for reopening the validated review")
    submit = SubmitField("Reopen the review", widget=GovSubmitInput())


class RaiseQueryForm(FlaskForm):
    areas = SelectMultipleField(
        "Which areas is the query about?",
        choices=[],
        validators=[InputRequired(message="Select at least one area the query is about")],
        widget=GovCheckboxesInput(),
    )
    text = _text("Your query", "Enter the query for the site")
    due_on = GovDateField("When is a reply due?", validators=[InputRequired(message="Enter the date a reply is due")])
    submit = SubmitField("Send the query to the site", widget=GovSubmitInput())

    def validate_due_on(self, field: GovDateField) -> None:
        if field.data is not None and field.data <= date.today():
            raise ValidationError("The date a reply is due must be in the future")
