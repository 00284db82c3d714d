"""How far an assessment has got: per-domain status for the task list. Pure."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from assess.questionnaire.schema import Domain, Questionnaire

NOT_STARTED = "Not yet started"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"
# An area holding answers copied from an earlier assessment that nobody has reviewed and saved yet: not
# completed, however many of its questions the copy answered.
CARRIED_OVER = "Carried over – review"


@dataclass(frozen=True)
class DomainProgress:
    domain: Domain
    answered: int
    total: int
    carried_over: bool = False

    @property
    def is_answered(self) -> bool:
        return self.answered == self.total

    @property
    def status(self) -> str:
        if self.carried_over:
            return CARRIED_OVER
        if self.answered == 0:
            return NOT_STARTED
        return COMPLETED if self.is_answered else IN_PROGRESS


def domain_progress(
    domain: Domain, answers: Mapping[str, str | None], carried_over: Collection[str] = ()
) -> DomainProgress:
    answered = sum(1 for question in domain.questions if answers.get(question.id))
    return DomainProgress(domain, answered, len(domain.questions), domain.id in carried_over)


def progress(
    questionnaire: Questionnaire, answers: Mapping[str, str | None], carried_over: Collection[str] = ()
) -> list[DomainProgress]:
    """Each domain's progress; `carried_over` are the ids of the areas still to be reviewed."""
    return [domain_progress(domain, answers, carried_over) for domain in questionnaire.domains]


def next_incomplete(
    questionnaire: Questionnaire, answers: Mapping[str, str | None], after: str, carried_over: Collection[str] = ()
) -> Domain | None:
    """The next domain after `after` that is not complete (or still to be reviewed), wrapping round to the
    start."""
    ids = [domain.id for domain in questionnaire.domains]
    start = ids.index(after) + 1 if after in ids else 0
    for domain in [*questionnaire.domains[start:], *questionnaire.domains[:start]]:
        if domain.id != after and domain_progress(domain, answers, carried_over).status != COMPLETED:
            return domain
    return None
