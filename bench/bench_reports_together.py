"""Reports asked for at the same moment (issue 15, item 5): 4 (and 8) different PDF reports requested at once from
a live server, each one's time and whether it met the time limit. Not a test: it writes
bench/results/<date>-reports-together.md (a table for every run of that day, with the method) and a JSON file
beside it. docs/benchmarks.md has the results.

    .venv/bin/python bench/bench_reports_together.py [--db sqlite|postgresql] [--counts 4,8] [--rounds 3]
        [--group all] [--env REPORT_WORKERS=1 ...] [--label TEXT]

Steps:
1. A fresh database (a temporary SQLite file, or a new PostgreSQL database with TEST_DATABASE_URL), built by the
   migrations and loaded with the demo and national demo data (`flask demo seed`), as bench/page_speed.py does.
2. gunicorn with scripts/gunicorn.conf.py (as `make serve`: 2 workers, 4 threads each, REPORT_PREWARM on),
   ASSESS_ENV=production, its own empty report cache. --env NAME=VALUE sets more of the server's environment
   (REPORT_WORKERS, REPORT_QUEUE_SECONDS, GUNICORN_THREADS, ...), to compare settings in one sitting.
3. The demo inspector signs in through the real forms (password, then two-factor set up from the page).
4. Rounds: for each count (4, then 8), `--rounds` times, that many different submitted assessments' reports (never
   asked for before, so none comes from the cache) are requested by as many client threads released by one
   barrier. The first round of the run is the first thing the server does after the sign-in: a worker that has
   served no request yet starts Chromium and its render processes then (REPORT_PREWARM), as after a deploy.
   Each report: HTTP status, seconds from the request to the last byte, whether it is a PDF, and whether it met
   the time limit (a PDF within REPORT_TIME_LIMIT seconds of being asked for, queue included); a refusal says
   its Retry-After. For each round also: the CPU seconds used by each app process's render processes (which of
   gunicorn's app processes the requests reached), and a page (--probe, default /healthz) asked for every 0.1 s,
   one request at a time, while the reports are made (median and slowest: a page waits when every thread of the
   app process that accepted it is held by a report request); the same page with no report asked for first.
5. Each app process's render processes and Chromium processes, and their resident memory, after each round.
The load average (/proc/loadavg) is recorded before and after each round: the machine is shared, so a round run
while other work holds the cores is slower for reasons that are not the app's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_benchmarks import database, machine  # noqa: E402
from page_speed import (  # noqa: E402
    AUDIENCES,
    DEMO_PASSWORD,
    Server,
    environment,
    facts,
    flask,
    in_process_app,
    load_average,
)
from page_speed_client import LiveSession, sign_in  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DEFAULT_LIMIT = 20.0
PROBE_EVERY = 0.1  # seconds between the probe's requests


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--counts", default="4,8", help="reports asked for at once, comma separated (default 4,8)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each count (default 3)")
    parser.add_argument("--group", default="", help="the reports' group (default: the first shown; 'all': every group)")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server's environment")
    parser.add_argument("--label", default="", help="a name for this run in the table")
    parser.add_argument("--probe", default="/healthz", help="the page asked for meanwhile (default /healthz)")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between rounds (default 2)")
    parser.add_argument("--json", type=Path, help="default bench/results/<date>-reports-together-<db>[-label].json")
    parser.add_argument("--markdown", type=Path, help="default bench/results/<date>-reports-together.md (appended)")
    return parser.parse_args()


def extra_environment(pairs: list[str]) -> dict[str, str]:
    found = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name:
            raise SystemExit(f"--env takes NAME=VALUE, not {pair!r}")
        found[name] = value
    return found


# -- The reports ------------------------------------------------------------------------------------------------


def ask(port: int, cookies: dict[str, str], assessment_id: int, group: str) -> dict[str, Any]:
    session = LiveSession(port, timeout=600)
    session.cookies = dict(cookies)
    path = f"/assessments/{assessment_id}/report.pdf" + (f"?group={group}" if group else "")
    started = time.perf_counter()
    try:
        answer = session.get(path)
    except OSError as exc:
        return {"assessment": assessment_id, "status": 0, "error": str(exc), "seconds": time.perf_counter() - started}
    seconds = time.perf_counter() - started
    return {
        "assessment": assessment_id,
        "status": answer.status,
        "seconds": round(seconds, 2),
        "pdf": answer.headers.get("content-type", "").startswith("application/pdf"),
        "cache": answer.headers.get("x-report-cache", ""),
        "retry_after": answer.headers.get("retry-after", ""),
    }


def at_once(port: int, cookies: dict[str, str], ids: list[int], group: str) -> list[dict[str, Any]]:
    barrier = threading.Barrier(len(ids))
    found: list[dict[str, Any]] = [{} for _ in ids]

    def one(index: int, assessment_id: int) -> None:
        barrier.wait()
        found[index] = ask(port, cookies, assessment_id, group)

    threads = [threading.Thread(target=one, args=(index, item)) for index, item in enumerate(ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return found


class Probe:
    """A page asked for every PROBE_EVERY seconds while the reports render (one request at a time, a new connection
    each): how long a page waits when the app's threads and cores are busy with reports."""

    def __init__(self, port: int, cookies: dict[str, str], path: str):
        self.port, self.cookies, self.path = port, dict(cookies), path
        self.times: list[float] = []
        self.statuses: list[int] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self.stopping.is_set():
            session = LiveSession(self.port, timeout=120)
            session.cookies = dict(self.cookies)
            started = time.perf_counter()
            try:
                status = session.get(self.path).status
            except OSError:
                status = 0
            self.times.append(time.perf_counter() - started)
            self.statuses.append(status)
            self.stopping.wait(PROBE_EVERY)

    def __enter__(self) -> Probe:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join(130)

    def summary(self) -> dict[str, Any]:
        times = sorted(self.times)
        if not times:
            return {"requests": 0}
        return {
            "path": self.path,
            "requests": len(times),
            "median_ms": round(1000 * statistics.median(times), 1),
            "max_ms": round(1000 * times[-1], 1),
            "not_200": sum(1 for status in self.statuses if status != 200),
        }


