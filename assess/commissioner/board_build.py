"""The board pack's PDF: its first chart (the area against national, drawn here from the pack's plain values as
a strip on each row of its table), the template filled in from the pack (assess.services.board_pack), keyed for
the report cache, and rendered within the report time limit by the PDF library (assess.pdf: the distributions'
and the trend's charts exported to SVG by Chromium, the PDF by the WeasyPrint render process), as the report and
the evidence pack are.

The cache key is a digest of the pack itself (every value it prints, each chart's table and figure, the day
it is made, the variant) and the template's fingerprint, so the named and the anonymised pack are different
files, and any change to what the pack shows makes a new one. The time it was generated is printed but not
keyed: a cached pack keeps its first time.
"""

from __future__ import annotations

import base64
import functools
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Protocol

from flask import current_app, render_template

from assess.charts.style import BLUE, TEXT_COLOUR, VERMILLION
from assess.pdf import cache, svg
from assess.pdf import render as pdf
from assess.pdf.charturl import chart_url
from assess.reports.build import DEFAULT_TIME_LIMIT, report_cache
from assess.services.board_pack import BoardPack, MedianFigure

TEMPLATES = Path(__file__).resolve().parent / "templates" / "commissioner" / "board"
PACK_FILES = ("pack.html", "pack.css")
# Bump when the pack changes in a way the template files do not show (this module, the service).
BOARD_VERSION = "2026-11-30.1"

__all__ = [
    "BoardTimedOut",
    "BoardUnavailable",
    "cache_key",
    "make_pdf",
    "pack_cache",
    "strips",
    "warm_up",
]


class BoardUnavailable(RuntimeError):
    """The PDF could not be made now (the charts or the render failed); the person is told to try again."""


class BoardTimedOut(BoardUnavailable):
    """The PDF took longer than the time limit."""


class Drawable(Protocol):
    @property
    def has_figures(self) -> bool: ...

    def json(self) -> str: ...


@functools.cache
def _library_versions() -> tuple[str, ...]:
    # Read from the installed metadata: importing WeasyPrint here would cost a second in the app process.
    return tuple(f"{name} {metadata.version(name)}" for name in ("weasyprint", "pydyf", "plotly", "kaleido"))


def template_fingerprint() -> str:
    """The template's and stylesheet's bytes (read each time: cheap, and right after an edit), the pack's code
    version and the versions of the libraries that draw it."""
    return cache.fingerprint([TEMPLATES / name for name in PACK_FILES], BOARD_VERSION, *_library_versions())


def cache_key(pack: BoardPack) -> str:
    return cache.digest({"kind": "board-pack", "pack": pack, "template": template_fingerprint()})


def pack_cache() -> cache.ReportCache:
    """The report cache (REPORT_CACHE_DIR): board packs, evidence packs and reports share its folder and limits."""
    return report_cache()


def time_limit() -> float:
    return float(current_app.config.get("REPORT_TIME_LIMIT", DEFAULT_TIME_LIMIT))


def warm_up() -> None:
    """Start this process's Chromium (the pack has charts) and render process in the background, if they are
    not running: each starts once per process, and they start side by side."""
    svg.exporter().start()
    pdf.worker().start()


# -- The first page's chart: the area against national, a strip per area of the questionnaire ------------------

# The chart is drawn into the table of its numbers: each row (an area of the questionnaire) has a strip from level
# 0 to the top level with the area's median (filled) and the other sites' median (open) for each kind of site, so
# a board reads the picture and the figures on one line, and the first page holds it. Each kind has its own
# colour and shape (circle, square) and its own height in the strip; filled or open tells the area from the
# others, so colour is never the only cue. The strips are small SVG images drawn here from numbers alone (no
# text from people), as data: URLs, with a text alternative each; no Chromium is needed for them.

