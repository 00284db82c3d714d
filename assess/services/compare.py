"""An inspector's comparison of 2 to 6 sites in their remit, area by area: each site's latest submitted
self-assessment, on the latest questionnaire's areas; an area a site's version does not have is marked not
comparable rather than pooled. Sites stay in alphabetical order; nothing is ranked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assess.charts import Chart
from assess.charts.compare import ComparedSite, comparison_chart
from assess.data.benchmarks import get_latest_submitted_scores
from assess.data.reviews import get_review_states, get_validated_levels
from assess.models import Site
from assess.questionnaire.schema import Questionnaire
from assess.services.questionnaires import latest, registry

MIN_SITES = 2
MAX_SITES = 6


@dataclass
class Comparison:
    questionnaire: Questionnaire
    sites: list[Site]  # alphabetical
    columns: list[ComparedSite]
    without_submission: list[Site]
    chart: Chart | None


def compare_sites(sites: Sequence[Site]) -> Comparison:
    questionnaire = latest().definition
    ordered = sorted(sites, key=lambda site: (site.name, site.id))
    scores = get_latest_submitted_scores([site.id for site in ordered], questionnaire.id)
    wanted = [domain.id for domain in questionnaire.domains]
    names = {level.value: level.name for level in questionnaire.levels}
    assessment_ids = [stored.assessment_id for stored in scores.values()]
    decisions = get_validated_levels(assessment_ids)
    states = get_review_states(assessment_ids)
    columns: list[ComparedSite] = []
    with_scores: list[Site] = []
    for site in ordered:
        stored = scores.get(site.id)
        if stored is None:
            continue
        version = registry().get(stored.questionnaire_id, stored.questionnaire_version)
        present = {domain.id for domain in version.domains}
        levels = {row.domain_id: row.level for row in stored.domains}
        columns.append(
            ComparedSite(
                label=site.name,
                period=stored.period,
                overall=stored.overall_level,
                levels={domain_id: levels.get(domain_id) for domain_id in wanted},
                not_comparable=frozenset(domain_id for domain_id in wanted if domain_id not in present),
                validated={
                    domain_id: _validated_text(row.decision, row.validated_level, names)
                    for domain_id, row in decisions.get(stored.assessment_id, {}).items()
                },
                validated_final=states.get(stored.assessment_id) == "validated",
            )
        )
        with_scores.append(site)
    areas = [(domain.id, domain.title) for domain in questionnaire.domains]
    chart = comparison_chart(areas, columns, names) if len(columns) >= MIN_SITES else None
    return Comparison(questionnaire, with_scores, columns, [site for site in ordered if site not in with_scores], chart)


def _validated_text(decision: str, level: int | None, names: dict[int, str]) -> str:
    if decision == "unable":
        return "unable to validate"
    return "not scored" if level is None else f"{level} – {names.get(level, level)}"
