"""Charts of a subject's own scores over the years ("HMP Fellwater", or later an area).

The overall score is one line (`trend_chart`). The areas are small multiples (`domain_trend_chart`): one
small chart per area on the same 0 to 5 scale. Twelve lines on one chart would cross and hide each other,
and no palette has twelve colours that every reader can tell apart, so one panel per area, each titled,
is easier to read and needs no colour key.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol

from assess.questionnaire.schema import Questionnaire

from .chart import Chart, Trace, plain_figure, scatter
from .series import NO_TARGET, SUBJECT_STYLE, TARGET_LEVEL, TARGET_STYLE, Series
from .style import (
    AREA,
    TEXT_COLOUR,
    base_layout,
    category_axis,
    escape,
    one_decimal,
    plural,
    score_axis,
    score_text,
    wrap,
)
from .table import Row, Table

YEAR = "Year"
YEAR_AXIS_TITLE = "Year (April to March)"
HOVER = "%{hovertext}<extra></extra>"
PANEL_COLUMNS = 3
# Characters a line of a panel's title: at the narrowest the chart is drawn (MIN_CHART_WIDTH, 640 pixels) a
# panel is about 150 pixels wide, as wide as about 20 characters at 14 pixels, so titles never meet.
PANEL_TITLE_WRAP = 20
PANEL_TITLE_SIZE = 14
PANEL_TITLE_LINE = 18  # pixels a line of a panel's title takes
PANEL_HEIGHT = 200
PANEL_TICK_ROOM = 34  # pixels under a panel for its year labels (never turned: see year_axis)
YEAR_LABELS = 6  # at most this many years labelled on the overall trend's axis
PANEL_YEAR_LABELS = 2  # and on each small chart's (the first and the latest year): every year is in the table

Score = Decimal | Fraction


@dataclass(frozen=True)
class TrendPoint:
    """A site's scores in one period ('2026-27'): overall and by area (domain id -> score, 0 to 5).
    Areas without a score are left out of `domains`; ids not in the questionnaire are ignored."""

    period: str
    overall: Score | None = None
    domains: Mapping[str, Score] = field(default_factory=dict)


class StoredDomainScore(Protocol):
    domain_id: str
    score_hundredths: int


class StoredScore(Protocol):
    """What points_from_scores reads of a stored score (assess.models.AssessmentScore has it)."""

    period: str
    overall_hundredths: int | None

    @property
    def domains(self) -> Sequence[StoredDomainScore]: ...


def points_from_scores(scores: Sequence[StoredScore]) -> list[TrendPoint]:
    """Trend points from stored scores (kept in hundredths), one per score given."""
    return [
        TrendPoint(
            period=score.period,
            overall=None if score.overall_hundredths is None else Fraction(score.overall_hundredths, 100),
            domains={item.domain_id: Fraction(item.score_hundredths, 100) for item in score.domains},
        )
        for score in scores
    ]


def ordered(points: Sequence[TrendPoint]) -> list[TrendPoint]:
    """Oldest period first (periods are written '2025-26', so text order is time order); one per period."""
    result = sorted(points, key=lambda point: point.period)
    for earlier, later in zip(result, result[1:], strict=False):
        if earlier.period == later.period:
            raise ValueError(f"more than one trend point for period {later.period!r}")
    return result


def _in_each(points: list[TrendPoint]) -> str:
    """'1.8 in 2024-25, no score in 2025-26 and 2.7 in 2026-27'."""
    texts = [f"{score_text(point.overall, missing='no score')} in {point.period}" for point in points]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


def year_ticks(periods: Sequence[str], most: int) -> list[str]:
    """The years to label on an axis of `periods`: all of them when there are at most `most`, otherwise the
    first, the latest and evenly spaced ones between, at most `most` in all (the rest still have their points,
    hover text and table rows)."""
    if len(periods) <= most:
        return list(periods)
    if most <= 2:
        return [periods[0], periods[-1]]
    step = math.ceil((len(periods) - 1) / (most - 1))
    chosen = list(range(0, len(periods) - 1, step))
    if len(periods) - 1 - chosen[-1] <= step / 2 and len(chosen) > 1:
        chosen.pop()  # too close to the latest year, which is always labelled
    return [periods[index] for index in [*chosen, len(periods) - 1]]


def year_axis(periods: Sequence[str], most: int, title: str | None = None) -> dict[str, Any]:
    """A category axis of years whose labels are level (never turned, so they keep to their own row and do
    not reach the next row of small charts or its titles) and at most `most` of them (so they never meet)."""
    categories = [escape(period) for period in periods]
    axis = category_axis(categories, title=title)
    labelled = [escape(period) for period in year_ticks(periods, most)]
    # Pushed down a little, so that the first year clears the score axis's lowest number beside it.
    axis.update(
        {"tickmode": "array", "tickvals": labelled, "ticktext": labelled, "tickangle": 0, "ticklabelstandoff": 8}
    )
    return axis


# -- Overall --------------------------------------------------------------------------------------------


def _line(
    series: Series, periods: list[str], *, width: int, size: int, labels: bool = False, legend: bool = False
) -> Trace:
    """One series over the years: a line with markers (and, with `labels`, each value written above it)."""
    style = series.style
    line = scatter(
        name=escape(series.name),
        x=[escape(period) for period in periods],
        y=[series.plotted(period) for period in periods],
        mode="lines+markers+text" if labels else "lines+markers",
        line={"color": style.colour, "width": width, "dash": style.dash},
        marker={"color": style.colour, "symbol": style.symbol, "size": size},
        connectgaps=False,
        cliponaxis=False,
        hovertext=[series.hover(period, period) for period in periods],
        hovertemplate=HOVER,
        showlegend=legend,
    )
    if labels:
        line.update(
            text=[series.text(period, missing="") for period in periods],
            textposition="top center",
            textfont={"color": TEXT_COLOUR},
        )
    return line


def trend_chart(
    questionnaire: Questionnaire, points: Sequence[TrendPoint], *, subject: str, extra_series: Sequence[Series] = ()
) -> Chart:
    """The subject's overall score in each period, as a line with markers and value labels (then a line for each
    of `extra_series`, keyed by period, such as a target). The score axis is labelled with the level names,
    since a score's whole number is its level."""
    points = ordered(points)
    title = f"Overall score of {subject} by year"
    low, high = questionnaire.levels[0].value, questionnaire.top_level
    periods = [point.period for point in points]
    series = [Series(subject, {point.period: point.overall for point in points}, SUBJECT_STYLE), *extra_series]
    table = Table(
        caption=title,
        headers=(YEAR, *(item.name for item in series)),
        rows=tuple(Row(period, tuple(item.text(period) for item in series)) for period in periods),
    )
    lines = [
        _line(item, periods, width=3, size=11, labels=item is series[0], legend=bool(extra_series)) for item in series
    ]
    if not points:
        description = f"{subject} has no submitted assessments yet, so there is no trend to show."
    elif len(points) == 1:
        description = f"The overall score of {subject}: {_in_each(points)}."
    else:
        description = (
            f"The overall score of {subject} in each year from {periods[0]} to {periods[-1]}: {_in_each(points)}."
        )
    y_axis = score_axis(low, high)
    y_axis["ticktext"] = [f"{level.value} {escape(level.name)}" for level in questionnaire.levels]
    y_axis["tickvals"] = [level.value for level in questionnaire.levels]
    y_axis["tickmode"] = "array"
    del y_axis["tick0"], y_axis["dtick"]
    y_axis["automargin"] = True
    y_axis["title"]["standoff"] = 12  # past the level names: without it the title overlaps them
    longest = max(len(level.name) for level in questionnaire.levels)
    legend = [item.name for item in series] if extra_series else []
    layout = base_layout(title, description, plot_height=320, legend=legend, left=min(320, 40 + 8 * longest))
    layout["xaxis"] = year_axis(periods, YEAR_LABELS, title=YEAR_AXIS_TITLE)
    layout["yaxis"] = y_axis
    figure = plain_figure(lines, layout)
    return Chart("trend", title, figure, table, description, narrow="table")


