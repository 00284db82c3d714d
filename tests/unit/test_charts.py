"""Charts: each figure plots exactly the numbers in its table, readably and the same way every time.

Benchmarks are built by hand for the mini questionnaire (domains alpha and beta, levels 0 to 5). No app,
no database. Worked numbers:
  alpha: your score 2.7; quartiles 1.75 -> "1.8", 3.125 -> "3.1"; median 2.25 -> "2.3" (half up);
         percentile rank 62.5 -> "62.5" in tables, "higher than about 63% of the group, counting ties as half" in words;
         6 peers at levels 0:0 1:1 2:2 3:2 4:1 5:0.
  beta:  suppressed (3 peers with a score, fewer than 5), so "Not shown" with the reason and never plotted.
The subject is "HMP Fellwater": it names the site's scores wherever "your score" was said before.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import plotly.graph_objects as go
import pytest

from assess.benchmarking import OVERALL, TOO_FEW_SITES, GroupBenchmark, GroupDecision, NotShown, Summary, summarise
from assess.charts import (
    NOT_SHOWN,
    PRINT_WRAP_AT,
    TARGET_LEVEL,
    Chart,
    Row,
    Series,
    SeriesStyle,
    Table,
    TrendPoint,
    benchmark_charts,
    domain_trend_chart,
    figure_json,
    level_distribution_chart,
    one_decimal,
    ordinal,
    percentile_number,
    percentile_text,
    percentile_words,
    radar_chart,
    range_chart,
    score_text,
    too_few_scored,
    trend_chart,
    trend_charts,
    trend_table,
)
from assess.charts.benchmark import NO_FIGURES, NOT_COMPARED, count_step
from assess.charts.style import FONT_FAMILY, LEVEL_COLOURS, ORANGE, QUARTILE_COLOUR, SITE_COLOUR, label_colour, wrap
from assess.questionnaire.loader import load_file
from assess.questionnaire.schema import Questionnaire

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "questionnaires" / "mini" / "1.0.yaml"

SUBJECT = "HMP Fellwater"
OKABE_ITO = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
TOO_FEW = (
    "Only 3 sites in this group have a score here. Figures are shown for at least 5, so that no site's result "
    "can be worked out."
)
LEVEL_NAMES = [
    "0 Not yet started",
    "1 Communication",
    "2 Consultation",
    "3 Participation",
    "4 Co-design",
    "5 Co-production",
]


# -- Building blocks -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mini() -> Questionnaire:
    return load_file(MINI).definition


def with_domains(questionnaire: Questionnaire, *extra: tuple[str, str]) -> Questionnaire:
    """The questionnaire with more domains (id, title), each a copy of beta."""
    beta = questionnaire.domain("beta")
    added = tuple(beta.model_copy(update={"id": domain_id, "title": title}) for domain_id, title in extra)
    return questionnaire.model_copy(update={"domains": (*questionnaire.domains, *added)})


def retitled(questionnaire: Questionnaire, domain_id: str, title: str) -> Questionnaire:
    domains = tuple(
        domain.model_copy(update={"title": title}) if domain.id == domain_id else domain
        for domain in questionnaire.domains
    )
    return questionnaire.model_copy(update={"domains": domains})


def summary(
    key: str,
    *,
    median: Fraction,
    lower: Fraction,
    upper: Fraction,
    levels: dict[int, int],
    site_score: Fraction | None,
    site_percentile: Fraction | None,
) -> Summary:
    return Summary(
        key=key,
        peers=sum(levels.values()),
        median=median,
        lower_quartile=lower,
        upper_quartile=upper,
        levels=levels,
        site_score=site_score,
        site_level=None if site_score is None else int(site_score),
        site_percentile=site_percentile,
    )


ALPHA = summary(
    "alpha",
    median=Fraction(9, 4),  # 2.25 -> 2.3
    lower=Fraction(7, 4),  # 1.75 -> 1.8
    upper=Fraction(25, 8),  # 3.125 -> 3.1
    levels={0: 0, 1: 1, 2: 2, 3: 2, 4: 1, 5: 0},
    site_score=Fraction(27, 10),
    site_percentile=Fraction(125, 2),  # 62.5 -> "62.5"
)
BETA = summary(
    "beta",
    median=Fraction(3),
    lower=Fraction(5, 2),
    upper=Fraction(7, 2),
    levels={0: 0, 1: 0, 2: 1, 3: 3, 4: 2, 5: 1},
    site_score=Fraction(21, 10),
    site_percentile=Fraction(100, 7),  # 14.28... -> "14.3"
)
OVERALL_SUMMARY = summary(
    OVERALL,
    median=Fraction(5, 2),
    lower=Fraction(2),
    upper=Fraction(3),
    levels={0: 0, 1: 1, 2: 3, 3: 2, 4: 0, 5: 0},
    site_score=Fraction(24, 10),
    site_percentile=Fraction(50),
)


def decision(shown: bool = True) -> GroupDecision:
    reason = None if shown else NotShown(TOO_FEW_SITES, 2, 5)
    return GroupDecision("national", "All prisons", frozenset(range(1, 7)), shown, reason)


def benchmark(
    domains: dict[str, Summary] | None = None,
    suppressed: dict[str, int] | None = None,
    overall: Summary | None = OVERALL_SUMMARY,
    uncompared: tuple[str, ...] = (),
) -> GroupBenchmark:
    return GroupBenchmark(
        decision=decision(),
        versions=("1.0",),
        compared_domains=tuple(key for key in ("alpha", "beta") if key not in uncompared),
        uncompared_domains=uncompared,
        overall=overall,
        domains={"alpha": ALPHA} if domains is None else domains,
        suppressed_domains={"beta": 3} if suppressed is None else suppressed,
        min_size=5,
    )


def numbers(row: Row) -> list[float]:
    """A table row's figures as the numbers a chart plots ('2.7' -> 2.7, '62.5' -> 62.5)."""
    return [float(value) for value in row.values]


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two '#rrggbb' colours."""

    def luminance(colour: str) -> float:
        def channel(pair: str) -> float:
            c = int(pair, 16) / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def parse_csv(table: Table) -> list[list[str]]:
    return list(csv.reader(io.StringIO(table.csv(), newline="")))


# -- Numbers as people read them ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(9, 4), "2.3"),  # half up, not to even
        (Fraction(7, 4), "1.8"),
        (Fraction(25, 8), "3.1"),
        (Fraction(1, 20), "0.1"),
        (Fraction(0), "0.0"),
        (Fraction(5), "5.0"),
        (Decimal("2.95"), "3.0"),
        (Fraction(2, 3), "0.7"),
    ],
)
def test_scores_have_one_decimal_place_rounded_half_up(value: Fraction | Decimal, text: str) -> None:
    assert score_text(value) == text
    assert one_decimal(value) == Decimal(text)


def test_missing_scores_read_no_score() -> None:
    assert score_text(None) == "No score"


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0, "0th"),
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (63, "63rd"),
        (100, "100th"),
        (101, "101st"),
        (111, "111th"),
    ],
)
def test_ordinals(number: int, text: str) -> None:
    assert ordinal(number) == text


def test_percentile_ranks_are_whole_numbers_rounded_half_up() -> None:
    assert percentile_text(Fraction(125, 2)) == "63rd"
    assert percentile_text(Fraction(249, 4)) == "62nd"
    assert percentile_text(Fraction(100, 7)) == "14th"
    assert percentile_text(Fraction(100)) == "100th"
    assert percentile_text(None) == "No score"


def test_count_ticks_are_whole_numbers_at_most_ten() -> None:
    assert [count_step(n) for n in (1, 6, 10, 11, 20, 21, 50, 51, 120, 1000)] == [1, 1, 1, 2, 2, 5, 5, 10, 20, 100]


def test_long_titles_wrap_for_axes() -> None:
    text = "Partnerships with the voluntary sector and lived-experience organisations"
    assert wrap(text) == "Partnerships with the<br>voluntary sector and<br>lived-experience<br>organisations"
    assert wrap("Alpha") == "Alpha"
    assert wrap("A & <b>") == "A &amp; &lt;b&gt;"


# -- 1. Radar --------------------------------------------------------------------------------------------


def test_radar_plots_your_scores_and_the_median_as_closed_shapes(mini: Questionnaire) -> None:
    both = benchmark({"alpha": ALPHA, "beta": BETA}, suppressed={})
    chart = radar_chart(mini, both, subject=SUBJECT)
    site, median = chart.figure.data
    assert isinstance(site, go.Scatterpolar) and isinstance(median, go.Scatterpolar)
    assert (site.name, median.name) == (SUBJECT, "Peer median")
    assert list(site.theta) == ["Alpha", "Beta", "Alpha"]  # questionnaire order, closed
    assert list(site.r) == [2.7, 2.1, 2.7]
    assert list(median.theta) == ["Alpha", "Beta", "Alpha"]
    assert list(median.r) == [2.3, 3.0, 2.3]
    # Not colour alone: different symbols and dashes too.
    assert site.marker.symbol != median.marker.symbol
    assert site.line.dash != median.line.dash
    assert site.line.color != median.line.color
    polar = chart.figure.layout.polar
    assert tuple(polar.radialaxis.range) == (0, 5)
    assert polar.angularaxis.direction == "clockwise"
    assert list(polar.angularaxis.categoryarray) == ["Alpha", "Beta"]


def test_radar_table_holds_the_same_numbers(mini: Questionnaire) -> None:
    chart = radar_chart(mini, benchmark({"alpha": ALPHA, "beta": BETA}, suppressed={}), subject=SUBJECT)
    site, median = chart.figure.data
    table = chart.table
    assert table.headers == ("Area", SUBJECT, "Peer median", "Peers")
    assert [row.label for row in table.rows] == ["Alpha", "Beta"]
    assert table.rows[0].values == ("2.7", "2.3", "6")
    for index, row in enumerate(table.rows):
        mine, theirs, peers = numbers(row)
        assert (site.r[index], median.r[index]) == (mine, theirs)
        assert f"({int(peers)} peers)" in median.hovertext[index]
        assert f"{SUBJECT}: {row.values[0]}" in site.hovertext[index]


def test_radar_leaves_out_suppressed_domains_and_says_why(mini: Questionnaire) -> None:
    chart = radar_chart(mini, benchmark(), subject=SUBJECT)
    site, median = chart.figure.data
    assert list(site.theta) == ["Alpha", "Alpha"]
    assert list(median.r) == [2.3, 2.3]
    beta = chart.table.row("Beta")
    assert not beta.shown
    assert beta.not_shown == TOO_FEW
    assert beta.note == f"{NOT_SHOWN}. {TOO_FEW}"
    assert list(beta) == ["Beta", f"Not shown. {TOO_FEW}"]


def test_radar_description_counts_areas_above_and_below_the_median(mini: Questionnaire) -> None:
    chart = radar_chart(mini, benchmark({"alpha": ALPHA, "beta": BETA}, suppressed={}), subject=SUBJECT)
    assert chart.description == (
        "The scores of HMP Fellwater and the median score of peers in ‘All prisons’ in each of 2 areas: "
        "HMP Fellwater is above the median in 1 area, level with it in 0 and below it in 1."
    )
    assert chart.figure.layout.meta == chart.description


# -- 2. Range --------------------------------------------------------------------------------------------


def test_range_chart_marks_your_score_over_the_interquartile_range(mini: Questionnaire) -> None:
    chart = range_chart(mini, benchmark({"alpha": ALPHA, "beta": BETA}, suppressed={}), subject=SUBJECT)
    quartiles, median, site = chart.figure.data
    assert [trace.name for trace in chart.figure.data] == [
        "Middle half of peers (lower to upper quartile)",
        "Peer median",
        SUBJECT,
    ]
    assert quartiles.orientation == "h"
    assert list(quartiles.y) == list(median.y) == list(site.y) == ["Alpha", "Beta"]
    assert list(quartiles.base) == [1.8, 2.5]
    assert [Decimal(str(b)) + Decimal(str(w)) for b, w in zip(quartiles.base, quartiles.x, strict=True)] == [
        Decimal("3.1"),
        Decimal("3.5"),
    ]
    assert list(median.x) == [2.3, 3.0]
    assert list(site.x) == [2.7, 2.1]
    assert median.marker.symbol != site.marker.symbol
    layout = chart.figure.layout
    assert tuple(layout.xaxis.range) == (0, 5)
    assert layout.xaxis.title.text == "Score (0 to 5)"
    # Top to bottom in questionnaire order.
    assert list(layout.yaxis.categoryarray) == ["Alpha", "Beta"]
    assert layout.yaxis.autorange == "reversed"
    assert layout.margin.l >= 80


def test_range_table_holds_the_same_numbers(mini: Questionnaire) -> None:
    chart = range_chart(mini, benchmark({"alpha": ALPHA, "beta": BETA}, suppressed={}), subject=SUBJECT)
    quartiles, median, site = chart.figure.data
    table = chart.table
    assert table.headers == (
        "Area",
        SUBJECT,
        "Lower quartile",
        "Median",
        "Upper quartile",
        "Percentile rank of HMP Fellwater",
    )
    assert table.rows[0].values == ("2.7", "1.8", "2.3", "3.1", "62.5")
    assert table.rows[1].values == ("2.1", "2.5", "3.0", "3.5", "14.3")
    for index, row in enumerate(table.rows):
        mine, lower, middle, upper, _ = numbers(row)
        assert site.x[index] == mine
        assert quartiles.base[index] == lower
        assert median.x[index] == middle
        assert Decimal(str(quartiles.base[index])) + Decimal(str(quartiles.x[index])) == Decimal(str(upper))
        # The same rank in words in the hover text: the table's number rounded half up to a whole percent.
        whole = int((Decimal(row.values[4]) + Decimal("0.5")).to_integral_value(rounding="ROUND_FLOOR"))
        assert f"(higher than about {whole}% of the group, counting ties as half)" in site.hovertext[index]


def test_range_chart_with_a_suppressed_domain(mini: Questionnaire) -> None:
    chart = range_chart(mini, benchmark(), subject=SUBJECT)
    assert [list(trace.y) for trace in chart.figure.data] == [["Alpha"]] * 3
    assert chart.table.row("Beta").not_shown == TOO_FEW
    assert chart.table.row("Alpha").shown


def test_range_chart_when_the_site_has_no_score_in_a_domain(mini: Questionnaire) -> None:
    unscored = summary(
        "alpha",
        median=Fraction(2),
        lower=Fraction(1),
        upper=Fraction(3),
        levels={2: 6},
        site_score=None,
        site_percentile=None,
    )
    chart = range_chart(mini, benchmark({"alpha": unscored}), subject=SUBJECT)
    site = chart.figure.data[2]
    assert list(site.x) == [None]
    assert chart.table.row("Alpha").values == ("No score", "1.0", "2.0", "3.0", "No score")
    assert "HMP Fellwater has no score in these areas" in chart.description


def test_range_description(mini: Questionnaire) -> None:
    chart = range_chart(mini, benchmark({"alpha": ALPHA, "beta": BETA}, suppressed={}), subject=SUBJECT)
    assert chart.description == (
        "The score of HMP Fellwater in each of 2 areas against the middle half of peers in ‘All prisons’ (from "
        "the lower to the upper quartile): HMP Fellwater is above the middle half in 0 areas, within it in 1 and "
        "below it in 1."
    )


# -- 3. Level distribution -----------------------------------------------------------------------------------


def test_level_distribution_stacks_one_trace_per_level(mini: Questionnaire) -> None:
    chart = level_distribution_chart(mini, benchmark({"alpha": ALPHA, "beta": BETA}, suppressed={}))
    traces = chart.figure.data
    assert [trace.name for trace in traces] == LEVEL_NAMES
    assert all(isinstance(trace, go.Bar) and trace.orientation == "h" for trace in traces)
    assert all(list(trace.y) == ["Overall", "Alpha", "Beta"] for trace in traces)
    assert [list(trace.x) for trace in traces] == [
        [0, 0, 0],
        [1, 1, 0],
        [3, 2, 1],
        [2, 2, 3],
        [0, 1, 2],
        [0, 0, 1],
    ]
    assert list(traces[2].text) == ["3", "2", "1"]
    assert list(traces[0].text) == ["", "", ""]  # no label on an empty segment
    layout = chart.figure.layout
    assert layout.barmode == "stack"
    assert layout.xaxis.title.text == "Number of peer sites"
    assert tuple(layout.xaxis.range) == (0, 7)
    assert layout.yaxis.autorange == "reversed"
    # Counts are written on plain fills (no pattern behind the text), in black or white, whichever
    # contrasts more: at least 4.5 to 1 on every level's colour.
    assert len({trace.marker.color for trace in traces}) == 6
    for trace in traces:
        assert trace.marker.pattern.shape is None
        assert contrast(trace.textfont.color, trace.marker.color) >= 4.5
    assert not layout.shapes  # no subject named: nothing outlined


def test_level_table_holds_the_same_numbers(mini: Questionnaire) -> None:
    chart = level_distribution_chart(mini, benchmark({"alpha": ALPHA, "beta": BETA}, suppressed={}))
    table = chart.table
    assert table.headers == ("Area", *LEVEL_NAMES, "Peers")
    assert [row.label for row in table.rows] == ["Overall", "Alpha", "Beta"]
    assert table.row("Alpha").values == ("0", "1", "2", "2", "1", "0", "6")
    for index, row in enumerate(table.rows):
        *counts, peers = (int(value) for value in row.values)
        assert counts == [trace.x[index] for trace in chart.figure.data]
        assert sum(counts) == peers
        assert f"of {peers} peers" in chart.figure.data[0].hovertext[index]


def test_level_distribution_lists_suppressed_domains_and_overall(mini: Questionnaire) -> None:
    reason = (
        "Only 4 sites in this group have a score here. Figures are shown for at least 5, so that no site's result "
        "can be worked out."
    )
    chart = level_distribution_chart(mini, benchmark(overall=None, suppressed={"beta": 3, OVERALL: 4}))
    assert all(list(trace.y) == ["Alpha"] for trace in chart.figure.data)
    assert chart.table.row("Overall").not_shown == reason
    assert chart.table.row("Beta").not_shown == TOO_FEW
    assert chart.description == "How many peers in ‘All prisons’ are at each level, in each of 1 area."


def test_level_description_names_the_most_common_overall_level(mini: Questionnaire) -> None:
    chart = level_distribution_chart(mini, benchmark())
    assert chart.description == (
        "How many peers in ‘All prisons’ are at each level, overall and in each of 1 area. "
        "The most common overall level is 2 Consultation (3 of 6 peers)."
    )


def test_count_labels_contrast_with_their_bars() -> None:
    assert label_colour("#0072B2") == "#ffffff"  # blue: white text
    assert label_colour("#F0E442") == "#0b0c0c"  # yellow: black text
    assert label_colour("#000000") == "#ffffff"


# -- Not shown ------------------------------------------------------------------------------------------------


def test_domains_not_compared_across_versions_say_so(mini: Questionnaire) -> None:
    chart = radar_chart(mini, benchmark(suppressed={}, uncompared=("beta",)), subject=SUBJECT)
    assert chart.table.row("Beta").not_shown == NOT_COMPARED


def test_a_domain_with_no_figures_and_no_reason_still_says_why(mini: Questionnaire) -> None:
    chart = range_chart(mini, benchmark(suppressed={}), subject=SUBJECT)
    assert chart.table.row("Beta").not_shown == NO_FIGURES


@pytest.mark.parametrize(
    "build",
    [
        functools.partial(radar_chart, subject=SUBJECT),
        functools.partial(range_chart, subject=SUBJECT),
        level_distribution_chart,
        functools.partial(benchmark_charts, subject=SUBJECT),
    ],
    ids=["radar", "range", "levels", "all"],
)
def test_no_chart_for_a_group_that_disclosure_control_hides(mini: Questionnaire, build: object) -> None:
    hidden = benchmark()
    hidden.decision = decision(shown=False)
    with pytest.raises(ValueError, match="not shown"):
        build(mini, hidden)  # type: ignore[operator]


def test_no_domain_shown_gives_a_table_only(mini: Questionnaire) -> None:
    chart = range_chart(mini, benchmark({}, suppressed={"alpha": 3, "beta": 3}), subject=SUBJECT)
    assert not chart.has_figures
    assert all(len(trace.y) == 0 for trace in chart.figure.data)
    assert chart.description == "No area has enough peer figures in ‘All prisons’ to show."


# -- All benchmark charts ------------------------------------------------------------------------------------


def test_benchmark_charts_leave_out_the_radar_below_three_domains(mini: Questionnaire) -> None:
    charts = benchmark_charts(mini, benchmark({"alpha": ALPHA, "beta": BETA}, suppressed={}), subject=SUBJECT)
    assert [chart.id for chart in charts] == ["range", "levels"]
    three = with_domains(mini, ("gamma", "Gamma"))
    gamma = summary(
        "gamma",
        median=Fraction(1),
        lower=Fraction(1),
        upper=Fraction(2),
        levels={1: 5, 2: 1},
        site_score=Fraction(1),
        site_percentile=Fraction(50),
    )
    charts = benchmark_charts(
        three, benchmark({"alpha": ALPHA, "beta": BETA, "gamma": gamma}, suppressed={}), subject=SUBJECT
    )
    assert [chart.id for chart in charts] == ["range", "radar", "levels"]
    assert all(isinstance(chart, Chart) and chart.title and chart.description for chart in charts)


def test_print_wrapping_gives_fewer_lines_per_title_and_shorter_charts(mini: Questionnaire) -> None:
    """The PDF's charts wrap area titles at PRINT_WRAP_AT: a long title takes 2 lines, not 4, so each bar is
    shorter and the whole chart prints larger when scaled to the page's height."""
    long = "Partnerships with the voluntary sector and lived-experience organisations"
    titled = retitled(mini, "beta", long)
    data = benchmark({"alpha": ALPHA, "beta": BETA}, suppressed={})
    for build in (functools.partial(range_chart, subject=SUBJECT), level_distribution_chart):
        screen, paper = build(titled, data), build(titled, data, wrap_at=PRINT_WRAP_AT)
        screen_label = [label for label in screen.figure.data[0].y if "Partnerships" in label][0]
        paper_label = [label for label in paper.figure.data[0].y if "Partnerships" in label][0]
        assert screen_label.count("<br>") == 3 and paper_label.count("<br>") == 1, build
        assert paper.figure.layout.height < screen.figure.layout.height, build
        assert paper.table == screen.table  # the same numbers either way
    charts = benchmark_charts(titled, data, wrap_at=PRINT_WRAP_AT, subject=SUBJECT)
    assert all(label.count("<br>") <= 1 for chart in charts for label in chart.figure.data[0].y)


