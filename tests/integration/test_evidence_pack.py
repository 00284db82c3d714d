"""The evidence pack of a submitted assessment (issue 11, item 8): the PDF's text (read with poppler's
pdftotext) shows the summary first, both levels and the reason for each area, the evidence, the peer position,
the areas to investigate, the references, the queries with their replies and the history; the site's copy (a
governor's download, or an inspector asking for it) never holds an internal note, in the PDF or the CSV; who
may download it (404 outside the remit, and for a draft); the CSV's rows; a PDF that cannot be made in time
gets the "try again" page, never a 500.

The app is this module's own (fresh database, same migrations), like tests/integration/test_pdf.py, so that
the render process it starts is stopped at the end of the module.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader

from assess.pdf import render as pdf
from tests.conftest import Factory, build_app, sign_in
from tests.databases import fresh_database
from tests.integration.helpers import IsolatedClient, h1, main, page, text_of

PERIOD = "2025-26"
A4 = (595.28, 841.89)  # points
PRISONS_ENGLAND = (("prison", "England"),)
PROBATION_ENGLAND = (("probation", "England"),)

# Distinctive internal notes: none of them may ever be in the site's copy.
AREA_NOTE = "AREANOTE7731 ask the deputy governor about the minutes"
REVIEW_NOTE = "REVIEWNOTE4410 doubts about the council's independence"
REASON = "The council met twice in the year, not monthly as the answers say."
SUMMARY = "A candid self-assessment, a little generous on leadership."
QUERY_TEXT = "Please send the council's minutes for the year."
REPLY_TEXT = "We do not agree: the council met monthly."
REPLY_EVIDENCE = "Minutes of twelve meetings, shared drive folder Council/2025."
EVIDENCE = "Council minutes, March 2026, item 4."


# -- The app ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Overrides the session app for this module (conftest's fixtures then use this one)."""
    with fresh_database(tmp_path_factory.mktemp("pack-db"), "pack") as url:
        application = build_app(url, WTF_CSRF_ENABLED=False, REPORT_TIME_LIMIT=180)
        application.test_client_class = IsolatedClient
        yield application
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


def client_for(app: Flask, user: Any) -> IsolatedClient:
    return sign_in(new_client(app), user)  # type: ignore[return-value]


# -- Data ------------------------------------------------------------------------------------------------------


def commit() -> None:
    from assess.extensions import db

    db.session.commit()


def submit(make: Factory, site: Any, user: Any, choices: dict[str, str], evidence: dict[str, str]) -> Any:
    from assess.data.assessments import save_answers, submit_assessment
    from assess.scoring import score_assessment

    assessment = make.draft(site, user, PERIOD)
    save_answers(assessment, choices, evidence, user)
    submit_assessment(assessment, user, lambda answers: score_assessment(make.questionnaire().definition, answers))
    commit()
    return assessment


def answers(make: Factory, shift: int = 0) -> dict[str, str]:
    """Leadership all 3 (level 3, Participation); representation all "I don't know" (an area to investigate);
    the other areas varied."""
    definition = make.questionnaire().definition
    choices = {}
    for index, domain in enumerate(definition.domains):
        for number, question in enumerate(domain.questions):
            if domain.id == "leadership":
                choices[question.id] = "3"
            elif domain.id == "representation":
                choices[question.id] = "dont-know"
            else:
                levels = sorted(option.level for option in question.options)
                choices[question.id] = str(levels[(index + number + shift) % len(levels)])
    return choices