# -- Areas, as small multiples ----------------------------------------------------------------------------


def _change(values: list[Decimal]) -> int:
    return (values[-1] > values[0]) - (values[-1] < values[0])


def _target_line(domain_title: str, level: int, level_name: str, periods: list[str], legend: bool) -> Trace:
    """An area's target level across its small chart: a dotted vermillion line with a star at the latest year."""
    style = TARGET_STYLE
    return scatter(
        name=TARGET_LEVEL,
        x=[escape(period) for period in periods],
        y=[float(level)] * len(periods),
        mode="lines+markers",
        line={"color": style.colour, "width": 2, "dash": style.dash},
        marker={"color": style.colour, "symbol": style.symbol, "size": [0] * (len(periods) - 1) + [12]},
        cliponaxis=False,
        hovertext=[f"{escape(domain_title)}<br>{TARGET_LEVEL}: {level} ({escape(level_name)})"] * len(periods),
        hovertemplate=HOVER,
        showlegend=legend,
    )


@dataclass(frozen=True)
class _Panel:
    """One small chart's place: its axes' ids ("x2", "y2") and domains (fractions of the plot area)."""

    number: int  # 1, 2, ...
    x_domain: list[float]
    y_domain: list[float]

    @property
    def _suffix(self) -> str:  # plotly names the first panel's axes "x", "xaxis"; the second's "x2", "xaxis2"
        return "" if self.number == 1 else str(self.number)

    @property
    def x_id(self) -> str:
        return "x" + self._suffix

    @property
    def y_id(self) -> str:
        return "y" + self._suffix

    @property
    def x_key(self) -> str:
        return "xaxis" + self._suffix

    @property
    def y_key(self) -> str:
        return "yaxis" + self._suffix


