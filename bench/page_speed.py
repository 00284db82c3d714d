"""Page speed under a real server and real load (issue 15): every signed-in page of every audience, served by
gunicorn as in production, driven by wrk at 10 connections, beside a plain Flask app under the same settings
measured in the same run; and the SQL statements each page sends, at three data sizes. Not a test: it writes
bench/results/<date>-page-speed-<db>.json and bench/results/<date>-page-speed.md (the table of every run of
that day, with the method). docs/benchmarks.md has the results.

    .venv/bin/python bench/page_speed.py [--db sqlite|postgresql] [--quick | --duration 10]
        [--with-reports] [--only TEXT] [--worker-class sync]

PostgreSQL needs TEST_DATABASE_URL (a role that may CREATE DATABASE), as the test suite does. Needs wrk
(Debian package wrk).

Steps:
1. A fresh database (a temporary SQLite file, or a new PostgreSQL database, dropped afterwards), built by the
   migrations (`flask db upgrade`) and loaded with the demo and national demo data (`flask demo seed`: 238
   sites, 4 annual periods), as `make run` does.
2. gunicorn with scripts/gunicorn.conf.py (as `make serve`: 2 workers, and its other settings) serving
   wsgi:app with ASSESS_ENV=production on a free local port; bench/plain_app.py under the same settings on
   another.
3. Signing in through the real forms as the demo governor (password), the demo inspector and the demo
   commissioner (password, then two-factor set up on the way: the key read from the page, a code computed
   from it); the governor starts a draft for the current year through the start form (from last year's
   answers) for the task list, area and check-answers pages.
4. Each page: checked to answer 200 with the session cookie, then `wrk --latency -t 2 -c 10 -d <duration>`
   with that cookie: requests/s, median and p99 latency. The plain app is measured between the pages too (half
   a page's time, at least 2 s), and each page's share is its requests/s over the mean of the plain app just
   before and just after it: the machine is shared and its load drifts within a run. The plain app is also
   measured first and last (their mean is the run's figure).
5. With --with-reports: 4 PDF reports asked for at the same moment (each finished within the time limit?),
   then every page again while 4 clients keep asking for reports not yet made: the share of its requests/s
   kept.
6. In one process (Flask's test client, signed in through the same forms): the SQL statements one request of
   each page sends (a before_cursor_execute listener), and its median time over 5 requests; then again with
   twice the stored assessments (8 periods), and again with more sites (460 national sites, the governor
   linked to 30 sites, the inspector's remit every kind and nation).
The load average (/proc/loadavg) is recorded before and after: the machine is shared, so the shares are the
numbers to compare, not the requests/s.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_benchmarks import QueryLog, database, machine  # noqa: E402
from page_speed_client import LiveSession, TestClientSession, csrf_token, sign_in  # noqa: E402
from page_speed_report import write_markdown  # noqa: E402
from page_speed_table import STEPS, PageResult  # noqa: E402
from page_speed_wrk import parse_wrk, percentile  # noqa: E402

BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
DEMO_PASSWORD = "demo-Fellwater-2026"
AUDIENCES = {
    "governor": "governor@example.org",
    "inspector": "inspector@example.org",
    "commissioner": "commissioner@example.org",
}
SITE = "DEMO-FWR"  # the demo governor's prison: in the inspector's remit and the commissioner's region
REPORTS_AT_ONCE = 4


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page (default 10)")
    parser.add_argument("--quick", action="store_true", help="3 seconds per page")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--with-reports", action="store_true", help="also measure pages while 4 reports render")
    parser.add_argument("--only", default="", help="only the pages whose label or path contains this text")
    parser.add_argument("--no-growth", action="store_true", help="count queries at the demo data size only")
    parser.add_argument(
        "--worker-class", default="", help="override scripts/gunicorn.conf.py's worker class (e.g. sync), for both"
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=0,
        help="gunicorn's max_requests for both servers (default 0: workers are never replaced during the run; "
        "scripts/gunicorn.conf.py's 1000 replaces the plain app's workers every few hundred milliseconds under wrk)",
    )
    parser.add_argument("--json", type=Path, help="default bench/results/<date>-page-speed-<db>.json")
    args = parser.parse_args()
    if args.quick:
        args.duration = 3
    return args


def load_average() -> list[float]:
    return [float(value) for value in Path("/proc/loadavg").read_text().split()[:3]]


def code_version() -> dict[str, Any]:
    """The commit measured, and the files of the app that differ from it (the tree is shared and live)."""

    def git(*arguments: str) -> str:
        done = subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    changed = [line[3:] for line in git("status", "--porcelain", "--", "assess", "wsgi.py").splitlines()]
    return {"commit": git("rev-parse", "--short", "HEAD"), "uncommitted": changed}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- The database and the servers ------------------------------------------------------------------------------


def environment(url: str, folder: Path) -> dict[str, str]:
    """What both the seeding commands and the server see (the same secret and salt: the passwords the
    seeding hashes must be checked by the server)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GUNICORN_", "REPORT_", "SESSION_", "SIGN_IN_")) and key not in ("PORT", "HOST")
    }
    env.update(
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_urlsafe(48),
        SECURITY_PASSWORD_SALT=secrets.token_urlsafe(24),
        DEMO_PASSWORD=DEMO_PASSWORD,
        REPORT_CACHE_DIR=str(folder / "report-cache"),
        ASSESS_ENV="development",
        PYTHONUNBUFFERED="1",
    )
    return env


