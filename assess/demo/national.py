"""A clearly fictional national data set for benchmarks: prisons and probation delivery units in the
12 regions, each with a submitted assessment for each of several annual periods.

Every site and every name is invented and marked "(fictional)"; codes start "NAT-". The patterns are
made up to look plausible, not taken from any real results:

- each site has an underlying maturity (0-5) made of a national level, a regional difference, a
  difference for its kind of establishment (category, function) and its own difference;
- most sites improve year on year (over the last 6 years; before that they are steady), some stay
  flat, and some fall back after a reorganisation (a drop in one of the last 3 periods, with more
  "don't know" answers, then most of the way back the next year);
- domains differ in the same way everywhere (people's voice is heard before they share delivery;
  review and outcomes come last), and each site has its own stronger and weaker domains, which
  persist from year to year;
- a few sites skip a period; "don't know" is more common where practice is weaker.

The same seed always gives the same data: every random choice comes from a generator seeded with
the seed and the site (and period), so a run can be repeated, extended with more periods, or
resumed after an interruption, and only the missing site and period pairs are added. The 8 sites
of the small demo (assess.demo.seed) join the data set when they exist, so the demo accounts have peers;
their missing earlier periods are filled in, leading up to the results the small demo gave them.

For the demo commissioners (assess.demo.areas): one prison of the North West (the third made there) has
not sent the latest period's return, so the regional commissioner's coverage has an overdue site whatever
the seed; and when the small demo's areas exist, seeding ends by bringing them up to date with the national
sites and filling in the region's current year (assess.demo.coverage).

Writes go through assess.data.bulk (a few statements per 1,000 assessments) and scores are worked
out by Scorer (score_assessment's arithmetic without its explanations, checked against it): 10,000
assessments take seconds, not minutes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import Any

from assess import periods as period_rules
from assess.data import bulk
from assess.data.areas import get_area_by_code
from assess.demo.areas import REGIONAL_AREA, missed_return, refresh_areas
from assess.demo.coverage import seed_current_year
from assess.demo.seed import DEMO_SITES, evidence_for
from assess.questionnaire.loader import LoadedQuestionnaire
from assess.questionnaire.schema import Questionnaire
from assess.scoring import DONT_KNOW, NOT_APPLICABLE, level_for, round_score, score_assessment, score_domain

# The 12 HMPPS-style regions, with a rough share of prisons and of probation delivery units in each.
# The small demo's regions (North West, South West, Wales, East of England) are among them.
REGIONS: tuple[tuple[str, str, int, int], ...] = (
    # (region, nation, prison weight, probation weight)
    ("North East", "England", 7, 7),
    ("North West", "England", 12, 10),
    ("Yorkshire and the Humber", "England", 13, 10),
    ("Greater Manchester", "England", 5, 10),
    ("East Midlands", "England", 11, 9),
    ("West Midlands", "England", 12, 10),
    ("East of England", "England", 12, 9),
    ("Wales", "Wales", 5, 7),
    ("London", "England", 8, 12),
    ("Kent, Surrey and Sussex", "England", 14, 9),
    ("South West", "England", 9, 8),
    ("South Central", "England", 10, 9),
)

PRISON_SHARE = 120 / 230  # the default 230 sites: about 120 prisons and 110 probation delivery units

# Prison categories: (category, weight, maturity difference, {function: weight}, {population band: weight}).
CATEGORIES: tuple[tuple[str, int, float, dict[str, int], dict[str, int]], ...] = (
    ("Category B", 24, -0.15, {"Local": 8, "Training": 2}, {"Under 500": 1, "500-999": 4, "1000+": 5}),
    (
        "Category C",
        44,
        0.0,
        {"Training": 6, "Resettlement": 3, "Local": 1},
        {"Under 500": 2, "500-999": 5, "1000+": 3},
    ),
    ("Category D", 10, 0.25, {"Open": 8, "Resettlement": 2}, {"Under 500": 7, "500-999": 3}),
    (
        "Women's",
        10,
        0.3,
        {"Local": 4, "Resettlement": 3, "Training": 2, "Open": 1},
        {"Under 500": 8, "500-999": 2},
    ),
    ("Young offender institution", 6, -0.2, {"Training": 6, "Local": 4}, {"Under 500": 6, "500-999": 4}),
    ("High security", 6, -0.3, {"Training": 7, "Local": 3}, {"500-999": 8, "1000+": 2}),
)
FUNCTION_DIFFERENCE = {"Local": -0.1, "Open": 0.1, "Resettlement": 0.05}
# Probation delivery units have a population band (caseload) only, in the small demo's bands.
PROBATION_BANDS = {"Under 1000": 4, "1000+": 6}
PROBATION_DIFFERENCE = 0.1

# How each domain differs from a site's overall maturity, everywhere (ids of sui-maturity 1.0;
# domains of other versions not listed here differ by 0).
DOMAIN_DIFFERENCE = {
    "leadership": 0.25,
    "voice": 0.55,
    "representation": 0.05,
    "capacity": -0.05,
    "recognition": -0.15,
    "welfare": 0.15,
    "influence": -0.2,
    "delivery": -0.3,
    "review": -0.55,
    "partnership": 0.1,
    "resources": -0.2,
    "outcomes": -0.75,
}
PROBATION_DOMAIN_DIFFERENCE = {"partnership": 0.25, "voice": -0.1}

# Invented place names: a first part and an ending, with a qualifier once they run out.
NAME_STARTS = (
    "Alder", "Bracken", "Cinder", "Dray", "Ember", "Fallow", "Gannet", "Heron", "Ingle", "Juniper",
    "Kestrel", "Linnet", "Merrow", "Nettle", "Osier", "Plover", "Quill", "Rowan", "Sorrel", "Tansy",
    "Umber", "Vetch", "Wren", "Yarrow", "Bittern", "Larch", "Teasel", "Burdock", "Sedge", "Tarn",
    "Mallow", "Thistle", "Hazel", "Corrie", "Marten", "Pipit",
)  # fmt: skip
NAME_ENDS = (
    "mere", "combe", "ford", "ley", "wick", "stead", "holm", "gate", "field", "by",
    "thorpe", "haven", "wold", "moor", "dale", "hurst", "ton", "bridge", "marsh", "well",
)  # fmt: skip
NAME_QUALIFIERS = ("", " North", " South", " East", " West", " Park", " Grange", " Vale")

SKIP_CHANCE = 0.04  # a site does not submit for a period


HISTORY = 6  # years back from the latest period over which sites improve; before that they are steady


@dataclass(frozen=True)
class Profile:
    """A site's underlying pattern, counted in years back from the latest period (0 = the latest), so
    that a pair of site and period gets the same answers however many periods a run asks for."""

    latest: float  # maturity in the latest period, before any reorganisation
    yearly: float  # improvement per year
    drop_back: int | None  # years back of the period that falls back after a reorganisation
    drop: float
    domains: dict[str, float]  # the site's own stronger and weaker domains

    def maturity(self, back: int) -> float:
        value = self.latest - self.yearly * min(back, HISTORY)
        if self.drop_back is not None:
            if back == self.drop_back:
                value -= self.drop
            elif back == self.drop_back - 1:
                value -= 0.4 * self.drop  # most of the way back a year later
        return value


def national_sites(count: int, seed: int) -> list[dict[str, Any]]:
    """The fictional sites: about 120 prisons to 110 probation delivery units, in every region."""
    prisons = round(count * PRISON_SHARE)
    rng = random.Random(f"{seed}:names")
    names = [start + end for start in NAME_STARTS for end in NAME_ENDS]
    rng.shuffle(names)
    needed = count
    pool = [name + qualifier for qualifier in NAME_QUALIFIERS for name in names]
    if needed > len(pool):
        pool += [f"{name} {number}" for number in range(2, needed // len(names) + 3) for name in names]
    rows: list[dict[str, Any]] = []
    for number in range(1, prisons + 1):
        rows.append(_prison(number, pool[len(rows)], seed))
    for number in range(1, count - prisons + 1):
        rows.append(_probation(number, pool[len(rows)], seed))
    return rows


def _region(kind: str, number: int, seed: int) -> tuple[str, str]:
    """The first 12 sites of each kind cover the 12 regions once each; the rest follow the weights."""
    order = list(REGIONS)
    random.Random(f"{seed}:regions:{kind}").shuffle(order)
    if number <= len(order):
        region, nation, _, _ = order[number - 1]
        return region, nation
    rng = random.Random(f"{seed}:region:{kind}:{number}")
    weights = [prison if kind == "prison" else probation for _, _, prison, probation in REGIONS]
    region, nation, _, _ = rng.choices(REGIONS, weights=weights)[0]
    return region, nation


def _weighted(rng: random.Random, options: dict[str, int]) -> str:
    return rng.choices(list(options), weights=list(options.values()))[0]


def _prison(number: int, name: str, seed: int) -> dict[str, Any]:
    region, nation = _region("prison", number, seed)
    rng = random.Random(f"{seed}:prison:{number}")
    category, _, _, functions, bands = rng.choices(CATEGORIES, weights=[item[1] for item in CATEGORIES])[0]
    return {
        "code": f"NAT-P{number:03d}",
        "name": f"HMP {name} (fictional)",
        "kind": "prison",
        "nation": nation,
        "region": region,
        "category": category,
        "function": _weighted(rng, functions),
        "population_band": _weighted(rng, bands),
    }


def _probation(number: int, name: str, seed: int) -> dict[str, Any]:
    region, nation = _region("probation", number, seed)
    rng = random.Random(f"{seed}:probation:{number}")
    return {
        "code": f"NAT-U{number:03d}",
        "name": f"{name} Probation Delivery Unit (fictional)",
        "kind": "probation",
        "nation": nation,
        "region": region,
        "category": None,
        "function": None,
        "population_band": _weighted(rng, PROBATION_BANDS),
    }


def national_periods(today: date, count: int) -> list[str]:
    """`count` annual periods, oldest first, ending with the one before the current financial year."""
    period = period_rules.previous_period(period_rules.period_for(today))
    found = [period]
    for _ in range(count - 1):
        period = period_rules.previous_period(period)
        found.append(period)
    return found[::-1]


def region_differences(seed: int) -> dict[str, float]:
    rng = random.Random(f"{seed}:region-differences")
    return {region: round(rng.gauss(0, 0.3), 2) for region, _, _, _ in REGIONS}


def profile_for(row: dict[str, Any], seed: int, regions: dict[str, float]) -> Profile:
    rng = random.Random(f"{seed}:profile:{row['code']}")
    kind_difference = PROBATION_DIFFERENCE
    if row["kind"] == "prison":
        kind_difference = next((item[2] for item in CATEGORIES if item[0] == row["category"]), 0.0)
        kind_difference += FUNCTION_DIFFERENCE.get(row["function"] or "", 0.0)
    site_difference = rng.gauss(0, 0.55)
    roll = rng.random()
    drop_back: int | None = None
    drop = 0.0
    if roll < 0.70:  # improving
        yearly = max(0.05, rng.gauss(0.28, 0.12))
    elif roll < 0.82:  # steady
        yearly = rng.gauss(0.0, 0.08)
    else:  # improving, but a reorganisation set it back for a year (then it recovered)
        yearly = max(0.05, rng.gauss(0.22, 0.1))
        drop_back = rng.choice((1, 1, 2))
        drop = rng.uniform(0.7, 1.3)
    latest = 1.7 + regions.get(row["region"], 0.0) + kind_difference + site_difference + 3 * max(yearly, 0.0)
    latest = min(max(latest, 0.3), 4.6)
    own = {domain: rng.gauss(0, 0.35) for domain in DOMAIN_DIFFERENCE}
    if row["kind"] == "probation":
        for domain, difference in PROBATION_DOMAIN_DIFFERENCE.items():
            own[domain] += difference
    return Profile(latest=latest, yearly=yearly, drop_back=drop_back, drop=drop, domains=own)


def anchored_profile(profile: Profile, back: int, overall_hundredths: int) -> Profile:
    """The profile moved so that it passes through a result the site already has (the small demo's),
    `back` years before the latest period: its earlier periods then lead up to it."""
    mean_difference = sum(DOMAIN_DIFFERENCE.values()) / len(DOMAIN_DIFFERENCE)
    target = overall_hundredths / 100 - mean_difference
    yearly = max(0.15, profile.yearly)
    return Profile(
        latest=target + yearly * min(back, HISTORY), yearly=yearly, drop_back=None, drop=0.0, domains=profile.domains
    )


@dataclass(frozen=True)
class _QuestionSpec:
    id: str
    nearest: tuple[str, ...]  # the answer for each whole level from 0 to the top: the nearest offered one
    dont_know: bool
    not_applicable: bool


def _question_specs(questionnaire: Questionnaire) -> list[tuple[str, list[_QuestionSpec]]]:
    """What answers_for needs of each question, worked out once per questionnaire rather than per answer."""
    top = questionnaire.top_level
    specs = []
    for domain in questionnaire.domains:
        questions = []
        for question in domain.questions:
            allowed = sorted(option.level for option in question.options if option.level <= top)
            nearest = tuple(str(min(allowed, key=lambda value: abs(value - level))) for level in range(top + 1))
            questions.append(_QuestionSpec(question.id, nearest, question.dont_know, question.not_applicable))
        specs.append((domain.id, questions))
    return specs


def answers_for(
    questionnaire: Questionnaire | list[tuple[str, list[_QuestionSpec]]],
    rng: random.Random,
    maturity: float,
    profile: Profile,
    unsettled: bool = False,
) -> tuple[dict[str, str], dict[str, str]]:
    """Answers around the site's maturity in this period, domain by domain; more "don't know" where
    practice is weak or the site is unsettled by a reorganisation."""
    specs = _question_specs(questionnaire) if isinstance(questionnaire, Questionnaire) else questionnaire
    choices: dict[str, str] = {}
    evidence: dict[str, str] = {}
    gauss = rng.gauss
    draw = rng.random
    for domain_id, questions in specs:
        centre = maturity + DOMAIN_DIFFERENCE.get(domain_id, 0.0) + profile.domains.get(domain_id, 0.0) + gauss(0, 0.2)
        dont_know = 0.015 + 0.05 * max(0.0, 1.5 - centre) / 1.5 + (0.05 if unsettled else 0.0)
        for question in questions:
            roll = draw()
            if question.not_applicable and roll < 0.06:
                choices[question.id] = NOT_APPLICABLE
                continue
            if question.dont_know and roll > 1 - dont_know:
                choices[question.id] = DONT_KNOW
                continue
            level = min(max(round(centre + gauss(0, 0.55)), 0), len(question.nearest) - 1)
            choices[question.id] = question.nearest[level]
            if draw() < 0.25:
                evidence[question.id] = evidence_for(choices[question.id], rng)
    return choices, evidence


def submission_time(rng: random.Random, period: str) -> datetime:
    """Towards the end of the financial year: mid-January to the end of March."""
    return datetime(int(period[:4]) + 1, 1, 15, 9, 0, tzinfo=UTC) + timedelta(
        days=rng.randint(0, 75), minutes=rng.randint(0, 540)
    )


class Scorer:
    """The stored scores of a set of answers, as score_assessment gives them, about ten times faster.

    score_assessment explains every step in words, which costs about a millisecond an assessment:
    most of the time of generating 10,000. Here each domain is scored by assess.scoring.score_domain
    once for each distinct set of answers to its questions (98% of domains repeat one already seen),
    and the overall score follows the questionnaire's scoring block as score_assessment does. Every
    CHECK_EVERY-th assessment is also scored by score_assessment and must agree, so a change to the
    scoring that is not made here too stops the generator rather than storing wrong scores.
    """

    CHECK_EVERY = 25

    def __init__(self, questionnaire: Questionnaire):
        self.questionnaire = questionnaire
        self.domains = [
            (domain, tuple(question.id for question in domain.questions)) for domain in questionnaire.domains
        ]
        # (domain id, answers to its questions) -> (exact score, hundredths, level, weight)
        self.cache: dict[
            tuple[str, tuple[str | None, ...]], tuple[Fraction | None, int | None, int | None, Fraction]
        ] = {}
        self.count = 0

    def _domain(self, domain: Any, questions: tuple[str, ...], choices: dict[str, str]) -> tuple[Any, ...]:
        key = (domain.id, tuple(choices.get(question) for question in questions))
        found = self.cache.get(key)
        if found is None:
            scored = score_domain(domain, choices, self.questionnaire)
            found = self.cache[key] = (scored.exact, bulk.hundredths(scored.score), scored.level, scored.weight)
        return found

    def scores(self, choices: dict[str, str]) -> bulk.StoredScores:
        method = self.questionnaire.scoring
        stored_domains = []
        scored: list[tuple[Fraction, Fraction]] = []  # (exact, weight)
        for domain, questions in self.domains:
            exact, hundredths, level, weight = self._domain(domain, questions, choices)
            if exact is None or hundredths is None or level is None:
                continue
            scored.append((exact, weight))
            stored_domains.append((domain.id, hundredths, level))
        overall: int | None = None
        overall_level: int | None = None
        if scored:
            if method.overall == "weighted-mean":
                exact = sum((value * weight for value, weight in scored), Fraction(0)) / sum(
                    (weight for _, weight in scored), Fraction(0)
                )
            else:
                exact = min(value for value, _ in scored)
            rounded = round_score(exact, method.decimals)
            overall, overall_level = bulk.hundredths(rounded), level_for(rounded, self.questionnaire)
        stored = bulk.StoredScores(overall, overall_level, tuple(stored_domains))  # type: ignore[arg-type]
        self.count += 1
        if self.count % self.CHECK_EVERY == 1:
            expected = bulk.StoredScores.from_result(score_assessment(self.questionnaire, choices))
            if stored != expected:
                raise RuntimeError(f"demo scoring disagrees with score_assessment: {stored} != {expected}")
        return stored


@dataclass(frozen=True)
class _Plan:
    row: dict[str, Any]
    site_id: int
    profile: Profile
    skips: bool  # whether the site may skip a period (the small demo's sites never do)


def _years_back(period: str, latest: str) -> int:
    return int(latest[:4]) - int(period[:4])


def _plans(
    rows: Sequence[dict[str, Any]],
    ids: dict[str, int],
    existing: dict[tuple[int, str], int | None],
    period_list: Sequence[str],
    seed: int,
) -> list[_Plan]:
    regions = region_differences(seed)
    demo_codes = {row["code"] for row in DEMO_SITES}
    plans = []
    for row in rows:
        site_id = ids[row["code"]]
        profile = profile_for(row, seed, regions)
        if row["code"] in demo_codes:
            anchor = next(
                (
                    (_years_back(period, period_list[-1]), existing[(site_id, period)])
                    for period in period_list
                    if existing.get((site_id, period)) is not None
                ),
                None,
            )
            if anchor is not None:
                profile = anchored_profile(profile, anchor[0], anchor[1])  # type: ignore[arg-type]
        plans.append(_Plan(row, site_id, profile, row["code"] not in demo_codes))
    return plans


def _generate(
    loaded: LoadedQuestionnaire,
    plans: Sequence[_Plan],
    period_list: Sequence[str],
    existing: dict[tuple[int, str], int | None],
    seed: int,
    store_answers: bool,
    counts: dict[str, int],
    missed: str | None = None,
) -> Iterator[bulk.NewAssessment]:
    definition = loaded.definition
    specs = _question_specs(definition)
    scorer = Scorer(definition)
    for plan in plans:
        code = plan.row["code"]
        for period in period_list:
            if (plan.site_id, period) in existing:
                counts["already_submitted"] += 1
                continue
            rng = random.Random(f"{seed}:{code}:{period}")
            back = _years_back(period, period_list[-1])
            if (plan.skips and rng.random() < SKIP_CHANCE) or (code == missed and back == 0):
                counts["skipped_by_design"] += 1
                continue
            unsettled = plan.profile.drop_back == back
            choices, evidence = answers_for(specs, rng, plan.profile.maturity(back), plan.profile, unsettled)
            yield bulk.NewAssessment(
                site_id=plan.site_id,
                period=period,
                submitted_at=submission_time(rng, period),
                scores=scorer.scores(choices),
                choices=choices if store_answers else None,
                evidence=evidence if store_answers else {},
            )


def seed_national(
    loaded: LoadedQuestionnaire,
    today: date,
    sites: int = 230,
    periods: int = 4,
    seed: int = 2026,
    *,
    store_answers: bool = True,
    demo_areas: bool = True,
) -> dict[str, int]:
    """Create (or complete) the national demo data set. Safe to run again: only missing pairs of site
    and period are added, and existing sites are left as they are. No accounts are created.

    store_answers=False keeps the scores only (no answer rows): for the benchmarks' largest data sets.
    Returns counts: sites (in the data set, small demo sites included), sites_created, periods,
    assessments_created, already_submitted and skipped_by_design (pairs left out on purpose).

    When the small demo's areas exist (and demo_areas), they are brought up to date with the national
    sites and the commissioner's region gets its current year (assess.demo.coverage); the counts then
    include those of seed_current_year.
    """
    if sites < 2 or periods < 1:
        raise ValueError("need at least 2 sites and 1 period")
    rows = national_sites(sites, seed)
    ids, created_sites = bulk.insert_missing_sites(rows)
    demo_ids = bulk.site_ids_by_code(row["code"] for row in DEMO_SITES)
    rows += [row for row in DEMO_SITES if row["code"] in demo_ids]
    ids.update(demo_ids)
    period_list = national_periods(today, periods)
    existing = bulk.submitted_overall_scores(ids.values())
    plans = _plans(rows, ids, existing, period_list, seed)
    counts = {"skipped_by_design": 0, "already_submitted": 0}
    missed = missed_return((row["code"], row["kind"], row["region"]) for row in rows)
    created = bulk.insert_submitted_assessments(
        loaded, _generate(loaded, plans, period_list, existing, seed, store_answers, counts, missed)
    )
    summary = {
        "sites": len(rows),
        "sites_created": created_sites,
        "periods": periods,
        "assessments_created": created,
        "already_submitted": counts["already_submitted"],
        "skipped_by_design": counts["skipped_by_design"],
    }
    if demo_areas and get_area_by_code(REGIONAL_AREA) is not None:
        refresh_areas()
        summary.update(seed_current_year(loaded, today, seed))
    return summary
