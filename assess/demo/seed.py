"""Clearly fictional demo data: sites, one account per role, submitted assessments over two periods, the
demo inspectors' reviews and queries of some of them (assess.demo.reviews), and the commissioners' areas
and assurance decisions (assess.demo.areas).

The answers are generated from a seeded random source, so the same call always builds the same data. Each
submission's audit event carries the time it was submitted (assess.demo.clock).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from assess import periods
from assess.data import assessments as assessment_data
from assess.data.sites import get_site_by_code, upsert_sites
from assess.data.users import create_or_update_user
from assess.demo.areas import DECISIONS, PRISON_GROUP, REGIONAL_AREA, area_objects, refresh_areas, seed_decisions
from assess.demo.clock import demo_time
from assess.demo.reviews import seed_reviews
from assess.questionnaire.loader import LoadedQuestionnaire
from assess.questionnaire.schema import Questionnaire
from assess.scoring import DONT_KNOW, NOT_APPLICABLE, score_assessment

DEFAULT_DEMO_PASSWORD = "demo-Fellwater-2026"

DEMO_SITES: list[dict[str, Any]] = [
    {
        "code": "DEMO-FWR",
        "name": "HMP Fellwater (fictional)",
        "kind": "prison",
        "nation": "England",
        "region": "North West",
        "category": "Category C",
        "function": "Training",
        "population_band": "500-999",
    },
    {
        "code": "DEMO-ASH",
        "name": "HMP Ashcombe (fictional)",
        "kind": "prison",
        "nation": "England",
        "region": "North West",
        "category": "Category B",
        "function": "Local",
        "population_band": "1000+",
    },
    {
        "code": "DEMO-KNG",
        "name": "HMP Kingsmere (fictional)",
        "kind": "prison",
        "nation": "England",
        "region": "South West",
        "category": "Category C",
        "function": "Resettlement",
        "population_band": "500-999",
    },
    {
        "code": "DEMO-BRY",
        "name": "HMP Brayford (fictional)",
        "kind": "prison",
        "nation": "Wales",
        "region": "Wales",
        "category": "Category B",
        "function": "Local",
        "population_band": "500-999",
    },
    {
        "code": "DEMO-ORW",
        "name": "HMP Orwell Sands (fictional)",
        "kind": "prison",
        "nation": "England",
        "region": "East of England",
        "category": "Women's",
        "function": "Closed",
        "population_band": "Under 500",
    },
    {
        "code": "DEMO-PDU-LM",
        "name": "Lowmoor Probation Delivery Unit (fictional)",
        "kind": "probation",
        "nation": "England",
        "region": "North West",
        "category": None,
        "function": None,
        "population_band": "1000+",
    },
    {
        "code": "DEMO-PDU-TV",
        "name": "Tamsvale Probation Delivery Unit (fictional)",
        "kind": "probation",
        "nation": "England",
        "region": "South West",
        "category": None,
        "function": None,
        "population_band": "Under 1000",
    },
    {
        "code": "DEMO-PDU-GW",
        "name": "Glanwy Probation Delivery Unit (fictional)",
        "kind": "probation",
        "nation": "Wales",
        "region": "Wales",
        "category": None,
        "function": None,
        "population_band": "Under 1000",
    },
]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: str
    sites: tuple[str, ...] = ()
    remit: tuple[tuple[str, str], ...] = ()  # an inspector's (kind of site, nation) pairs
    areas: tuple[str, ...] = ()  # a commissioner's areas, by code (assess.demo.areas)


DEMO_ACCOUNTS = (
    DemoAccount(
        "governor@example.org", "Alex Morgan (demo governor)", "governor", ("DEMO-FWR", "DEMO-ASH", "DEMO-ORW")
    ),
    DemoAccount("probation@example.org", "Sam Okafor (demo probation manager)", "governor", ("DEMO-PDU-LM",)),
    DemoAccount(
        "inspector@example.org",
        "Jo Reid (demo prisons inspector)",
        "inspector",
        remit=(("prison", "England"), ("prison", "Wales")),
    ),
    DemoAccount(
        "probation-inspector@example.org",
        "Dev Anand (demo probation inspector)",
        "inspector",
        remit=(("probation", "England"), ("probation", "Wales")),
    ),
    DemoAccount(
        "commissioner@example.org", "Priya Shah (demo regional commissioner)", "commissioner", areas=(REGIONAL_AREA,)
    ),
    DemoAccount(
        "prison-group-commissioner@example.org",
        "Tom Hughes (demo prison group director)",
        "commissioner",
        areas=(PRISON_GROUP,),
    ),
    DemoAccount("admin@example.org", "Chris Lee (demo administrator)", "admin"),
)

# Evidence the demo writes beside an answer, written for the level the answer describes, so that what a site says
# it has matches what it chose: "No one at senior level is responsible" is never backed by "Strategy signed off by
# the senior leadership team". Each level has the same number of snippets (5), so choosing one draws the same
# random numbers whatever the level, and the rest of the demo data does not change with the wording. Worded for
# prisons and probation alike.
EVIDENCE_BY_LEVEL: dict[int, tuple[str, ...]] = {
    0: (
        "Nothing written down yet: the senior team agreed at its last meeting that this is a gap to close.",
        "No record of this yet. It is on the improvement plan as something to start this year.",
        "None at present. Decisions are made by staff and are not explained to people who use the service.",
        "Not in place. The head of involvement is finding out what other sites do before proposing a start.",
        "No evidence: the last inspection report noted that nothing was in place, and that is still the case.",
    ),
    1: (
        "Notices and the monthly newsletter tell people who use the service what has been decided, and why.",
        "Information sheets given out at induction explain the service; they do not ask for views.",
        "Staff briefings to people who use the service explain changes before they happen.",
        "The governor's or head of service's quarterly letter sets out decisions and the reasons for them.",
        "Leaflets and posters in reception describe the service and how it works.",
    ),
    2: (
        "Survey results summarised in the quarterly involvement report, with what staff decided as a result.",
        "Notes of this year's focus groups, and the 'you said, we did' board that reports back on them.",
        "The consultation on the new appointment times: the questions asked, the replies and the decision.",
        "Feedback forms analysed by the senior team; the results were published with what changed.",
        "Minutes of the consultative meetings, where staff heard views and later reported their decisions.",
    ),
    3: (
        "Minutes of the last three council meetings, kept by the head of residence.",
        "Notes from the service user forum, with the actions agreed.",
        "Terms of reference of the elected council, and a list of the decisions it influenced this year.",
        "The forum's action log, showing the proposals its members took forward with staff.",
        "Election records for the representatives, and their regular reports to the senior team.",
    ),
    4: (
        "Workshop notes from redesigning induction with people who use the service, and the induction that resulted.",
        "The complaints leaflet designed with the service user design group, with the group's notes of its changes.",
        "Papers of the joint group that drafted the new involvement strategy with service user members.",
        "Design group minutes showing members who use the service chose between options with staff.",
        "The visits policy, written by staff and service user representatives together, with both named as authors.",
    ),
    5: (
        "Strategy signed off jointly by the senior leadership team and the service user council, which co-chairs "
        "its review.",
        "Job descriptions and pay records for the peer mentor posts, and the rota the mentors run themselves.",
        "Governance board minutes: two members with lived experience hold seats and vote on decisions.",
        "Recruitment records showing a member with lived experience sat on every interview panel this year.",
        "Budget line in this year's business plan, managed jointly by staff and the service user council.",
    ),
}

# Every snippet the demo may write, at any level.
EVIDENCE_SNIPPETS = tuple(snippet for level in sorted(EVIDENCE_BY_LEVEL) for snippet in EVIDENCE_BY_LEVEL[level])


def evidence_for(choice: str, rng: random.Random) -> str:
    """Evidence consistent with the answer chosen (a level, as the answer stores it)."""
    level = min(int(choice), max(EVIDENCE_BY_LEVEL))
    return rng.choice(EVIDENCE_BY_LEVEL[level])


def generate_answers(
    questionnaire: Questionnaire, rng: random.Random, maturity: float
) -> tuple[dict[str, str], dict[str, str]]:
    """Plausible answers around a site's underlying maturity (0-5), with some uncertainty."""
    top = questionnaire.top_level
    choices: dict[str, str] = {}
    evidence: dict[str, str] = {}
    for domain in questionnaire.domains:
        domain_shift = rng.gauss(0, 0.5)
        for question in domain.questions:
            roll = rng.random()
            if question.not_applicable and roll < 0.05:
                choices[question.id] = NOT_APPLICABLE
                continue
            if question.dont_know and roll > 0.96:
                choices[question.id] = DONT_KNOW
                continue
            level = round(maturity + domain_shift + rng.gauss(0, 0.6))
            allowed = sorted(option.level for option in question.options)
            level = min(max(level, allowed[0]), min(top, allowed[-1]))
            choices[question.id] = str(min(allowed, key=lambda value: abs(value - level)))
            if rng.random() < 0.4:
                evidence[question.id] = evidence_for(choices[question.id], rng)
    return choices, evidence


