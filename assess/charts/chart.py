"""A chart as the page uses it: a plotly figure, the same numbers as a table, and a sentence describing it."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio

from .table import Table


@dataclass(frozen=True)
class Chart:
    id: str  # short and unique among one page's charts ("radar"): used in HTML ids and CSV URLs
    title: str
    figure: go.Figure
    table: Table
    description: str  # one plain-English sentence: the text alternative for the figure

    @property
    def has_figures(self) -> bool:
        """False when nothing could be plotted (every row not shown, or no data): show the table only."""
        return self.table.has_figures

    def json(self) -> str:
        return figure_json(self.figure)


def figure_json(figure: go.Figure) -> str:
    """The figure as compact JSON for `<script type="application/json">`: '<', '>' and '/' are escaped
    (as \\u003c, \\u003e, \\u002f), so the text can never close the script element. Deterministic: the same
    figure always gives the same text."""
    return pio.to_json(figure, validate=False, pretty=False, engine="json")
