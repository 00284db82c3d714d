"""Hostile input never gives a 500 (issue 14, item 5), each case found by hand against the running service:
a NUL byte in evidence, in a site code in the URL or in the sign-in email (PostgreSQL refuses NUL in text);
ids past the database's integer range; a radio value of only spaces; CR/LF in `next` after signing in; bodies
larger than the service needs (413 before they are read); evidence over its length limit; text-direction
overrides in evidence, in the page and in the PDF.

The app is this module's own (fresh database, same migrations), like test_evidence_pack.py, so that the
render process the PDF test starts is stopped at the end of the module.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from assess.common.edge import MAX_CONTENT_LENGTH, MAX_FIELD_LENGTH, MAX_FORM_MEMORY_SIZE, TRUNCATED_MESSAGE
from assess.pdf import render as pdf
from tests.conftest import PASSWORD, Factory, build_app, sign_in
from tests.databases import fresh_database
from tests.integration.helpers import (
    IsolatedClient,
    domain_data,
    error_summary,
    h1,
    location,
    main,
    page,
    start_assessment,
    text_of,
    textarea_value,
)

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
TOO_LARGE = "The file or text you sent is too large"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Overrides the session app for this module (conftest's fixtures then use this one)."""
    with fresh_database(tmp_path_factory.mktemp("hostile-db"), "hostile") as url:
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


@pytest.fixture()
def alpha(make: Factory) -> Any:
    return make.site(code="GOV-A", name="HMP Alpha")


@pytest.fixture()
def ada(make: Factory, alpha: Any) -> Any:
    return make.user("governor", sites=(alpha,), email="ada@example.org", name="Ada Governor")


@pytest.fixture()
def ada_client(app_ctx: Flask, ada: Any) -> IsolatedClient:
    return sign_in(new_client(app_ctx), ada)  # type: ignore[return-value]


def stored_evidence(assessment_id: int) -> dict[str, str]:
    from assess.data.assessments import get_assessment
    from assess.extensions import db

    db.session.expire_all()
    assessment = get_assessment(assessment_id)
    assert assessment is not None
    return {key: value for key, value in assessment.evidence_map().items() if value}


def stored_answers(assessment_id: int) -> dict[str, str]:
    from assess.data.assessments import get_assessment
    from assess.extensions import db

    db.session.expire_all()
    assessment = get_assessment(assessment_id)
    assert assessment is not None
    return {key: value for key, value in assessment.answer_map().items() if value}


def assert_error_page(response: Any, status: int, title: str) -> None:
    assert response.status_code == status
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert "Traceback" not in body
    soup = page(response)
    assert h1(soup) == title
    assert soup.find("a", string="Go to the start of the service") is not None


# -- NUL and other control characters ------------------------------------------------------------------------


def test_a_nul_in_the_sign_in_email_gets_the_sign_in_error_not_a_500(app_ctx, ada):
    client = new_client(app_ctx)
    response = client.post("/sign-in", data={"email": "ada@example.org\x00", "password": "wrong-password"})
    assert response.status_code == 200
    soup = page(response)
    assert error_summary(soup) == [("#email", "Enter a correct email address and password")]
    # What was typed is shown again, without the NUL.
    assert soup.find("input", attrs={"name": "email"})["value"] == "ada@example.org"


def test_a_nul_in_the_sign_in_email_with_the_right_password_signs_in(app_ctx, ada):
    client = new_client(app_ctx)
    response = client.post("/sign-in", data={"email": "\x00ada@exam\x00ple.org", "password": PASSWORD})
    assert response.status_code == 302
    assert location(response) == "/sites"


def test_a_nul_and_control_characters_in_evidence_are_removed_and_the_rest_saved(ada_client, make):
    definition = make.questionnaire().definition
    assessment_id = start_assessment(ada_client, "GOV-A")
    domain = definition.domains[0]
    first, second = domain.questions[0].id, domain.questions[1].id
    typed = {first: "Minutes\x00 of the\x01 council\x1b meeting\x7f", second: "Line one\r\n\tLine two"}
    response = ada_client.post(
        f"/assessments/{assessment_id}/domains/{domain.id}", data=domain_data(domain, "2", typed, action="later")
    )
    assert response.status_code == 302
    evidence = stored_evidence(assessment_id)
    assert evidence[first] == "Minutes of the council meeting"
    assert evidence[second] == "Line one\n\tLine two"


