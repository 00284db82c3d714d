"""Change since last year and targets, as AssessmentResults assembles them (issue 13, items 3 and 4): the previous
submitted year's level beside this year's for the overall score and each area, and the gap to each area's target
and to the peer median. Real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from assess.data.targets import save_targets
from assess.extensions import db
from assess.services.results import assessment_results


def _answers(make, levels: dict[str, str]) -> dict[str, str | None]:
    """Every question answered: the domain's entry in `levels`, else "2"."""
    definition = make.questionnaire().definition
    return {
        question.id: levels.get(domain.id, "2") for domain in definition.domains for question in domain.questions
    }


def _submit(make, site, user, period: str, answers: dict[str, str | None]):
    from assess.data.assessments import save_answers, submit_assessment
    from assess.scoring import score_assessment

    definition = make.questionnaire().definition
    assessment = make.draft(site, user, period)
    save_answers(assessment, answers, {}, user)
    submit_assessment(assessment, user, lambda given: score_assessment(definition, given))
    db.session.commit()
    return assessment


def test_two_years_give_the_change_for_the_overall_score_and_each_area(make):
    site = make.site(code="CHG-1", name="HMP Change")
    governor = make.user("governor", sites=(site,))
    definition = make.questionnaire().definition
    first, second, third = (domain.id for domain in definition.domains[:3])
    _submit(make, site, governor, "2024-25", _answers(make, {first: "1", second: "3"}))
    this_year = _submit(make, site, governor, "2025-26", _answers(make, {first: "3", second: "2", third: "2"}))

    view = assessment_results(this_year)
    change = view.change
    assert change is not None and change.has_previous and change.previous_period == "2024-25"
    assert change.domain(first).previous_level == 1 and change.domain(first).level == 3
    assert change.domain(first).level_change == 2 and change.domain(first).text == "Up 2 levels"
    assert change.domain(second).level_change == -1 and change.domain(second).text == "Down 1 level"
    assert change.domain(third).level_change == 0 and change.domain(third).text == "No change"
    assert change.overall.comparable and change.overall.previous_level is not None
    assert change.overall.score_change == view.result.score - change.overall.previous_score


def test_the_first_year_has_no_earlier_year_and_targets_give_the_gap(make):
    site = make.site(code="CHG-2", name="HMP First")
    governor = make.user("governor", sites=(site,))
    definition = make.questionnaire().definition
    first, second = (domain.id for domain in definition.domains[:2])
    assessment = _submit(make, site, governor, "2025-26", _answers(make, {first: "1"}))
    save_targets(site, definition.id, {first: 4, second: 2}, {}, governor, assessment_id=assessment.id)
    db.session.commit()

    view = assessment_results(assessment)
    assert view.change is not None and not view.change.has_previous
    assert view.change.domain(first).text == "No earlier year"
    assert view.targets == {first: 4, second: 2}
    assert view.gap_to_target(first) == 1 - 4
    assert view.gap_to_target(second) == 0
    assert view.gap_to_target(definition.domains[2].id) is None
    assert view.gap_to_peers(None, first) is None  # no peer group shown
