"""Render processes for the reports of one app process: a pool sized to the machine, with a fair queue.

Why. With one render process per app process, reports asked for at the same moment were rendered one after
another, and the wait for the render process counted against each report's time limit: of four reports
asked for at once, the last had what was left of its limit after the others' renders, and could be stopped
with "try again later" although its own render would have taken a second. An app process also used one core
at most for reports, however many it was asked for, while the other app process could sit idle.

How.
- `size` render processes (worker.py, one `RenderWorker` each; default: the cores this process may run on,
  `default_size()`; the app's REPORT_WORKERS), so that every core renders while there are reports to make,
  whichever app process the requests reached. Each starts on first use (or `start()`: the app's pre-warm)
  and is reused; one that passes its time limit is killed and replaced on next use, as before.
- A fair queue: requests take a render process in the order they asked (first come, first served; Python's
  locks promise no order). A request waits at most `wait` seconds (the app's REPORT_QUEUE_SECONDS) for its turn;
  past that it gets `RenderBusy` (the app answers 503 with Retry-After, a page that says to try again),
  never an endless wait. At most WAITING_PER_PROCESS requests per render process wait at once; one more is
  turned away at once: a waiting request holds one of the app server's threads, and the threads that are left
  serve the pages (scripts/gunicorn.conf.py's GUNICORN_THREADS should exceed size x (1 + WAITING_PER_PROCESS)).
- The wait is counted apart from the time limit: a report's limit starts when it has a render process, so a
  report that waited its turn still has its whole limit for its own charts and PDF. A user waits at most
  `wait` + the limit (plus starting a render process that was not running, bounded by render.START_LIMIT).
- Render processes run at a lower CPU priority than the app (RENDER_NICENESS): on a machine with as many
  render processes as cores, pages still get the CPU first and a report takes the time pages leave.

The pool belongs to one app process (gunicorn's workers each have their own); what must be shared between
processes (finished reports) is in the report cache on disk. Nothing here imports Flask.
"""

from __future__ import annotations

import collections
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from .render import START_LIMIT, STATIC_FOLDER, RenderBusy, Rendered, RenderWorker

DEFAULT_QUEUE_SECONDS = 20.0  # how long a request waits for a render process (config: REPORT_QUEUE_SECONDS)
__all__ = [
    "DEFAULT_QUEUE_SECONDS",
    "RENDER_NICENESS",
    "WAITING_PER_PROCESS",
    "RenderBusy",
    "RenderPool",
    "Renderer",
    "default_size",
]
WAITING_PER_PROCESS = 2  # requests that may wait, for each render process (more are turned away at once)
RENDER_NICENESS = 10  # render processes yield the CPU to the app's pages (os.nice: 0 normal .. 19 lowest)


