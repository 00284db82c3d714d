"""The page-speed benchmark's pure parts (bench/page_speed_wrk.py, page_speed_table.py, page_speed_report.py):
reading wrk's output, percentiles, the targets met or missed and the table it writes. No server, no app."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from page_speed_report import render  # noqa: E402
from page_speed_table import PageResult, markdown_table, summary, verdicts  # noqa: E402
from page_speed_wrk import WrkOutputError, parse_wrk, percentile, time_ms  # noqa: E402

WRK_OUTPUT = """Running 3s test @ http://127.0.0.1:40123/sites
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    71.23ms   20.12ms   1.02s    88.12%
    Req/Sec    81.40     20.11   130.00     70.00%
  Latency Distribution
     50%   70.90ms
     75%   80.10ms
     90%  100.50ms
     99%    1.14s
  486 requests in 3.01s, 12.34MB read
  Non-2xx or 3xx responses: 7
  Socket errors: connect 0, read 1, write 0, timeout 2
Requests/sec:    161.46
Transfer/sec:      4.10MB
"""

PLAIN_OUTPUT = """Running 10s test @ http://127.0.0.1:40124/
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.31ms  612.00us  25.00ms   91.00%
    Req/Sec     3.16k   200.00     3.50k    70.00%
  Latency Distribution
     50%  812.00us
     75%    1.40ms
     90%    2.10ms
     99%    5.80ms
  62961 requests in 10.00s, 10.75MB read
Requests/sec:   6296.10
Transfer/sec:      1.07MB
"""


def test_wrk_output_is_read_with_its_units() -> None:
    found = parse_wrk(WRK_OUTPUT)
    assert found.requests_per_second == pytest.approx(161.46)
    assert found.requests == 486
    assert found.seconds == pytest.approx(3.01)
    assert found.median_ms == pytest.approx(70.9)
    assert found.p90_ms == pytest.approx(100.5)
    assert found.p99_ms == pytest.approx(1140.0)  # seconds, not milliseconds
    assert found.non_success == 7
    assert (found.socket_errors, found.timeouts) == (3, 2)


def test_wrk_output_in_microseconds_and_without_errors() -> None:
    found = parse_wrk(PLAIN_OUTPUT)
    assert found.median_ms == pytest.approx(0.812)
    assert found.p99_ms == pytest.approx(5.8)
    assert (found.non_success, found.socket_errors, found.timeouts) == (0, 0, 0)
    assert found.as_dict()["requests_per_second"] == pytest.approx(6296.1)


def test_wrk_output_without_the_latency_distribution_is_refused() -> None:
    without = "\n".join(line for line in PLAIN_OUTPUT.splitlines() if "%  " not in line and "99%" not in line)
    with pytest.raises(WrkOutputError, match="latency"):
        parse_wrk(without)
    with pytest.raises(WrkOutputError, match="Requests/sec"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


@pytest.mark.parametrize(
    ("text", "ms"), [("812.00us", 0.812), ("5.21ms", 5.21), ("1.02s", 1020.0), ("1.50m", 90_000.0)]
)
def test_times_in_wrk_units(text: str, ms: float) -> None:
    assert time_ms(text) == pytest.approx(ms)


def test_a_time_without_a_unit_is_refused() -> None:
    with pytest.raises(WrkOutputError):
        time_ms("12.5")


def test_percentiles_interpolate_between_the_nearest_values() -> None:
    values = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert percentile(values, 0.5) == 3.0
    assert percentile(values, 0.0) == 1.0
    assert percentile(values, 1.0) == 5.0
    assert percentile(values, 0.99) == pytest.approx(4.96)
    assert percentile([1.0, 2.0], 0.5) == pytest.approx(1.5)
    assert percentile([7.0], 0.99) == 7.0
    with pytest.raises(ValueError):
        percentile([], 0.5)
    with pytest.raises(ValueError):
        percentile([1.0], 1.5)


def page(**overrides: object) -> PageResult:
    values: dict[str, object] = {
        "audience": "governor",
        "label": "/sites (3 sites)",
        "path": "/sites",
        "kind": "page",
        "requests_per_second": 300.0,
        "median_ms": 30.0,
        "p99_ms": 120.0,
        "queries": {"demo": 6, "more assessments": 6, "more sites": 6},
    }
    values.update(overrides)
    return PageResult(**values)  # type: ignore[arg-type]


def targets(row: PageResult, plain: float = 2000.0) -> dict[str, bool]:
    return {item.target: item.met for item in verdicts(row, plain)}


def test_a_page_that_meets_every_target() -> None:
    assert targets(page()) == {"share": True, "p99": True, "queries": True}


def test_each_target_can_be_missed() -> None:
    assert targets(page(requests_per_second=199.0))["share"] is False  # 0.0995 < 0.10
    assert targets(page(p99_ms=250.1))["p99"] is False
    assert targets(page(p99_ms=250.0))["p99"] is True
    assert targets(page(queries={"demo": 6, "more assessments": 6, "more sites": 7}))["queries"] is False
    assert targets(page(queries={"demo": 6, "more assessments": 5, "more sites": 5}))["queries"] is True
    assert targets(page(non_success=3))["answered"] is False
    assert targets(page(socket_errors=2))["answered"] is False
    assert "answered" not in targets(page())


def test_a_results_page_has_the_lower_share_target() -> None:
    assert targets(page(kind="results", requests_per_second=100.0))["share"] is True  # 0.05
    assert targets(page(kind="results", requests_per_second=99.0))["share"] is False
    assert targets(page(kind="page", requests_per_second=100.0))["share"] is False


def test_the_share_is_taken_against_the_plain_app_measured_alongside_the_page() -> None:
    """The machine's load drifts within a run: the plain app measured alongside the page is the yardstick."""
    assert targets(page(requests_per_second=300.0, plain_alongside_rps=3100.0))["share"] is False  # 0.097
    assert targets(page(requests_per_second=300.0, plain_alongside_rps=2900.0))["share"] is True  # 0.103
    assert targets(page(requests_per_second=300.0), plain=3100.0)["share"] is False  # the run's, when none
    table = markdown_table([page(plain_alongside_rps=2500.0)], 6000.0).splitlines()
    assert table[0].startswith("| audience | page | requests/s | plain app alongside | share of the plain app |")
    assert "| governor | /sites (3 sites) | 300 | 2,500 | 0.12 | 30 ms |" in table[2]


