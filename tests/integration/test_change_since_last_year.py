"""Change since last year and targets, as AssessmentResults assembles them (issue 13, items 3 and 4): the previous
submitted year's level beside this year's for the overall score and each area, and the gap to each area's target
and to the peer median. Real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from assess.data.targets import save_targets
from assess.extensions import db
from assess.services.results import assessment_results


def _answers(make, levels: dict[str, str]) -> dict[str, str | None]:
    """Every question answered: the domain's entry in `levels`, else "2"."""
    definition = make.questionnaire().definition
    return {question.id: levels.get(domain.id, "2") for domain in definition.domains for question in domain.questions}


def _submit(make, site, user, period: str, answers: dict[str, str | None]):
    from assess.data.assessments import save_answers, submit_assessment
    from assess.scoring import score_assessment

    definition = make.questionnaire().definition
    assessment = make.draft(site, user, period)
    save_answers(assessment, answers, {}, user)
    submit_assessment(assessment, user, lambda given: score_assessment(definition, given))
    db.session.commit()
    return assessment


def test_two_years_give_the_change_for_the_overall_score_and_each_area(make):
    site = make.site(code="CHG-1", name="HMP Change")
    governor = make.user("governor", sites=(site,))
    definition = make.questionnaire().definition
    first, second, third = (domain.id for domain in definition.domains[:3])
    _submit(make, site, governor, "2024-25", _answers(make, {first: "1", second: "3"}))
    this_year = _submit(make, site, governor, "2025-26", _answers(make, {first: "3", second: "2", third: "2"}))

    view = assessment_results(this_year)
    change = view.change
    assert change is not None and change.has_previous and change.previous_period == "2024-25"
    assert change.domain(first).previous_level == 1 and change.domain(first).level == 3
    assert change.domain(first).level_change == 2 and change.domain(first).text == "Up 2 levels"
    assert change.domain(second).level_change == -1 and change.domain(second).text == "Down 1 level"
    assert change.domain(third).level_change == 0 and change.domain(third).text == "No change"
    assert change.overall.comparable and change.overall.previous_level is not None
    assert change.overall.score_change == view.result.score - change.overall.previous_score


def test_the_first_year_has_no_earlier_year_and_targets_give_the_gap(make):
    site = make.site(code="CHG-2", name="HMP First")
    governor = make.user("governor", sites=(site,))
    definition = make.questionnaire().definition
    first, second = (domain.id for domain in definition.domains[:2])
    assessment = _submit(make, site, governor, "2025-26", _answers(make, {first: "1"}))
    save_targets(site, definition.id, {first: 4, second: 2}, {}, governor, assessment_id=assessment.id)
    db.session.commit()

    view = assessment_results(assessment)
    assert view.change is not None and not view.change.has_previous
    assert view.change.domain(first).text == "No earlier year"
    assert view.targets == {first: 4, second: 2}
    assert view.gap_to_target(first) == 1 - 4
    assert view.gap_to_target(second) == 0
    assert view.gap_to_target(definition.domains[2].id) is None
    assert view.gap_to_peers(None, first) is None  # no peer group shown


# -- the results page and the CSV ----------------------------------------------------------------------------


def _peers(make, count: int, period: str, choice: str) -> None:
    """`count` other prisons (same kind, so in the national group) that submitted in the period."""
    owner = make.user("governor", sites=(), email=f"peers-{period}@example.org")
    for number in range(count):
        peer = make.site(code=f"P{period[:4]}-{number}", name=f"HMP Peer {period} {number}", region="South West")
        make.submitted(peer, owner, period, choice=choice)


def _two_years_with_targets(make, client_as):
    """HMP Change: 2024-25 with the first area at 1 and the second at 3, 2025-26 with them at 3 and 2 (the rest at
    2 both years); targets 4 on the first area and 2 on the second; six peers at 3 in 2025-26."""
    site = make.site(code="CHG-3", name="HMP Change")
    governor = make.user("governor", sites=(site,), email="change@example.org")
    definition = make.questionnaire().definition
    first, second = (domain.id for domain in definition.domains[:2])
    _submit(make, site, governor, "2024-25", _answers(make, {first: "1", second: "3"}))
    this_year = _submit(make, site, governor, "2025-26", _answers(make, {first: "3", second: "2"}))
    save_targets(site, definition.id, {first: 4, second: 2}, {}, governor, assessment_id=this_year.id)
    db.session.commit()
    _peers(make, 6, "2025-26", "3")
    return client_as(governor), this_year, definition


