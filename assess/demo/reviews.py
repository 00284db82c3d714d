"""Demo validation and queries (issue 11), so every inspector page has something real to show.

For each demo inspector, sites in their remit in every review state: not yet reviewed (submitted), in
review (some areas decided, not all), validated (every area decided, a confidence judgement and summary,
final), and validated then reopened with a reason and in review again. Some decisions raise or lower the
site's level, with reasons of the kind the sources describe (council meetings and feedback, elections and
diversity monitoring, payment, boundaries and welfare, peer roles, outcome evidence); one area cannot be
validated; a couple carry an internal note. Queries: one awaiting the site and due in two weeks, one the
site answered by disagreeing with evidence, one overdue (still awaiting the site after its due date) and
one resolved, raised by the inspector and answered by the site's demo governor.

Everything goes through the data functions (assess.data.reviews, assess.data.queries), so the audit trail
and the History page show every step. The self-assessed level of each area is worked out from the stored
answers, as the inspector's page works it out, and each decision is checked by
assess.validation.check_decision; a scripted raise or lower that the site's own level does not allow
(another --seed gives other answers) becomes agree. The steps are dated in the weeks before `today`
(assess.demo.clock), after the assessment was submitted, each after the one before. An assessment that
already has a review or a query is left alone, so seeding again adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial

from assess import periods
from assess.data import assessments as assessment_data
from assess.data import queries as query_data
from assess.data import reviews as review_data
from assess.demo.clock import demo_time
from assess.models import Assessment, Query, Site, User
from assess.questionnaire.schema import Questionnaire
from assess.scoring import score_assessment
from assess.services.questionnaires import definition_for
from assess.validation import AGREE, LOWER, RAISE, UNABLE, AreaDecision, check_decision

PRISONS_INSPECTOR = "inspector@example.org"
PROBATION_INSPECTOR = "probation-inspector@example.org"


@dataclass(frozen=True)
class Decide:
    """A decision on one area other than a plain agree: raise or lower by `by` levels, or unable."""

    area: str
    decision: str
    reason: str
    note: str = ""
    by: int = 1


@dataclass(frozen=True)
class Ask:
    """A query, and what happened to it: the site's reply (agree / disagree) and the inspector's outcome."""

    areas: tuple[str, ...]
    text: str
    raised: int  # days before today
    due_in: int | None = None  # days from today; None: three weeks after it was raised
    reply: str | None = None  # "agree" or "disagree"
    reply_text: str = ""
    evidence: str = ""
    replied: int = 0
    outcome: str | None = None  # "resolved" or "closed"
    outcome_text: str = ""
    decided: int = 0


@dataclass(frozen=True)
class Summary:
    confidence: str
    text: str
    note: str = ""


@dataclass(frozen=True)
class Plan:
    """One assessment's review and queries. Days are counted back from today."""

    site: str
    inspector: str
    back: int = 1  # 1: the last period, 2: the one before
    started: int = 0  # the first decision; the rest follow one after another until `decided`
    decided: int = 0
    areas: tuple[str, ...] | None = None  # the areas decided (None: all of them)
    decisions: tuple[Decide, ...] = ()  # the rest of the decided areas are agreed
    summary: Summary | None = None
    finalised: int | None = None  # the summary is saved the day before
    reopened: int | None = None
    reopen_reason: str = ""
    after_reopening: tuple[Decide, ...] = ()  # decisions changed after reopening, the day after
    queries: tuple[Ask, ...] = ()


