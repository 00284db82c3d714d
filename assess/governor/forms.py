from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSubmitInput
from wtforms import BooleanField, RadioField, SelectChoice, SubmitField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Optional

COPY = "copy"
BLANK = "blank"


class StartAssessmentForm(FlaskForm):
    period = RadioField(
        "Which year is this assessment for?",
        validators=[InputRequired(message="Select the year this assessment is for")],
        choices=[],
        widget=GovRadioInput(),
    )
    # Asked only when the site has a submitted assessment to start from (the page leaves it out otherwise).
    # The page opens with "copy" checked (see the start view); a request without it starts blank, so answers
    # are copied only when someone asked for them.
    start_from = RadioField(
        "How do you want to start?",
        validators=[Optional(), AnyOf([COPY, BLANK], message="Select how you want to start")],
        choices=[
            SelectChoice(COPY, "Start from your last answers"),
            SelectChoice(BLANK, "Start with a blank assessment"),
        ],
        validate_choice=False,
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
