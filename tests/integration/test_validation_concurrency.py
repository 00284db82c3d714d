"""No lost or late validations (issue 11), against the real threaded server.

The machinery is tests/integration/test_concurrency.py's, imported: its `live` fixture (the app, CSRF on, in
werkzeug's threaded server on its own fresh database built by the migrations, SQLite by default, PostgreSQL with
ASSESS_TEST_DB=postgresql; each module that uses it gets its own server and database), its `health` check (no
5xx, nothing logged at ERROR, the server alive), its browsers (a cookie jar each, signed in through the real
form) and `together` (requests released at one moment by a barrier). Here two inspectors whose remit is the
prisons in England, and a governor of the sites, act on one submitted assessment at the same moment. Each
scenario runs ROUNDS times, each round on a new site with an assessment submitted through the data layer.

Nothing here asserts on timing: whichever request wins, the outcome must be one of the allowed ones, and the
database (and the audit trail) must agree with what each person was told. Each test checks that at least one
of its pairs was really handled by the server at the same moment.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from assess.validation import DECISIONS
from tests import two_factor
from tests.conftest import PASSWORD
from tests.integration import test_concurrency as shared
from tests.integration.helpers import checked_value, text_of, textarea_value
from tests.integration.test_concurrency import ADA, SEEDER, Browser, Data, Live, Reply, together

# test_concurrency's fixtures, used here as they are: pytest gives this module its own `live` (server and database).
live = shared.live
health = shared.health

ROUNDS = 15
INA = ("ina.inspector@example.org", "Ina Inspector")
IVOR = ("ivor.inspector@example.org", "Ivor Inspector")
REMIT = (("prison", "England"),)  # the sites of test_concurrency's `live` are prisons in England
CHOICE = "3"  # every answer of the submitted assessments: each area's self-assessed level is 3
FINAL_MESSAGE = "The review has been finalised, so it cannot be changed. Reopen it, with a reason, to change it."
STEP_LABELS = {"agree": "Answered", "disagree": "Answered", "closed": "Closed unresolved"}


# -- people ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def inspectors(live: Live) -> tuple[Browser, Browser]:
    """Ina and Ivor, inspectors of the prisons in England, each signed in through the form in their own browser."""
    from assess.data.users import create_or_update_user
    from assess.extensions import db

    with live.app.app_context():
        for email, name in (INA, IVOR):
            live.user_ids[email] = create_or_update_user(email, name, "inspector", PASSWORD, [], remit=REMIT).id
        db.session.commit()
    return _inspector_browser(live, INA), _inspector_browser(live, IVOR)


def _inspector_browser(live: Live, who: tuple[str, str]) -> Browser:
    """Browser.sign_in expects a governor's home page; an inspector's is the caseload."""
    browser = Browser(live, who[1])
    form = browser.get("/sign-in")
    assert form.status == 200, form.describe()
    reply = browser.post("/sign-in", {"email": who[0], "password": PASSWORD, "csrf_token": form.hidden("csrf_token")})
    # An inspector's first sign-in sets up two-factor sign-in: the key from the page, a code from it.
    assert reply.status == 302 and reply.location == "/sign-in/set-up-two-factor", reply.describe()
    set_up = browser.get("/sign-in/set-up-two-factor")
    key = set_up.soup.select_one("#two-factor-key")
    assert key is not None, set_up.describe()
    two_factor.KEYS[who[0]] = key.get_text(strip=True)
    done = browser.post(
        "/sign-in/set-up-two-factor",
        {"code": two_factor.code_for(who[0]), "csrf_token": set_up.hidden("csrf_token")},
    )
    assert done.status == 200 and "Save your recovery codes" in done.body, f"could not sign in as {who[0]}"
    assert browser.get("/caseload").status == 200
    return browser


@pytest.fixture(scope="module")
def governor(live: Live) -> Browser:
    """Ada, a governor of every site of `live`, signed in through the form."""
    return live.browser(ADA)


# -- what is typed, and what is stored ------------------------------------------------------------------------


@dataclass(frozen=True)
class Typed:
    """A decision on an area as an inspector enters it on the page."""

    decision: str
    level: int | None  # the level chosen on the page: for raise and lower only
    reason: str
    note: str

    def fields(self, page: Reply) -> dict[str, str]:
        """The area form as sent: what was typed, with the page's own version and CSRF token."""
        return {
            "csrf_token": page.hidden("csrf_token"),
            "version": page.hidden("version"),
            "decision": self.decision,
            "level": "" if self.level is None else str(self.level),
            "reason": self.reason,
            "internal_note": self.note,
        }

    def stored(self, self_level: int) -> tuple[str, int | None, str, str | None]:
        """(decision, validated level, reason, internal note) as the database should hold them."""
        validated = {"agree": self_level, "unable": None}.get(self.decision, self.level)
        return self.decision, validated, self.reason, self.note or None


