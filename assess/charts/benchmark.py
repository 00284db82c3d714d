"""Charts comparing a subject (a site, or an area's sites) with one peer group: radar, quartile range and
level distribution.

Each takes the questionnaire and one shown GroupBenchmark (never one that disclosure control suppressed)
and plots only the areas in `benchmark.domains`; every other area is a "Not shown" row in the table,
with the reason. `subject` names whose scores the benchmark places among the peers ("HMP Fellwater"): in
titles, legends, hover text and table headers. The radar and range charts draw their points from a list of
series (the subject's scores, then `extra_series`, such as a validated level or a target, each one more
trace and one more table column).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import plotly.graph_objects as go

from assess.benchmarking import OVERALL, GroupBenchmark, Summary
from assess.questionnaire.schema import Domain, Questionnaire

from .chart import Chart
from .series import MEDIAN_STYLE, SUBJECT_STYLE, Series
from .style import (
    AREA,
    BLACK,
    GRID_COLOUR,
    LEVEL_COLOURS,
    LEVEL_PATTERNS,
    QUARTILE_COLOUR,
    TEXT_COLOUR,
    WRAP_AT,
    base_layout,
    category_axis,
    escape,
    label_colour,
    left_margin,
    linear_axis,
    one_decimal,
    percentile_text,
    plural,
    row_height,
    score_axis,
    score_text,
    score_value,
    translucent,
    wrap,
)
from .table import Row, Table

OVERALL_LABEL = "Overall"
NOT_COMPARED = "Peers used questionnaire versions without this area, so it cannot be compared."
NO_FIGURES = "There are no peer figures for this area."
PEER_MEDIAN = "Peer median"
HOVER = "%{hovertext}<extra></extra>"
RADAR_WRAP_AT = 18  # area titles around the radar are short lines, so they fit beside a narrow chart


def _check_shown(benchmark: GroupBenchmark) -> None:
    if not benchmark.decision.shown:
        raise ValueError(
            f"peer group {benchmark.decision.group_id!r} is not shown ({benchmark.decision.reason}); "
            "show the reason instead of charts"
        )


def too_few_scored(count: int, min_size: int) -> str:
    """Why an area's figures are held back (as templates/macros/benchmarks.html says it on the page)."""
    who = "site in this group has" if count == 1 else "sites in this group have"
    return (
        f"Only {count} {who} a score here. Figures are shown for at least {min_size}, so that no site's result "
        "can be worked out."
    )


def not_shown_reason(benchmark: GroupBenchmark, key: str) -> str:
    """Why an area (or OVERALL) has no figures in this group."""
    if key in benchmark.suppressed_domains:
        return too_few_scored(benchmark.suppressed_domains[key], benchmark.min_size)
    if key in benchmark.uncompared_domains:
        return NOT_COMPARED
    return NO_FIGURES


def _areas(questionnaire: Questionnaire, benchmark: GroupBenchmark) -> Iterator[tuple[Domain, Summary | None]]:
    for domain in questionnaire.domains:
        yield domain, benchmark.domains.get(domain.id)


def _shown_and_rows(
    questionnaire: Questionnaire, benchmark: GroupBenchmark, cells: Callable[[Domain, Summary], tuple[str, ...]]
) -> tuple[list[tuple[Domain, Summary]], tuple[Row, ...]]:
    """The areas with figures (to plot), and a table row for every area: its cells, or why it is not shown."""
    shown: list[tuple[Domain, Summary]] = []
    rows: list[Row] = []
    for domain, summary in _areas(questionnaire, benchmark):
        if summary is None:
            rows.append(Row(domain.title, not_shown=not_shown_reason(benchmark, domain.id)))
            continue
        shown.append((domain, summary))
        rows.append(Row(domain.title, cells(domain, summary)))
    return shown, tuple(rows)


def _subtitle(benchmark: GroupBenchmark) -> str:
    return f"Compared with {benchmark.decision.label}"


def _quote(benchmark: GroupBenchmark) -> str:
    return f"‘{benchmark.decision.label}’"


