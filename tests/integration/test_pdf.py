"""The PDF report of a submitted assessment (issue 6): what it holds, who may download it, that user text
stays text and nothing is fetched, the time limit, and the cache.

Making a report starts Debian's Chromium (for the charts) and a WeasyPrint process once for this module;
they are stopped at the end. The app is this module's own (fresh database, same migrations) so that the
`reports` blueprint can be registered on it before its first request, whether or not create_app does
so already.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from pypdf import PdfReader

from assess.pdf import render as pdf
from assess.pdf import svg
from assess.reports import build
from assess.reports.routes import bp as reports_bp
from tests.conftest import Factory, build_app, nothing_connected, sign_in
from tests.databases import fresh_database
from tests.integration.helpers import IsolatedClient, h1, location, main, page, text_of

PERIOD = "2025-26"
A4 = (595.28, 841.89)  # points
MALICIOUS = (
    '<img src="http://127.0.0.1:9/x">',
    '<link rel="stylesheet" href="file:///etc/passwd">',
    "<style>body { background: url(http://127.0.0.1:9/style.png) }</style>",
    "@import url(http://127.0.0.1:9/import.css);",
)


# -- The app, with the blueprint registered before any request ------------------------------------------


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Overrides the session app for this module (conftest's fixtures then use this one)."""
    with fresh_database(tmp_path_factory.mktemp("pdf-db"), "pdf") as url:
        application = build_app(url, WTF_CSRF_ENABLED=False, REPORT_TIME_LIMIT=180)
        if "reports" not in application.blueprints:  # until create_app registers it
            application.register_blueprint(reports_bp)
        application.test_client_class = IsolatedClient
        yield application
        svg.exporter().stop()
        pdf.worker().stop()
        with application.app_context():
            from assess.extensions import db

            db.session.remove()
            db.engine.dispose()


@pytest.fixture(autouse=True)
def own_cache(app_ctx: Flask, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app_ctx.config, "REPORT_CACHE_DIR", str(tmp_path / "report-cache"))


def new_client(app: Flask) -> IsolatedClient:
    return IsolatedClient(app, app.response_class, use_cookies=True)


# -- Data: a site with an assessment and enough peers for benchmarks ---------------------------------------


def submit(
    make: Factory, site: Any, user: Any, choices: dict[str, str], evidence: dict[str, str], period: str = PERIOD
) -> Any:
    from assess.data.assessments import save_answers, submit_assessment
    from assess.extensions import db
    from assess.scoring import score_assessment

    assessment = make.draft(site, user, period)
    save_answers(assessment, choices, evidence, user)
    submit_assessment(assessment, user, lambda answers: score_assessment(make.questionnaire().definition, answers))
    db.session.commit()
    return assessment


def varied_answers(make: Factory, shift: int = 0) -> dict[str, str]:
    """Different levels in different areas, so the strongest and weakest areas differ."""
    definition = make.questionnaire().definition
    choices = {}
    for index, domain in enumerate(definition.domains):
        for number, question in enumerate(domain.questions):
            levels = sorted(option.level for option in question.options)
            choices[question.id] = str(levels[(index + number + shift) % len(levels)])
    return choices


def add_peers(make: Factory, count: int, category: str | None = None, shift: int = 1) -> list[Any]:
    sites = [make.site(category=category) for _ in range(count)]
    submitter = make.user("governor", sites=tuple(sites))
    for number, site in enumerate(sites):
        submit(make, site, submitter, varied_answers(make, shift + number), {})
    return sites


@pytest.fixture()
def alpha(make: Factory) -> Any:
    return make.site(code="GOV-A", name="HMP Alpha", category="Category C")


@pytest.fixture()
def ada(make: Factory, alpha: Any) -> Any:
    return make.user("governor", sites=(alpha,), email="ada@example.org", name="Ada Governor")


@pytest.fixture()
def ada_client(app_ctx: Flask, ada: Any) -> IsolatedClient:
    return sign_in(new_client(app_ctx), ada)  # type: ignore[return-value]


