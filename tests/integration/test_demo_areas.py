"""The demo commissioners' areas and assurance decisions (issue 12, item 9): after seeding, each demo
commissioner's area exists with the sites it should have and is exactly what the access policy lets them
see; the regional commissioner's region has sites in every coverage state for the current year; there are
decisions of every outcome, on a whole site and on one area of the questionnaire, one superseded and one
due for revisit within 30 days, each one the rules allow; and seeding again adds nothing."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from assess import periods
from assess.assurance import ASSURED, NOT_ASSURED, PARTLY, check_assurance, current_of, is_due
from assess.auth.policy import scope_for
from assess.demo import DEFAULT_DEMO_PASSWORD, DEMO_ACCOUNTS, seed_demo
from assess.demo.areas import (
    GROUP_COMMISSIONER,
    PRISON_GROUP,
    PROBATION_REGION,
    REGION_CODES,
    REGIONAL_AREA,
    REGIONAL_COMMISSIONER,
)
from assess.demo.national import seed_national
from assess.extensions import db
from assess.models import (
    Area,
    AreaValidation,
    Assessment,
    AssessmentReview,
    AssuranceDecision,
    AuditEvent,
    Query,
    QueryEntry,
    Site,
    User,
)
from assess.models.area import area_sites, user_areas
from assess.services.area import DRAFT as AREA_DRAFT
from assess.services.area import NOT_STARTED, OVERDUE, area_overview
from assess.services.area import SUBMITTED as AREA_SUBMITTED
from assess.services.area import VALIDATED as AREA_VALIDATED
from assess.services.caseload import DRAFT, IN_REVIEW, NO_ASSESSMENT, SUBMITTED, VALIDATED, caseload
from assess.services.questionnaires import latest
from tests import two_factor
from tests.integration.helpers import location
from tests.integration.test_demo_reviews import check_decisions, check_timeline

TODAY = date(2026, 5, 1)  # financial year 2026-27, a month in
NATIONAL_SITES = 60  # enough for three national prisons and two probation units in the North West
COVERAGE = (NO_ASSESSMENT, DRAFT, SUBMITTED, IN_REVIEW, VALIDATED)


def seed(today: date = TODAY, national: bool = True, random_seed: int = 2026) -> None:
    """As `flask demo seed` does: the small demo, then the national data set, then one commit."""
    seed_demo(latest(), DEFAULT_DEMO_PASSWORD, today, seed=random_seed)
    if national:
        seed_national(latest(), today, sites=NATIONAL_SITES, periods=2, seed=random_seed)
    db.session.commit()
    db.session.expire_all()


def area(code: str) -> Area:
    found = db.session.scalar(select(Area).where(Area.code == code))
    assert found is not None, code
    return found


def user(email: str) -> User:
    found = db.session.scalar(select(User).where(User.email == email))
    assert found is not None, email
    return found


def demo_sites() -> list[Site]:
    return list(
        db.session.scalars(select(Site).where(Site.code.like("DEMO-%") | Site.code.like("NAT-%")).order_by(Site.code))
    )


def codes(sites: list[Site]) -> set[str]:
    return {site.code for site in sites}


def coverage(sites: list[Site], today: date) -> dict[str, tuple[str, bool]]:
    """Each site's state in the current year (no assessment, draft, submitted, in review, validated) and
    whether it is overdue (no submission for the last complete year), worked out here from the rows."""
    period = periods.period_for(today)
    due = periods.previous_period(period)
    found: dict[str, tuple[str, bool]] = {}
    for site in sites:
        rows = list(db.session.scalars(select(Assessment).where(Assessment.site_id == site.id)))
        this_year = [row for row in rows if row.period == period]
        submitted = [row for row in this_year if row.is_submitted]
        if submitted:
            review = db.session.get(AssessmentReview, submitted[-1].id)
            state = SUBMITTED if review is None else (VALIDATED if review.state == "validated" else IN_REVIEW)
        else:
            state = DRAFT if this_year else NO_ASSESSMENT
        overdue = not any(row.period == due and row.is_submitted for row in rows)
        found[site.code] = (state, overdue)
    return found


def decisions() -> list[AssuranceDecision]:
    """Newest first, as the data layer lists them."""
    return list(
        db.session.scalars(
            select(AssuranceDecision).order_by(AssuranceDecision.decided_at.desc(), AssuranceDecision.id.desc())
        )
    )


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_each_commissioner_covers_their_area_and_sees_exactly_its_sites(app_ctx, new_client):
    seed()
    sites = demo_sites()
    regions = {site.region for site in sites}
    assert len(regions) == 12
    for region in regions:
        found = area(REGION_CODES[region])
        assert (found.name, found.type) == (region, "region")
        assert codes(found.sites) == {site.code for site in sites if site.region == region}

    region = area(REGIONAL_AREA)
    assert region.name == "North West"
    assert {site.kind for site in region.sites} == {"prison", "probation"}
    assert {"DEMO-FWR", "DEMO-ASH", "DEMO-PDU-LM"} <= codes(region.sites)

    group = area(PRISON_GROUP)
    assert (group.name, group.type) == ("Demo Prison Group North", "prison group")
    assert {site.kind for site in group.sites} == {"prison"}
    assert {site.region for site in group.sites} == {"North West", "North East"}
    assert {"DEMO-FWR", "DEMO-ASH"} <= codes(group.sites) and 5 <= len(group.sites) <= 8

    probation = area(PROBATION_REGION)
    assert (probation.name, probation.type) == ("Wales probation region", "probation region")
    assert codes(probation.sites) == {site.code for site in sites if (site.kind, site.region) == ("probation", "Wales")}
    assert "DEMO-PDU-GW" in codes(probation.sites)

    accounts = {account.email: account for account in DEMO_ACCOUNTS if account.role == "commissioner"}
    assert set(accounts) == {REGIONAL_COMMISSIONER, GROUP_COMMISSIONER}
    for email, expected in ((REGIONAL_COMMISSIONER, region), (GROUP_COMMISSIONER, group)):
        person = user(email)
        assert [item.code for item in person.areas] == [expected.code]
        scope = scope_for(person)
        assert not scope.all_sites and not scope.kinds_nations
        assert scope.site_ids == {site.id for site in expected.sites}
        outside = [site for site in sites if site.id not in scope.site_ids]
        assert outside and not any(scope.allows(site) for site in outside)
        response = new_client().post("/sign-in", data={"email": email, "password": DEFAULT_DEMO_PASSWORD})
        assert response.status_code == 302, email


@pytest.mark.parametrize("today", [TODAY, date(2027, 1, 15), date.today()])
def test_the_region_has_sites_in_every_coverage_state_this_year(app_ctx, today):
    seed(today)
    region = area(REGIONAL_AREA)
    states = coverage(region.sites, today)
    assert set(Counter(state for state, _ in states.values())) == set(COVERAGE), states
    assert any(overdue for _, overdue in states.values()), "a site missed last year's return"
    assert sum(1 for state, overdue in states.values() if state == NO_ASSESSMENT and overdue) >= 1

    # The inspectors' caseload, which reads each site's latest assessment, agrees.
    rows = caseload(
        today, all_sites=False, site_ids=frozenset(site.id for site in region.sites), kinds_nations=frozenset()
    ).rows
    assert {row.status for row in rows} >= {DRAFT, SUBMITTED, IN_REVIEW, VALIDATED}
    assert any(row.overdue for row in rows)

    # At least two validated reviews in the region, and the work is dated in order before today.
    validated = db.session.scalar(
        select(func.count())
        .select_from(AssessmentReview)
        .join(Assessment, Assessment.id == AssessmentReview.assessment_id)
        .where(Assessment.site_id.in_([site.id for site in region.sites]), AssessmentReview.state == "validated")
    )
    assert validated is not None and validated >= 2
    db.session.expunge_all()  # the caseload read assessments without their answers; check_decisions reads them
    check_timeline(today)
    check_decisions()


def test_the_commissioners_overviews_and_pages_have_real_content(app_ctx, new_client):
    """The area overview as the commissioner's pages assemble it (assess.services.area), for this year and
    last, and the pages themselves."""
    seed()
    this_year = periods.period_for(TODAY)
    last_year = periods.previous_period(this_year)
    region, group = area(REGIONAL_AREA), area(PRISON_GROUP)

    now = area_overview(region, this_year, TODAY)
    counts = now.coverage.counts
    assert sum(counts.values()) == now.coverage.total == len(region.sites)
    assert all(counts[status] for status in (NOT_STARTED, AREA_DRAFT, AREA_SUBMITTED, AREA_VALIDATED)), counts
    details = {row.detail for row in now.coverage.rows if row.status == AREA_SUBMITTED}
    assert details == {"In review", "Not yet reviewed"}
    then = area_overview(region, last_year, TODAY).coverage.counts
    assert then[OVERDUE] >= 1 and then[AREA_VALIDATED] >= 2 and sum(then.values()) == len(region.sites)
    assert now.due_decisions and now.open_queries and now.comparisons
    assert any(item.history(view) for item in now.decisions for view in item.current), "a decision's history"

    theirs = area_overview(group, this_year, TODAY)
    assert theirs.due_decisions and theirs.decisions
    assert {AREA_DRAFT, AREA_VALIDATED} <= {row.status for row in theirs.coverage.rows}

    elsewhere = db.session.scalar(select(Site).where(Site.code == "DEMO-KNG"))
    assert elsewhere is not None
    for email, found in ((REGIONAL_COMMISSIONER, region), (GROUP_COMMISSIONER, group)):
        client = new_client()
        assert location(client.post("/sign-in", data={"email": email, "password": DEFAULT_DEMO_PASSWORD})) == (
            "/sign-in/set-up-two-factor"  # a demo commissioner's first sign-in sets up a second factor
        )
        client.post("/sign-in/set-up-two-factor", data={"code": two_factor.set_up_from_page(client, email)})
        for path in ("", "/matrix", "/sites/DEMO-ASH"):
            response = client.get(f"/areas/{found.code}{path}")
            assert response.status_code == 200, (email, path)
            assert "HMP Ashcombe (fictional)" in response.get_data(as_text=True)
        assert client.get(f"/areas/{found.code}/sites/{elsewhere.code}").status_code == 404
        assert client.get(f"/areas/{REGION_CODES['South West']}").status_code == 404


def test_early_in_the_year_the_region_has_a_draft_and_nothing_submitted_yet(app_ctx):
    today = date(2026, 4, 2)
    seed(today)
    states = coverage(area(REGIONAL_AREA).sites, today)
    assert {state for state, _ in states.values()} == {NO_ASSESSMENT, DRAFT}
    check_timeline(today)


@pytest.mark.parametrize("national", [True, False])
def test_decisions_of_every_outcome_one_superseded_and_one_due_within_30_days(app_ctx, national):
    seed(national=national)
    made = decisions()
    assert {item.outcome for item in made} == {ASSURED, PARTLY, NOT_ASSURED}
    assert any(item.domain_id is None for item in made) and any(item.domain_id for item in made)
    current = current_of(made)
    superseded = [item for item in made if item not in current]
    assert superseded, "a later decision on the same site supersedes an earlier one"
    for old in superseded:
        newer = next(item for item in current if (item.site_id, item.domain_id) == (old.site_id, old.domain_id))
        assert newer.decided_at > old.decided_at
    due = [item for item in current if is_due(item, TODAY)]
    assert due and all(TODAY < item.revisit_on <= TODAY + timedelta(days=30) for item in due)
    assert all(item.revisit_on > TODAY for item in current)

    domain_ids = [domain.id for domain in latest().definition.domains]
    start_of_today = datetime.combine(TODAY, time(), tzinfo=UTC)
    commissioners = {email: user(email) for email in (REGIONAL_COMMISSIONER, GROUP_COMMISSIONER)}
    by_id = {person.id: person for person in commissioners.values()}
    for item in made:
        checked, problems = check_assurance(
            item.outcome,
            item.domain_id,
            item.questions,
            item.rationale,
            item.revisit_on,
            today=item.decided_at.date(),
            domain_ids=domain_ids,
        )
        assert checked is not None and not problems, problems
        assert item.questions.strip() and item.decided_at < start_of_today
        # Made by a commissioner whose area holds the site, through that area.
        person = by_id[item.decided_by_id]
        through = next(found for found in person.areas if found.id == item.area_id)
        assert item.site_id in {site.id for site in through.sites}
        # Each is an audit event, stamped with the time it stands for.
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "assurance-decided", AuditEvent.object_id == str(item.id))
        )
        assert event is not None and event.occurred_at == item.decided_at and event.site_id == item.site_id
    assert {item.decided_by_id for item in made} == set(by_id), "both commissioners have decided something"
    if national:
        assert any(item.site.code.startswith("NAT-") and item.outcome == ASSURED for item in made)


def test_the_small_demo_alone_has_its_areas_and_the_national_data_set_joins_them(app_ctx):
    seed(national=False)
    assert codes(area(REGIONAL_AREA).sites) == {"DEMO-FWR", "DEMO-ASH", "DEMO-PDU-LM"}
    assert codes(area(PRISON_GROUP).sites) == {"DEMO-FWR", "DEMO-ASH"}
    assert codes(area(PROBATION_REGION).sites) == {"DEMO-PDU-GW"}
    assert count(Area) == 4 + 2  # the four regions of the demo sites, the group and the probation region
    assert not db.session.scalar(select(func.count()).select_from(Assessment).where(Assessment.period == "2026-27"))

    seed_national(latest(), TODAY, sites=NATIONAL_SITES, periods=2)
    db.session.commit()
    db.session.expire_all()
    assert count(Area) == 12 + 2
    assert len(area(REGIONAL_AREA).sites) > 3 and len(area(PRISON_GROUP).sites) > 2
    assert db.session.scalar(select(func.count()).select_from(Assessment).where(Assessment.period == "2026-27"))


def test_national_data_without_the_small_demo_makes_no_areas(app_ctx):
    seed_national(latest(), TODAY, sites=NATIONAL_SITES, periods=2)
    assert count(Area) == 0 and count(AssuranceDecision) == 0


def snapshot() -> dict[str, int]:
    models: tuple[Any, ...] = (
        Area,
        area_sites,
        user_areas,
        AssuranceDecision,
        Assessment,
        AssessmentReview,
        AreaValidation,
        Query,
        QueryEntry,
    )
    found = {getattr(model, "__name__", getattr(model, "name", "")): count(model) for model in models}
    # Seeding again refreshes the accounts' passwords, which is recorded; nothing else is.
    found["events"] = (
        db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action != "user-changed")) or 0
    )
    return found


def test_seeding_again_adds_nothing(app_ctx):
    seed()
    before = snapshot()
    assert before["AssuranceDecision"] >= 7 and before["Area"] == 14
    seed()
    assert snapshot() == before
