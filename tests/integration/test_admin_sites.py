"""The admin's sites page (issue 14, item 8): the sites in a table, and the sites CSV upload with the same
validation as `flask sites import` (all or nothing, every problem with its line number), each site created or
changed audited, and a specific error for a file that is missing, empty, not text, not a CSV or too large
(a body too large to read still gets the page with its form)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from assess.admin.admin_forms import MAX_CSV_BYTES, MAX_UPLOAD_BODY
from assess.common.edge import MAX_CONTENT_LENGTH
from tests.integration.helpers import error_summary, h1, location, main, page, text_of

HEADER = "code,name,kind,nation,region,category,function,population_band"


def csv_bytes(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


def upload(client: Any, data: bytes, filename: str = "sites.csv") -> Any:
    """Posts the file as a browser does. The body is made here, in memory: the test client would write a large
    one to a temporary file it never closes."""
    boundary, body = encode_multipart(
        MultiDict({"sites_file": FileStorage(io.BytesIO(data), filename=filename, content_type="text/csv")})
    )
    return client.post("/admin/sites", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def site_rows() -> dict[str, tuple[str, str, str, str, str]]:
    from assess.data.sites import get_sites
    from assess.extensions import db

    db.session.expire_all()
    return {site.code: (site.name, site.kind, site.nation, site.region, site.category or "") for site in get_sites()}


def audit_events(action: str = "site-imported") -> list[Any]:
    from assess.data.audit_queries import AuditFilter, find_events
    from assess.extensions import db

    db.session.expire_all()
    return find_events(AuditFilter(action=action), limit=1000)


@pytest.fixture()
def admin(make: Any) -> Any:
    return make.user("admin", email="admin@example.org", name="Ann Admin")


@pytest.fixture()
def admin_client(client_as: Any, admin: Any) -> Any:
    return client_as(admin)


@pytest.fixture()
def existing(make: Any) -> Any:
    make.site(code="OLD-1", name="HMP Old", kind="prison", nation="England", region="North West")
    make.site(code="SAME-1", name="HMP Same", kind="prison", nation="Wales", region="Wales")
    return site_rows()


def refused(response: Any) -> tuple[list[str], str]:
    """The error summary's messages and the file field's inline error, on the sites page with its form."""
    assert response.status_code in (200, 409, 413)
    soup = page(response)
    assert h1(soup) == "Sites"
    assert soup.title is not None and soup.title.get_text().startswith("Error: ")
    assert soup.find("input", attrs={"type": "file", "name": "sites_file"}) is not None
    inline = soup.select_one(".govuk-file-upload").find_parent(class_="govuk-form-group").select_one(
        ".govuk-error-message"
    )
    assert inline is not None
    return [message for _, message in error_summary(soup)], text_of(inline)


def test_the_page_lists_the_sites_in_a_table(admin_client, existing):
    response = admin_client.get("/admin/sites")
    assert response.status_code == 200
    rows = main(page(response)).select("table tbody tr")
    listed = {text_of(row.find("th")): [text_of(cell) for cell in row.find_all("td")] for row in rows}
    assert set(listed) >= {"OLD-1", "SAME-1"}
    assert listed["OLD-1"][:4] == ["HMP Old", "Prison", "England", "North West"]
    hint = text_of(page(response).select_one("#sites_file-hint"))
    assert "at most 1 MB" in hint


def test_a_valid_file_adds_and_updates_sites_audits_each_change_and_says_how_many(admin_client, admin, existing):
    before = len(audit_events())
    response = upload(
        admin_client,
        csv_bytes(
            HEADER,
            "NEW-1,HMP New,prison,Scotland,Highlands,Category C,,",
            "new-2,Probation New,probation,england,London,,,",
            "OLD-1,HMP Old Renamed,prison,England,North West,,,",
            "SAME-1,HMP Same,prison,Wales,Wales,,,",
        ),
    )
    assert response.status_code == 302 and location(response) == "/admin/sites"
    banner = page(admin_client.get("/admin/sites")).select_one(".govuk-notification-banner--success")
    assert banner is not None
    assert "2 sites added, 1 updated (1 already up to date)" in text_of(banner)
    rows = site_rows()
    assert rows["NEW-1"] == ("HMP New", "prison", "Scotland", "Highlands", "Category C")
    assert rows["NEW-2"] == ("Probation New", "probation", "England", "London", "")
    assert rows["OLD-1"][0] == "HMP Old Renamed"
    assert rows["SAME-1"] == existing["SAME-1"]
    events = audit_events()[: len(audit_events()) - before]
    assert sorted(event.object_id for event in events) == ["NEW-1", "NEW-2", "OLD-1"]
    assert {event.user_id for event in events} == {admin.id}
    renamed = next(event for event in events if event.object_id == "OLD-1")
    assert renamed.before == {"name": "HMP Old"} and renamed.after == {"name": "HMP Old Renamed"}


def test_an_invalid_file_lists_every_problem_with_its_line_escaped_and_changes_nothing(admin_client, existing):
    before = len(audit_events())
    response = upload(
        admin_client,
        csv_bytes(
            HEADER,
            "NEW-1,HMP New,prison,England,North,,,",  # good, but the file as a whole is refused
            "<b>X,HMP Bad,jail,England,North,,,",
            "NEW-3,,prison,Narnia,North,,,",
            "NEW-1,HMP Again,prison,England,North,,,",
        ),
    )
    summary, inline = refused(response)
    assert summary == [
        "line 3: code '<b>X' must be 2 to 20 letters, digits or hyphens",
        "line 3: kind 'jail' must be one of: prison, probation",
        "line 4: name is empty",
        "line 4: nation 'Narnia' must be one of: England, Wales, Scotland, Northern Ireland",
        "line 5: code 'NEW-1' is already used on line 2",
    ]
    assert "5 problems" in inline and "nothing was imported" in inline
    assert "<b>X" not in response.get_data(as_text=True)  # escaped
    assert site_rows() == existing
    assert len(audit_events()) == before


def test_many_problems_are_capped_with_how_many_more(admin_client, existing):
    lines = [HEADER] + [f"BAD-{number},HMP Bad,jail,England,North,,," for number in range(40)]
    response = upload(admin_client, csv_bytes(*lines))
    summary, inline = refused(response)
    assert len(summary) == 25  # each a link to the file field
    assert summary[0] == "line 2: kind 'jail' must be one of: prison, probation"
    assert summary[-1] == "line 26: kind 'jail' must be one of: prison, probation"
    items = [text_of(item) for item in page(response).select(".govuk-error-summary__list li")]
    assert items[-1] == "and 15 more problems" and len(items) == 26
    assert "40 problems" in inline
    assert site_rows() == existing


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "sites.csv", "The selected file is empty"),
        (b"  \r\n\r\n", "sites.csv", "The selected file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "sites.csv", "must be a CSV saved as UTF-8 text"),
        (b"code,name\x00,kind,nation,region\r\n", "sites.csv", "must be a CSV saved as UTF-8 text"),
        ("code,name,kind,nation,region\r\nAB,Café,prison,England,North\r\n".encode("cp1252"), "sites.csv",
         "must be a CSV saved as UTF-8 text"),
        (b"PK\x03\x04 spreadsheet", "sites.xlsx", "The selected file must be a CSV"),
        (csv_bytes("site,title,type", "AB,HMP A,prison"), "sites.csv",
         "line 1: missing columns: code, name, kind, nation, region"),
    ],
    ids=["empty", "blank lines", "binary", "nul", "not utf-8", "not csv", "wrong header"],
)
def test_a_file_that_cannot_be_read_gets_its_own_error_and_changes_nothing(admin_client, existing, data, filename,
                                                                            message):
    summary, inline = refused(upload(admin_client, data, filename))
    assert any(message in item for item in summary), summary
    assert site_rows() == existing


def test_no_file_chosen_asks_for_one(admin_client, existing):
    response = admin_client.post("/admin/sites", data={}, content_type="multipart/form-data")
    summary, inline = refused(response)
    assert summary == ["Select a CSV file of sites"] and inline == "Error: Select a CSV file of sites"


def test_a_file_of_exactly_1_mb_is_accepted_and_one_byte_more_is_refused(admin_client, existing):
    good = csv_bytes(HEADER, "BIG-1,HMP Big,prison,England,North,,,")
    exactly = good + b"\r\n" * ((MAX_CSV_BYTES - len(good)) // 2) + b"\n" * ((MAX_CSV_BYTES - len(good)) % 2)
    assert len(exactly) == MAX_CSV_BYTES > MAX_CONTENT_LENGTH - 1  # the whole body is over the edge's own limit
    response = upload(admin_client, exactly)
    assert response.status_code == 302
    assert "BIG-1" in site_rows()
    summary, inline = refused(upload(admin_client, csv_bytes(HEADER, "BIG-2,HMP Big,prison,England,North,,,")
                                     + b"\n" * MAX_CSV_BYTES))
    assert summary == ["The selected file must be 1 MB or smaller"]
    assert "BIG-2" not in site_rows()


def test_a_body_far_too_large_gets_413_with_the_page_and_its_form_not_read(admin_client, existing):
    response = upload(admin_client, b"a" * (5 * MAX_CSV_BYTES))
    assert response.status_code == 413
    summary, inline = refused(response)
    assert summary == ["The selected file must be 1 MB or smaller"]
    assert site_rows() == existing


def test_other_pages_keep_the_edges_limit(new_client):
    """The larger body is for the upload only: a body the upload would take is still refused anywhere else."""
    size = MAX_CONTENT_LENGTH + 10_000
    assert size < MAX_UPLOAD_BODY
    response = new_client().post("/sign-in", data={"email": "a@example.org", "padding": "a" * size})
    assert response.status_code == 413
    assert h1(page(response)) == "The file or text you sent is too large"


@pytest.mark.parametrize("role", ["governor", "inspector", "commissioner"])
def test_other_audiences_get_403_and_change_nothing(make, client_as, existing, role):
    sites = (make.site(code="GOV-Z"),) if role == "governor" else ()
    client = client_as(make.user(role, sites=sites))
    assert client.get("/admin/sites").status_code == 403
    response = upload(client, csv_bytes(HEADER, "NEW-9,HMP New,prison,England,North,,,"))
    assert response.status_code == 403
    assert "NEW-9" not in site_rows()


HOSTILE_CELLS = ["", " ", "\x00", "a\x00b", "\x1b[31m", "\u202egnp.exe", "=1+2", "<b>x</b>", "\ufeff", "9" * 40,
                 "é" * 250, '"', '""', ",", "\r\n", "prison", "England", "OK-1"]


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    content=st.one_of(
        st.binary(max_size=300),
        st.lists(
            st.lists(st.one_of(st.sampled_from(HOSTILE_CELLS), st.text(max_size=30)), min_size=1, max_size=10),
            max_size=6,
        ).map(lambda rows: "\r\n".join([HEADER] + [",".join(row) for row in rows]).encode("utf-8", "surrogatepass")),
    ),
    filename=st.sampled_from(["sites.csv", "SITES.CSV", "sites.txt", "", "\x00.csv", "a" * 300 + ".csv"]),
)
def test_hostile_files_never_give_a_500_and_a_refusal_changes_nothing(admin_client, existing, content, filename):
    """Property-based (Hypothesis), as tests/integration/test_hostile_forms.py does for the other forms."""
    before = site_rows()
    response = upload(admin_client, content, filename)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert page(response).select_one(".govuk-error-summary") is not None
        assert site_rows() == before
        return
    for row in site_rows().values():  # what was stored is clean text
        assert not any(char in "".join(row) for char in "\x00\x1b\u202e")


def test_a_site_added_by_someone_else_meanwhile_gets_409_and_nothing_of_the_file_is_kept(
    admin_client, existing, monkeypatch
):
    """Two administrators uploading at the same moment: the second one's insert of a code the first has just
    created fails; that upload keeps nothing (its audit events neither) and says what happened."""
    from assess.data import sites as site_data

    found = site_data.get_site_by_code
    # As if OLD-1 did not exist yet when this upload read it (another upload created it meanwhile).
    monkeypatch.setattr(site_data, "get_site_by_code", lambda code: None if code == "OLD-1" else found(code))
    before = len(audit_events())
    response = upload(
        admin_client, csv_bytes(HEADER, "NEW-7,HMP Seven,prison,England,North,,,", "OLD-1,HMP Old,prison,Wales,W,,,")
    )
    assert response.status_code == 409
    summary, inline = refused(response)
    assert summary == [inline.removeprefix("Error: ")]
    assert "Someone else imported sites at the same moment" in inline
    monkeypatch.undo()
    assert site_rows() == existing
    assert len(audit_events()) == before
