"""Charts that reflow (issue 13, item 6): the results page's and the trend page's charts at 320 and 1280 CSS
pixels in the browser.

At 1280 every chart is drawn, and no two pieces of text in it overlap (the bounding boxes of every non-empty
SVG text element Plotly drew: tick labels, panel titles, axis titles, the legend, counts on bars), and none is
smaller than 12 pixels. At 320 (WCAG 1.4.10 Reflow) each chart gives way to its table: the page scrolls only
vertically, the tables are there, and a "Show the chart" button (keyboard too) draws the chart at its
designed width in a labelled, focusable region that scrolls sideways on its own, where the same checks hold.
The trend's small multiples are also drawn with ten years of scores for the real questionnaire's twelve
areas at every width the page can give them (640 to 960 pixels), so that their year labels and titles never
meet, whatever the seed data holds. Axe at zero violations at both widths. Screenshots of each page at each
width are kept under ARTIFACTS/chart-reflow, on success too."""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from assess.charts import TrendPoint, domain_trend_chart, figure_json, trend_chart
from tests.browser.audit import assert_no_axe_violations, assert_no_horizontal_scroll
from tests.browser.conftest import ARTIFACTS
from tests.browser.data import Seed
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

PAGES = {
    "results": "/assessments/{submitted}/results",
    "trend": "/sites/{site}/trend",
}
SHOTS = ARTIFACTS / "chart-reflow"
MIN_FONT = 12  # pixels: no chart text smaller

# Every non-empty text element Plotly drew in the chart (hover labels aside), with its box and font size;
# and each pair whose boxes overlap by more than a pixel each way.
TEXT_BOXES_JS = """
(chart, minFont) => {
  const boxes = [];
  for (const text of chart.querySelectorAll('svg text')) {
    if (!text.textContent.trim() || text.closest('.hoverlayer')) continue;
    const style = getComputedStyle(text);
    if (style.display === 'none' || style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
    const r = text.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    const kind = (text.getAttribute('class') || '') + ' in ' + (text.parentNode.getAttribute('class') || '');
    boxes.push({text: text.textContent.trim(), kind, size: parseFloat(style.fontSize),
                left: r.left, right: r.right, top: r.top, bottom: r.bottom});
  }
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) {
        overlaps.push(`"${a.text}" (${a.kind}) and "${b.text}" (${b.kind})`);
      }
    }
  }
  return {count: boxes.length, overlaps, small: boxes.filter(b => b.size < minFont).map(b => `${b.text} ${b.size}px`)};
}
"""


