"""The comparison of sites (assess.charts.compare): a table with the same numbers as the chart, sites in the
order given, not-comparable areas marked and left out of the chart."""

from __future__ import annotations

from assess.charts.compare import NOT_COMPARABLE, ComparedSite, comparison_chart

NAMES = {0: "Not yet started", 1: "Communication", 2: "Consultation", 3: "Involvement", 4: "Participation",
         5: "Co-production"}
AREAS = [("voice", "Voice"), ("feedback", "Feedback")]


def test_the_table_and_the_chart_hold_the_same_levels_and_not_comparable_areas_stay_out_of_the_chart():
    sites = [
        ComparedSite("HMP Ash", "2025-26", 3, {"voice": 3, "feedback": 2}),
        ComparedSite("HMP Oak", "2024-25", 1, {"voice": 1, "feedback": None}, frozenset({"feedback"})),
    ]
    chart = comparison_chart(AREAS, sites, NAMES)
    assert chart.table.headers == ("Area", "HMP Ash (2025-26)", "HMP Oak (2024-25)")
    rows = {row.label: row.values for row in chart.table.rows}
    assert rows["Overall"] == ("3 – Involvement", NOT_COMPARABLE)
    assert rows["Voice"] == ("3 – Involvement", "1 – Communication")
    assert rows["Feedback"] == ("2 – Consultation", NOT_COMPARABLE)
    ash, oak = chart.figure.data
    assert (ash.name, list(ash.x)) == ("HMP Ash", [3, 2])
    assert (oak.name, list(oak.x)) == ("HMP Oak", [1, None])
    assert "2 sites" in chart.description


def test_site_names_are_escaped_in_the_figure():
    chart = comparison_chart(AREAS, [ComparedSite("<b>X</b>", "2025-26", 1, {"voice": 1, "feedback": 1})] * 2, NAMES)
    assert "<b>" not in chart.figure.data[0].name
