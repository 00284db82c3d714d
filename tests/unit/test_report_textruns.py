"""SVG text drawn a run at a time (assess/pdf/textruns.py): the same words in the same places as
WeasyPrint's own letter-by-letter drawing, and the letter-by-letter path kept for text that needs it."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest

from assess.pdf import textruns
from assess.pdf.render import STATIC_FOLDER
from assess.pdf.worker import render

# Like Plotly's labels: anchored at the start, middle and end; a two-line label in tspans with x and dy; a
# rotated axis title; and one label positioned letter by letter (which must keep the stock path).
CHART = """<svg xmlns="http://www.w3.org/2000/svg" width="400" height="240" viewBox="0 0 400 240">
  <rect x="0" y="0" width="400" height="240" fill="white"/>
  <g font-family="Liberation Sans" font-size="12">
  <text x="20" y="30" font-size="14" fill="black">Start anchored label</text>
  <text x="200" y="60" text-anchor="middle">Peer median (middle)</text>
  <text x="380" y="90" text-anchor="end" font-weight="bold">Your score AVAWAY</text>
  <text x="200" y="120" text-anchor="middle">
    <tspan x="200" dy="0">Partnerships with the</tspan><tspan x="200" dy="14">voluntary sector</tspan></text>
  <g transform="translate(30,220) rotate(-90)"><text x="0" y="0">Score (0 to 5)</text></g>
  <text x="100 130 160" y="200">XYZ</text>
  </g>
</svg>"""


@dataclass(frozen=True)
class Word:
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def words(pdf: bytes) -> list[Word]:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: install poppler-utils")
    html = subprocess.run([tool, "-bbox", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    found = []
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    for match in re.finditer(pattern, html):
        x_min, y_min, x_max, y_max, text = match.groups()
        found.append(Word(text, float(x_min), float(y_min), float(x_max), float(y_max)))
    return found


def page_with(svg: str) -> str:
    data = base64.b64encode(svg.encode()).decode("ascii")
    return (
        "<!DOCTYPE html><html lang='en'><head><title>chart</title></head><body>"
        f"<img alt='a chart' style='width: 150mm' src='data:image/svg+xml;base64,{data}'></body></html>"
    )


@pytest.fixture
def letter_by_letter():
    textruns.uninstall()
    yield
    textruns.install()


def draw(html: str, runs: bool) -> bytes:
    if runs:
        assert textruns.install()
    else:
        textruns.uninstall()
    try:
        pdf, *_ = render(html, STATIC_FOLDER, {})
    finally:
        textruns.install()
    return pdf


def test_runs_draw_the_same_words_anchored_at_the_same_points_as_letter_by_letter():
    html = page_with(CHART)
    stock = words(draw(html, runs=False))
    runs = words(draw(html, runs=True))
    assert [word.text for word in runs] == [word.text for word in stock]
    expected = {"Start", "(middle)", "AVAWAY", "Partnerships", "voluntary", "Score", "X", "Y", "Z"}
    assert expected <= {word.text for word in runs}
    before, after = {w.text: w for w in stock}, {w.text: w for w in runs}
    for word in after:
        assert abs(before[word].y_min - after[word].y_min) < 0.5, word  # every baseline where it was
    # Each label starts, ends or is centred where it is anchored. A whole run is shaped with kerning, as the
    # browser that measured the chart shaped it, so its other end can move (most in "AVAWAY": a few points).
    assert abs(before["Start"].x_min - after["Start"].x_min) < 0.5
    assert abs(before["AVAWAY"].x_max - after["AVAWAY"].x_max) < 0.5
    for first, last in (("Peer", "(middle)"), ("voluntary", "sector"), ("Partnerships", "the")):
        centre = (before[first].x_min + before[last].x_max) / 2
        assert abs(centre - (after[first].x_min + after[last].x_max) / 2) < 1.0, first
    assert abs(before["Score"].y_max - after["Score"].y_max) < 0.5  # rotated: starts at the bottom
    for letter in "XYZ":  # positioned letter by letter: untouched
        assert before[letter] == after[letter]


def test_a_line_separator_in_a_label_loses_no_text():
    svg = CHART.replace("Start anchored label", "Alpha\u2028Beta")
    found = {word.text for word in words(draw(page_with(svg), runs=True))}
    assert {"Alpha", "Beta"} <= found or "AlphaBeta" in found, found


def node(tag: str, text: str | None, **attributes: str):
    element = ET.Element(tag, attributes)
    element.text = text

    class Node:  # what textruns reads of WeasyPrint's svg.Node
        def __init__(self):
            self._etree_node = element
            self.tag = tag
            self.attrib = element.attrib

    return Node()


@pytest.mark.parametrize(
    ("tag", "text", "attributes", "expected"),
    [
        ("text", "Peer median", {"x": "10", "y": "20"}, True),
        ("tspan", "voluntary sector", {"x": "200", "dy": "14"}, True),
        ("text", "Label", {"letter-spacing": "0"}, True),
        ("text", "XYZ", {"x": "100 130 160", "y": "200"}, False),  # a position per letter
        ("text", "XYZ", {"x": "100,130", "y": "200"}, False),
        ("text", "XYZ", {"dx": "1 2 3"}, False),
        ("text", "Rotated", {"rotate": "10"}, False),
        ("text", "Stretched", {"textLength": "80"}, False),
        ("text", "Spaced", {"letter-spacing": "2"}, False),
        ("text", "Alpha\u2028Beta", {}, False),  # Pango would break the run there and draw only "Alpha"
        ("text", "Alpha\u2029Beta", {}, False),
        ("text", "שלום abc", {}, False),  # right to left: kept letter by letter, exactly as before
        ("text", "abc عربي", {}, False),
        ("text", "Mixed", {"direction": "rtl"}, False),
        ("text", "Café – “quoted” 5½", {}, True),
        ("text", "A", {}, False),  # one letter: nothing to gain
        ("text", None, {}, False),
        ("textPath", "Along a path", {}, False),
    ],
)
def test_which_text_is_drawn_as_one_run(tag, text, attributes, expected):
    assert textruns.one_run(node(tag, text, **attributes)) is expected


def test_installed_only_on_the_weasyprint_version_it_was_checked_on(monkeypatch, letter_by_letter):
    import weasyprint
    from weasyprint import svg

    stock = svg.text
    monkeypatch.setattr(weasyprint, "__version__", "999.0")
    assert textruns.install() is False
    assert svg.text is stock
    monkeypatch.setattr(weasyprint, "__version__", textruns.TESTED_VERSIONS[0])
    assert textruns.install() is True
    assert svg.text is not stock and all(function is not stock for function in svg.TAGS.values())
    assert textruns.install() is True  # twice is once
    assert svg.text.stock is stock


def test_the_pinned_weasyprint_is_one_textruns_was_checked_on():
    """When requirements.txt moves WeasyPrint on, this fails: check the drawing and add the version."""
    import weasyprint

    assert weasyprint.__version__ in textruns.TESTED_VERSIONS
