"""The PDF report's pure parts: the URL fetcher WeasyPrint gets, the SVG tidying, the cache key and store,
the choice of peer groups, and the render process's time limit. No app, no database."""

from __future__ import annotations

import os
import time
from fractions import Fraction
from pathlib import Path

import pytest

from assess.benchmarking import GroupBenchmark, GroupDecision
from assess.pdf import cache
from assess.pdf import render as pdf
from assess.pdf.fetcher import STATIC_FOLDER, StaticOnlyFetcher, URLRefused, parse_data_url, static_path
from assess.pdf.svg import PDF_FONT_FAMILY, tidy_svg
from assess.services.results import ALL_GROUPS, AssessmentResults
from tests.conftest import nothing_connected

# -- data: URLs ---------------------------------------------------------------------------------------------


def test_data_urls_base64_and_percent_encoded():
    assert parse_data_url("data:image/svg+xml;base64,PHN2Zy8+") == ("image/svg+xml", b"<svg/>")
    assert parse_data_url("data:text/css,p%20%7B%7D") == ("text/css", b"p {}")
    assert parse_data_url("data:,hello") == ("text/plain", b"hello")
    assert parse_data_url("DATA:Image/PNG;base64,") == ("image/png", b"")


@pytest.mark.parametrize("url", ["data:image/png;base64", "data:nonsense,x", "http://example.org/x"])
def test_malformed_data_urls_are_refused(url):
    with pytest.raises(URLRefused):
        parse_data_url(url)


# -- file: URLs: the static folder only -----------------------------------------------------------------------


@pytest.fixture()
def static(tmp_path: Path) -> Path:
    folder = tmp_path / "static"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "dot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    (tmp_path / "secret.txt").write_text("not for reports")
    (folder / "link.txt").symlink_to(tmp_path / "secret.txt")
    return folder


def test_a_file_in_the_static_folder_is_served(static):
    path = static_path((static / "images" / "dot.svg").as_uri(), static)
    assert path == (static / "images" / "dot.svg").resolve()


@pytest.mark.parametrize(
    "make_url",
    [
        lambda static: (static / "images" / ".." / ".." / "secret.txt").as_uri(),  # .. out of the folder
        lambda static: "file://" + str(static) + "/images/../../secret.txt",
        lambda static: (static / "link.txt").as_uri(),  # a symbolic link out of the folder
        lambda static: "file:///etc/passwd",
        lambda static: (static / "missing.css").as_uri(),
        lambda static: static.as_uri(),  # a folder
        lambda static: "file://evil.example" + str(static / "images" / "dot.svg"),  # a remote host
    ],
)
def test_files_outside_the_static_folder_are_refused(static, make_url):
    with pytest.raises(URLRefused):
        static_path(make_url(static), static)


def test_the_fetcher_serves_data_and_static_files_and_refuses_everything_else(static, listener):
    port = listener.getsockname()[1]
    fetcher = StaticOnlyFetcher(static)
    response = fetcher.fetch("data:image/svg+xml;base64,PHN2Zy8+")
    assert response.read() == b"<svg/>" and response.content_type == "image/svg+xml"
    response = fetcher.fetch((static / "images" / "dot.svg").as_uri())
    assert response.content_type == "image/svg+xml" and response.read().startswith(b"<svg")
    refused = [
        f"http://127.0.0.1:{port}/x",
        f"https://127.0.0.1:{port}/x",
        f"ftp://127.0.0.1:{port}/x",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "about:blank",
    ]
    for url in refused:
        with pytest.raises(URLRefused):
            fetcher.fetch(url)
    # urllib's entry points go through the same checks: nothing is ever opened.
    with pytest.raises(URLRefused):
        fetcher.open(f"http://127.0.0.1:{port}/open")
    with pytest.raises(URLRefused):
        fetcher(f"http://127.0.0.1:{port}/call")
    assert fetcher.refused == [*refused, f"http://127.0.0.1:{port}/open", f"http://127.0.0.1:{port}/call"]
    assert nothing_connected(listener)


def test_the_fetcher_follows_no_redirects_and_has_no_network_handlers():
    fetcher = StaticOnlyFetcher()
    assert fetcher.static_folder == STATIC_FOLDER
    assert not any(type(handler).__name__ == "HTTPRedirectHandler" for handler in fetcher.handlers)


