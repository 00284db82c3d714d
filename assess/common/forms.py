"""Forms used by more than one audience: the steps of a query (the site's reply; the inspector's decision)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput
from wtforms import HiddenField, RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from assess.validation import MAX_TEXT


def _length(label: str) -> Length:
    return Length(max=MAX_TEXT, message=f"{label} must be {MAX_TEXT:,} characters or fewer")


class ReplyForm(FlaskForm):
    reply = RadioField(
        "Do you agree with the inspector?",
        choices=[SelectChoice("agree", "Yes, we agree"), SelectChoice("disagree", "No, we disagree")],
        validators=[InputRequired(message="Select whether you agree or disagree")],
        widget=GovRadioInput(),
    )
    text = TextAreaField("Your reply", validators=[Optional(), _length("Your reply")], widget=GovCharacterCount())
    evidence = TextAreaField(
        "Your evidence", validators=[Optional(), _length("Your evidence")], widget=GovCharacterCount()
    )
    version = HiddenField()
    submit = SubmitField("Send your reply", widget=GovSubmitInput())

    def validate(self, extra_validators: object = None) -> bool:  # type: ignore[override]
        valid = super().validate()
        if self.reply.data == "disagree" and not (self.evidence.data or "").strip():
            self.evidence.errors = [*self.evidence.errors, "Give your evidence: a disagreement needs evidence"]
            valid = False
        return valid


class DecideQueryForm(FlaskForm):
    outcome = RadioField(
        "What is the outcome of the query?",
        choices=[SelectChoice("resolved", "Resolved"), SelectChoice("closed", "Closed unresolved")],
        validators=[InputRequired(message="Select resolved or closed unresolved")],
        widget=GovRadioInput(),
    )
    text = TextAreaField("Comment", validators=[Optional(), _length("The comment")], widget=GovCharacterCount())
    version = HiddenField()
    submit = SubmitField("Save the outcome", widget=GovSubmitInput())

    def validate(self, extra_validators: object = None) -> bool:  # type: ignore[override]
        valid = super().validate()
        if self.outcome.data == "closed" and not (self.text.data or "").strip():
            self.text.errors = [*self.text.errors, "Say why the query is closed unresolved"]
            valid = False
        return valid
