"""assess/templates/macros/components.html writes out two GOV.UK components for long lists (issue 15): its
markup must be what govuk-frontend-jinja's own macro gives for the same parameters, so the page is the Design
System's component whichever renders it. Compared with whitespace between and inside tags collapsed (browsers
collapse it too); everything else must be the same: elements, attributes, their order, ids, escaping."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from assess.questionnaire.forms import build_domain_form, choice_field_name, choices_for, evidence_field_name
from assess.questionnaire.loader import load_file

ROOT = Path(__file__).resolve().parents[2]

ENV = Environment(
    loader=ChoiceLoader(
        [
            PackageLoader("assess", "templates"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    ),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=["jinja2.ext.do"],
)

OURS_CHECKBOXES = ENV.from_string('{% from "macros/components.html" import checkboxes %}{{ checkboxes(params) }}')
THEIRS_CHECKBOXES = ENV.from_string(
    '{% from "govuk_frontend_jinja/components/checkboxes/macro.html" import govukCheckboxes %}'
    "{{ govukCheckboxes(params) }}"
)
OURS_CARD = ENV.from_string(
    '{% from "macros/components.html" import summary_card %}{{ summary_card(title, level, rows) }}'
)
THEIRS_CARD = ENV.from_string(
    '{% from "govuk_frontend_jinja/components/summary-list/macro.html" import govukSummaryList %}'
    '{{ govukSummaryList({"card": {"title": {"text": title, "headingLevel": level}}, "rows": rows}) }}'
)
OURS_TAG = ENV.from_string('{% from "macros/components.html" import tag %}{{ tag(text, classes) }}')
THEIRS_TAG = ENV.from_string(
    '{% from "govuk_frontend_jinja/components/tag/macro.html" import govukTag %}'
    '{{ govukTag({"text": text, "classes": classes} if classes else {"text": text}) }}'
)


def normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def sites(count: int, checked: set[int] = frozenset(), hints: bool = True) -> list[dict[str, Any]]:  # type: ignore[assignment]
    items = []
    for number in range(count):
        item: dict[str, Any] = {
            "value": f"S{number}<&\"'",
            "text": f'Site <{number}> & "more"',
            "checked": number in checked,
        }
        if hints:
            item["hint"] = {"text": f"Prison, North <West> {number}"}
        items.append(item)
    return items


CASES = {
    "with a hint, nothing chosen": {
        "idPrefix": "site",
        "name": "site",
        "fieldset": {"legend": {"text": "Which sites do you want to compare?", "classes": "govuk-fieldset__legend--m"}},
        "hint": {"text": "Choose 2 to 6 sites from your caseload."},
        "errorMessage": None,
        "items": sites(5),
        "classes": "govuk-checkboxes--small",
    },
    "an error, some chosen": {
        "idPrefix": "site",
        "name": "site",
        "fieldset": {"legend": {"text": "Which sites?", "classes": "govuk-fieldset__legend--m"}},
        "hint": {"text": "Choose 2 to 6 <sites>."},
        "errorMessage": {"text": "Choose between 2 and 6 sites to compare (you chose 7) & <more>"},
        "items": sites(12, checked={0, 3, 11}),
        "classes": "govuk-checkboxes--small",
    },
    "no hints, no classes, no legend classes": {
        "idPrefix": "area",
        "name": "areas",
        "fieldset": {"legend": {"text": "Areas"}},
        "items": sites(3, checked={1}, hints=False),
    },
    "one item": {
        "idPrefix": "x",
        "name": "x",
        "fieldset": {"legend": {"text": "One"}},
        "hint": {"text": "Only one"},
        "items": sites(1, checked={0}),
    },
}


@pytest.mark.parametrize("case", list(CASES))
def test_checkboxes_are_the_design_systems_markup(case: str) -> None:
    params = CASES[case]
    ours = OURS_CHECKBOXES.render(params=params)
    assert normalised(ours) == normalised(THEIRS_CHECKBOXES.render(params=params))
    assert "&lt;" in ours and "<0>" not in ours  # the text is escaped


def test_the_comparison_can_fail() -> None:
    """A difference in one attribute is caught."""
    params = CASES["an error, some chosen"]
    theirs = normalised(THEIRS_CHECKBOXES.render(params=params))
    assert normalised(OURS_CHECKBOXES.render(params=params)).replace(" checked", "", 1) != theirs


@pytest.mark.parametrize(
    ("text", "classes"),
    [("Submitted", "govuk-tag--blue"), ('No assessment <yet> & "more"', "govuk-tag--grey app-tag"), ("Draft", "")],
)
def test_tags_are_the_design_systems_markup(text: str, classes: str) -> None:
    assert normalised(OURS_TAG.render(text=text, classes=classes)) == normalised(
        THEIRS_TAG.render(text=text, classes=classes)
    )


def questions(count: int) -> list[dict[str, Any]]:
    return [
        {
            "key": {"text": f'Question <{number}> & "more"?'},
            "value": {"html": Markup(f'<p class="govuk-body">Answer {number}</p>')},
            "actions": {
                "items": [
                    {
                        "href": f"/assessments/1/domains/d{number}?return=check&x=<1>#q{number}",
                        "text": "Change",
                        "visuallyHiddenText": f"Question <{number}>?",
                    }
                ]
            },
        }
        for number in range(count)
    ]


@pytest.mark.parametrize(("title", "level", "count"), [("Leadership & <voice>", 2, 5), ("Area", 3, 1), ("None", 2, 0)])
def test_summary_cards_are_the_design_systems_markup(title: str, level: int, count: int) -> None:
    rows = questions(count)
    ours = OURS_CARD.render(title=title, level=level, rows=rows)
    assert normalised(ours) == normalised(THEIRS_CARD.render(title=title, level=level, rows=rows))


# -- The questionnaire's radios (assess.questionnaire.forms.QuestionRadios) -----------------------------------


def _radios_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False)
    app.jinja_loader = ENV.loader
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.do")
    return app


def _question_params(question: Any, kind: str) -> dict[str, Any]:
    """What templates/governor/domain.html passes: the legend's class and each option's hint."""
    items = [{"hint": {"text": option.hint_for(kind)}} if option.hint_for(kind) else {} for option in question.options]
    return {
        "fieldset": {"legend": {"text": question.text_for(kind), "classes": "govuk-fieldset__legend--m"}},
        "items": items,
    }


@pytest.mark.parametrize("kind", ["prison", "probation"])
@pytest.mark.parametrize("state", ["empty", "answered", "refused"])
def test_the_questionnaires_radios_are_govuk_frontend_wtfs_markup(kind: str, state: str) -> None:
    """Every question of the published questionnaire, as the area page renders it: unanswered, answered, and
    with an error (the field's first error), against govuk-frontend-wtf's own GovRadioInput."""
    app = _radios_app()
    questionnaire = load_file(sorted((ROOT / "questionnaires" / "sui-maturity").glob("*.yaml"))[-1]).definition
    compared = 0
    with app.test_request_context("/"):
        for domain in questionnaire.domains:
            form_class = build_domain_form(domain, kind)
            data = {}
            if state != "empty":
                for question in domain.questions:
                    data[choice_field_name(question)] = choices_for(question, kind)[-1][0]
            form = form_class(formdata=MultiDict(data), meta={"csrf": False})
            for question in domain.questions:
                field = form[choice_field_name(question)]
                if state == "refused":
                    field.errors = [f"Choose an answer for ‘{question.text_for(kind)}’ <again>"]
                params = _question_params(question, kind)
                ours = Markup(field(params=copy.deepcopy(params)))
                theirs = GovRadioInput()(field, params=copy.deepcopy(params))
                assert normalised(ours) == normalised(theirs), (domain.id, question.id)
                assert ("checked" in ours) == (state != "empty")
                assert ("govuk-error-message" in ours) == (state == "refused")
                compared += 1
    assert compared >= 30  # every question of the twelve areas


TEXTAREA = re.compile(r"<textarea[^>]*>(.*?)</textarea>", re.DOTALL)


@pytest.mark.parametrize("state", ["empty", "written", "refused"])
def test_the_evidence_boxes_are_govuk_frontend_wtfs_markup(state: str) -> None:
    """Every question's evidence box, as the area page renders it, against govuk-frontend-wtf's own
    GovCharacterCount: the text in the box exactly (it is not HTML: its spaces and line breaks are kept)."""
    app = _radios_app()
    questionnaire = load_file(sorted((ROOT / "questionnaires" / "sui-maturity").glob("*.yaml"))[-1]).definition
    params = {"maxlength": 2000, "rows": 4, "label": {"classes": "govuk-label--s"}}
    compared = 0
    with app.test_request_context("/"):
        for domain in questionnaire.domains:
            data = {}
            if state != "empty":
                for question in domain.questions:
                    data[evidence_field_name(question)] = f'Minutes of <{question.id}> & "more"\r\n\n  indented'
            form = build_domain_form(domain, "prison")(formdata=MultiDict(data), meta={"csrf": False})
            for question in domain.questions:
                field = form[evidence_field_name(question)]
                if state == "refused":
                    field.errors = ["Evidence must be 2,000 characters or fewer <really>"]
                ours = Markup(field(params=copy.deepcopy(params)))
                theirs = GovCharacterCount()(field, params=copy.deepcopy(params))
                assert normalised(ours) == normalised(theirs), (domain.id, question.id)
                assert TEXTAREA.findall(ours) == TEXTAREA.findall(theirs)
                assert ("indented" in ours) == (state != "empty")
                assert ("govuk-error-message" in ours) == (state == "refused")
                compared += 1
    assert compared >= 30