@dataclass
class Decision:
    decision: str
    validated_level: int | None
    reason: str
    note: str | None
    version: int
    by: int | None
    at: datetime

    @property
    def content(self) -> tuple[str, int | None, str, str | None]:
        return self.decision, self.validated_level, self.reason, self.note


@dataclass
class Event:
    id: int
    action: str
    object_id: str | None
    user_id: int | None
    after: dict[str, Any] | None


@dataclass
class ReviewRow:
    state: str
    finalised_at: datetime | None
    finalised_by: int | None


class Work:
    """Submitted assessments, decisions and queries made through the data layer (committed, as a request would),
    and what the database holds, read in the app's own context."""

    def __init__(self, live: Live):
        self.live = live
        self.data = Data(live)  # test_concurrency's: its drafts are made by its seeder, a governor of every site
        self.definition = self.data.definition()
        self.areas = [domain.id for domain in self.definition.domains]
        self._self_levels: dict[str, int] = {}

    def _user(self, who: tuple[str, str]) -> Any:
        from assess.data.users import get_user_by_email

        user = get_user_by_email(who[0])
        assert user is not None
        return user

    def _assessment(self, assessment_id: int) -> Any:
        from assess.extensions import db
        from assess.models import Assessment

        assessment = db.session.get(Assessment, assessment_id)
        assert assessment is not None
        return assessment

    def submitted(self, site_code: str) -> int:
        """A new assessment of the site, every question answered CHOICE, submitted by the seeder."""
        from assess.data.assessments import submit_assessment
        from assess.extensions import db
        from assess.scoring import score_assessment

        assessment_id = self.data.draft(site_code, {area: CHOICE for area in self.areas})
        with self.live.app.app_context():
            submit_assessment(
                self._assessment(assessment_id),
                self._user(SEEDER),
                lambda answers: score_assessment(self.definition, answers),
            )
            db.session.commit()
        return assessment_id

    def self_level(self, area: str) -> int:
        """The area's self-assessed level in every assessment made here (all answered CHOICE)."""
        from assess.scoring import score_assessment

        if not self._self_levels:
            answers = {question.id: CHOICE for domain in self.definition.domains for question in domain.questions}
            for item in score_assessment(self.definition, answers).domains:
                assert item.level is not None
                self._self_levels[item.domain_id] = item.level
        return self._self_levels[area]

    def agree(self, assessment_id: int, who: tuple[str, str], areas: list[str]) -> None:
        """The first decision on each of these areas: agree (which begins the review)."""
        from assess.data.reviews import save_validation
        from assess.extensions import db

        with self.live.app.app_context():
            assessment, user = self._assessment(assessment_id), self._user(who)
            for area in areas:
                level = self.self_level(area)
                save_validation(
                    assessment,
                    user,
                    area,
                    decision="agree",
                    self_level=level,
                    validated_level=level,
                    reason="",
                    internal_note="",
                    expected_version=0,
                )
            db.session.commit()

    def complete_review(self, assessment_id: int, who: tuple[str, str]) -> None:
        """Every area agreed and the judgement on the whole given: a review ready to finalise."""
        from assess.data.reviews import save_summary
        from assess.extensions import db

        self.agree(assessment_id, who, self.areas)
        with self.live.app.app_context():
            save_summary(
                self._assessment(assessment_id),
                self._user(who),
                confidence="confident",
                summary="Borne out by the visit",
                internal_note="",
                expected_version=1,
            )
            db.session.commit()

    def raise_query(self, assessment_id: int, who: tuple[str, str], number: int) -> int:
        from assess.data.queries import raise_query
        from assess.extensions import db

        with self.live.app.app_context():
            areas = [self.areas[number % len(self.areas)]]
            query = raise_query(
                self._assessment(assessment_id),
                self._user(who),
                areas,
                f"Show us the minutes, round {number}",
                date.today() + timedelta(days=28),
            )
            db.session.commit()
            return query.id

    def decisions(self, assessment_id: int) -> dict[str, Decision]:
        from assess.extensions import db
        from assess.models import AreaValidation

        with self.live.app.app_context():
            rows = db.session.scalars(select(AreaValidation).where(AreaValidation.assessment_id == assessment_id))
            return {
                row.domain_id: Decision(
                    row.decision,
                    row.validated_level,
                    row.reason,
                    row.internal_note,
                    row.version,
                    row.decided_by_id,
                    row.decided_at,
                )
                for row in rows
            }

    def reviews(self, assessment_id: int) -> list[ReviewRow]:
        from assess.extensions import db
        from assess.models import AssessmentReview

        with self.live.app.app_context():
            rows = db.session.scalars(select(AssessmentReview).where(AssessmentReview.assessment_id == assessment_id))
            return [ReviewRow(row.state, row.finalised_at, row.finalised_by_id) for row in rows]

    def events(self, assessment_id: int) -> list[Event]:
        """The assessment's audit trail, oldest first."""
        from assess.extensions import db
        from assess.models import AuditEvent

        with self.live.app.app_context():
            rows = db.session.scalars(
                select(AuditEvent).where(AuditEvent.assessment_id == assessment_id).order_by(AuditEvent.id)
            )
            return [Event(row.id, row.action, row.object_id, row.user_id, row.after) for row in rows]

    def query(self, query_id: int) -> tuple[str, int, list[tuple[str, int | None, str, str | None]]]:
        """(status, version, its steps as (kind, by, text, evidence), oldest first)."""
        from assess.extensions import db
        from assess.models import Query, QueryEntry

        with self.live.app.app_context():
            query = db.session.get(Query, query_id)
            assert query is not None
            entries = db.session.scalars(
                select(QueryEntry).where(QueryEntry.query_id == query_id).order_by(QueryEntry.id)
            )
            count = db.session.scalar(select(func.count(QueryEntry.id)).where(QueryEntry.query_id == query_id))
            steps = [(entry.kind, entry.by_id, entry.text, entry.evidence) for entry in entries]
            assert count == len(steps)
            return query.status, query.version, steps


