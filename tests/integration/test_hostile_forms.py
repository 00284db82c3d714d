"""Property-based (Hypothesis): generated hostile values posted into every field of every form never give a
500, and a refusal changes nothing (issue 14, item 5).

The forms are found, not listed by field: each page below is opened as the person who uses it, and every
form on it that posts (sign-out aside) is filled from its own fields (inputs, text areas, selects, buttons
with a name), each kept as the page had it or replaced by a hostile value: NUL and other control characters,
direction overrides, odd Unicode, whitespace, numbers past any database's range, markup, and long and very
long text. A refusal (a 4xx, or a page with a GOV.UK error summary) must leave every table as it was (row
counts and a checksum of every row), except the audit trail and sign-in attempts on the sign-in page, which
record failures on purpose; the area page saves what passed its checks while showing the errors (so that
nothing typed is lost), so there the check is that nothing invalid was stored. Bounded: 25 examples a form,
derandomized, no deadline.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD, Factory, sign_in
from tests.integration.helpers import IsolatedClient, page

EXAMPLES = 25
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
CONTROL = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f{BIDI}]")

HOSTILE_CONSTANTS = [
    "",
    " ",
    "   \t ",
    "\x00",
    "a\x00b",
    "\r\n",
    "\x1b[31m",
    "\u202egnp.exe",
    "\u2066x\u2069",
    "\ufeff",
    "\u00a0",
    "\u200b",
    "\U0001f600" * 3,
    "e\u0301" * 5,
    "0",
    "-1",
    "1.5",
    "1e309",
    "NaN",
    str(2**31),
    str(2**63),
    str(2**64),
    "-" + str(2**63),
    "9" * 40,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    '=HYPERLINK("http://127.0.0.1:9")',
    "2026-27\x00",
    "dont-know",
    "not-applicable",
]


def hostile() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE_CONSTANTS),
        st.text(max_size=40),
        st.text(alphabet=st.characters(max_codepoint=0x9F, exclude_categories=("Cs",)), max_size=20),
        st.text(alphabet=st.sampled_from(BIDI + "ab \x00"), max_size=20),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.integers(min_value=1_990, max_value=6_000).map(lambda size: "x" * size),
        st.sampled_from([150_000, 300_000]).map(lambda size: "y" * size),
    )


# -- The world: one of each form's users, with something for each form to act on ----------------------------


def commit() -> None:
    from assess.extensions import db

    db.session.commit()


@pytest.fixture()
def world(make: Factory, app_ctx: Flask) -> dict[str, Any]:
    from assess.data import queries as query_data
    from assess.data.areas import AreaRow, get_area_by_code, upsert_areas
    from assess.data.users import create_or_update_user

    alpha = make.site(code="GOV-A", name="HMP Alpha", kind="prison", nation="England")
    ada = make.user("governor", sites=(alpha,), email="ada@example.org", name="Ada Governor")
    inspector = make.user("inspector", email="ins@example.org", name="Ina Spector", remit=(("prison", "England"),))
    submitted = make.submitted(alpha, ada, "2025-26", choice="2")
    draft = make.draft(alpha, ada, "2026-27")
    query = query_data.raise_query(
        submitted, inspector, [make.questionnaire().definition.domains[0].id], "Where are the minutes?",
        date.today() + timedelta(days=14),
    )  # fmt: skip
    commit()
    upsert_areas([AreaRow("NW-TEST", "North West test area", "region", (alpha.code,))])
    commit()
    area = get_area_by_code("NW-TEST")
    commissioner = create_or_update_user(
        "cam@example.org", "Cam Commissioner", "commissioner", PASSWORD, [], areas=[area]
    )
    commit()
    admin = make.user("admin", email="adm@example.org", name="Adi Admin")
    definition = make.questionnaire().definition
    return {
        "admin": admin,
        "inspector_id": inspector.id,
        "alpha": alpha,
        "ada": ada,
        "inspector": inspector,
        "commissioner": commissioner,
        "submitted": submitted.id,
        "draft": draft.id,
        "query": query.id,
        "domain": definition.domains[0].id,
        "definition": definition,
    }


# -- Forms: found on their pages -------------------------------------------------------------------------------


Fields = dict[str, tuple[str, list[str]]]


def forms_on(soup: BeautifulSoup, page_path: str) -> list[tuple[str, Fields]]:
    """(action, {field: (kind, [values the page offers])}) for each form that posts, sign-out aside. The kind
    is "choice" for radios, checkboxes, selects and buttons (values to choose among), "parts" for several text
    inputs of one name (a GOV.UK date: day, month, year), else "text"."""
    found = []
    for form in soup.find_all("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        action = form.get("action") or page_path
        if action.startswith("/sign-out"):
            continue
        fields: Fields = {}
        for element in form.find_all(["input", "textarea", "select", "button"]):
            name = element.get("name")
            if not name:
                continue
            kind = "text"
            if element.name == "select":
                values = [option.get("value", option.get_text()) for option in element.find_all("option")]
                kind = "choice"
            elif element.name == "textarea":
                values = [element.get_text()]
            else:
                values = [element.get("value", "")]
                if element.name == "button" or element.get("type") in ("radio", "checkbox", "submit"):
                    kind = "choice"
            previous_kind, previous = fields.get(name, (kind, []))
            if kind == "text" and previous:
                kind = "parts"
            fields[name] = (kind if previous_kind != "choice" else "choice", previous + values)
        if fields:
            found.append((action, fields))
    return found


def field_values(kind: str, offered: list[str]) -> st.SearchStrategy[list[str] | None]:
    """What to post for one field: left out, a value the page offers, or hostile; a date keeps its three parts
    (a GOV.UK date input with the wrong number of parts is a known 500: see test_hostile_input.py)."""
    one = st.one_of(st.sampled_from(offered), hostile()) if offered else hostile()
    if kind == "parts":
        return st.lists(one, min_size=len(offered), max_size=len(offered))
    if kind == "choice" and len(offered) > 1:
        return st.one_of(st.none(), st.lists(one, min_size=1, max_size=3))
    return st.one_of(st.none(), one.map(lambda value: [value]))


def checksum(exclude: Callable[[str], bool]) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every row, per table."""
    from sqlalchemy import select

    from assess.extensions import db

    db.session.rollback()
    db.session.expire_all()
    result: dict[str, tuple[int, str]] = {}
    for table in db.metadata.sorted_tables:
        if exclude(table.name):
            continue
        rows = db.session.execute(select(table)).all()
        lines = sorted(repr(tuple(row)) for row in rows)
        result[table.name] = (len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest())
    db.session.rollback()
    return result