def _summaries(benchmark: GroupBenchmark) -> dict[str, Summary]:
    overall = {OVERALL: benchmark.overall} if benchmark.overall is not None else {}
    return {**overall, **benchmark.domains}


def subject_series(benchmark: GroupBenchmark, subject: str) -> Series:
    """The subject's own scores in the group's summaries, with its percentile rank in hover text."""
    summaries = _summaries(benchmark)
    return Series(
        subject,
        {key: summary.site_score for key, summary in summaries.items()},
        SUBJECT_STYLE,
        notes={
            key: f"({percentile_text(summary.site_percentile)} percentile)"
            for key, summary in summaries.items()
            if summary.site_percentile is not None
        },
    )


def median_series(benchmark: GroupBenchmark) -> Series:
    """The peers' median, with how many peers in hover text."""
    summaries = _summaries(benchmark)
    return Series(
        PEER_MEDIAN,
        {key: summary.median for key, summary in summaries.items()},
        MEDIAN_STYLE,
        notes={key: f"({plural(summary.peers, 'peer')})" for key, summary in summaries.items()},
    )


def _layout(
    title: str,
    description: str,
    benchmark: GroupBenchmark,
    traces: Sequence[go.Bar | go.Scatter | go.Scatterpolar],
    *,
    plot_height: int,
    note: str = "",
    left: int = 80,
    right: int = 32,
    extra_top: int = 0,
) -> dict[str, Any]:
    return base_layout(
        title,
        description,
        plot_height=plot_height,
        subtitle=_subtitle(benchmark) + note,
        legend=[trace.name for trace in traces],
        left=left,
        right=right,
        extra_top=extra_top,
    )


# -- 1. Radar -----------------------------------------------------------------------------------------


T = TypeVar("T")


def _closed(values: list[T]) -> list[T]:
    """A radar shape is closed by repeating its first point."""
    return values + values[:1] if values else values


def _radar_trace(series: Series, shown: list[tuple[Domain, Summary]], theta: list[str]) -> go.Scatterpolar:
    style = series.style
    marker: dict[str, Any] = {"color": style.colour, "symbol": style.symbol, "size": 11}
    shape: dict[str, Any] = {}
    if style.emphasis:
        marker["line"] = {"color": "#ffffff", "width": 1}
        shape = {"fill": "toself", "fillcolor": translucent(style.colour, 0.15)}
    return go.Scatterpolar(
        name=escape(series.name),
        r=_closed([series.plotted(domain.id) for domain, _ in shown]),
        theta=_closed(list(theta)),
        mode="lines+markers",
        line={"color": style.colour, "width": 3 if style.emphasis else 2, "dash": style.dash},
        marker=marker,
        **shape,
        hovertext=_closed([series.hover(domain.id, domain.title) for domain, _ in shown]),
        hovertemplate=HOVER,
    )


