"""Areas to investigate (assess.investigate): each rule raises on a hand-made case and stays quiet just
below its threshold; every sentence names its area and comes with its rule."""

from __future__ import annotations

from fractions import Fraction

import pytest

from assess.investigate import BIG_RISE, HIGH_WITH_LITTLE_EVIDENCE, MOSTLY_DONT_KNOW, areas_to_investigate
from assess.questionnaire.loader import load_registry
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def questionnaire():
    return load_registry([ROOT / "questionnaires"]).latest("sui-maturity").definition


def run(questionnaire, *, answers=None, evidence=None, scores=None, levels=None, uppers=None, previous=None):
    return areas_to_investigate(
        questionnaire, answers or {}, evidence or {}, scores or {}, levels or {}, uppers or {}, previous, "2024-25"
    )


def test_a_high_score_with_little_evidence_is_raised_and_enough_evidence_is_not(questionnaire):
    area = questionnaire.domains[0]
    ids = [question.id for question in area.questions]
    few = {ids[0]: "minutes"} if len(ids) > 2 else {}
    found = run(questionnaire, evidence=few, scores={area.id: Fraction(4)}, uppers={area.id: Fraction(4)})
    assert [(item.rule, item.domain_id) for item in found] == [(HIGH_WITH_LITTLE_EVIDENCE, area.id)]
    assert found[0].sentence.startswith(area.title)
    assert "4.0" in found[0].sentence
    half = {question_id: "minutes" for question_id in ids[: (len(ids) + 1) // 2]}
    assert run(questionnaire, evidence=half, scores={area.id: Fraction(4)}, uppers={area.id: Fraction(4)}) == []
    below = run(questionnaire, scores={area.id: Fraction(39, 10)}, uppers={area.id: Fraction(4)})
    assert below == []
    assert run(questionnaire, scores={area.id: Fraction(5)}) == []  # no peer figures shown: no comparison


def test_a_rise_of_two_levels_is_raised_and_one_level_is_not(questionnaire):
    area = questionnaire.domains[1]
    found = run(questionnaire, levels={area.id: 4}, previous={area.id: 2})
    assert [(item.rule, item.domain_id) for item in found] == [(BIG_RISE, area.id)]
    assert "up from level 2 in 2024-25" in found[0].sentence
    assert run(questionnaire, levels={area.id: 3}, previous={area.id: 2}) == []
    assert run(questionnaire, levels={area.id: 4}) == []  # no comparable previous year


def test_mostly_dont_know_is_raised_above_half_only(questionnaire):
    area = questionnaire.domains[2]
    ids = [question.id for question in area.questions]
    most = {question_id: "dont-know" for question_id in ids[: len(ids) // 2 + 1]}
    found = run(questionnaire, answers=most)
    assert [(item.rule, item.domain_id) for item in found] == [(MOSTLY_DONT_KNOW, area.id)]
    half = {question_id: "dont-know" for question_id in ids[: len(ids) // 2]}
    assert run(questionnaire, answers=half) == []


def test_findings_come_in_questionnaire_order(questionnaire):
    first, last = questionnaire.domains[0], questionnaire.domains[-1]
    found = run(questionnaire, levels={first.id: 5, last.id: 5}, previous={first.id: 1, last.id: 1})
    assert [item.domain_id for item in found] == [first.id, last.id]