def test_a_nul_in_a_site_code_in_the_url_gets_404(ada_client, app_ctx, alpha):
    for path in ("/sites/GOV-A%00/start", "/sites/GOV%00A/trend", "/inspect/sites/%00"):
        assert_error_page(ada_client.get(path), 404, "Page not found")
    assert_error_page(ada_client.post("/sites/GOV-A%00/start", data={"period": "2026-27"}), 404, "Page not found")
    # Signed out too, and in a path that matches no route.
    anonymous = new_client(app_ctx)
    assert_error_page(anonymous.get("/sign-in%00"), 404, "Page not found")
    assert_error_page(anonymous.get("/sites/GOV-A%0D%0A/start"), 404, "Page not found")


def test_a_nul_in_a_query_string_is_removed(app_ctx, ada):
    client = new_client(app_ctx)
    response = client.post("/sign-in?next=/si%00tes", data={"email": ada.email, "password": PASSWORD})
    assert response.status_code == 302
    assert location(response) == "/sites"


# -- Ids past the database's range ---------------------------------------------------------------------------


@pytest.mark.parametrize("number", [0, 2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**63, 2**64, 10**30])
def test_ids_outside_the_databases_range_get_404(ada_client, app_ctx, number):
    paths = [
        f"/assessments/{number}",
        f"/assessments/{number}/domains/leadership",
        f"/assessments/{number}/check",
        f"/assessments/{number}/targets",
        f"/assessments/{number}/confirmation",
        f"/assessments/{number}/results",
        f"/assessments/{number}/results.csv",
        f"/assessments/{number}/history",
        f"/assessments/{number}/report.pdf",
        f"/assessments/{number}/evidence-pack.pdf",
        f"/assessments/{number}/evidence-pack.csv",
        f"/queries/{number}",
    ]
    for path in paths:
        response = ada_client.get(path)
        assert response.status_code == 404, path
    response = ada_client.post(f"/assessments/{number}/domains/leadership", data={"action": "later"})
    assert response.status_code == 404


def test_every_int_route_is_covered_by_the_range_test(app_ctx):
    """A new route with an <int:...> in its URL must be added to the test above (or to a loader)."""
    covered = {
        "governor.task_list", "governor.domain", "governor.check", "governor.targets", "governor.confirmation",
        "governor.results", "governor.results_csv", "common.history", "reports.pdf", "packs.pdf", "packs.csv",
        "common.query",
    }  # fmt: skip
    for rule in app_ctx.url_map.iter_rules():
        if any(converter.__class__.__name__ == "IntegerConverter" for converter in rule._converters.values()):
            view = app_ctx.view_functions[rule.endpoint]
            loads = getattr(view, "_loads", None)
            assert rule.endpoint in covered or loads in ("assessment", "query", "user"), (
                f"{rule.rule}: an id of 2**31 or more must answer 404 (PostgreSQL's integer overflows: a 500); "
                "load it through a loader in assess/auth/loaders.py that checks 0 < id <= MAX_ID, and add the "
                "route to test_ids_outside_the_databases_range_get_404"
            )


# -- A radio value of only spaces ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [" ", "   ", "\t", "\u00a0", " 2", "2 ", "99", "-1", str(2**64)])
def test_an_odd_radio_value_gets_a_govuk_error_and_saves_nothing(ada_client, make, value):
    definition = make.questionnaire().definition
    assessment_id = start_assessment(ada_client, "GOV-A")
    domain = definition.domains[0]
    data = domain_data(domain, "2")
    data[f"q-{domain.questions[0].id}"] = value
    response = ada_client.post(f"/assessments/{assessment_id}/domains/{domain.id}", data=data)
    assert response.status_code == 200, value
    soup = page(response)
    summary = error_summary(soup)
    assert summary and summary[0][0] == f"#q-{domain.questions[0].id}", summary
    assert domain.questions[0].id not in stored_answers(assessment_id)


