"""The rules of an inspector's validation, as pure functions (no database, no Flask), so they are stated
once and tested on their own. The data layer (assess.data.reviews) applies them again under its lock;
the pages use them to say what is wrong, in the GOV.UK style.

- Each area gets a decision: agree, raise, lower, or unable to validate.
- Agree keeps the self-assessed level as the validated level. Raise needs a level above it; lower, a
  level below it; unable to validate has no level.
- A reason is required unless the decision is agree.
- A review becomes final (validated) only when every area has a decision and the assessment as a whole
  has a confidence judgement and a summary. Reopening a final review needs a reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from assess.questionnaire.schema import Questionnaire
from assess.scoring import Result, level_for, round_score

AGREE = "agree"
RAISE = "raise"
LOWER = "lower"
UNABLE = "unable"
DECISIONS = {
    AGREE: "Agree",
    RAISE: "Raise the level",
    LOWER: "Lower the level",
    UNABLE: "Unable to validate",
}
CONFIDENCES = {
    "confident": "Confident",
    "partly confident": "Partly confident",
    "not confident": "Not confident",
}
MAX_TEXT = 10_000  # characters in a reason, summary, note or reply: longer is refused, never cut


@dataclass(frozen=True)
class AreaDecision:
    """A decision as entered, checked: `level` is the validated level it gives (None when unable)."""

    decision: str
    level: int | None
    reason: str


def too_long(name: str, value: str | None) -> str | None:
    if value is not None and len(value) > MAX_TEXT:
        return f"{name} must be {MAX_TEXT:,} characters or fewer (it has {len(value):,})"
    return None


def check_decision(
    decision: str | None,
    self_level: int | None,
    chosen_level: int | None,
    reason: str | None,
    level_values: Sequence[int],
    level_names: Mapping[int, str] | None = None,
) -> tuple[AreaDecision | None, dict[str, str]]:
    """The decision it makes, or the problems (field name -> message) that stop it."""
    names = level_names or {}
    reason = (reason or "").strip()
    problems: dict[str, str] = {}
    if decision not in DECISIONS:
        problems["decision"] = "Select agree, raise, lower or unable to validate"
        return None, problems
    level: int | None = None
    if decision == AGREE:
        level = self_level
    elif decision == UNABLE:
        level = None
    else:
        level = chosen_level
        above = [value for value in level_values if self_level is None or value > self_level]
        below = [value for value in level_values if self_level is not None and value < self_level]
        allowed = above if decision == RAISE else below
        if not allowed:
            named = names.get(self_level, str(self_level)) if self_level is not None else "none"
            where = "highest" if decision == RAISE else "lowest"
            problems["decision"] = (
                f"The self-assessed level is already the {where} there is ({named}), so it cannot be "
                + ("raised" if decision == RAISE else "lowered")
                if self_level is not None
                else "There is no self-assessed level to lower: choose raise, agree or unable to validate"
            )
        elif chosen_level is None:
            problems["level"] = "Select the validated level"
        elif chosen_level not in allowed:
            way = "above" if decision == RAISE else "below"
            problems["level"] = (
                f"A {'raised' if decision == RAISE else 'lowered'} level must be {way} the self-assessed level "
                f"({names.get(self_level, self_level) if self_level is not None else 'none'})"
            )
    if decision != AGREE and not reason:
        problems["reason"] = {
            RAISE: "Enter the reason for raising the level",
            LOWER: "Enter the reason for lowering the level",
            UNABLE: "Enter the reason you are unable to validate this area",
        }[decision]
    if message := too_long("The reason", reason):
        problems["reason"] = message
    if problems:
        return None, problems
    return AreaDecision(decision, level, reason), {}


def finalise_problems(
    area_ids: Iterable[str], decided: Iterable[str], confidence: str | None, summary: str | None
) -> list[str]:
    """What stops a review from becoming final (empty when it can)."""
    problems = []
    missing = [area for area in area_ids if area not in set(decided)]
    if missing:
        problems.append(
            f"Record a decision for every area before you finalise ({len(missing)} "
            f"{'area has' if len(missing) == 1 else 'areas have'} none)"
        )
    if confidence not in CONFIDENCES:
        problems.append("Select how confident you are in the self-assessment as a whole")
    if not (summary or "").strip():
        problems.append("Enter a summary of the validation")
    return problems


def reopen_problems(reason: str | None) -> dict[str, str]:
    reason = (reason or "").strip()
    if not reason:
        return {"reason": "Enter the reason for reopening the validated review"}
    if message := too_long("The reason", reason):
        return {"reason": message}
    return {}


def difference(self_level: int | None, validated_level: int | None) -> int | None:
    """Validated minus self-assessed: positive when raised, negative when lowered."""
    if self_level is None or validated_level is None:
        return None
    return validated_level - self_level


@dataclass(frozen=True)
class Overall:
    score: Decimal
    level: int


OVERALL_RULE = (
    "The overall validated level is worked out as the self-assessed overall score is, with each area's "
    "validated level in place of its score where the inspector raised or lowered it, and the areas the "
    "inspector was unable to validate left out."
)


def overall_validated(
    questionnaire: Questionnaire, result: Result, decisions: Mapping[str, AreaDecision]
) -> Overall | None:
    """The overall validated score and level, once every area has a decision (None before, or when no area
    counts). `result`: the self-assessed scores; `decisions`: by domain id."""
    if any(item.domain_id not in decisions for item in result.domains):
        return None
    values: list[tuple[Fraction, Fraction]] = []  # (weight, score)
    for item in result.domains:
        chosen = decisions[item.domain_id]
        if chosen.decision == UNABLE:
            continue
        if chosen.decision == AGREE:
            if item.exact is None:
                continue
            values.append((item.weight, item.exact))
        elif chosen.level is not None:
            values.append((item.weight, Fraction(chosen.level)))
    if not values:
        return None
    if questionnaire.scoring.overall == "weighted-mean":
        exact = sum((weight * score for weight, score in values), Fraction(0)) / sum(
            (weight for weight, _ in values), Fraction(0)
        )
    else:
        exact = min(score for _, score in values)
    rounded = round_score(exact, questionnaire.scoring.decimals)
    return Overall(rounded, level_for(rounded, questionnaire))
