"""Demo areas and the demo commissioners' assurance decisions (issue 12).

Areas, made from the demo sites and the national data set's sites (codes DEMO- and NAT-) that exist:

- a region (type "region") for each region that has any of them, coded like REG-NW and named as the region;
- "Demo Prison Group North" (PG-NORTH, a prison group): HMP Fellwater and HMP Ashcombe, the first three national
  prisons of the North West and the first two of the North East;
- "Wales probation region" (PR-WAL, a probation region): the probation delivery units of Wales.

The demo regional commissioner covers the North West, which has both kinds of site; the demo prison group
director covers the prison group (assess.demo.seed.DEMO_ACCOUNTS). The national data set is loaded after the
small demo, so seed_national brings the areas up to date once its sites exist (refresh_areas), and fills in
the North West's current year (assess.demo.coverage).

Assurance decisions (DECISIONS): the commissioners' judgements on demo sites of their areas, of each outcome,
about a whole site or one area of the questionnaire, with the questions asked and a rationale drawn from what
the inspector's review found (assess.demo.reviews) and from the sources (seeds 000 and 001: councils meeting
and feeding back, boundaries and welfare, payment, outcome evidence). One decision supersedes an earlier one
on the same site (its history), and one is due for revisit within 30 days. Each is checked by the rules of a
decision (assess.assurance.check_assurance) on the day it was made, goes through the data function (with its
audit event), and is dated in the weeks before `today` (assess.demo.clock), after the review step it
follows. A decision already recorded (same site, area of the questionnaire and rationale) is not recorded
again, so seeding again adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, select

from assess.assurance import ASSURED, NOT_ASSURED, PARTLY, check_assurance
from assess.data import assessments as assessment_data
from assess.data import assurance as assurance_data
from assess.data import reviews as review_data
from assess.data.areas import AreaRow, get_area_by_code, upsert_areas
from assess.demo.clock import demo_time
from assess.extensions import db
from assess.models import Area, Site, User
from assess.services.questionnaires import latest

REGION_CODES = {
    "North East": "REG-NE",
    "North West": "REG-NW",
    "Yorkshire and the Humber": "REG-YH",
    "Greater Manchester": "REG-GM",
    "East Midlands": "REG-EM",
    "West Midlands": "REG-WM",
    "East of England": "REG-EE",
    "Wales": "REG-WAL",
    "London": "REG-LON",
    "Kent, Surrey and Sussex": "REG-KSS",
    "South West": "REG-SW",
    "South Central": "REG-SC",
}
COMMISSIONER_REGION = "North West"  # the demo regional commissioner's: demo prisons and probation in it
REGIONAL_AREA = REGION_CODES[COMMISSIONER_REGION]
PRISON_GROUP = "PG-NORTH"
PRISON_GROUP_NAME = "Demo Prison Group North"
PRISON_GROUP_DEMO_SITES = ("DEMO-FWR", "DEMO-ASH")
PRISON_GROUP_NATIONAL = (("North West", 3), ("North East", 2))  # (region, how many of its first national prisons)
PROBATION_REGION = "PR-WAL"
PROBATION_REGION_NAME = "Wales probation region"
PROBATION_REGION_OF = "Wales"

REGIONAL_COMMISSIONER = "commissioner@example.org"
GROUP_COMMISSIONER = "prison-group-commissioner@example.org"

SiteFacts = tuple[str, str, str]  # (code, kind, region)


def region_code(region: str) -> str:
    return REGION_CODES.get(region) or ("REG-" + "".join(word[0] for word in region.split()).upper())[:20]


def _national(sites: Iterable[SiteFacts], region: str, kind: str) -> list[str]:
    wanted = (kind, region)
    return sorted(code for code, *facts in sites if code.startswith("NAT-") and tuple(facts) == wanted)


def national_prisons(sites: Iterable[SiteFacts], region: str) -> list[str]:
    """The codes of the national data set's prisons in a region, in the order they were made (by code)."""
    return _national(sites, region, "prison")


def national_units(sites: Iterable[SiteFacts], region: str) -> list[str]:
    """The codes of the national data set's probation delivery units in a region, by code."""
    return _national(sites, region, "probation")


def missed_return(sites: Iterable[SiteFacts]) -> str | None:
    """The national prison of the commissioner's region that has not sent last year's return (the third made
    there), so the commissioner's coverage shows an overdue site whatever the seed; None in a data set too
    small to have one. assess.demo.national leaves its last period out."""
    prisons = national_prisons(sites, COMMISSIONER_REGION)
    return prisons[2] if len(prisons) >= 3 else None


