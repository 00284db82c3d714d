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

EVIDENCE_SNIPPETS = (
    "Minutes of the last three council meetings, kept by the head of residence.",
    "Strategy signed off by the senior leadership team; copy on the shared drive.",
    "Survey results summarised in the quarterly involvement report.",
    "Notes from the service user forum, with the actions agreed.",
    "Budget line in this year's business plan.",
)


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
                evidence[question.id] = rng.choice(EVIDENCE_SNIPPETS)
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