def area_path(assessment_id: int, area: str) -> str:
    return f"/inspect/assessments/{assessment_id}/validate/{area}"


def opened(browser: Browser, path: str) -> Reply:
    page = browser.get(path)
    assert page.status == 200, page.describe()
    return page


def error_summary(reply: Reply) -> str:
    summary = reply.soup.select_one(".govuk-error-summary")
    assert summary is not None, f"no error summary on the page: {reply.describe()}"
    return text_of(summary)


def area_events(events: list[Event], assessment_id: int, area: str) -> list[Event]:
    return [
        event for event in events if event.action == "area-validated" and event.object_id == f"{assessment_id}/{area}"
    ]


def report(name: str, outcomes: Counter[str], overlapping: int) -> None:
    print(f"\n{name}: {dict(outcomes)}; pairs handled at the same moment by the server: {overlapping}/{ROUNDS}")


def rival_decisions(number: int, self_level: int) -> tuple[Typed, Typed]:
    """Ina's and Ivor's decisions on one area in this round: always different, in turn every kind of decision."""
    pairs = (
        (("lower", self_level - 1), ("raise", self_level + 1)),
        (("agree", None), ("unable", None)),
        (("raise", self_level + 2), ("agree", None)),
        (("unable", None), ("lower", self_level - 2)),
    )
    (first, first_level), (second, second_level) = pairs[number % len(pairs)]
    return (
        Typed(first, first_level, "" if first == "agree" else f"Ina's reason, round {number}", f"Ina's note {number}"),
        Typed(second, second_level, "" if second == "agree" else f"Ivor's reason, round {number}", ""),
    )