def test_benchmark_charts_from_summarise(mini: Questionnaire) -> None:
    """The same charts from statistics worked out by assess.benchmarking (scores in hundredths)."""
    values = [level.value for level in mini.levels]
    alpha = summarise("alpha", {150: 2, 220: 3, 310: 1}, {1: 2, 2: 3, 3: 1}, 270, 2, values)
    charts = benchmark_charts(mini, benchmark({"alpha": alpha}), subject=SUBJECT)
    range_ = charts[0]
    assert range_.table.row("Alpha").values == ("2.7", "1.7", "2.2", "2.2", "83.3")
    assert list(range_.figure.data[1].x) == [2.2]


# -- 4. Trend -------------------------------------------------------------------------------------------------

POINTS = [
    TrendPoint("2026-27", Decimal("2.7"), {"alpha": Decimal("3.0"), "beta": Decimal("2.5")}),
    TrendPoint("2024-25", Fraction(18, 10), {"alpha": Fraction(2), "beta": Fraction(16, 10)}),
    TrendPoint("2025-26", None, {"alpha": Fraction(1, 2)}),
]


def test_trend_puts_periods_in_order_as_categories(mini: Questionnaire) -> None:
    chart = trend_chart(mini, POINTS, subject=SUBJECT)
    (line,) = chart.figure.data
    assert list(line.x) == ["2024-25", "2025-26", "2026-27"]
    assert list(line.y) == [1.8, None, 2.7]
    assert list(line.text) == ["1.8", "", "2.7"]
    assert line.mode == "lines+markers+text"
    layout = chart.figure.layout
    assert layout.xaxis.type == "category"  # so "2026-27" is never read as a date
    assert list(layout.xaxis.categoryarray) == ["2024-25", "2025-26", "2026-27"]
    assert tuple(layout.yaxis.range) == (0, 5)
    assert layout.yaxis.title.text == "Score (0 to 5)"
    assert layout.yaxis.title.standoff >= 10  # clear of the level names (it overlapped them without)
    assert list(layout.yaxis.ticktext) == LEVEL_NAMES
    assert chart.table.headers == ("Year", SUBJECT)
    assert [tuple(row) for row in chart.table.rows] == [
        ("2024-25", "1.8"),
        ("2025-26", "No score"),
        ("2026-27", "2.7"),
    ]
    assert chart.description == (
        "The overall score of HMP Fellwater in each year from 2024-25 to 2026-27: 1.8 in 2024-25, no score in "
        "2025-26 and 2.7 in 2026-27."
    )


