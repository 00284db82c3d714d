"""The pure parts of bench/page_speed.py that judge and write: issue 15's targets, met or missed, and the
Markdown table of the results (page, requests/s, share of the plain app, median and p99 latency, queries).
No app, no server, no database (tests/unit/test_page_speed_bench.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Issue 15, item 2 (and item 5's share kept while reports render).
SHARE_TARGET = 0.10  # every signed-in page: at least this share of the plain app's requests/s
RESULTS_SHARE_TARGET = 0.05  # a results page
P99_TARGET_MS = 250.0  # every page, at 10 connections
KEPT_WITH_REPORTS_TARGET = 0.8  # a page's requests/s while 4 reports render, over its requests/s without

# The query counts are taken at these data sizes, in this order; the first is the demo data itself.
STEPS = ("demo", "more assessments", "more sites")


@dataclass
class PageResult:
    """One row: a page as wrk saw it, and how many SQL statements one request of it sends."""

    audience: str  # governor, inspector, commissioner; "none" for /healthz and the plain app
    label: str  # what the table calls it, e.g. "/sites (3 sites)"
    path: str
    kind: str = "page"  # page | results | healthz | plain
    requests_per_second: float | None = None
    median_ms: float | None = None
    p99_ms: float | None = None
    non_success: int = 0
    socket_errors: int = 0  # wrk's connect, read, write errors and timeouts (10 s)
    requests: int | None = None  # requests wrk saw completed in the run
    queries: dict[str, int] = field(default_factory=dict)  # step (STEPS) -> statements in one request
    with_reports_rps: float | None = None  # requests/s while reports render (--with-reports)
    in_process_ms: float | None = None  # median time of one request in one process (test client), no load
    # The plain app's requests/s measured alongside this page (the mean of its runs just before and just after:
    # the machine is shared and its load drifts within a run): the share is taken against this when there is
    # one, else against the run's plain app.
    plain_alongside_rps: float | None = None

    @property
    def signed_in(self) -> bool:
        return self.kind in ("page", "results")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PageResult:
        names = cls.__dataclass_fields__
        found = {key: value for key, value in data.items() if key in names}
        wrk = data.get("wrk") or {}
        if found.get("requests") is None:  # files written before these fields: wrk's own numbers
            found["requests"] = wrk.get("requests")
        found.setdefault("socket_errors", wrk.get("socket_errors", 0))
        return cls(**found)


@dataclass(frozen=True)
class Verdict:
    target: str
    met: bool
    detail: str


def share(rps: float | None, plain_rps: float | None) -> float | None:
    if rps is None or not plain_rps:
        return None
    return rps / plain_rps


def page_share(row: PageResult, plain_rps: float | None) -> float | None:
    """The page's requests/s over the plain app's: the plain app measured alongside the page when it was, else
    the run's."""
    return share(row.requests_per_second, row.plain_alongside_rps or plain_rps)


def verdicts(row: PageResult, plain_rps: float | None) -> list[Verdict]:
    """Each of issue 15's targets that applies to this row, met or missed. None for the plain app."""
    if row.kind == "plain":
        return []
    found: list[Verdict] = []
    their_share = page_share(row, plain_rps)
    if row.signed_in and their_share is not None:
        wanted = RESULTS_SHARE_TARGET if row.kind == "results" else SHARE_TARGET
        found.append(
            Verdict("share", their_share >= wanted, f"share {format_share(their_share)} (target ≥ {wanted:g})")
        )
    if row.p99_ms is not None:
        found.append(
            Verdict("p99", row.p99_ms <= P99_TARGET_MS, f"p99 {format_ms(row.p99_ms)} (target ≤ {P99_TARGET_MS:g} ms)")
        )
    if row.signed_in and (row.non_success or row.socket_errors):
        found.append(
            Verdict(
                "answered",
                False,
                f"{row.non_success:,} responses not 2xx/3xx, {row.socket_errors:,} socket errors or timeouts",
            )
        )
    if row.signed_in and len(row.queries) > 1:
        first = row.queries.get(STEPS[0])
        if first is not None:
            most = max(row.queries.values())
            found.append(
                Verdict("queries", most <= first, f"queries {format_queries(row.queries)} (target: no growth)")
            )
    kept = share(row.with_reports_rps, row.requests_per_second)
    if row.signed_in and kept is not None:
        found.append(
            Verdict(
                "with reports",
                kept >= KEPT_WITH_REPORTS_TARGET,
                f"kept {kept:.2f} with reports (target ≥ {KEPT_WITH_REPORTS_TARGET:g})",
            )
        )
    return found


def format_rps(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def format_share(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 0.995:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:.3f}" if value < 0.1 else f"{value:.2f}"


def format_ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def format_queries(queries: dict[str, int]) -> str:
    if not queries:
        return "–"
    return " → ".join(str(queries[step]) for step in STEPS if step in queries)


def format_verdicts(found: list[Verdict]) -> str:
    if not found:
        return "–"
    missed = [item for item in found if not item.met]
    if not missed:
        return "met (" + ", ".join(item.target for item in found) + ")"
    return "**missed**: " + "; ".join(item.detail for item in missed)


def markdown_table(rows: list[PageResult], plain_rps: float | None) -> str:
    """The results as issue 15's table, with the query counts and the targets met or missed per row."""
    with_reports = any(row.with_reports_rps is not None for row in rows)
    in_process = any(row.in_process_ms is not None for row in rows)
    alongside = any(row.plain_alongside_rps is not None for row in rows)
    header = [
        "audience",
        "page",
        "requests/s",
        *(["plain app alongside"] if alongside else []),
        "share of the plain app",
        "median latency",
        "p99 latency",
        "queries (" + " → ".join(STEPS) + ")",
    ]
    align = ["---", "---", "---:", *(["---:"] if alongside else []), "---:", "---:", "---:", "---:"]
    if in_process:
        header.append("one request, one process, no load")
        align.append("---:")
    if with_reports:
        header.append("requests/s kept while 4 reports render")
        align.append("---:")
    header.append("targets")
    align.append("---")
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    for row in rows:
        cells = [
            row.audience,
            row.label,
            format_rps(row.requests_per_second),
            *([format_rps(row.plain_alongside_rps)] if alongside else []),
            format_share(page_share(row, plain_rps)),
            format_ms(row.median_ms),
            format_ms(row.p99_ms),
            format_queries(row.queries),
        ]
        if in_process:
            cells.append(format_ms(row.in_process_ms))
        if with_reports:
            kept = share(row.with_reports_rps, row.requests_per_second)
            cells.append("–" if kept is None else f"{kept:.2f}")
        cells.append(format_verdicts(verdicts(row, plain_rps)))
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def summary(rows: list[PageResult], plain_rps: float | None) -> dict[str, int]:
    """How many targets were met and missed over the whole table."""
    found = [item for row in rows for item in verdicts(row, plain_rps)]
    return {"met": sum(item.met for item in found), "missed": sum(not item.met for item in found)}
