"""The rules of a commissioner's assurance decision, as pure functions (no database, no Flask), so they are
stated once and tested on their own. The form (assess.commissioner.forms) carries the fields; the view adds
these messages to the fields they concern, in the GOV.UK style.

- The outcome is assured, partly assured or not assured.
- The decision is about the site as a whole, or about one area of the questionnaire (one of its ids).
- A rationale is required. The questions asked are optional.
- A revisit date is required, and must be in the future: after today (a decision revisited the day it is
  made would be due at once), and no more than MAX_REVISIT_YEARS years ahead (a later date is almost
  always a typing slip, such as 2206 for 2026).
- Text longer than MAX_TEXT characters is refused with its length, never cut.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol, TypeVar

ASSURED = "assured"
PARTLY = "partly assured"
NOT_ASSURED = "not assured"
# The values are those the database allows (assess.models.area.Assurance); the labels are what people read.
OUTCOMES = {
    ASSURED: "Assured",
    PARTLY: "Partly assured",
    NOT_ASSURED: "Not assured",
}
MAX_TEXT = 10_000  # characters in the rationale or the questions asked
MAX_REVISIT_YEARS = 5
DUE_WITHIN_DAYS = 30  # a decision whose revisit date is this close (or past) is listed as due
WHOLE_SITE = ""  # the form's value for a decision about the site as a whole (no area of the questionnaire)


@dataclass(frozen=True)
class CheckedDecision:
    outcome: str
    domain_id: str | None  # None: the site as a whole
    questions: str
    rationale: str
    revisit_on: date


def latest_revisit(today: date) -> date:
    """The latest revisit date allowed: MAX_REVISIT_YEARS years from today (28 February for 29 February)."""
    try:
        return today.replace(year=today.year + MAX_REVISIT_YEARS)
    except ValueError:
        return today.replace(year=today.year + MAX_REVISIT_YEARS, day=28)


def _date_text(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _too_long(name: str, value: str) -> str | None:
    if len(value) > MAX_TEXT:
        return f"{name} must be {MAX_TEXT:,} characters or fewer (it has {len(value):,})"
    return None


def check_assurance(
    outcome: str | None,
    domain_id: str | None,
    questions: str | None,
    rationale: str | None,
    revisit_on: date | None,
    *,
    today: date,
    domain_ids: Collection[str],
) -> tuple[CheckedDecision | None, dict[str, str]]:
    """The decision as entered, checked, or the problems (field name -> message) that stop it. Text is
    trimmed of surrounding spaces; `revisit_on` is None when no date (or no real date) was entered, and the
    form has said which. `domain_ids`: the areas of the questionnaire a decision may be about."""
    questions = (questions or "").strip()
    rationale = (rationale or "").strip()
    problems: dict[str, str] = {}
    if outcome not in OUTCOMES:
        problems["outcome"] = "Select assured, partly assured or not assured"
    chosen_domain = domain_id or None
    if chosen_domain is not None and chosen_domain not in domain_ids:
        problems["domain"] = "Select an area of the questionnaire from the list, or the site as a whole"
    if message := _too_long("The questions asked", questions):
        problems["questions"] = message
    if not rationale:
        problems["rationale"] = "Enter the rationale for your decision"
    elif message := _too_long("The rationale", rationale):
        problems["rationale"] = message
    if revisit_on is None:
        problems["revisit_on"] = "Enter the date to revisit the decision"
    elif revisit_on <= today:
        problems["revisit_on"] = "The date to revisit the decision must be in the future"
    elif revisit_on > latest_revisit(today):
        problems["revisit_on"] = (
            f"The date to revisit the decision must be on or before {_date_text(latest_revisit(today))}"
        )
    if problems:
        return None, problems
    assert outcome is not None and revisit_on is not None
    return CheckedDecision(outcome, chosen_domain, questions, rationale, revisit_on), {}


class DecisionLike(Protocol):
    @property
    def site_id(self) -> int: ...

    @property
    def domain_id(self) -> str | None: ...

    @property
    def revisit_on(self) -> date: ...


D = TypeVar("D", bound=DecisionLike)


def is_due(decision: DecisionLike, today: date, within_days: int = DUE_WITHIN_DAYS) -> bool:
    """Due for revisit: its revisit date is within `within_days` days from today, or has passed."""
    return decision.revisit_on <= today + timedelta(days=within_days)


def is_overdue(decision: DecisionLike, today: date) -> bool:
    return decision.revisit_on < today


def current_of(decisions: Iterable[D]) -> list[D]:
    """The current decision for each (site, area of the questionnaire), from decisions newest first: a later
    decision on the same site and area supersedes an earlier one."""
    seen: set[tuple[int, str | None]] = set()
    current = []
    for decision in decisions:
        key = (decision.site_id, decision.domain_id)
        if key not in seen:
            seen.add(key)
            current.append(decision)
    return current
