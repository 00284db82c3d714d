"""What carries over from a submitted assessment into a new draft ("start from last year's answers"). Pure.

The new draft is always on the latest questionnaire version; the answers come from whatever version the
earlier assessment was answered on. An answer is carried over when its question (by id: question ids are
unique across a whole file and kept across versions when the question means the same thing) is still asked
in the new version and its choice is still one of that question's answers there. Question ids do not
depend on the area they sit in, so a question in an area renamed through `previous_ids` (or moved to
another area) is found as well; it is marked for review in the area that now holds it.

Everything else is listed, with the reason, so the governor can see what has to be answered afresh: a
question that is no longer asked, or an answer that is no longer one of the choices (its evidence is still
carried over: only the choice has to be made again). Questions new in the new version are simply not
answered yet, as on a blank assessment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from assess.questionnaire.schema import DONT_KNOW, NOT_APPLICABLE, Domain, Question, Questionnaire

NO_LONGER_ASKED = "no-longer-asked"
CHOICE_NOT_OFFERED = "choice-not-offered"


@dataclass(frozen=True)
class LeftOut:
    """An earlier answer that could not be carried over as it was."""

    question_id: str
    question_text: str  # the wording it was answered under
    domain_title: str  # the area it is in now (or was in, when it is no longer asked)
    reason: str  # NO_LONGER_ASKED or CHOICE_NOT_OFFERED
    evidence_kept: bool = False

    @property
    def explanation(self) -> str:
        if self.reason == NO_LONGER_ASKED:
            return "This question is no longer asked, so its answer and evidence were not copied."
        if self.evidence_kept:
            return (
                "The earlier answer is not one of the answers to this question now. Its evidence was copied: "
                "choose an answer again."
            )
        return "The earlier answer is not one of the answers to this question now: choose an answer again."


@dataclass(frozen=True)
class CarryPlan:
    """What to copy into the new draft: choices and evidence by question id, the areas (of the new version)
    that receive anything, and what is left out."""

    choices: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    domain_ids: tuple[str, ...] = ()
    left_out: tuple[LeftOut, ...] = ()

    @property
    def question_ids(self) -> list[str]:
        return sorted(set(self.choices) | set(self.evidence))

    @property
    def is_empty(self) -> bool:
        return not self.choices and not self.evidence


def allowed_choices(question: Question) -> set[str]:
    """Every answer the question accepts (as stored): its levels, and "I don't know" / "does not apply"
    where the question offers them."""
    allowed = {str(option.level) for option in question.options}
    if question.dont_know:
        allowed.add(DONT_KNOW)
    if question.not_applicable:
        allowed.add(NOT_APPLICABLE)
    return allowed


def _where(questionnaire: Questionnaire) -> dict[str, tuple[Domain, Question]]:
    return {question.id: (domain, question) for domain in questionnaire.domains for question in domain.questions}


def plan_carry_over(
    old: Questionnaire,
    new: Questionnaire,
    choices: Mapping[str, str | None],
    evidence: Mapping[str, str | None],
    kind: str = "prison",
) -> CarryPlan:
    """What of the earlier assessment's answers (on `old`) can start a new draft on `new`. Empty answers
    (no choice and no evidence) are ignored; so are answers to questions the old version did not ask."""
    after = _where(new)
    copied_choices: dict[str, str] = {}
    copied_evidence: dict[str, str] = {}
    domains: set[str] = set()
    left_out: list[LeftOut] = []
    for domain in old.domains:
        for question in domain.questions:
            choice = choices.get(question.id) or None
            text = (evidence.get(question.id) or "").strip() or None
            if choice is None and text is None:
                continue
            found = after.get(question.id)
            if found is None:
                left_out.append(LeftOut(question.id, question.text_for(kind), domain.title, NO_LONGER_ASKED))
                continue
            new_domain, new_question = found
            choice_ok = choice is not None and choice in allowed_choices(new_question)
            if choice_ok:
                copied_choices[question.id] = choice  # type: ignore[assignment]
            if text is not None:
                copied_evidence[question.id] = text
            if choice_ok or text is not None:
                domains.add(new_domain.id)
            if choice is not None and not choice_ok:
                left_out.append(
                    LeftOut(
                        question.id,
                        question.text_for(kind),
                        new_domain.title,
                        CHOICE_NOT_OFFERED,
                        evidence_kept=text is not None,
                    )
                )
    order = [domain.id for domain in new.domains]
    return CarryPlan(
        choices=copied_choices,
        evidence=copied_evidence,
        domain_ids=tuple(sorted(domains, key=order.index)),
        left_out=tuple(left_out),
    )
