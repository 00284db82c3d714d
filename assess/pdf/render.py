"""HTML -> PDF with WeasyPrint: a locked-down URL fetcher, and a render process that can be killed.

Safety. WeasyPrint fetches whatever the HTML and CSS point at (images, stylesheets, fonts, SVG
references) through its URL fetcher. `StaticOnlyFetcher` serves only:

- `data:` URLs;
- `report-chart:N`, the report's own charts: SVG text the app exported and hands to the render process
  (worker.py), never fetched from anywhere;
- `file:` URLs of files inside the app's static folder (symlinks resolved first, so `..` or a link
  cannot escape it).

Everything else (http, https, ftp, file: anywhere else, unknown schemes) is refused without being
opened, so there is no network access and no redirect to follow. User text never reaches this point as
markup anyway: Jinja autoescapes it, so `<img src=...>` in evidence is printed as text and WeasyPrint
never sees an element. The fetcher is the second line of defence. Every URL asked for is recorded and
returned with the PDF, so tests (and logs) can see exactly what was fetched.

Time limit. WeasyPrint cannot be interrupted from another thread, and a Python thread cannot be killed:
a render that runs away in a thread would keep a core busy after the user had been told it failed. So
rendering happens in a separate process (`RenderWorker`, running worker.py), started as a fresh interpreter
(not a fork of a process that runs Chromium's driver thread, and not multiprocessing's spawn, which would re-run
the parent's main script) and reused for every report. Each app process has a pool of them (pool.RenderPool,
`worker()`): as many as the cores, taken in turn by its request threads, first come first served.
The parent waits at most the time limit for the answer; past it the process is killed (SIGKILL), the
caller gets `RenderTimeout`, and the next report starts a fresh process. Nothing is left running.
Starting the process (about a second: importing WeasyPrint) is done once and is not counted
against a report's limit; it has its own limit, START_LIMIT.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .pool import RenderPool

log = logging.getLogger(__name__)

START_LIMIT = 60.0  # seconds for the render process to start (importing WeasyPrint, loading fonts)
STATIC_FOLDER = Path(__file__).resolve().parent.parent / "static"
# Options for every report: PDF/UA-1 (WeasyPrint tags the PDF, sets the language, the title as the window
# title, and the PDF/UA identification in the XMP metadata).
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1"}


class RenderError(RuntimeError):
    """WeasyPrint failed, or the render process died."""


class RenderTimeout(RenderError):
    """The render took longer than the time allowed; the process was killed."""


class RenderBusy(RenderError):
    """No render process became free within the wait allowed (pool.RenderPool): the render was not started."""


# -- Rendering --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    requested: tuple[str, ...] = ()  # every URL the fetcher was asked for (data: URLs cut short)
    refused: tuple[str, ...] = ()
    seconds: float = 0.0  # in the render process
    cpu_seconds: float = 0.0  # CPU time of the render process for this PDF
    queued: float = 0.0  # seconds waited for a free render process before the render began (pool.RenderPool)


WORKER_SCRIPT = Path(__file__).resolve().parent / "worker.py"


def render_in_this_process(html: str, static_folder: Path = STATIC_FOLDER, **options: Any) -> Rendered:
    """Render now, in this process, with no time limit (for tests and tools; the app uses RenderWorker).
    SVG text is drawn a run at a time, as in the render process (textruns)."""
    from . import textruns
    from .worker import render

    textruns.install()
    pdf, requested, refused, seconds, cpu = render(html, static_folder, {**PDF_OPTIONS, **options})
    return Rendered(pdf, tuple(requested), tuple(refused), seconds, cpu)


@dataclass
class RenderWorker:
    """One render process, started once and reused; killed at the time limit and restarted on next use.
    One render at a time: a second request waits its turn, and the wait counts against its limit (the app uses a
    pool of them, pool.RenderPool, which hands each request a process of its own and counts the wait apart).
    `niceness` lowers the process's CPU priority (os.nice), so that the app's pages come first."""

    static_folder: Path = STATIC_FOLDER
    niceness: int = 0
    _process: subprocess.Popen[bytes] | None = None
    _to_worker: Connection | None = None
    _from_worker: Connection | None = None
    _pid: int | None = None  # the parent's pid when started (a forked child must start its own)
    _ready: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _start_lock: threading.RLock = field(default_factory=threading.RLock)
    starts: int = 0
    killed: int = 0

    @property
    def process(self) -> subprocess.Popen[bytes] | None:
        return self._process

    def alive(self) -> bool:
        return self._process is not None and self._pid == os.getpid() and self._process.poll() is None

    def start(self) -> None:
        """Start the process if it is not running (without waiting for it to be ready)."""
        with self._start_lock:
            if self.alive():
                return
            self._discard()
            job_read, job_write = os.pipe()
            answer_read, answer_write = os.pipe()
            try:
                process = subprocess.Popen(
                    [
                        sys.executable,
                        "-I",
                        str(WORKER_SCRIPT),
                        str(job_read),
                        str(answer_write),
                        str(self.static_folder),
                        str(self.niceness),
                    ],
                    pass_fds=(job_read, answer_write),
                    stdin=subprocess.DEVNULL,
                    close_fds=True,
                )
            except BaseException:
                for fd in (job_read, job_write, answer_read, answer_write):
                    os.close(fd)
                raise
            os.close(job_read)
            os.close(answer_write)
            self._process = process
            self._to_worker = Connection(job_write, readable=False)
            self._from_worker = Connection(answer_read, writable=False)
            self._pid = os.getpid()
            self._ready = False
            self.starts += 1

    def wait_ready(self, timeout: float = START_LIMIT) -> None:
        with self._start_lock:
            self.start()
            if self._ready:
                return
            answers = self._from_worker
            assert answers is not None
            if not answers.poll(timeout):
                self._kill()
                raise RenderError(f"the PDF render process did not start within {timeout:.0f} seconds")
            try:
                status, detail = answers.recv()
            except (EOFError, OSError):
                self._discard()
                raise RenderError("the PDF render process stopped while starting") from None
            if status != "ready":
                self._discard()
                raise RenderError(f"the PDF render process could not start: {detail}")
            self._ready = True

    def render(
        self,
        html: str,
        *,
        timeout: float,
        charts: Callable[[float], list[str]] | None = None,
        **options: Any,
    ) -> Rendered:
        """The PDF, or RenderTimeout after `timeout` seconds (the process is then killed). Starting the
        process, when it is not running, is not counted.

        `charts`, if given, makes the SVGs of the HTML's `report-chart:N` images (charturl.chart_url): it is
        called with the seconds left once the HTML is on its way, so the charts are made while the render
        process parses the HTML and works out its styles (worker.py). If it raises, the render process is
        killed (it would otherwise wait for them) and the exception is raised here."""
        waiting_since = time.monotonic()
        if not self._lock.acquire(timeout=max(timeout, 0)):
            raise RenderTimeout(f"waited {timeout:.1f} seconds for another report to finish")
        try:
            starting = time.monotonic()
            self.wait_ready()
            deadline = waiting_since + timeout + (time.monotonic() - starting)
            jobs, answers = self._to_worker, self._from_worker
            assert jobs is not None and answers is not None
            try:
                jobs.send((html, {**PDF_OPTIONS, **options}, charts is not None))
            except OSError:
                self._discard()
                raise RenderError("the PDF render process had stopped") from None
            if charts is not None:
                try:
                    svgs = charts(deadline - time.monotonic())
                except BaseException:
                    self._kill()
                    raise
                # Sent from a thread: a pipe holds 64 KiB, so a large send waits until the render process reads
                # it, and only the answer's wait below is bounded by the deadline (past it the process is
                # killed, which ends a blocked send with an error).
                sender = threading.Thread(target=_send_quietly, args=(jobs, ("charts", svgs)), daemon=True)
                sender.start()
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not answers.poll(remaining):
                self._kill()
                raise RenderTimeout(f"the PDF took longer than {timeout:.1f} seconds")
            try:
                status, detail = answers.recv()
            except (EOFError, OSError):
                self._discard()
                raise RenderError("the PDF render process stopped during the render") from None
            if status != "ok":
                raise RenderError(f"WeasyPrint failed: {detail}")
            pdf, requested, refused, seconds, cpu = detail
            return Rendered(pdf, tuple(requested), tuple(refused), seconds, cpu)
        finally:
            self._lock.release()

    def _kill(self) -> None:
        process = self._process
        if process is not None and self._pid == os.getpid() and process.poll() is None:
            process.kill()
            process.wait(10)
            self.killed += 1
        self._discard()

    def _discard(self) -> None:
        for connection in (self._to_worker, self._from_worker):
            if connection is not None:
                connection.close()
        process = self._process
        if process is not None and self._pid == os.getpid() and process.poll() is None:
            process.kill()  # never leave one behind
            process.wait(10)
        self._process = self._to_worker = self._from_worker = self._pid = None
        self._ready = False

    def stop(self) -> None:
        """Ask the process to finish, then make sure it has."""
        with self._start_lock:
            if self._to_worker is not None and self.alive():
                try:
                    self._to_worker.send(None)
                    assert self._process is not None
                    self._process.wait(5)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            self._kill()


def _send_quietly(connection: Connection, message: Any) -> None:
    """Send, or give up quietly if the render process is gone (it was killed, and the caller says why)."""
    try:
        connection.send(message)
    except (OSError, ValueError):
        pass


# -- This process's pool -------------------------------------------------------------------------------------

_worker: RenderPool | None = None
_worker_lock = threading.Lock()
_settings: dict[str, Any] = {"size": None, "wait": None}  # as configured (kept for a pool made after a fork)


def configure(size: int | None = None, wait: float | None = None) -> RenderPool:
    """How many render processes this process's pool has (None or 0: as many as the cores it may use) and how long
    a request may wait for one (None: pool.DEFAULT_QUEUE_SECONDS): the app's REPORT_WORKERS and
    REPORT_QUEUE_SECONDS. Applies to the pool now and to one made later (in a forked child)."""
    _settings.update(size=size or None, wait=wait)
    return worker()


def worker() -> RenderPool:
    """This process's render processes (pool.RenderPool; each starts on first use), as configured."""
    global _worker
    from .pool import DEFAULT_QUEUE_SECONDS, RenderPool, default_size

    size = _settings["size"] or default_size()
    wait = DEFAULT_QUEUE_SECONDS if _settings["wait"] is None else float(_settings["wait"])
    with _worker_lock:
        if _worker is None:
            _worker = RenderPool(size, wait=wait)
            import atexit

            atexit.register(_worker.stop)
        else:
            _worker.resize(size)
            _worker.wait = wait
        return _worker


def _forget_after_fork() -> None:
    """A forked child starts its own pool (the parent's render processes and queue are not its own)."""
    global _worker, _worker_lock
    _worker, _worker_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_after_fork)
