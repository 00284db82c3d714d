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
    figure: go.Figure
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


# Figures and traces are built without plotly's per-property validation (`_validate=False`): validating every
# property of every trace took most of a results page's time (issue 15). Plotly keeps the properties as given
# and builds its checked objects only when one is read (`figure.data[0].x`), so reading a figure works as
# before. What validation guaranteed is kept by a test instead: every chart's JSON is valid to plotly and
# exactly what the validated figure gives (tests/unit/test_chart_validation.py).


def bar(**properties: Any) -> go.Bar:
    return go.Bar(_validate=False, **properties)


def scatter(**properties: Any) -> go.Scatter:
    return go.Scatter(_validate=False, **properties)


def scatterpolar(**properties: Any) -> go.Scatterpolar:
    return go.Scatterpolar(_validate=False, **properties)


def plain_figure(data: Sequence[go.Bar | go.Scatter | go.Scatterpolar], layout: dict[str, Any]) -> go.Figure:
    """A figure of these traces and this layout (plain dicts and lists), unvalidated (see above)."""
    return go.Figure(data=list(data), layout=layout, _validate=False)


def figure_json(figure: go.Figure) -> str:
    """The figure as compact JSON for `<script type="application/json">`: '<', '>' and '/' are escaped
    (as \\u003c, \\u003e, \\u002f), so the text can never close the script element. Deterministic: the same
    figure always gives the same text."""
    return pio.to_json(figure, validate=False, pretty=False, engine="json")
