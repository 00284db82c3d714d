"""Plotly figures -> SVG with Plotly's own exporter (kaleido 1.x, which drives Debian's Chromium).

One exporter per process, started once and reused for every chart of every report: a Chromium with
one tab that has plotly.js loaded, driven from a private asyncio loop in a daemon thread. Starting it
takes seconds (launching Chromium and parsing 5 MB of plotly.js); a chart then takes about 0.1 s.

Two things differ from `plotly.io.to_image`:

- `plotly.io.to_image` without a running kaleido server starts a new Chromium for every call, and
  kaleido's own sync server is not safe to call from several request threads at once (its result
  queue is shared). Here each export is a coroutine submitted to the exporter's loop with
  `asyncio.run_coroutine_threadsafe`, so concurrent requests get their own results, with a time limit.
- Kaleido reloads its tab after every figure, which re-parses plotly.js (about half a second each
  time). `_ReusingKaleido` reloads it every RELOAD_EVERY figures instead, which bounds any memory the
  page keeps between figures while not paying for a reload per chart.

MathJax is switched off (kaleido would otherwise load it from a CDN); plotly.js is the app's own copy
(assess/static/js/plotly-strict.min.js, the same file and version the results page uses) when present.

The SVG is then tidied for WeasyPrint (`tidy_svg`): anything that could point outside the document
(`<image>`, `<a>`, `<script>`, `<foreignObject>`, external hrefs) is removed, empty groups are
dropped and inline styles become presentation attributes (WeasyPrint draws it about 15% faster), and
the font is Liberation Sans: the font Chromium used to measure the text (it has no GDS Transport and
falls back to Arial, which Debian maps to the metric-compatible Liberation Sans).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import os
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
CHART_WIDTH = 640  # pixels: the width the chart layouts are designed for (assess.charts.style.LEGEND_WIDTH)
DEFAULT_HEIGHT = 480
RELOAD_EVERY = 200  # figures between tab reloads
START_LIMIT = 60.0  # seconds to start Chromium and load plotly.js (once per process)
# Chromium runs at a lower CPU priority than the app's pages, as the render processes do (pool.RENDER_NICENESS):
# the page-speed benchmark found pages losing up to half their throughput to it while reports were made
# (issue 15). Added to the app process's own niceness (at most 19).
CHROMIUM_NICENESS = 10
PDF_FONT_FAMILY = "'Liberation Sans', Arial, sans-serif"
APP_PLOTLY_JS = Path(__file__).resolve().parent.parent / "static" / "js" / "plotly-strict.min.js"

# Elements that could fetch something or run something; plotly never emits them for our figures, and a
# label that tried to smuggle one in would be escaped anyway. Removed whatever they contain.
_DROPPED = {"image", "script", "foreignObject", "iframe", "video", "audio", "use", "style"}
_CONTAINERS = {"g", "defs"}


class ChartExportError(RuntimeError):
    """The charts could not be exported (no Chromium, or it failed)."""


class ChartExportTimeout(ChartExportError):
    """The charts took longer than the time allowed."""


def chromium_descendants(root: int | None = None) -> list[int]:
    """The ids of the Chromium processes (browser, zygote, renderers, ...) started by this process, from /proc
    (none where there is no /proc)."""
    root = os.getpid() if root is None else root
    children: dict[int, list[tuple[int, bytes]]] = {}
    try:
        entries = [entry.name for entry in os.scandir("/proc") if entry.name.isdigit()]
    except OSError:
        return []
    for name in entries:
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                text = stat.read()
        except OSError:  # gone meanwhile
            continue
        command = text[text.find(b"(") + 1 : text.rfind(b")")]
        parent = int(text[text.rfind(b")") + 2 :].split()[1])
        children.setdefault(parent, []).append((int(name), command))
    found: list[int] = []
    waiting = [root]
    while waiting:
        for pid, command in children.get(waiting.pop(), []):
            waiting.append(pid)
            if b"chrom" in command.lower():
                found.append(pid)
    return found


def lower_chromium_priority(niceness: int) -> None:
    """Give this process's Chromium processes `niceness` more than the process's own (at most 19). Processes
    Chromium starts later (a new tab's renderer) are forked from them and keep it."""
    target = min(19, os.getpriority(os.PRIO_PROCESS, 0) + niceness)
    for pid in chromium_descendants():
        try:
            if os.getpriority(os.PRIO_PROCESS, pid) < target:
                os.setpriority(os.PRIO_PROCESS, pid, target)
        except OSError:  # gone meanwhile, or not ours to change
            continue


def _kaleido_class() -> type:
    import kaleido

    class _ReusingKaleido(kaleido.Kaleido):  # type: ignore[misc,name-defined]
        """Kaleido that keeps its tab between figures (reloading it every RELOAD_EVERY figures)."""

        _figures_done = 0

        async def _return_kaleido_tab(self, tab: Any) -> None:
            self._figures_done += 1
            if self._figures_done % RELOAD_EVERY == 0:
                await tab.reload()
            await self.tabs_ready.put(tab)

    return _ReusingKaleido


class SvgExporter:
    """A Chromium with plotly.js loaded, started once and reused. Thread-safe."""

    def __init__(self, *, tabs: int = 1, plotlyjs: Path | None = None):
        self._tabs = tabs
        self._plotlyjs = plotlyjs if plotlyjs is not None else (APP_PLOTLY_JS if APP_PLOTLY_JS.is_file() else None)
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self._starting: Any = None
        self._ready: concurrent.futures.Future[Any] | None = None
        self._pid: int | None = None
        self.starts = 0  # browsers started by this exporter (one, unless one was stopped after a failure)
        self.figures = 0  # figures exported

    # -- Life cycle -----------------------------------------------------------------------------------

    def start(self) -> concurrent.futures.Future[Any]:
        """Start Chromium in the background if it is not running in this process; returns a future that
        completes when it is ready. Safe to call from many threads: only the first call starts it."""
        with self._lock:
            if self._ready is not None and self._pid == os.getpid():
                return self._ready
            # Nothing started yet, or we are in a child forked after the start (its thread did not survive).
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="chart-exporter", daemon=True)
            thread.start()
            self._loop, self._thread, self._pid = loop, thread, os.getpid()
            self._ready = asyncio.run_coroutine_threadsafe(self._open(), loop)
            self.starts += 1
            return self._ready

    async def _open(self) -> Any:
        kaleido_class = _kaleido_class()
        options: dict[str, Any] = {"n": self._tabs, "mathjax": False, "timeout": None}
        if self._plotlyjs is not None:
            options["plotlyjs"] = str(self._plotlyjs)
        browser = kaleido_class(**options)
        self._starting = browser  # so that stop() can close it even while it starts
        await browser.open()
        lower_chromium_priority(CHROMIUM_NICENESS)
        self._kaleido = browser
        return browser

    def wait_ready(self, timeout: float = START_LIMIT) -> None:
        ready = self.start()
        try:
            ready.result(timeout)
        except concurrent.futures.TimeoutError:
            self.stop()
            raise ChartExportError(f"Chromium did not start within {timeout:.0f} seconds") from None
        except Exception as exc:  # ChromeNotFoundError and friends
            self.stop()
            raise ChartExportError(
                f"Could not start Chromium for the charts ({type(exc).__name__}: {exc}). "
                "Install it with `make browser` (Debian: `apt-get install chromium`)."
            ) from exc

    def stop(self) -> None:
        """Close Chromium and the loop (after a failure or a time-out, or at exit); a Chromium that does not
        close is killed. The next export starts a new one."""
        with self._lock:
            loop, thread, ready = self._loop, self._thread, self._ready
            browser = self._kaleido or self._starting
            self._loop = self._thread = self._kaleido = self._starting = self._ready = None
            self._pid = None
        if loop is None:
            return
        if ready is not None and not ready.done():
            ready.cancel()  # still starting
        if browser is not None and loop.is_running():
            try:
                asyncio.run_coroutine_threadsafe(browser.close(), loop).result(10)
            except Exception:  # noqa: BLE001  (closing a broken browser: it is killed below)
                log.warning("chart exporter: Chromium did not close cleanly", exc_info=True)
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(5)
        process = getattr(browser, "subprocess", None)
        if process is not None and process.poll() is None:
            process.kill()  # never leave a Chromium behind
            process.wait(5)
        if not loop.is_running():
            loop.close()

    @property
    def running(self) -> bool:
        return self._kaleido is not None and self._pid == os.getpid()

    # -- Export ---------------------------------------------------------------------------------------

    def export(self, figures: Sequence[dict[str, Any]], *, timeout: float, width: int = CHART_WIDTH) -> list[str]:
        """SVG text for each figure (a plotly figure as a dict), in order, tidied for WeasyPrint. Raises
        ChartExportTimeout past `timeout` seconds (the exporter is then restarted on next use, since a
        figure may still be drawing in its tab)."""
        if not figures:
            return []
        self.wait_ready()
        loop, browser = self._loop, self._kaleido
        if loop is None or browser is None:
            raise ChartExportError("the chart exporter stopped")

        async def export_all() -> list[bytes]:
            jobs = [
                browser.calc_fig(
                    figure,
                    opts={
                        "format": "svg",
                        "width": width,
                        "height": int(figure.get("layout", {}).get("height") or DEFAULT_HEIGHT),
                    },
                )
                for figure in figures
            ]
            return list(await asyncio.gather(*jobs))

        future = asyncio.run_coroutine_threadsafe(export_all(), loop)
        try:
            raw = future.result(max(timeout, 0.001))
        except concurrent.futures.TimeoutError:
            future.cancel()
            self.stop()
            raise ChartExportTimeout(f"charts took longer than {timeout:.1f} seconds") from None
        except Exception as exc:
            self.stop()
            raise ChartExportError(f"chart export failed: {type(exc).__name__}: {exc}") from exc
        self.figures += len(raw)
        return [tidy_svg(item) for item in raw]


