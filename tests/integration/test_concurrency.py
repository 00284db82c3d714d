"""No lost or late writes (issue 10), against the real threaded server.

The app (CSRF on) runs in werkzeug's threaded development server on 127.0.0.1, on its own fresh database built
by the migrations (SQLite by default, PostgreSQL with ASSESS_TEST_DB=postgresql). Two governors of the same
sites sign in through the real sign-in form, each in their own cookie jar, and send their requests from two
threads released together by a barrier, so that the server handles them at the same moment. Each scenario runs
ROUNDS times, each round on a new site and draft made through the data layer.

Nothing here asserts on timing: whichever request wins, the outcome must be one of the allowed ones, and the
database must agree with what each person was told. A middleware records when the server handled each
request, so each test can check that its pairs really did overlap (at least once) rather than run one after
the other.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from http.cookiejar import CookieJar
from typing import Any
from urllib.parse import urlencode, urlsplit
from urllib.request import HTTPCookieProcessor, HTTPErrorProcessor, Request, build_opener

import pytest
from bs4 import BeautifulSoup, Tag
from sqlalchemy import func, select
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, build_app
from tests.databases import fresh_database
from tests.integration.helpers import checked_value, text_of, textarea_value

ROUNDS = 50
SCENARIOS = 6  # tests below that each use a new site per round
CARRY_ROUNDS = 20  # two starts from last year's answers (each round also submits last year's assessment)
PERIOD = "2026-27"  # drafts made through the data layer
KIND = "prison"
ADA = ("ada.governor@example.org", "Ada Governor")
BEN = ("ben.governor@example.org", "Ben Governor")
SEEDER = ("cy.seeder@example.org", "Cy Seeder")  # made the drafts; never signs in
LOCKED_MESSAGES = (  # the save found the assessment submitted before, or after, it started
    "This assessment has been submitted, so its answers can no longer be changed.",
    "This assessment was submitted while you were working on it, so your changes were not saved.",
)
TIMEOUT = 60  # seconds; a request this slow is a hang, not a race


# -- the server, observed ---------------------------------------------------------------------------------


class Observed:
    """WSGI middleware: buffers each body (see tests/browser/conftest.py buffered_bodies) and records when the
    server started and finished each request, by the X-Request-Id the app gives it."""

    def __init__(self, app: Any):
        self.app = app
        self.lock = threading.Lock()
        self.spans: dict[str, tuple[float, float]] = {}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        began = time.monotonic()
        seen: dict[str, str] = {}

        def start(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            seen.update((name.lower(), value) for name, value in headers)
            return start_response(status, headers, *args)

        iterable = self.app(environ, start)
        try:
            body = [b"".join(iterable)]
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()
        request_id = seen.get("x-request-id")
        if request_id:
            with self.lock:
                self.spans[request_id] = (began, time.monotonic())
        return body

    def overlapped(self, *replies: Reply) -> bool:
        """True when the server was handling all these requests at one moment."""
        with self.lock:
            spans = [self.spans.get(reply.request_id or "") for reply in replies]
        if any(span is None for span in spans):
            return False
        return max(span[0] for span in spans if span) < min(span[1] for span in spans if span)


class ErrorLog(logging.Handler):
    """Every ERROR logged in the process while the server runs (the app's 'unhandled error' with its traceback,
    werkzeug's 'Error on request'), formatted, for the assertion messages."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(self.format(record))


@dataclass
class Live:
    url: str
    app: Any
    observed: Observed
    errors: ErrorLog
    thread: threading.Thread
    site_codes: list[str]
    user_ids: dict[str, int]
    replies: list[Reply] = field(default_factory=list)
    replies_lock: threading.Lock = field(default_factory=threading.Lock)
    _next_site: int = 0

    def new_site(self) -> str:
        code = self.site_codes[self._next_site]
        self._next_site += 1
        return code

    def browser(self, who: tuple[str, str]) -> Browser:
        browser = Browser(self, who[1])
        browser.sign_in(who[0])
        return browser

    def server_errors(self) -> str:
        return "\n".join(self.errors.records)

    def assert_no_server_error(self, *replies: Reply) -> None:
        failed = [reply.describe() for reply in replies if reply.status >= 500]
        assert not failed, f"server errors: {failed}\nserver log:\n{self.server_errors()}"

    def check_health(self, first_reply: int = 0) -> None:
        """No 5xx from the server, nothing logged at ERROR, and the server still serving."""
        with self.replies_lock:
            failed = [reply for reply in self.replies[first_reply:] if reply.status >= 500]
        assert not failed, (
            f"server errors: {[reply.describe() for reply in failed]}\nserver log:\n{self.server_errors()}"
        )
        assert not self.errors.records, "errors in the server log:\n" + self.server_errors()
        assert self.thread.is_alive(), "the server thread has died"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with fresh_database(tmp_path_factory.mktemp("concurrency-db"), "concurrency") as url:
        app = build_app(url, WTF_CSRF_ENABLED=True)
        codes, user_ids = _seed(app, SCENARIOS * ROUNDS + CARRY_ROUNDS)
        observed = Observed(app)
        errors = ErrorLog()
        # build_app runs the migrations, whose env.py calls logging.config.fileConfig, which disables every
        # logger that existed before it (the app's assess.common.errors among them): revive them, or an
        # unhandled error's traceback would never reach the log.
        revived = _revive_loggers()
        root, quiet = logging.getLogger(), logging.getLogger("werkzeug")
        level = quiet.level
        quiet.setLevel(logging.WARNING)  # werkzeug logs every request at INFO; keep warnings and errors
        root.addHandler(errors)
        server = make_server("127.0.0.1", 0, observed, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="concurrency-live-server", daemon=True)
        thread.start()
        try:
            yield Live(
                url=f"http://127.0.0.1:{server.server_port}",
                app=app,
                observed=observed,
                errors=errors,
                thread=thread,
                site_codes=codes,
                user_ids=user_ids,
            )
        finally:
            alive = thread.is_alive()
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            root.removeHandler(errors)
            quiet.setLevel(level)
            for logger in revived:
                logger.disabled = True
            with app.app_context():
                from assess.extensions import db

                db.session.remove()
                db.engine.dispose()
        assert alive, "the server thread died during the tests"


def _revive_loggers() -> list[logging.Logger]:
    revived = []
    for name, logger in logging.root.manager.loggerDict.items():
        if isinstance(logger, logging.Logger) and logger.disabled and name.split(".")[0] in ("assess", "werkzeug"):
            logger.disabled = False
            revived.append(logger)
    return revived


def _seed(app: Any, count: int) -> tuple[list[str], dict[str, int]]:
    """`count` sites, and three governors of all of them."""
    from assess.data.sites import get_sites, upsert_sites
    from assess.data.users import create_or_update_user
    from assess.extensions import db

    codes = [f"C{number:04d}" for number in range(1, count + 1)]
    with app.app_context():
        upsert_sites(
            {
                "code": code,
                "name": f"HMP Concurrency {code}",
                "kind": KIND,
                "nation": "England",
                "region": "North West",
                "category": None,
                "function": None,
                "population_band": None,
            }
            for code in codes
        )
        db.session.commit()
        sites = get_sites(None)
        ids = {}
        for email, name in (ADA, BEN, SEEDER):
            ids[email] = create_or_update_user(email, name, "governor", PASSWORD, sites).id
        db.session.commit()
    return codes, ids


# -- two browsers -------------------------------------------------------------------------------------------


class _Unraised(HTTPErrorProcessor):
    """Hand back every response as it is: no exception for a 4xx or 5xx, and no following of redirects."""

    def http_response(self, request: Request, response: Any) -> Any:
        return response

    https_response = http_response


@dataclass
class Reply:
    who: str
    method: str
    path: str
    status: int
    location: str
    request_id: str | None
    body: str

    @cached_property
    def soup(self) -> BeautifulSoup:
        return BeautifulSoup(self.body, "html.parser")

    def hidden(self, name: str) -> str:
        found = self.soup.find("input", attrs={"name": name, "type": "hidden"})
        assert isinstance(found, Tag), f"{self.path}: no hidden field {name}"
        return str(found.get("value", ""))

    def describe(self) -> str:
        return f"{self.who} {self.method} {self.path} -> {self.status} {self.location} (request {self.request_id})"


class Browser:
    """One person's browser: a cookie jar, real HTTP, redirects not followed."""

    def __init__(self, live: Live, name: str):
        self.live = live
        self.name = name
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), _Unraised())

    def prepare(self, method: str, path: str, fields: dict[str, str] | None = None) -> Callable[[], Reply]:
        """A request ready to send, so that after the barrier nothing is left to do but send it."""
        data = urlencode(fields).encode() if fields is not None else None
        request = Request(self.live.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        return lambda: self._send(request, method, path)

    def _send(self, request: Request, method: str, path: str) -> Reply:
        with self.opener.open(request, timeout=TIMEOUT) as response:
            body = response.read().decode("utf-8", "replace")
            location = urlsplit(response.headers.get("Location", ""))
            reply = Reply(
                who=self.name,
                method=method,
                path=path,
                status=response.status,
                location=location.path + (f"?{location.query}" if location.query else ""),
                request_id=response.headers.get("X-Request-Id"),
                body=body,
            )
        with self.live.replies_lock:
            self.live.replies.append(reply)
        return reply

    def get(self, path: str) -> Reply:
        return self.prepare("GET", path)()

    def post(self, path: str, fields: dict[str, str]) -> Reply:
        return self.prepare("POST", path, fields)()

    def sign_in(self, email: str) -> None:
        page = self.get("/sign-in")
        assert page.status == 200
        reply = self.post("/sign-in", {"email": email, "password": PASSWORD, "csrf_token": page.hidden("csrf_token")})
        assert reply.status == 302 and reply.location == "/sites", f"could not sign in as {email}: {reply.describe()}"


def together(live: Live, *calls: Callable[[], Reply]) -> list[Reply]:
    """Send the prepared requests from one thread each, released at the same moment by a barrier."""
    barrier = threading.Barrier(len(calls))
    replies: list[Reply | None] = [None] * len(calls)
    failures: list[BaseException] = []

    def run(index: int, call: Callable[[], Reply]) -> None:
        try:
            barrier.wait(timeout=TIMEOUT)
            replies[index] = call()
        except BaseException as error:  # noqa: BLE001 - reported by the test, not lost in a thread
            failures.append(error)

    threads = [threading.Thread(target=run, args=(index, call), daemon=True) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 2)
    assert not any(thread.is_alive() for thread in threads), "a request never came back"
    if failures:
        raise failures[0]
    done = [reply for reply in replies if reply is not None]
    live.assert_no_server_error(*done)
    return done


# -- the database, through the data layer -------------------------------------------------------------------


class Data:
    """Builds and reads rows in the app's own context, committing what it builds (as a request would)."""

    def __init__(self, live: Live):
        self.live = live

    def definition(self) -> Any:
        with self.live.app.app_context():
            from assess.services.questionnaires import latest

            return latest().definition

    def draft(self, site_code: str, answered: dict[str, str] | None = None) -> int:
        """A new draft for the site, with the given areas (domain id -> choice for all its questions) saved by
        the seeder through save_answers, each area's version then 1."""
        from assess.data.assessments import save_answers, start_or_continue_assessment
        from assess.data.sites import get_site_by_code
        from assess.data.users import get_user_by_email
        from assess.extensions import db
        from assess.services.questionnaires import latest

        with self.live.app.app_context():
            seeder, site, loaded = get_user_by_email(SEEDER[0]), get_site_by_code(site_code), latest()
            assert seeder is not None and site is not None
            assessment = start_or_continue_assessment(site, PERIOD, loaded, seeder)
            for domain in loaded.definition.domains:
                if answered and domain.id in answered:
                    choices = {question.id: answered[domain.id] for question in domain.questions}
                    save_answers(assessment, choices, {}, seeder, domain_id=domain.id)
            db.session.commit()
            return assessment.id

    def submitted(self, site_code: str, period: str, choices: dict[str, str], evidence: dict[str, str]) -> int:
        """A submitted assessment for the site and period, with these answers (question id -> choice)."""
        from assess.data.assessments import save_answers, start_or_continue_assessment, submit_assessment
        from assess.data.sites import get_site_by_code
        from assess.data.users import get_user_by_email
        from assess.extensions import db
        from assess.scoring import score_assessment
        from assess.services.questionnaires import latest

        with self.live.app.app_context():
            seeder, site, loaded = get_user_by_email(SEEDER[0]), get_site_by_code(site_code), latest()
            assert seeder is not None and site is not None
            assessment = start_or_continue_assessment(site, period, loaded, seeder)
            save_answers(assessment, choices, evidence, seeder)
            submit_assessment(assessment, seeder, lambda given: score_assessment(loaded.definition, given))
            db.session.commit()
            return assessment.id

    def read(self, assessment_id: int) -> Stored:
        from assess.extensions import db
        from assess.models import Answer, Assessment, AssessmentScore, AssessmentSection, AuditEvent

        with self.live.app.app_context():
            assessment = db.session.get(Assessment, assessment_id)
            assert assessment is not None
            answers = {
                row.question_id: row
                for row in db.session.scalars(select(Answer).where(Answer.assessment_id == assessment_id))
            }
            sections = {
                row.domain_id: (row.version, row.saved_by_id)
                for row in db.session.scalars(
                    select(AssessmentSection).where(AssessmentSection.assessment_id == assessment_id)
                )
            }
            scores = list(
                db.session.scalars(select(AssessmentScore).where(AssessmentScore.assessment_id == assessment_id))
            )
            events = Counter(
                (row.action, row.user_id)
                for row in db.session.scalars(select(AuditEvent).where(AuditEvent.assessment_id == assessment_id))
            )
            return Stored(
                status=assessment.status,
                submitted_at=assessment.submitted_at,
                submitted_by_id=assessment.submitted_by_id,
                choices={qid: row.choice for qid, row in answers.items()},
                evidence={qid: row.evidence for qid, row in answers.items()},
                updated_by={qid: row.updated_by_id for qid, row in answers.items()},
                updated_at={qid: row.updated_at for qid, row in answers.items()},
                sections=sections,
                scores=[
                    (
                        score.overall_hundredths,
                        score.overall_level,
                        {item.domain_id: (item.score_hundredths, item.level) for item in score.domains},
                    )
                    for score in scores
                ],
                events=events,
            )

    def drafts_of(self, site_code: str) -> list[tuple[int, str, str]]:
        from assess.data.sites import get_site_by_code
        from assess.extensions import db
        from assess.models import Assessment

        with self.live.app.app_context():
            site = get_site_by_code(site_code)
            assert site is not None
            rows = db.session.execute(
                select(Assessment.id, Assessment.period, Assessment.status).where(Assessment.site_id == site.id)
            )
            return [tuple(row) for row in rows]  # type: ignore[misc]

    def count_started(self, assessment_id: int) -> int:
        from assess.extensions import db
        from assess.models import AuditEvent

        with self.live.app.app_context():
            return (
                db.session.scalar(
                    select(func.count(AuditEvent.id)).where(
                        AuditEvent.assessment_id == assessment_id, AuditEvent.action == "assessment-started"
                    )
                )
                or 0
            )


@dataclass
class Stored:
    status: str
    submitted_at: Any
    submitted_by_id: int | None
    choices: dict[str, str | None]
    evidence: dict[str, str | None]
    updated_by: dict[str, int | None]
    updated_at: dict[str, Any]
    sections: dict[str, tuple[int, int | None]]
    scores: list[tuple[int | None, int | None, dict[str, tuple[int, int]]]]
    events: Counter[tuple[str, int | None]]


def _hundredths(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


def expected_scores(definition: Any, choices: dict[str, str | None]) -> tuple[Any, Any, dict[str, tuple[Any, Any]]]:
    from assess.scoring import score_assessment

    result = score_assessment(definition, choices)
    return (
        _hundredths(result.score),
        result.level,
        {
            item.domain_id: (_hundredths(item.score), item.level)
            for item in result.domains
            if item.score is not None and item.level is not None
        },
    )


def area_fields(page: Reply, domain: Any, choice: str, evidence: str, action: str = "continue") -> dict[str, str]:
    """The form of an area page as a person fills it: every question answered, the page's own version and
    CSRF token sent back."""
    fields = {"csrf_token": page.hidden("csrf_token"), "version": page.hidden("version"), "action": action}
    for question in domain.questions:
        fields[f"q-{question.id}"] = choice
        fields[f"evidence-{question.id}"] = evidence
    return fields


def opened_area(browser: Browser, assessment_id: int, domain: Any) -> Reply:
    page = browser.get(f"/assessments/{assessment_id}/domains/{domain.id}")
    assert page.status == 200, page.describe()
    return page


@pytest.fixture(scope="module")
def people(live: Live) -> tuple[Browser, Browser]:
    """Ada and Ben, each signed in through the form in their own browser."""
    return live.browser(ADA), live.browser(BEN)


@pytest.fixture()
def health(live: Live) -> Iterator[Live]:
    """Each test ends with no 5xx, nothing logged at ERROR and the server alive."""
    with live.replies_lock:
        first = len(live.replies)
    yield live
    live.check_health(first)


def label(question: Any, choice: str | None) -> str:
    from assess.questionnaire.forms import answer_label

    return answer_label(question, KIND, choice) or "Not answered"


def report(name: str, outcomes: Counter[str], overlapping: int, rounds: int = ROUNDS) -> None:
    print(f"\n{name}: {dict(outcomes)}; pairs handled at the same moment by the server: {overlapping}/{rounds}")


# -- the tests ------------------------------------------------------------------------------------------------


def test_a_save_racing_a_submit_never_changes_submitted_answers(health: Live, people: tuple[Browser, Browser]):
    """Ada saves a change to one area while Ben submits. Either her save lands first and is counted in the
    submitted scores, or the submit lands first and her save changes nothing (she is sent to the results)."""
    ada, ben = people
    data = Data(health)
    definition = data.definition()
    outcomes: Counter[str] = Counter()
    overlapping = 0
    for number in range(ROUNDS):
        domain = definition.domains[number % len(definition.domains)]
        assessment_id = data.draft(health.new_site(), {item.id: "3" for item in definition.domains})
        area = opened_area(ada, assessment_id, domain)
        check = ben.get(f"/assessments/{assessment_id}/check")
        assert check.status == 200, check.describe()
        evidence = f"Ada's late change, round {number}"
        save, submit = together(
            health,
            ada.prepare("POST", area.path, area_fields(area, domain, "5", evidence)),
            ben.prepare("POST", check.path, {"csrf_token": check.hidden("csrf_token"), "declaration": "y"}),
        )
        overlapping += health.observed.overlapped(save, submit)

        assert submit.status == 302 and submit.location == f"/assessments/{assessment_id}/confirmation", (
            submit.describe()
        )
        assert save.status == 302, save.describe()
        landed = save.location != f"/assessments/{assessment_id}/results"
        stored = data.read(assessment_id)
        assert stored.status == "submitted"
        assert stored.submitted_by_id == health.user_ids[BEN[0]]
        expected_choice = "5" if landed else "3"
        for question in domain.questions:
            assert stored.choices[question.id] == expected_choice, (number, save.describe(), question.id)
            assert stored.evidence[question.id] == (evidence if landed else None)
        assert all(stored.updated_at[qid] <= stored.submitted_at for qid in stored.choices), "answer changed late"
        assert stored.scores == [expected_scores(definition, stored.choices)], "stored scores disagree with answers"
        if landed:
            outcomes["save landed, then the submit counted it"] += 1
        else:
            results = ada.get(save.location)
            assert results.status == 200, results.describe()
            banners = " ".join(text_of(banner) for banner in results.soup.select(".govuk-notification-banner"))
            told = [message for message in LOCKED_MESSAGES if message in banners]
            assert told, (banners, save.describe())
            when = "before the save began" if told[0] == LOCKED_MESSAGES[0] else "while the save waited"
            outcomes[f"submit landed first ({when}), the save changed nothing"] += 1
    report("save versus submit", outcomes, overlapping)
    assert overlapping >= 1, "no pair of requests was handled at the same moment: nothing was tested"


def test_saves_of_different_areas_at_the_same_moment_both_land(health: Live, people: tuple[Browser, Browser]):
    ada, ben = people
    data = Data(health)
    definition = data.definition()
    domains = definition.domains
    overlapping = 0
    for number in range(ROUNDS):
        first, second = domains[number % len(domains)], domains[(number + 1) % len(domains)]
        assessment_id = data.draft(health.new_site(), {first.id: "2"} if number % 2 else None)
        ada_page, ben_page = opened_area(ada, assessment_id, first), opened_area(ben, assessment_id, second)
        ada_text, ben_text = f"Ada's evidence, round {number}", f"Ben's evidence, round {number}"
        ada_save, ben_save = together(
            health,
            ada.prepare("POST", ada_page.path, area_fields(ada_page, first, "4", ada_text)),
            ben.prepare("POST", ben_page.path, area_fields(ben_page, second, "dont-know", ben_text)),
        )
        overlapping += health.observed.overlapped(ada_save, ben_save)
        assert (ada_save.status, ben_save.status) == (302, 302), (ada_save.describe(), ben_save.describe())

        stored = data.read(assessment_id)
        for domain, choice, text, email in ((first, "4", ada_text, ADA[0]), (second, "dont-know", ben_text, BEN[0])):
            for question in domain.questions:
                assert stored.choices[question.id] == choice, (number, domain.id, question.id)
                assert stored.evidence[question.id] == text
                assert stored.updated_by[question.id] == health.user_ids[email]
            version = 2 if (domain is first and number % 2) else 1
            assert stored.sections[domain.id] == (version, health.user_ids[email]), (number, domain.id)
    report("saves of different areas", Counter(both_landed=ROUNDS), overlapping)
    assert overlapping >= 1, "no pair of requests was handled at the same moment: nothing was tested"


def _check_conflict_page(
    loser: Reply,
    winner_name: str,
    loser_name: str,
    domain: Any,
    winner: tuple[str, str],
    mine: tuple[str, str],
    version: int,
) -> None:
    """The refused save's page: who saved and their answers, and everything the loser typed still there."""
    summary = loser.soup.select_one(".govuk-error-summary")
    assert summary is not None, "the conflict page has no error summary"
    said = text_of(summary)
    assert f"{winner_name} saved this section" in said, said
    assert loser_name not in said, said
    assert loser.hidden("version") == str(version), "the page does not carry the version that was saved"
    for question in domain.questions:
        theirs = loser.soup.find(id=f"conflict-{question.id}")
        assert isinstance(theirs, Tag), f"no 'saved by' box for {question.id}"
        shown = text_of(theirs)
        assert shown.startswith(f"Saved by {winner_name}:"), shown
        assert f"Answer: {label(question, winner[0])}" in shown, shown
        assert f"Evidence: {winner[1] or 'None given'}" in shown, shown
        assert checked_value(loser.soup, f"q-{question.id}") == mine[0], "the loser's answer was not kept"
        assert textarea_value(loser.soup, f"evidence-{question.id}") == mine[1], "the loser's evidence was lost"


def _race_one_area(
    health: Live,
    browsers: tuple[Browser, Browser],
    domain: Any,
    assessment_id: int,
    first_typed: tuple[str, str],
    second_typed: tuple[str, str],
) -> tuple[Reply, Reply]:
    """Two people open the same area (so at the same version), then both save what they typed at once. The same
    browser twice is a double click: one page, its form sent twice."""
    first, second = browsers
    first_page = opened_area(first, assessment_id, domain)
    second_page = first_page if second is first else opened_area(second, assessment_id, domain)
    assert first_page.hidden("version") == second_page.hidden("version")
    replies = together(
        health,
        first.prepare("POST", first_page.path, area_fields(first_page, domain, *first_typed)),
        second.prepare("POST", second_page.path, area_fields(second_page, domain, *second_typed)),
    )
    return replies[0], replies[1]


def _settle_conflict(
    health: Live,
    data: Data,
    people: tuple[Browser, Browser],
    number: int,
    domain: Any,
    assessment_id: int,
    replies: tuple[Reply, Reply],
    typed: tuple[tuple[str, str], tuple[str, str]],
    before: int,
) -> str:
    """One save landed and the other was refused with 409; the stored area is the winner's, nothing of the
    loser's is stored; the loser can then save again, deliberately, over it. Returns who won."""
    statuses = sorted(reply.status for reply in replies)
    assert statuses == [302, 409], [reply.describe() for reply in replies]
    winner_index = 0 if replies[0].status == 302 else 1
    loser_index = 1 - winner_index
    names, emails = (ADA[1], BEN[1]), (ADA[0], BEN[0])
    winner_id, loser_id = health.user_ids[emails[winner_index]], health.user_ids[emails[loser_index]]
    won, lost = typed[winner_index], typed[loser_index]

    stored = data.read(assessment_id)
    for question in domain.questions:
        assert stored.choices[question.id] == won[0], (number, question.id)
        assert (stored.evidence[question.id] or "") == won[1]
        assert stored.updated_by[question.id] == winner_id
    assert lost[1] not in {text for text in stored.evidence.values() if text}, "the refused evidence was stored"
    assert stored.sections[domain.id] == (before + 1, winner_id)
    assert stored.events[("answers-saved", loser_id)] == 0, "the refused save was recorded as a save"
    assert stored.events[("answers-saved", winner_id)] == 1

    loser = replies[loser_index]
    _check_conflict_page(loser, names[winner_index], names[loser_index], domain, won, lost, before + 1)

    # "Save again to keep yours": the page the loser got is a form that now saves over the winner's answers.
    again = people[loser_index].post(loser.path, area_fields(loser, domain, *lost))
    assert again.status == 302, again.describe()
    stored = data.read(assessment_id)
    assert all(stored.choices[question.id] == lost[0] for question in domain.questions)
    assert stored.sections[domain.id] == (before + 2, loser_id)
    return names[winner_index]


def test_two_saves_of_one_area_from_the_same_version_one_lands_one_is_refused(
    health: Live, people: tuple[Browser, Browser]
):
    data = Data(health)
    definition = data.definition()
    winners: Counter[str] = Counter()
    overlapping = 0
    for number in range(ROUNDS):
        domain = definition.domains[number % len(definition.domains)]
        assessment_id = data.draft(health.new_site(), {domain.id: "2"})
        typed = (("4", f"Ada's evidence, round {number}"), ("dont-know" if number % 2 else "1", f"Ben's, {number}"))
        replies = _race_one_area(health, people, domain, assessment_id, *typed)
        overlapping += health.observed.overlapped(*replies)
        winners[_settle_conflict(health, data, people, number, domain, assessment_id, replies, typed, 1)] += 1
    report("two saves of one area (version 1)", winners, overlapping)
    assert overlapping >= 1, "no pair of requests was handled at the same moment: nothing was tested"


def test_two_first_saves_of_one_area(health: Live, people: tuple[Browser, Browser]):
    """Version 0, nothing answered yet. Different content: one lands, one is refused. The same content (a double
    click, or two people agreeing): both are accepted and it is saved once."""
    data = Data(health)
    definition = data.definition()
    outcomes: Counter[str] = Counter()
    overlapping = 0
    for number in range(ROUNDS):
        domain = definition.domains[number % len(definition.domains)]
        assessment_id = data.draft(health.new_site())
        same = number % 4 == 3  # every fourth round the same content: a double click, or two people agreeing
        double_click = same and number % 8 == 3
        ada_typed = ("3", f"Agreed evidence, round {number}") if same else ("5", f"Ada's first, round {number}")
        ben_typed = ada_typed if same else ("0", "")
        browsers = (people[0], people[0]) if double_click else people
        replies = _race_one_area(health, browsers, domain, assessment_id, ada_typed, ben_typed)
        overlapping += health.observed.overlapped(*replies)
        if not same:
            winner = _settle_conflict(
                health, data, people, number, domain, assessment_id, replies, (ada_typed, ben_typed), 0
            )
            outcomes[f"different, {winner} won"] += 1
            continue
        assert [reply.status for reply in replies] == [302, 302], [reply.describe() for reply in replies]
        stored = data.read(assessment_id)
        for question in domain.questions:
            assert (stored.choices[question.id], stored.evidence[question.id]) == ada_typed
        assert stored.sections[domain.id][0] == 1, "the identical second save counted as a change"
        saves = {key: count for key, count in stored.events.items() if key[0] == "answers-saved"}
        assert sum(saves.values()) == 1, saves
        if double_click:
            assert saves == {("answers-saved", health.user_ids[ADA[0]]): 1}, saves
        outcomes["identical (double click), both accepted" if double_click else "identical, both accepted"] += 1
    report("two first saves of one area (version 0)", outcomes, overlapping)
    assert outcomes["identical (double click), both accepted"] + outcomes["identical, both accepted"] == ROUNDS // 4
    assert overlapping >= 1, "no pair of requests was handled at the same moment: nothing was tested"


def test_a_double_submit_stores_one_result(health: Live, people: tuple[Browser, Browser]):
    ada, ben = people
    data = Data(health)
    definition = data.definition()
    outcomes: Counter[str] = Counter()
    overlapping = 0
    for number in range(ROUNDS):
        choices = {domain.id: str(index % 6) for index, domain in enumerate(definition.domains)}
        assessment_id = data.draft(health.new_site(), choices)
        double_click = number % 2 == 0  # Ada's form sent twice; otherwise Ada and Ben each send theirs
        browsers = (ada, ada) if double_click else (ada, ben)
        pages = [ada.get(f"/assessments/{assessment_id}/check")]
        pages.append(pages[0] if double_click else ben.get(f"/assessments/{assessment_id}/check"))
        assert [page.status for page in pages] == [200, 200]
        replies = together(
            health,
            *(
                browser.prepare("POST", page.path, {"csrf_token": page.hidden("csrf_token"), "declaration": "y"})
                for browser, page in zip(browsers, pages, strict=True)
            ),
        )
        overlapping += health.observed.overlapped(*replies)
        confirmation = f"/assessments/{assessment_id}/confirmation"
        allowed = {confirmation, f"/assessments/{assessment_id}/results"}
        assert all(reply.status == 302 and reply.location in allowed for reply in replies), [
            reply.describe() for reply in replies
        ]
        assert confirmation in {reply.location for reply in replies}
        kind = "double click" if double_click else "two people"
        outcomes[f"{kind}: " + " + ".join(sorted(reply.location.rsplit("/", 1)[1] for reply in replies))] += 1

        stored = data.read(assessment_id)
        assert stored.status == "submitted"
        if double_click:
            assert stored.submitted_by_id == health.user_ids[ADA[0]]
        expected = {question.id: choices[domain.id] for domain in definition.domains for question in domain.questions}
        assert stored.choices == expected
        assert len(stored.scores) == 1, f"{len(stored.scores)} stored results"
        assert stored.scores == [expected_scores(definition, stored.choices)]
        submitted = {key: count for key, count in stored.events.items() if key[0] == "assessment-submitted"}
        assert submitted == {("assessment-submitted", stored.submitted_by_id): 1}, submitted
        submitter = ADA[1] if stored.submitted_by_id == health.user_ids[ADA[0]] else BEN[1]
        for browser in (ada, ben):
            shown = browser.get(confirmation)
            assert shown.status == 200, shown.describe()
            assert f"Submitted by {submitter}" in text_of(shown.soup)
    report("double submit", outcomes, overlapping)
    assert overlapping >= 1, "no pair of requests was handled at the same moment: nothing was tested"


def test_two_starts_of_the_same_site_and_period_give_one_draft(health: Live, people: tuple[Browser, Browser]):
    from assess.periods import selectable_periods

    ada, ben = people
    data = Data(health)
    period = selectable_periods(date.today())[0]
    overlapping = 0
    for _ in range(ROUNDS):
        code = health.new_site()
        pages = [ada.get(f"/sites/{code}/start"), ben.get(f"/sites/{code}/start")]
        assert [page.status for page in pages] == [200, 200]
        replies = together(
            health,
            *(
                browser.prepare("POST", page.path, {"csrf_token": page.hidden("csrf_token"), "period": period})
                for browser, page in zip((ada, ben), pages, strict=True)
            ),
        )
        overlapping += health.observed.overlapped(*replies)
        assert [reply.status for reply in replies] == [302, 302], [reply.describe() for reply in replies]
        drafts = data.drafts_of(code)
        assert len(drafts) == 1, drafts
        draft_id, draft_period, status = drafts[0]
        assert (draft_period, status) == (period, "draft")
        assert [reply.location for reply in replies] == [f"/assessments/{draft_id}"] * 2
        assert data.count_started(draft_id) == 1
    report("two starts", Counter(one_draft=ROUNDS), overlapping)
    assert overlapping >= 1, "no pair of requests was handled at the same moment: nothing was tested"


def test_two_starts_from_last_years_answers_copy_once(health: Live, people: tuple[Browser, Browser]):
    """Each round, last year's assessment is submitted, then the same form (a double click) or two people's
    forms start this year from it at the same moment: one draft, its answers copied once, one copy event."""
    from assess.periods import previous_period, selectable_periods

    ada, ben = people
    data = Data(health)
    definition = data.definition()
    period = selectable_periods(date.today())[0]
    question_ids = [question.id for domain in definition.domains for question in domain.questions]
    overlapping = 0
    outcomes: Counter[str] = Counter()
    for number in range(CARRY_ROUNDS):
        code = health.new_site()
        choices = {qid: str((index + number) % 6) for index, qid in enumerate(question_ids)}
        evidence = {question_ids[0]: f"Evidence {number}"}
        source = data.submitted(code, previous_period(period), choices, evidence)
        double_click = number % 2 == 0
        browsers = (ada, ada) if double_click else (ada, ben)
        pages = [ada.get(f"/sites/{code}/start")]
        pages.append(pages[0] if double_click else ben.get(f"/sites/{code}/start"))
        assert [page.status for page in pages] == [200, 200]
        assert all(page.soup.find("input", attrs={"name": "start_from", "value": "copy"}) for page in pages)
        fields = {"period": period, "start_from": "copy"}
        replies = together(
            health,
            *(
                browser.prepare("POST", page.path, {"csrf_token": page.hidden("csrf_token"), **fields})
                for browser, page in zip(browsers, pages, strict=True)
            ),
        )
        overlapping += health.observed.overlapped(*replies)
        assert [reply.status for reply in replies] == [302, 302], [reply.describe() for reply in replies]
        drafts = [row for row in data.drafts_of(code) if row[2] == "draft"]
        assert len(drafts) == 1, drafts
        draft_id = drafts[0][0]
        assert [reply.location for reply in replies] == [f"/assessments/{draft_id}"] * 2
        stored = data.read(draft_id)
        assert stored.choices == choices
        assert {qid: text for qid, text in stored.evidence.items() if text} == evidence
        assert {domain_id for domain_id in stored.sections} == {domain.id for domain in definition.domains}
        copies = sum(count for (action, _), count in stored.events.items() if action == "answers-carried-over")
        assert copies == 1, stored.events
        assert data.count_started(draft_id) == 1
        assert source != draft_id
        outcomes["double click" if double_click else "two people"] += 1
    report("two starts from last year's answers", outcomes, overlapping, CARRY_ROUNDS)
    assert overlapping >= 1, "no pair of requests was handled at the same moment: nothing was tested"
