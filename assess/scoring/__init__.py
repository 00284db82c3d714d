"""Answers -> domain and overall scores, with the lines that explain them.

Pure: no Flask, no SQLAlchemy. The method is read from the questionnaire's `scoring` block so a
later version can change it; questionnaires/README.md describes each option. Arithmetic is exact
(fractions) until the one rounding step, so a score on a level boundary is never lost to floating
point error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction

from assess.questionnaire.schema import DONT_KNOW as DONT_KNOW
from assess.questionnaire.schema import NOT_APPLICABLE as NOT_APPLICABLE
from assess.questionnaire.schema import SPECIAL_ANSWERS as SPECIAL_ANSWERS
from assess.questionnaire.schema import Domain, Question, Questionnaire
from assess.scoring.change import Change as Change
from assess.scoring.change import ChangeSinceLastYear as ChangeSinceLastYear
from assess.scoring.change import PreviousResult as PreviousResult
from assess.scoring.change import change_since as change_since
from assess.scoring.change import gap_to_peers_text as gap_to_peers_text
from assess.scoring.change import gap_to_target_text as gap_to_target_text


@dataclass(frozen=True)
class Contribution:
    """How one question's answer entered its domain score."""

    question_id: str
    answer: str | None  # a level value as text, "dont-know", "not-applicable" or None when unanswered
    counted_as: int | None  # the level value used in the score, or None when left out
    reason: str


@dataclass(frozen=True)
class DomainResult:
    domain_id: str
    title: str
    score: Decimal | None
    level: int | None
    weight: Fraction
    exact: Fraction | None
    contributions: tuple[Contribution, ...]
    steps: tuple[str, ...]

    @property
    def scored(self) -> bool:
        return self.score is not None

    def count(self, answer: str | None) -> int:
        return sum(1 for item in self.contributions if item.answer == answer)


@dataclass(frozen=True)
class Result:
    questionnaire_key: str
    score: Decimal | None
    level: int | None
    exact: Fraction | None
    domains: tuple[DomainResult, ...]
    steps: tuple[str, ...]

    def domain(self, domain_id: str) -> DomainResult:
        return next(item for item in self.domains if item.domain_id == domain_id)


