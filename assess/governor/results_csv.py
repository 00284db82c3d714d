"""The governor's results as a CSV: one row per area, then one for the overall score. The site's own score and
level beside the inspector's decision, validated level and reason (read from the validation as the site sees
it: no internal notes), then the change since the previous submitted year, the target and the gaps to the target
and to the peer median. Numbers are numbers (levels, changes and gaps as whole numbers, empty when there is
none); the words beside them say why one is empty."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from assess.charts.table import csv_safe
from assess.scoring.change import Change
from assess.services.validation import NOT_REVIEWED, ValidationView

if TYPE_CHECKING:
    from assess.benchmarking import GroupBenchmark
    from assess.services.results import AssessmentResults

OVERALL = "overall"

HEADERS = (
    "Area",
    "Self-assessed score",
    "Self-assessed level",
    "Review state",
    "Decision",
    "Validated level",
    "Reason",
    "Previous year",
    "Previous level",
    "Change in levels",
    "Change",
    "Target level",
    "Gap to target (levels)",
    "Target",
    "Peer group",
    "Peer median level",
    "Gap to peer median (levels)",
)


def _level(level: int | None, name: str | None) -> str:
    if level is None:
        return "Not scored"
    return f"{level} – {name}" if name else str(level)


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def _change_cells(row: Change | None) -> list[str]:
    if row is None or not row.has_previous:
        return ["", "", "", "No earlier year"]
    return [row.previous_period or "", _number(row.previous_level), _number(row.level_change), row.text]


def _peer_cells(view: AssessmentResults, group: GroupBenchmark | None, key: str) -> list[str]:
    if group is None:
        return ["No peer group shown", "", ""]
    label = group.decision.label + (f" ({group.period})" if group.from_earlier_period else "")
    return [csv_safe(label), _number(view.peer_median_level(group, key)), _number(view.gap_to_peers(group, key))]


def results_csv(view: AssessmentResults, validation: ValidationView, group: GroupBenchmark | None = None) -> str:
    """CSV text (RFC 4180, CRLF line ends) with a header row; levels as number and word ("3 – Involvement") in
    the first columns. Before any review, each area's decision is empty and its validated level "Not yet
    reviewed". `group`: the peer group whose median the gap is to (None: none shown)."""
    result = view.result
    reviewed = validation.state != NOT_REVIEWED
    change = view.change
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for item in result.domains:
        outcome = validation.area(item.domain_id)
        decision, validated, reason = "", "Not yet reviewed", ""
        if reviewed:
            decision = outcome.decision_label if outcome else "Not yet decided"
            validated = outcome.validated_text() if outcome else "Not yet decided"
            reason = outcome.reason if outcome else ""
        target = view.targets.get(item.domain_id)
        writer.writerow(
            [
                csv_safe(item.title),
                str(item.score) if item.score is not None else "Not scored",
                _level(item.level, outcome.self_level_name if outcome else None),
                validation.state_label,
                decision,
                validated,
                csv_safe(reason),
                *_change_cells(change.domain(item.domain_id) if change else None),
                _number(target),
                _number(view.gap_to_target(item.domain_id)),
                view.target_words(item.domain_id),
                *_peer_cells(view, group, item.domain_id),
            ]
        )
    overall_name = view.questionnaire.level(result.level).name if result.level is not None else None
    writer.writerow(
        [
            "Overall",
            str(result.score) if result.score is not None else "Not scored",
            _level(result.level, overall_name),
            validation.state_label,
            "",
            validation.overall_text if reviewed else "Not yet reviewed",
            "",
            *_change_cells(change.overall if change else None),
            "",
            "",
            "Targets are set per area",
            *_peer_cells(view, group, OVERALL),
        ]
    )
    return out.getvalue()
