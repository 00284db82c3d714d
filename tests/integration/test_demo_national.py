"""The national demo data set (assess.demo.national): repeatable, idempotent, complete, consistent with
scoring, and spread over both kinds of site in the 12 regions. Small sizes keep it fast."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from datetime import UTC, date, datetime
from statistics import mean, median

import pytest
from sqlalchemy import func, select

from assess.demo import DEFAULT_DEMO_PASSWORD, DEMO_ACCOUNTS, DEMO_SITES, seed_demo
from assess.demo.national import REGIONS, national_periods, seed_national
from assess.extensions import db
from assess.models import Answer, Assessment, AssessmentScore, DomainScore, QuestionnaireVersion, Site, User
from assess.scoring import score_assessment
from assess.services.questionnaires import latest
from tests.conftest import _empty_all_tables as _empty_tables
from tests.integration.helpers import main, page, text_of

TODAY = date(2026, 5, 1)  # financial year 2026-27, so the data set ends with 2025-26
QUESTIONS = 34
DOMAINS = 12


def _empty_all_tables(app: object) -> None:
    """Commit what the test made (data functions only flush), then empty every table."""
    db.session.commit()
    _empty_tables(app)  # type: ignore[arg-type]


def count(model: object) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model)) or 0  # type: ignore[arg-type]


def digest() -> str:
    """Everything generated, by site code (ids may differ between databases): sites, assessments,
    answers and stored scores."""
    db.session.expire_all()
    lines: list[str] = []
    for site in db.session.scalars(select(Site).order_by(Site.code)):
        lines.append(
            f"site {site.code}|{site.name}|{site.kind}|{site.nation}|{site.region}|{site.category}|"
            f"{site.function}|{site.population_band}"
        )
    rows = db.session.execute(
        select(Site.code, Assessment.id, Assessment.period, Assessment.submitted_at, AssessmentScore)
        .join(Assessment, Assessment.site_id == Site.id)
        .join(AssessmentScore, AssessmentScore.assessment_id == Assessment.id)
        .order_by(Site.code, Assessment.period)
    ).all()
    for code, assessment_id, period, submitted_at, scores in rows:
        domains = ",".join(f"{row.domain_id}:{row.score_hundredths}:{row.level}" for row in scores.domains)
        answers = ",".join(
            f"{answer.question_id}={answer.choice}/{answer.evidence}"
            for answer in db.session.scalars(
                select(Answer).where(Answer.assessment_id == assessment_id).order_by(Answer.question_id)
            )
        )
        lines.append(
            f"{code}|{period}|{submitted_at.isoformat()}|{scores.overall_hundredths}|{scores.overall_level}|"
            f"{domains}|{answers}"
        )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def test_same_seed_gives_the_same_data_and_a_second_run_adds_nothing(app_ctx):
    loaded = latest()
    first = seed_national(loaded, TODAY, sites=40, periods=2, seed=7)
    assert first["sites"] == 40 and first["sites_created"] == 40
    # Every pair of site and period is either stored or skipped on purpose.
    assert first["assessments_created"] + first["skipped_by_design"] == 40 * 2
    assert first["already_submitted"] == 0
    assert first["assessments_created"] >= 70
    created = first["assessments_created"]
    assert count(Assessment) == count(AssessmentScore) == created
    assert count(Answer) == created * QUESTIONS
    assert count(DomainScore) == created * DOMAINS
    # The version is recorded as the app records it, with the content hash at first use.
    recorded = db.session.scalars(select(QuestionnaireVersion)).all()
    assert [(row.questionnaire_id, row.version, row.content_hash) for row in recorded] == [
        (*loaded.key, loaded.content_hash)
    ]
    once = digest()

    again = seed_national(loaded, TODAY, sites=40, periods=2, seed=7)
    assert again == {**first, "sites_created": 0, "assessments_created": 0, "already_submitted": created}
    assert count(Assessment) == created
    assert digest() == once

    # Built again from nothing, the same seed gives the same data.
    _empty_all_tables(app_ctx)
    assert seed_national(loaded, TODAY, sites=40, periods=2, seed=7) == first
    assert digest() == once

    # Another seed gives other data.
    _empty_all_tables(app_ctx)
    seed_national(loaded, TODAY, sites=40, periods=2, seed=8)
    assert digest() != once


def test_more_periods_later_adds_only_the_missing_ones(app_ctx):
    loaded = latest()
    first = seed_national(loaded, TODAY, sites=20, periods=1, seed=3)
    second = seed_national(loaded, TODAY, sites=20, periods=3, seed=3)
    assert second["sites_created"] == 0
    assert second["already_submitted"] == first["assessments_created"]
    total = first["assessments_created"] + second["assessments_created"]
    assert count(Assessment) == total
    # At most one submitted assessment per site and period.
    duplicates = db.session.execute(
        select(Assessment.site_id, Assessment.period)
        .group_by(Assessment.site_id, Assessment.period)
        .having(func.count() > 1)
    ).all()
    assert duplicates == []


def test_stored_scores_are_the_scores_of_the_stored_answers(app_ctx):
    definition = latest().definition
    seed_national(latest(), TODAY, sites=30, periods=2, seed=11)
    ids = list(db.session.scalars(select(Assessment.id).order_by(Assessment.id)))
    sample = ids[:: max(1, len(ids) // 25)]
    special = 0
    for assessment_id in sample:
        assessment = db.session.get(Assessment, assessment_id)
        assert assessment is not None and assessment.is_submitted
        answers = assessment.answer_map()
        assert len(answers) == QUESTIONS
        special += sum(1 for choice in answers.values() if choice in ("dont-know", "not-applicable"))
        result = score_assessment(definition, answers)
        stored = db.session.get(AssessmentScore, assessment_id)
        assert stored is not None
        assert (stored.site_id, stored.period, stored.submitted_at) == (
            assessment.site_id,
            assessment.period,
            assessment.submitted_at,
        )
        assert stored.overall_hundredths == int(result.score * 100)
        assert stored.overall_level == result.level
        assert {row.domain_id: (row.score_hundredths, row.level) for row in stored.domains} == {
            item.domain_id: (int(item.score * 100), item.level) for item in result.domains if item.score is not None
        }
    assert special > 0, "some answers should be don't know or not applicable"


def test_prisons_and_probation_units_are_in_all_12_regions_and_clearly_fictional(app_ctx):
    seed_national(latest(), TODAY, sites=40, periods=1, seed=5)
    sites = db.session.scalars(select(Site).order_by(Site.code)).all()
    assert len(sites) == 40
    regions = {name for name, _, _, _ in REGIONS}
    assert len(regions) == 12
    for kind in ("prison", "probation"):
        assert {site.region for site in sites if site.kind == kind} == regions
    prisons = [site for site in sites if site.kind == "prison"]
    assert 19 <= len(prisons) <= 23  # about 120 to 110
    for site in sites:
        assert site.name.endswith("(fictional)")
        assert site.nation == ("Wales" if site.region == "Wales" else "England")
        if site.kind == "prison":
            assert re.fullmatch(r"NAT-P\d{3}", site.code)
            assert site.name.startswith("HMP ")
            assert site.category and site.function and site.population_band in ("Under 500", "500-999", "1000+")
        else:
            assert re.fullmatch(r"NAT-U\d{3}", site.code)
            assert site.category is None and site.function is None and site.population_band
    assert len({site.name for site in sites}) == len(sites)


def test_periods_end_with_the_year_before_the_current_one():
    assert national_periods(TODAY, 4) == ["2022-23", "2023-24", "2024-25", "2025-26"]
    assert national_periods(date(2026, 3, 31), 2) == ["2023-24", "2024-25"]


def test_submissions_fall_in_their_period(app_ctx):
    seed_national(latest(), TODAY, sites=20, periods=3, seed=9)
    rows = db.session.execute(select(Assessment.period, Assessment.submitted_at)).all()
    assert {period for period, _ in rows} == {"2023-24", "2024-25", "2025-26"}
    for period, submitted_at in rows:
        start = int(period[:4])
        assert datetime(start, 4, 1, tzinfo=UTC) <= submitted_at < datetime(start + 1, 4, 1, tzinfo=UTC)
        assert submitted_at.date() < TODAY


def test_patterns_most_sites_improve_and_domains_differ(app_ctx):
    seed_national(latest(), TODAY, sites=120, periods=3, seed=2026)
    by_site: dict[int, dict[str, int]] = defaultdict(dict)
    for site_id, period, overall in db.session.execute(
        select(AssessmentScore.site_id, AssessmentScore.period, AssessmentScore.overall_hundredths)
    ):
        by_site[site_id][period] = overall
    complete = [scores for scores in by_site.values() if len(scores) == 3]
    improved = sum(1 for scores in complete if scores["2025-26"] > scores["2023-24"])
    assert improved / len(complete) > 0.6
    fell_back = sum(1 for scores in complete if scores["2024-25"] < scores["2023-24"] - 40)
    assert fell_back >= 3, "some sites fall back for a year"
    assert mean(s["2025-26"] for s in complete) > mean(s["2023-24"] for s in complete)
    by_domain: dict[str, list[int]] = defaultdict(list)
    for domain_id, score in db.session.execute(select(DomainScore.domain_id, DomainScore.score_hundredths)):
        by_domain[domain_id].append(score)
    assert median(by_domain["voice"]) > median(by_domain["review"]) > median(by_domain["outcomes"])
    # Scores spread over the scale rather than bunching in the middle.
    overall = [score for scores in by_site.values() for score in scores.values()]
    assert min(overall) < 150 and max(overall) > 330


def test_small_demo_sites_join_when_they_exist_without_new_accounts(app_ctx):
    seed_national(latest(), TODAY, sites=20, periods=2, seed=4)
    assert db.session.scalar(select(func.count()).select_from(Site).where(Site.code.like("DEMO-%"))) == 0
    _empty_all_tables(app_ctx)

    seed_demo(latest(), DEFAULT_DEMO_PASSWORD, TODAY)
    users = count(User)
    demo_before = {
        (code, period): overall
        for code, period, overall in db.session.execute(
            select(Site.code, AssessmentScore.period, AssessmentScore.overall_hundredths).join(
                Site, Site.id == AssessmentScore.site_id
            )
        )
    }
    summary = seed_national(latest(), TODAY, sites=20, periods=4, seed=4)
    assert summary["sites"] == 20 + len(DEMO_SITES)
    assert summary["already_submitted"] == len(demo_before)
    assert count(User) == users
    periods = national_periods(TODAY, 4)
    for row in DEMO_SITES:
        site = db.session.scalar(select(Site).where(Site.code == row["code"]))
        assert site is not None
        stored = {
            period: overall
            for period, overall in db.session.execute(
                select(AssessmentScore.period, AssessmentScore.overall_hundredths).where(
                    AssessmentScore.site_id == site.id
                )
            )
        }
        assert sorted(stored) == periods, row["code"]
        for period in periods[2:]:
            assert stored[period] == demo_before[(row["code"], period)]
        # The earlier periods lead up to the small demo's results.
        assert stored[periods[0]] < stored[periods[2]] + 60


@pytest.mark.parametrize("sites, periods", [(1, 1), (10, 0)])
def test_refuses_sizes_that_make_no_data_set(app_ctx, sites, periods):
    with pytest.raises(ValueError):
        seed_national(latest(), TODAY, sites=sites, periods=periods)


def test_the_generators_scorer_agrees_with_score_assessment(app_ctx):
    import random

    from assess.data.bulk import StoredScores
    from assess.demo.national import Scorer

    definition = latest().definition
    scorer = Scorer(definition)
    questions = [question.id for domain in definition.domains for question in domain.questions]
    rng = random.Random(1)
    cases: list[dict[str, str | None]] = [
        {},
        dict.fromkeys(questions, "dont-know"),
        {**dict.fromkeys(questions, "5"), "recruitment-panels": "not-applicable"},
        {question: "2" for question in questions[:5]},  # partly answered: most domains have no score
    ]
    options = ["0", "1", "2", "3", "4", "5", "dont-know", None]
    cases += [{question: rng.choice(options) for question in questions} for _ in range(400)]
    for choices in cases:
        assert scorer.scores(choices) == StoredScores.from_result(score_assessment(definition, choices))  # type: ignore[arg-type]


def test_the_demo_governors_results_show_every_peer_group_and_a_too_small_one_says_why(app_ctx, new_client):
    """Issue 5's acceptance on the demo data as `make run` loads it: for each of the demo governor's prisons,
    the latest results page offers every peer group that applies, with its charts, tables and CSV downloads;
    HMP Orwell Sands (a women's closed prison, the only one of its function) shows why one group is hidden."""
    seed_demo(latest(), DEFAULT_DEMO_PASSWORD, TODAY)
    seed_national(latest(), TODAY)  # the default national data set
    db.session.commit()  # as the CLI command does at its end
    client = new_client()
    response = client.post("/sign-in", data={"email": "governor@example.org", "password": DEFAULT_DEMO_PASSWORD})
    assert response.status_code == 302
    governor = next(account for account in DEMO_ACCOUNTS if account.email == "governor@example.org")
    assert "DEMO-ORW" in governor.sites
    for code in governor.sites:
        site = db.session.scalar(select(Site).where(Site.code == code))
        assert site is not None
        latest_id = db.session.scalar(
            select(Assessment.id)
            .where(Assessment.site_id == site.id, Assessment.status == "submitted")
            .order_by(Assessment.period.desc())
            .limit(1)
        )
        soup = page(client.get(f"/assessments/{latest_id}/results"))
        text = text_of(main(soup))
        applies = {"national", "region"} | {
            group
            for group, value in (
                ("category", site.category),
                ("function", site.function),
                ("population", site.population_band),
            )
            if value
        }
        offered = {item["value"] for item in soup.select("input[name=group]")}
        hidden = "Groups not shown" in text
        assert offered | ({"function"} if hidden else set()) == applies, code
        assert len(soup.select("div.app-chart[data-chart-source]")) == 3, code  # range, radar, levels
        assert text.count("Download this table (CSV)") == 3, code
        assert len(soup.select("table")) >= 3, code
        if code == "DEMO-ORW":
            heading = soup.find("h3", string="Groups not shown")
            assert heading is not None
            reasons = [text_of(item) for item in heading.find_next("ul").select("li")]
            assert len(reasons) == 1 and reasons[0].startswith("Prisons with the same function (Closed)"), reasons
            # The reason names the year (issue 13: benchmarks fall back to an earlier year when one has enough).
            assert "No other sites in this group submitted an assessment for" in reasons[0]
            assert "at least 5" in text_of(heading.parent)
        else:
            assert not hidden, code