@pytest.fixture()
def world(make: Factory) -> dict[str, Any]:
    """HMP Alpha with six peers (so its peer figures are shown), its governor, an inspector whose remit covers
    it and one whose remit does not; the submitted assessment with a lowered area, an agreed one, a summary,
    internal notes, a query the governor disputed with evidence and the inspector resolved, and an overdue
    query; a draft of next year."""
    from assess.data import queries as query_data
    from assess.data import reviews
    from assess.scoring import score_assessment

    definition = make.questionnaire().definition
    alpha = make.site(code="GOV-A", name="HMP Alpha", kind="prison", nation="England", region="North West")
    ada = make.user("governor", sites=(alpha,), email="ada@example.org", name="Ada Governor")
    peers = [make.site(kind="prison", nation="England", region="North West") for _ in range(6)]
    peer_governor = make.user("governor", sites=tuple(peers))
    for number, site in enumerate(peers):
        submit(make, site, peer_governor, answers(make, number + 1), {})
    leadership = definition.domain("leadership")
    evidence = {leadership.questions[0].id: EVIDENCE}
    assessment = submit(make, alpha, ada, answers(make), evidence)
    draft = make.draft(alpha, ada, "2026-27")
    inspector = make.user("inspector", email="ina@example.org", name="Ina Spector", remit=PRISONS_ENGLAND)
    outsider = make.user("inspector", email="pat@example.org", name="Pat Probation", remit=PROBATION_ENGLAND)

    reviews.save_validation(
        assessment,
        inspector,
        "leadership",
        decision="lower",
        self_level=3,
        validated_level=2,
        reason=REASON,
        internal_note=AREA_NOTE,
        expected_version=0,
    )
    voice = next(
        item.level
        for item in score_assessment(definition, assessment.answer_map()).domains
        if item.domain_id == "voice"
    )
    reviews.save_validation(
        assessment,
        inspector,
        "voice",
        decision="agree",
        self_level=voice,
        validated_level=voice,
        reason="",
        internal_note="",
        expected_version=0,
    )
    reviews.save_summary(
        assessment,
        inspector,
        confidence="partly confident",
        summary=SUMMARY,
        internal_note=REVIEW_NOTE,
        expected_version=1,
    )
    commit()
    query = query_data.raise_query(
        assessment, inspector, ["leadership", "influence"], QUERY_TEXT, date.today() + timedelta(days=14)
    )
    commit()
    query = query_data.step_query(query, ada, "disagree", REPLY_TEXT, REPLY_EVIDENCE, query.version)
    commit()
    query_data.step_query(query, inspector, "resolved", "Thank you: the minutes settle it.", None, query.version)
    query_data.raise_query(assessment, inspector, ["welfare"], "Who checks on council members?", date(2026, 1, 5))
    commit()
    return {
        "alpha": alpha,
        "ada": ada,
        "assessment": assessment,
        "draft": draft,
        "inspector": inspector,
        "outsider": outsider,
        "definition": definition,
    }


# -- Reading ---------------------------------------------------------------------------------------------------