def flask(env: dict[str, str], *arguments: str) -> str:
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"flask {' '.join(arguments)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


class Server:
    """gunicorn with scripts/gunicorn.conf.py, on a free port, its log in a file; stopped by its own pid."""

    def __init__(self, name: str, app: str, env: dict[str, str], folder: Path, worker_class: str, chdir: Path):
        self.name = name
        self.port = free_port()
        self.log_path = folder / f"{name}.log"
        command = [str(BIN / "gunicorn"), "--config", str(ROOT / "scripts/gunicorn.conf.py"), "--chdir", str(chdir)]
        if worker_class:
            command += ["--worker-class", worker_class]
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [*command, app],
            cwd=chdir,
            env={**env, "PORT": str(self.port), "HOST": "127.0.0.1"},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, path: str, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} stopped at start-up:\n{self.log_path.read_text()[-3000:]}")
            try:
                if LiveSession(self.port, timeout=5).get(path).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"{self.name} did not answer {path} within {seconds} s:\n{self.log_path.read_text()[-3000:]}")

    def boots(self) -> int:
        """Workers started so far (gunicorn replaces a worker after max_requests)."""
        return self.log_path.read_text(errors="replace").count("Booting worker")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


# -- wrk --------------------------------------------------------------------------------------------------------


def run_wrk(
    port: int, path: str, cookie: str, args: argparse.Namespace, duration: float | None = None
) -> dict[str, Any]:
    seconds = args.duration if duration is None else duration
    command = ["wrk", "--latency", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{seconds:g}s"]
    command += ["--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    done = subprocess.run([*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed for {path}:\n{done.stdout}\n{done.stderr}")
    return parse_wrk(done.stdout).as_dict()


# -- The pages --------------------------------------------------------------------------------------------------


def start_draft(session: LiveSession) -> int:
    """The governor starts this year's assessment of the demo prison from last year's answers (the start form)."""
    import re

    form = session.get(f"/sites/{SITE}/start")
    periods = re.findall(r'name="period"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="period"', form.body)
    for found in periods:
        period = found[0] or found[1]
        answer = session.post(
            f"/sites/{SITE}/start", {"csrf_token": csrf_token(form.body), "period": period, "start_from": "copy"}
        )
        draft = re.fullmatch(r"/assessments/([0-9]+)", answer.location)
        if answer.status in (302, 303) and draft:
            return int(draft.group(1))
    raise SystemExit(f"could not start a draft for {SITE} through the start form")


def first_area(session: LiveSession, draft: int) -> str:
    import re

    found = re.search(rf'href="/assessments/{draft}/domains/([a-z0-9_-]+)"', session.get(f"/assessments/{draft}").body)
    if found is None:
        raise SystemExit("the task list links to no area")
    return found.group(1)


def facts(app: Any) -> dict[str, Any]:
    """Ids the pages need, from the database: the demo prison's latest submitted assessment, three national
    prisons in England to compare with, the commissioner's area, and the submitted assessments a report can be
    asked for (the inspector's remit)."""
    from sqlalchemy import select

    from assess.demo.areas import REGIONAL_AREA
    from assess.extensions import db
    from assess.models import Assessment, Site

    with app.app_context():
        site = db.session.scalars(select(Site).where(Site.code == SITE)).one()
        submitted = db.session.scalars(
            select(Assessment.id)
            .where(Assessment.site_id == site.id, Assessment.status == "submitted")
            .order_by(Assessment.period.desc())
        ).first()
        others = list(
            db.session.scalars(
                select(Site.code)
                .where(Site.kind == "prison", Site.nation == "England", Site.code.not_like("DEMO-%"))
                .order_by(Site.name)
                .limit(3)
            )
        )
        reportable = list(
            db.session.scalars(
                select(Assessment.id)
                .join(Site, Site.id == Assessment.site_id)
                .where(Assessment.status == "submitted", Site.kind == "prison", Site.nation.in_(["England", "Wales"]))
                .order_by(Assessment.period.desc(), Assessment.id)
            )
        )
        db.session.remove()
    return {"submitted": submitted, "compare_with": others, "area": REGIONAL_AREA, "reportable": reportable}


def pages(draft: int, area: str, known: dict[str, Any]) -> list[PageResult]:
    submitted, region = known["submitted"], known["area"]
    compared = "&".join(f"site={code}" for code in ("DEMO-FWR", "DEMO-ASH", "DEMO-ORW", *known["compare_with"]))
    rows = [
        ("governor", "/sites (3 sites)", "/sites", "page"),
        ("governor", "task list", f"/assessments/{draft}", "page"),
        ("governor", "an area page", f"/assessments/{draft}/domains/{area}", "page"),
        ("governor", "check answers", f"/assessments/{draft}/check", "page"),
        ("governor", "a results page", f"/assessments/{submitted}/results", "results"),
        ("governor", "trend", f"/sites/{SITE}/trend", "page"),
        ("inspector", "caseload", "/caseload", "page"),
        ("inspector", "a site page", f"/inspect/sites/{SITE}", "page"),
        ("inspector", "an assessment review", f"/inspect/assessments/{submitted}", "page"),
        ("inspector", "compare (6 sites)", f"/compare?compare=1&{compared}", "page"),
        ("inspector", "validation page", f"/inspect/assessments/{submitted}/validate", "page"),
        ("commissioner", "areas (one area: a redirect to it)", "/areas", "page"),
        ("commissioner", "an area overview", f"/areas/{region}", "page"),
        ("commissioner", "matrix", f"/areas/{region}/matrix", "page"),
        ("commissioner", "distribution", f"/areas/{region}/distribution", "page"),
        ("commissioner", "trend", f"/areas/{region}/trend", "page"),
        ("commissioner", "a site page", f"/areas/{region}/sites/{SITE}", "page"),
    ]
    return [PageResult(audience, label, path, kind) for audience, label, path, kind in rows]


# -- Reports rendering meanwhile --------------------------------------------------------------------------------


class Reports:
    """Clients that keep asking for PDF reports not made before (so none comes from the cache)."""

    def __init__(self, port: int, cookie: str, assessment_ids: list[int]):
        self.port = port
        self.cookie = cookie
        self.waiting = list(assessment_ids)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.done: list[dict[str, Any]] = []
        self.threads: list[threading.Thread] = []

    def _next(self) -> int | None:
        with self.lock:
            return self.waiting.pop(0) if self.waiting else None

    def one(self, assessment_id: int) -> dict[str, Any]:
        session = LiveSession(self.port, timeout=300)
        session.cookies = dict(pair.split("=", 1) for pair in self.cookie.split("; "))
        started = time.perf_counter()
        answer = session.get(f"/assessments/{assessment_id}/report.pdf")
        finished = {
            "assessment": assessment_id,
            "status": answer.status,
            "seconds": round(time.perf_counter() - started, 2),
            "pdf": answer.headers.get("content-type", "").startswith("application/pdf"),
        }
        with self.lock:
            self.done.append(finished)
        return finished

    def _loop(self) -> None:
        while not self.stopping.is_set():
            assessment_id = self._next()
            if assessment_id is None:
                return
            self.one(assessment_id)

    def at_once(self, count: int) -> list[dict[str, Any]]:
        """`count` reports asked for at the same moment; what became of each."""
        ids = [self._next() for _ in range(count)]
        barrier = threading.Barrier(count)
        found: list[dict[str, Any]] = []

        def ask(assessment_id: int) -> None:
            barrier.wait()
            found.append(self.one(assessment_id))

        threads = [threading.Thread(target=ask, args=(assessment_id,)) for assessment_id in ids if assessment_id]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return found

    def start(self, count: int) -> None:
        self.threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(count)]
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=300)


