"""gunicorn's settings for SUI Assess in production: `make serve`, or
`gunicorn -c scripts/gunicorn.conf.py wsgi:app` (README: Deployment).

Every value can be changed from the environment, so one file serves every host:
  HOST, PORT               where to listen (default 127.0.0.1:8000: only the reverse proxy on this host can reach
                           it; use HOST=0.0.0.0 only when the proxy is on another host and a firewall keeps
                           everyone else out)
  GUNICORN_WORKERS         app processes (default 2). Each holds its own database pool and its own Chromium
                           for PDF reports, so memory sets the limit; scale out with more hosts.
  GUNICORN_THREADS         threads per process (default 8): a request for a PDF report holds its thread while it
                           waits for a render process (REPORT_WORKERS), so with 4 a few reports at once left
                           pages waiting seconds for a thread; with 8 they wait at most a few hundred
                           milliseconds (docs/benchmarks.md, issue 15)
  GUNICORN_TIMEOUT         seconds before a silent worker is restarted (default: three times REPORT_TIME_LIMIT,
                           at least 60, so a PDF that takes its whole time limit is never cut off)
  GUNICORN_MAX_REQUESTS    a worker is replaced after this many requests (default 1000, plus up to 10% jitter
                           so that they are not all replaced at once): memory cannot creep up for ever

Proxy headers: gunicorn itself trusts none (no secure_scheme_headers, no forwarded_allow_ips); wsgi.py applies
werkzeug's ProxyFix when TRUSTED_PROXY_COUNT > 0, one place for the whole rule. The Server header says only
"gunicorn", never a version (gunicorn sends its name without its version; nothing here adds one).
"""

from __future__ import annotations

import os
from pathlib import Path


def _whole(name: str, default: int, minimum: int = 1) -> int:
    text = os.environ.get(name, "").strip() or str(default)
    try:
        value = int(text)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {text!r}") from None
    if value < minimum:
        raise SystemExit(f"{name} must be at least {minimum}, not {text!r}")
    return value


def _report_time_limit() -> float:
    try:
        return float(os.environ.get("REPORT_TIME_LIMIT", "").strip() or "20")
    except ValueError:
        return 20.0  # the app itself refuses the value at start-up, naming it


bind = f"{os.environ.get('HOST', '').strip() or '127.0.0.1'}:{_whole('PORT', 8000, minimum=0)}"  # PORT=0: any free port
workers = _whole("GUNICORN_WORKERS", 2)
threads = _whole("GUNICORN_THREADS", 8)
worker_class = "gthread"
timeout = _whole("GUNICORN_TIMEOUT", max(60, int(3 * _report_time_limit())))
graceful_timeout = 30  # a deploy or restart lets requests in flight finish for this long
keepalive = 5  # seconds an idle connection from the reverse proxy is kept open
max_requests = _whole("GUNICORN_MAX_REQUESTS", 1000, minimum=0)
max_requests_jitter = max_requests // 10
preload_app = False  # each worker builds its own app (database pool, report helpers) after the fork

# HTTP limits before the app sees anything (the app's own limit on bodies is MAX_CONTENT_LENGTH).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Trust no proxy header in gunicorn; TRUSTED_PROXY_COUNT (wsgi.py) is the one place that decides.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}
forwarder_headers = ""

# Logs to stdout/stderr, for the service manager or container to collect.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Heartbeat files in memory where there is /dev/shm (a container's disk can stall them).
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"

# No control socket (gunicornc): operators restart the service through its service manager.
control_socket_disable = True
proc_name = "sui-assess"