def pdftotext(data: bytes, *extra: str) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: install poppler-utils")
    result = subprocess.run([tool, "-enc", "UTF-8", *extra, "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode()


def squash(text: str) -> str:
    """White space collapsed, and none after a hyphen (a line may break after 'lived-')."""
    return re.sub(r"-\s+", "-", re.sub(r"\s+", " ", text)).strip()


def download(client: IsolatedClient, assessment_id: int, kind: str = "pdf", query: str = "") -> Any:
    response = client.get(f"/assessments/{assessment_id}/evidence-pack.{kind}{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.mimetype == ("application/pdf" if kind == "pdf" else "text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    return response


def csv_rows(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def internal_notes_absent(text: str) -> None:
    for marker in (
        "AREANOTE7731",
        "REVIEWNOTE4410",
        "Internal note:",
        "Internal note (",
        "Internal note on",
        "Internal note,",
    ):
        assert marker not in text, marker


# -- What the pack holds -----------------------------------------------------------------------------------------


def test_the_inspectors_pack_holds_the_summary_levels_reason_evidence_queries_and_history(app_ctx, world):
    client = client_for(app_ctx, world["inspector"])
    response = download(client, world["assessment"].id)
    assert "GOV-A-2025-26-evidence-pack-inspector-copy.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Report-Cache"] == "miss"
    data = response.get_data()
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))

    # A4 on every page; tagged (PDF/UA-1), in English, with its title shown.
    for each in reader.pages:
        assert (round(float(each.mediabox.width), 1), round(float(each.mediabox.height), 1)) == (
            round(A4[0], 1),
            round(A4[1], 1),
        )
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"] in (True, "true")
    assert root["/Lang"] == "en-GB"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] in (True, "true")
    assert reader.metadata is not None
    assert reader.metadata.title == "Evidence pack: HMP Alpha, 2025-26 (Inspector's copy – contains internal notes)"

    # The first page is the summary, and only the summary.
    first = squash(pdftotext(data, "-f", "1", "-l", "1"))
    for expected in (
        "Evidence pack",
        "HMP Alpha (GOV-A)",
        "2025-26 (1 April 2025 to 31 March 2026)",
        f"{world['definition'].title}, version {world['definition'].version}",
        "Overall self-assessed level",
        "Overall validated level",
        "Not yet decided",
        "Confidence in the self-assessment Partly confident",
        "Review In review",
        "Inspector's copy – contains internal notes",
        "Submitted",
        "by Ada Governor",
    ):
        assert expected in first, expected
    assert "Each area: self-assessed and validated" in first
    assert "The inspector's judgement" not in first
    second = squash(pdftotext(data, "-f", "2", "-l", "2"))
    assert second.startswith("HMP Alpha, 2025-26") and "The inspector's judgement" in second

    text = squash(pdftotext(data))
    # Both levels and the reason, the decision, the internal notes (inspector's copy).
    assert "Self-assessed level 3 – Participation (score 3.0)" in text
    assert "Validated level 2 – Consultation" in text
    assert "Decision Lower the level, by Ina Spector" in text
    assert REASON in text
    assert "AREANOTE7731" in text and "REVIEWNOTE4410" in text
    assert SUMMARY in text
    assert "None needed: the inspector agrees" in text  # voice, agreed
    # Evidence, question by question.
    assert EVIDENCE in text
    assert f"1 of {len(world['definition'].domain('leadership').questions)} questions with evidence" in text
    # Peer position: the group and its figures; areas to investigate with their rule.
    assert "Peer figures are from the group ‘All prisons’" in text
    assert "Peers' median" in text and "Peers with a score" in text
    assert "Raised by the rule ‘mostly-dont-know’" in text
    # References: the inspectorates' headings for a prison (never the probation ones).
    assert "HM Inspectorate of Prisons Expectations: Respect: Daily life – consultation" in text
    assert "HM Inspectorate of Probation" not in text
    # Queries and replies, each step with who and the evidence.
    assert "Query 1: Leadership, strategy and culture, Influence and feedback" in text
    assert QUERY_TEXT in text and REPLY_TEXT in text and REPLY_EVIDENCE in text
    assert "Site replied: disagrees: Ada Governor" in text
    assert "Resolved: Ina Spector" in text
    assert "Overdue: Awaiting the site's reply" in text
    # History, oldest first: started before submitted before the validation.
    history = text[text.index("Every change to this assessment, oldest first") :]
    assert history.index("Started the assessment") < history.index("Submitted the assessment")
    assert history.index("Submitted the assessment") < history.index("Validated ‘Leadership, strategy and culture’")
    assert "Resolved a query" in history
    # No rank words.
    for word in (" rank", "1st", "league"):
        assert word not in text.lower()


def test_a_second_download_comes_from_the_cache_and_a_new_decision_makes_a_new_pack(app_ctx, world):
    from assess.data import reviews

    client = client_for(app_ctx, world["inspector"])
    first = download(client, world["assessment"].id)
    again = download(client, world["assessment"].id)
    assert again.headers["X-Report-Cache"] == "hit" and again.get_data() == first.get_data()
    site_copy = download(client, world["assessment"].id, query="?copy=site")
    assert site_copy.headers["X-Report-Cache"] == "miss", "each copy is its own file"

    reviews.save_validation(
        world["assessment"],
        world["inspector"],
        "welfare",
        decision="raise",
        self_level=None,
        validated_level=5,
        reason="Peer mentors run the welfare checks.",
        internal_note="",
        expected_version=0,
    )
    commit()
    changed = download(client, world["assessment"].id)
    assert changed.headers["X-Report-Cache"] == "miss"
    assert "Peer mentors run the welfare checks." in squash(pdftotext(changed.get_data()))


# -- The site's copy ----------------------------------------------------------------------------------------------


def test_an_inspector_asking_for_the_sites_copy_gets_no_internal_note(app_ctx, world):
    client = client_for(app_ctx, world["inspector"])
    response = download(client, world["assessment"].id, query="?copy=site")
    assert "GOV-A-2025-26-evidence-pack-site-copy.pdf" in response.headers["Content-Disposition"]
    text = squash(pdftotext(response.get_data()))
    assert "Site's copy" in text and "Inspector's copy" not in text
    internal_notes_absent(text)
    # What the site may read is all there: both levels, the reason, the summary, the queries and the history.
    assert "Validated level 2 – Consultation" in text and REASON in text and SUMMARY in text
    assert REPLY_EVIDENCE in text and "Validated ‘Leadership, strategy and culture’" in text

    rows = csv_rows(download(client, world["assessment"].id, "csv", "?copy=site"))
    assert "Internal note" not in rows[0]
    internal_notes_absent(download(client, world["assessment"].id, "csv", "?copy=site").get_data(as_text=True))


