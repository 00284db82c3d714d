from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSubmitInput
from wtforms import BooleanField, RadioField, SubmitField
from wtforms.validators import DataRequired, InputRequired


class StartAssessmentForm(FlaskForm):
    period = RadioField(
        "Which year is this assessment for?",
        validators=[InputRequired(message="Select the year this assessment is for")],
        choices=[],
        widget=GovRadioInput(),
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SubmitAssessmentForm(FlaskForm):
    declaration = BooleanField(
        "I confirm that these answers are accurate to the best of my knowledge, and that I am authorised to "
        "submit them for this site",
        validators=[DataRequired(message="Confirm the declaration to submit the assessment")],
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Accept and submit", widget=GovSubmitInput())