def is_refusal(response: Any) -> bool:
    if 400 <= response.status_code < 500:
        return True
    if response.status_code == 200 and response.mimetype == "text/html":
        return page(response).find(class_="govuk-error-summary") is not None
    return False


def nothing_invalid_stored(world: dict[str, Any]) -> None:
    """Every stored answer is one of its question's choices; all stored evidence is within its limit, and free
    of control characters and direction overrides."""
    from assess.data.assessments import get_assessment
    from assess.extensions import db
    from assess.questionnaire.forms import EVIDENCE_MAX_LENGTH, choices_for

    db.session.expire_all()
    assessment = get_assessment(world["draft"])
    assert assessment is not None
    questions = {q.id: q for domain in world["definition"].domains for q in domain.questions}
    for question_id, choice in assessment.answer_map().items():
        if choice is not None:
            allowed = {value for value, _ in choices_for(questions[question_id], "prison")}
            assert choice in allowed, (question_id, choice)
    for question_id, text in assessment.evidence_map().items():
        if text:
            assert len(text) <= EVIDENCE_MAX_LENGTH, question_id
            assert not CONTROL.search(text), (question_id, text[:80])
    db.session.rollback()


def session_like(name: str) -> bool:
    return "session" in name


def sign_in_records(name: str) -> bool:
    return session_like(name) or "audit" in name or "attempt" in name or "throttl" in name or "login" in name


