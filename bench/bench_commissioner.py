"""Time the commissioner's area overview and matrix for a 30-site area with 1,000, 10,000 and 100,000 stored
submitted assessments, on SQLite and PostgreSQL, and the area's board pack PDF warm and cold (issue 12's targets:
overview and matrix median server time at most 100 ms each, at 100,000 no more than twice the time at 1,000, the
number of statements not growing with the number of sites; the PDF warm at most 2 s, cold at most 6 s). Not a
test: it prints a table and, with --json, writes everything it measured. docs/benchmarks.md has the results.

    .venv/bin/python bench/bench_commissioner.py [--db sqlite|postgresql|sqlite,postgresql]
        [--sizes 1000,10000,100000] [--runs 20] [--pdf-sizes 10000] [--pdf-runs 7] [--cold-runs 3]
        [--json bench/results/commissioner.json]

Data, for each database and size: a fresh database built by the migrations, the small demo and the national demo
data in the "history" shape of bench_benchmarks.py (about 238 sites, as many annual periods as the size needs),
the reviews and queries of bench_inspector.py at volume (a quarter of the submitted assessments reviewed, half of
those final; a tenth queried), and two areas: BENCH-30 (20 prisons and 10 probation delivery units, the first by
code) and BENCH-10 (7 and 3 of them), each with its own commissioner, and two assurance decisions on every site of
BENCH-30 (the first superseded; a third of them due for revisit). PostgreSQL needs TEST_DATABASE_URL, as the test
suite does.

Timed through the Flask test client, signed in as the area's commissioner: 3 untimed requests, then --runs timed
(median and best), and the SQL statements of one more request:
- overview: GET /areas/BENCH-30 (this year: the app's today, a year the data set has almost nothing for);
- overview, last year: GET /areas/BENCH-30?period=2025-26 (every site has a result: the national comparison full);
- matrix: GET /areas/BENCH-30/matrix;
- board pack CSV: GET /areas/BENCH-30/board-pack.csv.
Each is also requested for BENCH-10, to compare the number of statements.

The board pack PDF (named, BENCH-30) for the --pdf-sizes: warm, --pdf-runs packs in this process after a warm-up
one (Chromium and the render process running, cache bypassed: what the route does on a miss: gather, key, HTML,
charts, PDF), median, best and worst, with the stages and the render process's CPU time; cold, the first pack in a
new process (one subprocess per run; creating the app is not counted, starting Chromium and the render process
is), median of --cold-runs.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_benchmarks import QueryLog, database, load  # noqa: E402
from bench_inspector import add_reviews_and_queries  # noqa: E402

PASSWORD = "correct-Horse-battery-staple-42"
AREAS = {"BENCH-30": (20, 10), "BENCH-10": (7, 3)}  # code: (prisons, probation delivery units)
DATA_PERIOD = "2025-26"  # the data set's latest year (bench_benchmarks.TODAY)
PAGES = {
    "overview": "",
    "overview, last year": f"?period={DATA_PERIOD}",
    "matrix": "/matrix",
    "board CSV": "/board-pack.csv",
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--pdf-sizes", default="10000", help="sizes at which to time the PDF ('' for none)")
    parser.add_argument("--pdf-runs", type=int, default=7)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child-cold", nargs=2, metavar=("URL", "AREA"), help=argparse.SUPPRESS)
    return parser.parse_args()


def commissioner_email(code: str) -> str:
    return f"{code.lower()}@example.org"


def add_areas(app: Any) -> dict[str, int]:
    """BENCH-30 and BENCH-10, their commissioners, and assurance decisions on BENCH-30's sites."""
    from sqlalchemy import select

    from assess.data.areas import AreaRow, get_area_by_code, upsert_areas
    from assess.data.assurance import record_decision
    from assess.data.users import create_or_update_user
    from assess.extensions import db
    from assess.models import Site

    with app.app_context():
        chosen: dict[str, list[str]] = {}
        for kind in ("prison", "probation"):
            chosen[kind] = list(
                db.session.scalars(
                    select(Site.code).where(Site.kind == kind, Site.code.not_like("DEMO-%")).order_by(Site.code)
                )
            )
        rows = [
            AreaRow(
                code,
                f"Bench area {code[-2:]}",
                "contract",
                tuple(chosen["prison"][:prisons] + chosen["probation"][:units]),
            )
            for code, (prisons, units) in AREAS.items()
        ]
        upsert_areas(rows)
        db.session.commit()
        decisions = 0
        for code in AREAS:
            area = get_area_by_code(code)
            assert area is not None and len(area.sites) == sum(AREAS[code]), code
            user = create_or_update_user(
                commissioner_email(code), f"Commissioner {code}", "commissioner", PASSWORD, [], areas=[area]
            )
            if code != "BENCH-30":
                continue
            today = date.today()
            for number, site in enumerate(area.sites):
                for step, outcome in enumerate(("partly assured", "assured" if number % 2 else "not assured")):
                    record_decision(
                        site,
                        user,
                        area=area,
                        domain_id=None,
                        outcome=outcome,
                        questions="Who chairs the council?" if step else "",
                        rationale=f"Bench rationale {number}-{step}: minutes seen, council met as described.",
                        revisit_on=today + timedelta(days=10 if number % 3 == 0 else 120),
                    )
                    decisions += 1
        db.session.commit()
        db.session.remove()
    return {"decisions": decisions}


