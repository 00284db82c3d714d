"""Helpers shared by the integration tests: isolated clients, parsed pages, the governor journey."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup, Tag
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.clients import IsolatedClient  # noqa: F401  (re-exported for the tests that import it from here)


def page(response: TestResponse) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text_of(node: Any) -> str:
    """The text of a node with its white space collapsed."""
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True)).strip()


def location(response: TestResponse) -> str:
    """The path (and query) a redirect points to."""
    return re.sub(r"^https?://[^/]+", "", response.headers.get("Location", ""))


def main(soup: BeautifulSoup) -> Tag:
    found = soup.find("main")
    assert isinstance(found, Tag), "the page has no <main>"
    return found


def h1(soup: BeautifulSoup) -> str:
    heading = main(soup).find("h1")
    assert heading is not None, "the page has no <h1>"
    return text_of(heading)


def error_summary(soup: BeautifulSoup) -> list[tuple[str, str]]:
    """(link target, message) for each entry of the GOV.UK error summary; [] when there is none."""
    summary = soup.select_one(".govuk-error-summary")
    if summary is None:
        return []
    return [(link.get("href", ""), text_of(link)) for link in summary.select(".govuk-error-summary__list a")]


def inline_error(soup: BeautifulSoup, field_name: str) -> str | None:
    """The inline error message of the form group holding the named field, if it has one."""
    field = soup.find(attrs={"name": field_name})
    assert field is not None, f"no field named {field_name}"
    group = field.find_parent(class_="govuk-form-group")
    assert group is not None
    message = group.select_one(".govuk-error-message")
    return text_of(message) if message is not None else None


def checked_value(soup: BeautifulSoup, field_name: str) -> str | None:
    checked = [radio.get("value") for radio in soup.find_all("input", attrs={"name": field_name, "type": "radio"})
               if radio.has_attr("checked")]
    assert len(checked) <= 1
    return checked[0] if checked else None


def textarea_value(soup: BeautifulSoup, field_name: str) -> str:
    area = soup.find("textarea", attrs={"name": field_name})
    assert area is not None, f"no textarea named {field_name}"
    # html.parser keeps the text as sent; a browser drops one leading new line, and so do we.
    value = area.get_text()
    return value[1:] if value.startswith("\n") else value


def start_assessment(client: FlaskClient, site_code: str, period: str = "2026-27") -> int:
    response = client.post(f"/sites/{site_code}/start", data={"period": period})
    assert response.status_code == 302, f"start refused: {response.status_code}"
    match = re.fullmatch(r"/assessments/(\d+)", location(response))
    assert match, location(response)
    return int(match.group(1))


def domain_data(domain: Any, choice: str | None = "2", evidence: dict[str, str] | None = None,
                action: str = "continue") -> dict[str, str]:
    data = {f"q-{question.id}": choice for question in domain.questions if choice is not None}
    for question_id, text in (evidence or {}).items():
        data[f"evidence-{question_id}"] = text
    data["action"] = action
    return data


def complete_all_domains(client: FlaskClient, assessment_id: int, questionnaire: Any, choice: str = "2") -> None:
    for domain in questionnaire.domains:
        response = client.post(f"/assessments/{assessment_id}/domains/{domain.id}", data=domain_data(domain, choice))
        assert response.status_code == 302, f"{domain.id}: {response.status_code}"