# -- 1 and 4: two decisions at the same moment -----------------------------------------------------------------


def _check_conflict_page(loser: Reply, winner_name: str, won: Typed, mine: Typed, version: int) -> None:
    """The refused save's page: whose decision was saved and what it is, and everything the loser entered still
    in the form, which now carries the saved version (so saving again, on purpose, saves over it)."""
    said = error_summary(loser)
    assert f"{winner_name} saved a decision on this area" in said, said
    theirs = loser.soup.find(id="conflict")
    assert theirs is not None, "the conflict page does not show the saved decision"
    shown = text_of(theirs)
    assert shown.startswith(f"Saved by {winner_name}:"), shown
    assert f"Decision: {won.decision}" in shown, shown
    assert f"Reason: {won.reason or 'None given'}" in shown, shown
    assert f"Internal note: {won.note or 'None'}" in shown, shown
    if won.decision in ("raise", "lower"):
        assert f"validated level {won.level} –" in shown, shown
    soup: BeautifulSoup = loser.soup
    assert checked_value(soup, "decision") == mine.decision, "the loser's decision was not kept"
    assert checked_value(soup, "level") == (None if mine.level is None else str(mine.level)), "the level was lost"
    assert textarea_value(soup, "reason") == mine.reason, "the loser's reason was lost"
    assert textarea_value(soup, "internal_note") == mine.note, "the loser's internal note was lost"
    assert loser.hidden("version") == str(version), "the page does not carry the version that was saved"


def _settle_decisions(
    work: Work,
    inspectors: tuple[Browser, Browser],
    assessment_id: int,
    area: str,
    replies: list[Reply],
    typed: tuple[Typed, Typed],
    before: int,
) -> str:
    """One decision saved (302) and the other refused (409); the stored decision and the audit trail are the
    winner's alone; the loser then saves theirs over it, on purpose, from the page they were given. Returns who
    won."""
    assert sorted(reply.status for reply in replies) == [302, 409], [reply.describe() for reply in replies]
    won = 0 if replies[0].status == 302 else 1
    lost = 1 - won
    assert replies[won].location == f"/inspect/assessments/{assessment_id}/validate", replies[won].describe()
    ids = work.live.user_ids
    names, winner, loser = (INA[1], IVOR[1]), ids[(INA, IVOR)[won][0]], ids[(INA, IVOR)[lost][0]]
    self_level = work.self_level(area)

    stored = work.decisions(assessment_id)
    assert list(stored) == [area], stored
    assert stored[area].content == typed[won].stored(self_level), stored[area]
    assert (stored[area].version, stored[area].by) == (before + 1, winner)
    events = work.events(assessment_id)
    validated = [event.user_id for event in area_events(events, assessment_id, area)]
    assert validated == [ids[INA[0]]] * before + [winner], "the refused decision is in the audit trail"
    assert [event.action for event in events].count("review-started") == 1
    assert len(work.reviews(assessment_id)) == 1
    _check_conflict_page(replies[lost], names[won], typed[won], typed[lost], before + 1)

    again = inspectors[lost].post(replies[lost].path, typed[lost].fields(replies[lost]))
    assert again.status == 302, again.describe()
    stored = work.decisions(assessment_id)
    assert stored[area].content == typed[lost].stored(self_level)
    assert (stored[area].version, stored[area].by) == (before + 2, loser)
    assert len(area_events(work.events(assessment_id), assessment_id, area)) == before + 2
    return names[won]