STRIP_WIDTH, STRIP_HEIGHT = 100, 13  # the strip's own units
STRIP_MM = (36, 4.68)  # its size on the page (the same proportions)
KIND_MARKERS = ((BLUE, "circle"), (VERMILLION, "square"))
GRID = "#b1b4b6"


@dataclass(frozen=True)
class Strip:
    image: str  # data: URL of the SVG
    alt: str


def figure_text(figure: MedianFigure) -> str:
    """A median with its n for the table: '2.5 (18)'; why it is not shown; or that there is none."""
    if figure.shown:
        return f"{figure.value_text} ({figure.n})"
    if figure.not_shown:
        return figure.not_shown
    return "None (0)"


def _x(value: float, top: int) -> float:
    return 6 + (STRIP_WIDTH - 12) * value / top


def _marker(shape: str, colour: str, x: float, y: float, filled: bool) -> str:
    """The area's median: a small filled circle or square; the other sites': a larger open one around the same
    place, so that when the two are equal the filled one sits inside the open one and both stay visible."""
    size = 1.9 if filled else 3.0
    fill = colour if filled else "none"
    width = 0 if filled else 1.3
    if shape == "square":
        return (
            f'<rect x="{x - size:.2f}" y="{y - size:.2f}" width="{2 * size}" height="{2 * size}" fill="{fill}" '
            f'stroke="{colour}" stroke-width="{width}"/>'
        )
    return f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{size}" fill="{fill}" stroke="{colour}" stroke-width="{width}"/>'


def _svg(
    body: str, width: float = STRIP_MM[0], height: float = STRIP_MM[1], view: tuple[int, int] | None = None
) -> str:
    view_width, view_height = view or (STRIP_WIDTH, STRIP_HEIGHT)
    svg_text = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}mm" height="{height}mm" '
        f'viewBox="0 0 {view_width} {view_height}">{body}</svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg_text.encode()).decode()


def _heights(kinds: int) -> list[float]:
    return (
        [STRIP_HEIGHT / 2] if kinds <= 1 else [4.5 + (STRIP_HEIGHT - 9) * index / (kinds - 1) for index in range(kinds)]
    )


def strips(pack: BoardPack) -> list[Strip]:
    """A strip per area of the questionnaire (in the order of pack.domains): the grid of levels, and for each kind
    of site its area's median self-assessed level (filled) and the other sites' (open), where shown."""
    top = pack.levels[-1][0]
    heights = _heights(len(pack.comparisons))
    grid = "".join(
        f'<line x1="{_x(value, top):.2f}" y1="0" x2="{_x(value, top):.2f}" y2="{STRIP_HEIGHT}" stroke="{GRID}" '
        'stroke-width="0.5"/>'
        for value, _ in pack.levels
    )
    found = []
    for index, (_, title) in enumerate(pack.domains):
        marks = []
        words = []
        for number, kind in enumerate(pack.comparisons):
            colour, shape = KIND_MARKERS[number % len(KIND_MARKERS)]
            row = kind.rows[index]
            for figure, filled, label in (
                (row.national, False, kind.national_label),
                (row.area_self, True, kind.area_label),
            ):
                if figure.median is not None:
                    marks.append(_marker(shape, colour, _x(float(figure.median), top), heights[number], filled))
                    words.append(f"{label}: {figure.value_text}")
                else:
                    words.append(f"{label}: not shown")
        found.append(Strip(_svg(grid + "".join(marks)), f"{title}. Median self-assessed level: " + "; ".join(words)))
    return found


def axis_strip(pack: BoardPack) -> Strip:
    """The strip's scale, for the column header: the levels from 0 to the top level."""
    top = pack.levels[-1][0]
    ticks = "".join(
        f'<text x="{_x(value, top):.2f}" y="10" font-size="8" text-anchor="middle" '
        f'font-family="Liberation Sans, Arial, sans-serif" fill="{TEXT_COLOUR}">{value}</text>'
        for value, _ in pack.levels
    )
    return Strip(_svg(ticks), f"Median level, 0 to {top}")