def _panels(count: int, columns: int, *, vertical_spacing: float, horizontal_spacing: float = 0.08) -> list[_Panel]:
    """`count` panels in rows of `columns`, left to right then top to bottom, spaced as plotly's make_subplots
    spaces a grid (the same domains, to the last digit): built here as numbers, since make_subplots builds and
    validates a whole figure, which took most of the trend page's time (issue 15)."""
    rows = math.ceil(count / columns)
    width = (1.0 - horizontal_spacing * (columns - 1)) / columns
    height = (1.0 - vertical_spacing * (rows - 1)) / rows
    panels = []
    for index in range(count):
        row, column = divmod(index, columns)
        x_start = sum([width] * column) + column * horizontal_spacing
        below = rows - 1 - row  # rows under this one
        y_start = sum([height] * below) + below * vertical_spacing
        y_end = y_start + height
        panels.append(_Panel(index + 1, [x_start, x_start + width], [_clamp(y_start), _clamp(y_end)]))
    return panels


def _clamp(value: float) -> float:
    """A domain's end nudged into 0 to 1 when floating-point sums take it a hair outside (as plotly does)."""
    return min(1.0, max(0.0, value))


def domain_trend_chart(
    questionnaire: Questionnaire,
    points: Sequence[TrendPoint],
    *,
    subject: str,
    targets: Mapping[str, int] | None = None,
) -> Chart:
    """The subject's score in each area in each period: one small chart per area (questionnaire order, left to
    right then top to bottom), all on the same 0 to 5 scale and the same years. With `targets` (domain id ->
    level), each area's target level is a dotted line across its chart with a star at the latest year, a
    legend entry, and a 'Target level' column in the table."""
    points = ordered(points)
    title = f"Score of {subject} in each area by year"
    low, high = questionnaire.levels[0].value, questionnaire.top_level
    periods = [point.period for point in points]
    domains = questionnaire.domains
    # One series a panel: the area's scores by period, named by the area (each panel is titled with it).
    series = [
        Series(domain.title, {point.period: point.domains.get(domain.id) for point in points}, SUBJECT_STYLE)
        for domain in domains
    ]
    targets = targets or {}
    target_cells = [
        ((str(targets[domain.id]) if domain.id in targets else NO_TARGET),) if targets else () for domain in domains
    ]
    table = Table(
        caption=title,
        headers=(AREA, *periods, *((TARGET_LEVEL,) if targets else ())),
        rows=tuple(
            Row(item.name, (*(item.text(period) for period in periods), *cells))
            for item, cells in zip(series, target_cells, strict=True)
        ),
    )

    columns = min(PANEL_COLUMNS, len(domains))
    panel_rows = math.ceil(len(domains) / columns)
    titles = [wrap(domain.title, PANEL_TITLE_WRAP) for domain in domains]
    lines = [title_.count("<br>") + 1 for title_ in titles]
    # Between two rows of panels: the upper row's year labels, then the lower row's titles (as many lines as
    # the longest of them), then a little space, so that they never overlap at any width.
    later_rows = [max(lines[row * columns : (row + 1) * columns]) for row in range(1, panel_rows)]
    gap = PANEL_TICK_ROOM + PANEL_TITLE_LINE * max(later_rows, default=1) + 12
    plot_height = panel_rows * PANEL_HEIGHT + (panel_rows - 1) * gap
    panels = _panels(len(domains), columns, vertical_spacing=gap / plot_height if panel_rows > 1 else 0.0)
    names = {level.value: f"{level.value} {level.name}" for level in questionnaire.levels}
    first_target = next((domain.id for domain in domains if domain.id in targets), None)
    traces: list[Trace] = []
    for index, (domain, item) in enumerate(zip(domains, series, strict=True)):
        axes = {"xaxis": panels[index].x_id, "yaxis": panels[index].y_id}
        line = _line(item, periods, width=2, size=8, legend=bool(targets) and index == 0)
        if targets:
            line.update(name=escape(subject))  # the legend's name for every panel's line
        traces.append({**line, **axes})
        if domain.id in targets and periods:
            level = targets[domain.id]
            legend = domain.id == first_target
            target = _target_line(domain.title, level, names.get(level, str(level)), periods, legend)
            traces.append({**target, **axes})

    description = _domain_description(questionnaire, points, subject)
    layout: dict[str, Any] = base_layout(
        title,
        description,
        plot_height=plot_height,
        legend=[subject, TARGET_LEVEL] if targets else [],
        extra_top=8 + PANEL_TITLE_LINE * max(lines[:columns]),
    )
    title_font = {"family": layout["font"]["family"], "size": PANEL_TITLE_SIZE, "color": TEXT_COLOUR}
    annotations = []
    for index, panel in enumerate(panels):
        y_axis = score_axis(low, high, title="Score" if index % columns == 0 else "")
        layout[panel.x_key] = {"anchor": panel.y_id, "domain": panel.x_domain, **year_axis(periods, PANEL_YEAR_LABELS)}
        layout[panel.y_key] = {"anchor": panel.x_id, "domain": panel.y_domain, **y_axis}
        annotations.append(
            {
                "font": title_font,
                "showarrow": False,
                "text": titles[index],
                "x": sum(panel.x_domain) / 2.0,
                "xanchor": "center",
                "xref": "paper",
                "y": panel.y_domain[1],
                "yanchor": "bottom",
                "yref": "paper",
            }
        )
    layout["annotations"] = annotations
    figure = plain_figure(traces, layout)
    return Chart("domain-trend", title, figure, table, description, narrow="table")