def measure(client: Any, app: Any, url: str, runs: int) -> dict[str, Any]:
    from assess.extensions import db

    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    with app.app_context():
        log = QueryLog(db.engine)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with log.capture() as statements:
        client.get(url)
    return {"median_ms": statistics.median(times), "best_ms": min(times), "statements": len(statements)}


def signed_in(app: Any, code: str) -> Any:
    client = app.test_client()
    response = client.post("/sign-in", data={"email": commissioner_email(code), "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def time_pages(app: Any, runs: int) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for code in AREAS:
        client = signed_in(app, code)
        for page, suffix in PAGES.items():
            found[f"{code} {page}"] = measure(client, app, f"/areas/{code}{suffix}", runs if code == "BENCH-30" else 3)
    return found


# -- The board pack PDF ---------------------------------------------------------------------------------------------


def one_pdf(app: Any, area_code: str) -> dict[str, Any]:
    """What the route does on a cache miss, timed by stage (named pack, the commissioner's view)."""
    from pypdf import PdfReader

    from assess.commissioner import board_build as build
    from assess.data.areas import get_area_by_code
    from assess.extensions import db
    from assess.services.board_pack import NAMED, board_pack

    with app.test_request_context():
        started = time.perf_counter()
        build.warm_up()
        area = get_area_by_code(area_code)
        assert area is not None
        pack = board_pack(
            area,
            variant=NAMED,
            period=None,
            today=date.today(),
            visible_site_ids=[site.id for site in area.sites],
            min_size=app.config["MIN_PEER_GROUP"],
            secret=app.config["SECRET_KEY"],
        )
        gathered = time.perf_counter()
        build.cache_key(pack)
        keyed = time.perf_counter()
        stages: dict[str, float] = {}
        rendered = build.make_pdf(pack, timings=stages)
        total = time.perf_counter() - started
        db.session.remove()
    import io

    return {
        "seconds": total,
        "gather": gathered - started,
        "key": keyed - gathered,
        **stages,
        "render_in_worker": rendered.seconds,
        "render_cpu": rendered.cpu_seconds,
        "chart_count": rendered.charts,
        "bytes": len(rendered.pdf),
        "pages": len(PdfReader(io.BytesIO(rendered.pdf)).pages),
    }


def make_app(url: str, migrate: bool) -> Any:
    from assess import create_app
    from assess.config import test_config

    if migrate:
        from tests.conftest import build_app

        return build_app(url, WTF_CSRF_ENABLED=False, REPORT_TIME_LIMIT=600)
    config = test_config(url)
    config.update(WTF_CSRF_ENABLED=False, REPORT_TIME_LIMIT=600)
    return create_app(config)


def child_cold(url: str, area_code: str) -> None:
    logging.disable(logging.WARNING)
    started = time.perf_counter()
    app = make_app(url, migrate=False)
    app_ready = time.perf_counter() - started
    result = one_pdf(app, area_code)
    result["app_start"] = app_ready
    print(json.dumps(result), flush=True)
    from assess.pdf import render as pdf
    from assess.pdf import svg

    svg.exporter().stop()
    pdf.worker().stop()


def time_pdf(app: Any, url: str, runs: int, cold_runs: int) -> dict[str, Any]:
    cold = []
    for _ in range(cold_runs):
        output = subprocess.run(
            [sys.executable, __file__, "--child-cold", url, "BENCH-30"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ},
        ).stdout
        cold.append(json.loads(output.strip().splitlines()[-1]))
    one_pdf(app, "BENCH-30")  # warm-up: Chromium and the render process start
    warm = [one_pdf(app, "BENCH-30") for _ in range(runs)]
    stages = ("gather", "key", "html", "charts", "pdf", "render_in_worker", "render_cpu")
    return {
        "cold": cold,
        "cold_median": statistics.median(run["seconds"] for run in cold) if cold else None,
        "warm": warm,
        "warm_median": statistics.median(run["seconds"] for run in warm),
        "warm_min": min(run["seconds"] for run in warm),
        "warm_max": max(run["seconds"] for run in warm),
        "stage_medians": {stage: statistics.median(run[stage] for run in warm) for stage in stages},
        "pages": warm[0]["pages"],
        "charts": warm[0]["chart_count"],
        "bytes": warm[0]["bytes"],
    }


# -- Running --------------------------------------------------------------------------------------------------------


def run(kind: str, size: int, args: argparse.Namespace, with_pdf: bool) -> dict[str, Any]:
    with database(kind, f"commissioner{size}") as url:
        app = make_app(url, migrate=True)
        loaded = load(app, "history", size)
        reviewed = add_reviews_and_queries(app)
        decided = add_areas(app)
        load_before = os.getloadavg()[0]
        pages = time_pages(app, args.runs)
        pdf_results = time_pdf(app, url, args.pdf_runs, args.cold_runs) if with_pdf else None
        load_after = os.getloadavg()[0]
        from assess.pdf import render as pdf
        from assess.pdf import svg

        svg.exporter().stop()
        pdf.worker().stop()
        with app.app_context():
            from assess.extensions import db

            db.session.remove()
            db.engine.dispose()
    return {
        "db": kind,
        "size": size,
        "stored": loaded["assessments"],
        "periods": loaded["periods"],
        "reviewed": reviewed,
        **decided,
        "pages": pages,
        "pdf": pdf_results,
        "loadavg": [load_before, load_after],
    }


def machine() -> dict[str, Any]:
    import platform

    lines = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in lines if "model name" in line), platform.processor())
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "date": datetime.now(UTC).isoformat(timespec="minutes"),
    }


