"""A chart as the page uses it: a plotly figure, the same numbers as a table, and a sentence describing it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from .table import Table

MIN_CHART_WIDTH = 640  # CSS pixels: the width the layouts are designed for (a GOV.UK two-thirds column)


@dataclass(frozen=True)
class Chart:
    id: str  # short and unique among one page's charts ("radar"): used in HTML ids and CSV URLs
    title: str
    figure: go.Figure | PlainFigure  # PlainFigure: built as dicts, see below
    table: Table
    description: str  # one plain-English sentence: the text alternative for the figure
    # How the page shows it on a narrow screen (under 641 CSS pixels, WCAG 1.4.10 Reflow at 320): "fit" draws
    # it at the screen's width (charts that stay readable there); "table" gives way to its table, with a
    # "Show the chart" button that draws it at MIN_CHART_WIDTH in a region that scrolls sideways on its own
    # (charts whose area titles and panels need more room than a phone has).
    narrow: str = "fit"

    @property
    def has_figures(self) -> bool:
        """False when nothing could be plotted (every row not shown, or no data): show the table only."""
        return self.table.has_figures

    def json(self) -> str:
        return figure_json(self.figure)


# Figures are built as plain dicts and lists (PlainFigure), never as plotly's graph objects: validating every
# property of every trace took most of a results page's time (issue 15), and the page only needs the JSON.
# Reading a PlainFigure's `data` or `layout` (tests, a caller inspecting a figure) gives plotly's validated
# objects, built from the dicts when first asked for. What validation guaranteed is kept by a test instead:
# every chart's JSON is accepted by plotly's validating go.Figure and holds exactly what that figure holds
# (tests/unit/test_chart_validation.py).

Trace = dict[str, Any]


def bar(**properties: Any) -> Trace:
    return {"type": "bar", **properties}


def scatter(**properties: Any) -> Trace:
    return {"type": "scatter", **properties}


def scatterpolar(**properties: Any) -> Trace:
    return {"type": "scatterpolar", **properties}


class PlainFigure:
    """A plotly figure as the dicts plotly.js reads: `to_dict()` for the JSON; any other attribute (`data`,
    `layout`, ...) is read from the validated go.Figure made from them (made once, when first needed)."""

    def __init__(self, data: Sequence[Trace], layout: dict[str, Any]) -> None:
        self._traces = list(data)
        self._layout = layout
        self._checked: go.Figure | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"data": self._traces, "layout": self._layout}

    def checked(self) -> go.Figure:
        if self._checked is None:
            self._checked = go.Figure(self.to_dict())
        return self._checked

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.checked(), name)


def plain_figure(data: Sequence[Trace], layout: dict[str, Any]) -> PlainFigure:
    """A figure of these traces (bar, scatter, scatterpolar) and this layout, unvalidated (see above)."""
    return PlainFigure(data, layout)


def figure_json(figure: go.Figure | PlainFigure) -> str:
    """The figure as compact JSON for `<script type="application/json">`: '<', '>' and '/' are escaped
    (as \\u003c, \\u003e, \\u002f), so the text can never close the script element. Deterministic: the same
    figure always gives the same text."""
    if isinstance(figure, PlainFigure):
        return pio.json.to_json_plotly(figure.to_dict(), pretty=False, engine="json")
    return pio.to_json(figure, validate=False, pretty=False, engine="json")
