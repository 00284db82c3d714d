"""Issue 13, item 8: an accessibility statement, a privacy notice and a help page, linked from every page's
footer and open to people who are not signed in."""

from __future__ import annotations

import pytest

from tests.integration.helpers import h1, main, page, text_of

FOOTER = [("Help", "/help"), ("Accessibility statement", "/accessibility"), ("Privacy notice", "/privacy")]


def footer_links(soup):  # type: ignore[no-untyped-def]
    footer = soup.find(class_="govuk-footer")
    assert footer is not None
    return [(text_of(a), a["href"]) for a in footer.select(".govuk-footer__inline-list a")]


@pytest.mark.parametrize("path", ["/sign-in", "/help", "/accessibility", "/privacy", "/help/benchmarks"])
def test_every_page_signed_out_has_the_footer_links(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert footer_links(page(response)) == FOOTER


def test_signed_in_pages_have_the_footer_links_too(governor_client):
    assert footer_links(page(governor_client.get("/sites"))) == FOOTER


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/help", "Help using SUI Assess"),
        ("/accessibility", "Accessibility statement for SUI Assess"),
        ("/privacy", "Privacy notice for SUI Assess"),
    ],
)
def test_the_pages_open_signed_out_with_their_heading_and_title(client, path, heading):
    response = client.get(path)
    assert response.status_code == 200
    soup = page(response)
    assert h1(soup) == heading
    assert text_of(soup.title) == f"{heading} – SUI Assess"


def headings(soup):  # type: ignore[no-untyped-def]
    return [text_of(tag) for tag in main(soup).find_all(["h2", "h3"])]


def test_the_accessibility_statement_follows_the_govuk_sample_and_is_honest(client):
    soup = page(client.get("/accessibility"))
    found = headings(soup)
    for heading in (
        "How accessible this service is",
        "Feedback and contact information",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Technical information about this service's accessibility",
        "Compliance status",
        "Non-accessible content",
        "How we tested this service",
        "Preparation of this accessibility statement",
    ):
        assert heading in found, heading
    text = text_of(main(soup))
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard" in text
    assert "1.4.10" in text  # what is known not to meet it is named
    assert "axe" in text and "keyboard" in text and "320 pixels" in text
    assert "Equality Advisory and Support Service" in text
    # The help page's contact link lands on the section that says how to report a problem.
    assert main(soup).find(id="report") is not None


def test_the_privacy_notice_says_what_why_how_long_rights_and_contact(client):
    soup = page(client.get("/privacy"))
    found = headings(soup)
    for heading in (
        "Who is responsible for your data",
        "What data we hold",
        "Why we hold it",
        "Who can see it",
        "How long we keep it",
        "Your rights",
        "Contact us or make a complaint",
    ):
        assert heading in found, heading
    text = text_of(main(soup))
    for held in ("your name", "your work email address", "answers", "evidence"):
        assert held in text, held
    assert "Information Commissioner's Office" in text


@pytest.mark.parametrize("path", ["/accessibility", "/privacy"])
def test_facts_only_the_operator_knows_are_marked_as_theirs_to_fill_in(client, path):
    soup = page(client.get(path))
    placeholders = main(soup).select(".app-operator-placeholder")
    assert len(placeholders) >= 4
    for placeholder in placeholders:
        assert text_of(placeholder).startswith("[For the operator to fill in: ")
        assert text_of(placeholder).endswith("]")
    # Nothing invented: no email address or telephone number in the page other than placeholders.
    text = text_of(main(soup))
    assert "@" not in text


def test_the_help_page_covers_the_journey_and_links_to_the_benchmark_rules(client, app):
    soup = page(client.get("/help"))
    found = headings(soup)
    for heading in (
        "Completing an assessment",
        "What is saved, and when",
        "Answers carried over from last year",
        "Benchmarks and peer groups",
        "Targets",
        "Who to contact",
    ):
        assert heading in found, heading
    contents = [a["href"] for a in main(soup).select("ul.govuk-list a[href^='#']")]
    assert contents == ["#complete", "#saving", "#carried-over", "#benchmarks", "#targets", "#contact"]
    assert all(main(soup).find(id=target[1:]) is not None for target in contents)
    assert main(soup).find("a", href="/help/benchmarks") is not None
    text = text_of(main(soup))
    assert f"at least {app.config['MIN_PEER_GROUP']} other sites" in text
    assert "Save and continue" in text and "Save and come back later" in text
