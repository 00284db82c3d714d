"""The demo commissioner's region in the current year (issue 12), so their coverage shows sites in every state.

The small demo and the national data set submit only for earlier years, so in the current year every site
of the North West would have no assessment. Once the national data set exists (assess.demo.national calls
seed_current_year), four of the region's national sites have this year's self-assessment in hand:

- its first national prison submitted early in the year, and the prisons inspector has validated it
  (confident; one area lowered, one raised), after which the regional commissioner is assured of it;
- its second national prison has a draft with four areas answered;
- its first probation delivery unit submitted, and the probation inspector's review is under way (five
  areas decided, one lowered), with a query awaiting the unit;
- its second probation delivery unit submitted and is not yet reviewed.

The region's third national prison did not send last year's return (assess.demo.national leaves it out), so
it is overdue; the rest have no assessment for this year. Submissions are dated through the year so far and
the reviews after them (assess.demo.reviews' Runner, assess.demo.clock). In the first three weeks of the
year only the draft is made: there has not been time for more. The national sites have no demo governor, so
the administrator submits for them (as assess.demo.seed does) and nobody replies to the query. A site that
already has an assessment for the year is left alone, so seeding again adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from assess import periods
from assess.assurance import ASSURED
from assess.data import assessments as assessment_data
from assess.data import queries as query_data
from assess.data import reviews as review_data
from assess.data.areas import get_area_by_code
from assess.data.bulk import submitted_overall_scores
from assess.data.users import get_user_by_email
from assess.demo.areas import (
    COMMISSIONER_REGION,
    FINALISED,
    REGIONAL_AREA,
    REGIONAL_COMMISSIONER,
    Assure,
    missed_return,
    national_prisons,
    national_units,
    seed_decisions,
)
from assess.demo.clock import demo_time
from assess.demo.reviews import PRISONS_INSPECTOR, PROBATION_INSPECTOR, Ask, Decide, Plan, Runner, Summary
from assess.demo.seed import generate_answers
from assess.models import Assessment, Site, User
from assess.questionnaire.loader import LoadedQuestionnaire
from assess.scoring import score_assessment
from assess.validation import LOWER, RAISE

ADMIN = "admin@example.org"
SUBMISSIONS_FROM = 21  # days into the year before this year's submissions appear
DRAFT_AREAS = 4  # areas of the questionnaire answered in the draft
SUBMITTED_AT = time(10, 30)


@dataclass(frozen=True)
class ThisYear:
    """One site of the region and where its self-assessment for this year stands."""

    kind: str  # "prison" or "probation"
    index: int  # which of the region's national sites of that kind (by code)
    submitted: float | None  # when, as a share of the year so far; None: a draft
    plan: Plan | None = None  # the inspector's review (its `site` is filled in)
    decision: Assure | None = None  # the commissioner's decision after it (its `site` is filled in)


THIS_YEAR: tuple[ThisYear, ...] = (
    ThisYear(
        "prison",
        0,
        0.2,
        Plan(
            "",
            PRISONS_INSPECTOR,
            started=50,
            decided=40,
            decisions=(
                Decide(
                    "influence",
                    LOWER,
                    "The council's proposals are logged, but half of those raised in the spring had no decision "
                    "three months later, and prisoners on two wings had not heard what became of their "
                    "suggestions.",
                ),
                Decide(
                    "partnership",
                    RAISE,
                    "A lived-experience charity co-runs the training of council representatives and sits on the "
                    "involvement steering group under a written agreement: more than the self-assessment claims.",
                ),
            ),
            summary=Summary(
                "confident",
                "This year's self-assessment is careful and well evidenced. The council, the peer roles and the "
                "partnership with the voluntary sector are borne out; feedback on the council's proposals is "
                "slower than described. One area lowered, one raised; the rest agreed.",
            ),
            finalised=30,
        ),
        Assure(
            "",
            REGIONAL_COMMISSIONER,
            ASSURED,
            "Is the self-assessment borne out by the evidence? Is the council told what became of its proposals?",
            "The inspector has validated this year's self-assessment and is confident in it: the prisoner "
            "council, the peer roles and the joint work with a lived-experience charity are borne out. Feedback "
            "on the council's proposals is slower than described, and the prison has agreed to report to the "
            "council on every proposal within a month. Assured.",
            decided=20,
            after=FINALISED,
            revisit_in=300,
        ),
    ),
    ThisYear("prison", 1, None),
    ThisYear(
        "probation",
        0,
        0.45,
        Plan(
            "",
            PROBATION_INSPECTOR,
            started=20,
            decided=12,
            areas=("leadership", "voice", "representation", "capacity", "recognition"),
            decisions=(
                Decide(
                    "representation",
                    LOWER,
                    "The Service User Forum is drawn from people who report to the main office; people on unpaid "
                    "work and those supervised by phone are not represented, and the unit does not monitor who "
                    "takes part.",
                ),
            ),
            queries=(
                Ask(
                    ("representation",),
                    "Please tell us how people on unpaid work and those supervised by phone can take part in the "
                    "Service User Forum, and send any record you keep of who attends.",
                    raised=10,
                    due_in=12,
                ),
            ),
        ),
    ),
    ThisYear("probation", 1, 0.75),
)


def _maturity(site: Site) -> float:
    """Around the site's last overall score, a little better."""
    scores = submitted_overall_scores([site.id])
    last = max(((period, score) for (_, period), score in scores.items() if score is not None), default=None)
    return (last[1] / 100 if last is not None else 2.0) + 0.2


