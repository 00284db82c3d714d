"""Colours, fonts, number formats and the shared layout for every chart.

Colours are the Okabe–Ito palette (Okabe and Ito, "Color Universal Design", 2008), chosen so that readers
with any common form of colour blindness can tell them apart. Colour is never the only cue: each trace
also has its own marker symbol, line dash or fill pattern, and the legend names every trace.

- "You" (the site) is always blue, solid line, circle markers.
- "Peer median" is always black, dashed line, diamond markers (a vertical tick on the range chart).
- "Target level" (the level a site aims for in an area) is vermillion, dotted line, star markers.
- "Middle half of peers" (lower to upper quartile) is a light sky-blue band.
- Levels run from vermillion (lowest) through orange, yellow and sky blue to bluish green and blue
  (highest), each with a dark outline, so yellow still shows on white. On the level-distribution chart the
  fills are plain, so the counts written on them stay readable (black or white, whichever contrasts more);
  the levels also run in order left to right, and the table beside the chart has every count.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

# -- Okabe–Ito palette ------------------------------------------------------------------------------

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"

SITE_COLOUR = BLUE
MEDIAN_COLOUR = BLACK
TARGET_COLOUR = VERMILLION
QUARTILE_COLOUR = SKY_BLUE
# Lowest level first. Questionnaires may have up to 11 levels, so colours and patterns cycle
# (a colour comes back only with a different pattern).
LEVEL_COLOURS = (VERMILLION, ORANGE, YELLOW, SKY_BLUE, BLUISH_GREEN, BLUE, REDDISH_PURPLE, BLACK)
LEVEL_PATTERNS = ("", "/", ".", "x", "\\", "+", "-")

# GOV.UK Design System text colour and font stack.
TEXT_COLOUR = "#0b0c0c"
GRID_COLOUR = "#b1b4b6"
FONT_FAMILY = '"GDS Transport", arial, sans-serif'

AREA = "Area"
WRAP_AT = 28  # characters per line of an area title on an axis
# The PDF report's: a tall chart is scaled to fit the page's height, so fewer lines per title (shorter bars)
# print its labels larger: about 9.5 pt rather than 6.5 pt for sui-maturity's titles at most 2 lines.
PRINT_WRAP_AT = 40
TICK_FONT_SIZE = 14  # area titles on an axis


# -- Numbers ----------------------------------------------------------------------------------------


def one_decimal(value: Fraction | Decimal | int) -> Decimal:
    """Round half up to one decimal place (2.25 -> 2.3), exactly, as the scores people see are rounded."""
    # floor(value * 10 + 1/2) in whole numbers: value = numerator / denominator, denominator > 0 (a results
    # page rounds tens of thousands of scores, and Fraction arithmetic made this most of a page's time).
    numerator, denominator = value.as_integer_ratio()
    return Decimal((20 * numerator + denominator) // (2 * denominator)).scaleb(-1)


def score_text(value: Fraction | Decimal | int | None, missing: str = "No score") -> str:
    """'2.7' for tables and hover text."""
    return missing if value is None else f"{one_decimal(value):.1f}"


def score_value(value: Fraction | Decimal | int | None) -> float | None:
    """The number a chart plots: exactly the number shown in its table."""
    return None if value is None else float(one_decimal(value))


def ordinal(number: int) -> str:
    """63 -> '63rd', 11 -> '11th', 22 -> '22nd'."""
    if number % 100 in (11, 12, 13):
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def percentile_text(value: Fraction | None, missing: str = "No score") -> str:
    """A percentile rank (0 to 100) as a whole number, rounded half up: '63rd'. Kept for old callers: pages say
    `percentile_words`, tables and CSV files `percentile_number`."""
    if value is None:
        return missing
    return ordinal(math.floor(Fraction(value) + Fraction(1, 2)))


def percentile_number(value: Fraction | Decimal | int | None, missing: str = "No score") -> str:
    """A percentile rank (0 to 100) as a plain number for tables and CSV files, to one decimal place rounded
    half up, without a needless '.0': '0', '1', '37.5', '100'."""
    if value is None:
        return missing
    rounded = one_decimal(value)
    return f"{rounded:.0f}" if rounded == rounded.to_integral_value() else f"{rounded:.1f}"


def percentile_words(value: Fraction | Decimal | int | None, missing: str = "no score") -> str:
    """A percentile rank in plain words, for a sentence about where a site's score sits in its group:
    'lower than every site in the group' (0), 'higher than every site in the group' (100), otherwise
    'higher than about 63% of the group, counting ties as half' (rounded half up). The rank counts a peer with
    the same score as half, and the words say so: with whole levels, ties are common (a site level with every
    peer has rank 50, and is higher than none of them)."""
    if value is None:
        return missing
    exact = Fraction(value)
    if exact <= 0:
        return "lower than every site in the group"
    if exact >= 100:
        return "higher than every site in the group"
    whole = math.floor(exact + Fraction(1, 2))
    if whole <= 0:
        return "among the lowest in the group"
    if whole >= 100:
        return "among the highest in the group"
    return f"higher than about {whole}% of the group, counting ties as half"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


# -- Text in figures ----------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Plotly renders a little HTML in labels; show titles as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrap(text: str, width: int = WRAP_AT) -> str:
    """An axis label broken into lines of about `width` characters (escaped, lines joined by <br>)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return "<br>".join(escape(line) for line in lines)