def test_two_inspectors_deciding_one_area_at_the_same_moment_one_is_told_and_nothing_is_lost(
    health: Live, inspectors: tuple[Browser, Browser]
):
    """Both open the area, so at the same version, and save different decisions at once: in turn a first decision
    (version 0, no review begun yet) and a change to a decision already made (version 1). One is saved; the
    other is refused with 409, shown the winner's decision beside their own entries, and can then save theirs
    over it on purpose."""
    work = Work(health)
    outcomes: Counter[str] = Counter()
    overlapping = 0
    for number in range(ROUNDS):
        assessment_id = work.submitted(health.new_site())
        area = work.areas[number % len(work.areas)]
        before = number % 2  # 0: nobody has decided the area (or begun the review); 1: Ina agreed with it earlier
        if before:
            work.agree(assessment_id, INA, [area])
        typed = rival_decisions(number, work.self_level(area))
        path = area_path(assessment_id, area)
        pages = [opened(inspector, path) for inspector in inspectors]
        assert [page.hidden("version") for page in pages] == [str(before)] * 2
        replies = together(
            health,
            *(
                inspector.prepare("POST", path, entry.fields(page))
                for inspector, entry, page in zip(inspectors, typed, pages, strict=True)
            ),
        )
        overlapping += health.observed.overlapped(*replies)
        winner = _settle_decisions(work, inspectors, assessment_id, area, replies, typed, before)
        outcomes[f"version {before}: {winner} won"] += 1
    report("two decisions on one area", outcomes, overlapping)
    assert overlapping >= 1, "no pair of requests was handled at the same moment: nothing was tested"


def test_two_first_decisions_on_different_areas_start_one_review_and_both_are_saved(
    health: Live, inspectors: tuple[Browser, Browser]
):
    """Neither area, nor the review, exists yet: both decisions begin the review at the same moment."""
    work = Work(health)
    overlapping = 0
    for number in range(ROUNDS):
        assessment_id = work.submitted(health.new_site())
        areas = (work.areas[number % len(work.areas)], work.areas[(number + 5) % len(work.areas)])
        typed = rival_decisions(number, work.self_level(areas[0]))
        pages = [
            opened(inspector, area_path(assessment_id, area)) for inspector, area in zip(inspectors, areas, strict=True)
        ]
        replies = together(
            health,
            *(
                inspector.prepare("POST", page.path, entry.fields(page))
                for inspector, entry, page in zip(inspectors, typed, pages, strict=True)
            ),
        )
        overlapping += health.observed.overlapped(*replies)
        assert [reply.status for reply in replies] == [302, 302], [reply.describe() for reply in replies]

        assert [row.state for row in work.reviews(assessment_id)] == ["in review"]
        stored = work.decisions(assessment_id)
        events = work.events(assessment_id)
        assert [event.action for event in events].count("review-started") == 1, events
        for area, entry, email in zip(areas, typed, (INA[0], IVOR[0]), strict=True):
            assert stored[area].content == entry.stored(work.self_level(area)), (number, area)
            assert (stored[area].version, stored[area].by) == (1, health.user_ids[email])
            assert [event.user_id for event in area_events(events, assessment_id, area)] == [health.user_ids[email]]
        assert set(stored) == set(areas)
    report("two first decisions on different areas", Counter(both_saved_one_review=ROUNDS), overlapping)
    assert overlapping >= 1, "no pair of requests was handled at the same moment: nothing was tested"


# -- 2: a decision and the finalising of the review at the same moment --------------------------------------------


def _check_final_review(work: Work, assessment_id: int, finaliser: int) -> tuple[ReviewRow, Event]:
    """The review is final, and its finalised event counts exactly the decisions stored, none made after it."""
    reviews = work.reviews(assessment_id)
    assert len(reviews) == 1 and reviews[0].state == "validated", reviews
    review = reviews[0]
    assert review.finalised_by == finaliser and review.finalised_at is not None
    stored = work.decisions(assessment_id)
    assert set(stored) == set(work.areas)
    assert all(row.at <= review.finalised_at for row in stored.values()), "a decision was changed after finalising"
    finalised = [event for event in work.events(assessment_id) if event.action == "review-finalised"]
    assert len(finalised) == 1, finalised
    assert finalised[0].after is not None
    assert finalised[0].after["decisions"] == dict(Counter(row.decision for row in stored.values())), (
        "the finalised review does not count the decisions stored"
    )
    return review, finalised[0]


