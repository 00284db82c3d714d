"""An assessment's history, from the audit trail, in words people read: who changed what and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from assess.data.audit import get_events_for_assessment
from assess.models import Assessment, AuditEvent
from assess.questionnaire.forms import answer_label
from assess.questionnaire.schema import Question, Questionnaire
from assess.services.questionnaires import definition_for

ACTIONS = {
    "assessment-started": "Started the assessment",
    "answers-saved": "Saved answers",
    "assessment-submitted": "Submitted the assessment",
}


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    what: str
    details: list[str] = field(default_factory=list)
    request_id: str | None = None


def assessment_history(assessment: Assessment) -> list[HistoryEntry]:
    """Newest first."""
    questionnaire = definition_for(assessment.questionnaire_id, assessment.questionnaire_version)
    questions = {question.id: question for domain in questionnaire.domains for question in domain.questions}
    kind = assessment.site.kind
    return [_entry(event, questionnaire, questions, kind) for event in get_events_for_assessment(assessment.id)]


def _entry(event: AuditEvent, questionnaire: Questionnaire, questions: dict[str, Question], kind: str) -> HistoryEntry:
    what = ACTIONS.get(event.action, event.action.replace("-", " ").capitalize())
    details: list[str] = []
    after: dict[str, Any] = event.after or {}
    if event.action == "answers-saved":
        domain_id = after.get("domain")
        if domain_id and questionnaire.has_domain(domain_id):
            what = f"Saved ‘{questionnaire.domain(domain_id).title}’"
        details = _changed_questions(questions, kind, event.before or {}, after.get("questions") or {})
    elif event.action == "assessment-started":
        details = [f"{after.get('period')}, questionnaire version {after.get('version')}"]
    elif event.action == "assessment-submitted" and after.get("level") is not None:
        details = [f"Overall score {after.get('score')}, level {after.get('level')}"]
    return HistoryEntry(event.occurred_at, event.actor, what, details, event.request_id)


def _changed_questions(
    questions: dict[str, Question], kind: str, before: dict[str, Any], after: dict[str, Any]
) -> list[str]:
    lines = []
    for question_id, change in after.items():
        question = questions.get(question_id)
        title = question.text_for(kind) if question else question_id
        old = before.get(question_id) or {}
        parts = []
        if "choice" in change:
            old_label = answer_label(question, kind, old.get("choice")) if question else old.get("choice")
            new_label = answer_label(question, kind, change.get("choice")) if question else change.get("choice")
            parts.append(f"answer from ‘{old_label or 'not answered'}’ to ‘{new_label or 'not answered'}’")
        if "evidence" in change:
            parts.append("evidence changed" if old.get("evidence") else "evidence added")
            if not change.get("evidence"):
                parts[-1] = "evidence removed"
        lines.append(f"{title}: {', '.join(parts)}")
    return lines
