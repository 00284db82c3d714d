"""The browser tests' data, made in the app's database through the data layer before the server starts:
a prison and a probation site with a governor for both (the journeys' own), a second governor with another
site holding a finished draft and a submitted assessment (what the per-page checks look at), an inspector,
and a commissioner with two areas (one holding the other governor's site)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tests import two_factor
from tests.conftest import PASSWORD, Factory


@dataclass
class Seed:
    """What conftest creates in the database; journeys and PAGES refer to it."""

    current_period: str
    previous_period: str
    prison: dict[str, str]
    probation: dict[str, str]
    other: dict[str, str]
    governor_email: str
    other_governor_email: str
    placeholders: dict[str, str] = field(default_factory=dict)
    domains: list[dict[str, Any]] = field(default_factory=list)

    def domain(self, domain_id: str) -> dict[str, Any]:
        return next(domain for domain in self.domains if domain["id"] == domain_id)


# A site that only the two governors below may see: they work on its draft at the same moment.
SHARED = {
    "code": "TSH",
    "name": "HMP Testshare",
    "kind": "prison",
    "nation": "England",
    "region": "North West",
    "category": None,
    "function": None,
    "population_band": None,
}
SHARED_GOVERNORS = (("pat.one@example.org", "Pat One"), ("lee.two@example.org", "Lee Two"))

# The person each audience signs in as for the per-page checks (pages.PAGES).
AUDIENCE_USERS = {
    "governor": "governor-b@example.org",
    "inspector": "inspector@example.org",
    "commissioner": "commissioner@example.org",
    "admin": "admin@example.org",
}


def _questionnaire_outline(kinds: tuple[str, ...]) -> list[dict[str, Any]]:
    """Domains and questions from the latest questionnaire, with the answer labels for each kind of site."""
    from assess.questionnaire.forms import choices_for
    from assess.services.questionnaires import latest

    outline = []
    for domain in latest().definition.domains:
        questions = []
        for question in domain.questions:
            questions.append(
                {
                    "id": question.id,
                    "text": {kind: question.text_for(kind) for kind in kinds},
                    "choices": {kind: choices_for(question, kind) for kind in kinds},
                }
            )
        outline.append({"id": domain.id, "title": domain.title, "questions": questions})
    return outline


def seed(app: Any) -> Seed:
    """The test data, made through the data layer as the app makes it (assessments through the suite's Factory,
    so that they follow the data layer as it changes)."""
    from assess import periods
    from assess.data.assessments import save_answers
    from assess.data.sites import get_site_by_code, upsert_sites
    from assess.data.users import create_or_update_user, get_user_by_email

    current, previous = periods.selectable_periods(date.today())
    prison = {
        "code": "TBR",
        "name": "HMP Testbridge",
        "kind": "prison",
        "nation": "England",
        "region": "North West",
        "category": "Category C",
        "function": "Trainer",
        "population_band": None,
    }
    probation = {
        "code": "TPD",
        "name": "Testshire Probation Delivery Unit",
        "kind": "probation",
        "nation": "Wales",
        "region": "Wales",
        "category": None,
        "function": None,
        "population_band": None,
    }
    other = {
        "code": "OTF",
        "name": "HMP Otherfield",
        "kind": "prison",
        "nation": "England",
        "region": "South West",
        "category": "Category B",
        "function": "Local",
        "population_band": None,
    }
    make = Factory(app)
    with app.app_context():
        upsert_sites([prison, probation, other])
        prison_site, probation_site, other_site = (get_site_by_code(row["code"]) for row in (prison, probation, other))
        governor = create_or_update_user(
            "governor-a@example.org", "Alex Governor", "governor", PASSWORD, [prison_site, probation_site]
        )
        other_governor = create_or_update_user(
            AUDIENCE_USERS["governor"], "Sam Other", "governor", PASSWORD, [other_site]
        )
        inspector = create_or_update_user(
            AUDIENCE_USERS["inspector"], "Ina Inspector", "inspector", PASSWORD, [],
            remit=(("prison", "England"), ("prison", "Wales")),
        )
        two_factor.set_up(inspector)  # as after a first sign-in (test_two_factor_journey sets one up by hand)
        areas = _commissioner_areas([other["code"], prison["code"], probation["code"]], [probation["code"]])
        commissioner = create_or_update_user(
            AUDIENCE_USERS["commissioner"], "Cam Commissioner", "commissioner", PASSWORD, [], areas=areas
        )
        two_factor.set_up(commissioner)
        two_factor.set_up(create_or_update_user(AUDIENCE_USERS["admin"], "Adi Admin", "admin", PASSWORD, []))
        region = next(area for area in areas if area.code == AREA_CODE)
        _assurance_decisions(commissioner, region, other_site, prison_site)

        definition = make.questionnaire().definition
        every = [question for domain in definition.domains for question in domain.questions]
        answers: dict[str, str | None] = {question.id: str(index % 6) for index, question in enumerate(every)}
        evidence: dict[str, str | None] = {
            every[0].id: "Minutes of the council meeting,\nMarch 2026.",
            every[1].id: "Involvement strategy, signed off in 2025.",
        }
        # The other governor's site: a finished draft for this year, and last year's submitted assessment.
        draft = make.draft(other_site, other_governor, current)
        save_answers(draft, answers, evidence, other_governor)
        submitted = make.submitted(other_site, other_governor, previous)
        # Peers for last year, so the results page shows benchmarks with charts (7 other prisons: the
        # national group is shown; the regional group differs from it by one site, so it is suppressed).
        peers = [
            {**other, "code": f"PEER{number}", "name": f"HMP Peer {number}",
             "region": "South West" if number < 6 else "North East"}
            for number in range(7)
        ]
        upsert_sites(peers)
        for number, row in enumerate(peers):
            make.submitted(get_site_by_code(row["code"]), other_governor, previous, choice=str(1 + number % 5))
        # A site with two governors of its own and a draft, for two people saving one area at once.
        upsert_sites([SHARED])
        shared_site = get_site_by_code(SHARED["code"])
        for email, name in SHARED_GOVERNORS:
            create_or_update_user(email, name, "governor", PASSWORD, [shared_site])
        shared_draft = make.draft(shared_site, governor, current)
        # An assessment at a site the other governor is not linked to: a 404 for them, never a 403.
        foreign = make.draft(probation_site, governor, previous)
        # The inspector's review of the other site's submitted assessment: one area lowered, with an internal
        # note, and a query awaiting the site's reply (the validation, query and results pages show them).
        query = _review_and_query(submitted, definition, other_governor)
        placeholders = {
            "site": other["code"],
            "draft": str(draft.id),
            "submitted": str(submitted.id),
            "foreign": str(foreign.id),
            "shared_draft": str(shared_draft.id),
            "query": str(query),
            "domain": definition.domains[0].id,
            "last_domain": definition.domains[-1].id,
            "area": AREA_CODE,
            "area_site": other["code"],
            "previous_period": previous,
            "user": str(get_user_by_email(AUDIENCE_USERS["inspector"]).id),
        }
        outline = _questionnaire_outline(("prison", "probation"))
    return Seed(
        current_period=current,
        previous_period=previous,
        prison=prison,
        probation=probation,
        other=other,
        governor_email="governor-a@example.org",
        other_governor_email=AUDIENCE_USERS["governor"],
        placeholders=placeholders,
        domains=outline,
    )


# The commissioner's two areas: a region with the other governor's prison (reviewed, with a query), the
# journeys' prison and the probation service; and a probation region with the probation service alone.
AREA_CODE = "TEST-REGION"
SECOND_AREA_CODE = "TEST-PROBATION"


def _commissioner_areas(region_sites: list[str], probation_sites: list[str]) -> list[Any]:
    from assess.data.areas import AreaRow, get_areas, upsert_areas

    upsert_areas(
        [
            AreaRow(AREA_CODE, "Test region", "region", tuple(region_sites)),
            AreaRow(SECOND_AREA_CODE, "Test probation region", "probation region", tuple(probation_sites)),
        ]
    )
    return get_areas([AREA_CODE, SECOND_AREA_CODE])


def _assurance_decisions(commissioner: Any, area: Any, other_site: Any, prison_site: Any) -> None:
    """The other governor's site: a decision superseded by a later one (a history to show); the journeys'
    prison: one due for revisit within 30 days."""
    from datetime import timedelta

    from assess.data.assurance import record_decision

    today = date.today()
    for outcome, rationale, days in (
        ("not assured", "No minutes of council meetings were available.", 60),
        ("partly assured", "Minutes show two council meetings this year.\nThe survey is due in the spring.", 200),
    ):
        record_decision(
            other_site, commissioner, area=area, domain_id=None, outcome=outcome,
            questions="How often does the council meet?", rationale=rationale,
            revisit_on=today + timedelta(days=days),
        )
    record_decision(
        prison_site, commissioner, area=area, domain_id="leadership", outcome="assured", questions="",
        rationale="The governor chairs the council.", revisit_on=today + timedelta(days=10),
    )


INTERNAL_NOTE = "Internal: ask the council chair directly at the visit"


def _review_and_query(submitted: Any, definition: Any, governor: Any) -> int:
    from datetime import timedelta

    from assess.data import queries, reviews
    from assess.data.users import get_user_by_email
    from assess.extensions import db
    from assess.scoring import score_assessment

    inspector = get_user_by_email(AUDIENCE_USERS["inspector"])
    area = definition.domains[0]
    self_level = score_assessment(definition, submitted.answer_map()).domain(area.id).level
    if self_level and self_level > 0:
        reviews.save_validation(
            submitted, inspector, area.id, decision="lower", self_level=self_level, validated_level=self_level - 1,
            reason="The minutes show the council met twice this year, not monthly.", internal_note=INTERNAL_NOTE,
            expected_version=0,
        )
    else:
        reviews.save_validation(
            submitted, inspector, area.id, decision="unable", self_level=self_level, validated_level=None,
            reason="No minutes were provided.", internal_note=INTERNAL_NOTE, expected_version=0,
        )
    query = queries.raise_query(
        submitted, inspector, [area.id, definition.domains[1].id],
        "Please send the minutes of the last three council meetings.", date.today() + timedelta(days=21),
    )
    db.session.commit()
    return query.id
