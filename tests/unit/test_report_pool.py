"""The pool of render processes (assess.pdf.pool, issue 15): N renders at once, the rest queued first come first
served, the wait counted apart from the time limit, a bounded wait ending in RenderBusy, and the settings.

The render processes here are fakes that render when the test lets them, so that who runs when is decided by
the test, never by timing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assess.config import ConfigError, from_environment
from assess.pdf import render as pdf
from assess.pdf.pool import DEFAULT_QUEUE_SECONDS, RenderPool, default_size

PATIENCE = 10.0  # seconds a test waits for something that should happen at once (only reached on failure)


class FakeRenderer:
    """Renders `html` when the test releases it (`gate(html).set()`); records what it was given."""

    def __init__(self, board: Board):
        self.board = board
        self.starts = 0
        self.killed = 0
        self.stopped = 0
        self.started = False

    @property
    def process(self) -> Any:
        return self if self.started else None

    def start(self) -> None:
        if not self.started:
            self.started = True
            self.starts += 1

    def wait_ready(self, timeout: float = 60) -> None:
        self.start()

    def alive(self) -> bool:
        return self.started

    def stop(self) -> None:
        self.started = False
        self.stopped += 1

    def render(self, html: str, *, timeout: float, charts: Callable[[float], list[str]] | None = None, **options: Any):
        self.board.begin(html, self, timeout)
        try:
            if not self.board.gate(html).wait(PATIENCE):
                raise AssertionError(f"{html} was never released")
            if html.startswith("fail"):
                raise pdf.RenderError("WeasyPrint failed: on purpose")
            return pdf.Rendered(f"%PDF {html}".encode())
        finally:
            self.board.end(html)


class Board:
    """What the fake renderers did: the order renders began, how many ran at once, the time limits given."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.gates: dict[str, threading.Event] = {}
        self.began: list[str] = []
        self.timeouts: dict[str, float] = {}
        self.renderers: dict[str, FakeRenderer] = {}
        self.running = 0
        self.most_at_once = 0

    def gate(self, html: str) -> threading.Event:
        with self.lock:
            return self.gates.setdefault(html, threading.Event())

    def begin(self, html: str, renderer: FakeRenderer, timeout: float) -> None:
        with self.lock:
            self.began.append(html)
            self.timeouts[html] = timeout
            self.renderers[html] = renderer
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
            self.lock.notify_all()

    def end(self, html: str) -> None:
        with self.lock:
            self.running -= 1
            self.lock.notify_all()

    def wait_for(self, test: Callable[[], bool]) -> None:
        with self.lock:
            assert self.lock.wait_for(test, PATIENCE), "timed out waiting for the renders"


@pytest.fixture()
def board() -> Board:
    return Board()


def make_pool(board: Board, size: int, wait: float = 30) -> RenderPool:
    return RenderPool(size, wait=wait, factory=lambda: FakeRenderer(board))


class Requests:
    """Request threads, each asking the pool for one render; started one at a time, in a known order."""

    def __init__(self, pool: RenderPool):
        self.pool = pool
        self.results: dict[str, Any] = {}
        self.threads: list[threading.Thread] = []

    def ask(self, html: str, *, timeout: float = 20, wait: float | None = None) -> None:
        before = self.pool.waiting + self.pool.running

        def run() -> None:
            try:
                self.results[html] = self.pool.render(html, timeout=timeout, wait=wait)
            except Exception as exc:  # noqa: BLE001  (recorded for the test to check)
                self.results[html] = exc

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        self.threads.append(thread)
        # Asked for before the next one is: it is rendering or in the queue.
        deadline = time.monotonic() + PATIENCE
        while self.pool.waiting + self.pool.running <= before and thread.is_alive():
            assert time.monotonic() < deadline, f"{html} never reached the pool"
            time.sleep(0.001)

    def join(self) -> None:
        for thread in self.threads:
            thread.join(PATIENCE)
            assert not thread.is_alive()


def test_the_pool_renders_n_at_once_and_the_rest_in_the_order_they_asked(board: Board) -> None:
    pool = make_pool(board, 2)
    requests = Requests(pool)
    names = [f"report {number}" for number in range(6)]
    for name in names:
        requests.ask(name)

    board.wait_for(lambda: len(board.began) == 2)
    assert board.began == names[:2]
    assert (pool.running, pool.waiting) == (2, 4)

    # Each time one finishes, the first still waiting begins (and only that one).
    for finished, expected in zip(names, names[2:], strict=False):
        board.gate(finished).set()
        board.wait_for(lambda expected=expected: expected in board.began)
        assert board.began[-1] == expected
        assert pool.running == 2
    for name in names:
        board.gate(name).set()
    requests.join()

    assert board.began == names  # first come, first served
    assert board.most_at_once == 2  # never more than the pool's size
    assert [requests.results[name].pdf for name in names] == [f"%PDF {name}".encode() for name in names]
    assert (pool.served, pool.refused, pool.running, pool.waiting) == (6, 0, 0, 0)