def radar_chart(
    questionnaire: Questionnaire, benchmark: GroupBenchmark, *, subject: str, extra_series: Sequence[Series] = ()
) -> Chart:
    """The subject's score in each area against the peer median, as closed shapes on a 0 to 5 radar (one more
    shape, and one more table column, for each of `extra_series`)."""
    _check_shown(benchmark)
    title = f"Scores of {subject} and the peer median in each area"
    low, high = questionnaire.levels[0].value, questionnaire.top_level
    series = [subject_series(benchmark, subject), *extra_series, median_series(benchmark)]
    shown, rows = _shown_and_rows(
        questionnaire,
        benchmark,
        lambda domain, summary: (*(item.text(domain.id) for item in series), str(summary.peers)),
    )
    table = Table(
        caption=f"{title}: {benchmark.decision.label}",
        headers=(AREA, *(item.name for item in series), "Peers"),
        rows=rows,
    )

    theta = [wrap(domain.title, RADAR_WRAP_AT) for domain, _ in shown]
    traces = [_radar_trace(item, shown, theta) for item in series]

    scored = [(one_decimal(s.site_score), one_decimal(s.median)) for _, s in shown if s.site_score is not None]
    if not shown:
        description = f"No area has enough peer figures in {_quote(benchmark)} to show."
    elif not scored:
        description = (
            f"The median score of peers in {_quote(benchmark)} in each of {plural(len(shown), 'area')}; "
            f"{subject} has no score in these areas."
        )
    else:
        above = sum(1 for mine, theirs in scored if mine > theirs)
        same = sum(1 for mine, theirs in scored if mine == theirs)
        description = (
            f"The scores of {subject} and the median score of peers in {_quote(benchmark)} in each of "
            f"{plural(len(shown), 'area')}: {subject} is above the median in {plural(above, 'area')}, "
            f"level with it in {same} and below it in {len(scored) - above - same}."
        )

    layout = _layout(
        title,
        description,
        benchmark,
        traces,
        plot_height=500,
        note=f". Scores run from {low} at the centre to {high} at the edge.",
        left=140,
        right=140,
        extra_top=48,  # the first area's title sits above the circle
    )
    layout["polar"] = {
        "bgcolor": "#ffffff",
        "radialaxis": {
            "range": [low, high],
            "tickmode": "linear",
            "tick0": low,
            "dtick": 1,
            "tickformat": ".0f",
            # Between the first two spokes, so the numbers do not sit on the first area's spoke.
            "angle": 90 - 180 / max(len(shown), 1),
            "tickangle": 0,
            "gridcolor": GRID_COLOUR,
            "linecolor": TEXT_COLOUR,
        },
        "angularaxis": {
            "type": "category",
            "categoryorder": "array",
            "categoryarray": theta,
            "direction": "clockwise",
            "rotation": 90,
            "gridcolor": GRID_COLOUR,
            "linecolor": TEXT_COLOUR,
        },
    }
    figure = go.Figure(data=traces, layout=layout)
    return Chart("radar", title, figure, table, description)


# -- 2. Range (quartiles) ----------------------------------------------------------------------------------


def _range_marker(series: Series) -> dict[str, Any]:
    style = series.style
    if style.tick:
        return {"symbol": "line-ns-open", "size": 26, "color": style.colour, "line": {"color": BLACK, "width": 3}}
    return {"symbol": style.symbol, "size": 14, "color": style.colour, "line": {"color": "#ffffff", "width": 2}}