PLANS: tuple[Plan, ...] = (
    # -- prisons (Jo Reid) ------------------------------------------------------------------------------
    Plan(
        "DEMO-ASH",
        PRISONS_INSPECTOR,
        started=44,
        decided=38,
        decisions=(
            Decide(
                "voice",
                LOWER,
                "Minutes show the prisoner council met twice in the year, not monthly as the self-assessment "
                "says, and there is no record of its decisions being taken back to prisoners on the wings.",
                note="Wing reps on two wings told me they had not seen council minutes since the spring. The "
                "council chair's post was vacant from May to September: ask who covers it next time.",
            ),
            Decide(
                "influence",
                LOWER,
                "The 'you said, we did' boards on the wings had not been updated since last year, and the prison "
                "could not show which council proposals had been decided or carried out.",
            ),
            Decide(
                "delivery",
                RAISE,
                "Trained Listeners and peer mentors on the induction wing are supervised and recognised, and two "
                "prisoners sit on the safer custody meeting with a standing agenda item: more than the "
                "self-assessment claims.",
            ),
            Decide(
                "outcomes",
                UNABLE,
                "The prison does not yet record what changed because of prisoners' involvement and offered no "
                "evaluation, so the level cannot be tested either way.",
            ),
        ),
        summary=Summary(
            "partly confident",
            "Ashcombe's self-assessment is broadly fair. The council and the peer roles are real and valued by "
            "prisoners, but council meetings and feedback to the wings are thinner than described, and nothing "
            "is measured about outcomes. Two areas lowered, one raised, one unable to validate; the rest agreed.",
            note="Governor open to challenge and keen to restart monthly councils. Revisit voice and influence "
            "at the unannounced visit.",
        ),
        finalised=30,
        queries=(
            Ask(
                ("voice",),
                "The self-assessment says the prisoner council meets monthly. Please send the minutes of its "
                "last six meetings and its terms of reference.",
                raised=37,
                reply="agree",
                reply_text="We accept that the council met twice between April and September while the chair's "
                "post was vacant. Monthly meetings restarted in October; the minutes are on the shared drive.",
                replied=34,
                outcome="resolved",
                outcome_text="Thank you. Voice structures stays lowered for this year; the new minutes will be "
                "looked at in next year's review.",
                decided=33,
            ),
            Ask(
                ("outcomes", "influence"),
                "Please tell us how you will record what changes because of prisoners' involvement (for example "
                "a 'you said, we did' log that the council reviews), who will keep it, and from when.",
                raised=4,
                due_in=14,
            ),
        ),
    ),
    Plan(
        "DEMO-FWR",
        PRISONS_INSPECTOR,
        started=20,
        decided=18,
        areas=("leadership", "voice", "representation", "capacity", "recognition", "welfare"),
        decisions=(
            Decide(
                "capacity",
                LOWER,
                "Council representatives and peer workers get no training for their roles and wing staff have not "
                "been briefed on involvement: the induction leaflet is the only material offered.",
            ),
            Decide(
                "recognition",
                RAISE,
                "Council members and peer workers are paid for the hours they give, and the governor thanks them "
                "in writing each quarter: better than the self-assessment suggests.",
            ),
        ),
        queries=(
            Ask(
                ("capacity",),
                "We found no training for council representatives or peer workers, and no briefing for staff. "
                "Please tell us what training representatives and peer workers receive, and how staff are "
                "prepared for involvement.",
                raised=17,
                reply="disagree",
                reply_text="We disagree: every council representative completes a two-day course run with a "
                "voluntary sector partner, and all wing staff had a briefing on the council in the spring.",
                evidence="The course register and materials for the last two cohorts, kept by the reducing "
                "reoffending hub; the staff briefing slides and attendance lists for each wing.",
                replied=9,
            ),
        ),
    ),
    Plan(
        "DEMO-ORW",
        PRISONS_INSPECTOR,
        started=70,
        decided=65,
        decisions=(
            Decide(
                "recognition",
                LOWER,
                "The self-assessment describes paid involvement roles, but the evidence shows only certificates "
                "and enhanced-status points: no one is paid for the time they give to the Women's Forum.",
            ),
            Decide(
                "review",
                RAISE,
                "Women from the Forum carried out the peer-led survey of the mother and baby unit with a local "
                "lived-experience charity, and its findings went to the senior leadership team.",
            ),
        ),
        summary=Summary(
            "confident",
            "Orwell Sands knows its strengths and weaknesses. The Women's Forum is representative and well "
            "supported, and most levels are borne out by the evidence. One area lowered for want of evidence of "
            "payment, one raised.",
        ),
        finalised=60,
        reopened=12,
        reopen_reason="After the review was final the prison sent payroll records and the job description of "
        "the paid Forum coordinator, which were not in the evidence: Recognition, reward and payment needs a "
        "new decision.",
        after_reopening=(
            Decide(
                "recognition",
                AGREE,
                "Payroll records show the Forum coordinator and two peer workers are paid for their time; the "
                "self-assessed level is borne out.",
            ),
        ),
        queries=(
            Ask(
                ("welfare",),
                "The self-assessment says every woman in a Forum or peer role has a regular welfare check-in. "
                "Please send the written guidance on boundaries and welfare, and the record of check-ins for the "
                "last quarter.",
                raised=26,
                due_in=-5,
            ),
        ),
    ),
    # HMP Kingsmere and HMP Brayford are not yet reviewed.
    # -- probation (Dev Anand) --------------------------------------------------------------------------
    Plan(
        "DEMO-PDU-LM",
        PROBATION_INSPECTOR,
        started=45,
        decided=39,
        decisions=(
            Decide(
                "outcomes",
                LOWER,
                "The outcomes evidence is one feedback survey of 14 people who finished the same course; nothing "
                "shows what changed in the service because of people's involvement, and nothing has been "
                "evaluated.",
                note="The survey was run by the regional lived-experience lead, not the unit. Check whether other "
                "units in the region quote the same survey.",
            ),
            Decide(
                "recognition",
                RAISE,
                "Peer mentors are paid as sessional workers and expenses are paid on the day: better than the "
                "self-assessment says.",
            ),
            Decide(
                "welfare",
                LOWER,
                "There is no written guidance on boundaries for people with lived experience working alongside "
                "staff, and welfare check-ins depend on one practitioner's goodwill.",
            ),
            Decide(
                "resources",
                UNABLE,
                "The involvement budget is held by the regional office and the unit could not show what it spends "
                "or how much staff time it gives, so the level cannot be tested at unit level.",
            ),
        ),
        summary=Summary(
            "partly confident",
            "Lowmoor has a working Service User Council and paid peer roles, and involvement is part of how the "
            "unit runs. The self-assessment overstates outcomes and welfare support, and resources could not be "
            "tested at unit level.",
        ),
        finalised=30,
        queries=(
            Ask(
                ("recognition",),
                "Please send evidence of how peer mentors are paid and how expenses are repaid.",
                raised=38,
                reply="agree",
                reply_text="Peer mentors are paid through the sessional worker scheme; the payment schedule and "
                "the expenses policy are in the shared evidence folder.",
                replied=36,
                outcome="resolved",
                outcome_text="Thank you: the evidence supports a higher level than the one self-assessed.",
                decided=35,
            ),
            Ask(
                ("outcomes",),
                "Outcomes and impact was lowered because the only evidence is one course's feedback survey. If you "
                "measure what involvement achieves in another way, please send it.",
                raised=28,
                reply="disagree",
                reply_text="We disagree with the lowered level: the Service User Council's proposals are tracked, "
                "and three changes to induction were made because of them this year.",
                evidence="The council's action log for the year, with the three induction changes marked, and the "
                "unit's quarterly performance report (section 4, involvement).",
                replied=20,
            ),
            Ask(
                ("welfare",),
                "Please tell us when you will have written guidance on boundaries and welfare for people with "
                "lived experience working alongside staff, and who will check in with them.",
                raised=3,
                due_in=14,
            ),
        ),
    ),
    Plan(
        "DEMO-PDU-TV",
        PROBATION_INSPECTOR,
        started=29,
        decided=27,
        areas=("leadership", "voice", "representation", "review"),
        decisions=(
            Decide(
                "representation",
                LOWER,
                "The Service User Council meets only at the town-centre office; people on community sentences in "
                "the rural parts of the unit, and women, are not represented, and the unit does not monitor who "
                "takes part.",
            ),
            Decide(
                "review",
                LOWER,
                "The peer research cited was commissioned by the region with a lived-experience charity; the unit "
                "took part but has not acted on its findings, so it does not show people reviewing the unit's own "
                "services.",
                note="Ask the head of the PDU whether the regional report was ever shared with staff.",
                by=2,
            ),
        ),
        queries=(
            Ask(
                ("review",),
                "Please send the report of the peer research cited under Monitoring, research and inspection, and "
                "tell us which of its recommendations the unit has acted on.",
                raised=24,
                due_in=-3,
            ),
        ),
    ),
    Plan(
        "DEMO-PDU-GW",
        PROBATION_INSPECTOR,
        back=2,  # the latest year is not yet reviewed; the one before was validated, then reopened
        started=90,
        decided=86,
        decisions=(
            Decide(
                "delivery",
                LOWER,
                "Peer mentors support people on unpaid work, but no one with lived experience sits on the unit's "
                "governance or helps recruit staff, so delivery and governance are not shared.",
            ),
            Decide(
                "partnership",
                RAISE,
                "The unit and a lived-experience charity run the Lived Experience Panel together, with a written "
                "agreement and shared planning.",
            ),
        ),
        summary=Summary(
            "confident",
            "Glanwy's self-assessment is careful and well evidenced. One area lowered, where the evidence of "
            "shared governance was missing, and one raised for its joint work with a lived-experience charity.",
        ),
        finalised=80,
        reopened=6,
        reopen_reason="The unit has since sent the terms of reference of its Lived Experience Panel, which show "
        "two panel members on the unit's quality board: Design, delivery and governance roles needs a new "
        "decision.",
        after_reopening=(
            Decide(
                "delivery",
                AGREE,
                "Panel members sit on the quality board and took part in two recruitment panels; the self-assessed "
                "level is borne out.",
            ),
        ),
    ),
)