def test_share_kept_while_reports_render() -> None:
    assert targets(page(with_reports_rps=240.0))["with reports"] is True  # 0.8
    assert targets(page(with_reports_rps=239.0))["with reports"] is False


def test_healthz_has_only_the_latency_target_and_the_plain_app_none() -> None:
    healthz = page(audience="none", label="/healthz", path="/healthz", kind="healthz", requests_per_second=10.0)
    assert targets(healthz) == {"p99": True}  # no share or query target: it is not a signed-in page
    assert verdicts(page(kind="plain", label="plain Flask app"), 2000.0) == []


def test_the_table_has_a_row_a_page_with_its_numbers_and_verdicts() -> None:
    rows = [
        page(audience="none", label="plain Flask app", path="/", kind="plain", requests_per_second=2460.0),
        page(),
        page(label="a results page", kind="results", requests_per_second=27.0, median_ms=351.0, p99_ms=731.0),
    ]
    table = markdown_table(rows, 2460.0).splitlines()
    assert table[0].startswith("| audience | page | requests/s | share of the plain app | median latency |")
    assert table[1].startswith("| --- | --- | ---: |")
    assert len(table) == 2 + len(rows)
    assert table[2].startswith("| none | plain Flask app | 2,460 | 1 | 30 ms | 120 ms | 6 → 6 → 6 |")
    assert (
        "| governor | /sites (3 sites) | 300 | 0.12 | 30 ms | 120 ms | 6 → 6 → 6 | met (share, p99, queries) |"
        in (table[3])
    )
    results = table[4]
    assert "| 27.0 | 0.011 | 351 ms | 731 ms |" in results
    assert "**missed**: share 0.011 (target ≥ 0.05); p99 731 ms (target ≤ 250 ms)" in results
    assert summary(rows, 2460.0) == {"met": 4, "missed": 2}


