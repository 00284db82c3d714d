"""The admin's questionnaire versions page (issue 14, item 8): each version the app loaded with its content hash
(as check_published compares it), whether it is the latest, its areas and questions, the assessments using it
(drafts and submitted, counted against assessments made here) and the hash recorded at first use, with a
warning when that differs from the file's (the app refuses to start so; shown if it ever happens)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from assess.questionnaire.loader import Registry
from tests.integration.helpers import h1, main, page, text_of


@pytest.fixture()
def admin_client(make: Any, client_as: Any) -> Any:
    return client_as(make.user("admin", email="ann.admin@example.org", name="Ann Admin"))


def summary(response: Any, questionnaire_id: str, version: str) -> dict[str, str]:
    """The summary list under a version's heading, as {key: value}."""
    heading = main(page(response)).find(id=f"version-{questionnaire_id}-{version}")
    assert heading is not None, f"no heading for {questionnaire_id} {version}"
    listing = heading.find_next_sibling("dl")
    for code in listing.find_all("code"):  # a hash may break across lines (<wbr>), never with a space
        code.replace_with(code.get_text(""))
    return {
        text_of(row.select_one(".govuk-summary-list__key")): text_of(row.select_one(".govuk-summary-list__value"))
        for row in listing.select(".govuk-summary-list__row")
    }


def test_the_loaded_version_with_its_hash_counts_and_recorded_hash(admin_client, make, app_ctx):
    loaded = make.questionnaire()
    definition = loaded.definition
    response = admin_client.get("/admin/questionnaires")
    assert response.status_code == 200
    assert h1(page(response)) == "Questionnaire versions"
    before = summary(response, definition.id, definition.version)
    assert before["Hash of the file (SHA-256)"] == loaded.content_hash and len(loaded.content_hash) == 64
    assert before["Hash recorded at first use"] == "Not used yet"
    assert before["Assessments using it"] == "0 (0 drafts, 0 submitted)"
    assert before["Areas and questions"] == (
        f"{len(definition.domains)} areas, {sum(len(d.questions) for d in definition.domains)} questions"
    )
    heading = text_of(main(page(response)).find(id=f"version-{definition.id}-{definition.version}"))
    assert heading.startswith(definition.title) and "Latest" in heading

    alpha, beta = make.site(code="Q-A"), make.site(code="Q-B")
    governor = make.user("governor", sites=(alpha, beta))
    make.draft(alpha, governor, "2026-27")
    make.draft(beta, governor, "2026-27")
    make.submitted(alpha, governor, "2025-26")
    after = summary(admin_client.get("/admin/questionnaires"), definition.id, definition.version)
    assert after["Assessments using it"] == "3 (2 drafts, 1 submitted)"
    assert after["Hash recorded at first use"] == f"{loaded.content_hash} Matches the file."
    assert not main(page(admin_client.get("/admin/questionnaires"))).select(".govuk-warning-text")


def test_a_newer_version_is_the_latest_and_each_counts_its_own_assessments(admin_client, make, app_ctx, monkeypatch):
    loaded = make.questionnaire()
    site = make.site(code="Q-C")
    governor = make.user("governor", sites=(site,))
    make.submitted(site, governor, "2025-26")
    newer = dataclasses.replace(
        loaded,
        definition=loaded.definition.model_copy(update={"version": "99.0", "title": "A newer questionnaire"}),
        content_hash="f" * 64,
    )
    registry = Registry(items={**app_ctx.extensions["questionnaires"].items, newer.key: newer})
    monkeypatch.setitem(app_ctx.extensions, "questionnaires", registry)
    response = admin_client.get("/admin/questionnaires")
    old_heading = text_of(main(page(response)).find(id=f"version-{loaded.key[0]}-{loaded.key[1]}"))
    new_heading = text_of(main(page(response)).find(id=f"version-{loaded.key[0]}-99.0"))
    assert "Latest" not in old_heading and "Latest" in new_heading
    assert summary(response, loaded.key[0], loaded.key[1])["Assessments using it"] == "1 (0 drafts, 1 submitted)"
    assert summary(response, loaded.key[0], "99.0")["Assessments using it"] == "0 (0 drafts, 0 submitted)"
    assert summary(response, loaded.key[0], "99.0")["Hash of the file (SHA-256)"] == "f" * 64


def test_a_recorded_hash_that_differs_from_the_file_is_a_clear_warning(admin_client, make, app_ctx, monkeypatch):
    loaded = make.questionnaire()
    site = make.site(code="Q-D")
    make.draft(site, make.user("governor", sites=(site,)), "2026-27")
    changed = dataclasses.replace(loaded, content_hash="0" * 64)
    monkeypatch.setitem(app_ctx.extensions, "questionnaires", Registry(items={loaded.key: changed}))
    response = admin_client.get("/admin/questionnaires")
    warnings = [text_of(item) for item in main(page(response)).select(".govuk-warning-text")]
    assert len(warnings) == 1
    assert f"Version {loaded.key[1]} of ‘{loaded.key[0]}’ has changed since assessments first used it" in warnings[0]
    row = summary(response, *loaded.key)
    assert row["Hash of the file (SHA-256)"] == "0" * 64
    assert row["Hash recorded at first use"] == f"{loaded.content_hash} Does not match the file."
    heading = main(page(response)).find(id=f"version-{loaded.key[0]}-{loaded.key[1]}")
    assert "Changed since first used" in text_of(heading)


def test_a_version_in_use_whose_file_is_missing_is_shown_with_a_warning(admin_client, make, app_ctx, monkeypatch):
    loaded = make.questionnaire()
    site = make.site(code="Q-E")
    make.submitted(site, make.user("governor", sites=(site,)), "2025-26")
    monkeypatch.setitem(app_ctx.extensions, "questionnaires", Registry(items={}))
    response = admin_client.get("/admin/questionnaires")
    assert response.status_code == 200
    warnings = [text_of(item) for item in main(page(response)).select(".govuk-warning-text")]
    assert any("its file is missing" in warning for warning in warnings)
    assert summary(response, *loaded.key)["Assessments using it"] == "1 (0 drafts, 1 submitted)"


@pytest.mark.parametrize("role", ["governor", "inspector", "commissioner"])
def test_other_audiences_get_403(make, client_as, role):
    sites = (make.site(code="GOV-Z"),) if role == "governor" else ()
    assert client_as(make.user(role, sites=sites)).get("/admin/questionnaires").status_code == 403


def test_the_admin_home_page_links_to_the_four_pages(admin_client):
    response = admin_client.get("/admin/")
    links = {text_of(link): link["href"] for link in main(page(response)).select("ul a")}
    assert links == {
        "Users": "/admin/users",
        "Sites": "/admin/sites",
        "Audit trail": "/admin/audit",
        "Questionnaire versions": "/admin/questionnaires",
    }
    for href in links.values():
        assert admin_client.get(href).status_code == 200, href