def test_markup_that_gets_past_escaping_still_fetches_nothing(static, listener, tmp_path):
    """Defence in depth: even raw markup (which the report's autoescaping never produces) fetches nothing
    outside the static folder and opens no connection."""
    port = listener.getsockname()[1]
    secret = tmp_path / "secret.txt"
    html = f"""<!DOCTYPE html><html lang="en"><head><title>t</title>
      <link rel="stylesheet" href="file:///etc/passwd">
      <link rel="stylesheet" href="http://127.0.0.1:{port}/link.css">
      <style>@import url("http://127.0.0.1:{port}/import.css"); @import url("{secret.as_uri()}");
        body {{ background: url(http://127.0.0.1:{port}/background.png) }}
        @font-face {{ font-family: x; src: url(http://127.0.0.1:{port}/font.woff2) }}</style>
      </head><body><p>Text</p>
      <img alt="a" src="http://127.0.0.1:{port}/img.png">
      <img alt="b" src="../secret.txt">
      <img alt="c" src="images/dot.svg">
      <img alt="d" src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0naHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmcnLz4=">
      <svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
        <image href="http://127.0.0.1:{port}/svg-image.png" width="10" height="10"/></svg>
      </body></html>"""
    rendered = pdf.render_in_this_process(html, static)
    assert rendered.pdf.startswith(b"%PDF")
    assert nothing_connected(listener)
    allowed = {(static / "images" / "dot.svg").resolve().as_uri(), (static.resolve() / "images" / "dot.svg").as_uri()}
    for url in rendered.requested:
        assert url.startswith("data:") or url in allowed or url in rendered.refused, url
    refused = " ".join(rendered.refused)
    for name in ("link.css", "import.css", "background.png", "font.woff2", "img.png", "svg-image.png"):
        assert f"127.0.0.1:{port}/{name}" in refused, name
    assert "file:///etc/passwd" in refused
    assert secret.as_uri() in refused


# -- SVG from the exporter -----------------------------------------------------------------------------------


