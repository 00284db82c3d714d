"""The evidence pack of a submitted assessment (issue 11, item 8), assembled once: the PDF for the inspection
file and the CSV for analysis both read this one object, so they cannot disagree.

It holds plain values only (text, numbers, dates), built from the services the pages use: the results and the
areas to investigate (assess.services.review), the validation (assess.services.validation), the queries and
their replies (assess.services.queries) and the history (assess.services.history). Two copies:

- the inspector's copy (`internal=True`): with the inspector's internal notes on each area and on the review,
  and the history's internal-note details;
- the site's copy (`internal=False`): every internal note left out, whoever asks for it.

Peer figures are the ones the inspector's review page shows (the first peer group the disclosure rules let
through, built from self-assessed scores); where there are none the pack says why, never a number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from assess import periods
from assess.benchmarking import DIFFERS_BY_ONE_SITE, GroupBenchmark, kind_plural
from assess.charts.style import score_text
from assess.charts.table import csv_safe
from assess.investigate import RULES
from assess.models import Assessment
from assess.questionnaire.forms import answer_label
from assess.questionnaire.schema import Questionnaire
from assess.services.history import assessment_history
from assess.services.queries import STATUS_LABELS
from assess.services.review import Review, assessment_review
from assess.services.validation import ValidationView, validation_view

INTERNAL_COPY = "Inspector's copy – contains internal notes"
SITE_COPY = "Site's copy"


@dataclass(frozen=True)
class QuestionEvidence:
    question: str  # the question as the site's kind reads it
    answer: str
    evidence: str  # "" when none was given


@dataclass(frozen=True)
class PeerPosition:
    """An area's peers: median and quartiles of their self-assessed scores and how many have a score (`peers`),
    or why no figures are shown (`not_shown`)."""

    median: Fraction | None = None
    lower_quartile: Fraction | None = None
    upper_quartile: Fraction | None = None
    peers: int | None = None
    not_shown: str | None = None

    @property
    def shown(self) -> bool:
        return self.not_shown is None


@dataclass(frozen=True)
class Investigate:
    """An area to investigate: the sentence and the rule that raised it."""

    sentence: str
    rule_id: str
    rule: str


@dataclass(frozen=True)
class PackReference:
    scheme: str
    heading: str

    @property
    def text(self) -> str:
        return f"{self.scheme}: {self.heading}"


@dataclass(frozen=True)
class PackArea:
    domain_id: str
    title: str
    self_score: Decimal | None
    self_level: int | None
    self_level_text: str  # "3 – Participation", or "Not scored"
    decision: str  # "Agree", "Lower the level", ... or "Not yet decided"
    validated_level: int | None
    validated_text: str  # "2 – Consultation", "Unable to validate", "Not yet decided"
    reason: str
    internal_note: str | None  # None in the site's copy
    decided_by: str | None
    decided_at: datetime | None
    questions: tuple[QuestionEvidence, ...]
    peer: PeerPosition
    investigate: tuple[Investigate, ...]
    references: tuple[PackReference, ...]

    @property
    def evidence_count(self) -> int:
        """How many of the area's questions have any evidence."""
        return sum(1 for item in self.questions if item.evidence.strip())


@dataclass(frozen=True)
class QueryStep:
    label: str  # "Query raised", "Site replied: disagrees", ...
    by: str
    at: datetime
    text: str
    evidence: str


@dataclass(frozen=True)
class PackQuery:
    number: int  # 1, 2, ... in the order raised
    areas: tuple[str, ...]
    text: str
    status: str  # with "Overdue: " in front when it is
    due_on: date
    raised_by: str
    raised_at: datetime
    steps: tuple[QueryStep, ...]


@dataclass(frozen=True)
class PackEvent:
    when: datetime
    who: str
    what: str
    details: tuple[str, ...]


@dataclass(frozen=True)
class EvidencePack:
    internal: bool
    site_name: str
    site_code: str
    site_kind: str
    period: str
    period_description: str
    questionnaire_title: str
    questionnaire_id: str
    questionnaire_version: str
    content_hash: str
    submitted_at: datetime | None
    submitted_by: str
    overall_self: str  # "2 – Consultation (score 2.5)"
    overall_validated: str
    overall_rule: str  # how the overall validated level is worked out
    review_state: str
    provisional: bool  # decisions exist but the review is not final
    confidence: str  # "Not yet given" until there is one
    summary: str
    internal_note: str | None  # on the review as a whole; None in the site's copy
    finalised_at: datetime | None
    finalised_by: str | None
    peer_group: str | None  # "All prisons (54 other sites)", None when no group is shown
    peer_note: str  # where the figures come from, or why there are none
    areas: tuple[PackArea, ...]
    queries: tuple[PackQuery, ...]
    history: tuple[PackEvent, ...]  # oldest first
    rules: tuple[tuple[str, str], ...] = field(default=tuple((rule.id, rule.statement) for rule in RULES))

    @property
    def copy_label(self) -> str:
        return INTERNAL_COPY if self.internal else SITE_COPY

    @property
    def findings(self) -> list[Investigate]:
        return [item for area in self.areas for item in area.investigate]

    def filename(self, extension: str) -> str:
        copy = "inspector" if self.internal else "site"
        return f"{self.site_code}-{self.period}-evidence-pack-{copy}-copy.{extension}"