def test_a_governor_gets_the_sites_copy_whatever_they_ask_for(app_ctx, world):
    client = client_for(app_ctx, world["ada"])
    for query in ("", "?copy=inspector", "?copy=internal"):
        response = download(client, world["assessment"].id, query=query)
        assert "site-copy" in response.headers["Content-Disposition"]
        text = squash(pdftotext(response.get_data()))
        assert "Site's copy" in text
        internal_notes_absent(text)
        assert "Validated level 2 – Consultation" in text and REASON in text
        body = download(client, world["assessment"].id, "csv", query).get_data(as_text=True)
        internal_notes_absent(body)
        assert REASON in body


# -- Who may download it ------------------------------------------------------------------------------------------


def test_an_inspector_outside_the_remit_gets_404(app_ctx, world):
    client = client_for(app_ctx, world["outsider"])
    for kind in ("pdf", "csv"):
        assert client.get(f"/assessments/{world['assessment'].id}/evidence-pack.{kind}").status_code == 404


def test_a_governor_of_another_site_gets_404(app_ctx, make, world):
    other = make.site(code="GOV-B", name="HMP Beta")
    client = client_for(app_ctx, make.user("governor", sites=(other,)))
    for kind in ("pdf", "csv"):
        assert client.get(f"/assessments/{world['assessment'].id}/evidence-pack.{kind}").status_code == 404


def test_a_draft_has_no_pack_and_an_unknown_assessment_gets_404(app_ctx, world):
    """The draft's own governor goes back to the assessment (as for the report); an inspector gets 404."""
    for user in (world["inspector"], world["ada"]):
        client = client_for(app_ctx, user)
        for kind in ("pdf", "csv"):
            response = client.get(f"/assessments/{world['draft'].id}/evidence-pack.{kind}")
            if user is world["ada"]:
                assert response.status_code == 302
                assert response.headers["Location"].endswith(f"/assessments/{world['draft'].id}")
            else:
                assert response.status_code == 404
            assert client.get(f"/assessments/999999/evidence-pack.{kind}").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(app_ctx, world):
    response = new_client(app_ctx).get(f"/assessments/{world['assessment'].id}/evidence-pack.pdf")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


# -- The CSV --------------------------------------------------------------------------------------------------------


def test_the_csv_has_one_row_per_area_with_both_levels_peers_rules_and_references(app_ctx, world):
    client = client_for(app_ctx, world["inspector"])
    response = download(client, world["assessment"].id, "csv")
    assert "GOV-A-2025-26-evidence-pack-inspector-copy.csv" in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    definition = world["definition"]
    assert [row["Area"] for row in rows] == [domain.title for domain in definition.domains]
    assert list(rows[0]) == [
        "Site code",
        "Period",
        "Questionnaire version",
        "Area",
        "Self-assessed score",
        "Self-assessed level",
        "Decision",
        "Validated level",
        "Reason",
        "Internal note",
        "Questions with evidence",
        "Questions",
        "Peer group",
        "Peers with a score",
        "Peers' lower quartile",
        "Peers' median",
        "Peers' upper quartile",
        "Areas to investigate (rules)",
        "References",
    ]
    by_area = {row["Area"]: row for row in rows}
    leadership = by_area[definition.domain("leadership").title]
    assert (leadership["Site code"], leadership["Period"], leadership["Questionnaire version"]) == (
        "GOV-A",
        PERIOD,
        definition.version,
    )
    assert (leadership["Self-assessed score"], leadership["Self-assessed level"]) == ("3.0", "3 – Participation")
    assert (leadership["Decision"], leadership["Validated level"]) == ("Lower the level", "2 – Consultation")
    assert leadership["Reason"] == REASON and leadership["Internal note"] == AREA_NOTE
    assert leadership["Questions with evidence"] == "1"
    assert leadership["Questions"] == str(len(definition.domain("leadership").questions))
    assert leadership["Peer group"] == "All prisons (6 other sites)"
    assert leadership["Peers with a score"] == "6"
    assert re.fullmatch(r"\d\.\d", leadership["Peers' median"])
    assert leadership["Peers' lower quartile"] <= leadership["Peers' median"] <= leadership["Peers' upper quartile"]
    assert "HM Inspectorate of Prisons Expectations: Leadership: direction" in leadership["References"]
    representation = by_area[definition.domain("representation").title]
    assert "mostly-dont-know" in representation["Areas to investigate (rules)"]
    assert (representation["Decision"], representation["Validated level"]) == ("Not yet decided", "Not yet decided")
    voice = by_area[definition.domain("voice").title]
    assert voice["Decision"] == "Agree" and voice["Validated level"] == voice["Self-assessed level"]