def test_a_decision_racing_the_finalising_of_the_review_is_in_it_or_refused(
    health: Live, inspectors: tuple[Browser, Browser]
):
    """Ivor changes one area of a review ready to be finalised while Ina finalises it. Either his decision is
    saved and the final review holds it, or the review was finalised first and his save is refused (409, the
    review has been finalised) with nothing changed. Never a final review other than what each was told."""
    ina, ivor = inspectors
    work = Work(health)
    outcomes: Counter[str] = Counter()
    overlapping = 0
    for number in range(ROUNDS):
        assessment_id = work.submitted(health.new_site())
        work.complete_review(assessment_id, INA)
        area = work.areas[number % len(work.areas)]
        self_level = work.self_level(area)
        change = rival_decisions(number, self_level)[number % 2]  # lower, unable, raise, lower: never the stored agree
        assert change.decision != "agree"
        validate = f"/inspect/assessments/{assessment_id}/validate"
        page = opened(ivor, area_path(assessment_id, area))
        assert page.hidden("version") == "1"
        overview = opened(ina, validate)
        save, final = together(
            health,
            ivor.prepare("POST", page.path, change.fields(page)),
            ina.prepare("POST", validate + "/finalise", {"csrf_token": overview.hidden("csrf_token")}),
        )
        overlapping += health.observed.overlapped(save, final)
        assert final.status == 302 and final.location == validate, final.describe()

        _, finalised = _check_final_review(work, assessment_id, health.user_ids[INA[0]])
        stored = work.decisions(assessment_id)[area]
        mine = [
            event
            for event in area_events(work.events(assessment_id), assessment_id, area)
            if event.user_id == health.user_ids[IVOR[0]]
        ]
        if save.status == 302:
            assert stored.content == change.stored(self_level), (number, stored)
            assert (stored.version, stored.by) == (2, health.user_ids[IVOR[0]])
            assert len(mine) == 1 and mine[0].id < finalised.id, "the decision was recorded after the finalising"
            outcomes["decision saved, then finalised with it"] += 1
        else:
            assert save.status == 409, save.describe()
            assert FINAL_MESSAGE in error_summary(save), error_summary(save)
            assert stored.content == ("agree", self_level, "", None), (number, stored)
            assert (stored.version, stored.by) == (1, health.user_ids[INA[0]])
            assert mine == [], "a refused decision is in the audit trail"
            assert save.soup.find("form", attrs={"action": page.path}) is None, "a final review offers its form"
            outcomes["finalised first, the decision refused"] += 1
        # What the inspectors now see (each in turn) is the final review, with the decision the database holds.
        shown = opened(inspectors[number % 2], validate)
        assert "Finalised" in text_of(shown.soup.select_one("main")), shown.describe()
        row = shown.soup.find(id=f"area-{area}")
        assert row is not None, f"no row for {area}"
        cells = [text_of(cell) for cell in row.find_all(["th", "td"])]
        assert cells[2] == DECISIONS[stored.decision], cells
        assert stored.reason in cells[4], cells
        assert shown.soup.find("form", attrs={"action": validate + "/finalise"}) is None, (
            "a final review can be finalised"
        )
    report("a decision versus finalising", outcomes, overlapping)
    assert overlapping >= 1, "no pair of requests was handled at the same moment: nothing was tested"


# -- 3: the site's reply and the inspector closing the query at the same moment -----------------------------------


