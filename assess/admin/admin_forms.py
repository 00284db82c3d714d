"""The admin pages' forms: the sites CSV upload and the audit trail's filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovSubmitInput, GovTextInput
from werkzeug.datastructures import FileStorage
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional, ValidationError

from assess.common.edge import clean_text
from assess.inspector.forms import GovDateField

MAX_CSV_BYTES = 1024 * 1024  # 1 MB: the largest sites CSV the page takes (about 10,000 sites)
MAX_CSV_TEXT = "1 MB"
# The whole request may be a little larger than the file: the form's other fields and the multipart framing.
MAX_UPLOAD_BODY = MAX_CSV_BYTES + 64 * 1024
TOO_BIG = f"The selected file must be {MAX_CSV_TEXT} or smaller"
NOT_TEXT = "The selected file must be a CSV saved as UTF-8 text (in a spreadsheet program, save it as ‘CSV UTF-8’)"
FIRST_YEAR, LAST_YEAR = 2000, 2999


class SitesUploadForm(FlaskForm):
    sites_file = FileField(
        "Upload a sites CSV file",
        widget=GovFileInput(),
        description=(
            f"A CSV file of at most {MAX_CSV_TEXT}, saved as UTF-8, with a header row naming the columns: code, name, "
            "kind, nation and region, and optionally category, function and population_band."
        ),
    )
    submit = SubmitField("Upload and import", widget=GovSubmitInput())
    text: str = ""

    def validate_sites_file(self, field: FileField) -> None:
        """Sets `text` to the file's text, or refuses it with the GOV.UK file upload message that fits."""
        upload = field.data
        if not isinstance(upload, FileStorage) or not upload.filename:
            raise ValidationError("Select a CSV file of sites")
        if not upload.filename.lower().endswith(".csv"):
            raise ValidationError("The selected file must be a CSV")
        data = upload.stream.read(MAX_CSV_BYTES + 1)
        if len(data) > MAX_CSV_BYTES:
            raise ValidationError(TOO_BIG)
        if not data.strip():
            raise ValidationError("The selected file is empty")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(NOT_TEXT) from None
        if "\x00" in text:  # valid UTF-8, but a binary file (a spreadsheet saved in its own format)
            raise ValidationError(NOT_TEXT)
        # As the edge cleans every form value: no control characters or text-direction overrides.
        self.text = clean_text(text)
        if not self.text.strip():
            raise ValidationError("The selected file is empty")


class _Year:
    def __init__(self, label: str):
        self.label = label

    def __call__(self, form: FlaskForm, field: GovDateField) -> None:
        if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
            raise ValidationError(f"The year of {self.label} must be between {FIRST_YEAR} and {LAST_YEAR}")


class FilterDateField(GovDateField):
    """A GOV.UK date input (always three parts, as GovDateField keeps them) whose message's example matches the
    hint the page shows."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"{self.label.text} must be a real date, for example 27 3 2026") from None


class AuditFilterForm(FlaskForm):
    """Sent with GET (it changes nothing), so it has no CSRF token. The action's choices are those in the trail."""

    class Meta:
        csrf = False

    user = StringField(
        "User",
        description="All or part of an email address or name",
        validators=[Optional(), Length(max=255, message="User must be 255 characters or fewer")],
        widget=GovTextInput(),
    )
    site = StringField(
        "Site code",
        description="For example, HMP-ALPHA",
        validators=[Optional(), Length(max=20, message="Site code must be 20 characters or fewer")],
        widget=GovTextInput(),
    )
    action = SelectField("Action", choices=[], validate_choice=False, widget=GovSelect())
    date_from = FilterDateField("Date from", validators=[_Year("date from")])
    date_to = FilterDateField("Date to", validators=[_Year("date to")])

    def set_actions(self, actions: list[str]) -> None:
        self.action.choices = [("", "All actions"), *((action, action) for action in actions)]

    def validate_action(self, field: SelectField) -> None:
        allowed = {value for value, _ in field.choices}  # type: ignore[misc, union-attr]
        if field.data and field.data not in allowed:
            raise ValidationError("Select an action from the list")

    def validate_date_to(self, field: GovDateField) -> None:
        start: date | None = self.date_from.data
        if field.data is not None and start is not None and field.data < start:
            raise ValidationError("Date to must be the same as or after date from")

    def values(self) -> dict[str, Any]:
        return {
            "user": (self.user.data or "").strip(),
            "site": (self.site.data or "").strip().upper(),
            "action": self.action.data or "",
            "date_from": self.date_from.data,
            "date_to": self.date_to.data,
        }