def test_tidy_svg_removes_anything_that_points_outside_and_keeps_internal_references():
    raw = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10"
      height="10"><defs><pattern id="p1"><path d="M0 0"/></pattern></defs><g class="empty"></g>
      <script>alert(1)</script><foreignObject><p>x</p></foreignObject><image href="http://x/y.png"/>
      <use xlink:href="http://x/z.svg#a"/><style>@import url(http://x/a.css);</style>
      <a href="http://x/"><text style="font-family: 'GDS Transport', arial; fill: url(http://x/f)">Label</text></a>
      <rect style="fill: url('#p1'); stroke: rgb(0, 0, 0)" data-unformatted="x" class="bar"/></svg>"""
    tidy = tidy_svg(raw)
    for gone in ("script", "foreignObject", "image", "<use", "<style", "http://x", "<a ", "class=", "data-", "<g"):
        assert gone not in tidy, gone
    assert "Label" in tidy
    assert f'font-family="{PDF_FONT_FAMILY}"'.replace("'", "&apos;") in tidy or PDF_FONT_FAMILY in tidy
    assert "fill=\"url('#p1')\"" in tidy
    assert 'stroke="rgb(0, 0, 0)"' in tidy
    assert '<pattern id="p1">' in tidy


# -- The cache ------------------------------------------------------------------------------------------------


def snapshot(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": 7,
        "answers": [["q1", "3", "Minutes"], ["q2", "dont-know", ""]],
        "questionnaire": ["sui-maturity", "1.0", "abc"],
    }
    base.update(changes)
    return base


def test_the_key_is_stable_and_changes_with_content_peers_and_template():
    peers = [{"group": ["national", "All prisons", True, None, 6], "median": Fraction(5, 2)}]
    key = cache.report_key(snapshot(), peers, "t1")
    assert key == cache.report_key(snapshot(), [dict(peers[0])], "t1")
    assert len(key) == 64
    assert key != cache.report_key(snapshot(answers=[["q1", "3", "Minutes."]]), peers, "t1")
    assert key != cache.report_key(snapshot(questionnaire=["sui-maturity", "1.0", "abd"]), peers, "t1")
    more = [{"group": ["national", "All prisons", True, None, 7], "median": Fraction(5, 2)}]
    assert key != cache.report_key(snapshot(), more, "t1")
    moved = [{"group": ["national", "All prisons", True, None, 6], "median": Fraction(51, 20)}]
    assert key != cache.report_key(snapshot(), moved, "t1")
    assert key != cache.report_key(snapshot(), peers, "t2")


def test_jsonable_refuses_what_it_cannot_hash_exactly():
    assert cache.jsonable({"b": {1, 3, 2}, "a": (Fraction(1, 3),)}) == {"a": ["1/3"], "b": [1, 2, 3]}
    with pytest.raises(TypeError):
        cache.jsonable(object())


def test_fingerprint_follows_the_files(tmp_path):
    template = tmp_path / "report.html"
    template.write_text("one")
    first = cache.fingerprint([template], "weasyprint 70")
    template.write_text("two")
    assert cache.fingerprint([template], "weasyprint 70") != first
    assert cache.fingerprint([template], "weasyprint 71") != cache.fingerprint([template], "weasyprint 70")


def test_the_store_round_trips_privately_and_refuses_odd_keys(tmp_path):
    store = cache.ReportCache(tmp_path / "reports")
    key = "a" * 64
    assert store.get(key) is None
    store.put(key, b"%PDF-1.7 report")
    assert store.get(key) == b"%PDF-1.7 report"
    assert (tmp_path / "reports" / f"{key}.pdf").stat().st_mode & 0o777 == 0o600
    assert not list((tmp_path / "reports").glob(".tmp-*"))
    for bad in ("../" + "a" * 61, "A" * 64, "a" * 63, ""):
        with pytest.raises(ValueError):
            store.get(bad)


def test_the_store_keeps_within_its_size_least_recently_used_first(tmp_path):
    store = cache.ReportCache(tmp_path, max_bytes=2500)
    keys = [f"{number:064x}" for number in range(4)]
    for index, key in enumerate(keys[:2]):
        store.put(key, bytes(1000))
        os.utime(tmp_path / f"{key}.pdf", (time.time() - 100 + index, time.time() - 100 + index))
    assert store.get(keys[0]) is not None  # used: now the most recent
    store.put(keys[2], bytes(1000))  # 3000 bytes: the least recently used (keys[1]) goes
    assert store.get(keys[1]) is None
    assert store.get(keys[0]) is not None and store.get(keys[2]) is not None
    assert sum(path.stat().st_size for path in tmp_path.glob("*.pdf")) <= 2500


def test_the_store_forgets_old_reports(tmp_path):
    store = cache.ReportCache(tmp_path, max_age_days=1)
    key = "b" * 64
    store.put(key, b"old")
    old = time.time() - 2 * 86400
    os.utime(tmp_path / f"{key}.pdf", (old, old))
    assert store.get(key) is None
    store.put("c" * 64, b"new")
    assert not (tmp_path / f"{key}.pdf").exists()


def test_a_full_disk_does_not_stop_the_download(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    cache.ReportCache(blocker).put("d" * 64, b"pdf")  # logs, does not raise


# -- Which groups get charts ------------------------------------------------------------------------------------


def group(group_id: str, shown: bool = True) -> GroupBenchmark:
    return GroupBenchmark(GroupDecision(group_id, group_id.title(), frozenset({1, 2, 3, 4, 5}), shown))


def choose_groups(groups, chosen):  # type: ignore[no-untyped-def]
    """The groups whose charts the report holds: AssessmentResults.groups, which the results page shares."""
    results = AssessmentResults(None, None, "", None, {}, None, groups, 5)  # type: ignore[arg-type]
    return results.groups(chosen)


def test_the_chosen_group_as_on_the_results_page_or_all():
    groups = [group("national"), group("region", shown=False), group("category")]
    assert [item.decision.group_id for item in choose_groups(groups, None)] == ["national"]
    assert [item.decision.group_id for item in choose_groups(groups, "category")] == ["category"]
    assert [item.decision.group_id for item in choose_groups(groups, "region")] == ["national"]  # hidden
    assert [item.decision.group_id for item in choose_groups(groups, "nonsense")] == ["national"]
    assert [item.decision.group_id for item in choose_groups(groups, ALL_GROUPS)] == ["national", "category"]
    assert choose_groups([group("region", shown=False)], None) == []


# -- The render process ---------------------------------------------------------------------------------------


LONG_HTML = "<!DOCTYPE html><html lang='en'><title>long</title><body>" + "<p>Slow text to lay out.</p>" * 40000


def test_a_render_past_its_limit_is_killed_and_the_next_one_gets_a_new_process():
    worker = pdf.RenderWorker()
    try:
        worker.wait_ready()
        process = worker.process
        assert process is not None
        started = time.monotonic()
        with pytest.raises(pdf.RenderTimeout):
            worker.render(LONG_HTML, timeout=0.3)
        assert time.monotonic() - started < 10
        assert process.poll() is not None  # killed, not left running
        assert worker.killed == 1 and worker.process is None
        rendered = worker.render("<html lang='en'><title>ok</title><p>Fine</p></html>", timeout=60)
        assert rendered.pdf.startswith(b"%PDF-1.7")
        assert worker.starts == 2
    finally:
        worker.stop()
    assert worker.process is None


def test_a_weasyprint_failure_is_reported_and_the_process_carries_on():
    worker = pdf.RenderWorker()
    try:
        with pytest.raises(pdf.RenderError, match="WeasyPrint failed"):
            worker.render("<p>x</p>", timeout=60, pdf_variant="no-such-variant")
        assert worker.render("<html lang='en'><title>ok</title><p>Fine</p></html>", timeout=60).pdf
        assert worker.starts == 1
    finally:
        worker.stop()


CHART_HTML = (
    "<!DOCTYPE html><html lang='en'><title>charts</title><body>"
    "<p>Before the charts.</p><img alt='first' src='report-chart:0'><img alt='second' src='report-chart:1'>"
    "</body></html>"
)


def svg_saying(text: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
        f'<text x="10" y="20" font-family="Liberation Sans" font-size="12">{text}</text></svg>'
    )


def test_charts_are_made_while_the_render_starts_and_drawn_from_what_the_app_hands_over():
    worker = pdf.RenderWorker()
    calls: list[float] = []

    def charts(remaining: float) -> list[str]:
        calls.append(remaining)
        time.sleep(0.3)  # the render process is parsing the HTML meanwhile, then waits for these
        return [svg_saying("Chart number one"), svg_saying("Chart number two")]

    try:
        rendered = worker.render(CHART_HTML, timeout=60, charts=charts)
        assert len(calls) == 1 and 55 < calls[0] <= 60
        assert rendered.requested == ("report-chart:0", "report-chart:1") and rendered.refused == ()
        text = pdf_text(rendered.pdf)
        assert "Chart number one" in text and "Chart number two" in text
        # The next job is in step: a report without charts, then one whose HTML never asks for its charts.
        assert worker.render("<html lang='en'><title>ok</title><p>Fine</p></html>", timeout=60).refused == ()
        plain = worker.render("<html lang='en'><title>ok</title><p>None</p></html>", timeout=60, charts=charts)
        assert plain.requested == () and "None" in pdf_text(plain.pdf)
        assert "Fine" in pdf_text(worker.render("<html lang='en'><title>ok</title><p>Fine</p></html>", timeout=60).pdf)
        assert worker.starts == 1 and worker.killed == 0
    finally:
        worker.stop()


def test_charts_that_cannot_be_made_stop_the_render_and_the_next_report_gets_a_new_process():
    worker = pdf.RenderWorker()

    def broken(remaining: float) -> list[str]:
        raise RuntimeError("Chromium went away")

    try:
        worker.wait_ready()
        process = worker.process
        assert process is not None
        with pytest.raises(RuntimeError, match="Chromium went away"):
            worker.render(CHART_HTML, timeout=60, charts=broken)
        assert process.poll() is not None and worker.killed == 1  # not left waiting for charts
        again = worker.render(CHART_HTML, timeout=60, charts=lambda remaining: [svg_saying("A"), svg_saying("B")])
        assert again.refused == () and worker.starts == 2
    finally:
        worker.stop()


def test_charts_larger_than_a_pipe_still_leave_the_time_limit_in_charge():
    """The charts (here 2 MB) are handed over while WeasyPrint is still busy before its first image; a render
    past its limit is killed on time even though the app's send of the charts has not finished."""
    worker = pdf.RenderWorker()
    big = svg_saying("Big").replace("</svg>", "<!--" + "x" * 2_000_000 + "--></svg>")
    slow = CHART_HTML.replace("<p>Before the charts.</p>", "<p>Slow text to lay out.</p>" * 40000)
    try:
        worker.wait_ready()
        process = worker.process
        started = time.monotonic()
        with pytest.raises(pdf.RenderTimeout):
            worker.render(slow, timeout=0.5, charts=lambda remaining: [big, big])
        # Killed, not finished: the kill is what proves the limit is in charge. The bound on the time only
        # catches a wait for the whole render (many seconds); it is generous for a loaded 2-core machine.
        assert process is not None and process.poll() is not None and worker.killed == 1
        assert time.monotonic() - started < 10
        again = worker.render(CHART_HTML, timeout=60, charts=lambda remaining: [big, svg_saying("Small")])
        assert again.refused == () and "Small" in pdf_text(again.pdf)
    finally:
        worker.stop()


def test_chart_urls_are_served_only_from_the_charts_handed_over():
    handed = {0: svg_saying("mine")}
    fetcher = StaticOnlyFetcher(STATIC_FOLDER, charts=lambda index: handed[index])
    response = fetcher.fetch("report-chart:0")
    assert response.headers["Content-Type"] == "image/svg+xml"
    for url in ("report-chart:", "report-chart:x", "report-chart:-1", "report-chart:０"):
        with pytest.raises(URLRefused):
            fetcher.fetch(url)
    with pytest.raises(URLRefused):  # a fetcher for a report without charts serves none
        StaticOnlyFetcher(STATIC_FOLDER).fetch("report-chart:0")


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# -- The print stylesheet -----------------------------------------------------------------------------------


def test_long_tables_repeat_their_headers_and_never_split_a_row():
    import io

    from pypdf import PdfReader

    from assess.reports.build import TEMPLATES

    css = (TEMPLATES / "report.css").read_text()
    rows = "".join(
        f"<tr><td>Start{number} {'words that wrap onto more lines in this narrow column ' * 3}End{number}</td>"
        f"<td>Answer {number}</td><td>Reason {number}</td></tr>"
        for number in range(60)
    )
    html = (
        f"<!DOCTYPE html><html lang='en-GB'><head><title>Table</title><style>{css}</style></head><body>"
        "<table class='data working'><caption>Long table</caption><thead><tr><th scope='col'>Headone</th>"
        f"<th scope='col'>Headtwo</th><th scope='col'>Headthree</th></tr></thead><tbody>{rows}</tbody></table>"
        "</body></html>"
    )
    reader = PdfReader(io.BytesIO(pdf.render_in_this_process(html).pdf))
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) >= 3
    for text in texts:
        assert "Headone" in text and "Headtwo" in text and "Headthree" in text
        assert "Page " in text  # the footer: "Page N of M"
    for number in range(60):
        pages = [index for index, text in enumerate(texts) if f"Start{number} " in text]
        assert len(pages) == 1 and f"End{number}" in texts[pages[0]], number
    assert f"Page 1 of {len(texts)}" in texts[0]


# -- Pre-warming ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("prewarm", [True, False])
def test_prewarm_adds_a_first_request_hook_only_when_asked(prewarm):
    from flask import Flask

    from assess.reports.routes import bp

    app = Flask(__name__)
    app.config["REPORT_PREWARM"] = prewarm
    app.register_blueprint(bp)
    hooks = [hook.__name__ for hook in app.before_request_funcs.get(None, [])]
    assert ("start_report_helpers" in hooks) is prewarm


def test_the_shared_benchmark_words_are_part_of_the_report_fingerprint(tmp_path, monkeypatch):
    """report.html imports macros/benchmarks.html: editing it must give new cache keys (a new report)."""
    from assess.reports import build

    assert all(path.is_file() for path in build.SHARED_TEMPLATES)
    assert "macros/benchmarks.html" in (build.TEMPLATES / "report.html").read_text()
    copy = tmp_path / "benchmarks.html"
    copy.write_text("{% macro overall_position(overall) %}one{% endmacro %}")
    monkeypatch.setattr(build, "SHARED_TEMPLATES", (copy,))
    before = build.template_fingerprint()
    copy.write_text("{% macro overall_position(overall) %}two{% endmacro %}")
    assert build.template_fingerprint() != before