def range_chart(
    questionnaire: Questionnaire,
    benchmark: GroupBenchmark,
    *,
    subject: str,
    wrap_at: int = WRAP_AT,
    extra_series: Sequence[Series] = (),
) -> Chart:
    """Each area's middle half of peer scores (lower to upper quartile) as a bar, the peer median as a tick,
    and the subject's score as a marker (then a marker for each of `extra_series`); areas top to bottom in
    questionnaire order. Area titles are wrapped at `wrap_at` characters a line (each bar is as tall as the
    title with the most lines)."""
    _check_shown(benchmark)
    title = f"Score of {subject} and the middle half of peers in each area"
    low, high = questionnaire.levels[0].value, questionnaire.top_level
    own = [subject_series(benchmark, subject), *extra_series]
    shown, rows = _shown_and_rows(
        questionnaire,
        benchmark,
        lambda domain, summary: (
            *(item.text(domain.id) for item in own),
            score_text(summary.lower_quartile),
            score_text(summary.median),
            score_text(summary.upper_quartile),
            percentile_text(summary.site_percentile),
        ),
    )
    table = Table(
        caption=f"{title}: {benchmark.decision.label}",
        headers=(
            AREA,
            *(item.name for item in own),
            "Lower quartile",
            "Median",
            "Upper quartile",
            f"Percentile rank of {subject}",
        ),
        rows=rows,
    )

    labels = [wrap(domain.title, wrap_at) for domain, _ in shown]
    titles = [escape(domain.title) for domain, _ in shown]
    quartiles = go.Bar(
        name="Middle half of peers (lower to upper quartile)",
        orientation="h",
        y=labels,
        base=[score_value(s.lower_quartile) for _, s in shown],
        x=[float(one_decimal(s.upper_quartile) - one_decimal(s.lower_quartile)) for _, s in shown],
        width=0.6,
        marker={"color": translucent(QUARTILE_COLOUR, 0.5), "line": {"color": QUARTILE_COLOUR, "width": 1}},
        hovertext=[
            f"{t}<br>Middle half of peers: {score_text(s.lower_quartile)} to {score_text(s.upper_quartile)}"
            for t, (_, s) in zip(titles, shown, strict=True)
        ],
        hovertemplate=HOVER,
    )
    points = [
        go.Scatter(
            name=escape(item.name),
            mode="markers",
            y=labels,
            x=[item.plotted(domain.id) for domain, _ in shown],
            marker=_range_marker(item),
            cliponaxis=False,
            hovertext=[item.hover(domain.id, domain.title) for domain, _ in shown],
            hovertemplate=HOVER,
        )
        for item in (median_series(benchmark), *own)
    ]

    scored = [
        (one_decimal(s.site_score), one_decimal(s.lower_quartile), one_decimal(s.upper_quartile))
        for _, s in shown
        if s.site_score is not None
    ]
    if not shown:
        description = f"No area has enough peer figures in {_quote(benchmark)} to show."
    elif not scored:
        description = (
            f"The middle half of peer scores in {_quote(benchmark)} in each of {plural(len(shown), 'area')}; "
            f"{subject} has no score in these areas."
        )
    else:
        above = sum(1 for mine, _, upper in scored if mine > upper)
        below = sum(1 for mine, lower, _ in scored if mine < lower)
        description = (
            f"The score of {subject} in each of {plural(len(shown), 'area')} against the middle half of peers in "
            f"{_quote(benchmark)} (from the lower to the upper quartile): {subject} is above the middle half "
            f"in {plural(above, 'area')}, within it in {len(scored) - above - below} and below it in {below}."
        )

    layout = _layout(
        title,
        description,
        benchmark,
        [quartiles, *points],
        plot_height=row_height(labels) * max(len(shown), 1),
        left=left_margin(labels),
    )
    layout["xaxis"] = score_axis(low, high)
    layout["yaxis"] = category_axis(labels, reversed_=True)
    layout["barmode"] = "overlay"
    figure = go.Figure(data=[quartiles, *points], layout=layout)
    return Chart("range", title, figure, table, description)


# -- 3. Level distribution -------------------------------------------------------------------------------


def level_name(questionnaire: Questionnaire, value: int) -> str:
    """'0 Not yet started'."""
    return f"{value} {questionnaire.level(value).name}"


def count_step(largest: int) -> int:
    """A tick step (1, 2, 5, 10, 20, 50 …) giving at most 10 whole-number ticks."""
    scale = 1
    while True:
        for step in (scale, 2 * scale, 5 * scale):
            if largest <= 10 * step:
                return step
        scale *= 10


def _most_common(questionnaire: Questionnaire, summary: Summary) -> str:
    top = max(summary.levels.values(), default=0)
    if top == 0:
        return ""
    names = [level_name(questionnaire, value) for value, count in sorted(summary.levels.items()) if count == top]
    which = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    noun = "level is" if len(names) == 1 else "levels are"
    return f" The most common overall {noun} {which} ({top} of {plural(summary.peers, 'peer')})."


