"""The PDF report's layout for a board (issue 13, item 5), on the demo data a fresh `make run` has: the demo
governor's prison HMP Fellwater (two years, an inspector's review in progress) among the national demo sites.

- page one is the summary: the overall level and score, the change since last year, every area's score against
  the peer median and the target level (a strip chart in each row of the table of its figures), the strongest
  areas and those with most to gain with their next step, and nothing else;
- the default report is at most 12 pages; the answers and evidence are in the appendix, not the body; the body
  has no jargon (function names, hash names, "Report layout"); the content hash is only in "About this report";
- a target set after the report was made gives a new report (targets are not part of the assessment);
- an unknown or hidden `group` in the address is a clear page, never another group's report.

Pure parts (the first page's choice of areas, the strips) are tested here too, without the app.
"""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader

from assess.charts import summary as summary_chart
from assess.pdf import render as pdf
from assess.pdf import svg
from assess.reports import build
from assess.reports.routes import bp as reports_bp
from assess.scoring import DomainResult
from tests.conftest import build_app
from tests.databases import fresh_database
from tests.integration.helpers import IsolatedClient, h1, main, page, text_of

SEEDED_ON = date(2026, 5, 1)  # the demo's years end with 2025-26, whatever day the tests run
MAX_PAGES = 12
JARGON = ("percentile_cont", "SHA-256", "sha256", "Report layout", "QUARTILE.INC")


# -- The demo data, once for the module ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from assess.demo import DEFAULT_DEMO_PASSWORD, seed_demo
    from assess.demo.national import seed_national
    from assess.extensions import db
    from assess.services.questionnaires import latest

    with fresh_database(tmp_path_factory.mktemp("report-layout-db"), "layout") as url:
        application = build_app(
            url,
            WTF_CSRF_ENABLED=False,
            REPORT_TIME_LIMIT=180,
            REPORT_CACHE_DIR=str(tmp_path_factory.mktemp("report-layout-cache")),
        )
        if "reports" not in application.blueprints:
            application.register_blueprint(reports_bp)
        application.test_client_class = IsolatedClient
        with application.app_context():
            seed_demo(latest(), DEFAULT_DEMO_PASSWORD, SEEDED_ON)
            seed_national(latest(), SEEDED_ON, sites=230, periods=2, seed=2026)
            db.session.commit()
            db.session.remove()
        application.config["DEMO_PASSWORD"] = DEFAULT_DEMO_PASSWORD
        yield application
        svg.exporter().stop()
        pdf.worker().stop()
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


def governor_client(app: Flask) -> IsolatedClient:
    client = IsolatedClient(app, app.response_class, use_cookies=True)
    response = client.post("/sign-in", data={"email": "governor@example.org", "password": app.config["DEMO_PASSWORD"]})
    assert response.status_code == 302, "the demo governor could not sign in"
    return client


def fellwater(app: Flask) -> dict[str, Any]:
    """The id of HMP Fellwater's latest submitted assessment, and what the report should print of it."""
    from sqlalchemy import select

    from assess.extensions import db
    from assess.models import Assessment, Site

    with app.app_context():
        site = db.session.scalar(select(Site).where(Site.code == "DEMO-FWR"))
        assert site is not None
        assessment = db.session.scalars(
            select(Assessment)
            .where(Assessment.site_id == site.id, Assessment.status == "submitted")
            .order_by(Assessment.period.desc(), Assessment.submitted_at.desc(), Assessment.id.desc())
        ).first()
        assert assessment is not None
        found = {
            "id": assessment.id,
            "site_id": site.id,
            "name": site.name,
            "period": assessment.period,
            "questionnaire": assessment.questionnaire_id,
            "evidence": {key: value for key, value in assessment.evidence_map().items() if value},
        }
        db.session.remove()
    return found


def set_targets(app: Flask, targets: dict[str, int | None]) -> None:
    from sqlalchemy import select

    from assess.data.targets import get_targets, save_targets
    from assess.extensions import db
    from assess.models import Site, User

    with app.app_context():
        site = db.session.scalar(select(Site).where(Site.code == "DEMO-FWR"))
        user = db.session.scalar(select(User).where(User.email == "governor@example.org"))
        assert site is not None and user is not None
        seen = {key: (item.version, item.level) for key, item in get_targets(site.id, "sui-maturity").items()}
        save_targets(site, "sui-maturity", targets, seen, user)
        db.session.commit()
        db.session.remove()