def test_without_peers_the_csv_leaves_the_figures_blank_and_the_pdf_says_why(app_ctx, make):
    lonely = make.site(code="LONE-1", name="HMP Lonely", kind="prison", nation="England")
    governor = make.user("governor", sites=(lonely,))
    assessment = submit(make, lonely, governor, answers(make), {})
    client = client_for(app_ctx, make.user("inspector", remit=PRISONS_ENGLAND))
    rows = csv_rows(download(client, assessment.id, "csv"))
    assert len(rows) == 12
    for row in rows:
        for column in (
            "Peer group",
            "Peers with a score",
            "Peers' lower quartile",
            "Peers' median",
            "Peers' upper quartile",
        ):
            assert row[column] == "", (row["Area"], column)
        assert row["Decision"] == "Not yet decided"
    text = squash(pdftotext(download(client, assessment.id).get_data()))
    assert "No peer figures are shown" in text
    assert "Only groups of at least" in text or "Figures are shown only for groups of at least" in text
    assert "Review Not yet reviewed" in text


def test_user_text_is_printed_as_text_and_csv_cells_cannot_be_formulas(app_ctx, make, world):
    from assess.data import reviews

    reviews.save_validation(
        world["assessment"],
        world["inspector"],
        "capacity",
        decision="lower",
        self_level=None,
        validated_level=0,
        reason='=HYPERLINK("http://127.0.0.1:9/x") <img src="http://127.0.0.1:9/y">',
        internal_note="",
        expected_version=0,
    )
    commit()
    client = client_for(app_ctx, world["inspector"])
    rows = csv_rows(download(client, world["assessment"].id, "csv"))
    capacity = next(row for row in rows if row["Area"] == world["definition"].domain("capacity").title)
    assert capacity["Reason"].startswith("'=HYPERLINK(")
    text = squash(pdftotext(download(client, world["assessment"].id).get_data()))
    assert '<img src="http://127.0.0.1:9/y">' in text


# -- When the PDF cannot be made ------------------------------------------------------------------------------------


def assert_unavailable_page(response: Any) -> None:
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert response.headers["Retry-After"] == "60"
    body = response.get_data(as_text=True)
    assert "Traceback" not in body
    soup = page(response)
    assert h1(soup) == "Sorry, the evidence pack could not be made"
    assert "Try again in a few minutes" in text_of(main(soup))
    assert soup.find("a", string=re.compile("download the evidence pack as a spreadsheet")) is not None


def test_a_pack_past_the_time_limit_gets_the_try_again_page(app_ctx, world, monkeypatch):
    worker = pdf.worker()
    worker.wait_ready()
    monkeypatch.setitem(app_ctx.config, "REPORT_TIME_LIMIT", 0.01)
    client = client_for(app_ctx, world["inspector"])
    response = client.get(f"/assessments/{world['assessment'].id}/evidence-pack.pdf")
    assert_unavailable_page(response)
    assert "took too long" in text_of(main(page(response)))
    assert worker.process is None or worker.process.poll() is None  # killed and discarded, or never started
    # With time to spare, the next download works and starts a new render process.
    monkeypatch.setitem(app_ctx.config, "REPORT_TIME_LIMIT", 180)
    assert download(client, world["assessment"].id).headers["X-Report-Cache"] == "miss"


def test_a_failing_render_gets_the_try_again_page(app_ctx, world, monkeypatch):
    def broken(self: Any, html: str, *, timeout: float, **options: Any) -> Any:
        raise pdf.RenderError("WeasyPrint failed: out of fonts")

    monkeypatch.setattr(pdf.RenderWorker, "render", broken)
    response = client_for(app_ctx, world["ada"]).get(f"/assessments/{world['assessment'].id}/evidence-pack.pdf")
    assert_unavailable_page(response)
    assert "There is a problem making PDF files" in text_of(main(page(response)))
    assert "Back to your results" in page(response).get_text()