REPLY_WINDOW = timedelta(days=21)  # a query raised without a stated due date is due three weeks later
WORKDAY_START = time(9, 30)
STEP = timedelta(minutes=20)  # between steps on the same day


def self_levels(assessment: Assessment, questionnaire: Questionnaire) -> dict[str, int | None]:
    """Each area's self-assessed level, worked out from the stored answers as the inspector's page does."""
    result = score_assessment(questionnaire, assessment.answer_map())
    return {item.domain_id: item.level for item in result.domains}


def decide(planned: Decide | None, self_level: int | None, questionnaire: Questionnaire) -> tuple[AreaDecision, str]:
    """The checked decision for an area (agree when nothing else is planned or the plan does not fit the
    site's level), and its internal note."""
    values = [level.value for level in questionnaire.levels]
    if planned is not None and planned.decision != AGREE:
        chosen = None
        if self_level is not None:
            step = planned.by if planned.decision == RAISE else -planned.by
            chosen = min(max(self_level + step, values[0]), values[-1])
        decided, problems = check_decision(planned.decision, self_level, chosen, planned.reason, values)
        if decided is not None and not problems:
            return decided, planned.note
    reason = planned.reason if planned is not None and planned.decision == AGREE else ""
    agreed, problems = check_decision(AGREE, self_level, None, reason, values)
    assert agreed is not None and not problems, problems
    return agreed, planned.note if planned is not None else ""


