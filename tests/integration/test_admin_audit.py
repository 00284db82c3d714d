"""The admin's audit trail (issue 14, item 8): events newest first, 50 a page; filtered by user, site, action
and dates (each filter proved on events made for it); the CSV holds the same events as the page's filter
(every page), formula-safe; hostile filter values get a GOV.UK error or an empty result, never a 500."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.services.admin_audit import CSV_HEADER, PAGE_SIZE
from tests.integration.helpers import error_summary, h1, inline_error, main, page, text_of


@pytest.fixture()
def admin(make: Any) -> Any:
    return make.user("admin", email="ann.admin@example.org", name="Ann Admin")


@pytest.fixture()
def admin_client(client_as: Any, admin: Any) -> Any:
    return client_as(admin)


def add_event(action: str, *, when: datetime, actor: str = "command line", user: Any = None, site: Any = None,
              object_type: str = "test", object_id: str = "x", before: Any = None, after: Any = None) -> int:
    """An event as assess.data.audit.record writes it, at a chosen time (set before it is first written)."""
    from assess.data.audit import record
    from assess.extensions import db

    event = record(user, action, object_type, object_id, site_id=site.id if site is not None else None,
                   before=before, after=after, actor=actor if user is None else None)
    event.occurred_at = when
    db.session.commit()
    return event.id


def field_error(soup: Any, name: str) -> str | None:
    """A field's inline error; a date's is on its fieldset's group (each of its boxes has a group of its own)."""
    if not name.startswith("date_"):
        return inline_error(soup, name)
    group = soup.find(id=name).find_parent(class_="govuk-form-group")
    message = group.select_one(".govuk-error-message") if group is not None else None
    return text_of(message) if message is not None else None


def listed(response: Any) -> list[tuple[str, str, str, str]]:
    """(who, action, about, site) for each row of the page's table, in order."""
    assert response.status_code == 200
    table = main(page(response)).find("table")
    if table is None:
        return []
    rows = []
    for row in table.select("tbody tr"):
        cells = [text_of(cell) for cell in row.find_all("td")]
        rows.append((cells[1], cells[2], cells[3], cells[4]))
    return rows


def csv_rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    reader = csv.reader(io.StringIO(response.get_data(as_text=True)))
    header = next(reader)
    assert tuple(header) == CSV_HEADER
    return [dict(zip(header, row, strict=True)) for row in reader]


@pytest.fixture()
def trail(make: Any, admin: Any) -> dict[str, Any]:
    """Events of known people, sites, actions and days (UK days: 1 March 2026 is in GMT)."""
    alpha = make.site(code="ALPHA", name="HMP Alpha")
    beta = make.site(code="BETA", name="HMP Beta")
    ada = make.user("governor", sites=(alpha,), email="ada@example.org", name="Ada Governor")
    bob = make.user("governor", sites=(beta,), email="bob@other.example", name="Bob Governor")
    events = {
        "ada-alpha-1mar": add_event("answers-saved", when=datetime(2026, 3, 1, 9, 0, tzinfo=UTC), user=ada,
                                    site=alpha, after={"evidence": "Minutes <b>bold</b>", "choice": "3"}),
        "bob-beta-2mar": add_event("answers-saved", when=datetime(2026, 3, 2, 23, 59, tzinfo=UTC), user=bob,
                                   site=beta, before={"choice": None}, after={"choice": "2"}),
        "ada-alpha-submit-3mar": add_event("assessment-submitted", when=datetime(2026, 3, 3, 0, 0, tzinfo=UTC),
                                           user=ada, site=alpha),
        "failed-sign-in-4mar": add_event("sign-in-failed", when=datetime(2026, 3, 4, 12, 0, tzinfo=UTC),
                                         actor="a sign-in attempt as =cmd|' /C calc'!A0@example.org",
                                         object_type="user", object_id="=cmd|' /C calc'!A0@example.org"),
        "reset-of-ada-5mar": add_event("two-factor-reset", when=datetime(2026, 3, 5, 12, 0, tzinfo=UTC),
                                       user=admin, object_type="user", object_id="ada@example.org"),
    }
    return {"alpha": alpha, "beta": beta, "ada": ada, "bob": bob, "events": events}


