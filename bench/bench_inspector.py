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
    return {"db": kind, "size": size, "stored": loaded["assessments"], "caseload": caseload, "compare": compare}


def main() -> None:
    args = parse_args()
    print(
        f"{'db':<11}{'size':>7}{'stored':>8}  {'caseload med':>12}{'min':>8}{'queries':>8}  "
        f"{'compare med':>12}{'min':>8}{'queries':>8}"
    )
    for kind in args.db.split(","):
        for size in (int(value) for value in args.sizes.split(",")):
            row = run(kind, size, args.runs)
            (c_med, c_min, c_q), (k_med, k_min, k_q) = row["caseload"], row["compare"]
            print(
                f"{kind:<11}{size:>7}{row['stored']:>8}  {c_med:>10.1f}ms{c_min:>6.1f}ms{c_q:>8}  "
                f"{k_med:>10.1f}ms{k_min:>6.1f}ms{k_q:>8}",
                flush=True,
            )


if __name__ == "__main__":
    main()
