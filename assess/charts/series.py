"""A series: one set of values a chart plots as one trace and its table shows as one column.

A subject's own scores, the peer median, a validated level and a target level are all series; a builder
draws every series it is given the same way, so one more is one more argument, not a new builder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from .style import MEDIAN_COLOUR, SITE_COLOUR, TARGET_COLOUR, escape, score_text, score_value

Value = Fraction | Decimal | int


@dataclass(frozen=True)
class SeriesStyle:
    """How a series looks. Colour is never the only cue: each has its own marker symbol and line dash too."""

    colour: str
    symbol: str  # marker symbol (plotly's names: "circle", "diamond", "square" ...)
    dash: str  # line dash on the radar and the trend: "solid", "dash", "dot" ...
    emphasis: bool = False  # the subject's own values: a heavier line, a filled radar shape, outlined markers
    tick: bool = False  # a statistic of the peers, drawn as a tick across their band on the range chart


SUBJECT_STYLE = SeriesStyle(SITE_COLOUR, "circle", "solid", emphasis=True)
MEDIAN_STYLE = SeriesStyle(MEDIAN_COLOUR, "diamond", "dash", tick=True)
TARGET_STYLE = SeriesStyle(TARGET_COLOUR, "star", "dot")
TARGET_LEVEL = "Target level"
NO_TARGET = "No target"


@dataclass(frozen=True)
class Series:
    """`name` is the legend entry, the table's column header and the label in hover text ("HMP Fellwater",
    "Peer median"); `values` are scores (0 to 5) by key: a domain id, OVERALL, or a period on the trend. A key
    that is missing, or None, has no value. `notes`: text after a key's value in hover text ("(6 peers)").
    `whole`: the values are levels, written as whole numbers ('3', not '3.0'); `missing`: what the table says
    for a key without a value."""

    name: str
    values: Mapping[str, Value | None]
    style: SeriesStyle = SUBJECT_STYLE
    notes: Mapping[str, str] = field(default_factory=dict)
    whole: bool = False
    missing: str = "No score"

    def value(self, key: str) -> Value | None:
        return self.values.get(key)

    def plotted(self, key: str) -> float | None:
        """The number the chart plots: exactly the one its table shows."""
        return score_value(self.value(key))

    def text(self, key: str, missing: str | None = None) -> str:
        """The value as the table shows it ('2.7'; a level '3')."""
        value = self.value(key)
        if value is None:
            return self.missing if missing is None else missing
        if self.whole:
            return str(int(value))
        return score_text(value)

    def hover(self, key: str, where: str) -> str:
        """'Alpha<br>HMP Fellwater: 2.7 (63rd percentile)' (escaped for plotly)."""
        note = self.notes.get(key)
        return f"{escape(where)}<br>{escape(self.name)}: {self.text(key)}" + (f" {escape(note)}" if note else "")


def target_series(targets: Mapping[str, int], level_names: Mapping[int, str] | None = None) -> Series:
    """A site's target level in each area (domain id -> level), drawn as its own series: vermillion star
    markers and a dotted line, 'Target level' in the legend and as a table column ('3', or 'No target')."""
    names = level_names or {}
    return Series(
        TARGET_LEVEL,
        dict(targets),
        TARGET_STYLE,
        notes={key: f"({names[level]})" for key, level in targets.items() if level in names},
        whole=True,
        missing=NO_TARGET,
    )
