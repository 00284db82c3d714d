from __future__ import annotations

from flask import current_app

from assess.questionnaire.loader import LoadedQuestionnaire, Registry
from assess.questionnaire.schema import Questionnaire

MAIN_QUESTIONNAIRE = "sui-maturity"


def registry() -> Registry:
    return current_app.extensions["questionnaires"]  # type: ignore[no-any-return]


def latest(questionnaire_id: str = MAIN_QUESTIONNAIRE) -> LoadedQuestionnaire:
    return registry().latest(questionnaire_id)


def definition_for(questionnaire_id: str, version: str) -> Questionnaire:
    return registry().get(questionnaire_id, version)