def download(client: IsolatedClient, assessment_id: int, query: str = "") -> Any:
    response = client.get(f"/assessments/{assessment_id}/report.pdf{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "application/pdf"
    return response


def squash(text: str) -> str:
    return re.sub(r"-\s+", "-", re.sub(r"\s+", " ", text)).strip()


def page_texts(data: bytes) -> list[str]:
    """Each page's text as poppler reads it (pdftotext -f N -l N), white space collapsed."""
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: install poppler-utils")
    count = len(PdfReader(io.BytesIO(data)).pages)
    texts = []
    for number in range(1, count + 1):
        result = subprocess.run(
            [tool, "-enc", "UTF-8", "-f", str(number), "-l", str(number), "-", "-"],
            input=data,
            capture_output=True,
            check=True,
        )
        texts.append(squash(result.stdout.decode()))
    return texts


def loaded(app: Flask) -> Any:
    from assess.services.questionnaires import latest

    with app.app_context():
        return latest()


# -- Page one, the page count, the appendix and the words --------------------------------------------------------


@pytest.fixture(scope="module")
def with_targets(demo_app: Flask) -> dict[str, int]:
    targets = {"leadership": 3, "voice": 2, "outcomes": 2, "influence": 2, "resources": 4}
    set_targets(demo_app, dict(targets))
    return targets


@pytest.fixture(scope="module")
def report(demo_app: Flask, with_targets: dict[str, int]) -> dict[str, Any]:
    site = fellwater(demo_app)
    data = download(governor_client(demo_app), site["id"]).get_data()
    questionnaire = loaded(demo_app)
    return {
        "site": site,
        "data": data,
        "pages": page_texts(data),
        "targets": with_targets,
        "definition": questionnaire.definition,
        "content_hash": questionnaire.content_hash,
    }


def test_the_default_demo_report_is_at_most_twelve_pages(report):
    pages = report["pages"]
    assert 2 <= len(pages) <= MAX_PAGES, len(pages)


def test_page_one_is_the_summary_a_board_reads(demo_app, report):
    first = report["pages"][0]
    site = report["site"]
    assert "Service user involvement results" in first
    assert f"{site['name']}, {site['period']}" in first
    assert re.search(r"Overall level: \d – \w+", first), first[:400]
    assert re.search(r"score \d\.\d out of 5", first)
    # The change since last year: Fellwater submitted 2024-25 too.
    assert "Since 2024-25:" in first
    assert "Change since 2024-25" in first
    # Every area in the table, with the peer median and the target level.
    for domain in report["definition"].domains:
        assert squash(domain.title) in first, domain.title
    assert "Peer median" in first and "Target level" in first
    assert "Peer median: All prisons" in first
    # Three strongest areas, three with most to gain, each with its next step.
    assert "Strongest areas" in first and "Most to gain" in first
    assert first.count("Next step:") == 6, first
    # The areas with most to gain come first from those furthest below their target (leadership: level 0,
    # target 3), and the strongest are not among them.
    gain = first[first.index("Most to gain") :]
    assert re.search(r"Leadership, strategy and culture: \d – [\w -]+, \d levels? below the target", gain), gain
    # Nothing of page two is on page one: the summary fits on its page.
    assert "How your overall score has changed" not in first
    assert report["pages"][1].startswith(f"{site['name']}, {site['period']} Service user involvement results How your")


DEMO_SITES = ("DEMO-FWR", "DEMO-ASH", "DEMO-ORW", "DEMO-BRY", "DEMO-KNG", "DEMO-PDU-GW", "DEMO-PDU-LM", "DEMO-PDU-TV")


def test_every_demo_sites_report_is_at_most_twelve_pages_with_the_summary_alone_on_page_one(demo_app, with_targets):
    """Each demo site's latest report (answers, evidence, reviews and peer groups differ), as the route makes it."""
    from sqlalchemy import select

    from assess.extensions import db
    from assess.models import Assessment, Site

    counts = {}
    with demo_app.test_request_context():
        for code in DEMO_SITES:
            site = db.session.scalar(select(Site).where(Site.code == code))
            assessment = db.session.scalars(
                select(Assessment)
                .where(Assessment.site_id == site.id, Assessment.status == "submitted")
                .order_by(Assessment.period.desc(), Assessment.id.desc())
            ).first()
            rendered = build.make_pdf(build.gather(assessment))
            pages = page_texts(rendered.pdf)
            counts[code] = len(pages)
            assert "Strongest areas" in pages[0] and "Most to gain" in pages[0], code
            assert "How your overall score has changed" not in pages[0], code
            assert pages[1].startswith(f"{site.name}, {assessment.period} Service user involvement results How your"), (
                code,
                pages[1][:200],
            )
        db.session.remove()
    assert all(count <= MAX_PAGES for count in counts.values()), counts


def test_page_one_has_a_strip_chart_per_row_with_the_rows_figures(report):
    """The strips are images with a text alternative giving their row's numbers (tagged figures of the PDF)."""
    from tests.integration.test_pdf import figure_alternatives

    reader = PdfReader(io.BytesIO(report["data"]))
    alternatives = figure_alternatives(reader)
    name = report["site"]["name"]
    strips = [text for text in alternatives if "(on a scale from 0 to 5)" in text]
    assert len(strips) == 1 + len(report["definition"].domains), alternatives[:20]
    assert strips[0].startswith(f"Overall: {name} ")
    leadership = next(text for text in strips if text.startswith("Leadership, strategy and culture:"))
    assert "target level 3" in leadership and "peer median" in leadership


def test_answers_and_evidence_are_in_the_appendix_not_the_body(report):
    text = " ".join(report["pages"])
    appendix = text.index("Appendix A: answers and evidence")
    method = text.index("Appendix B: how this report was worked out")
    evidence = report["site"]["evidence"]
    assert evidence, "the demo prison gave evidence"
    for item in list(evidence.values())[:8]:
        words = squash(item)[:60]
        found = text.find(words, appendix)
        assert appendix < found < method, (words, found)
        assert text.find(words) >= appendix, f"evidence in the body before the appendix: {words!r}"


def test_no_jargon_in_the_report_and_the_hash_only_in_about_this_report(report):
    text = " ".join(report["pages"])
    for word in JARGON:
        assert word not in text, word
    compact = text.replace(" ", "")
    content_hash = report["content_hash"]
    assert compact.count(content_hash) == 1
    assert compact.index(content_hash) > compact.index("Aboutthisreport")
    assert "The report with the charts for every group" not in text  # no longer promised


def test_the_peer_groups_say_which_year_they_come_from(report):
    text = " ".join(report["pages"])
    assert "Peer groups shown: the overall score in each" in text
    assert "Year compared 2025-26" in text


# -- The cache key: targets -------------------------------------------------------------------------------------------


def test_a_new_target_makes_a_new_report(demo_app, report):
    client = governor_client(demo_app)
    site = report["site"]
    before = download(client, site["id"])
    assert download(client, site["id"]).headers["X-Report-Cache"] == "hit"
    set_targets(demo_app, {"welfare": 4})
    try:
        after = download(client, site["id"])
        assert after.headers["X-Report-Cache"] == "miss"
        assert after.headers["ETag"] != before.headers["ETag"]
        first = page_texts(after.get_data())[0]
        assert re.search(r"Welfare, safeguarding and boundaries .*? 4 ", first), first
    finally:
        set_targets(demo_app, {"welfare": None})


# -- A group the address asks for that the report cannot show ----------------------------------------------------------


def test_an_unknown_group_gets_a_clear_page_not_another_groups_report(demo_app, report):
    client = governor_client(demo_app)
    site = report["site"]
    response = client.get(f"/assessments/{site['id']}/report.pdf?group=no-such-group")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    soup = page(response)
    assert h1(soup) == "There is no report for that peer group"
    body = text_of(main(soup))
    assert "‘no-such-group’" in body and "there is no such group" in body
    links = [link["href"] for link in main(soup).find_all("a")]
    assert f"/assessments/{site['id']}/report.pdf?group=national" in links


def test_every_group_and_no_group_are_reports(demo_app, report):
    client = governor_client(demo_app)
    assert client.get(f"/assessments/{report['site']['id']}/report.pdf?group=").status_code == 200


# -- Pure parts ------------------------------------------------------------------------------------------------------


def area(domain_id: str, score: str | None, level: int | None) -> DomainResult:
    return DomainResult(
        domain_id=domain_id,
        title=domain_id.title(),
        score=None if score is None else Decimal(score),
        level=level,
        weight=Fraction(1),
        exact=None,
        contributions=(),
        steps=(),
    )


def test_most_to_gain_is_furthest_below_target_then_lowest_without_one_and_strongest_never_repeats():
    areas = [
        area("a", "4.0", 4),
        area("b", "1.0", 1),
        area("c", "2.5", 2),
        area("d", "0.5", 0),
        area("e", "3.0", 3),
        area("f", None, None),
        area("g", "4.5", 4),
    ]
    targets = {"c": 5, "e": 4, "a": 4}  # c: 3 below; e: 1 below; a: reached
    gain = build.most_to_gain(areas, targets)
    assert [item.domain_id for item in gain] == ["c", "e", "d"]
    strongest = build.strongest(areas, exclude=gain)
    assert [item.domain_id for item in strongest] == ["g", "a", "b"]


def test_when_every_area_scores_the_same_none_is_strongest_or_most_to_gain_without_targets():
    areas = [area(name, "2.0", 2) for name in "abcd"]
    assert build.most_to_gain(areas, {}) == []
    assert build.strongest(areas, exclude=[]) == []
    assert [item.domain_id for item in build.most_to_gain(areas, {"b": 3})] == ["b"]


def test_first_sentence_of_next_steps():
    assert build.first_sentence("Name a leader, e.g. a deputy.  Hold a discussion. Agree aims.") == (
        "Name a leader, e.g. a deputy."
    )
    assert build.first_sentence("One sentence only") == "One sentence only"


def svg_of(strip: summary_chart.Strip) -> str:
    assert strip.image.startswith("data:image/svg+xml;base64,")
    return base64.b64decode(strip.image.split(",", 1)[1]).decode()


def test_a_strip_draws_exactly_its_rows_numbers():
    row = summary_chart.StripRow("Voice structures", Decimal("1.3"), Fraction(3), 2)
    strip = summary_chart.strip(row, subject="HMP Alpha", low=0, high=5)
    assert strip.alt == ("Voice structures: HMP Alpha 1.3; peer median 3.0; target level 2 (on a scale from 0 to 5).")
    drawn = svg_of(strip)
    assert drawn.count("<circle") == 1 and drawn.count("<polygon") == 1
    assert drawn.count("<line") == 6  # a line at each level, 0 to 5
    # Without a median or a target: only the score.
    bare = summary_chart.strip(summary_chart.StripRow("Outcomes", Decimal("0.0")), subject="HMP Alpha", low=0, high=5)
    assert bare.alt == "Outcomes: HMP Alpha 0.0 (on a scale from 0 to 5)."
    assert "<polygon" not in svg_of(bare) and "<rect" not in svg_of(bare)
    # Placed where the number says: 0 at the first grid line, 5 at the last.
    low = svg_of(summary_chart.strip(summary_chart.StripRow("x", Decimal("0")), subject="s", low=0, high=5))
    high = svg_of(summary_chart.strip(summary_chart.StripRow("x", Decimal("5")), subject="s", low=0, high=5))
    first_line = re.findall(r'<line x1="([\d.]+)"', low)
    assert f'cx="{first_line[0]}"' in low and f'cx="{first_line[-1]}"' in high


def test_user_text_never_enters_a_strip():
    strip = summary_chart.strip(
        summary_chart.StripRow("<script>alert(1)</script>", Decimal("1")), subject="<b>x</b>", low=0, high=5
    )
    assert "<script" not in svg_of(strip) and "<b>" not in svg_of(strip)
