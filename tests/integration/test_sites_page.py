"""The governor's sites page reads each site's assessments in one query and never their answers (issue 10:
loading every answer of every assessment it listed made it slow, and was where a threaded server crashed)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from assess.extensions import db
from tests.integration.helpers import main, page, text_of


@contextmanager
def statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_sites_page_queries_do_not_grow_with_sites_or_assessments_and_skip_answers(make, client_as):
    sites = [make.site(code=f"MANY-{number}", name=f"HMP Many {number:02d}") for number in range(12)]
    governor = make.user("governor", sites=tuple(sites), email="many@example.org")
    client = client_as(governor)
    with statements() as few:
        assert client.get("/sites").status_code == 200
    for site in sites:
        make.submitted(site, governor, "2024-25")
        make.submitted(site, governor, "2025-26")
    with statements() as many:
        response = client.get("/sites")
    assert response.status_code == 200
    assert len(many) == len(few), "\n---\n".join(many)
    assert not any("FROM answers" in statement for statement in many)
    listed = [text_of(heading) for heading in main(page(response)).find_all("h2")]
    assert listed == sorted(listed) and len(listed) == 12
    assert text_of(main(page(response))).count("View results") == 24