# -- CR/LF and other tricks in `next` ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/sites%0D%0ASet-Cookie:%20x=1",
        "/sites%0ALocation:%20https://evil.example",
        "%0D%0A/sites",
        "//evil.example",
        "/%5Cevil.example",
        "/%09/evil.example",
        "https://evil.example/",
        "/\\evil.example",
    ],
)
def test_next_with_cr_lf_or_another_host_goes_home_never_a_500(app_ctx, ada, target):
    client = new_client(app_ctx)
    response = client.post(f"/sign-in?next={target}", data={"email": ada.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "\r" not in response.headers["Location"] and "\n" not in response.headers["Location"]
    assert "Set-Cookie" not in response.headers or "x=1" not in response.headers["Set-Cookie"]
    assert location(response) in ("/sites", "/sitesSet-Cookie:%20x=1", "/sitesLocation:%20https://evil.example")
    assert "evil.example" not in location(response).split("Location")[0]


def test_next_to_a_page_of_the_service_is_still_followed(app_ctx, ada):
    client = new_client(app_ctx)
    response = client.post("/sign-in?next=/sites/GOV-A/trend", data={"email": ada.email, "password": PASSWORD})
    assert location(response) == "/sites/GOV-A/trend"


# -- Sizes -----------------------------------------------------------------------------------------------------


class CountingStream(io.RawIOBase):
    """A request body of `size` bytes that records how much of it was read."""

    def __init__(self, size: int):
        self.size = size
        self.read_so_far = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = min(len(buffer), self.size - self.read_so_far)
        buffer[:count] = b"a" * count
        self.read_so_far += count
        return count


def test_a_20_mb_sign_in_body_gets_413_without_being_read(app_ctx):
    from werkzeug.test import create_environ
    from werkzeug.wrappers import Response

    size = 20 * 1024 * 1024
    body = CountingStream(size)
    environ = create_environ("/sign-in", method="POST", content_type="application/x-www-form-urlencoded")
    environ["wsgi.input"] = body
    environ["CONTENT_LENGTH"] = str(size)
    response = Response.from_app(app_ctx.wsgi_app, environ)
    assert_error_page(response, 413, TOO_LARGE)
    assert "none of it was read or saved" in text_of(main(page(response)))
    assert body.read_so_far <= MAX_CONTENT_LENGTH


def test_a_body_just_over_the_limit_gets_413_and_the_largest_area_page_fits(ada_client, make):
    definition = make.questionnaire().definition
    assessment_id = start_assessment(ada_client, "GOV-A")
    domain = max(definition.domains, key=lambda section: len(section.questions))
    # The largest legitimate area page: every evidence box full of 4-byte characters, percent-encoded.
    full = {question.id: "\U0001f600" * 2000 for question in domain.questions}
    response = ada_client.post(
        f"/assessments/{assessment_id}/domains/{domain.id}", data=domain_data(domain, "2", full, action="later")
    )
    assert response.status_code in (200, 302)
    response = ada_client.post(
        f"/assessments/{assessment_id}/domains/{domain.id}",
        data={"action": "later", "padding": "a" * (MAX_CONTENT_LENGTH + 1)},
    )
    assert_error_page(response, 413, TOO_LARGE)


def test_one_field_over_the_form_memory_limit_gets_413_and_is_not_echoed(ada_client, make):
    definition = make.questionnaire().definition
    assessment_id = start_assessment(ada_client, "GOV-A")
    domain = definition.domains[0]
    huge = "x" * (MAX_FORM_MEMORY_SIZE + 1)
    data = domain_data(domain, "2", {domain.questions[0].id: huge}, action="later")
    response = ada_client.post(
        f"/assessments/{assessment_id}/domains/{domain.id}", data=data, content_type="multipart/form-data"
    )
    assert_error_page(response, 413, TOO_LARGE)
    assert huge not in response.get_data(as_text=True)
    assert stored_evidence(assessment_id) == {}


def test_evidence_over_its_limit_gets_the_govuk_error_and_is_not_saved(ada_client, make):
    from assess.questionnaire.forms import EVIDENCE_MAX_LENGTH

    definition = make.questionnaire().definition
    assessment_id = start_assessment(ada_client, "GOV-A")
    domain = definition.domains[0]
    question = domain.questions[0]
    long_text = "y" * (EVIDENCE_MAX_LENGTH + 500)
    response = ada_client.post(
        f"/assessments/{assessment_id}/domains/{domain.id}",
        data=domain_data(domain, "2", {question.id: long_text}, action="later"),
    )
    assert response.status_code == 200
    soup = page(response)
    assert error_summary(soup)[0][0] == f"#evidence-{question.id}"
    assert "must be 2,000 characters or fewer" in error_summary(soup)[0][1]
    # What was typed is kept on the page to be shortened (GOV.UK character count), never more than the form limit.
    assert textarea_value(soup, f"evidence-{question.id}") == long_text
    assert question.id not in stored_evidence(assessment_id)


def test_very_long_evidence_is_shown_cut_with_a_message_and_not_saved(ada_client, make):
    definition = make.questionnaire().definition
    assessment_id = start_assessment(ada_client, "GOV-A")
    domain = definition.domains[0]
    question = domain.questions[0]
    very_long = "z" * 300_000  # url-encoded, as browsers send it: under the body limit, over any field's
    response = ada_client.post(
        f"/assessments/{assessment_id}/domains/{domain.id}",
        data=domain_data(domain, "2", {question.id: very_long}, action="later"),
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert len(body) < 200_000
    soup = page(response)
    assert error_summary(soup)[0][0] == f"#evidence-{question.id}"
    assert textarea_value(soup, f"evidence-{question.id}") == "z" * MAX_FIELD_LENGTH
    banner = soup.find(class_="govuk-notification-banner")
    assert banner is not None and TRUNCATED_MESSAGE in text_of(banner)
    assert question.id not in stored_evidence(assessment_id)
    # The other answers on the page, which passed their checks, are kept (nothing typed is lost).
    assert set(stored_answers(assessment_id)) == {q.id for q in domain.questions}


# -- Text-direction overrides ------------------------------------------------------------------------------------


def test_direction_overrides_typed_in_evidence_are_removed(ada_client, make):
    definition = make.questionnaire().definition
    assessment_id = start_assessment(ada_client, "GOV-A")
    domain = definition.domains[0]
    question = domain.questions[0]
    typed = "Paid \u202e0001\u202c pounds \u2066to\u2069 members" + BIDI
    response = ada_client.post(
        f"/assessments/{assessment_id}/domains/{domain.id}",
        data=domain_data(domain, "2", {question.id: typed}, action="later"),
    )
    assert response.status_code == 302
    assert stored_evidence(assessment_id)[question.id] == "Paid 0001 pounds to members"


def submitted_with_stored_overrides(make: Factory, alpha: Any, ada: Any) -> tuple[Any, str]:
    """Evidence holding direction overrides stored without passing the edge (as an import or older data would)."""
    from assess.data.assessments import save_answers, submit_assessment
    from assess.extensions import db
    from assess.scoring import score_assessment

    definition = make.questionnaire().definition
    question = definition.domains[0].questions[0]
    assessment = make.draft(alpha, ada, "2025-26")
    spoof = "Budget \u202egnitsil\u202c set by members SPOOF5521"
    save_answers(assessment, make.all_answers("2"), {question.id: spoof}, ada)
    submit_assessment(assessment, ada, lambda answers: score_assessment(definition, answers))
    db.session.commit()
    return assessment, question.id


def test_stored_direction_overrides_are_neutralised_in_the_page(app_ctx, make, alpha, ada, ada_client):
    assessment, _ = submitted_with_stored_overrides(make, alpha, ada)
    pages = [f"/assessments/{assessment.id}/results"]
    shown = False
    for path in pages:
        response = ada_client.get(path)
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert not any(character in body for character in BIDI), path
        shown = shown or "Budget gnitsil set by members SPOOF5521" in text_of(main(page(response)))
    draft = make.draft(alpha, ada, "2026-27")
    from assess.data.assessments import save_answers
    from assess.extensions import db

    definition = make.questionnaire().definition
    question = definition.domains[0].questions[0]
    save_answers(draft, {}, {question.id: "Draft \u202etxet\u202c SPOOF7788"}, ada)
    db.session.commit()
    for path in (f"/assessments/{draft.id}/check", f"/assessments/{draft.id}/domains/{definition.domains[0].id}"):
        response = ada_client.get(path)
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert "SPOOF7788" in body, path
        assert not any(character in body for character in BIDI), path


def pdftotext(data: bytes) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("poppler's pdftotext is not installed")
    return subprocess.run([tool, "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_stored_direction_overrides_are_neutralised_in_the_pdf(app_ctx, make, alpha, ada, ada_client):
    assessment, _ = submitted_with_stored_overrides(make, alpha, ada)
    response = ada_client.get(f"/assessments/{assessment.id}/evidence-pack.pdf")
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    text = pdftotext(response.get_data())
    assert "SPOOF5521" in text
    assert "gnitsil" in text
    assert not any(character in text for character in BIDI)


# -- A GOV.UK date input posted with the wrong number of parts (GovDateField keeps three) --------------------


@pytest.mark.parametrize("parts", [None, ["1"], ["1", "2"], ["1", "2", "2027", "9"]])
def test_a_due_date_with_missing_or_extra_parts_gets_a_govuk_error(app_ctx, make, alpha, ada, parts):
    inspector = make.user("inspector", email="ins@example.org", remit=(("prison", "England"),))
    assessment = make.submitted(alpha, ada, "2025-26", choice="2")
    client = sign_in(new_client(app_ctx), inspector)
    data: dict[str, Any] = {"areas": [make.questionnaire().definition.domains[0].id], "text": "Where are the minutes?"}
    if parts is not None:
        data["due_on"] = parts
    response = client.post(f"/inspect/assessments/{assessment.id}/queries/new", data=data)
    assert response.status_code == 400  # a refused form on this page, as for any other mistake: never a 500
    assert any(target == "#due_on" or target.startswith("#due_on") for target, _ in error_summary(page(response)))
