"""The governor's results as a CSV: one row per area, the site's own score and level beside the inspector's
decision, validated level and reason. Read from the validation as the site sees it (no internal notes)."""

from __future__ import annotations

import csv
import io

from assess.charts.table import csv_safe
from assess.scoring import Result
from assess.services.validation import NOT_REVIEWED, ValidationView

HEADERS = (
    "Area",
    "Self-assessed score",
    "Self-assessed level",
    "Review state",
    "Decision",
    "Validated level",
    "Reason",
)


def _level(level: int | None, name: str | None) -> str:
    if level is None:
        return "Not scored"
    return f"{level} – {name}" if name else str(level)


def results_csv(result: Result, validation: ValidationView) -> str:
    """CSV text (RFC 4180, CRLF line ends) with a header row; levels as number and word ("3 – Involvement").
    Before any review, each area's decision is empty and its validated level "Not yet reviewed"."""
    reviewed = validation.state != NOT_REVIEWED
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
        writer.writerow(
            [
                csv_safe(item.title),
                str(item.score) if item.score is not None else "Not scored",
                _level(item.level, outcome.self_level_name if outcome else None),
                validation.state_label,
                decision,
                validated,
                csv_safe(reason),
            ]
        )
    return out.getvalue()
