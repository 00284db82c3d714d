"""Time the inspector's caseload and comparison pages with 1,000, 10,000 and 100,000 stored submitted
assessments, on SQLite and PostgreSQL (issue 11's targets: median server time at most 100 ms each, and at
100,000 no more than twice the time at 1,000). Not a test: it prints a table; docs/benchmarks.md has the
results.

    .venv/bin/python bench/bench_inspector.py [--db sqlite|postgresql|sqlite,postgresql]
        [--sizes 1000,10000,100000] [--runs 20]

Each size: a fresh database built by the migrations, the small demo and the national demo data in the
"history" shape of bench_benchmarks.py (about 238 sites, as many annual periods as the size needs), and an
inspector whose remit is every site (so the caseload has about 238 rows: the target's 250). Timed through
the Flask test client, signed in: GET /caseload, and GET /compare with six sites chosen. 3 untimed
requests first, then --runs timed: median and best, with the number of SQL statements per request.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_benchmarks import QueryLog, database, load  # noqa: E402

INSPECTOR = "bench-inspector@example.org"
PASSWORD = "correct-Horse-battery-staple-42"
COMPARED = ("DEMO-FWR", "DEMO-ASH", "DEMO-ORW")  # and three national prisons, found by name order


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=20)
    return parser.parse_args()


def measure(client: Any, app: Any, url: str, runs: int) -> tuple[float, float, int]:
    from assess.extensions import db

    for _ in range(3):
        assert client.get(url).status_code == 200, url
    times = []
    with app.app_context():
        log = QueryLog(db.engine)
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with log.capture() as statements:
        client.get(url)
    return statistics.median(times), min(times), len(statements)


def run(kind: str, size: int, runs: int) -> dict[str, Any]:
    from sqlalchemy import select

    from tests.conftest import build_app

    with database(kind, f"inspector{size}") as url:
        app = build_app(url, WTF_CSRF_ENABLED=False)
        loaded = load(app, "history", size)
        reviewed = add_reviews_and_queries(app)
        with app.app_context():
            from assess.data.users import create_or_update_user
            from assess.extensions import db
            from assess.models import Site

            create_or_update_user(
                INSPECTOR,
                "Bench Inspector",
                "inspector",
                PASSWORD,
                remit=[
                    (kind_, nation)
                    for kind_ in ("prison", "probation")
                    for nation in ("England", "Wales", "Scotland", "Northern Ireland")
                ],
            )
            others = list(
                db.session.scalars(
                    select(Site.code)
                    .where(Site.kind == "prison", Site.code.not_in(COMPARED))
                    .order_by(Site.name)
                    .limit(3)
                )
            )
            db.session.commit()
            db.session.remove()
        client = app.test_client()
        assert client.post("/sign-in", data={"email": INSPECTOR, "password": PASSWORD}).status_code == 302
        chosen = "&".join(f"site={code}" for code in (*COMPARED, *others))
        caseload = measure(client, app, "/caseload", runs)
        compare = measure(client, app, f"/compare?compare=1&{chosen}", runs)
        with app.app_context():
            from assess.extensions import db

            db.session.remove()
            db.engine.dispose()
    return {
        "db": kind,
        "size": size,
        "stored": loaded["assessments"],
        "reviewed": reviewed,
        "caseload": caseload,
        "compare": compare,
    }


CHUNK = 5_000


def add_reviews_and_queries(app: Any) -> dict[str, int]:
    """The validation and queries of issue 11 at volume: a quarter of the submitted assessments have a review
    (half of those final) with a decision on every area, and a tenth have a query (some overdue, some
    answered), written in bulk."""
    from datetime import UTC, date, datetime, timedelta

    from sqlalchemy import insert, select, update

    from assess.extensions import db
    from assess.models import AreaValidation, Assessment, AssessmentReview, DomainScore, Query, QueryEntry

    now = datetime.now(UTC)
    with app.app_context():
        already = select(AssessmentReview.assessment_id)  # the demo's own reviews
        submitted = list(
            db.session.execute(
                select(Assessment.id, Assessment.site_id)
                .where(Assessment.status == "submitted", Assessment.id.not_in(already))
                .order_by(Assessment.id)
            )
        )
        reviewed_ids = [assessment_id for assessment_id, _ in submitted if assessment_id % 4 == 0]
        reviews = [
            {"assessment_id": assessment_id, "state": "in review", "version": 1, "started_at": now, "updated_at": now}
            for assessment_id in reviewed_ids
        ]
        for start in range(0, len(reviews), CHUNK):
            db.session.execute(insert(AssessmentReview), reviews[start : start + CHUNK])
        new = set(reviewed_ids)
        levels = [
            row
            for row in db.session.execute(select(DomainScore.assessment_id, DomainScore.domain_id, DomainScore.level))
            if row[0] in new
        ]
        decisions = [
            {
                "assessment_id": assessment_id,
                "domain_id": domain_id,
                "decision": "lower" if level and (assessment_id + len(domain_id)) % 5 == 0 else "agree",
                "self_level": level,
                "validated_level": level - 1 if level and (assessment_id + len(domain_id)) % 5 == 0 else level,
                "reason": "Bench reason" if level and (assessment_id + len(domain_id)) % 5 == 0 else "",
                "version": 1,
                "decided_at": now,
            }
            for assessment_id, domain_id, level in levels
        ]
        for start in range(0, len(decisions), CHUNK):
            db.session.execute(insert(AreaValidation), decisions[start : start + CHUNK])
        final = [assessment_id for assessment_id in reviewed_ids if assessment_id % 8 == 0]
        for start in range(0, len(final), CHUNK):
            db.session.execute(
                update(AssessmentReview)
                .where(AssessmentReview.assessment_id.in_(final[start : start + CHUNK]))
                .values(state="validated", confidence="partly confident", summary="Bench", finalised_at=now)
            )
        queried = [(assessment_id, site_id) for assessment_id, site_id in submitted if assessment_id % 10 == 3]
        today = date.today()
        queries = [
            {
                "assessment_id": assessment_id,
                "site_id": site_id,
                "domain_ids": ["leadership"],
                "text": "Bench query",
                "due_on": today + timedelta(days=(assessment_id % 30) - 15),
                "status": "answered" if assessment_id % 20 == 3 else "awaiting site",
                "version": 1,
                "raised_at": now,
            }
            for assessment_id, site_id in queried
        ]
        for start in range(0, len(queries), CHUNK):
            db.session.execute(insert(Query), queries[start : start + CHUNK])
        entries = [
            {"query_id": query_id, "kind": "raised", "text": "Bench query", "at": now, "by_label": "bench"}
            for query_id in db.session.scalars(select(Query.id).where(Query.text == "Bench query"))
        ]
        for start in range(0, len(entries), CHUNK):
            db.session.execute(insert(QueryEntry), entries[start : start + CHUNK])
        db.session.commit()
        db.session.remove()
    return {"reviews": len(reviews), "decisions": len(decisions), "queries": len(queries)}


def main() -> None:
    args = parse_args()
    print(
        f"{'db':<11}{'size':>7}{'stored':>8}{'reviews':>8}{'queries':>8}  {'caseload med':>12}{'min':>8}"
        f"{'SQL':>5}  {'compare med':>12}{'min':>8}{'SQL':>5}"
    )
    for kind in args.db.split(","):
        for size in (int(value) for value in args.sizes.split(",")):
            row = run(kind, size, args.runs)
            (c_med, c_min, c_q), (k_med, k_min, k_q) = row["caseload"], row["compare"]
            print(
                f"{kind:<11}{size:>7}{row['stored']:>8}{row['reviewed']['reviews']:>8}{row['reviewed']['queries']:>8}  "
                f"{c_med:>10.1f}ms{c_min:>6.1f}ms{c_q:>5}  {k_med:>10.1f}ms{k_min:>6.1f}ms{k_q:>5}",
                flush=True,
            )


if __name__ == "__main__":
    main()