# -- One exporter per process ---------------------------------------------------------------------------

_exporter: SvgExporter | None = None
_exporter_lock = threading.Lock()


def exporter() -> SvgExporter:
    """This process's exporter (created on first use; Chromium starts on the first export)."""
    global _exporter
    with _exporter_lock:
        if _exporter is None:
            _exporter = SvgExporter()
            import atexit

            atexit.register(_exporter.stop)
        return _exporter


def figure_dict(figure_json: str) -> dict[str, Any]:
    """The figure exactly as the results page sends it to plotly.js (assess.charts.figure_json)."""
    data = json.loads(figure_json)
    if not isinstance(data, dict):
        raise ValueError("a plotly figure is a JSON object")
    return data


# -- Tidying the SVG for WeasyPrint ---------------------------------------------------------------------


ET.register_namespace("xlink", XLINK_NS)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _is_external(value: str) -> bool:
    return not value.strip().startswith("#")


_URL = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)


def _only_internal_urls(value: str) -> bool:
    return all(target.startswith("#") for target in _URL.findall(value))


def _prune(element: ET.Element) -> None:
    for child in list(element):
        if not isinstance(child.tag, str) or _local(child.tag) in _DROPPED:
            element.remove(child)
            continue
        if _local(child.tag) == "a":
            # Keep what a link shows, without the link.
            index = list(element).index(child)
            element.remove(child)
            for offset, grandchild in enumerate(list(child)):
                element.insert(index + offset, grandchild)
            _prune(element)
            return
        _prune(child)
        if _local(child.tag) in _CONTAINERS and len(child) == 0 and not (child.text or "").strip():
            element.remove(child)