def test_the_results_page_shows_the_change_the_target_and_both_gaps_per_area(make, client_as):
    from tests.integration.helpers import main, page, text_of

    client, assessment, definition = _two_years_with_targets(make, client_as)
    soup = page(client.get(f"/assessments/{assessment.id}/results"))
    table = main(soup).find(id="change-table")
    assert text_of(table.caption) == "Change since 2024-25, targets and the gap to them"
    headers = [text_of(cell) for cell in table.select("thead th")]
    assert headers == [
        "Area",
        "Level in 2025-26",
        "Level in 2024-25",
        "Change",
        "Target",
        "Gap to target",
        "Gap to the peer median",
    ]
    rows = {text_of(row.find("th")): [text_of(cell) for cell in row.find_all("td")] for row in table.select("tbody tr")}
    names = {level.value: level.name for level in definition.levels}
    first, second, third = definition.domains[:3]
    assert rows[first.title] == [
        f"3 – {names[3]}",
        f"1 – {names[1]}",
        "Up 2 levels",
        f"4 – {names[4]}",
        "1 level below the target",
        "At the peer median",  # the six peers are all at 3
    ]
    assert rows[second.title] == [
        f"2 – {names[2]}",
        f"3 – {names[3]}",
        "Down 1 level",
        f"2 – {names[2]}",
        "Target reached",
        "1 level below the peer median",
    ]
    assert rows[third.title][2:5] == ["No change", "No target", ""]
    assert rows["Overall"][2] in {"No change", "Up 1 level", "Down 1 level"}
    assert list(rows)[0] == "Overall"