def test_domain_trend_is_one_small_chart_per_domain(mini: Questionnaire) -> None:
    chart = domain_trend_chart(mini, POINTS, subject=SUBJECT)
    alpha, beta = chart.figure.data
    assert (alpha.name, beta.name) == ("Alpha", "Beta")
    assert list(alpha.x) == list(beta.x) == ["2024-25", "2025-26", "2026-27"]
    assert list(alpha.y) == [2.0, 0.5, 3.0]
    assert list(beta.y) == [1.6, None, 2.5]
    assert (alpha.xaxis, alpha.yaxis, beta.xaxis, beta.yaxis) == ("x", "y", "x2", "y2")
    layout = chart.figure.layout
    assert [annotation.text for annotation in layout.annotations] == ["Alpha", "Beta"]
    for axis in (layout.yaxis, layout.yaxis2):
        assert tuple(axis.range) == (0, 5)
    for axis in (layout.xaxis, layout.xaxis2):
        assert axis.type == "category"
        assert list(axis.categoryarray) == ["2024-25", "2025-26", "2026-27"]
    table = chart.table
    assert table.headers == ("Area", "2024-25", "2025-26", "2026-27")
    assert [tuple(row) for row in table.rows] == [("Alpha", "2.0", "0.5", "3.0"), ("Beta", "1.6", "No score", "2.5")]
    for trace, row in zip(chart.figure.data, table.rows, strict=True):
        assert list(trace.y) == [None if value == "No score" else float(value) for value in row.values]
    assert chart.description == (
        "The score of HMP Fellwater in each of 2 areas in each year from 2024-25 to 2026-27, one small chart per "
        "area: from its first score to its latest, 2 rose, 0 fell and 0 stayed the same."
    )


