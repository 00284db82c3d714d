"""An assessment's validation as every page, download and report shows it, assembled once: the review's
state, the confidence judgement and summary, and each area's self-assessed level beside the inspector's
decision, validated level and reason. Internal notes are filled in only for those who may read them
(`internal=True`: inspectors and administrators, assess.auth.policy.sees_internal_notes); the site's copy
never carries them.

The site sees the decisions while the review is under way, marked provisional, and as final once the
review is validated."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from assess.data.reviews import get_review, get_validations
from assess.models import Assessment
from assess.questionnaire.schema import Questionnaire
from assess.scoring import Result
from assess.validation import CONFIDENCES, DECISIONS, OVERALL_RULE, AreaDecision, Overall, difference, overall_validated

NOT_REVIEWED = "submitted"  # the state of a submitted assessment no inspector has begun to review
STATE_LABELS = {
    NOT_REVIEWED: "Not yet reviewed",
    "in review": "In review",
    "validated": "Validated",
}


@dataclass(frozen=True)
class AreaOutcome:
    """One area: the site's own level and, once decided, the inspector's."""

    domain_id: str
    title: str
    self_level: int | None
    self_level_name: str | None
    decision: str | None = None
    validated_level: int | None = None
    validated_level_name: str | None = None
    reason: str = ""
    internal_note: str | None = None  # None unless the reader may see internal notes
    decided_by: str | None = None
    decided_at: datetime | None = None
    version: int = 0

    @property
    def decided(self) -> bool:
        return self.decision is not None

    @property
    def decision_label(self) -> str:
        return DECISIONS.get(self.decision, "Not yet decided") if self.decision else "Not yet decided"

    @property
    def change(self) -> int | None:
        return difference(self.self_level, self.validated_level)

    def validated_text(self) -> str:
        """The validated level as one phrase: "2 – Consultation", "Unable to validate", "Not yet decided"."""
        if not self.decided:
            return "Not yet decided"
        if self.decision == "unable":
            return "Unable to validate"
        if self.validated_level is None:
            return "Not scored"
        return f"{self.validated_level} – {self.validated_level_name}"


@dataclass
class ValidationView:
    state: str  # "submitted" (no review yet), "in review" or "validated"
    areas: list[AreaOutcome]  # every area of the questionnaire version, in its order
    confidence: str | None = None
    summary: str = ""
    internal_note: str | None = None  # None unless the reader may see internal notes
    version: int = 0  # of the summary part, for the form that edits it
    finalised_at: datetime | None = None
    finalised_by: str | None = None
    internal: bool = False
    overall: Overall | None = None  # once every area has a decision (assess.validation.overall_validated)
    overall_rule: str = OVERALL_RULE
    level_names: dict[int, str] = field(default_factory=dict)
    _by_id: dict[str, AreaOutcome] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {area.domain_id: area for area in self.areas}

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    @property
    def is_final(self) -> bool:
        return self.state == "validated"

    @property
    def has_decisions(self) -> bool:
        return any(area.decided for area in self.areas)

    @property
    def provisional(self) -> bool:
        """Decisions exist but the review is not final."""
        return self.has_decisions and not self.is_final

    @property
    def overall_text(self) -> str:
        if self.overall is None:
            return "Not yet decided" if not self.is_final else "Not scored"
        return f"{self.overall.level} – {self.level_names.get(self.overall.level, '')} (score {self.overall.score})"

    @property
    def confidence_label(self) -> str | None:
        return CONFIDENCES.get(self.confidence) if self.confidence else None

    @property
    def decided_count(self) -> int:
        return sum(1 for area in self.areas if area.decided)

    def area(self, domain_id: str) -> AreaOutcome | None:
        return self._by_id.get(domain_id)


def validation_view(
    assessment: Assessment, questionnaire: Questionnaire, result: Result, *, internal: bool
) -> ValidationView:
    """`result`: the assessment's own scores (assess.scoring), whose levels are the self-assessed ones."""
    names = {level.value: level.name for level in questionnaire.levels}
    review = get_review(assessment.id) if assessment.is_submitted else None
    decisions = get_validations(assessment.id) if review is not None else {}
    self_levels = {item.domain_id: item.level for item in result.domains}
    areas = []
    for domain in questionnaire.domains:
        level = self_levels.get(domain.id)
        row = decisions.get(domain.id)
        outcome = AreaOutcome(domain.id, domain.title, level, names.get(level) if level is not None else None)
        if row is not None:
            outcome = AreaOutcome(
                domain.id,
                domain.title,
                level,
                outcome.self_level_name,
                decision=row.decision,
                validated_level=row.validated_level,
                validated_level_name=names.get(row.validated_level) if row.validated_level is not None else None,
                reason=row.reason or "",
                internal_note=(row.internal_note or "") if internal else None,
                decided_by=row.decided_by.name if row.decided_by else None,
                decided_at=row.decided_at,
                version=row.version,
            )
        areas.append(outcome)
    if review is None:
        return ValidationView(NOT_REVIEWED, areas, internal=internal, level_names=names)
    overall = overall_validated(
        questionnaire,
        result,
        {
            area.domain_id: AreaDecision(area.decision, area.validated_level, area.reason)
            for area in areas
            if area.decision is not None
        },
    )
    return ValidationView(
        review.state,
        areas,
        confidence=review.confidence,
        summary=review.summary or "",
        internal_note=(review.internal_note or "") if internal else None,
        version=review.version,
        finalised_at=review.finalised_at,
        finalised_by=review.finalised_by.name if review.finalised_by else None,
        internal=internal,
        overall=overall,
        level_names=names,
    )