def test_the_table_shows_the_share_kept_with_reports_only_when_measured() -> None:
    assert "kept while 4 reports render" not in markdown_table([page()], 2000.0)
    with_reports = markdown_table([page(with_reports_rps=150.0)], 2000.0)
    assert "kept while 4 reports render" in with_reports
    assert "| 0.50 |" in with_reports
    assert "kept 0.50 with reports (target ≥ 0.8)" in with_reports


def test_the_report_has_the_method_and_a_section_a_database() -> None:
    result = {
        "db": "sqlite",
        "machine": {"date": "2026-11-30T19:00+00:00", "cores": 2, "cpu": "test cpu", "python": "3.11"},
        "settings": {"duration_s": 3, "connections": 10, "threads": 2, "gunicorn": "conf", "max_requests": 0},
        "load_average_before": [1.5, 1.0, 0.5],
        "load_average_after": [2.0, 1.2, 0.6],
        "plain_rps": 2000.0,
        "rows": [{**page().__dict__, "requests": None, "wrk": {"requests": 42, "socket_errors": 0}}],
        "reports_at_once": [
            {"assessment": 1, "status": 200, "seconds": 4.0, "pdf": True},
            {"assessment": 2, "status": 503, "seconds": 21.0, "pdf": False},
        ],
        "report_time_limit_s": 20,
        "reports_meanwhile": [
            {"assessment": 3, "status": 200, "seconds": 9.0, "pdf": True},
            {"assessment": 5, "status": 503, "seconds": 21.5, "pdf": False},
            {"assessment": 7, "status": 503, "seconds": 20.5, "pdf": False},
        ],
        "code": {"commit": "abc1234", "uncommitted": ["assess/__init__.py"]},
    }
    text = render([result, {**result, "db": "postgresql"}])
    assert text.startswith("## Page speed under gunicorn and wrk (issue 15)")
    assert "### Method" in text
    assert "### sqlite, 2026-11-30T19:00+00:00" in text and "### postgresql," in text
    assert "before 1.5, 1.0, 0.5, after 2.0, 1.2, 0.6" in text
    assert (
        "Targets: 3 met, 0 missed. Code: commit abc1234 with 1 uncommitted files under assess/ (assess/__init__.py)."
        in (text)
    )
    assert "1 of 2 finished within the time limit (20 s): 200 in 4.0 s, 503 in 21.0 s." in text
    assert "3 reports were asked for: 1 made, 2 not (answers: 1 × 200, 2 × 503); slowest 21.5 s." in text
    assert "Fewer than 100 requests completed in the run (so the p99 is the slowest few): governor /sites" in text


def test_a_row_read_back_from_json_takes_its_counts_from_wrk() -> None:
    older = {key: value for key, value in page().__dict__.items() if key not in ("requests", "socket_errors")}
    row = PageResult.from_dict({**older, "wrk": {"requests": 12, "socket_errors": 3}, "unknown": 1})
    assert (row.requests, row.socket_errors) == (12, 3)
    newer = PageResult.from_dict({**page(requests=500, socket_errors=0).__dict__, "wrk": {"requests": 7}})
    assert (newer.requests, newer.socket_errors) == (500, 0)


def test_the_days_default_runs_come_first_sqlite_then_postgresql() -> None:
    from page_speed_report import _order

    names = [
        "2026-11-30-page-speed-sqlite-sync.json",
        "2026-11-30-page-speed-postgresql.json",
        "2026-11-30-page-speed-sqlite.json",
    ]
    assert [name for name in sorted(names, key=lambda name: _order(Path(name)))] == [
        "2026-11-30-page-speed-sqlite.json",
        "2026-11-30-page-speed-postgresql.json",
        "2026-11-30-page-speed-sqlite-sync.json",
    ]