FORMS = {
    # name: (who, page path, tables a refusal may change on purpose)
    "sign-in": (None, "/sign-in", sign_in_records),
    "start": ("ada", "/sites/GOV-A/start", session_like),
    "area page": ("ada", "/assessments/{draft}/domains/{domain}", session_like),
    "check": ("ada", "/assessments/{draft}/check", session_like),
    "targets": ("ada", "/assessments/{submitted}/targets", session_like),
    "query reply": ("ada", "/queries/{query}", session_like),
    "inspector validate area": ("inspector", "/inspect/assessments/{submitted}/validate/{domain}", session_like),
    "inspector validate page": ("inspector", "/inspect/assessments/{submitted}/validate", session_like),
    "inspector new query": ("inspector", "/inspect/assessments/{submitted}/queries/new", session_like),
    "commissioner assurance": ("commissioner", "/areas/NW-TEST/sites/GOV-A/assurance", session_like),
    # Two-factor sign-in: the code after the password (a client that has passed the password step only), a
    # recovery code, the account page's confirmations, and a governor setting it up.
    "security code": ("password-step:inspector", "/sign-in/security-code", sign_in_records),
    "recovery code": ("password-step:inspector", "/sign-in/recovery-code", sign_in_records),
    "your account": ("inspector", "/account", sign_in_records),
    "set up two-factor": ("ada", "/account/two-factor/set-up", session_like),
    # The admin pages' forms (the sites upload's file field is posted as a plain value: a refusal).
    "admin add user": ("admin", "/admin/users/new", session_like),
    "admin change user": ("admin", "/admin/users/{inspector_id}/change", session_like),
    "admin sites upload": ("admin", "/admin/sites", session_like),
}


@pytest.mark.parametrize("form_name", list(FORMS))
def test_hostile_values_in_every_field_never_give_a_500_and_a_refusal_changes_nothing(
    app_ctx: Flask, world: dict[str, Any], form_name: str
) -> None:
    who, path_template, may_change = FORMS[form_name]
    path = path_template.format(**world)

    def client() -> IsolatedClient:
        fresh = IsolatedClient(app_ctx, app_ctx.response_class, use_cookies=True)
        if who is not None and who.startswith("password-step:"):
            user = world[who.split(":", 1)[1]]
            assert fresh.post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code == 302
            return fresh
        return fresh if who is None else sign_in(fresh, world[who])  # type: ignore[return-value]

    person = client()
    opened = person.get(path)
    assert opened.status_code == 200, (form_name, opened.status_code)
    forms = forms_on(page(opened), path)
    assert forms, f"no form found on {path}"

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def post_hostile_values(data: st.DataObject) -> None:
        action, fields = data.draw(st.sampled_from(forms), label="form")
        posted: dict[str, list[str]] = {}
        for name, (kind, offered) in fields.items():
            if name == "csrf_token":
                continue
            values = data.draw(field_values(kind, offered), label=name)
            if values is not None:
                posted[name] = values
        before = checksum(may_change)
        # Sign-in: a new anonymous client each time (a success signs in and would redirect the next example).
        sender = client() if who is None else person
        response = sender.post(action, data=posted)
        assert response.status_code != 500, (form_name, action, {k: [v[:60] for v in vs] for k, vs in posted.items()})
        assert response.status_code < 500 or response.status_code == 503, response.status_code
        body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        assert "Traceback" not in body
        if form_name == "area page" and response.status_code < 400:
            nothing_invalid_stored(world)
        elif is_refusal(response):
            assert checksum(may_change) == before, (form_name, response.status_code)
        nothing_invalid_stored(world)

    post_hostile_values()