class Timeline:
    """Turns "days before today" into times: each step after the one before, all after the assessment was
    submitted and before today. When the assessment was submitted too recently for the plan, the days are
    squeezed into the time there is."""

    def __init__(self, today: date, submitted_at: datetime, earliest: int):
        available = (today - submitted_at.astimezone(UTC).date()).days - 2
        self.today = today
        self.factor = min(1.0, max(available, 1) / max(earliest, 1))
        self.last: datetime | None = None

    def day(self, days_ago: int) -> date:
        return self.today - timedelta(days=max(1, round(days_ago * self.factor)))

    def at(self, days_ago: int) -> datetime:
        when = datetime.combine(self.day(days_ago), WORKDAY_START, tzinfo=UTC)
        if self.last is not None and when <= self.last:
            when = self.last + STEP
        self.last = when
        return when


Step = tuple[int, Callable[[], object]]  # (days before today, what happens then)


class Runner:
    """Carries out one plan on one assessment."""

    def __init__(self, plan: Plan, assessment: Assessment, inspector: User, governor: User | None, today: date):
        self.plan = plan
        self.assessment = assessment
        self.inspector = inspector
        self.governor = governor
        self.today = today
        self.questionnaire = definition_for(assessment.questionnaire_id, assessment.questionnaire_version)
        self.area_ids = [domain.id for domain in self.questionnaire.domains]
        self.levels = self_levels(assessment, self.questionnaire)
        self.queries: dict[int, Query] = {}
        assert assessment.submitted_at is not None
        self.timeline = Timeline(today, assessment.submitted_at, self.earliest())

    def earliest(self) -> int:
        days = [self.plan.started] + [ask.raised for ask in self.plan.queries]
        return max(days)

    def decide_area(self, area: str, planned: Decide | None) -> None:
        decided, note = decide(planned, self.levels.get(area), self.questionnaire)
        current = review_data.get_validations(self.assessment.id).get(area)
        review_data.save_validation(
            self.assessment,
            self.inspector,
            area,
            decision=decided.decision,
            self_level=self.levels.get(area),
            validated_level=decided.level,
            reason=decided.reason,
            internal_note=note,
            expected_version=current.version if current is not None else 0,
        )

    def save_summary(self, summary: Summary) -> None:
        review = review_data.get_review(self.assessment.id)
        review_data.save_summary(
            self.assessment,
            self.inspector,
            confidence=summary.confidence,
            summary=summary.text,
            internal_note=summary.note,
            expected_version=review.version if review is not None else 1,
        )

    def raise_query(self, index: int, ask: Ask) -> None:
        raised_on = self.timeline.day(ask.raised)
        if ask.due_in is None:
            due = raised_on + REPLY_WINDOW
        else:
            due = max(self.today + timedelta(days=ask.due_in), raised_on + timedelta(days=1))
        self.queries[index] = query_data.raise_query(self.assessment, self.inspector, list(ask.areas), ask.text, due)

    def step_query(self, index: int, user: User | None, kind: str, text: str, evidence: str | None) -> None:
        if user is None:  # the site has no demo governor to reply
            return
        query = self.queries[index]
        self.queries[index] = query_data.step_query(query, user, kind, text, evidence, query.version)

    def steps(self) -> list[Step]:
        plan = self.plan
        steps: list[Step] = []
        areas = [area for area in self.area_ids if plan.areas is None or area in plan.areas]
        planned = {item.area: item for item in plan.decisions}
        for number, area in enumerate(areas):
            days = plan.started - (plan.started - plan.decided) * number // max(len(areas) - 1, 1)
            steps.append((days, partial(self.decide_area, area, planned.get(area))))
        if plan.summary is not None and plan.finalised is not None:
            steps.append((plan.finalised + 1, partial(self.save_summary, plan.summary)))
            steps.append(
                (plan.finalised, partial(review_data.finalise_review, self.assessment, self.inspector, self.area_ids))
            )
        if plan.reopened is not None:
            steps.append(
                (plan.reopened, partial(review_data.reopen_review, self.assessment, self.inspector, plan.reopen_reason))
            )
            for item in plan.after_reopening:
                steps.append((plan.reopened - 1, partial(self.decide_area, item.area, item)))
        for index, ask in enumerate(plan.queries):
            steps.append((ask.raised, partial(self.raise_query, index, ask)))
            if ask.reply is not None:
                reply = partial(self.step_query, index, self.governor, ask.reply, ask.reply_text, ask.evidence or None)
                steps.append((ask.replied, reply))
            if ask.outcome is not None:
                outcome = partial(self.step_query, index, self.inspector, ask.outcome, ask.outcome_text, None)
                steps.append((ask.decided, outcome))
        # Oldest first; steps on the same day in the order they were added.
        return sorted(steps, key=lambda item: -item[0])

    def run(self) -> None:
        with demo_time() as clock:
            for days, action in self.steps():
                with clock.at(self.timeline.at(days)):
                    action()


def seed_reviews(
    sites: Mapping[str, Site | None], users: Mapping[str, User], governors: Mapping[str, User], today: date
) -> dict[str, int]:
    """Carry out the plans whose assessment exists and has no review and no query yet. `governors`: the
    demo governor of each site code, who replies to its queries."""
    last = periods.previous_period(periods.period_for(today))
    reviews = queries = 0
    for plan in PLANS:
        site = sites.get(plan.site)
        if site is None:
            continue
        period = last if plan.back == 1 else periods.previous_period(last)
        assessment = assessment_data.get_submitted_assessment(site, period)
        if assessment is None:
            continue
        if review_data.get_review(assessment.id) is not None or query_data.get_queries_for_assessment(assessment.id):
            continue
        Runner(plan, assessment, users[plan.inspector], governors.get(plan.site), today).run()
        reviews += 1
        queries += len(plan.queries)
    return {"reviews_created": reviews, "queries_created": queries}