def seed_demo(loaded: LoadedQuestionnaire, password: str, today: date, seed: int = 2026) -> dict[str, int]:
    """Create or refresh the demo data. Safe to run again: nothing is duplicated."""
    upsert_sites(DEMO_SITES)
    sites = {row["code"]: get_site_by_code(row["code"]) for row in DEMO_SITES}
    areas = refresh_areas()
    users = {}
    for account in DEMO_ACCOUNTS:
        linked = [sites[code] for code in account.sites]
        users[account.email] = create_or_update_user(
            account.email,
            account.name,
            account.role,
            password,
            [site for site in linked if site is not None],
            remit=account.remit,
            areas=area_objects(account.areas),
        )
    # Submitted by the person linked to the site where there is one; otherwise by the administrator.
    submitters = {code: users[account.email] for account in DEMO_ACCOUNTS for code in account.sites}

    current = periods.period_for(today)
    past = [periods.previous_period(periods.previous_period(current)), periods.previous_period(current)]
    rng = random.Random(seed)
    created = 0
    for index, row in enumerate(DEMO_SITES):
        site = sites[row["code"]]
        if site is None:
            continue
        maturity = 1.2 + (index * 0.37) % 2.6
        for step, period in enumerate(past):
            site_rng = random.Random(f"{seed}:{row['code']}:{period}")
            if assessment_data.get_submitted_assessment(site, period) is not None:
                continue
            choices, evidence = generate_answers(loaded.definition, site_rng, maturity + 0.4 * step)
            submitted_at = datetime(int(period[:4]) + 1, 2, 1, 10, 0, tzinfo=UTC) + timedelta(
                days=rng.randint(0, 40), minutes=rng.randint(0, 600)
            )
            submitter = submitters.get(row["code"], users["admin@example.org"])
            result = score_assessment(loaded.definition, choices)
            with demo_time() as clock, clock.at(submitted_at):
                assessment_data.create_submitted_assessment(
                    site, period, loaded, choices, evidence, submitter, submitted_at, result
                )
            created += 1
    reviewed = seed_reviews(sites, users, submitters, today)
    decided = seed_decisions(DECISIONS, users, today)
    return {
        "sites": len(DEMO_SITES),
        "accounts": len(DEMO_ACCOUNTS),
        "assessments_created": created,
        **reviewed,
        **areas,
        "decisions_created": decided,
    }
