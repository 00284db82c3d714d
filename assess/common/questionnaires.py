"""Kept for older imports: the questionnaire registry lives in assess.services.questionnaires."""

from assess.services.questionnaires import MAIN_QUESTIONNAIRE, definition_for, latest, registry

__all__ = ["MAIN_QUESTIONNAIRE", "definition_for", "latest", "registry"]