def test_a_reply_racing_the_closing_of_a_query_one_wins_and_the_other_is_told(
    health: Live, inspectors: tuple[Browser, Browser], governor: Browser
):
    """Ada replies for the site (agreeing, or disagreeing with evidence) while Ina closes the query unresolved.
    Exactly one step is taken; the other is refused with 409 and the query's new status; the query's steps are
    the raising and that one step."""
    ina = inspectors[0]
    work = Work(health)
    outcomes: Counter[str] = Counter()
    overlapping = 0
    for number in range(ROUNDS):
        assessment_id = work.submitted(health.new_site())
        query_id = work.raise_query(assessment_id, INA, number)
        path = f"/queries/{query_id}"
        site_page, inspector_page = opened(governor, path), opened(ina, path)
        assert (site_page.hidden("version"), inspector_page.hidden("version")) == ("1", "1")
        kind = "disagree" if number % 2 else "agree"
        reply_fields = {
            "csrf_token": site_page.hidden("csrf_token"),
            "version": site_page.hidden("version"),
            "action": "reply",
            "reply": kind,
            "text": f"Ada's reply, round {number}",
            "evidence": f"Minutes of {number} meetings" if kind == "disagree" else "",
        }
        close_fields = {
            "csrf_token": inspector_page.hidden("csrf_token"),
            "version": inspector_page.hidden("version"),
            "action": "decide",
            "outcome": "closed",
            "text": f"Ina closes it, round {number}",
        }
        replies = together(
            health, governor.prepare("POST", path, reply_fields), ina.prepare("POST", path, close_fields)
        )
        overlapping += health.observed.overlapped(*replies)
        assert sorted(reply.status for reply in replies) == [302, 409], [reply.describe() for reply in replies]
        won = 0 if replies[0].status == 302 else 1
        assert replies[won].location == path, replies[won].describe()

        steps = (
            (kind, health.user_ids[ADA[0]], reply_fields["text"], reply_fields["evidence"] or None),
            ("closed", health.user_ids[INA[0]], close_fields["text"], None),
        )
        status, version, entries = work.query(query_id)
        assert status == ("answered" if won == 0 else "closed unresolved"), status
        assert version == 2
        assert [entry[0] for entry in entries] == ["raised", steps[won][0]], entries
        assert entries[1] == steps[won], entries
        actions = [event.action for event in work.events(assessment_id) if event.action.startswith("query-")]
        assert actions == ["query-raised", f"query-{steps[won][0]}"], actions

        loser = replies[1 - won]
        said = error_summary(loser)
        assert f"it is now ‘{STEP_LABELS[steps[won][0]]}’" in said, said
        assert "What you entered has not been saved yet" in said, said
        offered = {str(field.get("value")) for field in loser.soup.find_all("input", attrs={"name": "action"})}
        assert offered == (set() if won == 1 else {"decide"}), offered  # a closed query takes no reply
        outcomes["reply first, the closing refused" if won == 0 else "closed first, the reply refused"] += 1
    report("a reply versus closing a query", outcomes, overlapping)
    assert overlapping >= 1, "no pair of requests was handled at the same moment: nothing was tested"


def test_after_losing_a_query_race_the_inspector_can_send_their_outcome_again(
    health: Live, inspectors: tuple[Browser, Browser], governor: Browser
):
    """As for a decision (the first test): the person refused is shown what happened with their entries kept, and
    sending the form they were given, on purpose, takes their step. Here without a race: the reply lands between
    the inspector opening the query and closing it."""
    ina = inspectors[0]
    work = Work(health)
    assessment_id = work.submitted(health.new_site())
    query_id = work.raise_query(assessment_id, INA, 0)
    path = f"/queries/{query_id}"
    site_page, inspector_page = opened(governor, path), opened(ina, path)
    fields = {"csrf_token": site_page.hidden("csrf_token"), "version": "1", "action": "reply", "reply": "agree"}
    assert governor.post(path, {**fields, "text": "We agree"}).status == 302
    comment = "The minutes were never produced"
    close = {"csrf_token": inspector_page.hidden("csrf_token"), "action": "decide", "outcome": "closed"}
    refused = ina.post(path, {**close, "version": inspector_page.hidden("version"), "text": comment})
    assert refused.status == 409, refused.describe()
    assert textarea_value(refused.soup, "text") == comment, "the inspector's comment was not kept"
    again = ina.post(
        path, {**close, "version": refused.hidden("version"), "text": textarea_value(refused.soup, "text")}
    )
    assert again.status == 302, f"{again.describe()}: {error_summary(again)}"
    status, _, entries = work.query(query_id)
    assert (status, [entry[0] for entry in entries]) == ("closed unresolved", ["raised", "agree", "closed"])
