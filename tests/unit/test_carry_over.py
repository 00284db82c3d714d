"""What carries over from one questionnaire version to another (assess.questionnaire.carry): answers by
question id, only choices the new version still offers, evidence kept where the choice is not, and every
answer that cannot be carried over listed with its reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assess.questionnaire.carry import (
    CHOICE_NOT_OFFERED,
    NO_LONGER_ASKED,
    allowed_choices,
    plan_carry_over,
)
from assess.questionnaire.loader import load_file, load_registry
from assess.questionnaire.progress import CARRIED_OVER, COMPLETED, IN_PROGRESS, next_incomplete, progress
from assess.questionnaire.schema import Questionnaire

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "questionnaires" / "mini" / "1.0.yaml"


@pytest.fixture(scope="module")
def mini() -> Questionnaire:
    return load_file(MINI).definition


@pytest.fixture(scope="module")
def real() -> Questionnaire:
    return load_registry([ROOT / "questionnaires"]).get("sui-maturity", "1.0")


def edited(questionnaire: Questionnaire, change: Any) -> Questionnaire:
    """A new version of the questionnaire: its content as data, changed by `change`, validated again."""
    data = questionnaire.model_dump(mode="json")
    data["version"] = "2.0"
    change(data)
    return Questionnaire.model_validate(data)


def domain_of(data: dict[str, Any], domain_id: str) -> dict[str, Any]:
    return next(domain for domain in data["domains"] if domain["id"] == domain_id)


# -- the same version ----------------------------------------------------------------------------------


def test_every_answer_and_its_evidence_carries_over_onto_the_same_questions(real: Questionnaire) -> None:
    choices = {question.id: str(index % 6) for index, question in enumerate(
        question for domain in real.domains for question in domain.questions)}
    evidence = {real.domains[0].questions[0].id: "Minutes of the March council"}
    plan = plan_carry_over(real, real, choices, evidence)
    assert plan.choices == choices
    assert plan.evidence == evidence
    assert plan.domain_ids == tuple(domain.id for domain in real.domains)
    assert plan.left_out == ()


def test_dont_know_and_not_applicable_carry_over_where_the_question_offers_them(mini: Questionnaire) -> None:
    plan = plan_carry_over(mini, mini, {"alpha-one": "dont-know", "alpha-two": "not-applicable"}, {})
    assert plan.choices == {"alpha-one": "dont-know", "alpha-two": "not-applicable"}
    assert plan.domain_ids == ("alpha",)  # beta received nothing: it is not marked as carried over


def test_empty_answers_are_not_copied_and_mark_no_area(mini: Questionnaire) -> None:
    plan = plan_carry_over(mini, mini, {"alpha-one": None, "beta-one": ""}, {"alpha-two": "   "})
    assert plan.is_empty
    assert plan.domain_ids == ()
    assert plan.left_out == ()


def test_evidence_alone_carries_over_and_marks_its_area(mini: Questionnaire) -> None:
    plan = plan_carry_over(mini, mini, {}, {"beta-one": " Forum notes "})
    assert plan.choices == {}
    assert plan.evidence == {"beta-one": "Forum notes"}
    assert plan.domain_ids == ("beta",)


def test_answers_to_questions_the_old_version_did_not_ask_are_ignored(mini: Questionnaire) -> None:
    plan = plan_carry_over(mini, mini, {"alpha-one": "2", "not-a-question": "3"}, {"not-a-question": "x"})
    assert plan.choices == {"alpha-one": "2"}
    assert plan.evidence == {}
    assert plan.left_out == ()


# -- a new version -------------------------------------------------------------------------------------


def test_a_question_no_longer_asked_is_listed_with_its_area_and_not_copied(mini: Questionnaire) -> None:
    def drop_alpha_two(data: dict[str, Any]) -> None:
        alpha = domain_of(data, "alpha")
        alpha["questions"] = [question for question in alpha["questions"] if question["id"] != "alpha-two"]

    new = edited(mini, drop_alpha_two)
    plan = plan_carry_over(mini, new, {"alpha-one": "1", "alpha-two": "3", "beta-one": "4"}, {"alpha-two": "Notes"})
    assert plan.choices == {"alpha-one": "1", "beta-one": "4"}
    assert plan.evidence == {}
    assert [(item.question_id, item.domain_title, item.reason) for item in plan.left_out] == [
        ("alpha-two", "Alpha", NO_LONGER_ASKED)
    ]
    assert "no longer asked" in plan.left_out[0].explanation
    assert plan.left_out[0].question_text == "How do you ask people?"


def test_a_choice_the_new_version_does_not_offer_is_listed_and_its_evidence_kept(mini: Questionnaire) -> None:
    def narrow_beta_one(data: dict[str, Any]) -> None:
        question = domain_of(data, "beta")["questions"][0]
        question["options"] = [option for option in question["options"] if option["level"] != 5]
        question["dont_know"] = False

    new = edited(mini, narrow_beta_one)
    assert "5" not in allowed_choices(new.domain("beta").questions[0])
    plan = plan_carry_over(mini, new, {"beta-one": "5", "alpha-one": "5"}, {"beta-one": "Co-produced plan"})
    assert plan.choices == {"alpha-one": "5"}
    assert plan.evidence == {"beta-one": "Co-produced plan"}
    assert plan.domain_ids == ("alpha", "beta")
    [item] = plan.left_out
    assert (item.question_id, item.reason, item.evidence_kept) == ("beta-one", CHOICE_NOT_OFFERED, True)
    assert "Its evidence was copied" in item.explanation

    dont_know = plan_carry_over(mini, new, {"beta-one": "dont-know"}, {})
    assert dont_know.choices == {} and dont_know.domain_ids == ()
    assert [(item.reason, item.evidence_kept) for item in dont_know.left_out] == [(CHOICE_NOT_OFFERED, False)]


def test_a_not_applicable_answer_is_not_carried_where_the_question_no_longer_offers_it(mini: Questionnaire) -> None:
    def no_not_applicable(data: dict[str, Any]) -> None:
        domain_of(data, "alpha")["questions"][1]["not_applicable"] = False

    plan = plan_carry_over(mini, edited(mini, no_not_applicable), {"alpha-two": "not-applicable"}, {})
    assert plan.choices == {}
    assert [item.question_id for item in plan.left_out] == ["alpha-two"]


def test_a_renamed_area_receives_its_questions_and_is_the_one_marked(mini: Questionnaire) -> None:
    def rename_beta(data: dict[str, Any]) -> None:
        beta = domain_of(data, "beta")
        beta["id"], beta["title"], beta["previous_ids"] = "design", "Design", ("beta",)

    new = edited(mini, rename_beta)
    plan = plan_carry_over(mini, new, {"beta-one": "3"}, {"beta-one": "Notes"})
    assert plan.choices == {"beta-one": "3"}
    assert plan.domain_ids == ("design",)


def test_a_question_moved_to_another_area_marks_the_area_that_now_holds_it(mini: Questionnaire) -> None:
    def move_alpha_two(data: dict[str, Any]) -> None:
        alpha, beta = domain_of(data, "alpha"), domain_of(data, "beta")
        moved = alpha["questions"].pop(1)
        beta["questions"].append(moved)

    plan = plan_carry_over(mini, edited(mini, move_alpha_two), {"alpha-two": "2"}, {})
    assert plan.choices == {"alpha-two": "2"}
    assert plan.domain_ids == ("beta",)


def test_a_new_question_is_left_unanswered_and_not_listed(mini: Questionnaire) -> None:
    def add_question(data: dict[str, Any]) -> None:
        beta = domain_of(data, "beta")
        beta["questions"].append({**beta["questions"][0], "id": "beta-two", "text": "Who leads?"})

    new = edited(mini, add_question)
    plan = plan_carry_over(mini, new, {"alpha-one": "1", "alpha-two": "1", "beta-one": "1"}, {})
    assert "beta-two" not in plan.choices
    assert plan.left_out == ()
    # The area is carried over (to review), and its new question still has to be answered.
    items = {item.domain.id: item for item in progress(new, plan.choices, plan.domain_ids)}
    assert (items["beta"].answered, items["beta"].total, items["beta"].status) == (1, 2, CARRIED_OVER)


def test_left_out_questions_are_worded_for_the_kind_of_site(mini: Questionnaire) -> None:
    def drop_alpha_one(data: dict[str, Any]) -> None:
        domain_of(data, "alpha")["questions"].pop(0)

    plan = plan_carry_over(mini, edited(mini, drop_alpha_one), {"alpha-one": "1"}, {}, kind="probation")
    assert [item.question_text for item in plan.left_out] == ["How do you tell people on probation?"]


# -- progress of a carried-over area ---------------------------------------------------------------------


def test_a_carried_over_area_is_not_completed_until_reviewed(mini: Questionnaire) -> None:
    answers = {"alpha-one": "1", "alpha-two": "2", "beta-one": "3"}
    statuses = [item.status for item in progress(mini, answers, carried_over=("alpha",))]
    assert statuses == [CARRIED_OVER, COMPLETED]
    assert [item.status for item in progress(mini, answers)] == [COMPLETED, COMPLETED]
    partly = progress(mini, {"alpha-one": "1"}, carried_over=("alpha",))[0]
    assert (partly.status, partly.is_answered) == (CARRIED_OVER, False)
    assert progress(mini, {"alpha-one": "1"})[0].status == IN_PROGRESS


def test_next_incomplete_goes_to_a_carried_over_area_even_when_it_is_answered(mini: Questionnaire) -> None:
    answers = {"alpha-one": "1", "alpha-two": "2", "beta-one": "3"}
    assert next_incomplete(mini, answers, after="beta") is None
    found = next_incomplete(mini, answers, after="beta", carried_over=["alpha"])
    assert found is not None and found.id == "alpha"