def assert_chart_text_readable(chart: Any, what: str) -> int:
    """No two texts of the drawn chart overlap and none is under MIN_FONT pixels; returns how many texts."""
    result = chart.evaluate(TEXT_BOXES_JS, MIN_FONT)
    assert result["count"] > 0, f"{what}: nothing drawn"
    assert not result["overlaps"], f"{what}: text overlaps:\n  " + "\n  ".join(result["overlaps"][:20])
    assert not result["small"], f"{what}: text smaller than {MIN_FONT}px: {result['small'][:10]}"
    return int(result["count"])


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def open_page(page: Page, seeded: Seed, which: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(PAGES[which].format(**seeded.placeholders))


@pytest.mark.parametrize("which", sorted(PAGES))
def test_charts_are_drawn_readably_at_1280(audience_page: Callable[[str], Page], seeded: Seed, which: str) -> None:
    page = audience_page("governor")
    open_page(page, seeded, which, 1280)
    charts = page.locator(".app-chart[data-chart-source]")
    assert charts.count() >= 2, "the page has its charts"
    for index in range(charts.count()):
        chart = charts.nth(index)
        expect(chart.locator(".main-svg").first).to_be_attached()
        expect(chart).to_be_visible()
        chart_id = chart.get_attribute("id")
        assert_chart_text_readable(chart, f"{which} {chart_id} at 1280")
    # No button on a wide screen: the chart is simply there.
    expect(page.locator(".app-chart-toggle:visible")).to_have_count(0)
    assert_no_horizontal_scroll(page, 1280)
    assert_no_axe_violations(page)
    shoot(page, f"{which}-1280")
    if which == "results":
        assert_benchmark_csv_files_describe_themselves(page)


def assert_benchmark_csv_files_describe_themselves(page: Page) -> None:
    """Each chart's CSV link gives a header row then data rows, with the years compared on every row and
    percentile ranks as plain numbers (never '63rd')."""
    import csv
    import io

    links = page.locator("figure a[download]")
    assert links.count() >= 2
    seen_rank = False
    for index in range(links.count()):
        href = links.nth(index).get_attribute("href")
        assert href
        response = page.request.get(href)
        assert response.ok, href
        rows = list(csv.reader(io.StringIO(response.text(), newline="")))
        header, body = rows[0], rows[1:]
        assert body and all(len(row) == len(header) for row in body), href
        assert header[-2:] == ["Year of this assessment", "Year of peers' figures"], (href, header)
        for row in body:
            assert all(len(year) == 7 and year[4] == "-" for year in row[-2:]), row  # '2025-26'
        ranks = [column for column, name in enumerate(header) if name.startswith("Percentile rank")]
        for column in ranks:
            seen_rank = True
            for row in body:
                if row[column] not in ("", "No score"):
                    assert 0 <= float(row[column]) <= 100, row
    assert seen_rank, "the range chart's CSV has the percentile rank column"


@pytest.mark.parametrize("which", sorted(PAGES))
def test_charts_give_way_to_their_tables_at_320(audience_page: Callable[[str], Page], seeded: Seed, which: str) -> None:
    page = audience_page("governor")
    open_page(page, seeded, which, 320)
    frames = page.locator("[data-chart-frame]")
    count = frames.count()
    assert count >= 2
    buttons = page.locator(".app-chart-toggle")
    expect(buttons).to_have_count(count)
    for index in range(count):
        expect(buttons.nth(index)).to_be_visible()
        expect(buttons.nth(index)).to_have_attribute("aria-expanded", "false")
        expect(frames.nth(index)).to_be_hidden()
    # The tables carry the numbers, in their own scrolling regions.
    expect(page.locator(".app-table-region .govuk-table").first).to_be_visible()
    assert_no_horizontal_scroll(page, 320)
    assert_no_axe_violations(page)
    shoot(page, f"{which}-320")

    # The keyboard: Enter on the first button shows its chart; again hides it.
    first = buttons.first
    first.focus()
    page.keyboard.press("Enter")
    expect(first).to_have_attribute("aria-expanded", "true")
    expect(first).to_contain_text("Hide the chart")
    expect(frames.first).to_be_visible()
    page.keyboard.press("Enter")
    expect(first).to_have_attribute("aria-expanded", "false")
    expect(frames.first).to_be_hidden()

    # Every chart on demand: drawn at its designed width, readable, in a region that scrolls on its own.
    for index in range(count):
        buttons.nth(index).click()
        frame = frames.nth(index)
        chart = frame.locator(".app-chart")
        expect(chart.locator(".main-svg").first).to_be_attached()
        assert frame.get_attribute("role") == "region" and frame.get_attribute("tabindex") == "0"
        assert (frame.get_attribute("aria-label") or "").startswith("Chart: ")
        box = frame.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 320.5
        drawn = chart.bounding_box()
        assert drawn is not None and drawn["width"] >= 639  # its designed width, scrolled within the frame
        assert_chart_text_readable(chart, f"{which} {chart.get_attribute('id')} at 320, shown on demand")
        frame.screenshot(path=str(_shot_path(f"{which}-320-{chart.get_attribute('id')}")))
    assert_no_horizontal_scroll(page, 320)
    assert_no_axe_violations(page)
    shoot(page, f"{which}-320-charts-shown")

    # Widening the window brings the charts back without a button.
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.locator(".app-chart-toggle:visible")).to_have_count(0)
    for index in range(count):
        expect(frames.nth(index)).to_be_visible()
        assert frames.nth(index).get_attribute("role") is None


def _many_years() -> list[TrendPoint]:
    from assess.questionnaire.loader import load_file

    definition = load_file(ROOT / "questionnaires" / "sui-maturity" / "1.0.yaml").definition
    points = [
        TrendPoint(
            f"{year}-{(year + 1) % 100:02d}",
            Fraction(10 + (year * 7) % 40, 10),
            {domain.id: Fraction((year * 3 + n * 11) % 50, 10) for n, domain in enumerate(definition.domains)},
        )
        for year in range(2017, 2027)
    ]
    return points


@pytest.mark.parametrize("years", [2, 3, 10])
def test_small_multiples_never_overlap_at_any_width(
    audience_page: Callable[[str], Page], seeded: Seed, years: int
) -> None:
    """The trend's small charts (and the overall trend) for the real questionnaire drawn at each width the
    page gives them: year labels, panel titles and axis labels never meet."""
    from assess.questionnaire.loader import load_file

    definition = load_file(ROOT / "questionnaires" / "sui-maturity" / "1.0.yaml").definition
    points = _many_years()[-years:]
    figures = {
        "domain-trend": json.loads(figure_json(domain_trend_chart(definition, points, subject="HMP Long Name").figure)),
        "trend": json.loads(figure_json(trend_chart(definition, points, subject="HMP Long Name").figure)),
        "domain-trend-with-targets": json.loads(
            figure_json(
                domain_trend_chart(
                    definition,
                    points,
                    subject="HMP Long Name",
                    targets={domain.id: 1 + n % 5 for n, domain in enumerate(definition.domains) if n % 3},
                ).figure
            )
        ),
    }
    page = audience_page("governor")
    open_page(page, seeded, "trend", 1280)  # a page with Plotly loaded
    page.wait_for_function("() => window.Plotly !== undefined")
    for name, figure in figures.items():
        for width in (640, 720, 800, 880, 960):
            chart = page.evaluate_handle(
                """async ([figure, width]) => {
                    const old = document.getElementById('probe');
                    if (old) { window.Plotly.purge(old); old.remove(); }
                    const div = document.createElement('div');
                    div.id = 'probe';
                    div.style.width = width + 'px';
                    document.body.prepend(div);
                    await window.Plotly.newPlot(div, figure.data, figure.layout, {displayModeBar: false});
                    return div;
                }""",
                [figure, width],
            )
            assert_chart_text_readable(chart.as_element(), f"{name} with {years} years at {width}px")
            if years == 10 and width in (640, 960):
                chart.as_element().screenshot(path=str(_shot_path(f"{name}-{years}-years-{width}")))


