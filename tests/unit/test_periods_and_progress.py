"""Assessment periods (UK financial years, '2026-27') and per-domain progress for the task list."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assess import periods
from assess.questionnaire.loader import load_file, load_registry
from assess.questionnaire.progress import (
    COMPLETED,
    IN_PROGRESS,
    NOT_STARTED,
    domain_progress,
    next_incomplete,
    progress,
)
from assess.questionnaire.schema import Questionnaire

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "questionnaires" / "mini" / "1.0.yaml"

# --- periods ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "period"),
    [
        (date(2026, 3, 31), "2025-26"),
        (date(2026, 4, 1), "2026-27"),
        (date(2026, 1, 1), "2025-26"),
        (date(2026, 12, 31), "2026-27"),
        (date(1999, 4, 1), "1999-00"),
        (date(2000, 3, 31), "1999-00"),
        (date(2000, 4, 1), "2000-01"),
        (date(2099, 4, 1), "2099-00"),
        (date(2009, 4, 1), "2009-10"),
    ],
)
def test_period_for(day: date, period: str) -> None:
    assert periods.period_for(day) == period


@pytest.mark.parametrize(
    ("period", "previous"),
    [("2026-27", "2025-26"), ("2000-01", "1999-00"), ("1999-00", "1998-99"), ("2010-11", "2009-10"),
     ("2100-01", "2099-00")],
)
def test_previous_period(period: str, previous: str) -> None:
    assert periods.previous_period(period) == previous
    assert periods.is_valid_period(previous)


@pytest.mark.parametrize("period", ["2026-27", "1999-00", "2009-10", "2099-00", "0000-01"])
def test_valid_periods(period: str) -> None:
    assert periods.is_valid_period(period) is True


@pytest.mark.parametrize(
    "period",
    ["2026-28", "2026-26", "1999-01", "2026-2027", "26-27", "2026/27", "2026-7", " 2026-27", "2026-27 ", "", "abcd-ef"],
)
def test_invalid_periods(period: str) -> None:
    assert periods.is_valid_period(period) is False


@pytest.mark.parametrize(
    "period",
    ["2026-27\n", "\uff12\uff10\uff12\uff16-\uff12\uff17"],  # a trailing newline; full-width digits
    ids=["trailing-newline", "full-width-digits"],
)
def test_is_valid_period_rejects_near_misses(period: str) -> None:
    """APP BUG: PERIOD uses `$` (which matches before a final newline) and `\\d` (which matches any Unicode
    digit), so these pass is_valid_period though they are not periods the app writes."""
    assert periods.is_valid_period(period) is False


def test_describe() -> None:
    assert periods.describe("2026-27") == "1 April 2026 to 31 March 2027"
    assert periods.describe("1999-00") == "1 April 1999 to 31 March 2000"


@pytest.mark.parametrize(
    ("today", "choices"),
    [
        (date(2026, 3, 31), ["2025-26", "2024-25"]),
        (date(2026, 4, 1), ["2026-27", "2025-26"]),
        (date(2000, 4, 1), ["2000-01", "1999-00"]),
        (date(2000, 3, 31), ["1999-00", "1998-99"]),
    ],
)
def test_selectable_periods_are_this_year_and_last(today: date, choices: list[str]) -> None:
    assert periods.selectable_periods(today) == choices


# --- progress -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mini() -> Questionnaire:
    return load_file(MINI).definition


@pytest.fixture(scope="module")
def real() -> Questionnaire:
    return load_registry([ROOT / "questionnaires"]).get("sui-maturity", "1.0")


def statuses(questionnaire: Questionnaire, answers: dict) -> list[tuple[str, int, int, str]]:
    return [(item.domain.id, item.answered, item.total, item.status) for item in progress(questionnaire, answers)]


def answered_all(questionnaire: Questionnaire, *except_domains: str) -> dict[str, str | None]:
    return {question.id: "3" for domain in questionnaire.domains if domain.id not in except_domains
            for question in domain.questions}


def test_nothing_answered_is_not_started(mini: Questionnaire) -> None:
    assert statuses(mini, {}) == [("alpha", 0, 2, NOT_STARTED), ("beta", 0, 1, NOT_STARTED)]


def test_empty_and_none_answers_do_not_count(mini: Questionnaire) -> None:
    assert statuses(mini, {"alpha-one": "", "alpha-two": None, "beta-one": ""}) == [
        ("alpha", 0, 2, NOT_STARTED),
        ("beta", 0, 1, NOT_STARTED),
    ]


def test_some_answers_is_in_progress(mini: Questionnaire) -> None:
    assert statuses(mini, {"alpha-two": "2"}) == [("alpha", 1, 2, IN_PROGRESS), ("beta", 0, 1, NOT_STARTED)]


def test_every_kind_of_answer_completes_a_domain(mini: Questionnaire) -> None:
    # "0" is an answer (not yet started is a level), as are "don't know" and "not applicable".
    answers = {"alpha-one": "0", "alpha-two": "not-applicable", "beta-one": "dont-know"}
    assert statuses(mini, answers) == [("alpha", 2, 2, COMPLETED), ("beta", 1, 1, COMPLETED)]


def test_answers_to_other_questions_do_not_count(mini: Questionnaire) -> None:
    item = domain_progress(mini.domain("beta"), {"alpha-one": "3", "unknown": "3"})
    assert (item.answered, item.total, item.status) == (0, 1, NOT_STARTED)


def test_next_incomplete_is_the_following_domain(real: Questionnaire) -> None:
    assert [domain.id for domain in real.domains[:4]] == ["leadership", "voice", "representation", "capacity"]
    found = next_incomplete(real, {}, after="leadership")
    assert found is not None and found.id == "voice"


def test_next_incomplete_skips_completed_domains(real: Questionnaire) -> None:
    answers = answered_all(real, "capacity", "outcomes")
    found = next_incomplete(real, answers, after="leadership")
    assert found is not None and found.id == "capacity"


def test_next_incomplete_skips_domains_in_progress_no_more_than_not_started(real: Questionnaire) -> None:
    answers = answered_all(real, "representation")
    answers[real.domain("representation").questions[0].id] = "2"  # in progress, so still incomplete
    found = next_incomplete(real, answers, after="voice")
    assert found is not None and found.id == "representation"


def test_next_incomplete_wraps_round_to_the_start(real: Questionnaire) -> None:
    answers = answered_all(real, "leadership")
    found = next_incomplete(real, answers, after="voice")
    assert found is not None and found.id == "leadership"

    found = next_incomplete(real, {}, after="outcomes")  # the last domain
    assert found is not None and found.id == "leadership"


def test_next_incomplete_does_not_offer_the_current_domain_again(real: Questionnaire) -> None:
    assert next_incomplete(real, answered_all(real, "voice"), after="voice") is None


def test_next_incomplete_when_everything_is_complete(real: Questionnaire) -> None:
    assert next_incomplete(real, answered_all(real), after="leadership") is None


def test_next_incomplete_after_an_unknown_domain_starts_at_the_beginning(real: Questionnaire) -> None:
    found = next_incomplete(real, answered_all(real, "leadership", "outcomes"), after="no-such-domain")
    assert found is not None and found.id == "leadership"


def test_next_incomplete_with_two_domains(mini: Questionnaire) -> None:
    found = next_incomplete(mini, {"alpha-one": "1"}, after="beta")
    assert found is not None and found.id == "alpha"
    assert next_incomplete(mini, {"beta-one": "1"}, after="alpha") is None