# -- Queries per page, in one process ---------------------------------------------------------------------------


def in_process_app(env: dict[str, str]) -> Any:
    os.environ.update({**env, "REPORT_PREWARM": "0", "ASSESS_ENV": "development"})
    from assess import create_app

    return create_app()


def count_queries(app: Any, clients: dict[str, Any], rows: list[PageResult], step: str) -> None:
    from assess.extensions import db

    with app.app_context():
        log = QueryLog(db.engine)
    for row in rows:
        if row.kind == "plain":
            continue
        client = clients.get(row.audience) or clients["governor"]
        wanted = 302 if row.path == "/areas" else 200
        for _ in range(2):
            assert client.get(row.path).status_code == wanted, (step, row.path)
        with log.capture() as statements:
            response = client.get(row.path)
        assert response.status_code == wanted, (step, row.path, response.status_code)
        row.queries[step] = len(statements)
        if step == STEPS[0]:
            times = []
            for _ in range(5):
                started = time.perf_counter()
                client.get(row.path)
                times.append((time.perf_counter() - started) * 1000)
            row.in_process_ms = round(percentile(times, 0.5), 1)
    from sqlalchemy import event

    with app.app_context():
        event.remove(db.engine, "before_cursor_execute", log._record)


def data_size(app: Any) -> dict[str, int]:
    from sqlalchemy import func, select

    from assess.extensions import db
    from assess.models import Assessment, Site, User

    with app.app_context():
        governor = db.session.scalars(select(User).where(User.email == AUDIENCES["governor"])).one()
        size = {
            "sites": db.session.scalar(select(func.count()).select_from(Site)) or 0,
            "submitted_assessments": db.session.scalar(
                select(func.count()).select_from(Assessment).where(Assessment.status == "submitted")
            )
            or 0,
            "governor_sites": len(governor.sites),
        }
        db.session.remove()
    return size


