"""The PDF render process: WeasyPrint with the locked-down fetcher, one job at a time.

Started by render.RenderWorker as `python -I assess/pdf/worker.py <read fd> <write fd> <static folder> [niceness]`
(niceness: added to the process's own with os.nice before anything else, so that renders yield the CPU to the
app's pages; pool.RENDER_NICENESS):
a script, not `-m assess.pdf.worker`, so that the process imports WeasyPrint and nothing of the app
(importing the `assess` package would pull in Flask, SQLAlchemy and the rest: seconds, for nothing).
It imports only the standard library, WeasyPrint and fetcher.py (which imports nothing of the app
either). Jobs and answers are plain tuples pickled over two pipes (multiprocessing.connection):

- the app sends `(html, options, charts)`; with `charts` true the HTML's chart images are `report-chart:N`
  URLs whose SVGs are not made yet, and the app sends them next, as `("charts", [svg, ...])` (if it cannot
  make them, it kills this process instead: it would otherwise wait for them). Meanwhile this process
  parses the HTML and works out its styles: the fetcher asks for the first chart only when WeasyPrint
  builds its boxes (about a tenth of a second in), and waits for them there. So the charts are exported
  and the report begins to be rendered at the same time, on the machine's two cores;
- this process answers `("ok", (pdf, requested URLs, refused URLs, seconds, CPU seconds))` or
  `("error", message)`.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

if __package__:
    from . import textruns
    from .fetcher import StaticOnlyFetcher, URLRefused
else:  # run as a script: fetcher.py and textruns.py sit next to this file (appended: nothing is shadowed)
    sys.path.append(str(Path(__file__).resolve().parent))
    import textruns  # type: ignore[no-redef]
    from fetcher import StaticOnlyFetcher, URLRefused  # type: ignore[no-redef]

# Loads WeasyPrint's code paths and the fonts a report uses (regular, bold, monospace, and text in an SVG),
# so that the first real report does not pay for them. It runs while Chromium starts.
WARM_UP = (
    "<html lang='en'><title>warm-up</title><body style='font-family: \"Liberation Sans\", \"DejaVu Sans\"'>"
    "<h1>Warm-up – 1.0</h1><p>Text <strong>bold</strong> <span style='font-family: \"DejaVu Sans Mono\"'>0f</span>"
    "</p><table><thead><tr><th>A</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>"
    "<img alt='chart' src='data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRo"
    "PSIxMDAiIGhlaWdodD0iMjAiPjx0ZXh0IHg9IjAiIHk9IjE1IiBmb250LWZhbWlseT0iTGliZXJhdGlvbiBTYW5zIj4xLjA8L3RleHQ+PC9zdmc+'>"
    "</body></html>"
)


def _short(url: str) -> str:
    return url[:60] + "…" if url.startswith("data:") and len(url) > 60 else url


class ChartSupply:
    """The charts of the job being rendered, received from the app when WeasyPrint first asks for one."""

    def __init__(self, incoming: Connection):
        self.incoming = incoming
        self.received = False
        self.svgs: list[str] = []
        self.failure: str | None = None

    def receive(self) -> None:
        if self.received:
            return
        message = self.incoming.recv()
        self.received = True
        if isinstance(message, tuple) and len(message) == 2 and message[0] == "charts":
            self.svgs = list(message[1])
        else:  # not charts: the app is stopping this process
            self.failure = "the app sent no charts"

    def __call__(self, index: int) -> str:
        self.receive()
        if self.failure is not None:
            raise URLRefused(f"no charts: {self.failure}")
        if not 0 <= index < len(self.svgs):
            raise URLRefused(f"no chart {index}")
        return self.svgs[index]


def render(
    html: str, static_folder: Path, options: dict[str, Any], charts: ChartSupply | None = None
) -> tuple[bytes, list[str], list[str], float, float]:
    """(PDF, URLs the fetcher was asked for, URLs it refused, seconds, CPU seconds)."""
    from weasyprint import HTML

    started, cpu = time.perf_counter(), time.process_time()
    fetcher = StaticOnlyFetcher(static_folder, charts)
    document = HTML(string=html, base_url=static_folder.resolve().as_uri() + "/", url_fetcher=fetcher)
    pdf = document.write_pdf(**options)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return pdf, [_short(url) for url in fetcher.requested], list(fetcher.refused), seconds, cpu


def serve(incoming: Connection, outgoing: Connection, static_folder: Path) -> None:
    """Warm up (WeasyPrint's imports and fonts), say ready, then render jobs until told to stop."""
    try:
        textruns.install()
        render(WARM_UP, static_folder, {})
        gc.collect()
        gc.freeze()  # what WeasyPrint keeps for the life of the process is never scanned again
        outgoing.send(("ready", os.getpid()))
    except Exception as exc:  # noqa: BLE001  (reported to the parent)
        outgoing.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    while True:
        try:
            job = incoming.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        html, options, pending = job
        charts = ChartSupply(incoming) if pending else None
        # Python's cyclic garbage collector is off from the job until its answer has been sent: a report
        # makes millions of short-lived objects, and the collector's passes over them were about 15% of a
        # render. The render's garbage is collected once, after the answer has gone.
        gc.disable()
        try:
            answer: tuple[str, Any] = ("ok", render(html, static_folder, options, charts))
        except Exception as exc:  # noqa: BLE001  (reported to the parent, which logs it)
            answer = ("error", f"{type(exc).__name__}: {exc}")
        if charts is not None:
            try:
                charts.receive()  # sent whether or not the HTML asked for them: stay in step with the app
            except (EOFError, OSError):
                return
        try:
            outgoing.send(answer)
        finally:
            gc.enable()
            gc.collect()


def main(argv: list[str]) -> None:
    logging.basicConfig(level=logging.WARNING, format="report-renderer: %(levelname)s %(name)s: %(message)s")
    read_fd, write_fd, folder = int(argv[1]), int(argv[2]), Path(argv[3])
    niceness = int(argv[4]) if len(argv) > 4 else 0
    if niceness > 0:
        try:
            os.nice(niceness)
        except OSError:  # not allowed here: render at the app's priority
            pass
    serve(Connection(read_fd, writable=False), Connection(write_fd, readable=False), folder)


if __name__ == "__main__":
    main(sys.argv)
