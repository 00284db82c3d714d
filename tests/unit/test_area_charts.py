"""An area's charts (assess.charts.area) and the disclosure rules for figures seen together
(assess.benchmarking.decide_figures). Pure: no app, no database; the mini questionnaire (alpha, beta).

Worked numbers: other sites' alpha scores 1, 2, 2, 3, 4, 5: quartiles at positions 1.25 and 3.75 give 2.0 and
3.75 ("3.8", half up), the median 2.5; overall 1.5, 1.5, 2.5, 2.5, 3.5, 3.5: quartiles 1.75 ("1.8") and 3.25
("3.3"), median 2.5."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from assess.benchmarking import (
    DIFFERS_BY_ONE_SITE,
    OVERALL,
    TOO_FEW_SITES,
    NotShown,
    decide_disclosure,
    summarise,
)
from assess.benchmarking.disclosure import LEAVES_ONE_SITE, Figure, decide_figures
from assess.charts import figure_json
from assess.charts.area import (
    MAX_NAMED_SITES,
    NOT_COMPARABLE,
    NOT_SCORED,
    TOO_FEW_TO_SHOW,
    WOULD_REVEAL,
    AreaSite,
    NationalFigures,
    TrendFigure,
    TrendSeries,
    area_trend_chart,
    distribution_chart,
    trend_breaks,
)
from assess.questionnaire.loader import load_file
from assess.questionnaire.schema import Questionnaire

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "questionnaires" / "mini" / "1.0.yaml"
RANKING = ("rank", "position", "1st", "2nd", "3rd")


@pytest.fixture(scope="module")
def mini() -> Questionnaire:
    return load_file(MINI).definition


def ids(count: int, start: int = 100) -> frozenset[int]:
    return frozenset(range(start, start + count))


# -- disclosure: figures seen together ----------------------------------------------------------------------


def test_a_figure_from_fewer_than_the_threshold_is_too_few():
    decisions = decide_figures([Figure("national", "All", ids(5)), Figure("category", "Cat", ids(4))], 5)
    assert [decision.shown for decision in decisions] == [True, False]
    assert decisions[1].reason == NotShown(TOO_FEW_SITES, 4, 5)


def test_whole_groups_one_site_apart_are_decided_as_decide_disclosure_does():
    national = ids(8)
    narrower = frozenset(sorted(national)[:7])
    figures = [Figure("national", "All", national), Figure("category", "Cat", narrower)]
    decisions = decide_figures(figures, 5)
    assert [decision.shown for decision in decisions] == [True, False]
    assert decisions[1].reason == NotShown(DIFFERS_BY_ONE_SITE, 7, 5, broader="All")
    old = decide_disclosure([(figure.id, figure.label, figure.members) for figure in figures], 5)
    assert [decision.shown for decision in old] == [decision.shown for decision in decisions]


def test_a_broader_group_less_disjoint_narrower_groups_must_not_leave_one_site():
    national = ids(13)
    cat_b = ids(6, 100)
    cat_c = ids(6, 106)  # and site 112, in neither
    figures = [Figure("national", "All", national), Figure("b", "B", cat_b), Figure("c", "C", cat_c)]
    assert all(decision.shown for decision in decide_disclosure([(f.id, f.label, f.members) for f in figures], 5))
    decisions = decide_figures(figures, 5)
    assert [decision.shown for decision in decisions] == [True, True, False]
    assert decisions[2].reason == NotShown(LEAVES_ONE_SITE, 6, 5, broader="All", together=("B",))


def test_a_remainder_of_two_or_none_is_fine():
    national = ids(14)
    figures = [Figure("national", "All", national), Figure("b", "B", ids(6, 100)), Figure("c", "C", ids(6, 106))]
    assert all(decision.shown for decision in decide_figures(figures, 5))  # two left over
    exact = [Figure("national", "All", ids(12)), Figure("b", "B", ids(6, 100)), Figure("c", "C", ids(6, 106))]
    assert all(decision.shown for decision in decide_figures(exact, 5))  # nothing left over


def test_overlapping_groups_are_never_combined_as_if_they_added_up():
    national = ids(13)
    first = ids(7, 100)
    second = ids(7, 105)  # overlaps the first: their counts do not add up, so no remainder is worked out
    decisions = decide_figures([Figure("n", "All", national), Figure("a", "A", first), Figure("b", "B", second)], 5)
    assert all(decision.shown for decision in decisions)


def test_rows_are_decided_from_counts_a_group_inside_another():
    """Both groups are shown, but in one area of the questionnaire only one site outside the category has a
    score: the counts differ by one, so the narrower row is held back."""
    national, category = ids(9), ids(7)
    decisions = decide_figures([Figure("n", "All", national, 8), Figure("c", "Cat", category, 7)], 5)
    assert [decision.shown for decision in decisions] == [True, False]
    assert decisions[1].reason.code == DIFFERS_BY_ONE_SITE
    fine = decide_figures([Figure("n", "All", national, 9), Figure("c", "Cat", category, 7)], 5)
    assert all(decision.shown for decision in fine)


def test_rows_of_overlapping_groups_clash_when_the_counts_allow_one_site_apart():
    """A = 100..107, B = 101..108 (symmetric difference 2). If the area's scores are on 7 of A and 8 of B, they
    may be the same seven plus site 108: one site apart."""
    first, second = ids(8, 100), ids(8, 101)
    assert all(d.shown for d in decide_figures([Figure("a", "A", first), Figure("b", "B", second)], 5))
    decisions = decide_figures([Figure("a", "A", first, 8), Figure("b", "B", second, 7)], 5)
    assert [decision.shown for decision in decisions] == [True, False]


def test_a_suppressed_figure_never_blocks_another_and_identical_ones_are_fine():
    same = ids(6)
    assert all(d.shown for d in decide_figures([Figure("a", "A", same), Figure("b", "B", same)], 5))
    decisions = decide_figures(
        [Figure("n", "All", ids(12)), Figure("small", "S", ids(3)), Figure("other", "O", ids(10))], 5
    )
    assert [decision.shown for decision in decisions] == [True, False, True]


# -- the distribution chart ---------------------------------------------------------------------------------


def _summary(key: str, scores: dict[int, int], levels: dict[int, int]):
    return summarise(key, scores, levels, None, None, [0, 1, 2, 3, 4, 5])


ALPHA = _summary("alpha", {100: 1, 200: 2, 300: 1, 400: 1, 500: 1}, {1: 1, 2: 2, 3: 1, 4: 1, 5: 1})
OVERALL_SUMMARY = _summary(OVERALL, {150: 2, 250: 2, 350: 2}, {1: 2, 2: 2, 3: 2})


def _national(**held_back: str) -> NationalFigures:
    return NationalFigures(
        "All other prisons, outside this area",
        {OVERALL: OVERALL_SUMMARY, "alpha": ALPHA},
        {"beta": TOO_FEW_TO_SHOW, **held_back},
    )


SITES = [
    AreaSite(
        "HMP Ash",
        {OVERALL: Fraction(27, 10), "alpha": Fraction(3), "beta": Fraction(24, 10)},
        validated={"alpha": "4 – Co-design"},
        validated_final=True,
    ),
    AreaSite(
        "HMP Oak",
        {OVERALL: None, "alpha": Fraction(1)},
        not_comparable=frozenset({OVERALL}),
        validated={"alpha": "unable to validate"},
    ),
]


def test_the_distribution_table_holds_the_charts_numbers(mini: Questionnaire):
    chart = distribution_chart(mini, _national(), SITES, chart_id="prison", title="Prisons", area_label="North West")
    assert chart.table.headers == (
        "Area",
        "Other sites with a score",
        "Lower quartile",
        "Median",
        "Upper quartile",
        "HMP Ash",
        "HMP Oak",
    )
    assert chart.table.caption == (
        "Prisons: self-assessed scores, 0 to 5 (other sites: All other prisons, outside this area)"
    )
    rows = {row.label: row.values for row in chart.table.rows}
    assert [row.label for row in chart.table.rows] == ["Overall score", "Alpha", "Beta"]
    assert rows["Overall score"] == ("6", "1.8", "2.5", "3.3", "2.7", NOT_COMPARABLE)
    assert rows["Alpha"] == (
        "6",
        "2.0",
        "2.5",
        "3.8",
        "3.0 (validated: 4 – Co-design)",
        "1.0 (validated, provisional: unable to validate)",
    )
    assert rows["Beta"] == (TOO_FEW_TO_SHOW, "Not shown", "Not shown", "Not shown", "2.4", NOT_SCORED)

    traces = {trace.name: trace for trace in chart.figure.data}
    band = traces["Middle half of other sites (lower to upper quartile)"]
    assert list(band.y) == [0, 1] and list(band.base) == [1.8, 2.0]
    assert [round(x, 1) for x in band.x] == [1.5, 1.8]  # 3.3 - 1.8, 3.8 - 2.0: the rounded numbers shown
    median = traces["Median of other sites"]
    assert list(median.x) == [2.5, 2.5] and list(median.y) == [0, 1]
    ash, oak = traces["HMP Ash"], traces["HMP Oak"]
    assert list(ash.x) == [2.7, 3.0, 2.4] and [round(y) for y in ash.y] == [0, 1, 2]
    assert list(oak.x) == [1.0]  # not comparable overall, no score in beta: not plotted
    assert "Not shown" not in str(median.hovertext)
    assert "self-assessed" in chart.description and "North West" in chart.description


def test_sites_sit_apart_in_their_rows_in_the_order_given(mini: Questionnaire):
    chart = distribution_chart(mini, _national(), SITES, chart_id="prison", title="Prisons", area_label="NW")
    traces = {trace.name: trace for trace in chart.figure.data}
    assert traces["HMP Ash"].y[1] < traces["HMP Oak"].y[0]  # Ash above Oak in the alpha row (axis reversed)
    assert chart.figure.layout.yaxis.range == (2.5, -0.5)


def test_a_group_not_shown_gives_points_only_and_says_so(mini: Questionnaire):
    national = NationalFigures(
        "Other Category D prisons, outside this area",
        {},
        {OVERALL: WOULD_REVEAL, "alpha": WOULD_REVEAL, "beta": WOULD_REVEAL},
    )
    chart = distribution_chart(mini, national, SITES[:1], chart_id="d", title="Category D", area_label="NW")
    assert [trace.name for trace in chart.figure.data] == ["HMP Ash"]
    assert all(row.values[:4] == (WOULD_REVEAL, "Not shown", "Not shown", "Not shown") for row in chart.table.rows)
    assert "No figures of the other sites are shown" in chart.description
    assert chart.description.startswith("The self-assessed score of the one site in NW")


def test_many_sites_share_one_marker_named_in_hover_text(mini: Questionnaire):
    many = [AreaSite(f"HMP {number:02d}", {"alpha": Fraction(number % 5)}) for number in range(MAX_NAMED_SITES + 1)]
    chart = distribution_chart(mini, _national(), many, chart_id="p", title="Prisons", area_label="NW")
    names = [trace.name for trace in chart.figure.data]
    assert names == ["Middle half of other sites (lower to upper quartile)", "Sites in NW", "Median of other sites"]
    assert "HMP 00: 0.0 (self-assessed)" in chart.figure.data[1].hovertext[0]
    assert len(chart.table.headers) == 5 + len(many)


def test_site_names_are_escaped_and_nothing_is_ranked(mini: Questionnaire):
    site = AreaSite("<b>HMP</b>", {"alpha": Fraction(2)})
    chart = distribution_chart(mini, _national(), [site], chart_id="p", title="Prisons", area_label="NW")
    text = figure_json(chart.figure)
    assert "<b>" not in text
    assert not any(word in (text + chart.table.csv()).lower() for word in RANKING)


# -- the trend ------------------------------------------------------------------------------------------------


V1, V2 = TrendSeries(("1.0", "1.1")), TrendSeries(("2.0",))


def _figure(period, series, versions, sites, low, mid, high):
    return TrendFigure(period, series, versions, sites, Fraction(low), Fraction(mid), Fraction(high))


FIGURES = [
    _figure("2023-24", 0, ("1.0",), 4, "1.25", "2", "2.5"),
    _figure("2024-25", 0, ("1.0", "1.1"), 5, "2", "2.5", "3"),
    _figure("2025-26", 1, ("2.0",), 3, "3", "3.5", "4.25"),
]


def test_the_trend_breaks_where_the_versions_are_not_comparable():
    chart = area_trend_chart(FIGURES, [V1, V2], subject="North West", measure="Overall score")
    assert chart.table.headers == (
        "Year",
        "Questionnaire version",
        "Sites",
        "Lower quartile",
        "Median",
        "Upper quartile",
        "Break",
    )
    rows = [(row.label, *row.values) for row in chart.table.rows]
    assert rows[0] == ("2023-24", "1.0", "4", "1.3", "2.0", "2.5", "")
    assert rows[1] == ("2024-25", "1.0, 1.1", "5", "2.0", "2.5", "3.0", "")
    assert rows[2][:6] == ("2025-26", "2.0", "3", "3.0", "3.5", "4.3")
    assert rows[2][6] == (
        "Break: the questionnaire changed (versions 1.0 and 1.1 to version 2.0) and results are not comparable "
        "across it"
    )
    medians = [trace for trace in chart.figure.data if trace.name.startswith("Median")]
    assert [(list(trace.x), list(trace.y)) for trace in medians] == [
        (["2023-24", "2024-25"], [2.0, 2.5]),
        (["2025-26"], [3.5]),
    ]
    assert [trace.name for trace in medians] == ["Median (versions 1.0 and 1.1)", "Median (version 2.0)"]
    bands = [trace for trace in chart.figure.data if trace.fill == "tonexty"]
    assert [list(trace.y) for trace in bands] == [[2.5, 3.0], [4.3]]
    (shape,) = chart.figure.layout.shapes
    assert shape.x0 == shape.x1 == 1.5 and shape.line.dash == "dash"
    assert chart.figure.layout.annotations[0].text == "Break: version 2.0"
    assert "not comparable across the break" in chart.description


def test_one_series_has_no_break_and_plain_names():
    chart = area_trend_chart(FIGURES[:2], [V1], subject="NW", measure="Alpha")
    assert not chart.figure.layout.shapes
    assert [trace.name for trace in chart.figure.data if trace.showlegend is not False] == ["Middle half", "Median"]
    assert all(row.values[-1] == "" for row in chart.table.rows)
    assert "in each year from 2023-24 to 2024-25" in chart.description


def test_a_year_on_both_sides_of_a_break_has_two_rows_and_the_break_is_noted_once():
    figures = [
        _figure("2024-25", 0, ("1.0",), 3, "1", "1", "2"),
        _figure("2025-26", 0, ("1.0",), 2, "1", "1.5", "2"),
        _figure("2025-26", 1, ("2.0",), 2, "4", "4.5", "5"),
    ]
    breaks = trend_breaks(figures, [V1, V2])
    assert [(item.period, item.before, item.after) for item in breaks] == [("2025-26", V1, V2)]
    chart = area_trend_chart(figures, [V1, V2], subject="NW", measure="Overall score")
    notes = [row.values[-1] for row in chart.table.rows]
    assert notes[:2] == ["", ""] and notes[2].startswith("Break")


def test_no_figures_no_trend():
    chart = area_trend_chart([], [], subject="NW", measure="Overall score")
    assert chart.table.rows == () and not chart.has_figures
    assert chart.description == "No site in NW has submitted an assessment yet, so there is no trend to show."


def test_the_same_input_gives_the_same_json(mini: Questionnaire):
    first = area_trend_chart(FIGURES, [V1, V2], subject="NW", measure="Overall score")
    second = area_trend_chart(list(reversed(FIGURES)), [V1, V2], subject="NW", measure="Overall score")
    assert figure_json(first.figure) == figure_json(second.figure)
    one = distribution_chart(mini, _national(), SITES, chart_id="p", title="P", area_label="NW")
    two = distribution_chart(mini, _national(), SITES, chart_id="p", title="P", area_label="NW")
    assert figure_json(one.figure) == figure_json(two.figure)