def grow(app: Any, step: str) -> None:
    """More stored assessments (8 periods instead of 4), or more sites (460 national sites; the governor
    linked to 30 prisons; the inspector's remit every kind and nation)."""
    from sqlalchemy import insert, select

    from assess.demo.national import seed_national
    from assess.extensions import db
    from assess.models import Remit, Site, User
    from assess.models.user import user_sites
    from assess.services.questionnaires import latest

    with app.app_context():
        if step == "more assessments":
            seed_national(latest(), date.today(), sites=230, periods=8, seed=2026)
        else:
            seed_national(latest(), date.today(), sites=460, periods=8, seed=2026)
            governor = db.session.scalars(select(User).where(User.email == AUDIENCES["governor"])).one()
            have = {site.id for site in governor.sites}
            more = db.session.scalars(
                select(Site.id).where(Site.kind == "prison", Site.id.not_in(have)).order_by(Site.name).limit(30)
            ).all()
            wanted = [site_id for site_id in more][: 30 - len(have)]
            db.session.execute(insert(user_sites), [{"user_id": governor.id, "site_id": s} for s in wanted])
            inspector = db.session.scalars(select(User).where(User.email == AUDIENCES["inspector"])).one()
            covered = {(item.kind, item.nation) for item in inspector.remits}
            for kind in ("prison", "probation"):
                for nation in ("England", "Wales", "Scotland", "Northern Ireland"):
                    if (kind, nation) not in covered:
                        db.session.add(Remit(user_id=inspector.id, kind=kind, nation=nation))
        db.session.commit()
        db.session.remove()