def idle_probe(port: int, cookies: dict[str, str], path: str, seconds: float = 3.0) -> dict[str, Any]:
    """The same page while no report is asked for: the baseline."""
    with Probe(port, cookies, path) as probe:
        time.sleep(seconds)
    return probe.summary()


def render_cpu(server: Server) -> list[float]:
    """CPU seconds used so far by each gunicorn worker's render processes (running ones)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = []
    for pid in _children(server.process.pid):
        total = 0
        for child in _descendants(pid):
            if "assess/pdf/worker.py" in _command(child):
                try:
                    fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
                    total += int(fields[11]) + int(fields[12])  # utime, stime
                except (OSError, IndexError, ValueError):
                    pass
        found.append(total / ticks)
    return found


def helper_processes(server: Server) -> dict[str, Any]:
    """Per gunicorn worker: its render processes (worker.py) and Chromium processes, and their resident memory."""
    workers = _children(server.process.pid)
    found = []
    for pid in workers:
        renderers, browsers, render_rss, browser_rss = 0, 0, 0, 0
        for child in _descendants(pid):
            command = _command(child)
            if "assess/pdf/worker.py" in command:
                renderers += 1
                render_rss += _rss_kb(child)
            elif "chrom" in command.split(" ", 1)[0].lower():
                browsers += 1
                browser_rss += _rss_kb(child)
        found.append(
            {
                "worker": pid,
                "worker_rss_mb": _rss_kb(pid) // 1024,
                "render_processes": renderers,
                "render_rss_mb": render_rss // 1024,
                "chromium_processes": browsers,
                "chromium_rss_mb": browser_rss // 1024,
            }
        )
    return {"workers": found}


def _parents() -> dict[int, list[int]]:
    """Every process's children, from /proc/<pid>/stat (field 4 is the parent)."""
    found: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        found.setdefault(parent, []).append(int(entry.name))
    return found


def _children(pid: int, tree: dict[int, list[int]] | None = None) -> list[int]:
    return list((tree if tree is not None else _parents()).get(pid, []))


