"""Charts comparing a subject (a site, or an area's sites) with one peer group: radar, quartile range and
level distribution.

Each takes the questionnaire and one shown GroupBenchmark (never one that disclosure control suppressed)
and plots only the areas in `benchmark.domains`; every other area is a "Not shown" row in the table,
with the reason. `subject` names whose scores the benchmark places among the peers ("HMP Fellwater"): in
titles, legends, hover text and table headers. The radar and range charts draw their points from a list of
series (the subject's scores, then `extra_series`, such as a validated level, then the subject's `targets`
as "Target level", each one more trace and one more table column).

Every table says which year's submissions the peers' figures come from (the benchmark's `period`, which
early in a year can be an earlier one than the assessment's own `own_period`): in its caption, and as two
more columns of the CSV file, repeated on each row so that the file stays a plain header row and data rows.
Percentile ranks are numbers in tables ('37.5'), and plain words in hover text ('higher than about 38% of the
group').
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from assess.benchmarking import OVERALL, GroupBenchmark, Summary
from assess.questionnaire.schema import Domain, Questionnaire

from .chart import Chart, Trace, bar, plain_figure, scatter, scatterpolar
from .series import MEDIAN_STYLE, SUBJECT_STYLE, TARGET_LEVEL, Series, target_series
from .style import (
    AREA,
    BLACK,
    GRID_COLOUR,
    LEVEL_COLOURS,
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
    percentile_number,
    percentile_words,
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
OWN_YEAR = "Year of this assessment"
PEERS_YEAR = "Year of peers' figures"


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
    """'Compared with All prisons in 2025-26' (the year the peers' figures come from, when known)."""
    year = f" in {benchmark.period}" if benchmark.period else ""
    return f"Compared with {benchmark.decision.label}{year}"


def _caption(title: str, benchmark: GroupBenchmark) -> str:
    """'Score of … in each area: All prisons, figures from 2025-26'."""
    year = f", figures from {benchmark.period}" if benchmark.period else ""
    return f"{title}: {benchmark.decision.label}{year}"


def period_columns(benchmark: GroupBenchmark) -> tuple[tuple[str, str], ...]:
    """The CSV file's columns naming the years compared (none when the benchmark does not know them)."""
    if not benchmark.period:
        return ()
    return ((OWN_YEAR, benchmark.own_period or benchmark.period), (PEERS_YEAR, benchmark.period))


def _level_names(questionnaire: Questionnaire) -> dict[int, str]:
    return {level.value: f"{level.value} {level.name}" for level in questionnaire.levels}


def _own_series(
    questionnaire: Questionnaire,
    benchmark: GroupBenchmark,
    subject: str,
    extra_series: Sequence[Series],
    targets: Mapping[str, int] | None,
) -> list[Series]:
    """The subject's scores, then `extra_series`, then its target levels (when given)."""
    target = [target_series(targets, _level_names(questionnaire))] if targets else []
    return [subject_series(benchmark, subject), *extra_series, *target]


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
            key: f"({percentile_words(summary.site_percentile)})"
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
    traces: Sequence[Trace],
    *,
    plot_height: int,
    note: str = "",
    left: int = 80,
    right: int = 32,
    extra_top: int = 0,
    legend_extra: Sequence[str] = (),
) -> dict[str, Any]:
    return base_layout(
        title,
        description,
        plot_height=plot_height,
        subtitle=_subtitle(benchmark) + note,
        legend=[*(trace["name"] for trace in traces), *legend_extra],
        left=left,
        right=right,
        extra_top=extra_top,
    )


# -- 1. Radar -----------------------------------------------------------------------------------------


T = TypeVar("T")


def _closed(values: list[T]) -> list[T]:
    """A radar shape is closed by repeating its first point."""
    return values + values[:1] if values else values