# -- The run ----------------------------------------------------------------------------------------------------


def measure_pages(
    rows: list[PageResult],
    sessions: dict[str, LiveSession],
    app_server: Server,
    args: argparse.Namespace,
    with_reports: bool = False,
    plain_server: Server | None = None,
) -> None:
    """wrk on each page in turn, with its audience's session cookie; the numbers go on the row (as measured
    without reports, or while reports render). With `plain_server`, the plain app is measured between the pages
    too (before the first, between each two, after the last: half a page's time, at least 2 s), and a page's
    share is taken against the mean of the plain app just before and just after it."""
    alongside = plain_server is not None and not with_reports

    def plain_now() -> float:
        assert plain_server is not None
        return run_wrk(plain_server.port, "/", "", args, duration=max(2.0, args.duration / 2))["requests_per_second"]

    before = plain_now() if alongside else 0.0
    for row in rows:
        session = sessions.get(row.audience)
        cookie = session.cookie_header() if session else ""
        check = (session or LiveSession(app_server.port)).get(row.path)
        if check.status != 200 and not (row.path == "/areas" and check.status == 302):
            raise SystemExit(f"{row.path} answered {check.status} {check.location} before its run")
        boots = app_server.boots()
        found = run_wrk(app_server.port, row.path, cookie, args)
        restarts = app_server.boots() - boots
        if alongside:
            after = plain_now()
            row.plain_alongside_rps = (before + after) / 2
            before = after
        if not with_reports:
            row.requests_per_second, row.median_ms, row.p99_ms = (
                found["requests_per_second"],
                found["median_ms"],
                found["p99_ms"],
            )
            row.non_success = found["non_success"]
            row.socket_errors = found["socket_errors"]
            row.requests = found["requests"]
            row.wrk = found
            row.worker_restarts = restarts
        else:
            row.with_reports_rps = found["requests_per_second"]
            row.wrk_with_reports = found
        print(
            f"  {row.audience:<12} {row.label:<24} {found['requests_per_second']:8.1f} req/s "
            + (f"(plain app alongside {row.plain_alongside_rps:,.0f}) " if row.plain_alongside_rps else "")
            + f"median {found['median_ms']:7.1f} ms p99 {found['p99_ms']:7.1f} ms"
            + (f" ({found['non_success']} not 2xx/3xx)" if found["non_success"] else "")
            + (f" ({restarts} worker restarts)" if restarts else ""),
            flush=True,
        )


def run(args: argparse.Namespace) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    started_load = load_average()
    result: dict[str, Any] = {
        "db": args.db,
        "machine": machine(),
        "code": code_version(),
        "load_average_before": started_load,
        "settings": {
            "duration_s": args.duration,
            "connections": args.connections,
            "threads": args.threads,
            "gunicorn": "scripts/gunicorn.conf.py"
            + (f" --worker-class {args.worker_class}" if args.worker_class else ""),
            "max_requests": args.max_requests,
            "assess_env": "production",
        },
    }
    with tempfile.TemporaryDirectory() as temporary, database(args.db, "pagespeed") as url:
        folder = Path(temporary)
        env = environment(url, folder)
        flask(env, "db", "upgrade")
        result["seed"] = flask(env, "demo", "seed").splitlines()[:2]
        print("\n".join(result["seed"]), flush=True)
        served_env = {**env, "ASSESS_ENV": "production", "GUNICORN_MAX_REQUESTS": str(args.max_requests)}
        app_server = Server("assess", "wsgi:app", served_env, folder, args.worker_class, ROOT)
        plain_server = Server("plain", "plain_app:app", served_env, folder, args.worker_class, ROOT / "bench")
        try:
            app_server.wait_ready("/healthz")
            plain_server.wait_ready("/")
            result.update(measure_live(args, app_server, plain_server, env))
        finally:
            app_server.stop()
            plain_server.stop()
            result["gunicorn_log_tail"] = app_server.log_path.read_text(errors="replace").splitlines()[-20:]
    result["load_average_after"] = load_average()
    return result