def test_each_request_gets_its_own_render_process(board: Board) -> None:
    pool = make_pool(board, 3)
    requests = Requests(pool)
    for name in ("a", "b", "c"):
        requests.ask(name)
    board.wait_for(lambda: len(board.began) == 3)
    assert len({id(board.renderers[name]) for name in ("a", "b", "c")}) == 3
    for name in ("a", "b", "c"):
        board.gate(name).set()
    requests.join()


def test_the_wait_is_not_taken_from_the_time_limit(board: Board) -> None:
    pool = make_pool(board, 1)
    requests = Requests(pool)
    requests.ask("first", timeout=20)
    requests.ask("second", timeout=20)
    board.wait_for(lambda: board.began == ["first"])
    time.sleep(0.3)  # the second waits at least this long for the first
    board.gate("first").set()
    board.gate("second").set()
    requests.join()

    assert board.timeouts["second"] == 20  # its whole limit, once it had a render process
    assert requests.results["second"].queued >= 0.3
    assert requests.results["first"].queued < requests.results["second"].queued
    assert pool.longest_wait >= 0.3


def test_a_request_that_cannot_start_in_time_is_turned_away_and_the_queue_moves_on(board: Board) -> None:
    pool = make_pool(board, 1)
    requests = Requests(pool)
    requests.ask("holding")
    requests.ask("impatient", wait=0.2)
    requests.ask("patient", wait=PATIENCE)

    requests.threads[1].join(PATIENCE)
    refused = requests.results["impatient"]
    assert isinstance(refused, pdf.RenderBusy) and isinstance(refused, pdf.RenderError)
    assert "no render process was free within 0.2 seconds (1 rendering, 1 waiting)" in str(refused)
    assert "impatient" not in board.began  # never started
    assert (pool.refused, pool.waiting) == (1, 1)  # only the patient one still waits

    board.gate("holding").set()
    board.gate("patient").set()
    requests.join()
    assert board.began == ["holding", "patient"]
    assert requests.results["patient"].pdf == b"%PDF patient"


def test_when_the_queue_is_full_one_more_request_is_turned_away_at_once(board: Board) -> None:
    pool = RenderPool(1, wait=PATIENCE, max_waiting=2, factory=lambda: FakeRenderer(board))
    requests = Requests(pool)
    for name in ("rendering", "first waiting", "second waiting"):
        requests.ask(name)
    assert (pool.running, pool.waiting) == (1, 2)

    started = time.monotonic()
    with pytest.raises(pdf.RenderBusy, match="1 reports rendering and 2 waiting already"):
        pool.render("one too many", timeout=20)
    assert time.monotonic() - started < PATIENCE / 2  # at once, not after its wait
    assert pool.refused == 1 and pool.waiting == 2

    for name in ("rendering", "first waiting", "second waiting"):
        board.gate(name).set()
    requests.join()
    assert board.began == ["rendering", "first waiting", "second waiting"]


def test_by_default_each_render_process_has_two_places_in_the_queue(board: Board) -> None:
    assert make_pool(board, 1).max_waiting == 2
    pool = make_pool(board, 3)
    assert pool.max_waiting == 6
    pool.resize(2)
    assert pool.max_waiting == 4


def test_a_wait_of_zero_renders_at_once_when_a_process_is_free_and_refuses_otherwise(board: Board) -> None:
    pool = make_pool(board, 1, wait=0)
    board.gate("free").set()
    assert pool.render("free", timeout=5).pdf == b"%PDF free"
    with pool.slot():  # the only render process, taken
        with pytest.raises(pdf.RenderBusy):
            pool.render("busy", timeout=5)
    assert "busy" not in board.began


def test_a_failed_render_gives_its_process_back(board: Board) -> None:
    pool = make_pool(board, 1)
    board.gate("fail").set()
    board.gate("next").set()
    with pytest.raises(pdf.RenderError, match="on purpose"):
        pool.render("fail", timeout=5)
    assert pool.running == 0
    assert pool.render("next", timeout=5, wait=0).pdf == b"%PDF next"