def seed_current_year(loaded: LoadedQuestionnaire, today: date, seed: int = 2026) -> dict[str, int]:
    """Bring the commissioner's region's current year about, as described above. Returns counts."""
    counts = {"current_year_assessments": 0, "current_year_reviews": 0, "current_year_decisions": 0}
    area = get_area_by_code(REGIONAL_AREA)
    admin = get_user_by_email(ADMIN)
    if area is None or admin is None:
        return counts
    sites = {site.code: site for site in area.sites}
    facts = [(site.code, site.kind, site.region) for site in area.sites]
    skipped = missed_return(facts)
    chosen = {
        "prison": [code for code in national_prisons(facts, COMMISSIONER_REGION) if code != skipped],
        "probation": national_units(facts, COMMISSIONER_REGION),
    }
    year = Year(loaded, today, seed, admin)
    decisions = []
    for item in THIS_YEAR:
        codes = chosen[item.kind]
        if item.index >= len(codes):
            continue
        site = sites[codes[item.index]]
        if item.submitted is None:
            counts["current_year_assessments"] += year.draft(site)
            continue
        assessment, created = year.submitted(site, item.submitted)
        counts["current_year_assessments"] += created
        if assessment is None:
            continue
        if item.plan is not None:
            counts["current_year_reviews"] += year.review(replace(item.plan, site=site.code), assessment)
        if item.decision is not None:
            decisions.append(replace(item.decision, site=site.code))
    if decisions:
        users = {email: get_user_by_email(email) for email in {plan.by for plan in decisions}}
        counts["current_year_decisions"] = seed_decisions(
            decisions, {email: user for email, user in users.items() if user is not None}, today
        )
    return counts


class Year:
    """The current year's work at one site at a time; each step does nothing when it has been done."""

    def __init__(self, loaded: LoadedQuestionnaire, today: date, seed: int, admin: User):
        self.loaded = loaded
        self.today = today
        self.seed = seed
        self.admin = admin
        self.period = periods.period_for(today)
        self.start = date(int(self.period[:4]), 4, 1)
        self.elapsed = (today - self.start).days

    def answers(self, site: Site, salt: str = "") -> tuple[dict[str, str], dict[str, str]]:
        rng = random.Random(f"{self.seed}:{site.code}:{self.period}{salt}")
        return generate_answers(self.loaded.definition, rng, _maturity(site))

    def draft(self, site: Site) -> int:
        """This year's draft, with the first areas of the questionnaire answered (at the real time: a draft is
        work in hand). Returns 1 when it was made."""
        if _has_assessment(site, self.period):
            return 0
        assessment = assessment_data.start_or_continue_assessment(site, self.period, self.loaded, self.admin)
        choices, evidence = self.answers(site, ":draft")
        for domain in self.loaded.definition.domains[:DRAFT_AREAS]:
            ids = [question.id for question in domain.questions]
            assessment_data.save_answers(
                assessment,
                {qid: choices[qid] for qid in ids if qid in choices},
                {qid: evidence[qid] for qid in ids if qid in evidence},
                self.admin,
                domain_id=domain.id,
            )
        return 1

    def submitted(self, site: Site, share: float) -> tuple[Assessment | None, int]:
        """This year's submitted assessment, made `share` of the way through the year so far (none in its first
        weeks), and whether it was made now."""
        if self.elapsed < SUBMISSIONS_FROM:
            return None, 0
        assessment = assessment_data.get_submitted_assessment(site, self.period)
        if assessment is not None:
            return assessment, 0
        if _has_assessment(site, self.period):
            return None, 0  # a draft someone started: theirs to finish
        day = self.start + timedelta(days=max(1, round(self.elapsed * share)))
        submitted_at = datetime.combine(day, SUBMITTED_AT, tzinfo=UTC)
        choices, evidence = self.answers(site)
        result = score_assessment(self.loaded.definition, choices)
        with demo_time() as clock, clock.at(submitted_at):
            assessment = assessment_data.create_submitted_assessment(
                site, self.period, self.loaded, choices, evidence, self.admin, submitted_at, result
            )
        return assessment, 1

    def review(self, plan: Plan, assessment: Assessment) -> int:
        """The inspector's review, unless the assessment has a review or a query already."""
        inspector = get_user_by_email(plan.inspector)
        if inspector is None or review_data.get_review(assessment.id) is not None:
            return 0
        if query_data.get_queries_for_assessment(assessment.id):
            return 0
        Runner(plan, assessment, inspector, None, self.today).run()
        return 1


def _has_assessment(site: Site, period: str) -> bool:
    return any(row.period == period for row in assessment_data.get_assessments_for_site(site))