def test_domain_trend_panels_fill_rows_of_three(mini: Questionnaire) -> None:
    many = with_domains(mini, ("gamma", "Gamma"), ("delta", "Delta"))
    chart = domain_trend_chart(many, POINTS, subject=SUBJECT)
    assert [trace.name for trace in chart.figure.data] == ["Alpha", "Beta", "Gamma", "Delta"]
    assert [trace.xaxis for trace in chart.figure.data] == ["x", "x2", "x3", "x4"]
    layout = chart.figure.layout
    assert layout.yaxis4.domain[1] < layout.yaxis.domain[0]  # Delta starts a second row
    assert layout.xaxis4.domain == layout.xaxis.domain


def test_trend_table_has_every_number_for_the_download(mini: Questionnaire) -> None:
    table = trend_table(mini, POINTS, subject=SUBJECT)
    assert parse_csv(table) == [
        ["Year", "Overall", "Alpha", "Beta"],
        ["2024-25", "1.8", "2.0", "1.6"],
        ["2025-26", "No score", "0.5", "No score"],
        ["2026-27", "2.7", "3.0", "2.5"],
    ]


def test_trend_charts(mini: Questionnaire) -> None:
    assert [chart.id for chart in trend_charts(mini, POINTS, subject=SUBJECT)] == ["trend", "domain-trend"]
    assert trend_charts(mini, [], subject=SUBJECT) == []
    empty = trend_chart(mini, [], subject=SUBJECT)
    assert not empty.has_figures
    assert empty.description == "HMP Fellwater has no submitted assessments yet, so there is no trend to show."


