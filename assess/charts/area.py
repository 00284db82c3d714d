"""Charts of an area's sites, for a commissioner: each site's score against national figures in every area of the
questionnaire (`distribution_chart`), and the area's median and middle half by year, broken where the
questionnaire changed and results are not comparable (`area_trend_chart`).

Pure, like every chart: the caller has already applied disclosure control and says, for each figure held back,
what the table cell reads. Sites are in the order given (alphabetical); nothing is ranked or ordered by score.
Scores are self-assessed; a validated level, where there is one, is written beside the score in the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from assess.benchmarking import OVERALL, Summary
from assess.questionnaire.schema import Questionnaire

from .chart import Chart, Trace, bar, plain_figure, scatter
from .style import (
    AREA,
    BLACK,
    BLUE,
    BLUISH_GREEN,
    ORANGE,
    QUARTILE_COLOUR,
    REDDISH_PURPLE,
    SKY_BLUE,
    TEXT_COLOUR,
    VERMILLION,
    WRAP_AT,
    base_layout,
    category_axis,
    escape,
    left_margin,
    one_decimal,
    plural,
    row_height,
    score_axis,
    score_text,
    score_value,
    translucent,
    wrap,
)
from .table import Row, Table

Score = Fraction | Decimal

HOVER = "%{hovertext}<extra></extra>"
OVERALL_LABEL = "Overall score"
TOO_FEW_TO_SHOW = "Too few to show"
WOULD_REVEAL = "Not shown: it would reveal one site's result"
NOT_COMPARABLE = "Not comparable"
NOT_SCORED = "No score"
NOT_SHOWN_CELL = "Not shown"
OTHER_SITES = "Other sites with a score"
MEDIAN_NAME = "Median of other sites"
BAND_NAME = "Middle half of other sites (lower to upper quartile)"

# Up to this many sites each get their own marker and legend entry; more share one marker (named in hover
# text and in the table), since no palette or set of symbols tells 30 apart.
MAX_NAMED_SITES = 8
SITE_MARKERS = (
    (BLUE, "circle"),
    (VERMILLION, "square"),
    (BLUISH_GREEN, "triangle-up"),
    (ORANGE, "diamond"),
    (REDDISH_PURPLE, "x"),
    (SKY_BLUE, "triangle-down"),
    (BLACK, "star"),
    (BLUE, "hexagon"),
)


def key_label(questionnaire: Questionnaire, key: str) -> str:
    return OVERALL_LABEL if key == OVERALL else questionnaire.domain(key).title


def keys_of(questionnaire: Questionnaire) -> list[str]:
    """The rows of a distribution: the overall score, then each area of the questionnaire in order."""
    return [OVERALL, *(domain.id for domain in questionnaire.domains)]


@dataclass(frozen=True)
class AreaSite:
    """One site of the area: its self-assessed score by key (OVERALL or a domain id), the keys its questionnaire
    version cannot be compared on, and an inspector's validated level in words by key ("3 – Participation",
    "unable to validate"), provisional until the review is final."""

    label: str
    scores: Mapping[str, Score | None]
    not_comparable: frozenset[str] = frozenset()
    validated: Mapping[str, str] = field(default_factory=dict)
    validated_final: bool = False

    def value(self, key: str) -> Score | None:
        return None if key in self.not_comparable else self.scores.get(key)

    def cell(self, key: str) -> str:
        """The score as plotted, and the validated level where there is one."""
        if key in self.not_comparable:
            return NOT_COMPARABLE
        text = score_text(self.scores.get(key), missing=NOT_SCORED)
        if key in self.validated:
            text += f" (validated{'' if self.validated_final else ', provisional'}: {self.validated[key]})"
        return text


@dataclass(frozen=True)
class NationalFigures:
    """The figures of one national group that disclosure control lets the person see (`summaries`, by key), and
    for every other key what its cells read instead (TOO_FEW_TO_SHOW, WOULD_REVEAL or NOT_COMPARABLE)."""

    label: str  # "All other prisons, outside this area"
    summaries: Mapping[str, Summary]
    held_back: Mapping[str, str] = field(default_factory=dict)

    def cells(self, key: str) -> tuple[str, str, str, str]:
        summary = self.summaries.get(key)
        if summary is None:
            return (self.held_back.get(key, TOO_FEW_TO_SHOW), NOT_SHOWN_CELL, NOT_SHOWN_CELL, NOT_SHOWN_CELL)
        return (
            str(summary.peers),
            score_text(summary.lower_quartile),
            score_text(summary.median),
            score_text(summary.upper_quartile),
        )


def _offsets(count: int) -> list[float]:
    """Where each site sits within its row (row centre 0), so that sites with the same score stay apart: the
    same place in every row, in the order given."""
    if count <= 1:
        return [0.0] * count
    spread = 0.56
    return [round(-spread / 2 + spread * index / (count - 1), 4) for index in range(count)]


def distribution_chart(
    questionnaire: Questionnaire,
    national: NationalFigures,
    sites: Sequence[AreaSite],
    *,
    chart_id: str,
    title: str,
    area_label: str,
    wrap_at: int = WRAP_AT,
) -> Chart:
    """Each site's score in each area of the questionnaire (and overall), as points, over the middle half
    (lower to upper quartile) and median of the national group, where those are shown; areas top to bottom in
    questionnaire order, sites in the order given."""
    keys = keys_of(questionnaire)
    titles = [key_label(questionnaire, key) for key in keys]
    site_headers = [site.label for site in sites]
    table = Table(
        caption=f"{title}: self-assessed scores, 0 to {questionnaire.top_level} (other sites: {national.label})",
        headers=(
            AREA,
            OTHER_SITES,
            "Lower quartile",
            "Median",
            "Upper quartile",
            *site_headers,
        ),
        rows=tuple(
            Row(label, (*national.cells(key), *(site.cell(key) for site in sites)))
            for key, label in zip(keys, titles, strict=True)
        ),
    )

    positions = list(range(len(keys)))
    labels = [wrap(label, wrap_at) for label in titles]
    shown = [(position, key, national.summaries[key]) for position, key in enumerate(keys) if key in national.summaries]
    traces: list[Trace] = []
    if shown:
        traces.append(
            bar(
                name=BAND_NAME,
                orientation="h",
                y=[position for position, _, _ in shown],
                base=[score_value(summary.lower_quartile) for _, _, summary in shown],
                x=[
                    float(one_decimal(summary.upper_quartile) - one_decimal(summary.lower_quartile))
                    for _, _, summary in shown
                ],
                width=0.7,
                marker={"color": translucent(QUARTILE_COLOUR, 0.5), "line": {"color": QUARTILE_COLOUR, "width": 1}},
                hovertext=[
                    f"{escape(titles[position])}<br>Middle half of other sites: {score_text(summary.lower_quartile)} "
                    f"to {score_text(summary.upper_quartile)} ({plural(summary.peers, 'site')})"
                    for position, _, summary in shown
                ],
                hovertemplate=HOVER,
            )
        )
    offsets = _offsets(len(sites))
    if len(sites) <= MAX_NAMED_SITES:
        for index, site in enumerate(sites):
            colour, symbol = SITE_MARKERS[index % len(SITE_MARKERS)]
            traces.append(_site_trace(site.label, [site], [offsets[index]], keys, titles, colour, symbol))
    elif sites:
        traces.append(_site_trace(f"Sites in {area_label}", sites, offsets, keys, titles, BLUE, "circle"))

    if shown:  # drawn last, over the sites' points
        traces.append(
            scatter(
                name=MEDIAN_NAME,
                mode="markers",
                y=[position for position, _, _ in shown],
                x=[score_value(summary.median) for _, _, summary in shown],
                marker={"symbol": "line-ns-open", "size": 30, "color": BLACK, "line": {"color": BLACK, "width": 3}},
                cliponaxis=False,
                hovertext=[
                    f"{escape(titles[position])}<br>{MEDIAN_NAME}: {score_text(summary.median)} "
                    f"({plural(summary.peers, 'site')})"
                    for position, _, summary in shown
                ],
                hovertemplate=HOVER,
            )
        )

    held = [key for key in keys if key not in national.summaries]
    description = (
        f"The self-assessed score of {_each(len(sites))} in {area_label}, overall and in each of "
        f"{plural(len(questionnaire.domains), 'area')} of the questionnaire, from 0 to {questionnaire.top_level}, "
        f"against the median and middle half of {_lower_first(national.label)}."
    )
    if len(held) == len(keys):
        description += " No figures of the other sites are shown; the table says why."
    elif held:
        description += f" The other sites' figures are not shown for {plural(len(held), 'row')}; the table says why."
    layout = base_layout(
        title,
        description,
        plot_height=row_height(labels) * len(keys),
        legend=[trace["name"] for trace in traces],
        left=left_margin(labels),
    )
    layout["barmode"] = "overlay"
    layout["xaxis"] = score_axis(questionnaire.levels[0].value, questionnaire.top_level, title="Self-assessed score")
    layout["yaxis"] = {
        "tickmode": "array",
        "tickvals": positions,
        "ticktext": labels,
        "range": [len(keys) - 0.5, -0.5],
        "automargin": True,
        "showgrid": False,
        "zeroline": False,
        "showline": True,
        "linecolor": TEXT_COLOUR,
        "fixedrange": True,
        "tickfont": {"size": 14},
    }
    return Chart(chart_id, title, plain_figure(data=traces, layout=layout), table, description)


def _each(count: int) -> str:
    return "the one site" if count == 1 else f"each of the {count} sites"


def _lower_first(text: str) -> str:
    """'All other prisons, ...' inside a sentence: 'all other prisons, ...' (a name such as 'Category C' stays)."""
    return text[:1].lower() + text[1:] if text.startswith(("All ", "Other ")) else text


def _site_trace(
    name: str,
    sites: Sequence[AreaSite],
    offsets: Sequence[float],
    keys: Sequence[str],
    titles: Sequence[str],
    colour: str,
    symbol: str,
) -> Trace:
    """The sites' scores, one point per site and key with a score (each site at its own offset in the row)."""
    x: list[float | None] = []
    y: list[float] = []
    hover: list[str] = []
    for site, offset in zip(sites, offsets, strict=True):
        for position, (key, label) in enumerate(zip(keys, titles, strict=True)):
            value = site.value(key)
            if value is None:
                continue
            x.append(score_value(value))
            y.append(position + offset)
            hover.append(f"{escape(label)}<br>{escape(site.label)}: {score_text(value)} (self-assessed)")
    return scatter(
        name=escape(name),
        mode="markers",
        x=x,
        y=y,
        marker={"color": colour, "symbol": symbol, "size": 12, "line": {"color": "#ffffff", "width": 1}},
        cliponaxis=False,
        hovertext=hover,
        hovertemplate=HOVER,
    )


