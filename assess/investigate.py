"""Areas to investigate: sentences raised by stated rules, for an inspector preparing a visit (issue 11).

Pure: no Flask, no database. Each rule has an id and a plain statement of what raises it, and every
sentence says which rule raised it, so an inspector can weigh it (and a site can see why it was asked).
The rules look only at the self-assessment, its peers' figures (already disclosure-checked) and the site's
previous submitted year; they never rank a site.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from assess.charts.style import score_text
from assess.questionnaire.schema import DONT_KNOW, Questionnaire


@dataclass(frozen=True)
class Rule:
    id: str
    statement: str


HIGH_WITH_LITTLE_EVIDENCE = Rule(
    "high-level-little-evidence",
    "The area's self-assessed score is at or above the upper quartile of its peers, and fewer than half of its "
    "questions have any evidence.",
)
BIG_RISE = Rule(
    "big-rise",
    "The area's self-assessed level is two levels or more above the site's previous submitted year.",
)
MOSTLY_DONT_KNOW = Rule(
    "mostly-dont-know",
    "More than half of the area's questions were answered ‘I don't know’.",
)
RULES = (HIGH_WITH_LITTLE_EVIDENCE, BIG_RISE, MOSTLY_DONT_KNOW)


@dataclass(frozen=True)
class Finding:
    rule: Rule
    domain_id: str
    sentence: str


def areas_to_investigate(
    questionnaire: Questionnaire,
    answers: Mapping[str, str | None],
    evidence: Mapping[str, str],
    scores: Mapping[str, Fraction | None],
    levels: Mapping[str, int | None],
    peer_upper_quartiles: Mapping[str, Fraction],
    previous_levels: Mapping[str, int] | None = None,
    previous_period: str | None = None,
) -> list[Finding]:
    """The findings for each area, in questionnaire order, then in the order of RULES.

    `scores` and `levels`: the area's self-assessed score and level (None when not scored).
    `peer_upper_quartiles`: the area's peers' upper quartile score, only for areas whose peer figures are
    shown. `previous_levels`: the site's levels in its previous submitted year, for areas comparable with it.
    """
    findings: list[Finding] = []
    for domain in questionnaire.domains:
        questions = [question.id for question in domain.questions]
        if not questions:
            continue
        score, level = scores.get(domain.id), levels.get(domain.id)
        upper = peer_upper_quartiles.get(domain.id)
        with_evidence = sum(1 for question_id in questions if (evidence.get(question_id) or "").strip())
        if score is not None and upper is not None and score >= upper and with_evidence * 2 < len(questions):
            findings.append(
                Finding(
                    HIGH_WITH_LITTLE_EVIDENCE,
                    domain.id,
                    f"{domain.title}: scored {_one_decimal(score)}, at or above the peers' upper quartile "
                    f"({_one_decimal(upper)}), with evidence for {with_evidence} of {len(questions)} questions.",
                )
            )
        before = (previous_levels or {}).get(domain.id)
        if level is not None and before is not None and level - before >= 2:
            findings.append(
                Finding(
                    BIG_RISE,
                    domain.id,
                    f"{domain.title}: level {level} this year, up from level {before} in {previous_period}.",
                )
            )
        dont_know = sum(1 for question_id in questions if answers.get(question_id) == DONT_KNOW)
        if dont_know * 2 > len(questions):
            findings.append(
                Finding(
                    MOSTLY_DONT_KNOW,
                    domain.id,
                    f"{domain.title}: {dont_know} of {len(questions)} questions answered ‘I don't know’.",
                )
            )
    return findings


def _one_decimal(value: Fraction) -> str:
    return score_text(value)
