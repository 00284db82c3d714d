"""Starting a new year from last year's answers: what the start page offers, the start itself, and what the
task list says about a draft that started from copied answers (assembled once here; the rules of what
carries over are the pure assess.questionnaire.carry)."""

from __future__ import annotations

from dataclasses import dataclass, field

from assess.data import assessments as assessment_data
from assess.models import Assessment, Site, User
from assess.questionnaire.carry import CarryPlan, LeftOut, plan_carry_over
from assess.services.questionnaires import definition_for, latest


@dataclass(frozen=True)
class CarrySummary:
    """For the task list and the check page: where the draft's answers came from, which areas still need
    review, and what could not be carried over."""

    source_period: str | None = None
    unreviewed: tuple[str, ...] = ()
    left_out: tuple[LeftOut, ...] = field(default_factory=tuple)


def source_for(site: Site, period: str) -> Assessment | None:
    """The submitted assessment a new draft for the period would start from (the latest before it)."""
    return assessment_data.get_latest_submitted_before(site, period)


def plan_from(source: Assessment, kind: str) -> CarryPlan:
    """What of `source` carries over onto the latest questionnaire version."""
    old = definition_for(source.questionnaire_id, source.questionnaire_version)
    return plan_carry_over(
        old, latest(source.questionnaire_id).definition, source.answer_map(), source.evidence_map(), kind
    )


def start_assessment(site: Site, period: str, user: User, *, copy: bool) -> Assessment:
    """Start (or continue) the site's draft for the period. With `copy`, a new draft starts from the site's
    latest submitted answers before that period, when it has any; an open draft is continued as it is."""
    loaded = latest()
    carry = None
    if copy and assessment_data.get_open_assessment(site, period) is None:
        source = source_for(site, period)
        if source is not None:
            plan = plan_from(source, site.kind)
            carry = assessment_data.CarryOver(
                source=source,
                choices=plan.choices,
                evidence=plan.evidence,
                domain_ids=plan.domain_ids,
                left_out=tuple(item.question_id for item in plan.left_out),
            )
    return assessment_data.start_or_continue_assessment(site, period, loaded, user, carry)


def carry_summary(assessment: Assessment) -> CarrySummary:
    """Nothing for a draft that started blank. What could not be carried over is worked out again from the
    two versions (no table of its own), so it always matches the copy."""
    if assessment.carried_from_id is None:
        return CarrySummary()
    unreviewed = tuple(assessment_data.get_carried_over_domains(assessment.id))
    source = assessment_data.get_assessment(assessment.carried_from_id)
    if source is None:
        return CarrySummary(unreviewed=unreviewed)
    old = definition_for(source.questionnaire_id, source.questionnaire_version)
    new = definition_for(assessment.questionnaire_id, assessment.questionnaire_version)
    plan = plan_carry_over(old, new, source.answer_map(), source.evidence_map(), assessment.site.kind)
    return CarrySummary(source_period=source.period, unreviewed=unreviewed, left_out=plan.left_out)