def level_distribution_chart(
    questionnaire: Questionnaire, benchmark: GroupBenchmark, *, wrap_at: int = WRAP_AT
) -> Chart:
    """How many peers are at each level, overall and in each area: stacked horizontal bars, one trace
    (colour and fill pattern) per level, lowest level on the left. Area titles wrap as in range_chart."""
    _check_shown(benchmark)
    title = "How many peers are at each level"
    values = [level.value for level in questionnaire.levels]
    entries: list[tuple[str, Summary | None, str]] = [(OVERALL_LABEL, benchmark.overall, OVERALL)]
    entries += [(domain.title, summary, domain.id) for domain, summary in _areas(questionnaire, benchmark)]
    rows: list[Row] = []
    shown: list[tuple[str, Summary]] = []
    for label, summary, key in entries:
        if summary is None:
            rows.append(Row(label, not_shown=not_shown_reason(benchmark, key)))
            continue
        shown.append((label, summary))
        counts = tuple(str(summary.levels.get(value, 0)) for value in values)
        rows.append(Row(label, (*counts, str(summary.peers))))
    table = Table(
        caption=f"{title}: {benchmark.decision.label}",
        headers=(AREA, *(level_name(questionnaire, value) for value in values), "Peers"),
        rows=tuple(rows),
    )

    labels = [wrap(label, wrap_at) for label, _ in shown]
    traces = []
    for index, value in enumerate(values):
        colour = LEVEL_COLOURS[index % len(LEVEL_COLOURS)]
        ink = label_colour(colour)
        name = level_name(questionnaire, value)
        counts_here = [summary.levels.get(value, 0) for _, summary in shown]
        traces.append(
            go.Bar(
                name=escape(name),
                orientation="h",
                y=labels,
                x=counts_here,
                text=[str(count) if count else "" for count in counts_here],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"color": ink},
                marker={
                    "color": colour,
                    "line": {"color": TEXT_COLOUR, "width": 1},
                    "pattern": {
                        "fillmode": "overlay",
                        "shape": LEVEL_PATTERNS[index % len(LEVEL_PATTERNS)],
                        "fgcolor": ink,
                        "solidity": 0.15,
                        "size": 10,
                    },
                },
                hovertext=[
                    f"{escape(label)}<br>{escape(name)}: {count} of {plural(summary.peers, 'peer')}"
                    for (label, summary), count in zip(shown, counts_here, strict=True)
                ],
                hovertemplate=HOVER,
            )
        )

    areas_shown = sum(1 for _, summary in shown if summary.key != OVERALL)
    if not shown:
        description = f"No area has enough peer figures in {_quote(benchmark)} to show."
    else:
        parts = ["overall"] if benchmark.overall is not None else []
        if areas_shown:
            parts.append(f"in each of {plural(areas_shown, 'area')}")
        description = f"How many peers in {_quote(benchmark)} are at each level, {' and '.join(parts)}."
        if benchmark.overall is not None:
            description += _most_common(questionnaire, benchmark.overall)

    largest = max((summary.peers for _, summary in shown), default=1)
    layout = _layout(
        title,
        description,
        benchmark,
        traces,
        plot_height=row_height(labels) * max(len(shown), 1),
        left=left_margin(labels),
    )
    layout["barmode"] = "stack"
    layout["uniformtext"] = {"minsize": 12, "mode": "hide"}
    layout["xaxis"] = linear_axis("Number of peer sites", 0, largest, count_step(largest), "d")
    layout["yaxis"] = category_axis(labels, reversed_=True)
    figure = go.Figure(data=traces, layout=layout)
    return Chart("levels", title, figure, table, description)


# -- All of them --------------------------------------------------------------------------------------------

RADAR_MINIMUM = 3  # a radar of fewer areas is a line or a point, not a shape


def benchmark_charts(
    questionnaire: Questionnaire,
    benchmark: GroupBenchmark,
    *,
    subject: str,
    wrap_at: int = WRAP_AT,
    extra_series: Sequence[Series] = (),
) -> list[Chart]:
    """The charts for one shown peer group, in page order: range, radar (only when at least 3 areas have
    figures) and level distribution. Ids are unique among them: 'range', 'radar', 'levels'. `subject` and
    `extra_series`: as radar_chart and range_chart. `wrap_at`: as range_chart (the PDF report wraps area
    titles less, PRINT_WRAP_AT, so that its tall charts print larger)."""
    charts = [range_chart(questionnaire, benchmark, subject=subject, wrap_at=wrap_at, extra_series=extra_series)]
    if len(benchmark.domains.keys() & {domain.id for domain in questionnaire.domains}) >= RADAR_MINIMUM:
        charts.append(radar_chart(questionnaire, benchmark, subject=subject, extra_series=extra_series))
    charts.append(level_distribution_chart(questionnaire, benchmark, wrap_at=wrap_at))
    return charts
