"""The PDF report's first-page chart: each area's score against the peer median and the target level, drawn
into the table of its numbers, a strip on each row (as the commissioner's board pack does on its first page).

A board reads the picture and the figures on one line, and twelve areas fit on one page beside the overall
result and the areas to work on. Each strip runs from the lowest level to the top level with a light line at
each level: the site's score is a filled blue circle, the peer median a black vertical tick, the target level
an open vermillion star (as on the results page's charts: shape, not colour alone, tells them apart; an open
star around the circle keeps both visible when they are equal). The strips are small SVG images drawn here
from numbers alone (no text from people inside them), as `data:` URLs, each with a text alternative giving
the same numbers as its row, so the PDF needs no browser to draw them.

Pure: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .style import BLACK, BLUE, GRID_COLOUR, TEXT_COLOUR, VERMILLION, score_text

Value = Fraction | Decimal | int

WIDTH, HEIGHT = 80, 12  # the strip's own units
INSET = 5  # room at each end, so a marker at the lowest or the top level is drawn whole
STRIP_MM = (26.0, 3.9)  # its size on the page (the same proportions)
FONT = "Liberation Sans, Arial, sans-serif"


@dataclass(frozen=True)
class StripRow:
    """One row of the summary table: an area (or the overall score), whose numbers the strip draws."""

    label: str  # the area's title, or "Overall"
    score: Value | None  # the site's score, 0 to the top level
    median: Value | None = None  # the peer median, when the group's figures are shown for this row
    target: int | None = None  # the site's target level for the area, when it has set one


@dataclass(frozen=True)
class Strip:
    image: str  # a data: URL of the SVG
    alt: str  # its text alternative: the same numbers as the row


def _x(value: float, low: int, high: int) -> float:
    return INSET + (WIDTH - 2 * INSET) * (value - low) / max(high - low, 1)


def _grid(low: int, high: int) -> str:
    return "".join(
        f'<line x1="{_x(level, low, high):.2f}" y1="0" x2="{_x(level, low, high):.2f}" y2="{HEIGHT}" '
        f'stroke="{GRID_COLOUR}" stroke-width="0.5"/>'
        for level in range(low, high + 1)
    )


def _star_points(x: float, y: float, outer: float, inner: float) -> str:
    """A five-pointed star's polygon points, centred on (x, y), a point upwards."""
    points = []
    for index in range(10):
        radius = outer if index % 2 == 0 else inner
        angle = math.pi / 2 + index * math.pi / 5
        points.append(f"{x + radius * math.cos(angle):.2f},{y - radius * math.sin(angle):.2f}")
    return " ".join(points)


def site_marker(x: float, y: float) -> str:
    return f'<circle cx="{x:.2f}" cy="{y:.2f}" r="3.2" fill="{BLUE}" stroke="#ffffff" stroke-width="0.7"/>'


def median_marker(x: float, y: float) -> str:
    return f'<rect x="{x - 0.8:.2f}" y="{y - 5.5:.2f}" width="1.6" height="11" fill="{BLACK}"/>'


def target_marker(x: float, y: float) -> str:
    return (
        f'<polygon points="{_star_points(x, y, 5.6, 2.4)}" fill="none" stroke="{VERMILLION}" '
        'stroke-width="1.1" stroke-linejoin="round"/>'
    )


def _data_url(body: str, width_mm: float, height_mm: float, view: tuple[float, float]) -> str:
    text = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_mm}mm" height="{height_mm}mm" '
        f'viewBox="0 0 {view[0]} {view[1]}">{body}</svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(text.encode()).decode()


def _plotted(value: Value) -> float:
    """The position drawn: the number the table shows (rounded to one decimal place), not a finer one."""
    return float(score_text(value))


def strip(row: StripRow, *, subject: str, low: int, high: int, median_label: str = "peer median") -> Strip:
    """The strip of one row: the grid of levels, then the peer median, the site's score and its target."""
    middle = HEIGHT / 2
    marks = [_grid(low, high)]
    words = [f"{subject} {score_text(row.score)}" if row.score is not None else f"{subject}: no score"]
    if row.median is not None:
        marks.append(median_marker(_x(_plotted(row.median), low, high), middle))
        words.append(f"{median_label} {score_text(row.median)}")
    if row.score is not None:
        marks.append(site_marker(_x(_plotted(row.score), low, high), middle))
    if row.target is not None:
        marks.append(target_marker(_x(row.target, low, high), middle))
        words.append(f"target level {row.target}")
    alt = f"{row.label}: " + "; ".join(words) + f" (on a scale from {low} to {high})."
    return Strip(_data_url("".join(marks), *STRIP_MM, (WIDTH, HEIGHT)), alt)


def strips(
    rows: Sequence[StripRow], *, subject: str, low: int, high: int, median_label: str = "peer median"
) -> list[Strip]:
    return [strip(row, subject=subject, low=low, high=high, median_label=median_label) for row in rows]


def axis(low: int, high: int) -> Strip:
    """The strips' scale, for the column header: each level's number above its line."""
    ticks = "".join(
        f'<text x="{_x(level, low, high):.2f}" y="9.5" font-size="8" text-anchor="middle" font-family="{FONT}" '
        f'fill="{TEXT_COLOUR}">{level}</text>'
        for level in range(low, high + 1)
    )
    return Strip(_data_url(ticks, *STRIP_MM, (WIDTH, HEIGHT)), f"Score, {low} to {high}")


def legend(subject: str, median_label: str = "Peer median") -> list[tuple[Strip, str]]:
    """(marker, words) for each series the strips draw, for a key above the table."""
    size = (3.4, 3.4)
    view = (12.0, 12.0)
    return [
        (Strip(_data_url(site_marker(6, 6), *size, view), "Blue circle"), f"{subject}: score"),
        (Strip(_data_url(median_marker(6, 6), *size, view), "Black line"), median_label),
        (Strip(_data_url(target_marker(6, 6.4), *size, view), "Open star"), "Target level"),
    ]