# -- The area's trend -----------------------------------------------------------------------------------------

YEAR = "Year"
SERIES_STYLES = ((BLUE, "circle", "solid"), (VERMILLION, "square", "dash"), (BLUISH_GREEN, "diamond", "dot"))


@dataclass(frozen=True)
class TrendSeries:
    """A run of results that can be compared: the questionnaire versions in it (their areas match)."""

    versions: tuple[str, ...]

    @property
    def label(self) -> str:
        names = " and ".join(self.versions) if len(self.versions) <= 2 else ", ".join(self.versions)
        return f"version{'s' if len(self.versions) > 1 else ''} {names}"


@dataclass(frozen=True)
class TrendFigure:
    """The area's figures in one period for one series: how many sites, and the quartiles of their scores."""

    period: str
    series: int  # index into the series
    versions: tuple[str, ...]  # the versions the sites answered in this period (within the series)
    sites: int
    lower_quartile: Fraction
    median: Fraction
    upper_quartile: Fraction


@dataclass(frozen=True)
class TrendBreak:
    """Where a new series starts: before `period`, results on `after` are not comparable with `before`."""

    period: str
    before: TrendSeries
    after: TrendSeries

    @property
    def text(self) -> str:
        return (
            f"Break: the questionnaire changed ({self.before.label} to {self.after.label}) and results are not "
            "comparable across it"
        )