def round_score(value: Fraction, decimals: int) -> Decimal:
    """Round half up (2.95 -> 3.0), as people round, not banker's rounding."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def level_for(rounded: Decimal, questionnaire: Questionnaire) -> int:
    """The highest level whose value the rounded score reaches: what you see is the level you get."""
    reached = [level.value for level in questionnaire.levels if Decimal(level.value) <= rounded]
    return max(reached) if reached else questionnaire.levels[0].value


def _fmt(value: Fraction) -> str:
    """The exact value to 3 places, cut off rather than rounded (so it never rounds the other way
    from the score), with "…" when there is more."""
    if value.denominator == 1:
        return str(value.numerator)
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    shown = exact.quantize(Decimal("0.001"), rounding=ROUND_DOWN)
    text = format(shown.normalize(), "f")
    return text if Fraction(text) == value else f"{text}…"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _level_step(rounded: Decimal, level: int, questionnaire: Questionnaire) -> str:
    name = questionnaire.level(level).name
    higher = [item.value for item in questionnaire.levels if item.value > level]
    if higher:
        return f"{rounded} is at least {level} and below {min(higher)}, so the level is {level} ({name})."
    return f"{rounded} reaches the top level, {level} ({name})."


def _offered_level(question: Question, answer: str) -> int:
    offered = {str(option.level): option.level for option in question.options}
    if answer not in offered:
        raise ValueError(f"answer {answer!r} to question '{question.id}' is not one of its options")
    return offered[answer]


def score_domain(domain: Domain, answers: Mapping[str, str | None], questionnaire: Questionnaire) -> DomainResult:
    method = questionnaire.scoring
    lowest = questionnaire.levels[0].value
    contributions: list[Contribution] = []
    for question in domain.questions:
        answer = answers.get(question.id)
        if answer is None or answer == "":
            contributions.append(Contribution(question.id, None, None, "Not answered, so left out."))
        elif answer == NOT_APPLICABLE and question.not_applicable:
            contributions.append(Contribution(question.id, answer, None, "Not applicable, so left out."))
        elif answer == DONT_KNOW and question.dont_know:
            if method.dont_know == "lowest":
                contributions.append(
                    Contribution(
                        question.id,
                        answer,
                        lowest,
                        f"Don't know, so counted as {lowest}: we cannot credit practice that nobody can point to.",
                    )
                )
            else:
                contributions.append(Contribution(question.id, answer, None, "Don't know, so left out."))
        else:
            value = _offered_level(question, answer)
            contributions.append(
                Contribution(question.id, answer, value, f"Counted as {value} ({questionnaire.level(value).name}).")
            )

    counted = [item.counted_as for item in contributions if item.counted_as is not None]
    weight = Fraction(str(domain.weight))
    if not counted:
        none_counted = (
            "No answers count towards this domain, so it has no score and is left out of the overall score.",
        )
        return DomainResult(domain.id, domain.title, None, None, weight, None, tuple(contributions), none_counted)

    values = " + ".join(str(value) for value in counted)
    if method.domain == "mean":
        exact = Fraction(sum(counted), len(counted))
        first = f"The mean of {_plural(len(counted), 'counted answer')}: ({values}) ÷ {len(counted)} = {_fmt(exact)}."
    else:
        exact = Fraction(min(counted))
        first = f"The lowest of the counted answers ({values.replace(' + ', ', ')}) is {exact}."
    rounded = round_score(exact, method.decimals)
    level = level_for(rounded, questionnaire)
    places = f"{method.decimals} decimal place{'s' if method.decimals != 1 else ''}"
    steps: tuple[str, ...] = (first, f"Rounded to {places}: {rounded}.", _level_step(rounded, level, questionnaire))
    return DomainResult(domain.id, domain.title, rounded, level, weight, exact, tuple(contributions), steps)


def score_assessment(questionnaire: Questionnaire, answers: Mapping[str, str | None]) -> Result:
    """Score every domain, then the whole assessment, as the questionnaire's scoring block says."""
    method = questionnaire.scoring
    domains = tuple(score_domain(domain, answers, questionnaire) for domain in questionnaire.domains)
    scored = [item for item in domains if item.exact is not None]
    left_out = len(domains) - len(scored)
    if not scored:
        return Result(
            questionnaire.key, None, None, None, domains, ("No domain has a score yet, so there is no overall score.",)
        )

    exact: Fraction
    if method.overall == "weighted-mean":
        total_weight = sum((item.weight for item in scored), Fraction(0))
        exact = sum((item.weight * item.exact for item in scored if item.exact is not None), Fraction(0)) / total_weight
        if all(item.weight == 1 for item in scored):
            first = (
                f"The mean of {_plural(len(scored), 'domain score')} (each domain weighs the same, and "
                f"unrounded scores are used): {_fmt(exact)}."
            )
        else:
            first = (
                f"The weighted mean of {_plural(len(scored), 'domain score')} (unrounded scores, each multiplied by "
                f"its weight, divided by the total weight {_fmt(total_weight)}): {_fmt(exact)}."
            )
    else:
        exact = min(item.exact for item in scored if item.exact is not None)
        first = f"The lowest of {_plural(len(scored), 'domain score')}: {_fmt(exact)}."
    steps: list[str] = [first]
    if left_out:
        steps.append(
            f"{left_out} domain{'s' if left_out != 1 else ''} without a score "
            f"{'are' if left_out != 1 else 'is'} left out."
        )
    rounded = round_score(exact, method.decimals)
    level = level_for(rounded, questionnaire)
    steps.append(f"Rounded to {method.decimals} decimal place{'s' if method.decimals != 1 else ''}: {rounded}.")
    steps.append(_level_step(rounded, level, questionnaire))
    return Result(questionnaire.key, rounded, level, exact, domains, tuple(steps))