@pytest.fixture()
def peers(make: Factory) -> list[Any]:
    """Six other North West prisons (national and region groups shown, identical members), two of them
    Category C like Alpha (so the category group is hidden: too few)."""
    return add_peers(make, 4) + add_peers(make, 2, category="Category C", shift=5)


def first_question_ids(make: Factory, count: int) -> list[str]:
    definition = make.questionnaire().definition
    return [domain.questions[0].id for domain in definition.domains[:count]]


@pytest.fixture()
def assessment(make: Factory, alpha: Any, ada: Any, peers: list[Any]) -> Any:
    evidence = dict(zip(first_question_ids(make, 2), ["Minutes of the council, March.", "Budget line 4."], strict=True))
    return submit(make, alpha, ada, varied_answers(make), evidence)


# -- Reading a PDF --------------------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(page.extract_text() or "" for page in reader.pages)


def squash(text: str) -> str:
    """White space collapsed, and none after a hyphen (a line may break after 'lived-')."""
    return re.sub(r"-\s+", "-", re.sub(r"\s+", " ", text)).strip()


def outline_titles(reader: PdfReader) -> list[str]:
    titles: list[str] = []

    def walk(items: Any) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def figure_alternatives(reader: PdfReader) -> list[str]:
    """The /Alt text of every Figure in the PDF's structure tree (tagged PDF), in document order."""
    found: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if hasattr(node, "keys"):
            if node.get("/S") == "/Figure":
                found.append(str(node.get("/Alt", "")))
            kids = node.get("/K")
            if kids is not None:
                walk(kids)
        elif isinstance(node, list):
            for kid in node:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def pdftotext(data: bytes) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: install poppler-utils")
    result = subprocess.run([tool, "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode()


def download(client: IsolatedClient, assessment_id: int, query: str = "") -> Any:
    response = client.get(f"/assessments/{assessment_id}/report.pdf{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "application/pdf"
    return response


# -- What the report holds -------------------------------------------------------------------------------------


def test_report_holds_the_results_benchmarks_and_method_and_is_accessible(ada_client, assessment, make):
    response = download(ada_client, assessment.id)
    data = response.get_data()
    assert data.startswith(b"%PDF-1.7")
    assert "attachment" in response.headers["Content-Disposition"]
    assert "GOV-A-2025-26" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(data))
    definition = make.questionnaire().definition

    # A4, every page.
    for each in reader.pages:
        width, height = float(each.mediabox.width), float(each.mediabox.height)
        assert (round(width, 1), round(height, 1)) == (round(A4[0], 1), round(A4[1], 1))

    # Metadata: title, author, language; tagged (PDF/UA-1).
    assert reader.metadata is not None
    assert reader.metadata.title == "Service user involvement results: HMP Alpha, 2025-26"
    assert reader.metadata.author == "HMP Alpha"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert root["/MarkInfo"]["/Marked"] in (True, "true")
    assert "/StructTreeRoot" in root
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] in (True, "true")
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in xmp and b"1" in xmp
    # Each chart is a tagged Figure whose text alternative says what it shows and points to its table; each
    # strip of the first page's chart gives its row's numbers.
    alternatives = figure_alternatives(reader)
    charts = [text for text in alternatives if text.endswith("The same numbers are in the table below.")]
    strips = [text for text in alternatives if text.endswith("(on a scale from 0 to 5).")]
    assert len(charts) >= 2, alternatives
    assert any(text.startswith("How many peers are at each level.") for text in charts), charts
    assert len(strips) == 1 + len(definition.domains), strips

    # A bookmark for each section and each area.
    titles = outline_titles(reader)
    for heading in (
        "Service user involvement results",
        "Each area against the peer median and the target level",
        "Strongest areas",
        "Most to gain",
        "About this assessment",
        "Each area in detail",
        "How you compare with similar sites",
        "Appendix A: answers and evidence",
        "Appendix B: how this report was worked out",
    ):
        assert heading in titles
    for domain in definition.domains:
        assert domain.title in titles
    assert "Compared with: All prisons" in titles

    # Text: the site, the period, every area with its level, the benchmarks and the method.
    text = squash(pdf_text(data))
    assert "HMP Alpha" in text and "2025-26" in text and "1 April 2025 to 31 March 2026" in text
    assert "submitted by Ada Governor" in text
    assert f"{definition.title} ({definition.id}, version {definition.version})" in text
    from assess.services.questionnaires import registry

    assert registry().loaded(definition.id, definition.version).content_hash in text.replace(" ", "")
    for domain in definition.domains:
        assert domain.title in text
    assert "Strongest areas" in text and "Most to gain" in text
    assert "Minutes of the council, March." in text
    assert text.index("Minutes of the council, March.") > text.index("Appendix A: answers and evidence")
    assert "Compared with: All prisons" in text
    # A hidden group, with its own reason; the rule behind every hidden group is said once.
    assert "Prisons in the same category (Category C)" in text
    assert "Only 2 other sites in this group submitted an assessment for 2025-26." in text
    assert text.count("Figures are shown only for groups of at least 5 other sites") == 1
    assert "Only groups of at least 5 other sites are shown." in text
    for jargon in ("percentile_cont", "SHA-256", "Report layout"):
        assert jargon not in text
    assert re.search(r"Page 1 of \d+", text)

    # pdftotext (poppler) reads it too: the running header, the areas and a chart table's caption.
    poppler = squash(pdftotext(data))
    assert "HMP Alpha, 2025-26" in poppler
    for domain in definition.domains:
        assert domain.title in poppler
    assert "How many peers are at each level: All prisons" in poppler


def test_report_shows_the_overall_trend_up_to_its_own_year(ada_client, make, alpha, ada, assessment):
    """Four charts by default: the chosen group's three and the site's own overall trend (the years up to the
    report's, with this assessment's own score for its year; a later year is not in it)."""
    from assess.data.benchmarks import get_site_scores

    earlier = make.submitted(alpha, ada, period="2024-25", choice="1")
    submit(make, alpha, ada, varied_answers(make, 3), {}, period="2026-27")
    scores = {item.period: get_site_scores(item.id).overall_hundredths for item in (earlier, assessment)}
    data = download(ada_client, assessment.id).get_data()
    text = squash(pdf_text(data))
    assert "How your overall score has changed" in text
    assert f"2024-25 {scores['2024-25'] / 100:.1f}" in text
    assert f"2025-26 {scores['2025-26'] / 100:.1f}" in text
    assert "2026-27" not in text, "a later year is in an earlier year's report"
    titles = outline_titles(PdfReader(io.BytesIO(data)))
    assert "How your overall score has changed" in titles
    charts = ["Overall score of HMP Alpha by year", "Score of HMP Alpha and the middle half of peers in each area"]
    assert all(title in titles for title in charts), titles
    assert len(data) > 0


def test_a_first_assessment_says_there_is_no_trend_yet(ada_client, assessment):
    text = squash(pdf_text(download(ada_client, assessment.id).get_data()))
    assert "How your overall score has changed" in text
    assert "there is no change to show yet" in text
    assert "Overall score of HMP Alpha by year" not in text


def results_tables(soup: BeautifulSoup) -> dict[str, list[list[str]]]:
    """Every table on the results page: caption -> rows of cell text (header row left out)."""
    tables = {}
    for table in main(soup).find_all("table"):
        caption = text_of(table.find("caption"))
        rows = [[text_of(cell) for cell in row.find_all(["th", "td"])] for row in table.find("tbody").find_all("tr")]
        tables[caption] = rows
    return tables


@pytest.mark.parametrize("group", [None, "region"])
def test_report_numbers_are_the_results_page_numbers(ada_client, assessment, group):
    query = "" if group is None else f"?group={group}"
    web = page(ada_client.get(f"/assessments/{assessment.id}/results{query}"))
    tables = results_tables(web)
    text = squash(pdf_text(download(ada_client, assessment.id, query).get_data()))

    # Overall, and each area's score and level, as the results page shows them.
    overall = text_of(web.select_one(".govuk-inset-text"))
    level, score = overall.split("Overall score")
    assert squash(level) in text
    assert f"score{score}" in text  # "Overall level: 2 – Consultation, score 2.8 out of 5"
    areas = tables["Your level in each area"]
    assert len(areas) == 12
    for area, score, level, *_ in areas:
        assert squash(f"{area} {score} {level}") in text, (area, score, level)
        assert squash(f"Level: {level}, score {score}") in text

    # Each chart's table, row by row, for the group the page shows (the report prints the range and level
    # charts: the radar's numbers are the first page's and the range chart's).
    expected_group = "All prisons" if group is None else "Prisons in North West"
    chart_tables = {caption: rows for caption, rows in tables.items() if expected_group in caption}
    printed = {caption: rows for caption, rows in chart_tables.items() if not caption.startswith("Scores of")}
    assert len(printed) == 2, list(chart_tables)
    for caption, rows in printed.items():
        assert squash(caption) in text
        for row in rows:
            assert squash(" ".join(row)) in text, (caption, row)


def test_every_group_with_group_all(ada_client, assessment):
    data = download(ada_client, assessment.id, "?group=all").get_data()
    text = squash(pdf_text(data))
    assert "Compared with: All prisons" in text and "Compared with: Prisons in North West" in text
    titles = outline_titles(PdfReader(io.BytesIO(data)))
    assert titles.count("How many peers are at each level") == 2


# -- Who may download it ------------------------------------------------------------------------------------


def test_a_governor_of_another_site_gets_404(app_ctx, make, assessment):
    other = make.user("governor", sites=(make.site(code="GOV-B", name="HMP Beta"),))
    client = sign_in(new_client(app_ctx), other)
    response = client.get(f"/assessments/{assessment.id}/report.pdf")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_signed_out_people_are_sent_to_sign_in(app_ctx, assessment):
    response = new_client(app_ctx).get(f"/assessments/{assessment.id}/report.pdf")
    assert response.status_code == 302
    assert location(response).startswith("/sign-in?next=")


def test_audiences_whose_policy_does_not_cover_the_site_get_not_found(audience_client, assessment):
    """The report is one route for every audience; the access policy alone decides (inspectors see no site
    until their remit arrives), and outside someone's scope the answer is 404, never 403."""
    for role in ("inspector", "commissioner"):
        assert audience_client(role).get(f"/assessments/{assessment.id}/report.pdf").status_code == 404


def test_an_administrator_may_download_any_report(audience_client, assessment):
    response = audience_client("admin").get(f"/assessments/{assessment.id}/report.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"


def test_a_draft_has_no_report_yet(ada_client, make, alpha, ada):
    draft = make.draft(alpha, ada, "2026-27")
    response = ada_client.get(f"/assessments/{draft.id}/report.pdf")
    assert response.status_code == 302
    assert location(response) == f"/assessments/{draft.id}"


def test_an_unknown_assessment_is_404(ada_client):
    assert ada_client.get("/assessments/999999/report.pdf").status_code == 404


# -- User text stays text, and nothing is fetched ----------------------------------------------------------------


@pytest.fixture()
def fetch_log(monkeypatch: pytest.MonkeyPatch) -> list[pdf.Rendered]:
    """Every render's result, with the URLs its fetcher was asked for (recorded in the render process)."""
    rendered: list[pdf.Rendered] = []
    original = build.make_pdf

    def spy(*args: Any, **kwargs: Any) -> pdf.Rendered:
        result = original(*args, **kwargs)
        rendered.append(result)
        return result

    monkeypatch.setattr(build, "make_pdf", spy)
    return rendered


def test_evidence_with_html_is_printed_as_text_and_nothing_is_fetched(
    ada_client, make, alpha, ada, peers, listener, fetch_log
):
    port = listener.getsockname()[1]
    local = (
        f'<img src="http://127.0.0.1:{port}/evidence.png">',
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/evidence.css">',
        f"<style>@import url(http://127.0.0.1:{port}/import.css); p {{ color: red }}</style>",
    )
    texts = [*MALICIOUS, *local]
    evidence = dict(zip(first_question_ids(make, len(texts)), texts, strict=True))
    assessment = submit(make, alpha, ada, varied_answers(make), evidence)

    data = download(ada_client, assessment.id).get_data()

    text = squash(pdf_text(data))
    poppler = squash(pdftotext(data))
    for item in texts:
        # In a narrow table column a long "word" breaks where it must: compare without the white space.
        assert re.sub(r"\s", "", item) in re.sub(r"\s", "", text), item
        assert re.sub(r"\s", "", item) in re.sub(r"\s", "", poppler), item
    assert nothing_connected(listener)
    assert len(fetch_log) == 1
    requested = fetch_log[0].requested
    assert requested, "the charts are fetched, as report-chart:N URLs handed over by the app"
    charts = [url for url in requested if not url.startswith("data:image/svg+xml;base64,")]  # the strips
    assert charts and all(re.fullmatch(r"report-chart:\d+", url) for url in charts), requested
    assert fetch_log[0].refused == ()


# -- The time limit --------------------------------------------------------------------------------------------


TINY_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


def quick_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(svg.SvgExporter, "wait_ready", lambda self, timeout=0: None)
    monkeypatch.setattr(svg.SvgExporter, "export", lambda self, figures, timeout, width=0: [TINY_SVG] * len(figures))


def assert_unavailable_page(response: Any) -> None:
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert response.headers["Retry-After"] == "60"
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "Error:" not in body
    soup = page(response)
    assert h1(soup) == "Sorry, your report could not be made"
    assert soup.select_one("main .govuk-grid-row") is not None  # the GOV.UK page template
    assert soup.find("a", string=re.compile("see your results")) is not None


def test_a_render_past_the_time_limit_shows_a_clear_page_and_the_render_process_is_killed(
    ada_client, assessment, monkeypatch
):
    quick_charts(monkeypatch)
    worker = pdf.worker()
    worker.wait_ready()  # started before the clock, as in production after the first report
    process = worker.process
    assert process is not None and process.poll() is None
    killed_before = worker.killed

    # A renderer that has only 0.2 seconds (a report takes seconds): the render process is killed.
    original = pdf.RenderWorker.render
    tiny = {"limit": 0.2}

    def limited(self: pdf.RenderWorker, html: str, *, timeout: float, **options: Any) -> pdf.Rendered:
        return original(self, html, timeout=tiny.get("limit", timeout), **options)

    monkeypatch.setattr(pdf.RenderWorker, "render", limited)
    started = time.monotonic()
    response = ada_client.get(f"/assessments/{assessment.id}/report.pdf")
    assert time.monotonic() - started < 15

    assert_unavailable_page(response)
    assert "took too long" in text_of(main(page(response)))
    assert worker.killed == killed_before + 1
    assert process.poll() is not None, "the render process must not be left running"
    assert worker.process is None

    # Nothing was cached, and the next report (with time to spare) starts a new render process.
    tiny.clear()
    again = download(ada_client, assessment.id)
    assert again.headers["X-Report-Cache"] == "miss"
    assert worker.process is not None and worker.process.pid != process.pid


def test_a_tiny_configured_time_limit_shows_the_same_page(app_ctx, ada_client, assessment, monkeypatch):
    quick_charts(monkeypatch)
    monkeypatch.setitem(app_ctx.config, "REPORT_TIME_LIMIT", 0.01)
    response = ada_client.get(f"/assessments/{assessment.id}/report.pdf")
    assert_unavailable_page(response)
    assert not pdf.worker().process or pdf.worker().process.poll() is None or pdf.worker().process is None


def test_charts_past_the_time_limit_show_the_same_page(ada_client, assessment, monkeypatch):
    def too_slow(self: Any, figures: Any, timeout: float, width: int = 0) -> list[str]:
        raise svg.ChartExportTimeout("charts took longer than 0.1 seconds")

    monkeypatch.setattr(svg.SvgExporter, "wait_ready", lambda self, timeout=0: None)
    monkeypatch.setattr(svg.SvgExporter, "export", too_slow)
    assert_unavailable_page(ada_client.get(f"/assessments/{assessment.id}/report.pdf"))


def test_no_chromium_shows_the_unavailable_page(ada_client, assessment, monkeypatch):
    def missing(self: Any, timeout: float = 0) -> None:
        raise svg.ChartExportError("Could not start Chromium for the charts")

    monkeypatch.setattr(svg.SvgExporter, "wait_ready", missing)
    response = ada_client.get(f"/assessments/{assessment.id}/report.pdf")
    assert_unavailable_page(response)
    assert "There is a problem making PDF reports" in text_of(main(page(response)))


# -- The cache ------------------------------------------------------------------------------------------------


def test_a_second_download_is_the_same_file_from_the_cache_and_a_new_peer_makes_a_new_report(
    ada_client, assessment, make, monkeypatch
):
    made: list[int] = []
    original = build.make_pdf

    def counting(*args: Any, **kwargs: Any) -> pdf.Rendered:
        made.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(build, "make_pdf", counting)

    first = download(ada_client, assessment.id)
    assert first.headers["X-Report-Cache"] == "miss"

    started = time.perf_counter()
    second = download(ada_client, assessment.id)
    hit_seconds = time.perf_counter() - started
    assert second.headers["X-Report-Cache"] == "hit"
    assert second.get_data() == first.get_data()
    assert second.headers["ETag"] == first.headers["ETag"]
    assert len(made) == 1
    assert hit_seconds < 3, hit_seconds  # a file read and the benchmark queries; no render

    # A seventh North West prison submits: the group's figures change, so does the report.
    add_peers(make, 1, shift=3)
    third = download(ada_client, assessment.id)
    assert third.headers["X-Report-Cache"] == "miss"
    assert third.headers["ETag"] != first.headers["ETag"]
    assert third.get_data() != first.get_data()
    assert len(made) == 2
    assert "Other sites in the group 7" in squash(pdf_text(third.get_data()))


def test_a_group_choice_is_its_own_report(ada_client, assessment):
    national = download(ada_client, assessment.id)
    region = download(ada_client, assessment.id, "?group=region")
    assert national.headers["ETag"] != region.headers["ETag"]
    assert region.headers["X-Report-Cache"] == "miss"


# -- One exporter per process ------------------------------------------------------------------------------


def test_the_chart_exporter_is_started_once_and_reused(ada_client, assessment):
    exporter = svg.exporter()
    download(ada_client, assessment.id, "?group=region")
    starts, figures = exporter.starts, exporter.figures
    download(ada_client, assessment.id, "?group=all")
    assert exporter.starts == starts
    assert exporter.figures == figures + 4  # two shown groups, two printed charts each
    assert exporter.running


def test_charts_past_their_limit_stop_chromium_and_leave_nothing_running():
    exporter = svg.SvgExporter()
    try:
        exporter.wait_ready()
        browser = exporter._kaleido
        process = browser.subprocess
        figure = {"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}], "layout": {"height": 300}}
        assert exporter.export([figure], timeout=60)[0].startswith("<svg")
        with pytest.raises(svg.ChartExportTimeout):
            exporter.export([figure] * 20, timeout=0.001)
        assert not exporter.running
        assert process.poll() is not None, "Chromium must not be left running"
        assert exporter.export([figure], timeout=60)[0].startswith("<svg")  # a new one starts
        assert exporter.starts == 2
    finally:
        exporter.stop()


def test_chromium_runs_at_a_lower_priority_than_the_app():
    """Issue 15: the Chromium that draws the report's charts takes CPU from pages only when they leave it some:
    every one of its processes (browser, zygote, the tab's renderer) runs CHROMIUM_NICENESS below the app."""
    import os

    exporter = svg.SvgExporter()
    try:
        exporter.wait_ready()
        figure = {"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}], "layout": {"height": 300}}
        assert exporter.export([figure], timeout=60)[0].startswith("<svg")
        own = os.getpriority(os.PRIO_PROCESS, 0)
        wanted = min(19, own + svg.CHROMIUM_NICENESS)
        found = svg.chromium_descendants()
        # The browser and the processes it started (Debian's `chromium` is a script that starts the browser).
        assert set(svg.chromium_descendants(exporter._kaleido.subprocess.pid)) <= set(found)
        assert len(found) >= 3, found
        assert {pid: os.getpriority(os.PRIO_PROCESS, pid) for pid in found} == dict.fromkeys(found, wanted)
    finally:
        exporter.stop()


# -- Issue 13: the year compared, change since last year, targets, a group that cannot be shown -------------------


def test_a_report_early_in_a_year_compares_with_the_latest_year_with_enough_and_says_so(
    ada_client, make, alpha, ada, peers
):
    """Alpha submits for 2026-27 before any peer has: its groups are compared with 2025-26, in plain words."""
    assessment = submit(make, alpha, ada, varied_answers(make), {}, period="2026-27")
    text = squash(pdf_text(download(ada_client, assessment.id).get_data()))
    assert (
        "Compared with 2025-26, the latest year in which at least 5 other prisons in this group submitted an "
        "assessment. Not enough had submitted for 2026-27 yet." in text
    )
    assert "Peer median: All prisons (6 other prisons), 2025-26" in text
    assert "Year compared 2025-26" in text


def test_change_since_last_year_and_targets_are_in_the_report(ada_client, make, alpha, ada, peers):
    from assess.data.targets import save_targets
    from assess.extensions import db

    make.submitted(alpha, ada, period="2024-25", choice="1")
    assessment = submit(make, alpha, ada, varied_answers(make), {})
    first_domain = make.questionnaire().definition.domains[0]
    save_targets(alpha, "sui-maturity", {first_domain.id: 5}, {}, ada)
    db.session.commit()
    data = download(ada_client, assessment.id).get_data()
    first_page = squash(PdfReader(io.BytesIO(data)).pages[0].extract_text())
    assert "Change since 2024-25" in first_page
    assert "Since 2024-25:" in first_page
    text = squash(pdf_text(data))
    assert re.search(r"Target level 5 – [\w-]+: \d levels? below the target", text), text[:3000]
    assert f"{first_domain.title}: " in first_page


@pytest.mark.parametrize("group", ["category", "nonsense"])
def test_a_group_that_is_not_shown_or_unknown_is_a_clear_page(ada_client, assessment, group):
    response = ada_client.get(f"/assessments/{assessment.id}/report.pdf?group={group}")
    assert response.status_code == 404
    soup = page(response)
    assert h1(soup) == "There is no report for that peer group"
    body = text_of(main(soup))
    if group == "category":
        assert "‘Prisons in the same category (Category C)’ is not shown" in body
    else:
        assert "there is no such group" in body
    hrefs = {link["href"] for link in main(soup).find_all("a")}
    assert f"/assessments/{assessment.id}/report.pdf?group=national" in hrefs
    assert f"/assessments/{assessment.id}/report.pdf?group=region" in hrefs


def test_a_site_with_no_peer_group_shown_gets_a_summary_without_peer_figures(app_ctx, make):
    """No peer has submitted in any year: page one still holds the areas and says why there is no median."""
    lone = make.site(code="GOV-L", name="HMP Lone")
    person = make.user("governor", sites=(lone,), email="lone@example.org")
    assessment = submit(make, lone, person, varied_answers(make), {})
    client = sign_in(new_client(app_ctx), person)
    data = download(client, assessment.id).get_data()
    reader = PdfReader(io.BytesIO(data))
    first = squash(reader.pages[0].extract_text())
    assert "No peer group can be shown for this assessment, so there is no peer median" in first
    assert "This is the first assessment HMP Lone has submitted" in first
    assert "Change since last year" in first
    assert first.count("Not shown") == 1 + len(make.questionnaire().definition.domains)  # every median cell
    assert len(reader.pages) <= 12