def trend_breaks(figures: Sequence[TrendFigure], series: Sequence[TrendSeries]) -> list[TrendBreak]:
    """A break before the first period of each series after the first."""
    starts: dict[int, str] = {}
    for figure in figures:
        starts.setdefault(figure.series, figure.period)
        starts[figure.series] = min(starts[figure.series], figure.period)
    ordered = sorted(starts, key=lambda index: (starts[index], index))
    return [
        TrendBreak(starts[later], series[earlier], series[later])
        for earlier, later in zip(ordered, ordered[1:], strict=False)
    ]


def area_trend_chart(
    figures: Sequence[TrendFigure],
    series: Sequence[TrendSeries],
    *,
    subject: str,
    measure: str,
    top_level: int = 5,
) -> Chart:
    """The median (a line with markers) and middle half (a band from the lower to the upper quartile) of the
    area's scores in each period; each series of comparable results is drawn on its own, never joined to the
    next, with a dashed vertical line and a label at each break. The table has the same numbers, a row per
    period and series, and says where each break is."""
    figures = sorted(figures, key=lambda figure: (figure.period, figure.series))
    periods = sorted({figure.period for figure in figures})
    breaks = trend_breaks(figures, series)
    starts = {item.period: item for item in breaks}
    noted: set[str] = set()
    rows = []
    for figure in figures:
        note = ""
        found = starts.get(figure.period)
        if found is not None and series[figure.series] is found.after and figure.period not in noted:
            note = found.text
            noted.add(figure.period)
        rows.append(
            Row(
                figure.period,
                (
                    ", ".join(figure.versions),
                    str(figure.sites),
                    score_text(figure.lower_quartile),
                    score_text(figure.median),
                    score_text(figure.upper_quartile),
                    note,
                ),
            )
        )
    title = f"{measure} of the sites in {subject} by year"
    table = Table(
        caption=f"{title}: median and middle half (self-assessed)",
        headers=(YEAR, "Questionnaire version", "Sites", "Lower quartile", "Median", "Upper quartile", "Break"),
        rows=tuple(rows),
    )

    traces: list[Trace] = []
    legend: list[str] = []
    for index, item in enumerate(series):
        own = [figure for figure in figures if figure.series == index]
        if not own:
            continue
        colour, symbol, dash = SERIES_STYLES[index % len(SERIES_STYLES)]
        x = [escape(figure.period) for figure in own]
        suffix = f" ({item.label})" if len(series) > 1 else ""
        band = f"Middle half{suffix}"
        median = f"Median{suffix}"
        traces.append(
            scatter(
                name=escape(f"Lower quartile{suffix}"),
                x=x,
                y=[score_value(figure.lower_quartile) for figure in own],
                mode="lines",
                line={"color": colour, "width": 1, "dash": "dot"},
                showlegend=False,
                hovertext=[
                    f"{escape(figure.period)}<br>Lower quartile: {score_text(figure.lower_quartile)}" for figure in own
                ],
                hovertemplate=HOVER,
            )
        )
        traces.append(
            scatter(
                name=escape(band),
                x=x,
                y=[score_value(figure.upper_quartile) for figure in own],
                mode="lines",
                line={"color": colour, "width": 1, "dash": "dot"},
                fill="tonexty",
                fillcolor=translucent(colour, 0.18),
                hovertext=[
                    f"{escape(figure.period)}<br>Middle half: {score_text(figure.lower_quartile)} to "
                    f"{score_text(figure.upper_quartile)}"
                    for figure in own
                ],
                hovertemplate=HOVER,
            )
        )
        traces.append(
            scatter(
                name=escape(median),
                x=x,
                y=[score_value(figure.median) for figure in own],
                mode="lines+markers+text",
                line={"color": colour, "width": 3, "dash": dash},
                marker={"color": colour, "symbol": symbol, "size": 11},
                text=[score_text(figure.median) for figure in own],
                textposition="top center",
                textfont={"color": TEXT_COLOUR},
                cliponaxis=False,
                hovertext=[
                    f"{escape(figure.period)} ({escape(', '.join(figure.versions))})<br>Median: "
                    f"{score_text(figure.median)} ({plural(figure.sites, 'site')})"
                    for figure in own
                ],
                hovertemplate=HOVER,
            )
        )
        legend += [band, median]

    if len(periods) == 1:
        years = f"in {periods[0]}"
    else:
        years = f"in each year from {periods[0]} to {periods[-1]}" if periods else ""
    if not figures:
        description = f"No site in {subject} has submitted an assessment yet, so there is no trend to show."
    else:
        description = (
            f"The median and middle half (lower to upper quartile) of the {measure.lower()} of the sites in "
            f"{subject}, from 0 to {top_level}, {years}, from each site's "
            "latest submitted self-assessment in the year."
        )
        for found_break in breaks:
            description += (
                f" Before {found_break.period} the questionnaire changed ({found_break.before.label} to "
                f"{found_break.after.label}); results "
                "are not comparable across the break, so it is drawn as a dashed line and the two are not joined."
            )
    layout: dict[str, Any] = base_layout(title, description, plot_height=320, legend=legend, extra_top=24)
    layout["xaxis"] = category_axis([escape(period) for period in periods], title="Year (April to March)")
    layout["yaxis"] = score_axis(0, top_level, title="Self-assessed score")
    layout["shapes"] = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": periods.index(item.period) - 0.5,
            "x1": periods.index(item.period) - 0.5,
            "y0": 0,
            "y1": 1,
            "line": {"color": BLACK, "width": 2, "dash": "dash"},
        }
        for item in breaks
    ]
    layout["annotations"] = [
        {
            "xref": "x",
            "yref": "paper",
            "x": periods.index(item.period) - 0.5,
            "y": 1,
            "yanchor": "bottom",
            "xanchor": "left",
            "showarrow": False,
            "text": escape(f"Break: {item.after.label}"),
            "font": {"size": 14, "color": TEXT_COLOUR},
        }
        for item in breaks
    ]
    return Chart("area-trend", title, plain_figure(data=traces, layout=layout), table, description)


__all__ = [
    "NOT_COMPARABLE",
    "NOT_SCORED",
    "TOO_FEW_TO_SHOW",
    "WOULD_REVEAL",
    "AreaSite",
    "NationalFigures",
    "TrendBreak",
    "TrendFigure",
    "TrendSeries",
    "area_trend_chart",
    "distribution_chart",
    "key_label",
    "keys_of",
    "trend_breaks",
]