def left_margin(labels: list[str]) -> int:
    """Room for wrapped area titles on a vertical axis (the axis also grows automatically if needed)."""
    longest = max((len(line) for label in labels for line in label.split("<br>")), default=0)
    return max(80, min(320, 24 + 7 * longest))


def row_height(labels: list[str]) -> int:
    """Pixels per bar: enough for the area title with the most lines."""
    lines = max((label.count("<br>") + 1 for label in labels), default=1)
    return max(44, 16 * lines + 16)


# -- Contrast (for labels written on coloured bars) -----------------------------------------------------


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def label_colour(background: str) -> str:
    """Black or white, whichever contrasts more with the background."""
    lum = _luminance(background)
    on_black = (lum + 0.05) / 0.05
    on_white = 1.05 / (lum + 0.05)
    return TEXT_COLOUR if on_black >= on_white else "#ffffff"


def translucent(colour: str, opacity: float) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{opacity})"


# -- Layout ---------------------------------------------------------------------------------------------


# Pixel sizes of the header above the plot: title, subtitle, and legend rows (estimated for a 640 pixel
# wide chart, the GOV.UK two-thirds column; plotly pushes the margin further if the legend needs it).
TITLE_HEIGHT = 44
SUBTITLE_HEIGHT = 24
LEGEND_ROW_HEIGHT = 30
LEGEND_WIDTH = 640


def legend_rows(names: Sequence[str], width: int = LEGEND_WIDTH) -> int:
    """How many rows a horizontal legend of these names takes (symbol about 46px, text about 8px a character)."""
    rows, used = (1 if names else 0), 0
    for name in names:
        item = 46 + 8 * len(name)
        if used and used + item > width:
            rows, used = rows + 1, 0
        used += item
    return rows


def base_layout(
    title: str,
    description: str,
    *,
    plot_height: int,
    subtitle: str | None = None,
    legend: Sequence[str] = (),
    left: int = 80,
    right: int = 32,
    bottom: int = 72,
    extra_top: int = 0,
) -> dict[str, Any]:
    """What every chart shares: fonts, a plain white background, the title (and subtitle) at the top left,
    the legend in a row under them, and, as `meta`, a sentence describing the chart (the page's text
    alternative). No template, so the JSON stays small and does not depend on plotly's default theme.
    The figure's height is the plot's height plus the header and the bottom margin; `extra_top` is room for
    anything else above the plot (the small multiples' panel titles)."""
    header = TITLE_HEIGHT + (SUBTITLE_HEIGHT if subtitle else 0)
    top = header + LEGEND_ROW_HEIGHT * legend_rows(legend) + 16 + extra_top
    height = plot_height + top + bottom
    title_layout: dict[str, Any] = {
        "text": escape(title),
        "font": {"size": 19},
        "x": 0,
        "xref": "container",
        "xanchor": "left",
        "y": 1,
        "yref": "container",
        "yanchor": "top",
        "pad": {"t": 12, "l": 8},
    }
    if subtitle:
        title_layout["subtitle"] = {"text": escape(subtitle), "font": {"size": 16}}
    return {
        # What plotly's empty go.layout.Template() gives, written out so that unvalidated figures
        # (assess.charts.chart.plain_figure) send the same JSON as validated ones.
        "template": {"data": {"scatter": [{"type": "scatter"}]}},
        "title": title_layout,
        "meta": description,
        "font": {"family": FONT_FAMILY, "size": 16, "color": TEXT_COLOUR},
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": 16}},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "height": height,
        "margin": {"l": left, "r": right, "t": top, "b": bottom, "pad": 4, "autoexpand": True},
        "showlegend": bool(legend),
        "legend": {
            "orientation": "h",
            "x": 0,
            "xref": "container",
            "xanchor": "left",
            "y": 1 - (header + 4) / height,
            "yref": "container",
            "yanchor": "top",
            "traceorder": "normal",
            "itemclick": False,
            "itemdoubleclick": False,
        },
        "separators": ".,",
    }


def score_axis_title(low: int, high: int) -> str:
    return f"Score ({low} to {high})"


def linear_axis(title: str, low: int, high: int, step: int, tickformat: str) -> dict[str, Any]:
    """A numeric axis from low to high with a tick and grid line every `step`; not zoomable."""
    return {
        "title": {"text": title},
        "range": [low, high],
        "tickmode": "linear",
        "tick0": low,
        "dtick": step,
        "tickformat": tickformat,
        "showgrid": True,
        "gridcolor": GRID_COLOUR,
        "zeroline": False,
        "showline": True,
        "linecolor": TEXT_COLOUR,
        "fixedrange": True,
    }


def score_axis(low: int, high: int, title: str | None = None) -> dict[str, Any]:
    """A score axis from the lowest to the highest level (0 to 5), a grid line at each whole number."""
    return linear_axis(score_axis_title(low, high) if title is None else title, low, high, 1, ".0f")


def category_axis(categories: list[str], *, reversed_: bool = False, title: str | None = None) -> dict[str, Any]:
    axis: dict[str, Any] = {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": categories,
        "automargin": True,
        "showgrid": False,
        "showline": True,
        "linecolor": TEXT_COLOUR,
        "fixedrange": True,
    }
    if reversed_:
        axis["autorange"] = "reversed"
    if title:
        axis["title"] = {"text": title}
    else:
        axis["tickfont"] = {"size": TICK_FONT_SIZE}
    return axis
