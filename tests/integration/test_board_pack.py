"""The commissioner's board pack (issue 12, item 8): the area PDF (read with poppler's pdftotext) puts the summary
first (coverage counts that add up, the area against national with its table, the biggest changes, decisions
due), then the sites' levels, the distributions and the trend, and never a rank; the anonymised PDF and CSV
hold no site name or code and none of the free text (crafted, distinctive strings in rationales, questions,
inspectors' reasons, summaries and notes, query text, and people's names); a figure the pages hold back stays
held back in both variants; 404 outside the area; the CSV's columns as the README documents them; the cache,
and the "try again" page past the time limit.

The app is this module's own (fresh database, same migrations), as in tests/integration/test_evidence_pack.py,
so that the Chromium and render processes it starts are stopped at the end of the module.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader

from assess import periods
from assess.pdf import render as pdf
from assess.pdf import svg
from tests.conftest import PASSWORD, Factory, build_app, sign_in
from tests.databases import fresh_database
from tests.integration.helpers import IsolatedClient, h1, main, page, text_of

CURRENT = periods.period_for(date.today())
PREVIOUS = periods.previous_period(CURRENT)
EARLIER = periods.previous_period(PREVIOUS)
A4 = (595.28, 841.89)  # points, upright
NO_RANK = re.compile(r"\brank|\b1st\b|position|league", re.IGNORECASE)

# Distinctive free text: none of it may ever be in the anonymised pack (the named pack prints only the
# assurance decisions' own words: rationale, questions and who decided).
RATIONALE = "RATIONALE5521 the council minutes were not produced"
QUESTIONS = "QUESTIONS8830 who chairs the council"
REASON = "REASON3317 the forum met twice, not monthly"
SUMMARY = "SUMMARY6402 a generous self-assessment"
NOTE = "NOTE9104 speak to the deputy governor"
QUERY = "QUERY7286 please send the minutes"
COMMISSIONER = "Cressida Boardwell"
GOVERNOR = "Gideon Govwell"
INSPECTOR = "Ivor Inspectington"
FREE_TEXT = (
    "RATIONALE5521",
    "QUESTIONS8830",
    "REASON3317",
    "SUMMARY6402",
    "NOTE9104",
    "QUERY7286",
    COMMISSIONER,
    GOVERNOR,
    INSPECTOR,
)
PRISONS = {
    "ZQA-PRN": "HMP Quillstone",
    "ZQB-PRN": "HMP Marrowdene",
    "ZQC-PRN": "HMP Tarnbeck",
    "ZQD-PRN": "HMP Glimmerford",
    "ZQE-PRN": "HMP Yarrowmoor",
}
PROBATION = {"ZQF-PDU": "Vantwell Probation Delivery Unit", "ZQG-PDU": "Ossingham Probation Delivery Unit"}


# -- The app ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Overrides the session app for this module (conftest's fixtures then use this one)."""
    with fresh_database(tmp_path_factory.mktemp("board-db"), "board") as url:
        application = build_app(url, WTF_CSRF_ENABLED=False, REPORT_TIME_LIMIT=180)
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


def client_for(app: Flask, user: Any) -> IsolatedClient:
    return sign_in(IsolatedClient(app, app.response_class, use_cookies=True), user)  # type: ignore[return-value]


# -- Data ------------------------------------------------------------------------------------------------------


def commit() -> None:
    from assess.extensions import db

    db.session.commit()


def make_area(code: str, name: str, sites: list[Any]) -> Any:
    from assess.data.areas import AreaRow, get_area_by_code, upsert_areas

    upsert_areas([AreaRow(code, name, "region", tuple(site.code for site in sites))])
    commit()
    return get_area_by_code(code)


def make_commissioner(email: str, name: str, areas: list[Any]) -> Any:
    from assess.data.users import create_or_update_user

    user = create_or_update_user(email, name, "commissioner", PASSWORD, [], areas=areas)
    commit()
    return user