def _shot_path(name: str) -> Any:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / f"{name}.png"


def test_the_text_check_finds_overlapping_and_tiny_text(audience_page: Callable[[str], Page], seeded: Seed) -> None:
    """Negative control: two labels drawn on top of each other, and one at 9 pixels, are both caught."""
    page = audience_page("governor")
    open_page(page, seeded, "trend", 1280)
    page.wait_for_function("() => window.Plotly !== undefined")
    figure = {
        "data": [{"type": "scatter", "x": [1, 2], "y": [1, 2]}],
        "layout": {
            "width": 400,
            "height": 300,
            "annotations": [
                {"text": "First label", "x": 1.5, "y": 1.5, "showarrow": False, "font": {"size": 14}},
                {"text": "Second label", "x": 1.5, "y": 1.5, "showarrow": False, "font": {"size": 14}},
                {"text": "Tiny", "x": 1, "y": 2, "showarrow": False, "font": {"size": 9}},
            ],
        },
    }
    chart = page.evaluate_handle(
        """async (figure) => {
            const div = document.createElement('div');
            document.body.prepend(div);
            await window.Plotly.newPlot(div, figure.data, figure.layout, {displayModeBar: false});
            return div;
        }""",
        figure,
    ).as_element()
    result = chart.evaluate(TEXT_BOXES_JS, MIN_FONT)
    assert any("First label" in pair and "Second label" in pair for pair in result["overlaps"]), result
    assert result["small"] == ["Tiny 9px"]
    with pytest.raises(AssertionError, match="text overlaps"):
        assert_chart_text_readable(chart, "the negative control")


def _real_benchmark() -> tuple[Any, Any, dict[str, int]]:
    """The real questionnaire's twelve areas against a made-up group of 40 peers (the widest counts the level
    chart meets in practice), with the site at every level somewhere and a target in most areas."""
    from assess.benchmarking import OVERALL, GroupBenchmark, GroupDecision, Summary
    from assess.questionnaire.loader import load_file

    definition = load_file(ROOT / "questionnaires" / "sui-maturity" / "1.0.yaml").definition

    def summary(key: str, n: int) -> Summary:
        levels = {value: (n * 7 + value * 5) % 11 + (1 if value == n % 6 else 0) for value in range(6)}
        score = Fraction((n * 9) % 50, 10)
        return Summary(
            key=key,
            peers=sum(levels.values()),
            median=Fraction(5, 2),
            lower_quartile=Fraction(3, 2),
            upper_quartile=Fraction(7, 2),
            levels=levels,
            site_score=score,
            site_level=int(score),
            site_percentile=Fraction((n * 37) % 101),
        )

    group = GroupBenchmark(
        decision=GroupDecision("national", "All prisons in England and Wales", frozenset(range(40)), True),
        versions=("1.0",),
        compared_domains=tuple(domain.id for domain in definition.domains),
        overall=summary(OVERALL, 99),
        domains={domain.id: summary(domain.id, n) for n, domain in enumerate(definition.domains)},
        min_size=5,
        period="2025-26",
        own_period="2026-27",
    )
    targets = {domain.id: (n % 5) + 1 for n, domain in enumerate(definition.domains) if n % 4}
    return definition, group, targets


def test_benchmark_charts_with_targets_and_the_sites_level_stay_readable(
    audience_page: Callable[[str], Page], seeded: Seed
) -> None:
    """The range chart, radar and level distribution for the real questionnaire, with the target series and the
    site's level outlined, drawn at 640 (the results page's column, and the width shown on demand at 320) and
    960 pixels: no text overlaps, none under 12 pixels."""
    from assess.charts import benchmark_charts

    definition, group, targets = _real_benchmark()
    charts = benchmark_charts(definition, group, subject="HMP and YOI Long Site Name", targets=targets)
    assert [chart.id for chart in charts] == ["range", "radar", "levels"]
    page = audience_page("governor")
    open_page(page, seeded, "trend", 1280)
    page.wait_for_function("() => window.Plotly !== undefined")
    for chart in charts:
        figure = json.loads(figure_json(chart.figure))
        for width in (640, 960):
            drawn = page.evaluate_handle(
                """async ([figure, width]) => {
                    const old = document.getElementById('probe');
                    if (old) { window.Plotly.purge(old); old.remove(); }
                    const div = document.createElement('div');
                    div.id = 'probe';
                    div.style.width = width + 'px';
                    document.body.prepend(div);
                    await window.Plotly.newPlot(div, figure.data, figure.layout, {displayModeBar: false});
                    return div;
                }""",
                [figure, width],
            ).as_element()
            drawn.screenshot(path=str(_shot_path(f"benchmark-{chart.id}-with-targets-{width}")))
            assert_chart_text_readable(drawn, f"{chart.id} with targets at {width}px")
