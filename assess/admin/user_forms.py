"""The admin's forms for accounts: add a person, change their role and links, and confirm an action.

What a person is linked to depends on their role: a governor's sites (typed as site codes), an inspector's
remit (kinds of site in nations), a commissioner's areas. The form checks the codes and choices through
lookups the page gives it (`Lookups`), so that every problem is shown at once, against its own field."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from assess.models.user import ROLES
from assess.questionnaire.schema import NATIONS, SITE_KINDS

ROLE_CHOICES = (
    ("governor", "Governor or probation manager"),
    ("inspector", "Inspector"),
    ("commissioner", "Commissioner"),
    ("admin", "Administrator"),
)
ROLE_NAMES = tuple(name for name, _label in ROLE_CHOICES)
ROLE_HINTS = {name: ROLES.get(name, "") for name in ROLE_NAMES}
MAX_SITE_CODES = 200
SITE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,19}$")


def remit_value(kind: str, nation: str) -> str:
    return f"{kind}:{nation}"


def remit_label(kind: str, nation: str) -> str:
    return f"{'Prisons' if kind == 'prison' else 'Probation services'} in {nation}"


REMIT_CHOICES = [
    SelectChoice(remit_value(kind, nation), remit_label(kind, nation)) for kind in SITE_KINDS for nation in NATIONS
]
_REMIT_PAIRS = {remit_value(kind, nation): (kind, nation) for kind in SITE_KINDS for nation in NATIONS}


@dataclass
class Lookups:
    """How the form checks what was typed against the database: the sites with some codes, the areas there
    are (code -> anything the page needs), and whether an email already has an account."""

    sites_by_code: Callable[[list[str]], Mapping[str, Any]]
    areas_by_code: Mapping[str, Any] = field(default_factory=dict)
    area_labels: Mapping[str, str] = field(default_factory=dict)
    email_in_use: Callable[[str], bool] = lambda email: False


@dataclass
class Links:
    """What the person is linked to, checked: only the links of their role are kept."""

    role: str
    sites: list[Any] = field(default_factory=list)
    remit: list[tuple[str, str]] = field(default_factory=list)
    areas: list[Any] = field(default_factory=list)


def split_site_codes(text: str | None) -> list[str]:
    """Codes typed one per line, or separated by commas or spaces: upper case, without repeats, in order."""
    codes: list[str] = []
    for part in re.split(r"[\s,;]+", (text or "").upper()):
        if part and part not in codes:
            codes.append(part)
    return codes


def _one_role(form: FlaskForm, field: RadioField) -> None:
    if field.data not in ROLE_NAMES:
        raise ValidationError("Select the person's role")


def _names(items: list[str]) -> str:
    quoted = [f"‘{item}’" for item in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


class AccountForm(FlaskForm):
    """Email, name, role and links, in the order the page shows them (the change page has no email)."""

    lookups: Lookups | None = None
    links: Links | None = None

    email = StringField(
        "Email address",
        description="They sign in with it. The service sends no email: you will give them a link to choose a password",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter the person's email address"),
            Length(max=255, message="Email address must be 255 characters or fewer"),
        ],
    )
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter the person's full name"),
            Length(max=200, message="Full name must be 200 characters or fewer"),
        ],
    )
    role = RadioField(
        "Role",
        choices=[SelectChoice(name, label) for name, label in ROLE_CHOICES],
        validators=[_one_role],
        validate_choice=False,
        widget=GovRadioInput(),
    )
    sites = TextAreaField(
        "Site codes",
        description="One per line, or separated by commas, for example GOV-A, GOV-B",
        widget=GovTextArea(),
        validators=[Length(max=4000, message="Site codes must be 4,000 characters or fewer")],
    )
    remit = SelectMultipleField(
        "Which sites do they inspect?",
        choices=REMIT_CHOICES,
        validate_choice=False,
        widget=GovCheckboxesInput(),
    )
    areas = SelectMultipleField(
        "Which areas do they cover?", choices=[], validate_choice=False, widget=GovCheckboxesInput()
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def use(self, lookups: Lookups) -> Self:
        self.lookups = lookups
        self.areas.choices = [SelectChoice(code, lookups.area_labels.get(code, code)) for code in lookups.areas_by_code]
        return self

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        valid = super().validate(extra_validators)
        if self.role.errors or self.role.data not in ROLE_NAMES:
            return False
        links = self._links(str(self.role.data))
        if links is None:
            return False
        self.links = links
        return valid

    def _links(self, role: str) -> Links | None:
        assert self.lookups is not None, "call use(lookups) before validating"
        links = Links(role)
        if role == "governor":
            links.sites = self._sites() or []
            if not self.sites.errors and not links.sites:
                self.sites.errors = ["Enter the code of at least one site the governor is linked to"]
        elif role == "inspector":
            chosen = list(self.remit.data or [])
            if any(value not in _REMIT_PAIRS for value in chosen):
                self.remit.errors = ["Select kinds of site and nations from the list"]
            elif not chosen:
                self.remit.errors = ["Select at least one kind of site and nation the inspector covers"]
            else:
                links.remit = sorted(_REMIT_PAIRS[value] for value in set(chosen))
        elif role == "commissioner":
            chosen = list(self.areas.data or [])
            if not self.lookups.areas_by_code:
                self.areas.errors = ["There are no areas yet: import the areas file first, then add the commissioner"]
            elif any(value not in self.lookups.areas_by_code for value in chosen):
                self.areas.errors = ["Select areas from the list"]
            elif not chosen:
                self.areas.errors = ["Select at least one area the commissioner covers"]
            else:
                links.areas = [self.lookups.areas_by_code[code] for code in dict.fromkeys(chosen)]
        has_errors = bool(self.sites.errors or self.remit.errors or self.areas.errors)
        return None if has_errors else links

    def _sites(self) -> list[Any] | None:
        assert self.lookups is not None
        codes = split_site_codes(self.sites.data)
        if self.sites.errors:
            return None
        if len(codes) > MAX_SITE_CODES:
            self.sites.errors = [f"Enter {MAX_SITE_CODES} site codes or fewer"]
            return None
        malformed = [code for code in codes if not SITE_CODE.match(code)]
        if malformed:
            shown = [code if len(code) <= 20 else code[:20] + "…" for code in malformed[:5]]
            self.sites.errors = [
                f"{_names(shown)} {'is not a site code' if len(shown) == 1 else 'are not site codes'}: "
                "a code is 2 to 20 letters, digits or hyphens"
            ]
            return None
        found = self.lookups.sites_by_code(codes)
        unknown = [code for code in codes if code not in found]
        if unknown:
            self.sites.errors = [
                f"There is no site with the code {_names(unknown[:10])}"
                if len(unknown) == 1
                else f"There are no sites with the codes {_names(unknown[:10])}"
            ]
            return None
        return [found[code] for code in codes]

    def show(
        self, role: str | None, site_codes: Iterable[str], remit: Iterable[tuple[str, str]], areas: Iterable[str]
    ) -> None:
        """Fill the form with what the account has now."""
        self.role.data = role
        self.sites.data = "\n".join(site_codes)
        self.remit.data = [remit_value(kind, nation) for kind, nation in remit]
        self.areas.data = list(areas)


class AddAccountForm(AccountForm):
    submit = SubmitField("Add the person", widget=GovSubmitInput())

    normalised_email: str = ""

    def validate_email(self, field: StringField) -> None:
        try:
            address = validate_email((field.data or "").strip(), check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            raise ValidationError("Enter an email address in the correct format, like name@example.org") from None
        assert self.lookups is not None, "call use(lookups) before validating"
        if self.lookups.email_in_use(address):
            raise ValidationError("There is already an account with this email address")
        self.normalised_email = address


class ChangeAccountForm(AccountForm):
    email = None  # type: ignore[assignment]  # not changed here: the account is its email
    fingerprint = HiddenField()
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button behind a confirmation page (CSRF only)."""
