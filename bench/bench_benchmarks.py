"""Time the benchmark computation and the results page with 1,000, 10,000 and 100,000 stored submitted
assessments, on SQLite and PostgreSQL. Not a test: it prints a table and writes what it measured
(times, query counts, query plans) as JSON. docs/benchmarks.md has the method and the results.

    .venv/bin/python bench/bench_benchmarks.py [--db sqlite|postgresql|sqlite,postgresql]
        [--sizes 1000,10000,100000] [--shapes history,sites] [--runs 30] [--page-runs 10]
        [--baseline] [--json bench/results/latest.json]

PostgreSQL needs TEST_DATABASE_URL (a role that may CREATE DATABASE), as the test suite does; each
size gets a fresh database, dropped afterwards.

For each database, shape and size: a fresh database built by the migrations; the small demo (its 8
sites, accounts and 2 periods); then the national demo generator fills up to the size. Two shapes:

- history: about the national data set (230 sites plus the demo's 8) with as many annual periods
  as it takes: peer groups keep their real size and the history grows (1,000 = 4 periods,
  100,000 = 438);
- sites: 4 periods, with as many sites as it takes: peer groups grow with the data
  (10,000 = 2,500 sites, 100,000 = 25,000).

Answers are stored for 1,000 and 10,000; from 100,000 the peers get their scores only (assessments,
assessment_scores and domain_scores rows: what benchmarks read), while the site under test keeps its
answers (the results page shows them).

Timed for the demo governor's prison (DEMO-FWR, every peer group: national, region, category,
function, population band) and its assessment in the latest period:
(a) assess.services.benchmarks.site_benchmarks: 5 untimed runs, then --runs timed: median and 95th percentile;
(b) GET /assessments/<id>/results through the Flask test client, signed in as the demo governor:
    3 untimed, then --page-runs timed: median.
The SQL that (a) runs is captured and its plans recorded (EXPLAIN QUERY PLAN on SQLite,
EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL).

With --baseline, (a) again and as it was before (two queries per peer group, bench/experiments.py), with
the indexes the migrations make and then with the indexes as they were before.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = date(2026, 5, 1)  # the data set ends with 2025-26, whatever day the benchmark runs
SITE_CODE = "DEMO-FWR"
NATIONAL_SITES = 230
SKIP_SHARE = 0.96  # about 4% of pairs of site and period are skipped by the generator
ANSWERS_UP_TO = 10_000  # store answers for data sets up to this size
WARM_UP = 5  # untimed runs first: caches, prepared plans, the SQLite page cache


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite", help="sqlite, postgresql, or both: sqlite,postgresql")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--shapes", default="history,sites", help="history, sites, or both")
    parser.add_argument("--runs", type=int, default=30, help="timed runs of site_benchmarks")
    parser.add_argument("--page-runs", type=int, default=10, help="timed requests of the results page")
    parser.add_argument("--json", type=Path, help="write everything measured here")
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="also time the way it was before (bench/experiments.py): per-group counts, the old indexes",
    )
    return parser.parse_args()


def plan_for(shape: str, size: int) -> tuple[int, int]:
    """(national sites, periods) that give about `size` assessments, the 8 demo sites included."""
    from assess.demo import DEMO_SITES

    if shape == "history":
        periods = max(2, round(size / ((NATIONAL_SITES + len(DEMO_SITES)) * SKIP_SHARE)))
        return round((size / periods - len(DEMO_SITES)) / SKIP_SHARE), periods
    periods = 4
    sites = max(20, round((size / periods - len(DEMO_SITES)) / SKIP_SHARE))
    return sites, periods


@contextmanager
def database(kind: str, label: str) -> Iterator[str]:
    os.environ["ASSESS_TEST_DB"] = kind
    from tests.databases import fresh_database

    with tempfile.TemporaryDirectory() as folder, fresh_database(Path(folder), label) as url:
        yield url


class QueryLog:
    """The SQL statements sent while it is on (to count them, and to explain them)."""

    def __init__(self, engine: Any):
        from sqlalchemy import event

        self.on = False
        self.statements: list[tuple[str, Any]] = []
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if self.on:
            self.statements.append((statement, parameters))

    @contextmanager
    def capture(self) -> Iterator[list[tuple[str, Any]]]:
        self.statements = []
        self.on = True
        try:
            yield self.statements
        finally:
            self.on = False


def explain(engine: Any, statement: str, parameters: Any) -> list[str]:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            # (id, parent, notused, detail): indent by depth.
            depth: dict[int, int] = {0: -1}
            lines = []
            for node_id, parent, _, detail in rows:
                depth[node_id] = depth.get(parent, -1) + 1
                lines.append("  " * depth[node_id] + detail)
            return lines
        rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).all()
        return [row[0] for row in rows]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def load(app: Any, shape: str, size: int) -> dict[str, Any]:
    from sqlalchemy import func, select, text

    from assess.demo import DEFAULT_DEMO_PASSWORD, seed_demo
    from assess.demo.national import seed_national
    from assess.extensions import db
    from assess.models import Answer, AssessmentScore, DomainScore
    from assess.services.questionnaires import latest

    sites, periods = plan_for(shape, size)
    with app.app_context():
        started = time.perf_counter()
        seed_demo(latest(), DEFAULT_DEMO_PASSWORD, TODAY)
        summary = seed_national(
            latest(), TODAY, sites=sites, periods=periods, seed=2026, store_answers=size <= ANSWERS_UP_TO
        )
        db.session.commit()  # data functions only flush; the loading command commits, as the CLI does
        loaded_in = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":
            # What autovacuum soon does after a load this size (statistics, and the visibility map that
            # index-only scans need); the app never runs ANALYZE on SQLite, so neither does this.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        counts = {
            "assessments": db.session.scalar(select(func.count()).select_from(AssessmentScore)),
            "domain_scores": db.session.scalar(select(func.count()).select_from(DomainScore)),
            "answers": db.session.scalar(select(func.count()).select_from(Answer)),
        }
        db.session.remove()
    return {"national_sites": sites, "periods": periods, "summary": summary, "load_seconds": loaded_in, **counts}


def time_benchmarks(app: Any, runs: int) -> dict[str, Any]:
    from sqlalchemy import select

    from assess.data import benchmarks as benchmark_data
    from assess.data.benchmarks import get_site_scores
    from assess.extensions import db
    from assess.models import AssessmentScore, Site
    from assess.questionnaire.loader import Registry
    from assess.services.benchmarks import site_benchmarks
    from assess.services.questionnaires import registry

    with app.app_context():
        queries = QueryLog(db.engine)
        site = db.session.scalar(select(Site).where(Site.code == SITE_CODE))
        assert site is not None
        latest_period = max(
            db.session.scalars(select(AssessmentScore.period).where(AssessmentScore.site_id == site.id))
        )
        assessment_id = db.session.scalar(
            select(AssessmentScore.assessment_id)
            .where(AssessmentScore.site_id == site.id, AssessmentScore.period == latest_period)
            .order_by(AssessmentScore.submitted_at.desc())
            .limit(1)
        )
        own = get_site_scores(assessment_id)
        assert own is not None
        reg: Registry = registry()
        definition = reg.get(own.questionnaire_id, own.questionnaire_version)
        min_size = app.config["MIN_PEER_GROUP"]

        def once() -> Any:
            return site_benchmarks(site, own, definition, reg, min_size)

        for _ in range(WARM_UP):
            once()
        with queries.capture() as statements:
            groups = once()
        times = []
        cpu = []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            once()
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        plans = [
            {"sql": statement, "parameters": _jsonable(parameters), "plan": explain(db.engine, statement, parameters)}
            for statement, parameters in statements
            if "domain_scores" in statement or "GROUP BY" in statement.upper()
        ]
        with queries.capture() as trend_statements:
            benchmark_data.get_trend(site, own.questionnaire_id)
        trend_plans = [
            {"sql": statement, "plan": explain(db.engine, statement, parameters)}
            for statement, parameters in trend_statements
        ]
        result = {
            "assessment_id": assessment_id,
            "period": latest_period,
            "groups": [
                {
                    "id": group.decision.group_id,
                    "label": group.decision.label,
                    "peers": len(group.decision.members),
                    "shown": group.decision.shown,
                }
                for group in groups
            ],
            "queries_per_run": len(statements),
            "median_ms": statistics.median(times) * 1000,
            "p95_ms": percentile(times, 0.95) * 1000,
            "min_ms": min(times) * 1000,
            "cpu_median_ms": statistics.median(cpu) * 1000,
            "plans": plans,
            "trend_plans": trend_plans,
        }
        db.session.remove()
    return result


def _jsonable(parameters: Any) -> Any:
    if isinstance(parameters, dict):
        return {key: _jsonable(value) for key, value in parameters.items()}
    if isinstance(parameters, list | tuple):
        return [_jsonable(value) for value in parameters]
    return parameters if isinstance(parameters, int | float | str | type(None)) else str(parameters)


def _timed(function: Any, runs: int, before: Any = None) -> list[float]:
    for _ in range(3):
        if before:
            before()
        function()
    times = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def _summary(times: list[float]) -> dict[str, float]:
    return {
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": percentile(times, 0.95) * 1000,
        "min_ms": min(times) * 1000,
    }


def time_baseline(app: Any, assessment_id: int, runs: int) -> dict[str, Any]:
    """The app's site_benchmarks against the way it was before (bench/experiments.py: two queries per peer
    group), on the same data: first with the indexes the migrations make, then with the indexes as they
    were before migration 5e1a7c3b9d20 (this database is thrown away afterwards)."""
    from unittest import mock

    from sqlalchemy import select

    from assess.benchmarking import group_definition, peer_groups_for
    from assess.data import benchmarks as benchmark_data
    from assess.extensions import db
    from assess.models import Site
    from assess.services.benchmarks import site_attributes, site_benchmarks
    from assess.services.questionnaires import registry
    from bench import experiments

    results: dict[str, Any] = {}
    with app.app_context():
        queries = QueryLog(db.engine)
        site = db.session.scalar(select(Site).where(Site.code == SITE_CODE))
        own = benchmark_data.get_site_scores(assessment_id)
        assert site is not None and own is not None
        reg = registry()
        definition = reg.get(own.questionnaire_id, own.questionnaire_version)
        min_size = app.config["MIN_PEER_GROUP"]
        groups = peer_groups_for(site_attributes(site))

        def build() -> Any:
            return site_benchmarks(site, own, definition, reg, min_size)

        def old_counts(chosen: Any, exclude: Any, period: str, questionnaire_id: str) -> Any:
            """The old per-group counts in the place of get_groups_counts (they compare with the site's own
            attributes, as the catalogue's definitions did)."""
            definitions = [group_definition(group.id) for group in chosen]
            return experiments.per_group(site, definitions, period, questionnaire_id)

        def per_group() -> Any:
            return old_counts(groups, {site.id}, own.period, own.questionnaire_id)

        def together() -> Any:
            return benchmark_data.get_groups_counts(groups, {site.id}, own.period, own.questionnaire_id)

        # The app's one-pass counts are the old per-group counts.
        expected = {group_id: experiments.as_plain(counts) for group_id, counts in per_group().items()}
        assert {group_id: experiments.as_plain(counts) for group_id, counts in together().items()} == expected, (
            "one-pass counts differ from per-group counts"
        )

        def stage(name: str) -> None:
            results[name] = {
                "build_benchmarks": _summary(_timed(build, runs)),
                "group_counts_per_group": _summary(_timed(per_group, runs)),
                "group_counts_one_pass": _summary(_timed(together, runs)),
            }
            with mock.patch.object(benchmark_data, "get_groups_counts", old_counts):
                results[name]["build_benchmarks_per_group"] = _summary(_timed(build, runs))
                with queries.capture() as statements:
                    build()
                results[name]["queries_per_run_per_group"] = len(statements)
                results[name]["plans_per_group"] = [
                    {"sql": sql, "plan": explain(db.engine, sql, parameters)}
                    for sql, parameters in statements
                    if "GROUP BY" in sql.upper()
                ][:2]

        stage("new_indexes")
        experiments.use_old_indexes()
        stage("old_indexes")
        with queries.capture() as statements:
            together()
        results["old_indexes"]["plans_one_pass"] = [
            {"sql": sql, "plan": explain(db.engine, sql, parameters)} for sql, parameters in statements
        ]
        db.session.remove()
    return results


def time_page(app: Any, assessment_id: int, runs: int) -> dict[str, Any]:
    from assess.demo import DEFAULT_DEMO_PASSWORD

    client = app.test_client()
    response = client.post("/sign-in", data={"email": "governor@example.org", "password": DEFAULT_DEMO_PASSWORD})
    assert response.status_code == 302, f"sign-in failed: {response.status_code}"
    path = f"/assessments/{assessment_id}/results"
    for _ in range(3):
        response = client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
    body = response.get_data(as_text=True)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return {
        "median_ms": statistics.median(times) * 1000,
        "min_ms": min(times) * 1000,
        "bytes": len(body),
        "shows_benchmarks": "site_benchmarks(" in (ROOT / "assess/services/results.py").read_text(encoding="utf-8"),
    }


def machine() -> dict[str, Any]:
    import sqlite3

    import sqlalchemy

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")),
        "0",
    )
    return {
        "date": datetime.now().astimezone().isoformat(timespec="minutes"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(int(memory) / 1024 / 1024),
        "python": platform.python_version(),
        "sqlalchemy": sqlalchemy.__version__,
        "sqlite": sqlite3.sqlite_version,
        "system": platform.platform(),
    }


def server_version(app: Any) -> str:
    from sqlalchemy import text

    from assess.extensions import db

    with app.app_context():
        with db.engine.connect() as connection:
            if db.engine.dialect.name == "sqlite":
                return "SQLite " + str(connection.execute(text("select sqlite_version()")).scalar())
            return str(connection.execute(text("select version()")).scalar()).split(" on ")[0]


def run_one(kind: str, shape: str, size: int, args: argparse.Namespace) -> dict[str, Any]:
    from tests.conftest import build_app

    with database(kind, f"bench_{shape}_{size}") as url:
        app = build_app(url, WTF_CSRF_ENABLED=False)
        try:
            before = os.getloadavg()[0]
            loaded = load(app, shape, size)
            benchmarks = time_benchmarks(app, args.runs)
            page = time_page(app, benchmarks["assessment_id"], args.page_runs)
            baseline = time_baseline(app, benchmarks["assessment_id"], args.runs) if args.baseline else None
            return {
                "db": kind,
                "server": server_version(app),
                "shape": shape,
                "size": size,
                "load": loaded,
                "benchmarks": benchmarks,
                "page": page,
                "baseline": baseline,
                "loadavg_before": before,
                "loadavg_after": os.getloadavg()[0],
            }
        finally:
            from assess.extensions import db

            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def main() -> None:
    logging.disable(logging.INFO)  # the migrations' log lines
    args = parse_args()
    kinds = [item.strip() for item in args.db.split(",") if item.strip()]
    sizes = [int(item) for item in args.sizes.split(",")]
    shapes = [item.strip() for item in args.shapes.split(",") if item.strip()]
    results: dict[str, Any] = {"machine": machine(), "runs": args.runs, "page_runs": args.page_runs, "results": []}
    print(
        f"{'db':<10} {'shape':<8} {'size':>7} {'stored':>7} {'load s':>7} {'queries':>7} {'bench med':>9} "
        f"{'p95':>7} {'min':>7} {'cpu':>7} {'page med':>8} {'page min':>8} groups (peers)"
    )
    for kind in kinds:
        for shape in shapes:
            for size in sizes:
                item = run_one(kind, shape, size, args)
                results["results"].append(item)
                bench, page = item["benchmarks"], item["page"]
                groups = ", ".join(
                    f"{group['id']} {group['peers']}{'' if group['shown'] else ' (hidden)'}"
                    for group in bench["groups"]
                )
                print(
                    f"{kind:<10} {shape:<8} {size:>7} {item['load']['assessments']:>7} "
                    f"{item['load']['load_seconds']:>7.1f} {bench['queries_per_run']:>7} "
                    f"{bench['median_ms']:>7.1f}ms {bench['p95_ms']:>5.1f}ms {bench['min_ms']:>5.1f}ms "
                    f"{bench['cpu_median_ms']:>5.1f}ms {page['median_ms']:>6.1f}ms {page['min_ms']:>6.1f}ms {groups}"
                    f"  [load {item['loadavg_before']:.1f}->{item['loadavg_after']:.1f}]",
                    flush=True,
                )
                for stage, found in (item["baseline"] or {}).items():
                    print(
                        f"    {stage:<12} build per group {found['build_benchmarks_per_group']['median_ms']:.1f}ms "
                        f"(min {found['build_benchmarks_per_group']['min_ms']:.1f}, "
                        f"{found['queries_per_run_per_group']} queries) -> one pass "
                        f"{found['build_benchmarks']['median_ms']:.1f}ms "
                        f"(min {found['build_benchmarks']['min_ms']:.1f}); group counts "
                        f"{found['group_counts_per_group']['median_ms']:.1f}ms -> "
                        f"{found['group_counts_one_pass']['median_ms']:.1f}ms",
                        flush=True,
                    )
                if args.json:
                    args.json.parent.mkdir(parents=True, exist_ok=True)
                    args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
