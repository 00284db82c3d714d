"""The commissioner's forms. The rules of an assurance decision live in assess.assurance (pure); these forms
carry the fields, and the view adds the rules' messages to the fields they concern."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSelect, GovSubmitInput
from wtforms import RadioField, SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import Optional

from assess.assurance import OUTCOMES, WHOLE_SITE
from assess.inspector.forms import GovDateField


class RevisitDateField(GovDateField):
    """The GOV.UK date input of the revisit date (always three parts, as GovDateField keeps them), with a
    message that names the date."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("The date to revisit the decision must be a real date, for example 27 3 2027") from None


class AssuranceForm(FlaskForm):
    """Every field is checked by assess.assurance.check_assurance (so each message is stated once); the
    fields' own validators only let any value through to it."""

    domain = SelectField(
        "What is the decision about?",
        choices=[SelectChoice(WHOLE_SITE, "The site as a whole")],
        validate_choice=False,
        validators=[Optional()],
        widget=GovSelect(),
    )
    outcome = RadioField(
        "Your decision",
        choices=[SelectChoice(value, label) for value, label in OUTCOMES.items()],
        validate_choice=False,
        validators=[Optional()],
        widget=GovRadioInput(),
    )
    questions = TextAreaField("Questions you asked (optional)", validators=[Optional()], widget=GovCharacterCount())
    rationale = TextAreaField("Rationale", validators=[Optional()], widget=GovCharacterCount())
    revisit_on = RevisitDateField("When will you revisit this decision?", validators=[Optional()])
    submit = SubmitField("Record the decision", widget=GovSubmitInput())
