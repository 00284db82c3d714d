"""Charts for results and benchmarks: each a plotly figure with a table of exactly the same numbers.

Pure: plotly, assess.benchmarking and assess.questionnaire.schema only; never Flask, SQLAlchemy or the
database. Callers turn rows into the plain inputs (GroupBenchmark, TrendPoint) first, and name the subject
whose scores are plotted (`subject="HMP Fellwater"`, or an area): titles, legends, hover text and table
headers say it. Points and lines are drawn from a list of `Series` (the subject's scores, the peer median,
any `extra_series` a caller adds, such as a validated level, and the site's target levels: `targets=`).

Every function returns a `Chart`: `figure` (embed `figure_json(chart.figure)` in a
`<script type="application/json">`), `table` (show as a GOV.UK table, offer `table.csv()` as a download)
and `description` (one sentence: the figure's text alternative). Same input, same JSON.
"""

from __future__ import annotations

from .benchmark import (
    benchmark_charts,
    level_distribution_chart,
    median_series,
    not_shown_reason,
    radar_chart,
    range_chart,
    subject_series,
    too_few_scored,
)
from .chart import Chart, figure_json
from .series import MEDIAN_STYLE, SUBJECT_STYLE, TARGET_LEVEL, TARGET_STYLE, Series, SeriesStyle, target_series
from .style import (
    FONT_FAMILY,
    PRINT_WRAP_AT,
    one_decimal,
    ordinal,
    percentile_number,
    percentile_text,
    percentile_words,
    score_text,
)
from .table import NOT_SHOWN, Row, Table
from .trend import TrendPoint, domain_trend_chart, points_from_scores, trend_chart, trend_charts, trend_table

# The renderer must pass these to Plotly.newPlot (figures cannot carry them).
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}

__all__ = [
    "FONT_FAMILY",
    "MEDIAN_STYLE",
    "NOT_SHOWN",
    "PLOTLY_CONFIG",
    "PRINT_WRAP_AT",
    "SUBJECT_STYLE",
    "TARGET_LEVEL",
    "TARGET_STYLE",
    "Chart",
    "Row",
    "Series",
    "SeriesStyle",
    "Table",
    "TrendPoint",
    "benchmark_charts",
    "domain_trend_chart",
    "figure_json",
    "level_distribution_chart",
    "median_series",
    "not_shown_reason",
    "one_decimal",
    "ordinal",
    "percentile_number",
    "percentile_text",
    "percentile_words",
    "points_from_scores",
    "radar_chart",
    "range_chart",
    "score_text",
    "subject_series",
    "target_series",
    "too_few_scored",
    "trend_chart",
    "trend_charts",
    "trend_table",
]
