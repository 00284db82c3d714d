"""A site's target level in each area of the questionnaire: what the targets page offers, shows and saves.

A target is the rung a governor means the site to reach in an area, which is not always the top. It is kept per
site and questionnaire (assess.data.targets), so it carries from one year to the next; each change is an audit
event. Two people may set targets at the same moment: an area changed by both is refused (TargetConflict),
while an area only a colleague changed keeps their value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assess.data import targets as target_data
from assess.data.audit import Person
from assess.data.targets import StoredTarget, TargetConflict
from assess.models import Assessment
from assess.questionnaire.schema import Domain, Level, Questionnaire
from assess.scoring import score_assessment

__all__ = ["Posted", "StoredTarget", "TargetArea", "TargetConflict", "save_targets", "target_areas", "target_levels"]


def target_levels(questionnaire: Questionnaire, domain: Domain) -> list[Level]:
    """The levels a target may be for an area: those the area describes, above the lowest ("not yet started"
    is never a target)."""
    lowest = questionnaire.levels[0].value
    described = {item.value for item in domain.levels}
    return [level for level in questionnaire.levels if level.value > lowest and level.value in described]


@dataclass(frozen=True)
class TargetArea:
    """One area on the targets page: this assessment's level there, the stored target and the levels offered."""

    domain: Domain
    level: int | None
    target: StoredTarget | None
    levels: tuple[Level, ...]


@dataclass(frozen=True)
class Posted:
    """What the page sent for one area: the level chosen (None: no target), and the target's version and level
    when the page was opened (0 and None: no target then)."""

    level: int | None
    seen_version: int
    seen_level: int | None


def target_areas(assessment: Assessment, questionnaire: Questionnaire) -> list[TargetArea]:
    """Every area of the questionnaire, in its order, with this assessment's level there (worked out from its
    answers, as the results page does) and the site's stored target."""
    result = score_assessment(questionnaire, assessment.answer_map())
    levels = {item.domain_id: item.level for item in result.domains}
    stored = target_data.get_targets(assessment.site_id, questionnaire.id)
    return [
        TargetArea(domain, levels.get(domain.id), stored.get(domain.id), tuple(target_levels(questionnaire, domain)))
        for domain in questionnaire.domains
    ]


def save_targets(
    assessment: Assessment, questionnaire: Questionnaire, posted: Mapping[str, Posted], user: Person
) -> list[str]:
    """Save the areas the person changed (chosen level differs from the one on the page when it opened);
    returns the domain ids changed. Raises TargetConflict when a colleague saved one of those areas since
    (nothing is kept: the request rolls back)."""
    for domain_id, item in posted.items():
        domain = questionnaire.domain(domain_id)
        if item.level is not None and item.level not in {level.value for level in target_levels(questionnaire, domain)}:
            raise ValueError(f"{item.level} is not a target level for {domain_id}")
    changed = {domain_id: item.level for domain_id, item in posted.items() if item.level != item.seen_level}
    if not changed:
        return []
    return target_data.save_targets(
        assessment.site,
        questionnaire.id,
        changed,
        {domain_id: (item.seen_version, item.seen_level) for domain_id, item in posted.items()},
        user,
        assessment_id=assessment.id,
    )