def test_the_trail_is_newest_first_with_who_what_and_the_change_escaped(admin_client, trail):
    response = admin_client.get("/admin/audit")
    assert h1(page(response)) == "Audit trail"
    rows = listed(response)
    # The fixtures' own events (sites imported, accounts created) were written now, so they come first.
    ours = [row for row in rows if row[1] in {"answers-saved", "assessment-submitted", "sign-in-failed",
                                                "two-factor-reset"}]
    assert [row[1] for row in ours] == [
        "two-factor-reset", "sign-in-failed", "assessment-submitted", "answers-saved", "answers-saved"
    ]
    assert ours[-1][0] == "Ada Governor (ada@example.org)" and ours[-1][3] == "ALPHA"
    body = response.get_data(as_text=True)
    assert "<b>bold</b>" not in body and "&lt;b&gt;bold&lt;/b&gt;" in body
    change = page(response).find(id=f"event-{trail['events']['bob-beta-2mar']}")
    assert "choice: (none)" in text_of(change) and "choice: 2" in text_of(change)


def test_the_action_list_holds_the_actions_in_the_trail(admin_client, trail):
    options = [option["value"] for option in page(admin_client.get("/admin/audit")).select("select#action option")]
    assert options[0] == ""
    assert {"answers-saved", "sign-in-failed", "two-factor-reset", "site-imported", "user-created"} <= set(options)
    assert options[1:] == sorted(options[1:])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"user": "ada@example.org"}, {"ada-alpha-1mar", "ada-alpha-submit-3mar", "reset-of-ada-5mar"}),
        ({"user": "OTHER.EXAMPLE"}, {"bob-beta-2mar"}),  # part of an email, any case
        ({"user": "calc"}, {"failed-sign-in-4mar"}),  # an actor label: a failed sign-in names no account
        ({"site": "alpha"}, {"ada-alpha-1mar", "ada-alpha-submit-3mar"}),
        ({"site": "BETA", "action": "answers-saved"}, {"bob-beta-2mar"}),
        ({"action": "answers-saved", "user": "ada"}, {"ada-alpha-1mar"}),
        ({"date_from": ["2", "3", "2026"], "date_to": ["4", "3", "2026"]},
         {"bob-beta-2mar", "ada-alpha-submit-3mar", "failed-sign-in-4mar"}),
        ({"date_to": ["1", "3", "2026"]}, {"ada-alpha-1mar"}),
        ({"date_from": ["5", "3", "2026"], "action": "two-factor-reset"}, {"reset-of-ada-5mar"}),
    ],
    ids=["email", "part of an email", "actor label", "site", "site and action", "action and user", "dates",
         "date to only", "date from and action"],
)
def test_each_filter_finds_exactly_its_events_on_the_page_and_in_the_csv(admin_client, trail, query, expected):
    ids = {name: event_id for name, event_id in trail["events"].items()}
    wanted = sorted((ids[name] for name in expected), reverse=True)
    response = admin_client.get("/admin/audit", query_string=query)
    soup = page(response)
    assert not error_summary(soup)
    shown = [int(row["id"].removeprefix("event-")) for row in main(soup).select("tbody tr")]
    if "date_from" not in query and "date_to" not in query:  # the fixtures' own events are of today
        shown = [event_id for event_id in shown if event_id in ids.values()]
    assert shown == wanted
    assert "match these filters" in text_of(main(soup).find("h2"))
    # The download link carries the same filter, and the CSV holds the same events.
    link = main(soup).find("a", string=lambda text: text and "as CSV" in text)
    rows = csv_rows(admin_client.get(link["href"]))
    from_csv = [int(row["Event"]) for row in rows]
    if "date_from" not in query and "date_to" not in query:
        from_csv = [event_id for event_id in from_csv if event_id in ids.values()]
    assert from_csv == wanted


