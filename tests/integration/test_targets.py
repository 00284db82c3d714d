"""Targets (issue 13, item 4): a governor sets a target level for each area from the results page; "No target"
clears one; each change is an audit event shown in the History; a save over a colleague's newer save of the same
area is refused (409) with theirs shown and what was chosen kept; a level the area does not have is refused
with a GOV.UK error; another site's governor gets 404. Real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from assess.extensions import db
from assess.models import AuditEvent
from assess.models.target import SiteTarget
from tests.integration.helpers import checked_value, error_summary, location, main, page, text_of


@pytest.fixture()
def world(make, site_a, gov, client_as) -> dict[str, Any]:
    assessment = make.submitted(site_a, gov, "2025-26", choice="2")
    colleague = make.user("governor", sites=(site_a,), email="colleague@example.org", name="Cole League")
    definition = make.questionnaire().definition
    return {
        "assessment": assessment,
        "url": f"/assessments/{assessment.id}/targets",
        "ada": client_as(gov),
        "cole": client_as(colleague),
        "areas": [domain.id for domain in definition.domains],
        "site": site_a,
    }


def form_of(soup) -> dict[str, str]:
    """What the browser would send: every hidden input and the checked radio of each group."""
    form = main(soup).find("form", attrs={"method": "post"})
    data = {item["name"]: item.get("value", "") for item in form.find_all("input", attrs={"type": "hidden"})}
    for radio in form.find_all("input", attrs={"type": "radio"}):
        if radio.has_attr("checked"):
            data[radio["name"]] = radio["value"]
    return data


def stored(site) -> dict[str, tuple[int, int]]:
    db.session.expire_all()
    rows = db.session.scalars(select(SiteTarget).where(SiteTarget.site_id == site.id))
    return {row.domain_id: (row.level, row.version) for row in rows}


def target_events(site) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.site_id == site.id, AuditEvent.action.like("target-%"))
            .order_by(AuditEvent.id)
        )
    )


def test_the_results_page_links_to_the_targets_page_and_every_area_starts_with_no_target(world):
    results = page(world["ada"].get(f"/assessments/{world['assessment'].id}/results"))
    link = main(results).find("a", href=world["url"])
    assert link is not None and text_of(link).startswith("Set your targets")
    soup = page(world["ada"].get(world["url"]))
    assert text_of(main(soup).find("h1")) == "Set a target level for each area"
    for area in world["areas"]:
        assert checked_value(soup, f"target-{area}") == "none"
        values = [radio["value"] for radio in soup.find_all("input", attrs={"name": f"target-{area}"})]
        assert values == ["none", "1", "2", "3", "4", "5"]  # never level 0, "not yet started"


def test_saving_sets_and_clearing_removes_a_target_each_an_audit_event_in_the_history(world):
    ada, site = world["ada"], world["site"]
    first, second = world["areas"][:2]
    data = form_of(page(ada.get(world["url"])))
    saved = ada.post(world["url"], data={**data, f"target-{first}": "4", f"target-{second}": "3"})
    assert saved.status_code == 302 and location(saved).endswith("/results#change")
    assert stored(site) == {first: (4, 1), second: (3, 1)}

    # The results page shows them, and the gap: own level 2 minus the target.
    results = page(ada.get(location(saved)))
    row = next(
        [text_of(cell) for cell in tr.find_all(["th", "td"])]
        for tr in main(results).select("#change-table tbody tr")
        if text_of(tr.find("th")) == results.find(id=f"domain-{first}").get_text(strip=True)
    )
    assert "4 – " in " ".join(row) and "2 levels below the target" in row

    data = form_of(page(ada.get(world["url"])))
    assert data[f"target-{first}"] == "4" and data[f"version-{first}"] == "1"
    changed = ada.post(world["url"], data={**data, f"target-{first}": "5", f"target-{second}": "none"})
    assert changed.status_code == 302
    assert stored(site) == {first: (5, 2)}

    events = target_events(site)
    assert [(event.action, event.before, event.after) for event in events] == [
        ("target-set", {"domain": first, "level": None}, {"domain": first, "level": 4}),
        ("target-set", {"domain": second, "level": None}, {"domain": second, "level": 3}),
        ("target-set", {"domain": first, "level": 4}, {"domain": first, "level": 5}),
        ("target-cleared", {"domain": second, "level": 3}, {"domain": second, "level": None}),
    ]
    assert all(event.assessment_id == world["assessment"].id for event in events)
    history = text_of(main(page(ada.get(f"/assessments/{world['assessment'].id}/history"))))
    first_title = results.find(id=f"domain-{first}").get_text(strip=True)
    assert f"Set a target for ‘{first_title}’" in history and "Target level from 4 to 5" in history
    assert "Removed the target for" in history and "Target level from 3 to none" in history


def test_saving_unchanged_targets_changes_nothing_and_twice_is_not_a_conflict(world):
    ada, site = world["ada"], world["site"]
    first = world["areas"][0]
    data = {**form_of(page(ada.get(world["url"]))), f"target-{first}": "3"}
    assert ada.post(world["url"], data=data).status_code == 302
    assert ada.post(world["url"], data=data).status_code == 302  # a double click: the same page sent twice
    assert stored(site) == {first: (3, 1)} and len(target_events(site)) == 1


def test_a_save_over_a_colleagues_newer_target_is_refused_showing_both_and_keeping_the_choice(world):
    ada, cole, site = world["ada"], world["cole"], world["site"]
    first, second, third = world["areas"][:3]
    ada_form = form_of(page(ada.get(world["url"])))
    cole_form = form_of(page(cole.get(world["url"])))

    cole_saved = cole.post(world["url"], data={**cole_form, f"target-{first}": "3", f"target-{third}": "2"})
    assert cole_saved.status_code == 302
    refused = ada.post(world["url"], data={**ada_form, f"target-{first}": "5", f"target-{second}": "4"})

    assert refused.status_code == 409
    assert stored(site) == {first: (3, 1), third: (2, 1)}  # nothing of Ada's saved, not even the second area
    soup = page(refused)
    assert soup.title.string.startswith("Error: ")
    [(href, message)] = error_summary(soup)
    assert href == f"#target-{first}" and "changed the target for" in message
    theirs = text_of(main(soup).find(id=f"conflict-{first}"))
    assert "Saved by Cole League" in theirs and "3 – " in theirs
    assert checked_value(soup, f"target-{first}") == "5"  # what Ada chose, kept
    assert checked_value(soup, f"target-{second}") == "4"
    assert checked_value(soup, f"target-{third}") == "2"  # Ada did not touch it: Cole's target shown
    # Saving again applies Ada's choice over Cole's, deliberately, and leaves Cole's third area alone.
    again = ada.post(world["url"], data=form_of(soup))
    assert again.status_code == 302
    assert stored(site) == {first: (5, 2), second: (4, 1), third: (2, 1)}


def test_a_colleague_clearing_a_target_meanwhile_is_a_conflict_too(world):
    ada, cole, site = world["ada"], world["cole"], world["site"]
    first = world["areas"][0]
    def save(client: Any, level: str) -> Any:
        return client.post(world["url"], data={**form_of(page(client.get(world["url"]))), f"target-{first}": level})

    assert save(ada, "3").status_code == 302
    ada_form = form_of(page(ada.get(world["url"])))
    assert save(cole, "none").status_code == 302
    refused = ada.post(world["url"], data={**ada_form, f"target-{first}": "4"})
    assert refused.status_code == 409 and stored(site) == {}
    assert "No target (they removed it)" in text_of(main(page(refused)).find(id=f"conflict-{first}"))


def test_a_level_the_area_does_not_have_is_refused_with_a_specific_message(world):
    ada, site = world["ada"], world["site"]
    first, second = world["areas"][:2]
    data = form_of(page(ada.get(world["url"])))
    for bad in ("0", "9", "x"):
        refused = ada.post(world["url"], data={**data, f"target-{first}": bad, f"target-{second}": "4"})
        assert refused.status_code == 200
        soup = page(refused)
        [(href, message)] = error_summary(soup)
        assert href.startswith(f"#target-{first}") and message.startswith("Select a target level for ‘")
        assert checked_value(soup, f"target-{second}") == "4"  # the rest of what was chosen is kept
    assert stored(site) == {} and target_events(site) == []


def test_another_sites_governor_gets_404_and_a_draft_goes_to_its_task_list(world, make, client_as):
    other = make.user("governor", sites=(make.site(code="TG-Z"),), email="z@example.org")
    outsider = client_as(other)
    assert outsider.get(world["url"]).status_code == 404
    assert outsider.post(world["url"], data={f"target-{world['areas'][0]}": "3"}).status_code == 404
    draft = make.draft(world["site"], make.user("governor", sites=(world["site"],)), "2026-27")
    response = world["ada"].get(f"/assessments/{draft.id}/targets")
    assert response.status_code == 302 and location(response) == f"/assessments/{draft.id}"


def test_a_target_cleared_and_set_again_by_colleagues_meanwhile_is_still_a_conflict(world, make, client_as):
    """Clearing deletes the row, so a target set again starts at version 1: the level seen is checked too."""
    ada, cole, site = world["ada"], world["cole"], world["site"]
    dana = client_as(make.user("governor", sites=(site,), email="dana@example.org", name="Dana"))
    first = world["areas"][0]

    def save(client: Any, level: str) -> Any:
        return client.post(world["url"], data={**form_of(page(client.get(world["url"]))), f"target-{first}": level})

    assert save(ada, "3").status_code == 302
    ada_form = form_of(page(ada.get(world["url"])))  # sees 3, version 1
    assert save(cole, "none").status_code == 302
    assert save(dana, "2").status_code == 302  # version 1 again, level 2
    refused = ada.post(world["url"], data={**ada_form, f"target-{first}": "5"})
    assert refused.status_code == 409 and stored(site) == {first: (2, 1)}
    assert "Saved by Dana" in text_of(main(page(refused)).find(id=f"conflict-{first}"))


def test_the_trend_page_draws_each_areas_target_and_its_csv_holds_it(world, make, gov):
    import csv
    import io

    site = world["site"]
    make.submitted(site, gov, "2024-25", choice="1")
    first = world["areas"][0]
    ada = world["ada"]
    before = list(csv.DictReader(io.StringIO(ada.get(f"/sites/{site.code}/trend/domain-trend.csv").text)))
    assert before and all(row.get("Target level") in (None, "", "No target") for row in before)

    data = form_of(page(ada.get(world["url"])))
    assert ada.post(world["url"], data={**data, f"target-{first}": "4"}).status_code == 302
    rows = list(csv.DictReader(io.StringIO(ada.get(f"/sites/{site.code}/trend/domain-trend.csv").text)))
    targets = {row["Target level"] for row in rows if row.get("Target level") not in (None, "", "No target")}
    assert targets == {"4"}, rows[:3]