def test_one_trend_point(mini: Questionnaire) -> None:
    chart = trend_chart(mini, [TrendPoint("2026-27", Fraction(27, 10))], subject=SUBJECT)
    assert chart.description == "The overall score of HMP Fellwater: 2.7 in 2026-27."
    assert domain_trend_chart(mini, [TrendPoint("2026-27", Fraction(27, 10))], subject=SUBJECT).table.rows[
        0
    ].values == ("No score",)


def test_two_points_for_one_period_are_refused(mini: Questionnaire) -> None:
    with pytest.raises(ValueError, match="2026-27"):
        trend_chart(mini, [TrendPoint("2026-27", Fraction(1)), TrendPoint("2026-27", Fraction(2))], subject=SUBJECT)


# -- Tables and CSV -------------------------------------------------------------------------------------------


def test_csv_parses_back_with_a_header_row_and_the_reason(mini: Questionnaire) -> None:
    chart = range_chart(mini, benchmark(), subject=SUBJECT)
    rows = parse_csv(chart.table)
    assert rows == [
        ["Area", SUBJECT, "Lower quartile", "Median", "Upper quartile", "Percentile rank of HMP Fellwater"],
        ["Alpha", "2.7", "1.8", "2.3", "3.1", "62.5"],
        ["Beta", f"Not shown. {TOO_FEW}", "", "", "", ""],
    ]
    assert chart.table.csv().endswith("\r\n")


def test_csv_cells_are_never_spreadsheet_formulas(mini: Questionnaire) -> None:
    chart = radar_chart(retitled(mini, "alpha", "=HYPERLINK(1)"), benchmark(), subject=SUBJECT)
    assert parse_csv(chart.table)[1][0] == "'=HYPERLINK(1)"
    assert chart.table.rows[0].label == "=HYPERLINK(1)"  # the page shows it as written


def test_a_row_must_fill_the_columns() -> None:
    with pytest.raises(ValueError, match="2 values for 3 columns"):
        Table("Caption", ("Area", "A", "B", "C"), (Row("Alpha", ("1", "2")),))


def test_rows_iterate_as_cells() -> None:
    row = Row("Alpha", ("2.7", "2.3"))
    assert list(row) == ["Alpha", "2.7", "2.3"]
    assert (len(row), row[1]) == (3, "2.7")
    assert row.cells(3) == ("Alpha", "2.7", "2.3")
    hidden = Row("Beta", not_shown="Too few.")
    assert hidden.cells(4) == ("Beta", "Not shown. Too few.", "", "")


# -- Every figure ---------------------------------------------------------------------------------------------


def all_charts(questionnaire: Questionnaire, group: GroupBenchmark) -> list[Chart]:
    return [
        radar_chart(questionnaire, group, subject=SUBJECT),
        range_chart(questionnaire, group, subject=SUBJECT),
        level_distribution_chart(questionnaire, group),
        trend_chart(questionnaire, POINTS, subject=SUBJECT),
        domain_trend_chart(questionnaire, POINTS, subject=SUBJECT),
    ]


def test_every_figure_is_described_and_readable(mini: Questionnaire) -> None:
    group = benchmark({"alpha": ALPHA, "beta": BETA}, suppressed={})
    for chart in all_charts(mini, group):
        layout = chart.figure.layout
        assert layout.title.text == chart.title
        assert layout.meta == chart.description
        assert chart.description.endswith(".") and "\n" not in chart.description
        assert layout.font.family == FONT_FAMILY == '"GDS Transport", arial, sans-serif'
        assert layout.margin.l >= 80
        assert layout.template.layout.to_plotly_json() == {}  # no plotly theme
        assert chart.table.caption.startswith(chart.title)
        for trace in chart.figure.data:
            assert trace.hovertemplate == "%{hovertext}<extra></extra>"