def legend(pack: BoardPack) -> list[tuple[Strip, str]]:
    """(marker, words) for each series of the strips: each kind's median in the area and of the other sites."""
    found = []
    for number, kind in enumerate(pack.comparisons):
        colour, shape = KIND_MARKERS[number % len(KIND_MARKERS)]
        for filled, label in ((True, kind.area_label), (False, f"Other {kind.label.lower()}")):
            image = _svg(_marker(shape, colour, 5, 5, filled), width=3.2, height=3.2, view=(10, 10))
            found.append((Strip(image, "Filled marker" if filled else "Open marker"), label))
    return found


# -- Making the PDF -------------------------------------------------------------------------------------------------


@dataclass
class Rendered:
    pdf: bytes
    seconds: float  # in the render process
    cpu_seconds: float
    refused: tuple[str, ...]
    charts: int


def _charts(pack: BoardPack) -> list[Drawable]:
    """Every chart the PDF exports with Chromium, in the order of the document (the first page's strips are
    drawn here, see `strips`)."""
    found: list[Drawable] = [panel.chart for panel in pack.distributions if panel.chart is not None]
    if pack.trend is not None:
        found.append(pack.trend)
    return [chart for chart in found if chart.has_figures]


def render_html(pack: BoardPack, images: dict[int, str], generated_at: datetime) -> str:
    return render_template(
        "commissioner/board/pack.html",
        pack=pack,
        strips=strips(pack) if pack.comparisons else [],
        axis=axis_strip(pack),
        legend=legend(pack),
        image=lambda chart: images.get(id(chart)),
        generated_at=generated_at,
        template_fingerprint=template_fingerprint(),
    )


def make_pdf(
    pack: BoardPack,
    *,
    limit: float | None = None,
    generated_at: datetime | None = None,
    timings: dict[str, float] | None = None,
) -> Rendered:
    """The HTML, then the charts' SVGs and the PDF, within `limit` seconds (REPORT_TIME_LIMIT by
    default). Starting Chromium and the render process, once per process, is bounded separately (as for the
    report: svg.START_LIMIT, pdf.START_LIMIT). `timings`, if given, gets the seconds of each stage."""
    limit = time_limit() if limit is None else limit
    timings = {} if timings is None else timings
    exporter, worker = svg.exporter(), pdf.worker()
    warm_up()
    try:
        began = time.monotonic()
        drawn = _charts(pack)
        waited = 0.0
        if drawn:
            before = time.monotonic()
            exporter.wait_ready()
            waited = time.monotonic() - before
        deadline = began + waited + limit
        images = {id(chart): chart_url(index) for index, chart in enumerate(drawn)}
        html = render_html(pack, images, generated_at or datetime.now(UTC))
        written = time.monotonic()
        exported: list[float] = []

        def export(remaining: float) -> list[str]:
            if remaining <= 0:
                raise svg.ChartExportTimeout("no time left for the charts")
            svgs = exporter.export([svg.figure_dict(chart.json()) for chart in drawn], timeout=remaining)
            exported.append(time.monotonic())
            return svgs

        remaining = deadline - written
        if remaining <= 0:
            raise pdf.RenderTimeout("no time left for the PDF")
        rendered = worker.render(html, timeout=remaining, charts=export if drawn else None)
        timings.update(
            chromium_wait=waited,
            html=written - began - waited,
            charts=(exported[0] - written) if exported else 0.0,
            pdf=time.monotonic() - written,
        )
        return Rendered(rendered.pdf, rendered.seconds, rendered.cpu_seconds, rendered.refused, len(drawn))
    except (svg.ChartExportTimeout, pdf.RenderTimeout) as exc:
        raise BoardTimedOut(str(exc)) from exc
    except (svg.ChartExportError, pdf.RenderError) as exc:
        raise BoardUnavailable(str(exc)) from exc
