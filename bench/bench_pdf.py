"""Time the PDF report of an assessment, cold and warm, and measure its peak memory. Not a test: it prints a
table and can write what it measured as JSON. docs/benchmarks.md ("PDF report") has the results.

    .venv/bin/python bench/bench_pdf.py [--db sqlite|postgresql] [--runs 7] [--cold-runs 3]
        [--site DEMO-FWR] [--groups chosen,all] [--json bench/results/pdf.json]

Data: a fresh database built by the migrations, the small demo (8 sites, the demo accounts) and the national
demo data set (230 more sites, 2 periods), so that the demo governor's prison DEMO-FWR has every peer group
(national, region, category, function, population band: 5 shown groups). The report is that prison's for
the latest period. PostgreSQL needs TEST_DATABASE_URL, as the test suite does.

Two reports:
- chosen: the results page's default: since issue 13 a 12-page report whose first page's chart is drawn by the
  app (strips, no Chromium), the printed charts of one peer group (range and levels: 2 charts) and the site's
  overall trend (1 chart: DEMO-FWR has two periods), the other groups in a table: 3 exported charts;
- all: `?group=all`, the printed charts of every shown group (10 for DEMO-FWR) and the trend: 11 charts.

Measured (what the download route does on a cache miss: gather, cache key, charts, HTML, PDF):
- cold: the first report in a new process (a subprocess per run), so Chromium (the chart exporter) and
  the WeasyPrint render process start within the time; median over --cold-runs processes. Each cold
  process also reports its peak memory: its own ru_maxrss, the render process's VmHWM and the sum of the
  Chromium processes' VmHWM (from /proc);
- warm: --runs reports in one process after a warm-up report (exporter and render process running,
  report cache bypassed): median, min, max, and the median of each stage (gather: score and benchmarks;
  key; chromium_wait: waiting for the exporter to be ready; html: building the figures and the template;
  pdf: from sending the HTML to the render process to having the PDF, which includes charts: exporting
  the figures to SVG, done while the render process parses the HTML; render_in_worker: the render inside
  the render process; render_cpu: its CPU time; app_cpu: the app process's CPU time: wall-clock
  times move with the machine's load, CPU times much less); tracemalloc's peak of Python allocations in
  the app process during one warm report;
- cache hit: the download route through the test client once the report is cached (median of --runs).
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = date(2026, 5, 1)  # the data set ends with 2025-26, whatever day the benchmark runs
NATIONAL_SITES = 230
PERIODS = 2


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite", choices=("sqlite", "postgresql"))
    parser.add_argument("--runs", type=int, default=7, help="warm reports (and cache hits) per variant")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold reports (one new process each)")
    parser.add_argument("--site", default="DEMO-FWR")
    parser.add_argument("--groups", default="chosen,all", help="chosen, all, or both")
    parser.add_argument("--json", type=Path, help="write everything measured here")
    parser.add_argument("--child-cold", nargs=3, metavar=("URL", "ASSESSMENT", "GROUP"), help=argparse.SUPPRESS)
    return parser.parse_args()


@contextmanager
def database(kind: str) -> Iterator[str]:
    os.environ["ASSESS_TEST_DB"] = kind
    from tests.databases import fresh_database

    with tempfile.TemporaryDirectory() as folder, fresh_database(Path(folder), "pdfbench") as url:
        yield url


def make_app(url: str, migrate: bool) -> Any:
    from assess import create_app
    from assess.config import test_config
    from assess.reports.routes import bp

    if migrate:
        from tests.conftest import build_app

        app = build_app(url, WTF_CSRF_ENABLED=False, REPORT_TIME_LIMIT=600)
    else:
        config = test_config(url)
        config.update(WTF_CSRF_ENABLED=False, REPORT_TIME_LIMIT=600)
        app = create_app(config)
    if "reports" not in app.blueprints:
        app.register_blueprint(bp)
    return app


def load(app: Any, site_code: str) -> int:
    from sqlalchemy import select

    from assess.demo import DEFAULT_DEMO_PASSWORD, seed_demo
    from assess.demo.national import seed_national
    from assess.extensions import db
    from assess.models import Assessment, Site
    from assess.services.questionnaires import latest

    with app.app_context():
        seed_demo(latest(), DEFAULT_DEMO_PASSWORD, TODAY)
        seed_national(latest(), TODAY, sites=NATIONAL_SITES, periods=PERIODS, seed=2026)
        db.session.commit()
        site = db.session.scalar(select(Site).where(Site.code == site_code))
        assert site is not None, site_code
        assessment_id = db.session.scalar(
            select(Assessment.id)
            .where(Assessment.site_id == site.id, Assessment.status == "submitted")
            .order_by(Assessment.period.desc(), Assessment.submitted_at.desc())
            .limit(1)
        )
        db.session.remove()
    assert assessment_id is not None
    return int(assessment_id)


def one_report(app: Any, assessment_id: int, group: str | None) -> dict[str, Any]:
    """What the route does on a cache miss, timed by stage."""
    from assess.data.assessments import get_assessment
    from assess.extensions import db
    from assess.reports import build

    with app.test_request_context():
        started, cpu_started = time.perf_counter(), time.process_time()
        build.warm_up(charts=False)  # as the route: the render process now, Chromium once charts are known
        assessment = get_assessment(assessment_id)
        assert assessment is not None
        data = build.gather(assessment, group)
        gathered = time.perf_counter()
        build.cache_key(data)
        keyed = time.perf_counter()
        stages: dict[str, float] = {}
        rendered = build.make_pdf(data, timings=stages)
        total = time.perf_counter() - started
        app_cpu = time.process_time() - cpu_started  # includes the exporter thread (mostly waiting)
        db.session.remove()
    return {
        "seconds": total,
        "gather": gathered - started,
        "key": keyed - gathered,
        **stages,
        "render_in_worker": rendered.seconds,
        "render_cpu": rendered.cpu_seconds,
        "app_cpu": app_cpu,
        "chart_count": data.chart_count,
        "bytes": len(rendered.pdf),
        "pages": len(PdfReader(io.BytesIO(rendered.pdf)).pages),
    }


def proc_status(pid: int, field: str) -> int:
    """A /proc/<pid>/status value in KiB (0 when the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss_kib(pid: int) -> int:
    """Proportional set size now (shared pages divided among the processes sharing them)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def child_cold(url: str, assessment_id: int, group: str) -> None:
    """One cold report in this new process, then its memory; prints one JSON line."""
    logging.disable(logging.WARNING)
    app = make_app(url, migrate=False)
    result = one_report(app, assessment_id, None if group == "chosen" else group)
    from assess.pdf import render as pdf

    worker = pdf.worker().process
    worker_pid = worker.pid if worker is not None else -1
    chromium = [pid for pid in descendants(os.getpid()) if pid != worker_pid]
    result["memory_mib"] = {
        "app_process_maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "render_process_peak": proc_status(worker_pid, "VmHWM") / 1024,
        "chromium_processes_peak_sum": sum(proc_status(pid, "VmHWM") for pid in chromium) / 1024,
        "chromium_processes_pss_now": sum(pss_kib(pid) for pid in chromium) / 1024,
        "render_process_pss_now": pss_kib(worker_pid) / 1024,
        "app_process_pss_now": pss_kib(os.getpid()) / 1024,
        "chromium_processes": len(chromium),
    }
    print(json.dumps(result), flush=True)


def cold_runs(url: str, assessment_id: int, group: str, runs: int) -> list[dict[str, Any]]:
    results = []
    for _ in range(runs):
        output = subprocess.run(
            [sys.executable, __file__, "--child-cold", url, str(assessment_id), group],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    return results


def warm_runs(app: Any, assessment_id: int, group: str, runs: int) -> dict[str, Any]:
    chosen = None if group == "chosen" else group
    one_report(app, assessment_id, chosen)  # warm-up (and starts the exporter and render process)
    reports = [one_report(app, assessment_id, chosen) for _ in range(runs)]
    tracemalloc.start()
    one_report(app, assessment_id, chosen)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    stages = ("gather", "key", "chromium_wait", "charts", "html", "pdf", "render_in_worker", "render_cpu", "app_cpu")
    return {
        "runs": reports,
        "median": statistics.median(item["seconds"] for item in reports),
        "min": min(item["seconds"] for item in reports),
        "max": max(item["seconds"] for item in reports),
        "stage_medians": {stage: statistics.median(item[stage] for item in reports) for stage in stages},
        "tracemalloc_peak_mib": peak / 1024 / 1024,
        "chart_count": reports[0]["chart_count"],
        "pages": reports[0]["pages"],
        "bytes": reports[0]["bytes"],
    }


def cache_hits(app: Any, assessment_id: int, group: str, runs: int, cache_dir: Path) -> dict[str, Any]:
    from assess.demo import DEFAULT_DEMO_PASSWORD

    app.config["REPORT_CACHE_DIR"] = str(cache_dir)
    client = app.test_client()
    client.post("/sign-in", data={"email": "governor@example.org", "password": DEFAULT_DEMO_PASSWORD})
    query = "" if group == "chosen" else f"?group={group}"
    url = f"/assessments/{assessment_id}/report.pdf{query}"
    first = client.get(url)
    assert first.status_code == 200 and first.headers["X-Report-Cache"] == "miss", first.status_code
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.headers["X-Report-Cache"] == "hit" and response.get_data() == first.get_data()
    return {"median": statistics.median(times), "max": max(times)}


def machine() -> dict[str, Any]:
    import platform

    import kaleido
    import plotly

    lines = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in lines if "model name" in line), platform.processor())
    chromium = subprocess.run(["chromium", "--version"], capture_output=True, text=True).stdout.strip()
    from importlib import metadata

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "weasyprint": metadata.version("weasyprint"),
        "plotly": plotly.__version__,
        "kaleido": getattr(kaleido, "__version__", metadata.version("kaleido")),
        "chromium": chromium,
    }


def main() -> None:
    args = parse_args()
    if args.child_cold:
        url, assessment_id, group = args.child_cold
        child_cold(url, int(assessment_id), group)
        return
    logging.disable(logging.WARNING)
    groups = [item.strip() for item in args.groups.split(",") if item.strip()]
    results: dict[str, Any] = {"machine": machine(), "db": args.db, "site": args.site, "variants": {}}
    with database(args.db) as url:
        started = time.perf_counter()
        app = make_app(url, migrate=True)
        assessment_id = load(app, args.site)
        print(f"data loaded in {time.perf_counter() - started:.1f} s; {args.site} assessment {assessment_id}")
        for group in groups:
            load_before = os.getloadavg()[0]
            cold = cold_runs(url, assessment_id, group, args.cold_runs)
            warm = warm_runs(app, assessment_id, group, args.runs)
            with tempfile.TemporaryDirectory() as cache_dir:
                hits = cache_hits(app, assessment_id, group, args.runs, Path(cache_dir))
            load_after = os.getloadavg()[0]
            item = {
                "cold": cold,
                "cold_median": statistics.median(run["seconds"] for run in cold),
                "warm": warm,
                "cache_hit": hits,
                "loadavg": [load_before, load_after],
            }
            results["variants"][group] = item
            memory = max(cold, key=lambda run: run["memory_mib"]["app_process_maxrss"])["memory_mib"]
            stages = ", ".join(f"{name} {value:.2f}" for name, value in warm["stage_medians"].items())
            cold_list = ", ".join(f"{run['seconds']:.2f}" for run in cold)
            print(
                f"{group:<7} charts {warm['chart_count']:>2}  pages {warm['pages']:>3}  "
                f"cold median {item['cold_median']:.2f} s ({cold_list})  "
                f"warm median {warm['median']:.2f} s (min {warm['min']:.2f}, max {warm['max']:.2f})  "
                f"cache hit {hits['median'] * 1000:.0f} ms\n"
                f"        warm stages (median s): {stages}\n"
                f"        memory (MiB): app process max RSS {memory['app_process_maxrss']:.0f}, render process peak "
                f"{memory['render_process_peak']:.0f}, Chromium {memory['chromium_processes']} processes: peak RSS sum "
                f"{memory['chromium_processes_peak_sum']:.0f}, PSS now {memory['chromium_processes_pss_now']:.0f}; "
                f"tracemalloc peak (warm) "
                f"{warm['tracemalloc_peak_mib']:.1f}\n"
                f"        load average {load_before:.2f} -> {load_after:.2f}",
                flush=True,
            )
        from assess.pdf import render as pdf
        from assess.pdf import svg

        svg.exporter().stop()
        pdf.worker().stop()
        with app.app_context():
            from assess.extensions import db

            db.session.remove()
            db.engine.dispose()
    results["machine"]["loadavg_end"] = os.getloadavg()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