def test_the_subject_is_named_in_titles_legends_hover_text_and_tables(mini: Questionnaire) -> None:
    group = benchmark({"alpha": ALPHA, "beta": BETA}, suppressed={})
    radar = radar_chart(mini, group, subject="North West")
    range_ = range_chart(mini, group, subject="North West")
    trend = trend_chart(mini, POINTS, subject="North West")
    assert radar.title == "Scores of North West and the peer median in each area"
    assert range_.title == "Score of North West and the middle half of peers in each area"
    assert trend.title == "Overall score of North West by year"
    assert domain_trend_chart(mini, POINTS, subject="North West").title == "Score of North West in each area by year"
    assert trend_table(mini, POINTS, subject="North West").caption == "Scores of North West by year"
    for chart in (radar, range_):
        assert chart.table.caption == f"{chart.title}: All prisons"
        assert "North West" in chart.table.headers
        assert "North West" in [trace.name for trace in chart.figure.data]
        assert "North West is above" in chart.description
    assert range_.table.headers[-1] == "Percentile rank of North West"
    assert range_.figure.data[2].hovertext[0] == (
        "Alpha<br>North West: 2.7 (higher than about 63% of the group, counting ties as half)"
    )
    assert radar.figure.data[1].hovertext[0] == "Alpha<br>Peer median: 2.3 (6 peers)"
    assert trend.figure.data[0].hovertext[0] == "2024-25<br>North West: 1.8"
    assert trend.table.headers == ("Year", "North West")
    # Shown as written: escaped for plotly, never markup, and as written in the table.
    odd = range_chart(mini, group, subject="HMP & YOI <b>")
    assert odd.figure.data[2].name == "HMP &amp; YOI &lt;b&gt;"
    assert odd.figure.layout.title.text == "Score of HMP &amp; YOI &lt;b&gt; and the middle half of peers in each area"
    assert odd.table.headers[1] == "HMP & YOI <b>"


TARGET = Series("Target", {"alpha": Fraction(3), "beta": Fraction(7, 2)}, SeriesStyle(ORANGE, "square", "dot"))


def test_a_third_series_is_one_more_trace_and_one_more_column(mini: Questionnaire) -> None:
    group = benchmark({"alpha": ALPHA, "beta": BETA}, suppressed={})
    radar = radar_chart(mini, group, subject=SUBJECT, extra_series=[TARGET])
    assert [trace.name for trace in radar.figure.data] == [SUBJECT, "Target", "Peer median"]
    assert list(radar.figure.data[1].r) == [3.0, 3.5, 3.0]
    assert radar.figure.data[1].marker.symbol == "square" and radar.figure.data[1].line.dash == "dot"
    assert radar.table.headers == ("Area", SUBJECT, "Target", "Peer median", "Peers")
    assert radar.table.row("Beta").values == ("2.1", "3.5", "3.0", "7")
    assert radar.figure.layout.showlegend and radar.figure.data[1].fill is None  # only the subject's is filled

    range_ = range_chart(mini, group, subject=SUBJECT, extra_series=[TARGET])
    assert [trace.name for trace in range_.figure.data][1:] == ["Peer median", SUBJECT, "Target"]
    assert list(range_.figure.data[3].x) == [3.0, 3.5]
    assert range_.figure.data[3].hovertext[1] == "Beta<br>Target: 3.5"
    assert range_.table.headers[:3] == ("Area", SUBJECT, "Target")
    for index, row in enumerate(range_.table.rows):
        assert numbers(row)[1] == range_.figure.data[3].x[index]

    by_year = Series("Target", {"2024-25": Fraction(2), "2026-27": Fraction(3)}, SeriesStyle(ORANGE, "square", "dot"))
    trend = trend_chart(mini, POINTS, subject=SUBJECT, extra_series=[by_year])
    assert [trace.name for trace in trend.figure.data] == [SUBJECT, "Target"]
    assert list(trend.figure.data[1].y) == [2.0, None, 3.0]
    assert trend.table.headers == ("Year", SUBJECT, "Target")
    assert [row.values for row in trend.table.rows] == [("1.8", "2.0"), ("No score", "No score"), ("2.7", "3.0")]
    assert trend.figure.layout.showlegend and all(trace.showlegend for trace in trend.figure.data)
    assert not trend_chart(mini, POINTS, subject=SUBJECT).figure.layout.showlegend  # one line needs no key

    charts = benchmark_charts(mini, group, subject=SUBJECT, extra_series=[TARGET])
    assert charts[0].table == range_.table


def test_held_back_areas_say_how_many_peers_have_a_score() -> None:
    assert too_few_scored(3, 5) == TOO_FEW
    assert too_few_scored(1, 5).startswith("Only 1 site in this group has a score here.")


def test_benchmark_figures_name_the_group(mini: Questionnaire) -> None:
    for chart in all_charts(mini, benchmark())[:3]:
        assert chart.figure.layout.title.subtitle.text.startswith("Compared with All prisons")
        assert chart.table.caption.endswith(": All prisons")


def test_colours_are_okabe_ito(mini: Questionnaire) -> None:
    assert set(LEVEL_COLOURS) <= OKABE_ITO
    assert {SITE_COLOUR, QUARTILE_COLOUR} <= OKABE_ITO
    group = benchmark({"alpha": ALPHA, "beta": BETA}, suppressed={})
    for chart in all_charts(mini, group):
        for trace in chart.figure.data:
            if isinstance(trace, go.Bar) and chart.id == "range":
                continue  # the quartile band is sky blue, made lighter
            assert trace.marker.color.upper() in OKABE_ITO


def test_titles_are_shown_as_written_not_as_markup(mini: Questionnaire) -> None:
    odd = retitled(mini, "alpha", "A & <b>B</b></script>")
    chart = range_chart(odd, benchmark(), subject=SUBJECT)
    assert list(chart.figure.data[2].y) == ["A &amp; &lt;b&gt;B&lt;/b&gt;&lt;/script&gt;"]
    assert chart.table.rows[0].label == "A & <b>B</b></script>"
    text = figure_json(chart.figure)
    assert "<" not in text and ">" not in text and "</" not in text


# -- Deterministic ---------------------------------------------------------------------------------------------


def test_same_input_same_json(mini: Questionnaire) -> None:
    group = benchmark({"alpha": ALPHA, "beta": BETA}, suppressed={})
    reordered = benchmark({"beta": BETA, "alpha": ALPHA}, suppressed={})
    points = [TrendPoint(p.period, p.overall, dict(reversed(list(p.domains.items())))) for p in reversed(POINTS)]
    first = [figure_json(chart.figure) for chart in all_charts(mini, group)]
    second = [chart.json() for chart in all_charts(mini, reordered)[:3]]
    second += [
        figure_json(trend_chart(mini, points, subject=SUBJECT).figure),
        figure_json(domain_trend_chart(mini, points, subject=SUBJECT).figure),
    ]
    assert first == second
    assert [chart.table for chart in all_charts(mini, group)] == [chart.table for chart in all_charts(mini, group)]
    for text in first:
        parsed = json.loads(text)
        assert set(parsed) == {"data", "layout"}


