"""Reports that do not starve each other (issue 15, item 5): real reports asked for at the same moment from a
threaded live server all succeed, rendered side by side by the app process's pool of render processes; a report
that cannot get a render process within REPORT_QUEUE_SECONDS gets the try-again page with Retry-After (never a
500, never an endless wait); render processes run at a lower CPU priority than the app.

How long reports take is measured by bench/bench_reports_together.py, not here: the time limits below are
generous, and what is checked is what the pool does (how many renders ran at once, that none was refused, that
each render was given its whole time limit), never how fast.
"""

from __future__ import annotations

import http.client
import os
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from werkzeug.serving import make_server

from assess.pdf import render as pdf
from assess.pdf import svg
from assess.pdf.pool import RENDER_NICENESS, RenderPool
from assess.reports import build
from tests.conftest import PASSWORD, Factory, build_app, sign_in
from tests.databases import fresh_database
from tests.integration.helpers import IsolatedClient, h1, main, page, text_of

PERIOD = "2025-26"
LIMIT = 120.0  # seconds: generous, so that a slow shared machine never decides the outcome
AT_ONCE = 4
POOL = 2  # render processes: fewer than the reports, so that some queue
HOLD = 5.0  # seconds the first renders are held once the others queue (so those wait at least this long)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """This module's own app and database (the suite's app is shared by modules that make no reports)."""
    with fresh_database(tmp_path_factory.mktemp("pool-db"), "pool") as url:
        application = build_app(url, WTF_CSRF_ENABLED=False, REPORT_TIME_LIMIT=LIMIT)
        application.test_client_class = IsolatedClient
        yield application
        svg.exporter().stop()
        pdf.worker().stop()
        with application.app_context():
            from assess.extensions import db

            db.session.remove()
            db.engine.dispose()


@pytest.fixture(autouse=True)
def settings(app_ctx: Flask, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(app_ctx.config, "REPORT_CACHE_DIR", str(tmp_path / "report-cache"))
    monkeypatch.setitem(app_ctx.config, "REPORT_WORKERS", POOL)
    monkeypatch.setitem(app_ctx.config, "REPORT_QUEUE_SECONDS", LIMIT)
    yield
    pdf.configure(None, None)  # the other modules' reports: the defaults


# -- Data: sites with submitted assessments, one governor for all of them ---------------------------------------


def varied_answers(make: Factory, shift: int) -> dict[str, str]:
    definition = make.questionnaire().definition
    choices = {}
    for index, domain in enumerate(definition.domains):
        for number, question in enumerate(domain.questions):
            levels = sorted(option.level for option in question.options)
            choices[question.id] = str(levels[(index + number + shift) % len(levels)])
    return choices


@pytest.fixture()
def world(make: Factory) -> dict[str, Any]:
    """Seven prisons in one region (the national and regional groups shown), each with a submitted assessment,
    and a governor of them all."""
    from assess.data.assessments import save_answers, submit_assessment
    from assess.extensions import db
    from assess.scoring import score_assessment

    sites = [make.site() for _ in range(7)]
    governor = make.user("governor", sites=tuple(sites), email="pool-governor@example.org")
    assessments = []
    for number, site in enumerate(sites):
        assessment = make.draft(site, governor, PERIOD)
        save_answers(assessment, varied_answers(make, number), {}, governor)
        submit_assessment(
            assessment, governor, lambda answers: score_assessment(make.questionnaire().definition, answers)
        )
        db.session.commit()
        assessments.append(assessment.id)
    return {"governor": governor, "assessments": assessments}


# -- A threaded live server -------------------------------------------------------------------------------------


class LiveServer:
    """werkzeug's threaded server (a thread per request, as `flask run`) in this process, on a free port."""

    def __init__(self, app: Flask):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def request(self, method: str, path: str, cookie: str = "", body: dict[str, str] | None = None) -> Any:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=3 * LIMIT)
        headers = {"Cookie": cookie} if cookie else {}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            cookies = "; ".join(
                value.split(";", 1)[0] for name, value in response.getheaders() if name.lower() == "set-cookie"
            )
            headers = {**dict(response.getheaders()), "Set-Cookie": cookies}
            return response.status, headers, response.read()
        finally:
            connection.close()

    def sign_in(self, email: str) -> str:
        """The session cookie of a governor signed in through the real form (a password only)."""
        status, headers, _ = self.request("POST", "/sign-in", body={"email": email, "password": PASSWORD})
        assert status in (302, 303), status
        cookie = headers["Set-Cookie"]
        assert "=" in cookie, headers
        return cookie

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(10)


@pytest.fixture()
def live(app_ctx: Flask) -> Iterator[LiveServer]:
    server = LiveServer(app_ctx)
    yield server
    server.stop()


