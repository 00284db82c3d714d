"""bench/results/<date>-page-speed.md from that day's bench/results/<date>-page-speed-<db>.json: the method and,
for each database, the table (bench/page_speed_table.py), the reports, the data sizes and the load average.
render() is pure (tests/unit/test_page_speed_bench.py)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from page_speed_table import (  # noqa: E402
    KEPT_WITH_REPORTS_TARGET,
    P99_TARGET_MS,
    RESULTS_SHARE_TARGET,
    SHARE_TARGET,
    STEPS,
    PageResult,
    markdown_table,
    summary,
)

FEW_REQUESTS = 100

METHOD = f"""### Method

`make bench-pages` (or `.venv/bin/python bench/page_speed.py --db sqlite|postgresql [--quick] [--with-reports]`;
PostgreSQL needs `TEST_DATABASE_URL`; needs `wrk`, Debian package `wrk`). Each run:

1. a fresh database built by the migrations, with the demo and national demo data (`flask demo seed`: 238 sites,
   4 annual periods), as `make run` loads it;
2. gunicorn with `scripts/gunicorn.conf.py`, as `make serve` (2 workers of 4 threads, gthread), serving the app
   with `ASSESS_ENV=production`, and `bench/plain_app.py` (a Flask app returning a short string) under the same
   settings on another port; except `max_requests`, 0 unless `--max-requests` says otherwise (the production
   1000 replaces the plain app's workers every few hundred milliseconds under wrk, which then measures worker
   start-up, not requests);
3. sign-in through the real forms: the demo governor (password), the demo inspector and commissioner (password,
   then two-factor set up on the way: the key read from the page, a code computed from it); the governor starts
   this year's draft from last year's answers (task list, area and check-answers pages);
