"""The production server (issue 14, item 6): gunicorn with scripts/gunicorn.conf.py serving wsgi:app, as
`make serve` runs it, on a free port against a temporary SQLite database migrated as `make serve` migrates it.

It answers /healthz, its Server header names no version, a 20 MB body posted to the sign-in page is refused
with 413 without the worker growing, and a production instance with a weak secret never serves at all. Proxy
headers are believed only when TRUSTED_PROXY_COUNT says so (wsgi.trust_proxies). Every wait is bounded.
"""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask, request

from tests.conftest import ROOT

START_TIMEOUT = 60.0
REQUEST_TIMEOUT = 20.0
STOP_TIMEOUT = 30.0
GUNICORN_MISSING = "gunicorn is not installed: the production server (scripts/gunicorn.conf.py) is NOT tested"

pytestmark = pytest.mark.skipif(importlib.util.find_spec("gunicorn") is None, reason=GUNICORN_MISSING)


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    log: Path
    url: str

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def production_environment(database: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "ASSESS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "SECURITY_PASSWORD_SALT": secrets.token_urlsafe(48),
        "DATABASE_URL": f"sqlite:///{database}",
        "REPORT_PREWARM": "0",
        "REPORT_CACHE_DIR": str(database.parent / "report-cache"),
        "HOST": "127.0.0.1",
        "PORT": "0",  # any free port; gunicorn logs which
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
    }
    env.update(extra)
    return env


def start(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "scripts/gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # gunicorn's graceful shutdown
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT)


def migrate(env: dict[str, str]) -> None:
    """What `make serve` does first."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("serve")
    env = production_environment(folder / "assess.sqlite3")
    migrate(env)
    log = folder / "gunicorn.log"
    process = start(env, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        url = None
        while time.monotonic() < deadline and process.poll() is None:
            found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text(errors="replace"))
            if found and "Booting worker" in log.read_text(errors="replace"):
                url = found.group(1)
                try:
                    if get(url + "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
            time.sleep(0.2)
        assert url is not None and process.poll() is None, "gunicorn did not start:\n" + log.read_text()[-3000:]
        yield Served(process, log, url)
    finally:
        stop(process)


def test_gunicorn_serves_healthz_with_no_version_in_the_server_header(served: Served) -> None:
    status, headers, body = get(served.url + "/healthz")
    assert status == 200, body
    assert b'"database":"ok"' in body.replace(b" ", b"")
    server = headers.get("Server", "")
    assert server == "gunicorn", server  # gunicorn's name only: no version, no Python, never Werkzeug
    assert not re.search(r"\d", server)
    assert "Strict-Transport-Security" in headers  # production settings are in force
    assert "Booting worker with pid" in served.log_text()
    assert "gthread" in served.log_text()  # the configuration file was used (threads)


def test_pages_under_gunicorn_name_no_version_either(served: Served) -> None:
    status, headers, body = get(served.url + "/sign-in")
    assert status == 200
    assert headers.get("Server") == "gunicorn"
    assert b"Werkzeug" not in body and b"gunicorn/" not in body


def worker_memory_kb(process: subprocess.Popen[bytes]) -> int:
    """Resident memory of gunicorn's worker(s): the master's children."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    assert children, "no gunicorn worker"
    total = 0
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return total


def post_head_then_read(url: str, path: str, length: int, sent: int) -> bytes:
    """Announce a body of `length` bytes, send the first `sent` of them, then read what the server says.

    A server that refuses a body before reading it answers at once and closes; a client still pushing the rest
    would only see a broken pipe, so this one stops sending and reads the answer, as browsers do."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=REQUEST_TIMEOUT) as connection:
        connection.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {length}\r\nConnection: close\r\n\r\n".encode()
        )
        connection.sendall(b"email=" + b"x" * (sent - 6))
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
        return answer


def test_a_20_mb_body_to_the_sign_in_page_is_refused_without_the_worker_growing(served: Served) -> None:
    """Issue 14, acceptance: 20 MB posted to the sign-in page under `make serve` gets a 413 and the process does
    not grow: the body is refused from its announced length, before it is read (MAX_CONTENT_LENGTH,
    assess/common/edge.py)."""
    before = worker_memory_kb(served.process)
    answer = post_head_then_read(served.url, "/sign-in", 20 * 1024 * 1024, 1024 * 1024)
    status_line = answer.split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 413 "), answer[:500]
    assert b"Server: gunicorn\r\n" in answer
    assert b"govuk-" in answer  # the service's own error page, not a bare one
    grown = worker_memory_kb(served.process) - before
    assert grown < 10 * 1024, f"the worker grew by {grown} KB on a body it refused"
    assert get(served.url + "/healthz")[0] == 200  # and it still serves


def test_production_with_a_weak_secret_never_serves(tmp_path: Path) -> None:
    env = production_environment(tmp_path / "assess.sqlite3", SECRET_KEY="a")
    log = tmp_path / "gunicorn.log"
    process = start(env, log)
    try:
        process.wait(timeout=START_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail("gunicorn kept running with SECRET_KEY=a in production:\n" + log.read_text()[-3000:])
    finally:
        stop(process)
    assert process.returncode != 0
    assert "SECRET_KEY must be at least 32 random bytes when ASSESS_ENV=production" in log.read_text()
    assert "Listening at" in log.read_text()  # the master bound the port, but no worker ever booted the app


def echo_app(count: int) -> Flask:
    from wsgi import trust_proxies

    app = Flask(__name__)
    app.config["TRUSTED_PROXY_COUNT"] = count

    @app.route("/who")
    def who() -> str:
        return f"{request.remote_addr} {request.scheme} {request.host}"

    return trust_proxies(app)


@pytest.fixture()
def wsgi_importable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """wsgi.py builds its app on import, from the environment: give it a throwaway one."""
    monkeypatch.setenv("ASSESS_ENV", "development")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'wsgi.sqlite3'}")
    monkeypatch.setenv("REPORT_PREWARM", "0")
    monkeypatch.delenv("TRUSTED_PROXY_COUNT", raising=False)


FORWARDED = {"X-Forwarded-For": "198.51.100.7, 203.0.113.9", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil"}


@pytest.mark.usefixtures("wsgi_importable")
def test_proxy_headers_are_ignored_unless_configured() -> None:
    client = echo_app(0).test_client()
    assert client.get("/who", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.2"}).text == (
        "10.0.0.2 http localhost"
    )


@pytest.mark.usefixtures("wsgi_importable")
def test_proxy_headers_are_believed_for_as_many_hops_as_configured() -> None:
    client = echo_app(1).test_client()
    # One proxy: its own entry (the last) is believed, not what the client put before it.
    assert client.get("/who", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.2"}).text == (
        "203.0.113.9 https evil"
    )