# -- Assembly ----------------------------------------------------------------------------------------------------


def evidence_pack(assessment: Assessment, *, internal: bool, today: date) -> EvidencePack:
    """The pack of a submitted assessment. `internal`: the inspector's copy (only for people who may read
    internal notes: assess.auth.policy.sees_internal_notes); otherwise the site's copy. `today` decides which
    queries are overdue."""
    if not assessment.is_submitted:
        raise ValueError("an evidence pack is made only for a submitted assessment")
    review = assessment_review(assessment)
    results = review.results
    questionnaire = results.questionnaire
    result = results.result
    # The review's own validation is the inspector's view (internal notes in); the site's copy is read afresh
    # without them.
    validation = review.validation if internal else validation_view(assessment, questionnaire, result, internal=False)
    site = assessment.site
    overall_self = _level_text(questionnaire, result.level)
    if result.score is not None:
        overall_self += f" (score {result.score})"
    return EvidencePack(
        internal=internal,
        site_name=site.name,
        site_code=site.code,
        site_kind=site.kind,
        period=assessment.period,
        period_description=periods.describe(assessment.period),
        questionnaire_title=questionnaire.title,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        content_hash=results.content_hash,
        submitted_at=assessment.submitted_at,
        submitted_by=assessment.submitted_by.name if assessment.submitted_by else "a former user",
        overall_self=overall_self,
        overall_validated=validation.overall_text,
        overall_rule=validation.overall_rule,
        review_state=validation.state_label,
        provisional=validation.provisional,
        confidence=validation.confidence_label or "Not yet given",
        summary=validation.summary,
        internal_note=validation.internal_note if internal else None,
        finalised_at=validation.finalised_at,
        finalised_by=validation.finalised_by,
        peer_group=_group_label(review.group),
        peer_note=_peer_note(review),
        areas=tuple(_areas(assessment, review, validation, internal)),
        queries=tuple(_queries(review, today)),
        history=tuple(
            PackEvent(entry.when, entry.who, entry.what, tuple(entry.details))
            for entry in reversed(assessment_history(assessment, internal=internal))
        ),
    )


def _level_text(questionnaire: Questionnaire, level: int | None) -> str:
    if level is None:
        return "Not scored"
    return f"{level} – {questionnaire.level(level).name}"


def _group_label(group: GroupBenchmark | None) -> str | None:
    if group is None:
        return None
    others = len(group.decision.members)
    return f"{group.decision.label} ({others} other site{'' if others == 1 else 's'})"


def _not_shown_text(group: GroupBenchmark) -> str:
    """Why a group is not shown, in the words of the results page (templates/macros/benchmarks.html)."""
    reason = group.decision.reason
    if reason is None:
        return "It is not shown."
    if reason.code == DIFFERS_BY_ONE_SITE:
        text = (
            f"It differs from ‘{reason.broader}’ by exactly one site, so showing both would reveal that site's result."
        )
    else:
        count = reason.sites
        sites = "No other sites" if count == 0 else f"Only {count} other site{'' if count == 1 else 's'}"
        period = group.own_period or "the period"
        text = (
            f"{sites} in this group submitted an assessment for {period}. Figures are shown only for groups of at "
            f"least {reason.min_size}, so that no site's result can be worked out."
        )
    return f"{text} {group.earlier_note()}".strip()


def _peer_note(review: Review) -> str:
    results = review.results
    group = review.group
    if group is not None:
        period = group.period or results.assessment.period
        note = (
            f"Peer figures are from the group ‘{group.decision.label}’: the other sites of that group that "
            f"submitted an assessment for {period}, by their self-assessed scores (not validated levels). Other "
            "sites are never named."
        )
        earlier = group.comparison_note(kind_plural(results.assessment.site.kind))
        return f"{note} {earlier}".strip()
    if not results.benchmarks:
        return "No peer figures are shown: there are no benchmarks for this assessment."
    reasons = " ".join(f"{item.decision.label}: {_not_shown_text(item)}" for item in results.hidden)
    return f"No peer figures are shown, because no peer group of this site may be shown. {reasons}".strip()