def area_rows(sites: Sequence[SiteFacts]) -> list[AreaRow]:
    """The demo areas for these sites (empty ones left out)."""
    rows = []
    for region in sorted({where for _, _, where in sites}):
        codes = tuple(sorted(code for code, _, where in sites if where == region))
        rows.append(AreaRow(region_code(region), region, "region", codes))
    present = {code for code, _, _ in sites}
    group = [code for code in PRISON_GROUP_DEMO_SITES if code in present]
    for region, count in PRISON_GROUP_NATIONAL:
        group += national_prisons(sites, region)[:count]
    if group:
        rows.append(AreaRow(PRISON_GROUP, PRISON_GROUP_NAME, "prison group", tuple(sorted(group))))
    units = ("probation", PROBATION_REGION_OF)
    probation = tuple(sorted(code for code, *facts in sites if tuple(facts) == units))
    if probation:
        rows.append(AreaRow(PROBATION_REGION, PROBATION_REGION_NAME, "probation region", probation))
    return rows


def demo_site_facts() -> list[SiteFacts]:
    """(code, kind, region) of the demo and national sites that exist."""
    rows = db.session.execute(
        select(Site.code, Site.kind, Site.region)
        .where(or_(Site.code.like("DEMO-%"), Site.code.like("NAT-%")))
        .order_by(Site.code)
    )
    return [(code, kind, region) for code, kind, region in rows]


def refresh_areas() -> dict[str, int]:
    """Create the demo areas, or bring their sites up to date with the demo and national sites that exist
    (an area whose sites have not changed is left as it is, without an audit event)."""
    created, updated = upsert_areas(area_rows(demo_site_facts()))
    return {"areas": created + updated, "areas_created": created}


# -- assurance decisions ----------------------------------------------------------------------------------

STARTED = "review started"
FINALISED = "review finalised"


@dataclass(frozen=True)
class Assure:
    """An assurance decision on a site (or one area of the questionnaire at it)."""

    site: str
    by: str  # the commissioner's email
    outcome: str
    questions: str
    rationale: str
    decided: int  # days before today
    after: str | None = None  # made after this step of the review of the site's latest submission
    revisit_in: int | None = None  # days after today
    revisit_after: int | None = None  # days after the decision (a decision since superseded)
    domain: str | None = None  # one area of the questionnaire; None: the site as a whole


DECISIONS: tuple[Assure, ...] = (
    # HMP Ashcombe: not assured while the review was finding the council had lapsed; partly assured once it
    # was final (the earlier decision stays in the history). Due for revisit within 30 days.
    Assure(
        "DEMO-ASH",
        REGIONAL_COMMISSIONER,
        NOT_ASSURED,
        "Is the prisoner council meeting monthly, as the self-assessment says? Are its minutes taken back to "
        "prisoners on the wings, and which of its proposals have been decided or carried out?",
        "The self-assessment describes a monthly prisoner council with its proposals fed back on the wings. The "
        "inspector's review so far has found the council met twice in the year while the chair's post was "
        "vacant, and the 'you said, we did' boards have not been updated since last year. Until the council "
        "meets again and its proposals are tracked, the self-assessed levels for voice and for influence cannot "
        "be relied on.",
        decided=40,
        after=STARTED,
        revisit_after=28,
    ),
    Assure(
        "DEMO-ASH",
        REGIONAL_COMMISSIONER,
        PARTLY,
        "Have monthly council meetings restarted, with minutes shared on every wing? How will the prison record "
        "what changes because of prisoners' involvement, and who will keep that record?",
        "The inspector's review is final and partly confident: voice structures and influence lowered, design "
        "and delivery raised (trained Listeners and peer mentors, and prisoners on the safer custody meeting), "
        "and outcomes could not be validated because nothing is recorded. The governor accepts the findings and "
        "says monthly councils have restarted. Partly assured: the peer roles are real and valued, but feedback "
        "to the wings and any evidence of what involvement achieves are still missing.",
        decided=26,
        after=FINALISED,
        revisit_in=18,
    ),
    # Lowmoor: partly assured as a whole, and not assured on welfare, safeguarding and boundaries.
    Assure(
        "DEMO-PDU-LM",
        REGIONAL_COMMISSIONER,
        PARTLY,
        "How does the unit know what changed because of the Service User Council's proposals? What does it "
        "spend on involvement, and how much staff time does it give?",
        "Validated by the inspector, partly confident. The Service User Council works and peer mentors are paid "
        "as sessional workers, with expenses paid on the day. But the self-assessment overstated outcomes (one "
        "course's feedback survey is the only evidence) and welfare support, and the involvement budget is held "
        "by the regional office, so resources could not be tested at unit level.",
        decided=24,
        after=FINALISED,
        revisit_in=95,
    ),
    Assure(
        "DEMO-PDU-LM",
        REGIONAL_COMMISSIONER,
        NOT_ASSURED,
        "When will written guidance on boundaries and welfare be in place for people with lived experience "
        "working alongside staff, and who will check in with them?",
        "There is no written guidance on boundaries, and welfare check-ins depend on one practitioner's "
        "goodwill; the inspector lowered this area. HM Inspectorate of Probation's research names clear "
        "boundaries and the welfare of the people involved among the conditions for involvement to work. Not "
        "assured until the guidance is written and someone is named to check in with peer mentors.",
        decided=2,
        after=FINALISED,
        revisit_in=45,
        domain="welfare",
    ),
    # HMP Fellwater (review in progress): assured on recognition, reward and payment, which the inspector raised.
    Assure(
        "DEMO-FWR",
        REGIONAL_COMMISSIONER,
        ASSURED,
        "Are council members and peer workers paid for the hours they give, and is the payment recorded?",
        "The inspector raised this area: council members and peer workers are paid for the hours they give, and "
        "the governor thanks them in writing each quarter. Volunteers are not a free resource, and Fellwater "
        "treats them accordingly. Assured for this area while the rest of the review is completed.",
        decided=15,
        after=STARTED,
        revisit_in=180,
        domain="recognition",
    ),
    # The prison group director, on the same prison as a whole.
    Assure(
        "DEMO-FWR",
        GROUP_COMMISSIONER,
        PARTLY,
        "Do council representatives and peer workers get training for their roles, and have wing staff been "
        "briefed on involvement?",
        "The prisoner council and paid peer roles are established. Whether representatives and staff are trained "
        "for involvement is disputed: the inspector found no training, and the prison has answered with course "
        "registers and briefing slides that the inspector has still to look at. Partly assured until the review "
        "is finished.",
        decided=7,
        after=STARTED,
        revisit_in=60,
    ),
)

