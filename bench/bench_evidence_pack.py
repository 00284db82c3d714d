"""Time the evidence pack PDF of a submitted assessment, cold and warm (issue 11's targets: warm at most 1.5 s,
cold at most 6 s). Not a test: it prints a table and can write what it measured as JSON; docs/benchmarks.md
("Evidence pack") has the results.

    .venv/bin/python bench/bench_evidence_pack.py [--db sqlite|postgresql] [--runs 9] [--cold-runs 3]
        [--site DEMO-FWR] [--json bench/results/evidence-pack.json]

Data: a fresh database built by the migrations, the small demo (8 sites, the demo accounts) and the national
demo data set (230 more sites, 2 periods), as bench/bench_pdf.py, so that the demo prison DEMO-FWR has its
peer groups shown. The pack is that prison's latest submitted assessment. If the demo data has not reviewed
it fully, the benchmark completes the review as an inspector would: a decision with a reason and an internal
note on every area not yet decided, a judgement with a summary if there is none, and two more queries (one
disputed by the site with evidence, then resolved), so every section of the pack is filled. PostgreSQL needs
TEST_DATABASE_URL, as the test suite does.

Measured (what the download route does on a cache miss: gather the pack, its cache key, the HTML, the PDF):
- cold: the first pack in a new process (a subprocess per run), so the WeasyPrint render process starts within
  the time; median over --cold-runs processes;
- warm: --runs packs in one process after a warm-up pack (render process running, cache bypassed): median,
  min, max and the median of each stage (gather: results, benchmarks, review, validation, queries, history;
  key; html: the template; pdf: from sending the HTML to the render process to having the PDF;
  render_in_worker: the render inside the render process; render_cpu: its CPU time, which moves much less
  than wall-clock time with the machine's load), for the inspector's copy and the site's copy;
- cache hit: the download route through the test client, signed in as the demo prisons inspector, once the
  pack is cached (median of --runs).
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = date(2026, 5, 1)  # the data set ends with 2025-26, whatever day the benchmark runs
NATIONAL_SITES = 230
PERIODS = 2
INSPECTOR = "inspector@example.org"  # the demo prisons inspector


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite", choices=("sqlite", "postgresql"))
    parser.add_argument("--runs", type=int, default=9, help="warm packs (and cache hits) per copy")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold packs (one new process each)")
    parser.add_argument("--site", default="DEMO-FWR")
    parser.add_argument("--json", type=Path, help="write everything measured here")
    parser.add_argument("--child-cold", nargs=2, metavar=("URL", "ASSESSMENT"), help=argparse.SUPPRESS)
    return parser.parse_args()


@contextmanager
def database(kind: str) -> Iterator[str]:
    os.environ["ASSESS_TEST_DB"] = kind
    from tests.databases import fresh_database

    with tempfile.TemporaryDirectory() as folder, fresh_database(Path(folder), "packbench") as url:
        yield url


def make_app(url: str, migrate: bool) -> Any:
    from assess import create_app
    from assess.config import test_config

    if migrate:
        from tests.conftest import build_app

        return build_app(url, WTF_CSRF_ENABLED=False, REPORT_TIME_LIMIT=600)
    config = test_config(url)
    config.update(WTF_CSRF_ENABLED=False, REPORT_TIME_LIMIT=600)
    return create_app(config)


def review_fully(assessment: Any) -> None:
    """Complete the review as an inspector would leave it (on top of whatever the demo data holds): every area
    decided (a reason and an internal note for each), a judgement with a summary, two queries."""
    from assess.data import queries as query_data
    from assess.data import reviews
    from assess.data.users import get_user_by_email
    from assess.scoring import score_assessment
    from assess.services.questionnaires import definition_for

    inspector = get_user_by_email(INSPECTOR)
    governor = assessment.submitted_by
    assert inspector is not None and governor is not None
    definition = definition_for(assessment.questionnaire_id, assessment.questionnaire_version)
    levels = {item.domain_id: item.level for item in score_assessment(definition, assessment.answer_map()).domains}
    decided = reviews.get_validations(assessment.id) if reviews.get_review(assessment.id) else {}
    for number, domain in enumerate(definition.domains):
        if domain.id in decided:
            continue
        level = levels.get(domain.id)
        if level is not None and level > 0 and number % 3 == 0:
            decision, validated, reason = "lower", level - 1, "The evidence seen supports the level below. " * 3
        elif level is not None and level < definition.top_level and number % 3 == 1:
            decision, validated, reason = "raise", level + 1, "Focus groups described more than the answers. " * 3
        else:
            decision, validated, reason = "agree", level, ""
        reviews.save_validation(
            assessment,
            inspector,
            domain.id,
            decision=decision,
            self_level=level,
            validated_level=validated,
            reason=reason.strip(),
            internal_note=f"Internal: follow up {domain.title.lower()} with the council chair at the visit.",
            expected_version=0,
        )
    review = reviews.get_review(assessment.id)
    assert review is not None
    if not review.summary:
        reviews.save_summary(
            assessment,
            inspector,
            confidence="partly confident",
            summary="A careful self-assessment; some areas generous, others modest. " * 4,
            internal_note="Internal: the deputy governor to be interviewed first.",
            expected_version=review.version,
        )
    areas = [domain.id for domain in definition.domains]
    query = query_data.raise_query(
        assessment, inspector, areas[:2], "Please send the council's minutes.", TODAY + timedelta(days=14)
    )
    query = query_data.step_query(
        query, governor, "disagree", "The council met monthly.", "Minutes of twelve meetings.", query.version
    )
    query_data.step_query(query, inspector, "resolved", "The minutes settle it.", None, query.version)
    query_data.raise_query(assessment, inspector, areas[5:6], "Who checks on council members?", TODAY)


def load(app: Any, site_code: str) -> int:
    from sqlalchemy import select

    from assess.demo import DEFAULT_DEMO_PASSWORD, seed_demo
    from assess.demo.national import seed_national
    from assess.extensions import db
    from assess.models import Assessment, Site
    from assess.services.questionnaires import latest

    with app.test_request_context():
        seed_demo(latest(), DEFAULT_DEMO_PASSWORD, TODAY)
        seed_national(latest(), TODAY, sites=NATIONAL_SITES, periods=PERIODS, seed=2026)
        db.session.commit()
        site = db.session.scalar(select(Site).where(Site.code == site_code))
        assert site is not None, site_code
        assessment = db.session.scalars(
            select(Assessment)
            .where(Assessment.site_id == site.id, Assessment.status == "submitted")
            .order_by(Assessment.period.desc(), Assessment.submitted_at.desc())
            .limit(1)
        ).first()
        assert assessment is not None
        review_fully(assessment)
        db.session.commit()
        assessment_id = assessment.id
        db.session.remove()
    return int(assessment_id)


def one_pack(app: Any, assessment_id: int, internal: bool) -> dict[str, Any]:
    """What the route does on a cache miss, timed by stage."""
    from assess.data.assessments import get_assessment
    from assess.extensions import db
    from assess.packs import build
    from assess.services.evidence_pack import evidence_pack

    with app.test_request_context():
        started = time.perf_counter()
        build.warm_up()  # as the route: the render process starts (once) while the pack is gathered
        assessment = get_assessment(assessment_id)
        assert assessment is not None
        pack = evidence_pack(assessment, internal=internal, today=TODAY)
        gathered = time.perf_counter()
        build.cache_key(pack)
        keyed = time.perf_counter()
        stages: dict[str, float] = {}
        rendered = build.make_pdf(pack, timings=stages)
        total = time.perf_counter() - started
        db.session.remove()
    return {
        "seconds": total,
        "gather": gathered - started,
        "key": keyed - gathered,
        "html": stages["html"],
        "pdf": stages["pdf"],
        "render_in_worker": rendered.seconds,
        "render_cpu": rendered.cpu_seconds,
        "html_bytes": int(stages["html_bytes"]),
        "bytes": len(rendered.pdf),
        "pages": len(PdfReader(io.BytesIO(rendered.pdf)).pages),
        "areas": len(pack.areas),
        "queries": len(pack.queries),
        "history_events": len(pack.history),
    }


def child_cold(url: str, assessment_id: int) -> None:
    """One cold pack in this new process; prints one JSON line."""
    logging.disable(logging.WARNING)
    started = time.perf_counter()
    app = make_app(url, migrate=False)
    app_ready = time.perf_counter() - started
    result = one_pack(app, assessment_id, internal=True)
    result["app_start"] = app_ready
    print(json.dumps(result), flush=True)
    from assess.pdf import render as pdf

    pdf.worker().stop()


def cold_runs(url: str, assessment_id: int, runs: int) -> list[dict[str, Any]]:
    results = []
    for _ in range(runs):
        output = subprocess.run(
            [sys.executable, __file__, "--child-cold", url, str(assessment_id)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    return results


def warm_runs(app: Any, assessment_id: int, internal: bool, runs: int) -> dict[str, Any]:
    one_pack(app, assessment_id, internal)  # warm-up (and starts the render process)
    packs = [one_pack(app, assessment_id, internal) for _ in range(runs)]
    stages = ("gather", "key", "html", "pdf", "render_in_worker", "render_cpu")
    return {
        "runs": packs,
        "median": statistics.median(item["seconds"] for item in packs),
        "min": min(item["seconds"] for item in packs),
        "max": max(item["seconds"] for item in packs),
        "stage_medians": {stage: statistics.median(item[stage] for item in packs) for stage in stages},
        "pages": packs[0]["pages"],
        "bytes": packs[0]["bytes"],
        "history_events": packs[0]["history_events"],
        "queries": packs[0]["queries"],
    }


def cache_hits(app: Any, assessment_id: int, runs: int, cache_dir: Path) -> dict[str, Any]:
    from assess.demo import DEFAULT_DEMO_PASSWORD

    app.config["REPORT_CACHE_DIR"] = str(cache_dir)
    client = app.test_client()
    signed_in = client.post("/sign-in", data={"email": INSPECTOR, "password": DEFAULT_DEMO_PASSWORD})
    assert signed_in.status_code == 302, signed_in.status_code
    url = f"/assessments/{assessment_id}/evidence-pack.pdf"
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
    from importlib import metadata

    lines = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in lines if "model name" in line), platform.processor())
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "weasyprint": metadata.version("weasyprint"),
        "date": datetime.now(UTC).isoformat(timespec="minutes"),
    }


def main() -> None:
    args = parse_args()
    if args.child_cold:
        url, assessment_id = args.child_cold
        child_cold(url, int(assessment_id))
        return
    logging.disable(logging.WARNING)
    results: dict[str, Any] = {"machine": machine(), "db": args.db, "site": args.site}
    with database(args.db) as url:
        started = time.perf_counter()
        app = make_app(url, migrate=True)
        assessment_id = load(app, args.site)
        print(f"data loaded in {time.perf_counter() - started:.1f} s; {args.site} assessment {assessment_id}")
        load_before = os.getloadavg()[0]
        cold = cold_runs(url, assessment_id, args.cold_runs)
        inspector = warm_runs(app, assessment_id, True, args.runs)
        site = warm_runs(app, assessment_id, False, args.runs)
        with tempfile.TemporaryDirectory() as cache_dir:
            hits = cache_hits(app, assessment_id, args.runs, Path(cache_dir))
        load_after = os.getloadavg()[0]
        results.update(
            cold=cold,
            cold_median=statistics.median(run["seconds"] for run in cold),
            warm_inspector=inspector,
            warm_site=site,
            cache_hit=hits,
            loadavg=[load_before, load_after],
        )
        cold_list = ", ".join(f"{run['seconds']:.2f}" for run in cold)
        for label, warm in (("inspector's copy", inspector), ("site's copy", site)):
            stages = ", ".join(f"{name} {value:.3f}" for name, value in warm["stage_medians"].items())
            print(
                f"{label:<17} pages {warm['pages']:>3}  {warm['bytes'] // 1024} KiB  "
                f"warm median {warm['median']:.2f} s (min {warm['min']:.2f}, max {warm['max']:.2f})\n"
                f"                  warm stages (median s): {stages}",
                flush=True,
            )
        print(
            f"cold (inspector's copy) median {results['cold_median']:.2f} s ({cold_list}); "
            f"cache hit {hits['median'] * 1000:.0f} ms; queries {inspector['queries']}, history events "
            f"{inspector['history_events']}; load average {load_before:.2f} -> {load_after:.2f}",
            flush=True,
        )
        from assess.pdf import render as pdf

        pdf.worker().stop()
        with app.app_context():
            from assess.extensions import db

            db.session.remove()
            db.engine.dispose()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