def test_points_from_stored_scores() -> None:
    from types import SimpleNamespace

    from assess.charts import points_from_scores

    rows = [
        SimpleNamespace(
            period="2024-25", overall_hundredths=180, domains=[SimpleNamespace(domain_id="a", score_hundredths=150)]
        ),
        SimpleNamespace(period="2025-26", overall_hundredths=None, domains=[]),
    ]
    points = points_from_scores(rows)
    assert [point.period for point in points] == ["2024-25", "2025-26"]
    assert points[0].overall == Fraction(9, 5) and points[0].domains == {"a": Fraction(3, 2)}
    assert points[1].overall is None and points[1].domains == {}


# -- Issue 13: targets, the year compared, percentile ranks as numbers and words, the site's level marked ----


@pytest.mark.parametrize(
    ("value", "number", "words"),
    [
        (Fraction(0), "0", "lower than every site in the group"),
        (Fraction(1), "1", "higher than about 1% of the group, counting ties as half"),
        (Fraction(75, 2), "37.5", "higher than about 38% of the group, counting ties as half"),
        (Fraction(100, 3), "33.3", "higher than about 33% of the group, counting ties as half"),
        (Fraction(125, 2), "62.5", "higher than about 63% of the group, counting ties as half"),
        (Fraction(1, 5), "0.2", "among the lowest in the group"),
        (Fraction(9979, 100), "99.8", "among the highest in the group"),
        (Fraction(100), "100", "higher than every site in the group"),
    ],
)
def test_percentile_ranks_are_numbers_in_tables_and_words_on_pages(value: Fraction, number: str, words: str) -> None:
    assert percentile_number(value) == number
    assert float(number) == pytest.approx(float(value), abs=0.05)  # a number a spreadsheet reads
    assert percentile_words(value) == words
    assert percentile_number(None) == "No score"
    assert percentile_words(None) == "no score"


TARGETS = {"alpha": 4, "beta": 2}


def test_targets_are_a_series_with_their_own_marker_legend_entry_and_column(mini: Questionnaire) -> None:
    group = benchmark({"alpha": ALPHA, "beta": BETA}, suppressed={})
    charts = {chart.id: chart for chart in benchmark_charts(mini, group, subject=SUBJECT, targets=TARGETS)}
    range_, radar, levels = charts["range"], charts["radar"] if "radar" in charts else None, charts["levels"]
    assert radar is None  # two areas: no radar (see below for one with three)

    names = [trace.name for trace in range_.figure.data]
    assert names == ["Middle half of peers (lower to upper quartile)", "Peer median", SUBJECT, TARGET_LEVEL]
    target = range_.figure.data[3]
    assert list(target.x) == [4.0, 2.0]
    assert target.marker.symbol == "star"  # not colour alone: its own marker, and a legend entry
    assert target.marker.symbol not in {trace.marker.symbol for trace in range_.figure.data[1:3]}
    assert target.hovertext[0] == "Alpha<br>Target level: 4 (4 Co-design)"
    assert range_.table.headers[:3] == ("Area", SUBJECT, TARGET_LEVEL)
    assert [row.values[1] for row in range_.table.rows] == ["4", "2"]  # levels as whole numbers
    rows = parse_csv(range_.table)
    assert rows[0][2] == TARGET_LEVEL and [row[2] for row in rows[1:]] == ["4", "2"]

    assert levels.table.headers[-2:] == (f"Level of {SUBJECT}", TARGET_LEVEL)
    assert levels.table.row("Alpha").values[-1] == "4"
    assert levels.table.row("Overall").values[-1] == "No target"  # targets are set for areas only

    # A third area: the radar draws the target as one more closed shape with a star marker.
    three = with_domains(mini, ("gamma", "Gamma"))
    gamma = summary(
        "gamma", median=Fraction(2), lower=Fraction(1), upper=Fraction(3), levels=ALPHA.levels,
        site_score=Fraction(1), site_percentile=Fraction(0),
    )  # fmt: skip
    group3 = benchmark({"alpha": ALPHA, "beta": BETA, "gamma": gamma}, suppressed={})
    radar = radar_chart(three, group3, subject=SUBJECT, targets={"alpha": 3})
    assert [trace.name for trace in radar.figure.data] == [SUBJECT, TARGET_LEVEL, "Peer median"]
    assert list(radar.figure.data[1].r) == [3.0, None, None, 3.0]
    assert radar.figure.data[1].marker.symbol == "star"
    assert [row.values[1] for row in radar.table.rows] == ["3", "No target", "No target"]

    # Without targets (none given, or none set) nothing changes: no series, no legend entry, no column.
    for plain in (
        benchmark_charts(mini, group, subject=SUBJECT),
        benchmark_charts(mini, group, subject=SUBJECT, targets={}),
    ):
        assert TARGET_LEVEL not in plain[0].table.headers and TARGET_LEVEL not in plain[-1].table.headers
        assert TARGET_LEVEL not in [trace.name for chart in plain for trace in chart.figure.data]


def test_tables_and_csv_say_which_year_the_peers_figures_come_from(mini: Questionnaire) -> None:
    group = benchmark({"alpha": ALPHA, "beta": BETA}, suppressed={"beta": 3})
    group = GroupBenchmark(
        **{**group.__dict__, "domains": {"alpha": ALPHA}, "period": "2025-26", "own_period": "2026-27"}
    )
    for chart in benchmark_charts(mini, group, subject=SUBJECT, targets=TARGETS):
        assert chart.table.caption.endswith(": All prisons, figures from 2025-26")
        assert chart.figure.layout.title.subtitle.text.startswith("Compared with All prisons in 2025-26")
        rows = parse_csv(chart.table)
        header, body = rows[0], rows[1:]
        assert header[-2:] == ["Year of this assessment", "Year of peers' figures"]
        assert header[: len(chart.table.headers)] == list(chart.table.headers)
        assert len(body) == len(chart.table.rows)
        for row in body:
            assert len(row) == len(header)  # every row, shown or not, is a full row
            assert row[-2:] == ["2026-27", "2025-26"]
        # The page's table has only its own columns; the years are in its caption.
        assert "Year of peers' figures" not in chart.table.headers
    # Percentile ranks parse as numbers.
    range_rows = parse_csv(benchmark_charts(mini, group, subject=SUBJECT)[0].table)
    rank = range_rows[0].index(f"Percentile rank of {SUBJECT}")
    assert float(range_rows[1][rank]) == 62.5
    # Not known (callers that do not say): no year columns, and the caption as before.
    plain = range_chart(mini, benchmark(), subject=SUBJECT)
    assert plain.table.caption.endswith(": All prisons") and "Year" not in parse_csv(plain.table)[0][-1]