DECIDED_AT = time(14, 0)
GAP = timedelta(hours=2)  # after the review step a decision follows, and between decisions


def _anchor(site: Site, after: str | None) -> datetime | None:
    """When the review step the decision follows happened, on the site's latest submitted assessment."""
    if after is None:
        return None
    found = [item for item in assessment_data.get_assessments_for_site(site) if item.is_submitted]
    if not found:
        return None
    newest = max(found, key=lambda item: (item.period, item.submitted_at or datetime.min.replace(tzinfo=UTC)))
    review = review_data.get_review(newest.id)
    if review is None:
        return newest.submitted_at
    return review.finalised_at if after == FINALISED and review.finalised_at is not None else review.started_at


def decision_time(today: date, days_ago: int, floor: datetime | None) -> datetime:
    """`days_ago` before today in the afternoon, but after `floor`; always before today."""
    when = datetime.combine(today - timedelta(days=max(days_ago, 1)), DECIDED_AT, tzinfo=UTC)
    if floor is not None and when <= floor:
        when = floor + GAP
    return min(when, datetime.combine(today, time(), tzinfo=UTC) - timedelta(minutes=1))


def seed_decisions(plans: Iterable[Assure], users: Mapping[str, User], today: date) -> int:
    """Record the planned decisions not yet recorded, oldest first. Returns how many were recorded."""
    domain_ids = [domain.id for domain in latest().definition.domains]
    made = 0
    last: datetime | None = None
    with demo_time() as clock:
        for plan in sorted(plans, key=lambda item: -item.decided):
            site = db.session.scalar(select(Site).where(Site.code == plan.site))
            user = users.get(plan.by)
            if site is None or user is None:
                continue
            area = next((area for area in user.areas if site in area.sites), None)
            anchor = _anchor(site, plan.after)
            floor = max((stamp for stamp in (anchor, last) if stamp is not None), default=None)
            when = decision_time(today, plan.decided, floor)
            last = when
            if any(
                (item.domain_id, item.rationale) == (plan.domain, plan.rationale)
                for item in assurance_data.get_decisions([site.id])
            ):
                continue
            if plan.revisit_in is not None:
                revisit = today + timedelta(days=plan.revisit_in)
            else:
                revisit = when.date() + timedelta(days=plan.revisit_after or 28)
            checked, problems = check_assurance(
                plan.outcome,
                plan.domain,
                plan.questions,
                plan.rationale,
                revisit,
                today=when.date(),
                domain_ids=domain_ids,
            )
            assert checked is not None and not problems, (plan.site, problems)
            with clock.at(when):
                assurance_data.record_decision(
                    site,
                    user,
                    area=area,
                    domain_id=checked.domain_id,
                    outcome=checked.outcome,
                    questions=checked.questions,
                    rationale=checked.rationale,
                    revisit_on=checked.revisit_on,
                )
            made += 1
    return made


def area_objects(codes: Iterable[str]) -> list[Area]:
    """The areas with these codes that exist."""
    return [area for area in (get_area_by_code(code) for code in codes) if area is not None]