def _radar_trace(series: Series, shown: list[tuple[Domain, Summary]], theta: list[str]) -> Trace:
    style = series.style
    marker: dict[str, Any] = {"color": style.colour, "symbol": style.symbol, "size": 11}
    shape: dict[str, Any] = {}
    if style.emphasis:
        marker["line"] = {"color": "#ffffff", "width": 1}
        shape = {"fill": "toself", "fillcolor": translucent(style.colour, 0.15)}
    return scatterpolar(
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
    questionnaire: Questionnaire,
    benchmark: GroupBenchmark,
    *,
    subject: str,
    extra_series: Sequence[Series] = (),
    targets: Mapping[str, int] | None = None,
) -> Chart:
    """The subject's score in each area against the peer median, as closed shapes on a 0 to 5 radar (one more
    shape, and one more table column, for each of `extra_series`, and for `targets`: the subject's target
    level by domain id, 'Target level')."""
    _check_shown(benchmark)
    title = f"Scores of {subject} and the peer median in each area"
    low, high = questionnaire.levels[0].value, questionnaire.top_level
    series = [*_own_series(questionnaire, benchmark, subject, extra_series, targets), median_series(benchmark)]
    shown, rows = _shown_and_rows(
        questionnaire,
        benchmark,
        lambda domain, summary: (*(item.text(domain.id) for item in series), str(summary.peers)),
    )
    table = Table(
        caption=_caption(title, benchmark),
        headers=(AREA, *(item.name for item in series), "Peers"),
        rows=rows,
        csv_columns=period_columns(benchmark),
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
        # The first area's title sits above the circle, in as many lines as it wraps to (about 20 pixels each).
        extra_top=12 + 20 * max((theta[0].count("<br>") + 1) if theta else 1, 2),
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
    figure = plain_figure(data=traces, layout=layout)
    return Chart("radar", title, figure, table, description, narrow="table")


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
    targets: Mapping[str, int] | None = None,
) -> Chart:
    """Each area's middle half of peer scores (lower to upper quartile) as a bar, the peer median as a tick,
    and the subject's score as a marker (then a marker for each of `extra_series`, and a star for each area's
    target level when `targets` are given); areas top to bottom in questionnaire order. Area titles are
    wrapped at `wrap_at` characters a line (each bar is as tall as the title with the most lines)."""
    _check_shown(benchmark)
    title = f"Score of {subject} and the middle half of peers in each area"
    low, high = questionnaire.levels[0].value, questionnaire.top_level
    own = _own_series(questionnaire, benchmark, subject, extra_series, targets)
    shown, rows = _shown_and_rows(
        questionnaire,
        benchmark,
        lambda domain, summary: (
            *(item.text(domain.id) for item in own),
            score_text(summary.lower_quartile),
            score_text(summary.median),
            score_text(summary.upper_quartile),
            percentile_number(summary.site_percentile),
        ),
    )
    table = Table(
        caption=_caption(title, benchmark),
        headers=(
            AREA,
            *(item.name for item in own),
            "Lower quartile",
            "Median",
            "Upper quartile",
            f"Percentile rank of {subject}",
        ),
        rows=rows,
        csv_columns=period_columns(benchmark),
    )

    labels = [wrap(domain.title, wrap_at) for domain, _ in shown]
    titles = [escape(domain.title) for domain, _ in shown]
    quartiles = bar(
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
        scatter(
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
    figure = plain_figure(data=[quartiles, *points], layout=layout)
    return Chart("range", title, figure, table, description, narrow="table")


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


def _site_level_note(level: int | None, value: int, subject: str | None) -> str:
    return f"<br>{escape(subject)} is at this level" if subject and level == value else ""


def _outline(index: int, start: int, count: int, first: bool, name: str) -> dict[str, Any]:
    """A thick dark outline round the subject's level in row `index` (a bar of `count` peers from `start`);
    where no peer shares its level, a thick upright line where that level's bar would be."""
    shape: dict[str, Any] = {
        "type": "rect" if count else "line",
        "xref": "x",
        "yref": "y",
        "x0": start,
        "x1": start + count,
        "y0": index - 0.46,
        "y1": index + 0.46,
        "line": {"color": TEXT_COLOUR, "width": 4},
        "fillcolor": "rgba(0,0,0,0)",
        "layer": "above",
        "name": name,
        "legendgroup": "subject-level",
        "showlegend": first,
    }
    if not count:
        shape.pop("fillcolor")
    return shape


def _level_rows(
    benchmark: GroupBenchmark,
    entries: list[tuple[str, Summary | None, str]],
    values: list[int],
    *,
    own: bool,
    targets: Mapping[str, int] | None,
) -> tuple[list[tuple[str, Summary, str]], list[Row]]:
    """The rows with figures (to plot: label, summary, key), and a table row for each entry: the count at each
    level, the peers, then (`own`) the subject's level and (`targets`) its target level."""
    rows: list[Row] = []
    shown: list[tuple[str, Summary, str]] = []
    for label, summary, key in entries:
        if summary is None:
            rows.append(Row(label, not_shown=not_shown_reason(benchmark, key)))
            continue
        shown.append((label, summary, key))
        cells = [str(summary.levels.get(value, 0)) for value in values] + [str(summary.peers)]
        if own:
            cells.append("No score" if summary.site_level is None else str(summary.site_level))
        if targets:
            target = targets.get(key)
            cells.append("No target" if target is None else str(target))
        rows.append(Row(label, tuple(cells)))
    return shown, rows


def level_distribution_chart(
    questionnaire: Questionnaire,
    benchmark: GroupBenchmark,
    *,
    wrap_at: int = WRAP_AT,
    subject: str | None = None,
    targets: Mapping[str, int] | None = None,
) -> Chart:
    """How many peers are at each level, overall and in each area: stacked horizontal bars, one trace per
    level (plain fills with the count written on each in black or white, whichever contrasts more), lowest
    level on the left. Area titles wrap as in range_chart. With `subject`, the subject's own level in each row
    is outlined (a legend entry names it) and is a table column; with `targets`, so is its target level."""
    _check_shown(benchmark)
    title = "How many peers are at each level"
    values = [level.value for level in questionnaire.levels]
    entries: list[tuple[str, Summary | None, str]] = [(OVERALL_LABEL, benchmark.overall, OVERALL)]
    entries += [(domain.title, summary, domain.id) for domain, summary in _areas(questionnaire, benchmark)]
    own_header = f"Level of {subject}" if subject else None
    extra_headers = ((own_header,) if own_header else ()) + ((TARGET_LEVEL,) if targets else ())
    shown, rows = _level_rows(benchmark, entries, values, own=bool(own_header), targets=targets)
    table = Table(
        caption=_caption(title, benchmark),
        headers=(AREA, *(level_name(questionnaire, value) for value in values), "Peers", *extra_headers),
        rows=tuple(rows),
        csv_columns=period_columns(benchmark),
    )

    labels = [wrap(label, wrap_at) for label, _, _ in shown]
    traces = []
    for index, value in enumerate(values):
        colour = LEVEL_COLOURS[index % len(LEVEL_COLOURS)]
        name = level_name(questionnaire, value)
        counts_here = [summary.levels.get(value, 0) for _, summary, _ in shown]
        traces.append(
            bar(
                name=escape(name),
                orientation="h",
                y=labels,
                x=counts_here,
                text=[str(count) if count else "" for count in counts_here],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"color": label_colour(colour), "size": 14},
                marker={"color": colour, "line": {"color": TEXT_COLOUR, "width": 1}},
                hovertext=[
                    f"{escape(label)}<br>{escape(name)}: {count} of {plural(summary.peers, 'peer')}"
                    + _site_level_note(summary.site_level, value, subject)
                    for (label, summary, _), count in zip(shown, counts_here, strict=True)
                ],
                hovertemplate=HOVER,
            )
        )

    outline_name = f"Level of {subject} (outlined)" if subject else ""
    shapes: list[dict[str, Any]] = []
    for index, (_, summary, _) in enumerate(shown):
        if not subject or summary.site_level is None:
            continue
        start = sum(count for level, count in summary.levels.items() if level < summary.site_level)
        count = summary.levels.get(summary.site_level, 0)
        shapes.append(_outline(index, start, count, not shapes, escape(outline_name)))

    areas_shown = sum(1 for _, summary, _ in shown if summary.key != OVERALL)
    if not shown:
        description = f"No area has enough peer figures in {_quote(benchmark)} to show."
    else:
        parts = ["overall"] if benchmark.overall is not None else []
        if areas_shown:
            parts.append(f"in each of {plural(areas_shown, 'area')}")
        description = f"How many peers in {_quote(benchmark)} are at each level, {' and '.join(parts)}."
        if benchmark.overall is not None:
            description += _most_common(questionnaire, benchmark.overall)
        if shapes:
            overall_level = benchmark.overall.site_level if benchmark.overall is not None else None
            where = (
                f" {subject} is at {level_name(questionnaire, overall_level)} overall;"
                if overall_level is not None
                else ""
            )
            description += f"{where} the level of {subject} in each row is outlined."

    largest = max((summary.peers for _, summary, _ in shown), default=1)
    layout = _layout(
        title,
        description,
        benchmark,
        traces,
        plot_height=row_height(labels) * max(len(shown), 1),
        left=left_margin(labels),
        legend_extra=[outline_name] if shapes else [],
    )
    layout["barmode"] = "stack"
    layout["bargap"] = 0.2
    layout["uniformtext"] = {"minsize": 12, "mode": "hide"}
    layout["xaxis"] = linear_axis("Number of peer sites", 0, largest, count_step(largest), "d")
    layout["yaxis"] = category_axis(labels, reversed_=True)
    if shapes:
        layout["shapes"] = shapes
    figure = plain_figure(data=traces, layout=layout)
    return Chart("levels", title, figure, table, description, narrow="table")


# -- All of them --------------------------------------------------------------------------------------------

RADAR_MINIMUM = 3  # a radar of fewer areas is a line or a point, not a shape


def benchmark_charts(
    questionnaire: Questionnaire,
    benchmark: GroupBenchmark,
    *,
    subject: str,
    wrap_at: int = WRAP_AT,
    extra_series: Sequence[Series] = (),
    targets: Mapping[str, int] | None = None,
) -> list[Chart]:
    """The charts for one shown peer group, in page order: range, radar (only when at least 3 areas have
    figures) and level distribution. Ids are unique among them: 'range', 'radar', 'levels'. `subject` and
    `extra_series`: as radar_chart and range_chart. `targets`: the subject's target level by domain id, a
    'Target level' series on the range chart and the radar and a 'Target level' column in every table ('No
    target' in an area without one; with no targets at all, None or empty, neither). `wrap_at`: as range_chart (the
    PDF report wraps area titles less, PRINT_WRAP_AT, so that its tall charts print larger)."""
    charts = [
        range_chart(
            questionnaire, benchmark, subject=subject, wrap_at=wrap_at, extra_series=extra_series, targets=targets
        )
    ]
    if len(benchmark.domains.keys() & {domain.id for domain in questionnaire.domains}) >= RADAR_MINIMUM:
        charts.append(
            radar_chart(questionnaire, benchmark, subject=subject, extra_series=extra_series, targets=targets)
        )
    charts.append(level_distribution_chart(questionnaire, benchmark, wrap_at=wrap_at, subject=subject, targets=targets))
    return charts