def _descendants(pid: int) -> list[int]:
    tree = _parents()
    found, waiting = [], _children(pid, tree)
    while waiting:
        child = waiting.pop()
        found.append(child)
        waiting.extend(_children(child, tree))
    return found


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


# -- The run ----------------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    counts = [int(item) for item in args.counts.split(",") if item.strip()]
    extra = extra_environment(args.env)
    limit = float(extra.get("REPORT_TIME_LIMIT") or DEFAULT_LIMIT)
    result: dict[str, Any] = {
        "db": args.db,
        "label": args.label,
        "machine": machine(),
        "load_average_before": load_average(),
        "settings": {
            "gunicorn": "scripts/gunicorn.conf.py",
            "assess_env": "production",
            "group": args.group or "(first shown)",
            "time_limit_s": limit,
            "server_environment": extra,
        },
        "rounds": [],
    }
    with tempfile.TemporaryDirectory() as temporary, database(args.db, "reportstogether") as url:
        folder = Path(temporary)
        env = environment(url, folder)
        flask(env, "db", "upgrade")
        result["seed"] = flask(env, "demo", "seed").splitlines()[:2]
        print("\n".join(result["seed"]), flush=True)
        app = in_process_app(env)
        reportable = list(facts(app)["reportable"])
        with app.app_context():
            from assess.extensions import db

            db.session.remove()
            db.engine.dispose()
        needed = sum(counts) * args.rounds
        if len(reportable) < needed:
            raise SystemExit(f"{needed} different reports needed, {len(reportable)} submitted assessments in the remit")
        served_env = {**env, "ASSESS_ENV": "production", "GUNICORN_MAX_REQUESTS": "0", **extra}
        server = Server("assess", "wsgi:app", served_env, folder, "", ROOT)
        try:
            server.wait_ready("/healthz")
            session = LiveSession(server.port)
            result["signed_in_by"] = sign_in(session, AUDIENCES["inspector"], DEMO_PASSWORD)
            result["probe_idle"] = idle_probe(server.port, session.cookies, args.probe)
            first = True
            for count in counts:
                for number in range(1, args.rounds + 1):
                    ids, reportable = reportable[:count], reportable[count:]
                    before = load_average()
                    cpu_before = render_cpu(server)
                    started = time.perf_counter()
                    with Probe(server.port, session.cookies, args.probe) as probe:
                        answers = at_once(server.port, session.cookies, ids, args.group)
                    wall = time.perf_counter() - started
                    cpu_after = render_cpu(server)
                    row = {
                        "count": count,
                        "round": number,
                        "first_after_start": first,
                        "wall_seconds": round(wall, 2),
                        "load_average_before": before,
                        "load_average_after": load_average(),
                        "reports": answers,
                        "met": sum(1 for item in answers if met(item, limit)),
                        "helpers": helper_processes(server),
                        # Render CPU seconds per app process in this round (a render process killed meanwhile is
                        # missed): which app processes the reports reached.
                        "render_cpu_s": [
                            round(max(0.0, after - before), 1)
                            for after, before in zip(cpu_after, cpu_before + [0.0] * len(cpu_after), strict=False)
                        ],
                        "probe": probe.summary(),
                    }
                    first = False
                    result["rounds"].append(row)
                    print(summary_line(row, limit), flush=True)
                    time.sleep(args.pause)
        finally:
            server.stop()
            log = server.log_path.read_text(errors="replace").splitlines()
            result["app_log"] = [line for line in log if "report" in line.lower() and '"GET' not in line][-40:]
    result["load_average_after"] = load_average()
    return result


def met(item: dict[str, Any], limit: float) -> bool:
    return item.get("status") == 200 and bool(item.get("pdf")) and float(item.get("seconds", 1e9)) <= limit


def summary_line(row: dict[str, Any], limit: float) -> str:
    times = sorted(float(item["seconds"]) for item in row["reports"])
    statuses = ",".join(str(item["status"]) for item in row["reports"])
    return (
        f"{row['count']} at once, round {row['round']}{' (first after start)' if row['first_after_start'] else ''}: "
        f"{row['met']}/{row['count']} within {limit:.0f} s; times {', '.join(f'{t:.1f}' for t in times)} s; "
        f"statuses {statuses}; load {row['load_average_before'][0]:.1f}"
    )