def _domain_description(questionnaire: Questionnaire, points: list[TrendPoint], subject: str) -> str:
    count = plural(len(questionnaire.domains), "area")
    if not points:
        return f"{subject} has no submitted assessments yet, so there is no trend to show in the {count}."
    if len(points) == 1:
        return f"The score of {subject} in each of {count} in {points[0].period}, one small chart per area."
    changes = []
    for domain in questionnaire.domains:
        scored = [one_decimal(point.domains[domain.id]) for point in points if domain.id in point.domains]
        if len(scored) >= 2:
            changes.append(_change(scored))
    sentence = (
        f"The score of {subject} in each of {count} in each year from {points[0].period} to "
        f"{points[-1].period}, one small chart per area"
    )
    if not changes:
        return sentence + "."
    rose, fell = changes.count(1), changes.count(-1)
    return (
        f"{sentence}: from its first score to its latest, {rose} rose, {fell} fell and "
        f"{len(changes) - rose - fell} stayed the same."
    )


# -- All of it, for a CSV download --------------------------------------------------------------------------


def trend_table(questionnaire: Questionnaire, points: Sequence[TrendPoint], *, subject: str) -> Table:
    """One row per period: the subject's overall score and each area's score (the numbers of both trend
    charts)."""
    points = ordered(points)
    return Table(
        caption=f"Scores of {subject} by year",
        headers=(YEAR, "Overall", *(domain.title for domain in questionnaire.domains)),
        rows=tuple(
            Row(
                point.period,
                (
                    score_text(point.overall),
                    *(score_text(point.domains.get(domain.id)) for domain in questionnaire.domains),
                ),
            )
            for point in points
        ),
    )


def trend_charts(
    questionnaire: Questionnaire,
    points: Sequence[TrendPoint],
    *,
    subject: str,
    targets: Mapping[str, int] | None = None,
) -> list[Chart]:
    """The subject's overall trend and its areas' small multiples (ids 'trend', 'domain-trend'), with each
    area's target level when `targets` are given (domain id -> level); none without points."""
    if not points:
        return []
    return [
        trend_chart(questionnaire, points, subject=subject),
        domain_trend_chart(questionnaire, points, subject=subject, targets=targets),
    ]