def test_a_request_that_gives_up_while_first_in_line_lets_the_next_one_through(board: Board) -> None:
    pool = make_pool(board, 2)
    requests = Requests(pool)
    requests.ask("a")
    requests.ask("b")
    requests.ask("gives up", wait=0.2)
    requests.ask("c", wait=PATIENCE)
    requests.threads[2].join(PATIENCE)
    assert isinstance(requests.results["gives up"], pdf.RenderBusy)
    board.gate("a").set()
    board.wait_for(lambda: "c" in board.began)
    for name in ("b", "c"):
        board.gate(name).set()
    requests.join()
    assert board.began == ["a", "b", "c"]


def test_resizing(board: Board) -> None:
    pool = make_pool(board, 1)
    pool.resize(3)
    requests = Requests(pool)
    for name in ("a", "b", "c", "d"):
        requests.ask(name)
    board.wait_for(lambda: len(board.began) == 3)
    assert pool.waiting == 1

    pool.resize(1)  # the three rendering finish; their processes are stopped as they end, bar the first
    for name in ("a", "b", "c", "d"):
        board.gate(name).set()
    requests.join()
    assert board.most_at_once == 3
    assert pool.size == 1
    stopped = [renderer.stopped for renderer in pool._slots]
    assert stopped[0] == 0 and stopped[1:] == [1, 1]


def test_start_wait_ready_and_stop_cover_every_render_process(board: Board) -> None:
    pool = make_pool(board, 3)
    assert pool.process is None and not pool.alive()
    pool.start()
    assert pool.starts == 3 and pool.alive() and pool.process is not None
    assert len(pool.processes) == 3
    pool.stop()
    assert not pool.alive() and pool.processes == []


def test_the_pool_is_sized_to_the_machine_by_default(board: Board) -> None:
    assert default_size() >= 1
    assert RenderPool(factory=lambda: FakeRenderer(board)).size == default_size()
    assert RenderPool(0, factory=lambda: FakeRenderer(board)).size == 1  # never none


def test_the_process_pool_follows_the_configured_size_and_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "_worker", None)
    monkeypatch.setattr(pdf, "_settings", {"size": None, "wait": None})
    pool = pdf.worker()
    try:
        assert (pool.size, pool.wait) == (default_size(), DEFAULT_QUEUE_SECONDS)
        assert pdf.configure(3, 7.5) is pool
        assert (pool.size, pool.wait) == (3, 7.5)
        assert pdf.worker() is pool and pool.size == 3  # kept for later callers (the packs, the board pack)
        pdf.configure(None, None)
        assert (pool.size, pool.wait) == (default_size(), DEFAULT_QUEUE_SECONDS)
        pdf._forget_after_fork()  # what a forked child does: a pool of its own, with the same settings
        monkeypatch.setattr(pdf, "_settings", {"size": 2, "wait": 4.0})
        child = pdf.worker()
        assert child is not pool and (child.size, child.wait) == (2, 4.0)
    finally:
        pool.stop()


# -- Settings -----------------------------------------------------------------------------------------------------


@pytest.fixture()
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("REPORT_WORKERS", "REPORT_QUEUE_SECONDS", "ASSESS_ENV", "SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_settings_default_to_the_cores_and_twenty_seconds(clean_environment: None, tmp_path: Path) -> None:
    config = from_environment(tmp_path)
    assert config["REPORT_WORKERS"] == 0  # as many as the cores
    assert config["REPORT_QUEUE_SECONDS"] == 20.0 == DEFAULT_QUEUE_SECONDS


def test_settings_from_the_environment(
    clean_environment: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORT_WORKERS", "3")
    monkeypatch.setenv("REPORT_QUEUE_SECONDS", "4.5")
    config = from_environment(tmp_path)
    assert (config["REPORT_WORKERS"], config["REPORT_QUEUE_SECONDS"]) == (3, 4.5)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("REPORT_WORKERS", "two", "REPORT_WORKERS must be a whole number, not 'two'"),
        ("REPORT_WORKERS", "-1", "REPORT_WORKERS must be at least 0, not '-1'"),
        ("REPORT_QUEUE_SECONDS", "soon", "REPORT_QUEUE_SECONDS must be a number, not 'soon'"),
        ("REPORT_QUEUE_SECONDS", "-2", "REPORT_QUEUE_SECONDS must be at least 0, not '-2'"),
    ],
)
def test_a_setting_that_cannot_be_used_is_named(
    clean_environment: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        from_environment(tmp_path)
