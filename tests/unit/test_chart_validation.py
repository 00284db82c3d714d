"""Charts are built without plotly's per-property validation (assess.charts.chart.plain_figure: validating
took most of a results page's time, issue 15). What validation guaranteed is checked here instead: every
chart's JSON is accepted by plotly's validating go.Figure, and holds exactly what that validated figure holds,
so the page sends what it always sent. Uses the hand-built inputs of the other chart tests."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from assess.charts import Chart, benchmark_charts, figure_json, trend_charts
from assess.charts.area import area_trend_chart, distribution_chart
from assess.charts.chart import bar, plain_figure
from assess.charts.compare import ComparedSite, comparison_chart
from assess.questionnaire.schema import Questionnaire
from tests.unit import test_area_charts as area
from tests.unit import test_charts as charts
from tests.unit.test_charts import ALPHA, BETA, POINTS, SUBJECT, all_charts, benchmark
from tests.unit.test_compare_chart import AREAS, NAMES

mini = charts.mini  # the module's fixture


def validated_json(chart: Chart) -> str:
    """The chart's figure read back through plotly's validating constructor, as JSON."""
    checked = go.Figure(json.loads(figure_json(chart.figure)))
    return pio.to_json(checked, validate=True, pretty=False, engine="json")


def every_chart(questionnaire: Questionnaire) -> list[Chart]:
    group = benchmark({"alpha": ALPHA, "beta": BETA}, suppressed={})
    targets = {"alpha": 3, "beta": 2}
    compared = [
        ComparedSite("HMP Ash", "2025-26", 3, {"voice": 3, "feedback": 2}),
        ComparedSite("HMP Oak <b>", "2024-25", 1, {"voice": 1, "feedback": None}, frozenset({"feedback"})),
    ]
    return [
        *all_charts(questionnaire, group),
        *benchmark_charts(questionnaire, group, subject=SUBJECT, targets=targets),
        *trend_charts(questionnaire, POINTS, subject=SUBJECT, targets=targets),
        comparison_chart(AREAS, compared, NAMES),
        distribution_chart(
            questionnaire, area._national(), area.SITES, chart_id="prison", title="Prisons", area_label="NW"
        ),
        area_trend_chart(area.FIGURES, [area.V1, area.V2], subject="NW", measure="Overall score"),
    ]


def test_every_chart_is_valid_to_plotly_and_sends_what_the_validated_figure_sends(mini: Questionnaire) -> None:
    built = every_chart(mini)
    assert len({chart.id for chart in built}) >= 8
    for chart in built:
        # The same JSON (the order of keys aside, which means nothing to plotly.js).
        assert json.loads(figure_json(chart.figure)) == json.loads(validated_json(chart)), chart.id


def test_an_invalid_property_is_caught_by_the_check() -> None:
    """The check can fail: a property plotly does not know passes the unvalidated builder, not the check."""
    figure = plain_figure([bar(x=[1], y=["a"], colour="red")], {"title": {"text": "T"}})
    chart = Chart("bad", "T", figure, charts.Table(caption="T", headers=("A",), rows=()), "T.")
    with pytest.raises(ValueError):
        validated_json(chart)