class RenderLog:
    """Wraps RenderWorker.render: how many renders ran at once, the time limit each was given. The first renders
    wait (a bounded time) until `together` renders have begun, so that a pool that ran fewer at once is seen to,
    and then until `queued` requests wait for a render process, and `hold` seconds more: those requests have then
    waited at least that long when their renders begin."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, together: int = 1, queued: int = 0, hold: float = 0.0) -> None:
        self.lock = threading.Condition()
        self.running = 0
        self.most_at_once = 0
        self.begun = 0
        self.timeouts: list[float] = []
        original = pdf.RenderWorker.render
        log = self

        def render(worker: pdf.RenderWorker, html: str, *, timeout: float, **options: Any) -> pdf.Rendered:
            with log.lock:
                log.begun += 1
                log.running += 1
                log.most_at_once = max(log.most_at_once, log.running)
                log.timeouts.append(timeout)
                log.lock.notify_all()
                log.lock.wait_for(lambda: log.begun >= together, timeout=30)
            if queued and log.begun <= together:
                deadline = time.monotonic() + 30
                while pdf.worker().waiting < queued and time.monotonic() < deadline:
                    time.sleep(0.01)
                time.sleep(hold)
            try:
                return original(worker, html, timeout=timeout, **options)
            finally:
                with log.lock:
                    log.running -= 1

        monkeypatch.setattr(pdf.RenderWorker, "render", render)


def test_four_reports_asked_for_at_once_all_succeed_rendered_side_by_side(
    app_ctx: Flask, world: dict[str, Any], live: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = build.render_pool()
    assert pool.size == POOL
    build.warm_up()
    svg.exporter().wait_ready()
    pool.wait_ready()  # started before the clock, as REPORT_PREWARM does in production
    served, refused = pool.served, pool.refused
    renders = RenderLog(monkeypatch, together=POOL, queued=AT_ONCE - POOL, hold=HOLD)
    cookie = live.sign_in(world["governor"].email)

    barrier = threading.Barrier(AT_ONCE)
    answers: dict[int, Any] = {}

    def ask(assessment_id: int) -> None:
        barrier.wait()
        answers[assessment_id] = live.request("GET", f"/assessments/{assessment_id}/report.pdf", cookie)

    asked = world["assessments"][:AT_ONCE]
    threads = [threading.Thread(target=ask, args=(assessment_id,)) for assessment_id in asked]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(3 * LIMIT)

    assert sorted(answers) == sorted(asked)
    for assessment_id, (status, headers, body) in answers.items():
        assert status == 200, (assessment_id, status, body[:500])
        assert headers["Content-Type"] == "application/pdf"
        assert headers["X-Report-Cache"] == "miss"
        assert body.startswith(b"%PDF-1.7")
    assert len({body for _, _, body in answers.values()}) == AT_ONCE  # four different reports
    assert renders.most_at_once == POOL  # side by side, as many as the pool has
    assert (pool.served - served, pool.refused - refused) == (AT_ONCE, 0)
    assert pool.longest_wait > HOLD  # two of them waited their turn, HOLD seconds at least ...
    # ... and were still given their whole limit (less the moment it takes to build a report's HTML): the wait
    # for a render process is not taken from it.
    assert min(renders.timeouts) > LIMIT - HOLD / 2, renders.timeouts


def assert_try_again_page(response: Any) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert "Traceback" not in body
    soup: BeautifulSoup = page(response)
    assert h1(soup) == "Sorry, your report could not be made"
    assert "Try again in a few minutes" in text_of(main(soup))


def test_a_report_that_cannot_get_a_render_process_in_time_gets_the_try_again_page(
    app_ctx: Flask, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app_ctx.config, "REPORT_WORKERS", 1)
    monkeypatch.setitem(app_ctx.config, "REPORT_QUEUE_SECONDS", 0.2)
    pool = build.render_pool()
    assert (pool.size, pool.wait) == (1, 0.2)
    renders = RenderLog(monkeypatch)
    client = sign_in(app_ctx.test_client(), world["governor"])
    assessment_id = world["assessments"][0]
    refused = pool.refused

    with pool.slot():  # another report has the only render process, and keeps it
        started = time.monotonic()
        response = client.get(f"/assessments/{assessment_id}/report.pdf")
        waited = time.monotonic() - started

    assert_try_again_page(response)
    assert renders.begun == 0  # never started: nothing to kill, nothing cached
    assert pool.refused == refused + 1
    assert waited < LIMIT  # turned away after its wait, not left hanging

    # Once the render process is free, the same report is made (it was not cached as a failure).
    monkeypatch.setitem(app_ctx.config, "REPORT_QUEUE_SECONDS", LIMIT)
    again = client.get(f"/assessments/{assessment_id}/report.pdf")
    assert again.status_code == 200 and again.headers["X-Report-Cache"] == "miss"
    assert again.get_data().startswith(b"%PDF-1.7")


def test_render_processes_start_together_and_run_below_the_apps_priority(app_ctx: Flask) -> None:
    pool = build.render_pool()
    build.warm_up(charts=False)
    pool.wait_ready()
    processes = pool.processes
    assert len(processes) == POOL and len({process.pid for process in processes}) == POOL
    own = os.getpriority(os.PRIO_PROCESS, 0)
    for process in processes:
        assert os.getpriority(os.PRIO_PROCESS, process.pid) == min(19, own + RENDER_NICENESS)


def test_a_pool_of_one_still_renders_every_report_in_turn(app_ctx: Flask, world: dict[str, Any]) -> None:
    pool = RenderPool(1)
    try:
        html = "<html lang='en'><title>t</title><p>{}</p></html>"
        done: list[bytes] = []

        def one(number: int) -> None:
            done.append(pool.render(html.format(number), timeout=LIMIT, wait=LIMIT).pdf)

        threads = [threading.Thread(target=one, args=(number,)) for number in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(3 * LIMIT)
        assert len(done) == 3 and all(item.startswith(b"%PDF") for item in done)
        assert pool.starts == 1 and pool.served == 3 and pool.refused == 0
    finally:
        pool.stop()
