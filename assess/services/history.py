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
    "review-started": "Began the inspector's review",
    "area-validated": "Recorded a validation decision",
    "review-summary-saved": "Saved the confidence judgement and summary",
    "review-finalised": "Finalised the review: validated",
    "review-reopened": "Reopened the validated review",
    "query-raised": "Raised a query",
    "query-agree": "Replied to a query: agrees",
    "query-disagree": "Replied to a query: disagrees",
    "query-resolved": "Resolved a query",
    "query-closed": "Closed a query unresolved",
    "answers-carried-over": "Started from earlier answers",
    "carried-over-reviewed": "Reviewed carried-over answers",
    "target-set": "Set a target",
    "target-cleared": "Removed a target",
}
INTERNAL = "internal_note"  # audit fields never shown to the site


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    what: str
    details: list[str] = field(default_factory=list)
    request_id: str | None = None


def assessment_history(assessment: Assessment, *, internal: bool = False) -> list[HistoryEntry]:
    """Newest first. Without `internal` (the site's view), internal notes are left out: an event that only
    changed an internal note does not appear at all."""
    questionnaire = definition_for(assessment.questionnaire_id, assessment.questionnaire_version)
    questions = {question.id: question for domain in questionnaire.domains for question in domain.questions}
    kind = assessment.site.kind
    entries = []
    for event in get_events_for_assessment(assessment.id):
        if not internal and _only_internal(event):
            continue
        entries.append(_entry(event, questionnaire, questions, kind, internal))
    return entries


def _only_internal(event: AuditEvent) -> bool:
    after = {name: value for name, value in (event.after or {}).items() if name != "domain"}
    return event.action in {"area-validated", "review-summary-saved"} and set(after) == {INTERNAL}


def _entry(
    event: AuditEvent, questionnaire: Questionnaire, questions: dict[str, Question], kind: str, internal: bool
) -> HistoryEntry:
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
    elif event.action == "area-validated":
        domain_id = after.get("domain")
        if domain_id and questionnaire.has_domain(domain_id):
            what = f"Validated ‘{questionnaire.domain(domain_id).title}’"
        details = _validation_details(after, internal)
    elif event.action == "review-summary-saved":
        details = _validation_details(after, internal)
    elif event.action == "review-finalised":
        details = [f"Confidence: {after.get('confidence')}"]
    elif event.action == "review-reopened":
        details = [f"Reason: {after.get('reason')}"]
    elif event.action in YEAR_ACTIONS:
        what, details = _year_entry(event, questionnaire, what)
    elif event.action.startswith("query-"):
        details = [
            f"{name.capitalize()}: {_area_titles(questionnaire, value) if name == 'areas' else value}"
            for name, value in after.items()
            if name in QUERY_FIELDS and value
        ]
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


YEAR_ACTIONS = {"answers-carried-over", "carried-over-reviewed", "target-set", "target-cleared"}


def _year_entry(event: AuditEvent, questionnaire: Questionnaire, what: str) -> tuple[str, list[str]]:
    """Carrying answers over from last year, reviewing them, and the site's targets."""
    after: dict[str, Any] = event.after or {}
    details: list[str] = []
    domain_id = after.get("domain")
    title = questionnaire.domain(domain_id).title if domain_id and questionnaire.has_domain(domain_id) else None
    if event.action == "answers-carried-over":
        what = f"Started from the answers of {after.get('from_period')}"
        questions, areas = len(after.get("questions") or []), len(after.get("domains") or [])
        details = [f"{questions} answers carried over into {areas} areas"]
        if after.get("not_carried_over"):
            details.append(f"Not carried over: {len(after['not_carried_over'])} questions")
    elif event.action == "carried-over-reviewed" and title:
        what = f"Reviewed ‘{title}’ (carried over)"
    elif event.action in {"target-set", "target-cleared"}:
        if title:
            what = f"{'Set a target for' if event.action == 'target-set' else 'Removed the target for'} ‘{title}’"
        old, new = (event.before or {}).get("level"), after.get("level")
        details = [f"Target level from {'none' if old is None else old} to {'none' if new is None else new}"]
    return what, details


QUERY_FIELDS = ("areas", "text", "evidence", "due", "status")
VALIDATION_FIELDS = {
    "decision": "Decision",
    "validated_level": "Validated level",
    "self_level": "Self-assessed level",
    "reason": "Reason",
    "confidence": "Confidence",
    "summary": "Summary",
    INTERNAL: "Internal note",
}


def _validation_details(after: dict[str, Any], internal: bool) -> list[str]:
    lines = []
    for name, label in VALIDATION_FIELDS.items():
        if name not in after or (name == INTERNAL and not internal):
            continue
        value = after[name]
        lines.append(f"{label}: {value if value not in (None, '') else 'none'}")
    return lines


def _area_titles(questionnaire: Questionnaire, domain_ids: list[str]) -> str:
    return ", ".join(
        questionnaire.domain(item).title if questionnaire.has_domain(item) else str(item) for item in domain_ids
    )
