"""How far an assessment has got: per-domain status for the task list. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assess.questionnaire.schema import Domain, Questionnaire

NOT_STARTED = "Not yet started"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"


@dataclass(frozen=True)
class DomainProgress:
    domain: Domain
    answered: int
    total: int

    @property
    def status(self) -> str:
        if self.answered == 0:
            return NOT_STARTED
        return COMPLETED if self.answered == self.total else IN_PROGRESS


def domain_progress(domain: Domain, answers: Mapping[str, str | None]) -> DomainProgress:
    answered = sum(1 for question in domain.questions if answers.get(question.id))
    return DomainProgress(domain, answered, len(domain.questions))


def progress(questionnaire: Questionnaire, answers: Mapping[str, str | None]) -> list[DomainProgress]:
    return [domain_progress(domain, answers) for domain in questionnaire.domains]


def next_incomplete(questionnaire: Questionnaire, answers: Mapping[str, str | None], after: str) -> Domain | None:
    """The next domain after `after` that is not complete, wrapping round to the start."""
    ids = [domain.id for domain in questionnaire.domains]
    start = ids.index(after) + 1 if after in ids else 0
    for domain in [*questionnaire.domains[start:], *questionnaire.domains[:start]]:
        if domain.id != after and domain_progress(domain, answers).status != COMPLETED:
            return domain
    return None