# -- The Markdown ------------------------------------------------------------------------------------------------

METHOD = """Method: `bench/bench_reports_together.py` (its docstring). A fresh database with the demo and national demo
data; gunicorn with scripts/gunicorn.conf.py (2 workers, 4 threads each, REPORT_PREWARM on) and ASSESS_ENV=production;
the demo inspector signed in; for each count, that many different reports (never asked for before: no cache hit)
requested at the same moment by as many client threads. "Met" is a PDF within the time limit of being asked for
(queue included). Times are seconds from the request to the last byte, in order. The first round of a run is the
first thing the server does after the sign-in (a worker may still be starting Chromium and its render processes).
"Render CPU s per app process": the CPU seconds the render processes of each of gunicorn's two app processes used
in the round, which shows which app processes the requests reached. "Page meanwhile": /healthz asked for every
0.1 s, one request at a time, during the round (it waits when the app's threads are all held by reports).
The machine is shared (2 cores): the load average before each round is given."""


def markdown(result: dict[str, Any]) -> str:
    limit = result["settings"]["time_limit_s"]
    settings = ", ".join(f"{name}={value}" for name, value in result["settings"]["server_environment"].items())
    title = f"### {result['db']}" + (f", {result['label']}" if result["label"] else "")
    title += f" ({settings})" if settings else " (default settings)"
    idle = result.get("probe_idle") or {"path": "-", "median_ms": 0, "max_ms": 0}
    lines = [
        title,
        "",
        f"Run at {result['finished_at']} UTC; group: {result['settings']['group']}; time limit {limit:.0f} s; "
        f"load average before {result['load_average_before'][0]:.1f}, after {result['load_average_after'][0]:.1f}. "
        f"{idle['path']} with no report asked for: median {idle['median_ms']:.0f} ms, max {idle['max_ms']:.0f} ms.",
        "",
        "| reports at once | round | met the limit | times (s), fastest to slowest | median | slowest | statuses "
        "| load avg | render processes per app process | render CPU s per app process | page meanwhile: median, max "
        "(ms) |",
        "| ---: | ---: | ---: | --- | ---: | ---: | --- | ---: | --- | --- | --- |",
    ]
    for row in result["rounds"]:
        times = sorted(float(item["seconds"]) for item in row["reports"])
        statuses = sorted(
            f"{item['status']}" + (f" (Retry-After {item['retry_after']})" if item.get("retry_after") else "")
            for item in row["reports"]
        )
        helpers = "/".join(str(worker["render_processes"]) for worker in row["helpers"]["workers"])
        cpu = " / ".join(f"{value:.1f}" for value in row.get("render_cpu_s", []))
        probe = row.get("probe", {})
        meanwhile = f"{probe.get('median_ms', 0):.0f}, {probe.get('max_ms', 0):.0f}" if probe.get("requests") else ""
        lines.append(
            f"| {row['count']} | {row['round']}{' (first)' if row['first_after_start'] else ''} "
            f"| {row['met']}/{row['count']} | {', '.join(f'{t:.1f}' for t in times)} "
            f"| {statistics.median(times):.1f} | {times[-1]:.1f} | {', '.join(sorted(set(statuses)))} "
            f"| {row['load_average_before'][0]:.1f} | {helpers} | {cpu} | {meanwhile} |"
        )
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    args = parse_args()
    result = run(args)
    result["finished_at"] = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    today = date.today().isoformat()
    suffix = f"-{args.label}" if args.label else ""
    json_path = args.json or RESULTS / f"{today}-reports-together-{args.db}{suffix}.json"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    markdown_path = args.markdown or RESULTS / f"{today}-reports-together.md"
    heading = not markdown_path.exists()
    with markdown_path.open("a") as file:
        if heading:
            file.write(f"# Reports asked for at the same moment, {today}\n\n{METHOD}\n\n")
        file.write(markdown(result) + "\n")
    print(f"wrote {json_path} and {markdown_path}")


if __name__ == "__main__":
    main()