def measure_live(args: argparse.Namespace, app_server: Server, plain_server: Server, env: dict[str, str]) -> dict:
    sessions: dict[str, LiveSession] = {}
    how: dict[str, str] = {}
    for audience, email in AUDIENCES.items():
        sessions[audience] = LiveSession(app_server.port)
        how[audience] = sign_in(sessions[audience], email, DEMO_PASSWORD)
    draft = start_draft(sessions["governor"])
    area = first_area(sessions["governor"], draft)
    app = in_process_app(env)
    known = facts(app)
    rows = pages(draft, area, known)
    if args.only:
        rows = [row for row in rows if args.only in row.label or args.only in row.path]
    healthz = PageResult("none", "/healthz", "/healthz", "healthz")
    plain_first = PageResult("none", "plain Flask app", "/", "plain")
    plain_last = PageResult("none", "plain Flask app (again, last)", "/", "plain")
    for row in rows:  # every page once before anything is measured (templates compiled, Chromium started)
        for _ in range(2):
            sessions[row.audience].get(row.path)
    print(f"wrk: {args.duration} s a page, {args.connections} connections, {args.threads} threads", flush=True)
    measure_pages([plain_first], {}, plain_server, args)
    measure_pages([healthz, *rows], sessions, app_server, args, plain_server=plain_server)
    measure_pages([plain_last], {}, plain_server, args)
    plain_rps = statistics.mean([plain_first.requests_per_second or 0, plain_last.requests_per_second or 0])
    out: dict[str, Any] = {"signed_in_by": how, "plain_rps": plain_rps}
    if args.with_reports:
        reports = Reports(app_server.port, sessions["inspector"].cookie_header(), known["reportable"])
        print(f"{REPORTS_AT_ONCE} reports at once:", flush=True)
        out["reports_at_once"] = reports.at_once(REPORTS_AT_ONCE)
        out["report_time_limit_s"] = float(env.get("REPORT_TIME_LIMIT") or 20)
        print("  " + json.dumps(out["reports_at_once"]), flush=True)
        reports.start(REPORTS_AT_ONCE)
        time.sleep(2)
        try:
            measure_pages([healthz, *rows], sessions, app_server, args, with_reports=True)
        finally:
            reports.stop()
        out["reports_meanwhile"] = reports.done[len(out["reports_at_once"]) :]
    clients = {}
    for audience, email in AUDIENCES.items():
        clients[audience] = app.test_client()
        sign_in(TestClientSession(clients[audience]), email, DEMO_PASSWORD)
    sizes = {STEPS[0]: data_size(app)}
    count_queries(app, clients, [healthz, *rows], STEPS[0])
    if not args.no_growth:
        for step in STEPS[1:]:
            grow(app, step)
            sizes[step] = data_size(app)
            count_queries(app, clients, [healthz, *rows], step)
    out["data_sizes"] = sizes
    with app.app_context():  # before the database is dropped
        from assess.extensions import db

        db.session.remove()
        db.engine.dispose()
    out["rows"] = [asdict(row) | extra(row) for row in [plain_first, healthz, *rows, plain_last]]
    return out


def extra(row: PageResult) -> dict[str, Any]:
    return {name: getattr(row, name) for name in ("wrk", "wrk_with_reports", "worker_restarts") if hasattr(row, name)}


def main() -> None:
    args = parse_args()
    result = run(args)
    today = date.today().isoformat()
    path = args.json or RESULTS / f"{today}-page-speed-{args.db}.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    markdown = write_markdown(path.parent, today)
    print(f"wrote {path} and {markdown}")
    print(markdown.read_text())


if __name__ == "__main__":
    main()
