"""Form classes built from a questionnaire domain: one radio group and one evidence box per question.

Nothing is hand-written per question; the definition decides the fields, their labels and hints.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from assess.questionnaire.schema import Domain, Question
from assess.scoring import DONT_KNOW, NOT_APPLICABLE

EVIDENCE_MAX_LENGTH = 2000


class QuestionRadios(GovRadioInput):
    """govuk-frontend-wtf's radios, the same parameters and the same markup, written out by
    templates/components/radios.html instead of through govukRadios's macro: an area page has a question a few
    times over, and the macro took about half a millisecond each (issue 15;
    tests/unit/test_component_markup.py compares the two)."""

    template = "components/radios.html"


class EvidenceCount(GovCharacterCount):
    """govuk-frontend-wtf's character count, the same parameters and the same markup, written out by
    templates/components/character_count.html instead of through govukCharacterCount's macro (issue 15, as
    QuestionRadios)."""

    template = "components/character_count.html"


def choice_field_name(question: Question) -> str:
    return f"q-{question.id}"


def evidence_field_name(question: Question) -> str:
    return f"evidence-{question.id}"


def choices_for(question: Question, kind: str) -> list[tuple[str, str]]:
    choices = [(str(option.level), option.label_for(kind)) for option in question.options]
    if question.dont_know:
        choices.append((DONT_KNOW, "I don't know"))
    if question.not_applicable:
        choices.append((NOT_APPLICABLE, "This does not apply to our site"))
    return choices


def answer_label(question: Question, kind: str, choice: str | None) -> str | None:
    return dict(choices_for(question, kind)).get(choice or "")


class DomainForm(FlaskForm):
    """Base for the generated forms; `questions` keeps the order of the definition."""

    questions: tuple[Question, ...] = ()
    site_kind: str = "prison"

    def missing_answers(self) -> list[Question]:
        return [question for question in self.questions if not self[choice_field_name(question)].data]

    def require_answers(self) -> None:
        """Add 'select an answer' errors for unanswered questions (only when the person wants to move on)."""
        for question in self.missing_answers():
            field = self[choice_field_name(question)]
            field.errors = [*field.errors, f"Select an answer for ‘{question.text_for(self.site_kind)}’"]

    def cleaned(self) -> tuple[dict[str, str | None], dict[str, str | None]]:
        """The choices and evidence that passed their own checks, ready to save."""
        choices: dict[str, str | None] = {}
        evidence: dict[str, str | None] = {}
        for question in self.questions:
            choice = self[choice_field_name(question)]
            if not choice.errors:
                choices[question.id] = choice.data or None
            text = self[evidence_field_name(question)]
            if not text.errors:
                evidence[question.id] = (text.data or "").strip() or None
        return choices, evidence


def _normalise_newlines(value: str | None) -> str | None:
    # Browsers send a new line as two characters; the character count shows one. Count as people do.
    return value.replace("\r\n", "\n") if value else value


def _valid_choice(allowed: set[str]) -> Any:
    def check(form: FlaskForm, field: RadioField) -> None:
        if field.data and field.data not in allowed:
            raise ValidationError("Select one of the answers listed")

    return check


def build_domain_form(domain: Domain, kind: str) -> type[DomainForm]:
    """A FlaskForm subclass for one domain page, worded for the kind of site."""
    attributes: dict[str, Any] = {"questions": domain.questions, "site_kind": kind}
    for question in domain.questions:
        choices = choices_for(question, kind)
        attributes[choice_field_name(question)] = RadioField(
            question.text_for(kind),
            description=question.hint_for(kind) or "",
            choices=[SelectChoice(value, label) for value, label in choices],
            validators=[Optional(), _valid_choice({value for value, _ in choices})],
            validate_choice=False,
            widget=QuestionRadios(),
        )
        attributes[evidence_field_name(question)] = TextAreaField(
            "Evidence (optional)",
            description=question.evidence_prompt_for(kind),
            validators=[
                Length(
                    max=EVIDENCE_MAX_LENGTH,
                    message=f"Evidence for ‘{question.text_for(kind)}’ must be {EVIDENCE_MAX_LENGTH:,} characters "
                    "or fewer",
                )
            ],
            filters=[_normalise_newlines],
            widget=EvidenceCount(),
        )
    return type(f"{domain.id.title().replace('-', '')}DomainForm", (DomainForm,), attributes)