@pytest.fixture()
def world(make: Factory) -> dict[str, Any]:
    """The North Board area: five prisons and two probation delivery units, distinctive names and codes. For
    last year six of them submitted (Yarrowmoor did not), five also the year before (levels moved up); this
    year Quillstone has a draft. Quillstone's last year is validated (the inspector lowered one area with a
    reason, wrote a summary and internal notes) and has an open query; the commissioner has a decision on it
    due for revisit, with a rationale and questions asked. Outside the area: six prisons (so the national prison
    figures are shown) and two probation delivery units (too few: the national probation figures are held
    back)."""
    from assess.data import queries as query_data
    from assess.data import reviews
    from assess.data.assurance import record_decision

    definition = make.questionnaire().definition
    governor = make.user("governor", email="gideon@example.org", name=GOVERNOR)
    inspector = make.user("inspector", email="ivor@example.org", name=INSPECTOR, remit=(("prison", "England"),))
    prisons = {code: make.site(code=code, name=name, kind="prison") for code, name in PRISONS.items()}
    probation = {code: make.site(code=code, name=name, kind="probation") for code, name in PROBATION.items()}
    sites = {**prisons, **probation}
    submitted = {}
    for code, site in sites.items():
        if code == "ZQE-PRN":
            continue
        submitted[code] = make.submitted(site, governor, PREVIOUS, choice="3" if code != "ZQB-PRN" else "2")
        if code != "ZQG-PDU":
            make.submitted(site, governor, EARLIER, choice="2")
    for number in range(6):
        make.submitted(make.site(code=f"OUTP{number}", kind="prison", region="London"), governor, PREVIOUS, "2")
    for number in range(2):
        make.submitted(make.site(code=f"OUTB{number}", kind="probation", region="London"), governor, PREVIOUS, "4")
    quill = sites["ZQA-PRN"]
    make.draft(quill, governor, CURRENT)
    assessment = submitted["ZQA-PRN"]
    areas = [domain.id for domain in definition.domains]
    for number, area_id in enumerate(areas):
        lowered = number == 0
        reviews.save_validation(
            assessment,
            inspector,
            area_id,
            decision="lower" if lowered else "agree",
            self_level=3,
            validated_level=2 if lowered else 3,
            reason=REASON if lowered else "",
            internal_note=NOTE,
            expected_version=0,
        )
    reviews.save_summary(
        assessment, inspector, confidence="partly confident", summary=SUMMARY, internal_note=NOTE, expected_version=1
    )
    reviews.finalise_review(assessment, inspector, areas)
    commit()
    query_data.raise_query(assessment, inspector, ["voice"], QUERY, date.today() + timedelta(days=14))
    commit()
    area = make_area("ZZ-BOARD", "North Board", list(sites.values()))
    other = make_area("ZZ-OTHER", "Elsewhere", [make.site(code="ZQH-PRN", name="HMP Elsewhere", kind="prison")])
    commissioner = make_commissioner("cressida@example.org", COMMISSIONER, [area])
    record_decision(
        quill,
        commissioner,
        area=area,
        domain_id=None,
        outcome="not assured",
        questions=QUESTIONS,
        rationale=RATIONALE,
        revisit_on=date.today() + timedelta(days=10),
    )
    commit()
    return {
        "area": area,
        "other": other,
        "commissioner": commissioner,
        "governor": governor,
        "inspector": inspector,
        "sites": sites,
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
    return re.sub(r"-\s+", "-", re.sub(r"\s+", " ", text)).strip()


def download(client: IsolatedClient, kind: str = "pdf", query: str = "", code: str = "ZZ-BOARD") -> Any:
    response = client.get(f"/areas/{code}/board-pack.{kind}{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.mimetype == ("application/pdf" if kind == "pdf" else "text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    return response


def csv_rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def pack_html(area: Any, variant: str) -> str:
    """The HTML the PDF is made from (alt texts and all), for the anonymised checks."""
    from flask import current_app

    from assess.commissioner import board_build
    from assess.services.board_pack import board_pack

    with current_app.test_request_context():
        pack = board_pack(
            area,
            variant=variant,
            period=None,
            today=date.today(),
            visible_site_ids=[site.id for site in area.sites],
            min_size=current_app.config["MIN_PEER_GROUP"],
            secret=current_app.config["SECRET_KEY"],
        )
        return board_build.render_html(pack, {}, datetime.now(UTC))


def nothing_identifying(text: str) -> None:
    for code, name in {**PRISONS, **PROBATION}.items():
        assert code not in text, code
        assert name not in text, name
    for marker in FREE_TEXT:
        assert marker not in text, marker


# -- The named pack ----------------------------------------------------------------------------------------------


def test_the_named_pack_reads_summary_first_then_the_sites_distributions_and_trend(app_ctx, world):
    client = client_for(app_ctx, world["commissioner"])
    response = download(client)
    assert f"ZZ-BOARD-board-pack-{CURRENT}-named.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Report-Cache"] == "miss"
    data = response.get_data()
    reader = PdfReader(io.BytesIO(data))

    # A4 (upright for the summary, on its side for the wide tables); tagged, in English, with its title.
    sizes = {
        tuple(sorted((round(float(each.mediabox.width), 1), round(float(each.mediabox.height), 1))))
        for each in reader.pages
    }
    assert sizes == {(round(A4[0], 1), round(A4[1], 1))}
    first_page = reader.pages[0].mediabox
    assert float(first_page.width) < float(first_page.height)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"] in (True, "true")
    assert root["/Lang"] == "en-GB"
    assert reader.metadata is not None and reader.metadata.title == f"Board pack: North Board, {CURRENT} (named)"

    # Page one is the summary, and only the summary: coverage whose counts add up, the area against national
    # with its table, the biggest changes since last year, decisions due.
    first = squash(pdftotext(data, "-f", "1", "-l", "1"))
    assert first.startswith("North Board") and "Board pack: North Board" in first
    assert "Named version: for the commissioner's office" in first
    assert f"Coverage in {CURRENT}" in first
    counts = re.search(
        r"Not started Draft Submitted Validated Overdue All sites (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", first
    )
    assert counts is not None, first
    numbers = [int(value) for value in counts.groups()]
    assert numbers == [6, 1, 0, 0, 0, 7] and sum(numbers[:5]) == numbers[5]
    assert "the 5 counts add up to the 7 sites in the area" in first
    assert f"The area against national, {PREVIOUS}" in first
    assert f"The results are for {PREVIOUS}" in first
    assert "Prisons Probation services This area Validated Others This area Validated Others" in first
    leadership = world["definition"].domains[0].title
    # Leadership: prisons in the area 3, 2, 3, 3 (median 3 of 4), Quillstone validated 2, the six other prisons 2;
    # probation in the area 3 of 2, none validated, and the other two too few to show, for every area.
    assert f"{leadership} 3 (4) 2 (1) 2 (6) 3 (2) None (0)" in first
    assert "Too few to show for any area" in first
    assert f"The biggest changes since {EARLIER}" in first
    assert "Assurance decisions due for revisit" in first
    assert "HMP Quillstone The site as a whole Not assured" in first
    assert "Each site: coverage and levels" not in first

    text = squash(pdftotext(data))
    order = [
        "Board pack: North Board",
        "Each site: coverage and levels",
        f"Distributions against national, {PREVIOUS}",
        "Trend",
        f"Changes since {EARLIER}: every area of the questionnaire",
        "Assurance decisions",
        "Open queries",
        "About this pack",
    ]
    place = 0
    for heading in order:  # each after the one before
        assert heading in text[place:], heading
        place = text.index(heading, place) + len(heading)
    # The sites' levels, alphabetical, each a number and a word marked validated or self-assessed.
    laid_out = pdftotext(data, "-layout")
    levels = laid_out[laid_out.index("Each site: coverage and levels") : laid_out.index("Distributions against")]
    names = sorted([*PRISONS.values(), *PROBATION.values()])
    assert [levels.index(name) for name in names] == sorted(levels.index(name) for name in names)
    flat = text[text.index("Each site: coverage and levels") : text.index("Distributions against")]
    assert "2 Consultation (V; self 3 – Participation)" in flat and "3 Participation (V)" in flat
    assert "3 Participation (S)" in flat and "No result" in flat
    assert "HMP Quillstone Prison; draft; result 2025-26, validated" in flat
    # The named pack has the decision's own words and who made it; never inspectors' reasons, notes or queries.
    assert RATIONALE in text and QUESTIONS in text and f"by {COMMISSIONER}" in text
    # Open queries per site: how many, how many overdue, the soonest reply date.
    due = (date.today() + timedelta(days=14)).strftime("%-d %B %Y")
    assert f"Site Open queries Overdue Soonest reply due HMP Quillstone 1 0 {due}" in text
    for marker in ("REASON3317", "SUMMARY6402", "NOTE9104", "QUERY7286"):
        assert marker not in text, marker
    assert not NO_RANK.search(text), NO_RANK.search(text)


def test_the_named_csv_has_the_documented_columns_a_row_per_site_and_the_medians(app_ctx, world):
    from assess.services.board_pack import NAMED_ONLY

    client = client_for(app_ctx, world["commissioner"])
    response = download(client, "csv")
    assert f"ZZ-BOARD-board-pack-{CURRENT}-named.csv" in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    titles = [domain.title for domain in world["definition"].domains]
    expected = [
        "Row",
        "Site code",
        "Site",
        "Kind",
        "Coverage year",
        "Coverage status",
        "Coverage detail",
        "Last submission",
        "Year of result",
        "Questionnaire version",
        "Review",
        *(f"{title}: {what}" for title in titles for what in ("level", "level name", "basis", "n")),
        "Assurance: site as a whole",
        "Assurance: revisit by",
        "Assurance on areas of the questionnaire",
        "Assurance rationale",
        "Assurance questions asked",
        "Assurance decided by",
    ]
    assert rows[0] == expected
    assert set(NAMED_ONLY) <= set(expected)
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    sites = [record for record in records if record["Row"] == "site"]
    assert [record["Site"] for record in sites] == sorted([*PRISONS.values(), *PROBATION.values()])
    assert {record["Site code"] for record in sites} == {*PRISONS, *PROBATION}
    statuses = [record["Coverage status"] for record in sites]
    assert statuses.count("not started") == 6 and statuses.count("draft") == 1
    quill = next(record for record in sites if record["Site"] == "HMP Quillstone")
    leadership = titles[0]
    assert (quill[f"{leadership}: level"], quill[f"{leadership}: basis"]) == ("2", "validated")
    assert quill["Review"] == "validated" and quill["Year of result"] == PREVIOUS
    assert quill["Assurance: site as a whole"] == "not assured"
    assert quill["Assurance rationale"] == RATIONALE and quill["Assurance decided by"].startswith(COMMISSIONER)
    yarrow = next(record for record in sites if record["Site"] == "HMP Yarrowmoor")
    assert yarrow["Last submission"] == "never" and yarrow[f"{leadership}: basis"] == "no result"
    # The medians: each kind's area (self-assessed and validated) and the other sites of that kind.
    medians = {(record["Row"], record["Kind"]): record for record in records if record["Row"] != "site"}
    assert set(medians) == {
        (row, kind)
        for row in ("area median, self-assessed", "area median, validated", "national median, self-assessed")
        for kind in ("prison", "probation")
    }
    national_prisons = medians[("national median, self-assessed", "prison")]
    assert national_prisons["Site"] == "All other prisons, outside this area"
    assert (national_prisons[f"{leadership}: level"], national_prisons[f"{leadership}: n"]) == ("2", "6")
    assert medians[("area median, self-assessed", "prison")][f"{leadership}: level"] == "3"
    assert not NO_RANK.search(response.get_data(as_text=True))


# -- The anonymised pack -----------------------------------------------------------------------------------------


def test_the_anonymised_pdf_names_no_site_and_holds_no_free_text(app_ctx, world):
    client = client_for(app_ctx, world["commissioner"])
    response = download(client, query="?version=anonymised")
    assert f"ZZ-BOARD-board-pack-{CURRENT}-anonymised.pdf" in response.headers["Content-Disposition"]
    data = response.get_data()
    text = squash(pdftotext(data))
    nothing_identifying(text)
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata is not None
    nothing_identifying(" ".join(str(value) for value in reader.metadata.values()))
    nothing_identifying(pack_html(world["area"], "anonymised"))  # alt texts, metadata and all
    first = squash(pdftotext(data, "-f", "1", "-l", "1"))
    assert "Anonymised version: for wider circulation" in first
    # The first page is the whole summary in this variant too (its note about letters takes no more room).
    assert "The biggest changes since" in first and "Assurance decisions due for revisit" in first
    assert re.search(r"Site [A-G] The site as a whole Not assured", first)
    assert "Site A" in text and "Site G" in text and "Site H" not in text
    # Same figures as the named pack: the summary's table is identical.
    named = squash(pdftotext(download(client).get_data(), "-f", "1", "-l", "1"))
    table = re.compile(r"Area of the questionnaire .*? Validated: from final reviews")
    assert table.search(first).group(0) == table.search(named).group(0)  # type: ignore[union-attr]
    assert not NO_RANK.search(text)


def test_the_anonymised_csv_names_no_site_and_holds_no_free_text(app_ctx, world):
    from assess.services.board_pack import NAMED_ONLY

    client = client_for(app_ctx, world["commissioner"])
    response = download(client, "csv", "?version=anonymised")
    body = response.get_data(as_text=True)
    nothing_identifying(body)
    rows = csv_rows(response)
    for column in NAMED_ONLY:
        assert column not in rows[0]
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    sites = [record for record in records if record["Row"] == "site"]
    letters = [record["Site code"] for record in sites]
    assert letters == list("ABCDEFG")
    assert [record["Site"] for record in sites] == [f"Site {letter}" for letter in letters]
    # Every site's levels are there, under its letter: the named CSV's rows, relabelled.
    named_rows = csv_rows(download(client, "csv"))
    named_sites = [dict(zip(named_rows[0], row, strict=True)) for row in named_rows[1:] if row[0] == "site"]

    def levels(records: list[dict[str, str]]) -> list[tuple[str, ...]]:
        return sorted(tuple(value for key, value in record.items() if key.endswith(": level")) for record in records)

    assert levels(sites) == levels(named_sites)
    # A second download gives the same letters.
    again = csv_rows(download(client, "csv", "?version=anonymised"))
    assert again == rows


def test_letters_follow_a_keyed_hash_not_names_codes_or_scores():
    from assess.services.board_pack import letter_name, site_letters

    ids = list(range(1, 8))
    first = site_letters(ids, "one secret", "ZZ-BOARD", "2025-26")
    assert sorted(first.values()) == list("ABCDEFG")
    assert site_letters(ids, "one secret", "ZZ-BOARD", "2025-26") == first  # stable
    assert site_letters(ids, "another secret", "ZZ-BOARD", "2025-26") != first  # keyed
    assert site_letters(ids, "one secret", "ZZ-BOARD", "2024-25") != first  # a new year, new letters
    many = site_letters(range(30), "one secret", "ZZ-BOARD", "2025-26")
    assert sorted(many.values()) == [letter_name(index, 2) for index in range(30)]  # AA, AB, ...: sort as text
    assert letter_name(0) == "A" and letter_name(25) == "Z" and letter_name(27, 2) == "BB"


# -- The same suppression as the pages --------------------------------------------------------------------------


def test_a_figure_the_pages_hold_back_stays_held_back_in_both_variants(app_ctx, world):
    client = client_for(app_ctx, world["commissioner"])
    overview = text_of(main(page(client.get(f"/areas/ZZ-BOARD?period={PREVIOUS}"))))
    assert "All other probation services, outside this area: Too few to show" in overview
    distribution = text_of(main(page(client.get(f"/areas/ZZ-BOARD/distribution?period={PREVIOUS}"))))
    assert "Too few to show" in distribution
    for query in ("", "?version=anonymised"):
        first = squash(pdftotext(download(client, query=query).get_data(), "-f", "1", "-l", "1"))
        assert "All other probation services, outside this area: Too few to show" in first
        rows = csv_rows(download(client, "csv", query))
        national = next(
            dict(zip(rows[0], row, strict=True))
            for row in rows[1:]
            if row[0] == "national median, self-assessed" and row[3] == "probation"
        )
        for title in (domain.title for domain in world["definition"].domains):
            assert national[f"{title}: level"] == "" and national[f"{title}: n"] == ""
            assert national[f"{title}: basis"] == "Too few to show"
        text = squash(pdftotext(download(client, query=query).get_data()))
        # The distribution of probation services shows no figure of the other two.
        panel = text[text.index("Probation services in North Board against") :]
        assert "Too few to show" in panel


def test_the_area_overview_links_to_both_variants_of_both_files(app_ctx, world):
    client = client_for(app_ctx, world["commissioner"])
    soup = page(client.get(f"/areas/ZZ-BOARD?period={PREVIOUS}"))
    links = {
        text_of(link): link["href"] for link in main(soup).select("a[href*='board-pack']") if link.has_attr("download")
    }
    base = "/areas/ZZ-BOARD/board-pack"
    assert links == {
        "Download the board pack (PDF)": f"{base}.pdf?period={PREVIOUS}",
        "Download the board pack as a spreadsheet (CSV)": f"{base}.csv?period={PREVIOUS}",
        "Download the anonymised board pack (PDF)": f"{base}.pdf?period={PREVIOUS}&version=anonymised",
        "Download the anonymised board pack as a spreadsheet (CSV)": f"{base}.csv?period={PREVIOUS}&version=anonymised",
    }
    for href in links.values():
        assert client.get(href).status_code == 200, href


# -- Who may download it ------------------------------------------------------------------------------------------


def test_outside_the_area_or_with_an_unknown_variant_or_year_it_is_not_found(app_ctx, world, make):
    client = client_for(app_ctx, world["commissioner"])
    for kind in ("pdf", "csv"):
        assert client.get(f"/areas/ZZ-OTHER/board-pack.{kind}").status_code == 404
        assert client.get(f"/areas/NO-SUCH/board-pack.{kind}?version=anonymised").status_code == 404
        assert client.get(f"/areas/ZZ-BOARD/board-pack.{kind}?version=anonymized").status_code == 200
        assert client.get(f"/areas/ZZ-BOARD/board-pack.{kind}?version=secret").status_code == 404
        assert client.get(f"/areas/ZZ-BOARD/board-pack.{kind}?period=1999-00").status_code == 404
    for person in (world["governor"], world["inspector"]):
        other = client_for(app_ctx, person)
        assert other.get("/areas/ZZ-BOARD/board-pack.csv").status_code == 403
    signed_out = IsolatedClient(app_ctx, app_ctx.response_class, use_cookies=True)
    response = signed_out.get("/areas/ZZ-BOARD/board-pack.pdf")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_chosen_year_is_the_packs_coverage_year(app_ctx, world):
    client = client_for(app_ctx, world["commissioner"])
    response = download(client, query=f"?period={PREVIOUS}")
    assert f"ZZ-BOARD-board-pack-{PREVIOUS}-named.pdf" in response.headers["Content-Disposition"]
    first = squash(pdftotext(response.get_data(), "-f", "1", "-l", "1"))
    counts = re.search(r"All sites (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", first)
    assert counts is not None
    # Last year has ended: six submitted (one validated), Yarrowmoor overdue.
    assert [int(value) for value in counts.groups()] == [0, 0, 5, 1, 1, 7]
    assert "The results are for" not in first  # the results are for the chosen year itself


def test_an_area_where_nobody_has_submitted_still_gets_a_pack(app_ctx, make):
    sites = [make.site(code=f"ZQN-{number}", name=f"HMP Newbuild {number}", kind="prison") for number in range(3)]
    area = make_area("ZZ-NEW", "New Board", sites)
    client = client_for(app_ctx, make_commissioner("new@example.org", "Nina Newcomer", [area]))
    for query in ("", "?version=anonymised"):
        text = squash(pdftotext(download(client, query=query, code="ZZ-NEW").get_data()))
        assert "No site in the area has submitted a self-assessment" in text
        assert "No assurance decision is due for revisit" in text
        rows = csv_rows(download(client, "csv", query, code="ZZ-NEW"))
        assert [row[0] for row in rows[1:]] == ["site"] * 3


def test_the_trend_shows_the_last_ten_years(app_ctx, make):
    from assess.services.board_pack import NAMED, TREND_YEARS, board_pack

    site = make.site(code="ZQT-PRN", name="HMP Longhistory", kind="prison")
    governor = make.user("governor", sites=(site,))
    years = [PREVIOUS]
    while len(years) < TREND_YEARS + 2:
        years.append(periods.previous_period(years[-1]))
    for year in years:
        make.submitted(site, governor, year, choice="2")
    area = make_area("ZZ-LONG", "Long Board", [site])
    pack = board_pack(
        area, variant=NAMED, period=None, today=date.today(), visible_site_ids=[site.id], min_size=5, secret="x"
    )
    assert pack.trend is not None
    assert [row.label for row in pack.trend.table.rows] == sorted(years)[-TREND_YEARS:]
    assert pack.trend.title == "Overall score of the sites in Long Board by year"


# -- Cache and time limit ----------------------------------------------------------------------------------------


def test_a_second_download_is_cached_and_each_variant_is_its_own_file(app_ctx, world):
    client = client_for(app_ctx, world["commissioner"])
    first = download(client)
    again = download(client)
    assert again.headers["X-Report-Cache"] == "hit" and again.get_data() == first.get_data()
    anonymised = download(client, query="?version=anonymised")
    assert anonymised.headers["X-Report-Cache"] == "miss"
    assert anonymised.headers["ETag"] != first.headers["ETag"]


def test_a_pack_past_the_time_limit_gets_the_try_again_page(app_ctx, world, monkeypatch):
    if svg.exporter().running:
        svg.exporter().wait_ready()
    monkeypatch.setitem(app_ctx.config, "REPORT_TIME_LIMIT", 0.001)
    client = client_for(app_ctx, world["commissioner"])
    response = client.get("/areas/ZZ-BOARD/board-pack.pdf?version=anonymised")
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    soup = page(response)
    assert h1(soup) == "Sorry, the board pack could not be made"
    body = text_of(main(soup))
    assert "took too long" in body and "Try again in a few minutes" in body
    link = soup.find("a", string=re.compile("download the anonymised board pack as a spreadsheet"))
    assert link is not None and "version=anonymised" in link["href"]
    monkeypatch.setitem(app_ctx.config, "REPORT_TIME_LIMIT", 180)
    assert download(client, query="?version=anonymised").headers["X-Report-Cache"] == "miss"