def test_dates_are_whole_uk_days(admin_client, make):
    """In British Summer Time, 23:30 UTC on 30 June is 1 July in the UK."""
    late = add_event("test-action", when=datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    on_the_1st = admin_client.get("/admin/audit", query_string={"date_from": ["1", "7", "2026"],
                                                                "date_to": ["1", "7", "2026"]})
    assert [row["id"] for row in main(page(on_the_1st)).select("tbody tr")] == [f"event-{late}"]
    on_the_30th = admin_client.get("/admin/audit", query_string={"date_to": ["30", "6", "2026"],
                                                                 "action": "test-action"})
    assert listed(on_the_30th) == []


def test_pages_of_50_newest_first_with_govuk_pagination(admin_client, make):
    ids = [add_event("bulk", when=datetime(2026, 1, 1, 12, 0, tzinfo=UTC), object_id=str(number))
           for number in range(2 * PAGE_SIZE + 7)]
    query = {"action": "bulk"}
    first = admin_client.get("/admin/audit", query_string=query)
    soup = page(first)
    assert [row["id"] for row in main(soup).select("tbody tr")] == [f"event-{i}" for i in ids[::-1][:PAGE_SIZE]]
    assert "Showing events 1 to 50 of 107" in text_of(main(soup))
    pagination = soup.select_one("nav.govuk-pagination")
    assert pagination is not None
    assert [text_of(link) for link in pagination.select(".govuk-pagination__item a")] == ["1", "2", "3"]
    next_href = pagination.select_one("a[rel=next]")["href"]
    assert "action=bulk" in next_href and "page=2" in next_href
    third = page(admin_client.get("/admin/audit", query_string={**query, "page": "3"}))
    assert [row["id"] for row in main(third).select("tbody tr")] == [f"event-{i}" for i in ids[::-1][100:]]
    assert third.select_one("nav.govuk-pagination a[rel=next]") is None
    # Every page is in the CSV.
    assert [int(row["Event"]) for row in csv_rows(admin_client.get("/admin/audit.csv", query_string=query))] == \
        ids[::-1]


@pytest.mark.parametrize("value", ["99999999999", "99999999999999999999999999", "-1", "0", "abc", "1e9", "²",
                                   "\x00", "3\x00"])
def test_any_page_number_shows_a_page_never_a_500(admin_client, make, value):
    ids = [add_event("bulk", when=datetime(2026, 1, 1, tzinfo=UTC)) for _ in range(PAGE_SIZE + 3)]
    response = admin_client.get("/admin/audit", query_string={"action": "bulk", "page": value})
    shown = [row["id"] for row in main(page(response)).select("tbody tr")]
    # Past the last page: the last; not a page number: the first.
    expected = ids[::-1][PAGE_SIZE:] if value.isascii() and value.strip("\x00").isdigit() and int(
        value.strip("\x00")) > 1 else ids[::-1][:PAGE_SIZE]
    assert shown == [f"event-{i}" for i in expected]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"site": "NOPE"}, "site", "There is no site with the code ‘NOPE’"),
        ({"site": "nope", "date_from": ["0", "0", "0"]}, "site", "There is no site with the code ‘NOPE’"),
        ({"site": "A" * 21}, "site", "Site code must be 20 characters or fewer"),
        ({"site": "\x00\x00ALPHA\x00"}, None, None),  # NUL removed at the edge: finds ALPHA
        ({"user": "a" * 300}, "user", "User must be 255 characters or fewer"),
        ({"user": "%_\\\x00"}, None, None),  # LIKE wildcards are matched as text: nothing found
        ({"action": "no-such-action"}, "action", "Select an action from the list"),
        ({"date_from": ["32", "13", "2026"]}, "date_from", "Date from must be a real date, for example 27 3 2026"),
        ({"date_from": ["1", "", "2026"]}, "date_from", "Date from must be a real date, for example 27 3 2026"),
        ({"date_to": ["1", "1", "99999999999"]}, "date_to", "Date to must be a real date, for example 27 3 2026"),
        ({"date_to": ["1", "1", "1999"]}, "date_to", "The year of date to must be between 2000 and 2999"),
        ({"date_from": ["1", "1", "2026", "4"]}, "date_from", "Date from must be a real date, for example 27 3 2026"),
        ({"date_from": ["5", "3", "2026"], "date_to": ["4", "3", "2026"]}, "date_to",
         "Date to must be the same as or after date from"),
        ({"date_to": ["31", "12", "2999"]}, None, None),  # the last day allowed
        ({"date_to": ["31", "12", "9999"]}, "date_to", "The year of date to must be between 2000 and 2999"),
        ({"date_from": ["1", "1", "0001"]}, "date_from", "The year of date from must be between 2000 and 2999"),
    ],
    ids=["unknown site", "unknown site and a bad date", "long site", "nul in site", "long user", "wildcards",
         "unknown action", "nonsense date", "missing month", "huge year", "year 1999", "four parts", "to before from",
         "last day", "end of the calendar", "start of the calendar"],
)
def test_hostile_filter_values_get_a_govuk_error_or_an_empty_result(admin_client, trail, query, field, message):
    for path in ("/admin/audit", "/admin/audit.csv"):
        response = admin_client.get(path, query_string=query)
        assert response.status_code == 200, path
        if field is None:
            continue
        soup = page(response)
        assert soup.title.get_text().startswith("Error: ")
        assert message in [text for _, text in error_summary(soup)]
        assert field_error(soup, field) == f"Error: {message}"
        assert main(soup).find("table") is None  # no events shown under a refused filter


