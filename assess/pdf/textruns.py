"""SVG text drawn a run at a time in WeasyPrint, not a letter at a time (used by the render process only).

WeasyPrint 70 draws every SVG `<text>` and `<tspan>` letter by letter: a Pango layout for each character,
so that it can honour per-letter positions (`x="1 2 3"`), `rotate`, `letter-spacing` and `textLength`.
Plotly's charts use none of these: each label is one run at one position. Laying out a few thousand
single letters was about a fifth of a chart's drawing time and 0.1 s of a four-chart report.

`install()` wraps WeasyPrint's SVG text function so that a `<text>` or `<tspan>` with at most one value for
each of x, y, dx and dy, no `rotate`, `letter-spacing`, `textLength` or `direction`, and no line-breaking or
right-to-left characters (one_run), is handed to it as a single "letter": the stock code then lays out and
draws the whole run once, at the same place, with the same anchoring, bounding box and cursor. Anything else
goes to the stock code unchanged. The run is shaped as a whole (kerning included), as the browser that
measured the chart shaped it; text stays real, extractable text.

The wrapper relies on two details of WeasyPrint's SVG module: the `TAGS` table that maps an element to
its drawing function, and the module-level name `text` that `draw_node` compares entries with (to anchor
text). It is installed only on the WeasyPrint version it was checked against (TESTED_VERSIONS); on any other
version `install()` leaves WeasyPrint alone and says so, so an upgrade can make the report slower, never
wrong. tests/unit/test_report_textruns.py checks both paths draw the same text in the same places.
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Any

log = logging.getLogger(__name__)

TESTED_VERSIONS = ("70.0",)
_PER_LETTER = ("rotate", "textLength", "lengthAdjust", "direction", "unicode-bidi")
# Characters Pango would break a run at (the run is laid out as its first line only), and the bidirectional
# classes whose reordering a run would apply where letter-by-letter drawing does not: such text keeps the
# stock drawing, so it draws exactly as before.
_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_RIGHT_TO_LEFT = frozenset({"R", "AL", "AN", "RLE", "RLO", "RLI", "LRE", "LRO", "LRI", "FSI", "PDF", "PDI"})


class _Run(str):
    """A string that iterates as one item: WeasyPrint's letter loop then sees the whole run as one letter."""

    __slots__ = ()

    def __iter__(self):  # type: ignore[override]
        yield str(self)


def _single(value: str | None) -> bool:
    return value is None or len(value.replace(",", " ").split()) <= 1


def one_run(node: Any) -> bool:
    """Whether an SVG text node can be drawn as one run: nothing in it is positioned letter by letter."""
    attributes = node.attrib
    text = node._etree_node.text
    if node.tag not in ("text", "tspan") or not text or len(text) < 2:
        return False
    if any(name in attributes for name in _PER_LETTER):
        return False
    if attributes.get("letter-spacing", "normal").strip() not in ("normal", "0", "0px", ""):
        return False
    if any(character in _BREAKS or unicodedata.bidirectional(character) in _RIGHT_TO_LEFT for character in text):
        return False
    return all(_single(attributes.get(name)) for name in ("x", "y", "dx", "dy"))


def install() -> bool:
    """Draw simple SVG text a run at a time from now on, in this process. True if installed."""
    import weasyprint
    from weasyprint import svg

    if weasyprint.__version__ not in TESTED_VERSIONS:
        log.warning(
            "WeasyPrint %s: SVG text is drawn letter by letter (run-at-a-time drawing was checked on %s)",
            weasyprint.__version__,
            ", ".join(TESTED_VERSIONS),
        )
        return False
    stock = svg.text
    if hasattr(stock, "stock"):  # already installed
        return True

    def text(drawer: Any, node: Any, font_size: float) -> Any:
        if not one_run(node):
            return stock(drawer, node, font_size)
        element = node._etree_node
        original = element.text
        element.text = _Run(original)
        try:
            return stock(drawer, node, font_size)
        finally:
            element.text = original

    text.stock = stock  # type: ignore[attr-defined]
    _swap(stock, text)
    return True


def uninstall() -> None:
    """Back to WeasyPrint's own letter-by-letter drawing (for tests that compare the two)."""
    from weasyprint import svg

    stock = getattr(svg.text, "stock", None)
    if stock is not None:
        _swap(svg.text, stock)


def _swap(old: Any, new: Any) -> None:
    """Put `new` wherever WeasyPrint's SVG module has `old`: its tag table and the name draw_node compares with."""
    from weasyprint import svg

    for tag, function in list(svg.TAGS.items()):
        if function is old:
            svg.TAGS[tag] = new
    svg.text = new
