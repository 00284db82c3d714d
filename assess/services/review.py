"""An inspector's review of one submitted assessment: the results the site sees (assess.services.results),
the peer position of each area, the site's other submitted years, and the areas to investigate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from assess.benchmarking import GroupBenchmark
from assess.data.assessments import get_assessments_for_site
from assess.investigate import Finding, areas_to_investigate
from assess.models import Assessment
from assess.services.queries import QueryView, assessment_queries
from assess.services.results import AssessmentResults, assessment_results
from assess.services.validation import ValidationView, validation_view


@dataclass
class Review:
    results: AssessmentResults
    group: GroupBenchmark | None  # the peer group whose figures give each area's position
    findings: list[Finding]
    submitted: list[Assessment]  # the site's submitted assessments, newest period first
    previous_comparable: bool  # whether last year's levels could be compared (same questionnaire version)
    validation: ValidationView  # the inspector's view: internal notes included
    queries: list[QueryView]  # oldest first

    def findings_for(self, domain_id: str) -> list[Finding]:
        return [finding for finding in self.findings if finding.domain_id == domain_id]

    def with_evidence(self, domain_id: str) -> int:
        """How many of the area's questions have any evidence."""
        domain = self.results.questionnaire.domain(domain_id)
        return sum(1 for question in domain.questions if self.results.evidence.get(question.id, "").strip())


def assessment_review(assessment: Assessment, group_id: str | None = None) -> Review:
    results = assessment_results(assessment)
    group = results.group(group_id)
    uppers = {domain_id: summary.upper_quartile for domain_id, summary in (group.domains if group else {}).items()}
    previous = results.previous
    comparable = previous is not None and previous.questionnaire_version == assessment.questionnaire_version
    previous_levels = {row.domain_id: row.level for row in previous.domains} if previous and comparable else None
    scores = {
        item.domain_id: Fraction(item.score) if item.score is not None else None for item in results.result.domains
    }
    findings = areas_to_investigate(
        results.questionnaire,
        assessment.answer_map(),
        results.evidence,
        scores,
        {item.domain_id: item.level for item in results.result.domains},
        uppers,
        previous_levels,
        previous.period if previous else None,
    )
    submitted = [item for item in get_assessments_for_site(assessment.site) if item.is_submitted]
    validation = validation_view(assessment, results.questionnaire, results.result, internal=True)
    queries = assessment_queries(assessment.id, results.questionnaire, date.today())
    return Review(results, group, findings, submitted, comparable, validation, queries)