def _styles_to_attributes(element: ET.Element) -> None:
    style = element.attrib.pop("style", None)
    if style:
        for declaration in style.split(";"):
            name, colon, value = declaration.partition(":")
            name, value = name.strip(), value.strip()
            if not colon or not name or not value:
                continue
            if not _only_internal_urls(value):
                continue  # only references inside the SVG (clip paths, patterns)
            element.set(name, value)
    if "font-family" in element.attrib:
        element.set("font-family", PDF_FONT_FAMILY)
    element.attrib.pop("class", None)
    for name in [name for name in element.attrib if name.startswith("data-")]:
        del element.attrib[name]
    for name in ("href", f"{{{XLINK_NS}}}href", "src"):
        if name in element.attrib and _is_external(element.attrib[name]):
            del element.attrib[name]


def tidy_svg(data: bytes | str) -> str:
    """The exporter's SVG, safe and quicker for WeasyPrint to draw (see the module docstring)."""
    root = ET.fromstring(data)
    if _local(root.tag) != "svg":
        raise ChartExportError("the exporter did not return an SVG")
    _prune(root)
    for element in root.iter():
        _styles_to_attributes(element)
        # SVG as the default namespace ("<svg xmlns=...>", not "<ns0:svg>"), whatever prefixes other
        # libraries registered with ElementTree.
        if element.tag.startswith(f"{{{SVG_NS}}}"):
            element.tag = _local(element.tag)
    root.set("xmlns", SVG_NS)
    return ET.tostring(root, encoding="unicode")