def default_size() -> int:
    """The cores this process may run on (its CPU affinity, else the machine's count), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


class Renderer(Protocol):
    """What the pool needs of a render process (RenderWorker; the tests use a fake)."""

    starts: int
    killed: int

    @property
    def process(self) -> Any: ...

    def start(self) -> None: ...

    def wait_ready(self, timeout: float = ...) -> None: ...

    def alive(self) -> bool: ...

    def render(
        self, html: str, *, timeout: float, charts: Callable[[float], list[str]] | None = ..., **options: Any
    ) -> Rendered: ...

    def stop(self) -> None: ...


class RenderPool:
    """`size` render processes shared by this app process's request threads, first come first served. Thread-safe.

    `render()` is a drop-in for RenderWorker.render (plus `wait`); `slot()` hands out a render process for the
    caller to use directly. `process`, `starts` and `killed` describe the first render process and the totals,
    as RenderWorker's do for its one process."""

    def __init__(
        self,
        size: int | None = None,
        *,
        wait: float = DEFAULT_QUEUE_SECONDS,
        max_waiting: int | None = None,
        static_folder: Path = STATIC_FOLDER,
        niceness: int = RENDER_NICENESS,
        factory: Callable[[], Renderer] | None = None,
    ):
        self._factory: Callable[[], Renderer] = factory or (
            lambda: RenderWorker(static_folder=static_folder, niceness=niceness)
        )
        self._size = max(1, size if size is not None else default_size())
        self.wait = float(wait)
        self._max_waiting = max_waiting  # None: WAITING_PER_PROCESS for each render process
        self._slots: list[Renderer] = [self._factory() for _ in range(self._size)]
        self._busy: set[int] = set()
        self._queue: collections.deque[object] = collections.deque()
        self._changed = threading.Condition(threading.Lock())
        # What the pool has done (for logs, tests and benchmarks).
        self.served = 0  # renders given a process
        self.refused = 0  # requests that waited `wait` seconds and were turned away
        self.longest_wait = 0.0
        self.most_waiting = 0  # the longest the queue has been

    # -- Size --------------------------------------------------------------------------------------------------

    @property
    def size(self) -> int:
        return self._size

    def resize(self, size: int) -> None:
        """Use `size` render processes from now on. More: added (started on first use). Fewer: the extra ones
        are stopped when idle, at once or when their render ends."""
        size = max(1, int(size))
        idle_extra: list[Renderer] = []
        with self._changed:
            if size == self._size:
                return
            while len(self._slots) < size:
                self._slots.append(self._factory())
            self._size = size
            idle_extra = [slot for index, slot in enumerate(self._slots) if index >= size and index not in self._busy]
            self._changed.notify_all()
        for slot in idle_extra:
            slot.stop()

    @property
    def max_waiting(self) -> int:
        """The most requests that may wait at once; one more is turned away at once."""
        return self._max_waiting if self._max_waiting is not None else WAITING_PER_PROCESS * self._size

    @property
    def running(self) -> int:
        """Render processes rendering now."""
        with self._changed:
            return len(self._busy)

    @property
    def waiting(self) -> int:
        """Requests waiting for a render process now."""
        with self._changed:
            return len(self._queue)

    # -- Taking a render process ------------------------------------------------------------------------------

    def _take(self, wait: float) -> tuple[int, float]:
        """The index of a free render process, in the order asked for; RenderBusy after `wait` seconds."""
        asked = time.monotonic()
        deadline = asked + max(wait, 0.0)
        ticket = object()
        with self._changed:
            if self._free() is None and len(self._queue) >= self.max_waiting:
                self.refused += 1
                raise RenderBusy(f"{len(self._busy)} reports rendering and {len(self._queue)} waiting already")
            self._queue.append(ticket)
            self.most_waiting = max(self.most_waiting, len(self._queue))
            try:
                while True:
                    if self._queue[0] is ticket:
                        index = self._free()
                        if index is not None:
                            self._queue.popleft()
                            self._busy.add(index)
                            waited = time.monotonic() - asked
                            self.served += 1
                            self.longest_wait = max(self.longest_wait, waited)
                            if self._queue:
                                self._changed.notify_all()  # the next in line may take another free one
                            return index, waited
                    left = deadline - time.monotonic()
                    if left <= 0:
                        self.refused += 1
                        raise RenderBusy(
                            f"no render process was free within {wait:g} seconds "
                            f"({len(self._busy)} rendering, {len(self._queue) - 1} waiting)"
                        )
                    self._changed.wait(left)
            except BaseException:
                if ticket in self._queue:
                    self._queue.remove(ticket)
                    self._changed.notify_all()  # whoever was behind may now be first
                raise

    def _free(self) -> int | None:
        for index in range(self._size):
            if index not in self._busy:
                return index
        return None

    def _give_back(self, index: int) -> None:
        retire: Renderer | None = None
        with self._changed:
            self._busy.discard(index)
            if index >= self._size:
                retire = self._slots[index]
            self._changed.notify_all()
        if retire is not None:
            retire.stop()

    @contextmanager
    def slot(self, wait: float | None = None) -> Iterator[tuple[Renderer, float]]:
        """A render process for the caller alone, and the seconds waited for it; RenderBusy after `wait` seconds
        (default: the pool's). It is given back, to the next in line, when the block ends."""
        index, waited = self._take(self.wait if wait is None else wait)
        try:
            yield self._slots[index], waited
        finally:
            self._give_back(index)

    def render(
        self,
        html: str,
        *,
        timeout: float,
        charts: Callable[[float], list[str]] | None = None,
        wait: float | None = None,
        **options: Any,
    ) -> Rendered:
        """RenderWorker.render on the next free render process: `timeout` counts from when it has one (the wait,
        at most `wait` seconds, is counted apart and returned as Rendered.queued)."""
        with self.slot(wait) as (renderer, waited):
            rendered = renderer.render(html, timeout=timeout, charts=charts, **options)
        return replace(rendered, queued=waited)

    # -- Life cycle (as RenderWorker's) -----------------------------------------------------------------------

    def _in_use(self) -> list[Renderer]:
        with self._changed:
            return self._slots[: self._size]

    def start(self) -> None:
        """Start every render process that is not running (without waiting for them): the app's pre-warm."""
        for slot in self._in_use():
            slot.start()

    def wait_ready(self, timeout: float = START_LIMIT) -> None:
        """Start them all and wait until each is ready (their starts overlap)."""
        slots = self._in_use()
        for slot in slots:
            slot.start()
        for slot in slots:
            slot.wait_ready(timeout)

    def alive(self) -> bool:
        return any(slot.alive() for slot in self._in_use())

    def stop(self) -> None:
        with self._changed:
            slots = list(self._slots)
        for slot in slots:
            slot.stop()

    @property
    def process(self) -> Any:
        """The first render process (the one a lone request uses), or None."""
        return self._slots[0].process

    @property
    def processes(self) -> list[Any]:
        return [slot.process for slot in self._in_use() if slot.process is not None]

    @property
    def starts(self) -> int:
        return sum(slot.starts for slot in self._slots)

    @property
    def killed(self) -> int:
        return sum(slot.killed for slot in self._slots)