4. each page checked to answer 200 with the session cookie, then `wrk --latency -t 2 -c 10 -d <duration>` with
   that cookie. The plain app is measured between the pages too (half a page's time, at least 2 s), and a page's
   share is its requests/s over the mean of the plain app just before and just after it ("plain app alongside";
   runs without that column: over the mean of the plain app's first and last runs, which are still measured).
   Duration 10 s a page, 3 s with `--quick`;
5. with `--with-reports`: 4 PDF reports asked for at the same moment (status and time of each), then every page
   again while 4 clients keep asking for reports not made before (none from the cache): the share of its
   requests/s it kept;
6. in one process (Flask's test client, signed in through the same forms): the SQL statements of one request of
   each page (a `before_cursor_execute` listener; the third request, after two that warm up), at three data
   sizes: {" → ".join(STEPS)} (8 annual periods instead of 4; then 460 national sites, the governor linked to 30
   prisons, the inspector's remit every kind and nation); and the median of 5 requests at the first size.

Targets (issue 15): every signed-in page at least {SHARE_TARGET:g} of the plain app's requests/s, a results page
at least {RESULTS_SHARE_TARGET:g}; p99 at most {P99_TARGET_MS:g} ms at 10 connections for every page; queries
per page not growing with the data; at least {KEPT_WITH_REPORTS_TARGET:g} of a page's requests/s kept while
reports render. The machine is shared: the load average is given before and after each run, and the share of the
plain app (measured in the same run) is the number to compare, not requests/s.
"""


def _rows(result: dict[str, Any]) -> list[PageResult]:
    return [PageResult.from_dict(row) for row in result.get("rows", [])]


def _reports(result: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    at_once = result.get("reports_at_once")
    if not at_once:
        return lines
    limit = result.get("report_time_limit_s", 20)
    within = [item for item in at_once if item["status"] == 200 and item["pdf"] and item["seconds"] <= limit]
    lines.append(
        f"{len(at_once)} reports asked for at the same moment: {len(within)} of {len(at_once)} finished within the "
        f"time limit ({limit:g} s): "
        + ", ".join(f"{item['status']} in {item['seconds']:.1f} s" for item in sorted(at_once, key=_seconds))
        + "."
    )
    meanwhile = result.get("reports_meanwhile") or []
    if meanwhile:
        made = sum(1 for item in meanwhile if item["status"] == 200 and item["pdf"])
        statuses = Counter(int(item["status"]) for item in meanwhile)
        lines.append(
            f"While the pages were measured again, {len(meanwhile)} reports were asked for: {made} made, "
            f"{len(meanwhile) - made} not (answers: "
            + ", ".join(f"{count} × {status}" for status, count in sorted(statuses.items()))
            + f"); slowest {max(_seconds(item) for item in meanwhile):.1f} s."
        )
    return lines


def _seconds(item: dict[str, Any]) -> float:
    return float(item["seconds"])


def _code(code: dict[str, Any] | None) -> str:
    if not code:
        return ""
    changed = code.get("uncommitted") or []
    return f" Code: commit {code.get('commit')}" + (
        f" with {len(changed)} uncommitted files under assess/ ({', '.join(changed[:8])}"
        + (", …" if len(changed) > 8 else "")
        + ")."
        if changed
        else "."
    )


def section(result: dict[str, Any]) -> str:
    machine = result.get("machine", {})
    settings = result.get("settings", {})
    rows = _rows(result)
    plain = result.get("plain_rps")
    counts = summary(rows, plain)
    sizes = result.get("data_sizes", {})
    lines = [
        f"### {result['db']}, {machine.get('date', '')}, {settings.get('duration_s')} s a page"
        + (" (with reports)" if result.get("reports_at_once") else "")
        + (", " + str(settings["gunicorn"]).split(" ", 1)[1] if " " in str(settings.get("gunicorn", "")) else ""),
        "",
        f"{machine.get('cores', '?')} cores ({machine.get('cpu', '?')}), Python {machine.get('python', '?')}; "
        f"wrk {settings.get('duration_s')} s a page, {settings.get('connections')} connections, "
        f"{settings.get('threads')} threads; gunicorn {settings.get('gunicorn')}, max_requests "
        f"{settings.get('max_requests')}. Load average (1, 5, 15 min) "
        f"before {', '.join(str(value) for value in result.get('load_average_before', []))}, after "
        f"{', '.join(str(value) for value in result.get('load_average_after', []))}. Plain app: "
        f"{plain or 0:,.0f} requests/s (mean of the first and last run). Targets: {counts['met']} met, "
        f"{counts['missed']} missed." + _code(result.get("code")),
        "",
        markdown_table(rows, plain),
    ]
    if sizes:
        lines.append(
            "Data sizes for the query counts: "
            + "; ".join(
                f"{step}: {size['sites']} sites, {size['submitted_assessments']:,} submitted assessments, "
                f"the governor's sites {size['governor_sites']}"
                for step, size in sizes.items()
            )
            + "."
        )
        lines.append("")
    few = [row for row in rows if row.requests is not None and row.requests < FEW_REQUESTS]
    if few:
        lines.append(
            f"Fewer than {FEW_REQUESTS} requests completed in the run (so the p99 is the slowest few): "
            + ", ".join(f"{row.audience} {row.label} ({row.requests})" for row in few)
            + "."
        )
        lines.append("")
    for line in _reports(result):
        lines.extend([line, ""])
    restarts = {
        row["label"]: row.get("worker_restarts") for row in result.get("rows", []) if row.get("worker_restarts")
    }
    if restarts:
        lines.append(
            "gunicorn replaced workers (max_requests) during: "
            + ", ".join(f"{label} ({count})" for label, count in restarts.items())
            + "."
        )
        lines.append("")
    return "\n".join(lines)


def render(results: list[dict[str, Any]]) -> str:
    """The whole Markdown file: the method, then one section a database."""
    parts = ["## Page speed under gunicorn and wrk (issue 15)", "", METHOD]
    for result in results:
        parts.append(section(result))
    return "\n".join(parts).rstrip() + "\n"


def _order(path: Path) -> tuple[bool, bool, str]:
    """The day's default runs first (SQLite, then PostgreSQL), then runs with other settings (other file names)."""
    default = path.name.endswith(("-page-speed-sqlite.json", "-page-speed-postgresql.json"))
    return (not default, "postgresql" in path.name, path.name)


def write_markdown(folder: Path, day: str) -> Path:
    paths = sorted(folder.glob(f"{day}-page-speed-*.json"), key=_order)
    results = [json.loads(path.read_text()) for path in paths]
    target = folder / f"{day}-page-speed.md"
    target.write_text(render(results))
    return target