def _peer_position(group: GroupBenchmark | None, domain_id: str) -> PeerPosition:
    if group is None:
        return PeerPosition(not_shown="No peer group is large enough to show figures.")
    summary = group.domains.get(domain_id)
    if summary is not None:
        return PeerPosition(summary.median, summary.lower_quartile, summary.upper_quartile, summary.peers)
    if domain_id in group.suppressed_domains:
        count = group.suppressed_domains[domain_id]
        has = "site in this group has" if count == 1 else "sites in this group have"
        return PeerPosition(
            not_shown=f"Only {count} {has} a score here. Figures are shown for at least {group.min_size}, so that "
            "no site's result can be worked out."
        )
    if domain_id in group.uncompared_domains:
        return PeerPosition(
            not_shown="Not compared: this area is not in every questionnaire version the peers answered."
        )
    return PeerPosition(not_shown="No peer in this group has a score here.")


def _areas(assessment: Assessment, review: Review, validation: ValidationView, internal: bool) -> list[PackArea]:
    results = review.results
    questionnaire = results.questionnaire
    kind = assessment.site.kind
    answers = assessment.answer_map()
    areas = []
    for item in results.result.domains:
        domain = questionnaire.domain(item.domain_id)
        outcome = validation.area(item.domain_id)
        questions = tuple(
            QuestionEvidence(
                question.text_for(kind),
                answer_label(question, kind, answers.get(question.id)) or "Not answered",
                results.evidence.get(question.id, "").strip(),
            )
            for question in domain.questions
        )
        areas.append(
            PackArea(
                domain_id=domain.id,
                title=domain.title,
                self_score=item.score,
                self_level=item.level,
                self_level_text=_level_text(questionnaire, item.level),
                decision=outcome.decision_label if outcome else "Not yet decided",
                validated_level=outcome.validated_level if outcome else None,
                validated_text=outcome.validated_text() if outcome else "Not yet decided",
                reason=outcome.reason if outcome else "",
                internal_note=(outcome.internal_note or "") if internal and outcome else None,
                decided_by=outcome.decided_by if outcome else None,
                decided_at=outcome.decided_at if outcome else None,
                questions=questions,
                peer=_peer_position(review.group, domain.id),
                investigate=tuple(
                    Investigate(finding.sentence, finding.rule.id, finding.rule.statement)
                    for finding in review.findings_for(domain.id)
                ),
                references=tuple(
                    PackReference(reference.scheme, reference.heading) for reference in domain.references_for(kind)
                ),
            )
        )
    return areas


def _queries(review: Review, today: date) -> list[PackQuery]:
    """The review's queries (oldest first), overdue as of `today`."""
    packed = []
    for number, view in enumerate(review.queries, start=1):
        query = view.query
        status = ("Overdue: " if query.is_overdue(today) else "") + STATUS_LABELS.get(query.status, query.status)
        packed.append(
            PackQuery(
                number=number,
                areas=tuple(view.areas),
                text=query.text,
                status=status,
                due_on=query.due_on,
                raised_by=query.raised_by.name if query.raised_by else "a former user",
                raised_at=query.raised_at,
                steps=tuple(
                    QueryStep(entry.label, entry.by_label, entry.at, entry.text or "", entry.evidence or "")
                    for entry in query.entries
                ),
            )
        )
    return packed


# -- The CSV: one row per area -------------------------------------------------------------------------------------


def csv_headers(internal: bool) -> tuple[str, ...]:
    return (
        "Site code",
        "Period",
        "Questionnaire version",
        "Area",
        "Self-assessed score",
        "Self-assessed level",
        "Decision",
        "Validated level",
        "Reason",
        *(("Internal note",) if internal else ()),
        "Questions with evidence",
        "Questions",
        "Peer group",
        "Peers with a score",
        "Peers' lower quartile",
        "Peers' median",
        "Peers' upper quartile",
        "Areas to investigate (rules)",
        "References",
    )


def _score(value: Fraction | Decimal | None) -> str:
    return "" if value is None else score_text(value)


def pack_csv(pack: EvidencePack) -> str:
    """RFC 4180 text, CRLF line ends, a header row and one row per area. Peer figures are blank where none are
    shown. The internal note column is only in the inspector's copy."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(csv_headers(pack.internal))
    group = pack.peer_group or ""
    for area in pack.areas:
        peer = area.peer
        writer.writerow(
            [
                csv_safe(pack.site_code),
                pack.period,
                pack.questionnaire_version,
                csv_safe(area.title),
                _score(area.self_score),
                area.self_level_text,
                area.decision,
                area.validated_text,
                csv_safe(area.reason),
                *((csv_safe(area.internal_note or ""),) if pack.internal else ()),
                str(area.evidence_count),
                str(len(area.questions)),
                csv_safe(group) if peer.shown else "",
                str(peer.peers) if peer.shown and peer.peers is not None else "",
                _score(peer.lower_quartile) if peer.shown else "",
                _score(peer.median) if peer.shown else "",
                _score(peer.upper_quartile) if peer.shown else "",
                "; ".join(item.rule_id for item in area.investigate),
                csv_safe("; ".join(reference.text for reference in area.references)),
            ]
        )
    return out.getvalue()