def main() -> None:
    args = parse_args()
    if args.child_cold:
        url, area_code = args.child_cold
        child_cold(url, area_code)
        return
    logging.disable(logging.WARNING)
    pdf_sizes = {int(value) for value in args.pdf_sizes.split(",") if value}
    results: dict[str, Any] = {"machine": machine(), "runs": []}
    header = f"{'db':<11}{'size':>7}{'stored':>8}  " + "  ".join(f"{page:>26}" for page in PAGES) + "   SQL 10 vs 30"
    print(header)
    for kind in args.db.split(","):
        for size in (int(value) for value in args.sizes.split(",")):
            row = run(kind, size, args, size in pdf_sizes)
            results["runs"].append(row)
            cells = []
            for page in PAGES:
                found = row["pages"][f"BENCH-30 {page}"]
                cells.append(f"{found['median_ms']:>8.1f} ms (best {found['best_ms']:>6.1f}) {found['statements']:>3}")
            counts = ", ".join(
                f"{row['pages'][f'BENCH-10 {page}']['statements']}/{row['pages'][f'BENCH-30 {page}']['statements']}"
                for page in PAGES
            )
            load = f"load {row['loadavg'][0]:.1f}->{row['loadavg'][1]:.1f}"
            print(f"{kind:<11}{size:>7}{row['stored']:>8}  " + "  ".join(cells) + f"   {counts}   {load}", flush=True)
            if row["pdf"]:
                found = row["pdf"]
                stages = ", ".join(f"{name} {value:.2f}" for name, value in found["stage_medians"].items())
                cold = ", ".join(f"{run['seconds']:.2f}" for run in found["cold"])
                print(
                    f"    board pack PDF: {found['pages']} pages, {found['charts']} charts, "
                    f"{found['bytes'] // 1024} KiB; "
                    f"warm median {found['warm_median']:.2f} s (best {found['warm_min']:.2f}, worst "
                    f"{found['warm_max']:.2f}); stages {stages}; cold median "
                    f"{found['cold_median'] if found['cold_median'] is None else round(found['cold_median'], 2)} s "
                    f"({cold})",
                    flush=True,
                )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
