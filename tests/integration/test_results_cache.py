"""The results cache (issue 15, item 3): a submitted assessment's benchmarks are kept in the database once
worked out (assess.services.benchmarks.cached_site_benchmarks), shared by every worker, and worked out again
when anything they depend on changes. What the page shows still changes at once: a peer's submission changes
the benchmarks, an inspector's validation the levels, a new target the targets. Also the sites page: its
statements do not grow with the number of sites a governor has. Real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event, select

from assess.extensions import db
from assess.models import ResultsCacheEntry
from tests.conftest import build_app, sign_in
from tests.integration.helpers import main, page, text_of
from tests.integration.test_governor_validation import levels_table, validate_all
from tests.integration.test_targets import form_of

PERIOD = "2025-26"


def peer_counts(seen: list[str]) -> list[str]:
    """The benchmarks' per-group counts of peers' scores (assess.data.benchmarks.get_groups_counts): a cache
    hit runs none."""
    return [
        statement for statement in seen if "GROUP BY" in statement and "domain_scores.score_hundredths" in statement
    ]


@contextmanager
def statements(app: Flask | None = None) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    if app is None:
        engine = db.engine
    else:
        with app.app_context():
            engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def entries() -> dict[int, str]:
    db.session.expire_all()
    return {row.assessment_id: row.key for row in db.session.scalars(select(ResultsCacheEntry))}


def peer_medians(client: Any, assessment_id: int) -> dict[str, str]:
    """Area -> peer median level, from the results CSV (the first shown group, as the page)."""
    response = client.get(f"/assessments/{assessment_id}/results.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    return {row[next(iter(row))]: row["Peer median level"] for row in rows}


def results(client: Any, assessment_id: int, **query: str) -> Any:
    response = client.get(f"/assessments/{assessment_id}/results", query_string=query)
    assert response.status_code == 200
    return response


def benchmark_section(response: Any) -> str:
    return text_of(main(page(response)))


def _world(make: Any, client_as: Any, peers: int = 5, choice: str = "1") -> dict[str, Any]:
    site = make.site(code="HOME", name="HMP Home", region="North West")
    governor = make.user("governor", sites=(site,), email="home@example.org")
    mine = make.submitted(site, governor, PERIOD, choice="3")
    admin = make.user("admin")
    for _ in range(peers):
        make.submitted(make.site(region="North West"), admin, PERIOD, choice=choice)
    return {"site": site, "governor": governor, "assessment": mine, "admin": admin, "client": client_as(governor)}


def test_the_benchmarks_are_kept_once_and_read_back_without_their_queries(make, client_as):
    world = _world(make, client_as)
    client, mine = world["client"], world["assessment"]
    with statements() as first:
        page_first = results(client, mine.id)
    assert peer_counts(first)
    assert list(entries()) == [mine.id]
    with statements() as again:
        page_again = results(client, mine.id)
    assert not peer_counts(again), "\n---\n".join(again)
    assert len(again) < len(first)
    assert benchmark_section(page_again) == benchmark_section(page_first)


def test_a_peers_submission_changes_the_benchmarks_shown(make, client_as):
    world = _world(make, client_as, choice="1")
    client, mine = world["client"], world["assessment"]
    before = peer_medians(client, mine.id)
    results(client, mine.id)
    key = entries()[mine.id]
    for _ in range(6):  # now most peers are at level 5: the median moves
        make.submitted(make.site(region="North West"), world["admin"], PERIOD, choice="5")
    after = peer_medians(client, mine.id)
    assert before != after
    assert set(after.values()) - {""} == {"5"}, after
    assert entries()[mine.id] != key  # worked out again and replaced


def test_a_draft_started_long_ago_and_submitted_now_also_changes_the_key(make, client_as):
    """The stamp counts every submitted result (and sums their ids), so a draft with a low id submitted after
    newer ones still gives a new key, although the newest id does not change."""
    from assess.data.assessments import save_answers, submit_assessment
    from assess.scoring import score_assessment

    early_site = make.site(region="North West")
    admin = make.user("admin", email="early-admin@example.org")
    early = make.draft(early_site, admin, PERIOD)  # made first: the lowest id of all
    world = _world(make, client_as, choice="1")
    client, mine = world["client"], world["assessment"]
    results(client, mine.id)
    key = entries()[mine.id]
    save_answers(early, make.all_answers("5"), {}, admin)
    submit_assessment(early, admin, lambda answers: score_assessment(make.questionnaire().definition, answers))
    db.session.commit()
    results(client, mine.id)
    assert entries()[mine.id] != key


def test_a_validation_changes_the_levels_shown(make, client_as):
    site = make.site(code="GV-A", name="HMP Alder")
    governor = make.user("governor", sites=(site,), email="alder@example.org")
    inspector = make.user("inspector", email="ins@example.org", remit=(("prison", "England"),))
    assessment = make.submitted(site, governor, PERIOD, choice="3")
    for _ in range(5):
        make.submitted(make.site(), inspector, PERIOD, choice="2")
    definition = make.questionnaire().definition
    world = {
        "site": site,
        "governor": governor,
        "inspector": inspector,
        "assessment": assessment,
        "definition": definition,
        "areas": [domain.id for domain in definition.domains],
    }
    client = client_as(governor)
    before = levels_table(page(results(client, assessment.id)))
    assert assessment.id in entries()
    validate_all(world)  # the first area lowered from 3 to 2
    after = levels_table(page(results(client, assessment.id)))
    assert before != after
    assert "2 – " in " ".join(after[0]) and "2 – " not in " ".join(before[0])


def test_a_target_change_shows_on_the_cached_page(make, client_as):
    world = _world(make, client_as)
    client, mine = world["client"], world["assessment"]
    first = benchmark_section(results(client, mine.id))
    assert "Target reached" not in first
    area = make.questionnaire().definition.domains[0].id
    data = form_of(page(client.get(f"/assessments/{mine.id}/targets")))
    assert client.post(f"/assessments/{mine.id}/targets", data={**data, f"target-{area}": "3"}).status_code == 302
    assert "Target reached" in benchmark_section(results(client, mine.id))


def test_two_workers_on_one_database_share_the_entry(app_ctx, make, client_as):
    world = _world(make, client_as)
    mine = world["assessment"]
    first = results(world["client"], mine.id)
    assert mine.id in entries()
    other = build_app(app_ctx.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=False)
    other.test_client_class = type(app_ctx.test_client())
    try:
        client = sign_in(other.test_client(), world["governor"])
        with statements(other) as seen:
            second = results(client, mine.id)
        assert any("results_cache" in statement for statement in seen)
        assert not peer_counts(seen), "\n---\n".join(seen)
        assert benchmark_section(second) == benchmark_section(first)
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def test_each_assessment_has_its_own_entry_and_another_sites_governor_gets_404(make, client_as):
    world = _world(make, client_as)
    mine = world["assessment"]
    neighbour = make.site(code="NEXT", name="HMP Next", region="North West")
    them = make.user("governor", sites=(neighbour,), email="next@example.org")
    theirs = make.submitted(neighbour, them, PERIOD, choice="5")
    results(world["client"], mine.id)
    their_client = client_as(them)
    assert their_client.get(f"/assessments/{mine.id}/results").status_code == 404
    their_page = benchmark_section(results(their_client, theirs.id))
    my_page = benchmark_section(results(world["client"], mine.id))
    assert set(entries()) == {mine.id, theirs.id}
    assert "HMP Next" in their_page and "HMP Next" not in my_page
    assert "HMP Home" in my_page and "HMP Home" not in their_page


def test_a_draft_is_never_cached(make, client_as):
    world = _world(make, client_as)
    draft = make.draft(world["site"], world["governor"], "2026-27")
    assert world["client"].get(f"/assessments/{draft.id}/results").status_code == 302
    assert draft.id not in entries()


def test_the_sites_page_statements_do_not_grow_with_the_number_of_sites(make, client_as):
    def governor_with(count: int, tag: str) -> Any:
        sites = [make.site(code=f"{tag}-{number}", name=f"HMP {tag} {number}") for number in range(count)]
        governor = make.user("governor", sites=tuple(sites), email=f"{tag.lower()}@example.org")
        for site in sites:
            make.submitted(site, governor, PERIOD)
        make.draft(sites[0], governor, "2026-27")
        return client_as(governor)

    one, five = governor_with(1, "ONE"), governor_with(5, "FIVE")
    with statements() as for_one:
        response = one.get("/sites")
    assert response.status_code == 200
    with statements() as for_five:
        response = five.get("/sites")
    assert response.status_code == 200
    assert len(for_five) == len(for_one), "\n---\n".join(for_five)
    assert not any("FROM answers" in statement for statement in for_five)
    assert text_of(main(page(response))).count("View results") == 5
