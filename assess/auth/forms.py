from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter your email address"),
            Length(max=255, message="Email address must be 255 characters or fewer"),
        ],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[DataRequired(message="Enter your password")],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class CodeForm(FlaskForm):
    """The 6-digit code from an authenticator app (checked in the view: the form only asks that it is there)."""

    code = StringField(
        "Security code",
        widget=GovTextInput(),
        description="The 6-digit code your authenticator app shows for SUI Assess",
        validators=[
            DataRequired(message="Enter the 6-digit security code from your authenticator app"),
            Length(max=40, message="The security code is 6 digits"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class RecoveryCodeForm(FlaskForm):
    code = StringField(
        "Recovery code",
        widget=GovTextInput(),
        description="One of the recovery codes you saved when you set up two-factor sign-in, like 1a2b-3c4d-5e6f",
        validators=[
            DataRequired(message="Enter one of your recovery codes"),
            Length(max=40, message="A recovery code is 12 letters and numbers, like 1a2b-3c4d-5e6f"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ConfirmWithCodeForm(CodeForm):
    """An action on the account page that needs a current code (new recovery codes, turning it off)."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