def test_csv_cells_are_formula_safe(admin_client, trail):
    add_event("formula-test", when=datetime(2026, 3, 6, tzinfo=UTC), actor="+SUM(1,2)", object_id="@A1",
              after={"name": "=1+2"})
    rows = csv_rows(admin_client.get("/admin/audit.csv", query_string={"action": "sign-in-failed"}))
    assert [row["Who"] for row in rows] == ["a sign-in attempt as =cmd|' /C calc'!A0@example.org"]  # not a formula
    assert rows[0]["Object id"] == "'=cmd|' /C calc'!A0@example.org"
    [row] = csv_rows(admin_client.get("/admin/audit.csv", query_string={"action": "formula-test"}))
    assert (row["Who"], row["Object id"], row["After"]) == ("'+SUM(1,2)", "'@A1", '{"name": "=1+2"}')


@pytest.mark.parametrize("role", ["governor", "inspector", "commissioner"])
def test_other_audiences_get_403(make, client_as, role):
    sites = (make.site(code="GOV-Z"),) if role == "governor" else ()
    client = client_as(make.user(role, sites=sites))
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403


HOSTILE = ["", " ", "\x00", "a\x00b", "\u202e", "%", "_", "\\", "'", "<b>", "0", "-1", "1e309", str(2**31),
           str(2**63), "9" * 40, "99999999999", "\ufeff", "\U0001f600", "ALPHA", "answers-saved", "1", "3", "2026"]


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    query=st.dictionaries(
        st.sampled_from(["user", "site", "action", "date_from", "date_to", "page"]),
        st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20)), min_size=1, max_size=4),
    ),
    path=st.sampled_from(["/admin/audit", "/admin/audit.csv"]),
)
def test_hostile_query_strings_never_give_a_500(admin_client, trail, query, path):
    """Property-based (Hypothesis): any values, any number of them, in any filter, on the page and the CSV."""
    response = admin_client.get(path, query_string=query)
    assert response.status_code == 200, (query, response.status_code)
    if response.mimetype == "text/html":
        assert "Traceback" not in response.get_data(as_text=True)


def test_the_csv_is_read_in_batches_and_holds_at_most_its_stated_limit(admin_client, make, monkeypatch):
    from assess.data import audit_queries
    from assess.services import admin_audit

    monkeypatch.setattr(audit_queries, "BATCH", 4)
    monkeypatch.setattr(admin_audit, "CSV_LIMIT", 10)
    ids = [add_event("capped", when=datetime(2026, 2, 1, tzinfo=UTC), site=make.site() if n % 3 == 0 else None)
           for n in range(13)]
    query = {"action": "capped"}
    text = text_of(main(page(admin_client.get("/admin/audit", query_string=query))))
    assert "at most the newest 10 events in one file, so this download leaves out the oldest 3" in text
    rows = csv_rows(admin_client.get("/admin/audit.csv", query_string=query))
    assert [int(row["Event"]) for row in rows] == ids[::-1][:10]
    assert all(row["Site code"].startswith("S") for row in rows if int(row["Event"]) in ids[::3])