def test_the_results_csv_has_the_change_target_and_gaps_as_numbers(make, client_as):
    import csv
    import io

    client, assessment, definition = _two_years_with_targets(make, client_as)
    response = client.get(f"/assessments/{assessment.id}/results.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    header = rows[0]
    assert header[7:] == [
        "Previous year",
        "Previous level",
        "Change in levels",
        "Change",
        "Target level",
        "Gap to target (levels)",
        "Target",
        "Peer group",
        "Peer median level",
        "Gap to peer median (levels)",
    ]
    by_area = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    first, second, third = definition.domains[:3]
    one = by_area[first.title]
    assert (one["Previous year"], one["Previous level"], one["Change in levels"], one["Change"]) == (
        "2024-25",
        "1",
        "2",
        "Up 2 levels",
    )
    assert (one["Target level"], one["Gap to target (levels)"], one["Peer median level"]) == ("4", "-1", "3")
    assert one["Gap to peer median (levels)"] == "0" and one["Peer group"]
    two = by_area[second.title]
    assert (two["Change in levels"], two["Gap to target (levels)"], two["Gap to peer median (levels)"]) == (
        "-1",
        "0",
        "-1",
    )
    three = by_area[third.title]
    assert (three["Target level"], three["Gap to target (levels)"], three["Target"]) == ("", "", "No target")
    overall = by_area["Overall"]
    assert overall["Previous year"] == "2024-25" and int(overall["Previous level"]) >= 0
    assert rows[-1][0] == "Overall" and len(rows) == 1 + len(definition.domains) + 1


@pytest.fixture()
def second_version(app_ctx, tmp_path, monkeypatch):
    """Publishes sui-maturity 2.0 for the rest of the test (as tests/integration/test_area_stats.py does): 1.0 with
    one more area, 'Extra area (test)', so that the overall scores of 1.0 and 2.0 are not comparable."""
    import copy
    from pathlib import Path

    import yaml

    from assess.questionnaire.loader import load_file
    from assess.services.questionnaires import registry

    root = Path(__file__).resolve().parents[2]

    def publish():
        raw = yaml.safe_load((root / "questionnaires" / "sui-maturity" / "1.0.yaml").read_text(encoding="utf-8"))
        raw["version"] = "2.0"
        extra = copy.deepcopy(raw["domains"][-1])
        extra["id"] = "extra"
        extra["title"] = "Extra area (test)"
        for question in extra["questions"]:
            question["id"] = f"extra-{question['id']}"
        raw["domains"].append(extra)
        folder = tmp_path / "sui-maturity"
        folder.mkdir()
        path = folder / "2.0.yaml"
        path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
        monkeypatch.setitem(registry().items, ("sui-maturity", "2.0"), load_file(path))
        return registry().get("sui-maturity", "2.0")

    return publish


def test_across_versions_a_new_area_and_the_overall_score_are_not_comparable(make, client_as, second_version):
    import csv
    import io

    from tests.integration.helpers import main, page, text_of

    site = make.site(code="CHG-V", name="HMP Versions")
    governor = make.user("governor", sites=(site,), email="versions@example.org")
    make.submitted(site, governor, "2024-25", choice="1")  # on 1.0
    second_version()
    this_year = make.submitted(site, governor, "2025-26", choice="3")  # on 2.0
    assert this_year.questionnaire_version == "2.0"

    change = assessment_results(this_year).change
    assert change is not None and change.previous_version == "1.0"
    assert not change.domain("extra").comparable and not change.overall.comparable
    first = make.questionnaire().definition.domains[0]
    assert change.domain(first.id).level_change == 2

    client = client_as(governor)
    soup = page(client.get(f"/assessments/{this_year.id}/results"))
    rows = {
        text_of(row.find("th")): [text_of(cell) for cell in row.find_all("td")]
        for row in main(soup).select("#change-table tbody tr")
    }
    assert rows["Extra area (test)"][1:3] == [
        "Not asked that year",
        "Not comparable: the questions changed",
    ]
    assert rows["Overall"][1:3] == ["1 – Communication (different questions)", "Not comparable: the questions changed"]
    assert rows[first.title][2] == "Up 2 levels"
    assert "Some questions changed between the two versions of the questionnaire" in text_of(main(soup))

    response = client.get(f"/assessments/{this_year.id}/results.csv")
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    by_area = {row[0]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    assert (by_area["Extra area (test)"]["Change in levels"], by_area["Extra area (test)"]["Change"]) == (
        "",
        "Not comparable: the questions changed",
    )
    assert by_area["Overall"]["Change in levels"] == "" and by_area["Overall"]["Previous year"] == "2024-25"
    assert by_area[first.title]["Change in levels"] == "2"


def test_the_charts_draw_the_targets_as_a_series_with_the_same_numbers_in_their_tables(make, client_as):
    import csv
    import io

    client, assessment, definition = _two_years_with_targets(make, client_as)
    first, second, third = definition.domains[:3]
    view = assessment_results(assessment)
    range_chart = view.chart("national", "range")
    assert range_chart is not None
    response = client.get(f"/assessments/{assessment.id}/benchmarks/national/range.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    by_area = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert [by_area[item.title]["Target level"] for item in (first, second, third)] == ["4", "2", "No target"]


def test_the_demo_governors_prison_shows_the_change_from_2024_25_worked_from_the_stored_scores(app_ctx, new_client):
    """The demo (two years, 2024-25 and 2025-26): the demo governor's results for 2025-26 give, in every row of
    the change table, last year's level and the change worked out here from the stored scores of both years."""
    from datetime import date

    from sqlalchemy import select

    from assess.demo import DEFAULT_DEMO_PASSWORD, DEMO_ACCOUNTS, seed_demo
    from assess.models import AssessmentScore, Site
    from assess.services.questionnaires import latest
    from tests.integration.helpers import main, page, text_of

    seed_demo(latest(), DEFAULT_DEMO_PASSWORD, date(2026, 5, 1), seed=2026)
    db.session.commit()
    governor = next(account for account in DEMO_ACCOUNTS if account.email == "governor@example.org")
    pairs = []
    for code in governor.sites:
        site = db.session.scalar(select(Site).where(Site.code == code))
        scores = {
            row.period: row
            for row in db.session.scalars(
                select(AssessmentScore)
                .where(AssessmentScore.site_id == site.id)
                .order_by(AssessmentScore.submitted_at, AssessmentScore.assessment_id)
            )
        }
        if {"2024-25", "2025-26"} <= set(scores):
            pairs.append((scores["2024-25"], scores["2025-26"]))
    assert pairs, "a demo governor's site submitted in both demo years"
    before, after = pairs[0]

    client = new_client()
    assert client.post("/sign-in", data={"email": governor.email, "password": DEFAULT_DEMO_PASSWORD}).status_code == 302
    soup = page(client.get(f"/assessments/{after.assessment_id}/results"))
    table = main(soup).find(id="change-table")
    assert text_of(table.caption).startswith("Change since 2024-25")
    rows = {text_of(row.find("th")): [text_of(cell) for cell in row.find_all("td")] for row in table.select("tbody tr")}
    definition = latest().definition
    old = {row.domain_id: row.level for row in before.domains}
    new = {row.domain_id: row.level for row in after.domains}

    def expected(previous: int, current: int) -> str:
        delta = current - previous
        if delta == 0:
            return "No change"
        return f"{'Up' if delta > 0 else 'Down'} {abs(delta)} level{'' if abs(delta) == 1 else 's'}"

    checked = 0
    for domain in definition.domains:
        if domain.id in old and domain.id in new:
            cells = rows[domain.title]
            assert cells[1].startswith(f"{old[domain.id]} – "), (domain.id, cells)
            assert cells[2] == expected(old[domain.id], new[domain.id]), (domain.id, cells)
            checked += 1
    assert checked >= 10
    if before.overall_level is not None and after.overall_level is not None:
        assert rows["Overall"][2] == expected(before.overall_level, after.overall_level)