def test_the_level_distribution_outlines_the_subjects_level_in_each_row(mini: Questionnaire) -> None:
    group = benchmark({"alpha": ALPHA, "beta": BETA}, suppressed={})
    chart = level_distribution_chart(mini, group, subject=SUBJECT)
    # Rows: Overall, Alpha and Beta, the site at level 2 in each (counts as in the test of the stacked bars).
    levels_of = [OVERALL_SUMMARY.site_level, ALPHA.site_level, BETA.site_level]
    assert levels_of == [2, 2, 2]
    shapes = chart.figure.layout.shapes
    assert len(shapes) == 3
    for index, (shape, row_summary) in enumerate(zip(shapes, [OVERALL_SUMMARY, ALPHA, BETA], strict=True)):
        below = sum(count for level, count in row_summary.levels.items() if level < 2)
        at = row_summary.levels[2]
        assert (shape.x0, shape.x1) == (below, below + at)
        assert shape.y0 < index < shape.y1 and shape.y1 - shape.y0 < 1  # inside its own row
        assert shape.line.width >= 3
    assert [shape.showlegend for shape in shapes] == [True, False, False]  # one legend entry
    assert shapes[0].name == f"Level of {SUBJECT} (outlined)"
    assert chart.figure.layout.showlegend
    assert chart.table.headers[-1] == f"Level of {SUBJECT}"
    assert [row.values[-1] for row in chart.table.rows] == ["2", "2", "2"]
    assert "HMP Fellwater is at this level" in chart.figure.data[2].hovertext[0]
    assert "HMP Fellwater is at this level" not in chart.figure.data[3].hovertext[0]
    assert f"{SUBJECT} is at 2 Consultation overall" in chart.description
    # No peer shares the subject's level: an upright line where that level's bar would be.
    lonely = summary(
        "alpha", median=Fraction(2), lower=Fraction(1), upper=Fraction(3), levels={0: 0, 1: 3, 2: 0, 3: 3, 4: 0, 5: 0},
        site_score=Fraction(21, 10), site_percentile=Fraction(50),
    )  # fmt: skip
    shape = level_distribution_chart(mini, benchmark({"alpha": lonely}, suppressed={}), subject=SUBJECT)
    line = shape.figure.layout.shapes[1]
    assert line.type == "line" and line.x0 == line.x1 == 3


@pytest.mark.parametrize(
    ("count", "most", "expected"),
    [
        (2, 2, [0, 1]),
        (3, 2, [0, 2]),
        (10, 2, [0, 9]),
        (6, 6, [0, 1, 2, 3, 4, 5]),
        (10, 6, [0, 2, 4, 6, 9]),  # 8 would sit beside 9
        (11, 6, [0, 2, 4, 6, 8, 10]),
        (30, 6, [0, 6, 12, 18, 24, 29]),
    ],
)
def test_year_labels_are_thinned_to_a_few_always_with_the_first_and_latest(
    count: int, most: int, expected: list[int]
) -> None:
    from assess.charts.trend import year_ticks

    periods = [f"{2000 + year}-{(year + 1) % 100:02d}" for year in range(count)]
    chosen = year_ticks(periods, most)
    assert chosen == [periods[index] for index in expected]
    assert len(chosen) <= most and chosen[0] == periods[0] and chosen[-1] == periods[-1]


def test_small_multiples_leave_room_for_year_labels_and_the_next_rows_titles(mini: Questionnaire) -> None:
    from assess.charts.trend import PANEL_TICK_ROOM, PANEL_TITLE_LINE

    many = with_domains(mini, ("c", "Gamma"), ("d", "A long title that wraps onto three lines at twenty"))
    points = [TrendPoint(f"20{n:02d}-{n + 1:02d}", Fraction(2), {"alpha": Fraction(n, 4)}) for n in range(10, 20)]
    layout = domain_trend_chart(many, points, subject=SUBJECT).figure.layout
    titles = [annotation.text for annotation in layout.annotations]
    assert max(len(line) for title in titles for line in title.split("<br>")) <= 20
    lower_lines = titles[3].count("<br>") + 1
    assert lower_lines == 3
    # The gap between the rows (in the paper's fraction of the plot) holds the upper row's year labels and the
    # lower row's three-line title.
    plot_height = layout.height - layout.margin.t - layout.margin.b
    gap = (layout.yaxis.domain[0] - layout.yaxis4.domain[1]) * plot_height
    assert gap >= PANEL_TICK_ROOM + PANEL_TITLE_LINE * lower_lines
    for axis in (layout.xaxis, layout.xaxis4):
        assert axis.tickangle == 0  # never turned, so never taller than one line
        assert list(axis.tickvals) == ["2010-11", "2019-20"]
    assert list(layout.xaxis.categoryarray) == [point.period for point in points]  # every year still plotted


def test_results_and_trend_charts_give_way_to_their_tables_on_a_narrow_screen(mini: Questionnaire) -> None:
    group = benchmark({"alpha": ALPHA, "beta": BETA}, suppressed={})
    three = with_domains(mini, ("gamma", "Gamma"))
    charts = [*benchmark_charts(three, group, subject=SUBJECT), *trend_charts(mini, POINTS, subject=SUBJECT)]
    assert {chart.id for chart in charts} >= {"range", "levels", "trend", "domain-trend"}
    assert all(chart.narrow == "table" for chart in charts)


def test_the_trend_shows_each_areas_target_as_a_line_with_its_own_marker_and_column(mini: Questionnaire) -> None:
    chart = domain_trend_chart(mini, POINTS, subject=SUBJECT, targets={"beta": 4})
    traces = chart.figure.data
    assert [trace.name for trace in traces] == [SUBJECT, SUBJECT, TARGET_LEVEL]
    target = traces[2]
    assert list(target.y) == [4.0, 4.0, 4.0]  # across every year of Beta's small chart
    assert target.xaxis == traces[1].xaxis == "x2"
    assert target.marker.symbol == "star" and target.line.dash == "dot"
    assert list(target.marker.size)[-1] > 0 and set(list(target.marker.size)[:-1]) == {0}  # a star at the latest
    assert target.hovertext[0] == "Beta<br>Target level: 4 (4 Co-design)"
    assert [trace.showlegend for trace in traces] == [True, False, True]
    assert chart.figure.layout.showlegend
    assert chart.table.headers[-1] == TARGET_LEVEL
    assert [row.values[-1] for row in chart.table.rows] == ["No target", "4"]
    # The hover text still names the area, not the legend's name.
    assert traces[0].hovertext[0].startswith("2024-25<br>Alpha: ")
    # trend_charts passes the targets on; without them, no legend, no column.
    assert trend_charts(mini, POINTS, subject=SUBJECT, targets={"beta": 4})[1].table == chart.table
    plain = domain_trend_chart(mini, POINTS, subject=SUBJECT, targets={})
    assert TARGET_LEVEL not in plain.table.headers and not plain.figure.layout.showlegend
