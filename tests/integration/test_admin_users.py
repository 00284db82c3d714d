"""The admin's user pages (issue 14, item 8): the list and search, adding a person with each role and what they
are linked to, one person's page and its actions (change links, deactivate and reactivate, reset two-factor
sign-in, sign out everywhere, a one-time link to choose a password), who may reach them, the 409 on a change
made from a page opened before a colleague's, and the audit event of every action."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import AuditEvent, PasswordLink, User
from tests.conftest import PASSWORD, Factory, sign_in
from tests.integration.helpers import (
    IsolatedClient,
    error_summary,
    h1,
    inline_error,
    location,
    main,
    page,
    text_of,
)

NEW_PASSWORD = "velvet-Harbour-tractor-moonlit-88"


# -- building people -------------------------------------------------------------------------------------


def make_area(code: str, name: str, sites: tuple[Any, ...]) -> Any:
    from assess.data.areas import AreaRow, get_area_by_code, upsert_areas

    upsert_areas([AreaRow(code, name, "region", tuple(site.code for site in sites))])
    db.session.commit()
    return get_area_by_code(code)


def make_commissioner(email: str, name: str, areas: tuple[Any, ...]) -> Any:
    from assess.data.users import create_or_update_user

    user = create_or_update_user(email, name, "commissioner", PASSWORD, [], areas=list(areas))
    db.session.commit()
    return user


def reload(user_id: int) -> User:
    db.session.rollback()  # see what the requests committed
    found = db.session.get(User, user_id)
    assert found is not None
    db.session.refresh(found)
    return found


def by_email(email: str) -> User | None:
    db.session.rollback()
    return db.session.scalar(select(User).where(User.email == email))


def events(action: str) -> list[AuditEvent]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def user_count() -> int:
    db.session.rollback()
    return int(db.session.scalar(select(func.count(User.id))) or 0)


def rows(response: Any) -> dict[str, list[str]]:
    """The users table: the name in each row -> the text of each of its cells."""
    found = {}
    for row in main(page(response)).select("tbody tr"):
        cells = [text_of(cell) for cell in row.select("td")]
        found[cells[0]] = cells
    return found


def link_on(response: Any) -> str:
    """The path of the one-time link the page shows."""
    area = page(response).select_one("textarea#password-link")
    assert area is not None, "no link on the page"
    url = area.get_text().strip()
    assert url.startswith("http"), url  # the full URL, to pass on
    return urlsplit(url).path


def signed_in(client: IsolatedClient) -> bool:
    """Whether a governor's client is still signed in (their home page answers rather than the sign-in page)."""
    return not location(client.get("/sites")).startswith("/sign-in")


def sent_to_sign_in(response: Any) -> bool:
    return response.status_code == 302 and location(response).startswith("/sign-in")


@pytest.fixture()
def admin(make: Factory) -> Any:
    return make.user("admin", email="alice.admin@example.org", name="Alice Admin")


@pytest.fixture()
def admin_client(client_as: Callable[[Any], IsolatedClient], admin: Any) -> IsolatedClient:
    return client_as(admin)


@pytest.fixture()
def sites(make: Factory) -> tuple[Any, Any]:
    return make.site(code="GOV-A", name="HMP Alpha"), make.site(code="GOV-B", name="HMP Bravo", nation="Wales")


# -- the list and the search -------------------------------------------------------------------------------


def test_the_list_shows_every_account_with_its_role_links_two_factor_and_status(make, admin, admin_client, sites):
    from assess.data.two_factor import set_up_two_factor
    from assess.data.users import deactivate_user

    alpha, bravo = sites
    governor = make.user("governor", sites=(alpha, bravo), email="gina@example.org", name="Gina Governor")
    make.user(
        "inspector", email="ivan@example.org", name="Ivan Inspector", remit=[("prison", "England"), ("prison", "Wales")]
    )
    area = make_area("NW", "North West", (alpha,))
    make_commissioner("cora@example.org", "Cora Commissioner", (area,))
    gone = make.user("governor", sites=(alpha,), email="gone@example.org", name="Gus Gone")
    deactivate_user(gone, None)
    set_up_two_factor(governor, "any-secret", 0, ["hash"], None)
    db.session.commit()

    response = admin_client.get("/admin/users")
    assert response.status_code == 200
    soup = page(response)
    assert h1(soup) == "Users"
    table = rows(response)
    assert set(table) == {"Alice Admin", "Gina Governor", "Ivan Inspector", "Cora Commissioner", "Gus Gone"}
    assert table["Gina Governor"][1:] == [
        "gina@example.org", "Governor", "HMP Alpha (GOV-A) HMP Bravo (GOV-B)", "Set up", "Active",
    ]  # fmt: skip
    assert table["Ivan Inspector"][2:4] == ["Inspector", "Prisons in England and Wales"]
    assert table["Cora Commissioner"][2:4] == ["Commissioner", "North West (NW)"]
    assert table["Gus Gone"][5] == "Deactivated"
    assert table["Gus Gone"][4] == "Not set up"
    # Each name links to the person's page, and there is a way to add someone.
    link = soup.find("a", string="Gina Governor")
    assert link is not None and link["href"] == f"/admin/users/{governor.id}"
    assert soup.find("a", string=re.compile("Add a user"))["href"] == "/admin/users/new"


def test_the_search_finds_people_by_name_or_email_in_any_case(make, admin_client, sites):
    make.user("governor", sites=(sites[0],), email="gina@example.org", name="Gina Governor")
    make.user("governor", sites=(sites[0],), email="harry@prison.example", name="Harry Holt")

    assert set(rows(admin_client.get("/admin/users?q=GINA"))) == {"Gina Governor"}
    assert set(rows(admin_client.get("/admin/users?q=prison.EXAMPLE"))) == {"Harry Holt"}
    assert set(rows(admin_client.get("/admin/users?q=o"))) >= {"Gina Governor", "Harry Holt"}
    # Wildcards are matched as typed; hostile values are answered, not a 500.
    nothing = admin_client.get("/admin/users?q=%25")
    assert nothing.status_code == 200 and rows(nothing) == {}
    assert "No users match" in text_of(main(page(nothing)))
    for value in ("%00", "a" * 5000, "'; DROP TABLE users; --", "\u202e"):
        assert admin_client.get("/admin/users", query_string={"q": value}).status_code == 200
    # The box keeps what was searched for.
    assert page(admin_client.get("/admin/users?q=harry")).find("input", attrs={"name": "q"})["value"] == "harry"


# -- who may reach the pages -------------------------------------------------------------------------------


def admin_paths(user_id: int) -> list[tuple[str, str]]:
    return [
        ("GET", "/admin/users"),
        ("GET", "/admin/users/new"),
        ("POST", "/admin/users/new"),
        ("GET", f"/admin/users/{user_id}"),
        ("GET", f"/admin/users/{user_id}/change"),
        ("POST", f"/admin/users/{user_id}/change"),
        ("POST", f"/admin/users/{user_id}/deactivate"),
        ("POST", f"/admin/users/{user_id}/reactivate"),
        ("POST", f"/admin/users/{user_id}/reset-two-factor"),
        ("POST", f"/admin/users/{user_id}/sign-out-everywhere"),
        ("POST", f"/admin/users/{user_id}/password-link"),
    ]


@pytest.mark.parametrize("role", ["governor", "inspector", "commissioner"])
def test_other_roles_get_403_and_change_nothing(make, client_as, sites, role):
    target = make.user("governor", sites=(sites[0],), email="target@example.org")
    person = make.user(role, sites=(sites[0],) if role == "governor" else ())
    client = client_as(person)
    events_before = len(events("user-deactivated")) + len(events("password-link-made"))
    for method, path in admin_paths(target.id):
        response = client.open(path, method=method, data={"name": "Changed", "role": "admin", "email": "x@example.org"})
        assert response.status_code == 403, f"{method} {path}: {response.status_code}"
    after = reload(target.id)
    assert after.active and after.name != "Changed" and [role.name for role in after.roles] == ["governor"]
    assert len(events("user-deactivated")) + len(events("password-link-made")) == events_before
    assert user_count() == 2


def test_someone_signed_out_is_sent_to_sign_in(make, new_client, sites):
    target = make.user("governor", sites=(sites[0],))
    anonymous = new_client()
    for method, path in admin_paths(target.id):
        response = anonymous.open(path, method=method)
        assert sent_to_sign_in(response), f"{method} {path}: {response.status_code}"
    assert reload(target.id).active


@pytest.mark.parametrize("user_id", ["999999", "0", str(2**31 - 1), str(2**31), str(2**63), str(2**64)])
def test_unknown_and_out_of_range_user_ids_get_404(admin_client, user_id):
    for suffix in ("", "/change", "/deactivate", "/reset-two-factor", "/sign-out-everywhere", "/password-link"):
        response = admin_client.get(f"/admin/users/{user_id}{suffix}")
        assert response.status_code == 404, f"{user_id}{suffix}: {response.status_code}"
    for suffix in ("/deactivate", "/reactivate", "/sign-out-everywhere", "/password-link"):
        assert admin_client.post(f"/admin/users/{user_id}{suffix}").status_code == 404


# -- adding a person -------------------------------------------------------------------------------------


def add(client: IsolatedClient, **fields: Any) -> Any:
    return client.post("/admin/users/new", data=fields)


def test_adding_a_governor_links_the_sites_and_gives_a_link_to_choose_a_password(admin, admin_client, sites):
    form = admin_client.get("/admin/users/new")
    assert form.status_code == 200 and h1(page(form)) == "Add a user"
    radios = page(form).find_all("input", attrs={"name": "role"})
    assert [radio["value"] for radio in radios] == ["governor", "inspector", "commissioner", "admin"]
    assert "Completes self-assessments" in text_of(main(page(form)))  # the roles' hints

    response = add(
        admin_client, email=" Gina@Example.ORG ", name="Gina Governor", role="governor", sites="gov-a,\nGOV-B"
    )
    assert response.status_code == 200
    soup = page(response)
    assert h1(soup) == "User added"
    assert "Give Gina Governor this link to choose a password" in text_of(main(soup))
    assert "72 hours" in text_of(main(soup))
    path = link_on(response)
    assert path.startswith("/choose-password/")

    user = by_email("gina@example.org")
    assert user is not None
    assert user.name == "Gina Governor" and user.password is None and user.active
    assert [role.name for role in user.roles] == ["governor"]
    assert sorted(site.code for site in user.sites) == ["GOV-A", "GOV-B"]
    created = events("user-created")[-1]
    assert created.object_id == "gina@example.org" and created.user_id == admin.id
    assert created.after["sites"] == ["GOV-A", "GOV-B"] and created.after["roles"] == ["governor"]
    made = events("password-link-made")[-1]
    assert made.object_id == "gina@example.org" and made.user_id == admin.id
    token = path.rsplit("/", 1)[1]
    for event in events("user-created") + events("password-link-made"):
        assert token not in repr((event.actor, event.object_id, event.before, event.after))
    # Only the token's hash is stored.
    stored = db.session.scalars(select(PasswordLink.token_hash)).all()
    assert token not in stored and len(stored) == 1 and len(stored[0]) == 64


def test_adding_an_inspector_with_a_remit(admin_client):
    response = add(
        admin_client,
        email="ivan@example.org",
        name="Ivan Inspector",
        role="inspector",
        remit=["prison:England", "prison:Wales", "probation:Scotland"],
        sites="GOV-A",  # ignored: only a governor has sites
    )
    assert response.status_code == 200, error_summary(page(response))
    user = by_email("ivan@example.org")
    assert user is not None and [role.name for role in user.roles] == ["inspector"]
    assert sorted((remit.kind, remit.nation) for remit in user.remits) == [
        ("prison", "England"), ("prison", "Wales"), ("probation", "Scotland"),
    ]  # fmt: skip
    assert user.sites == []
    listed = rows(admin_client.get("/admin/users?q=ivan"))["Ivan Inspector"]
    assert listed[3] == "Prisons in England and Wales Probation services in Scotland"


def test_adding_a_commissioner_with_areas_and_an_admin(admin_client, sites):
    make_area("NW", "North West", (sites[0],))
    make_area("WA", "Wales", (sites[1],))
    form = page(admin_client.get("/admin/users/new"))
    assert {box["value"] for box in form.find_all("input", attrs={"name": "areas"})} == {"NW", "WA"}

    response = add(admin_client, email="cora@example.org", name="Cora Commissioner", role="commissioner", areas=["WA"])
    assert response.status_code == 200, error_summary(page(response))
    user = by_email("cora@example.org")
    assert user is not None and [area.code for area in user.areas] == ["WA"]

    response = add(admin_client, email="adam@example.org", name="Adam Admin", role="admin")
    assert response.status_code == 200
    user = by_email("adam@example.org")
    assert user is not None and [role.name for role in user.roles] == ["admin"]
    made = [event.object_id for event in events("user-created") if event.user_id is not None]
    assert made == ["cora@example.org", "adam@example.org"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter an email address in the correct format, like name@example.org"),
        ({"email": ""}, "email", "Enter the person's email address"),
        ({"email": "alice.admin@example.org"}, "email", "There is already an account with this email address"),
        ({"email": "ALICE.ADMIN@example.org "}, "email", "There is already an account with this email address"),
        ({"name": "  "}, "name", "Enter the person's full name"),
        ({"role": ""}, "role", "Select the person's role"),
        ({"role": "superuser"}, "role", "Select the person's role"),
        ({"sites": "GOV-A, NOPE"}, "sites", "There is no site with the code ‘NOPE’"),
        ({"sites": "NOPE\nZILCH"}, "sites", "There are no sites with the codes ‘NOPE’ and ‘ZILCH’"),
        ({"sites": "  "}, "sites", "Enter the code of at least one site the governor is linked to"),
        ({"sites": "GOV A!"}, "sites", "‘A!’ is not a site code: a code is 2 to 20 letters, digits or hyphens"),
        ({"role": "inspector"}, "remit", "Select at least one kind of site and nation the inspector covers"),
        ({"role": "inspector", "remit": "prison:Mars"}, "remit", "Select kinds of site and nations from the list"),
        (
            {"role": "commissioner"},
            "areas",
            "There are no areas yet: import the areas file first, then add the commissioner",
        ),
    ],
)
def test_adding_refuses_what_is_wrong_with_a_specific_error_and_saves_nothing(
    admin, admin_client, sites, fields, field, message
):
    data = {"email": "new@example.org", "name": "New Person", "role": "governor", "sites": "GOV-A", **fields}
    before = user_count()
    response = admin_client.post("/admin/users/new", data=data)
    assert response.status_code == 200
    soup = page(response)
    assert error_summary(soup) == [(f"#{field}", message)]
    if soup.find(attrs={"name": field}) is not None:
        assert inline_error(soup, field) == f"Error: {message}"
    else:  # no areas to choose from: the message is where the boxes would be
        assert text_of(soup.select_one(f"#{field} .govuk-error-message")) == f"Error: {message}"
    assert soup.title is not None and soup.title.get_text().startswith("Error: ")
    assert user_count() == before
    assert [event for event in events("user-created") if event.user_id == admin.id] == []
    assert events("password-link-made") == []
    # What was typed is kept.
    if field != "email" and data["email"]:
        assert soup.find("input", attrs={"name": "email"})["value"] == data["email"]


def test_the_error_summary_lists_the_problems_in_the_order_of_the_page(admin_client, sites):
    response = add(admin_client, email="nope", name="", role="governor", sites="NOPE")
    assert [href for href, _ in error_summary(page(response))] == ["#email", "#name", "#sites"]


def test_a_commissioner_needs_an_area_once_there_are_some(admin_client, sites):
    make_area("NW", "North West", (sites[0],))
    response = add(admin_client, email="cora@example.org", name="Cora", role="commissioner")
    assert error_summary(page(response)) == [("#areas", "Select at least one area the commissioner covers")]
    response = add(admin_client, email="cora@example.org", name="Cora", role="commissioner", areas=["XX"])
    assert error_summary(page(response)) == [("#areas", "Select areas from the list")]
    assert by_email("cora@example.org") is None


def test_an_account_with_no_password_cannot_sign_in(admin_client, new_client, sites):
    add(admin_client, email="gina@example.org", name="Gina", role="governor", sites="GOV-A")
    for password in ("", "None", PASSWORD):
        response = new_client().post("/sign-in", data={"email": "gina@example.org", "password": password})
        assert response.status_code in (200, 400), response.status_code
        assert not sent_to_sign_in(response) and response.status_code != 302


# -- one person's page -----------------------------------------------------------------------------------


def test_a_persons_page_summarises_the_account_and_offers_the_actions(make, admin_client, sites):
    gina = make.user("governor", sites=sites, email="gina@example.org", name="Gina Governor")
    response = admin_client.get(f"/admin/users/{gina.id}")
    assert response.status_code == 200
    soup = page(response)
    assert h1(soup) == "Gina Governor"
    summary = {
        text_of(row.select_one(".govuk-summary-list__key")): text_of(row.select_one(".govuk-summary-list__value"))
        for row in soup.select(".govuk-summary-list__row")
    }
    assert summary["Email address"] == "gina@example.org"
    assert summary["Role"] == "Governor"
    assert summary["Linked to"] == "HMP Alpha (GOV-A) HMP Bravo (GOV-B)"
    assert summary["Two-factor sign-in"] == "Not set up"
    assert summary["Status"] == "Active"
    hrefs = {link["href"] for link in main(soup).find_all("a")}
    assert {
        f"/admin/users/{gina.id}/change",
        f"/admin/users/{gina.id}/password-link",
        f"/admin/users/{gina.id}/sign-out-everywhere",
        f"/admin/users/{gina.id}/deactivate",
    } <= hrefs


# -- deactivate and reactivate ---------------------------------------------------------------------------


def test_deactivating_signs_the_person_out_and_stops_them_signing_in_and_reactivating_undoes_it(
    make, admin, admin_client, new_client, sites
):
    gina = make.user("governor", sites=(sites[0],), email="gina@example.org", name="Gina Governor")
    theirs = sign_in(new_client(), gina)
    assert signed_in(theirs)

    confirm = admin_client.get(f"/admin/users/{gina.id}/deactivate")
    assert confirm.status_code == 200 and h1(page(confirm)) == "Deactivate Gina Governor's account"
    assert page(confirm).find("form", attrs={"method": "post"}) is not None
    assert reload(gina.id).active  # the confirmation page itself changes nothing

    done = admin_client.post(f"/admin/users/{gina.id}/deactivate")
    assert done.status_code == 302 and location(done) == f"/admin/users/{gina.id}"
    assert "has been deactivated" in text_of(page(admin_client.get(location(done))))
    assert not reload(gina.id).active
    assert sent_to_sign_in(theirs.get("/sites"))  # signed out on their next request
    again = new_client().post("/sign-in", data={"email": gina.email, "password": PASSWORD})
    assert again.status_code == 200  # cannot sign in
    [event] = events("user-deactivated")
    assert (event.object_id, event.user_id) == ("gina@example.org", admin.id)
    assert rows(admin_client.get("/admin/users?q=gina"))["Gina Governor"][5] == "Deactivated"

    back = admin_client.post(f"/admin/users/{gina.id}/reactivate")
    assert back.status_code == 302
    assert reload(gina.id).active
    [event] = events("user-reactivated")
    assert (event.object_id, event.user_id) == ("gina@example.org", admin.id)
    assert signed_in(sign_in(new_client(), gina))


def test_an_admin_cannot_deactivate_themself_or_reset_their_own_two_factor_and_is_told_why(admin, admin_client):
    for suffix, why in (
        ("deactivate", "You cannot deactivate your own account"),
        ("reset-two-factor", "You cannot reset your own two-factor sign-in here"),
    ):
        for method in ("GET", "POST"):
            response = admin_client.open(f"/admin/users/{admin.id}/{suffix}", method=method)
            assert response.status_code == 403, (suffix, method)
            soup = page(response)
            assert error_summary(soup)[0][1].startswith(why)
            assert soup.find("button", string=re.compile("Deactivate|Reset")) is None
    after = reload(admin.id)
    assert after.active and after.has_two_factor
    assert events("user-deactivated") == [] and events("two-factor-reset") == []
    # Their own page says why instead of offering the buttons.
    own = text_of(main(page(admin_client.get(f"/admin/users/{admin.id}"))))
    assert "You cannot deactivate your own account" in own
    assert "You cannot reset your own two-factor sign-in here" in own
    assert admin_client.get("/admin/users").status_code == 200


# -- sign out everywhere, reset two-factor --------------------------------------------------------------


def test_sign_out_everywhere_ends_every_session_of_the_person(make, admin, admin_client, new_client, sites):
    gina = make.user("governor", sites=(sites[0],), email="gina@example.org", name="Gina Governor")
    first, second = sign_in(new_client(), gina), sign_in(new_client(), gina)
    assert signed_in(first) and signed_in(second)
    confirm = admin_client.get(f"/admin/users/{gina.id}/sign-out-everywhere")
    assert confirm.status_code == 200 and h1(page(confirm)) == "Sign Gina Governor out everywhere"
    assert signed_in(first)

    done = admin_client.post(f"/admin/users/{gina.id}/sign-out-everywhere")
    assert done.status_code == 302
    assert sent_to_sign_in(first.get("/sites")) and sent_to_sign_in(second.get("/sites"))
    assert reload(gina.id).active  # they can sign in again
    assert signed_in(sign_in(new_client(), gina))
    [event] = events("signed-out-everywhere")
    assert (event.object_id, event.user_id) == ("gina@example.org", admin.id)


def test_resetting_two_factor_clears_it_ends_sessions_and_is_audited(make, admin, admin_client, new_client, sites):
    from assess.data.two_factor import set_up_two_factor

    gina = make.user("governor", sites=(sites[0],), email="gina@example.org", name="Gina Governor")
    theirs = sign_in(new_client(), gina)
    set_up_two_factor(reload(gina.id), "any-secret", 7, ["hash-1", "hash-2"], None)
    db.session.commit()
    assert reload(gina.id).has_two_factor
    page_text = text_of(main(page(admin_client.get(f"/admin/users/{gina.id}"))))
    assert "Reset two-factor sign-in" in page_text

    confirm = admin_client.get(f"/admin/users/{gina.id}/reset-two-factor")
    assert confirm.status_code == 200 and reload(gina.id).has_two_factor
    done = admin_client.post(f"/admin/users/{gina.id}/reset-two-factor")
    assert done.status_code == 302

    after = reload(gina.id)
    assert (after.tf_totp_secret, after.tf_last_counter, after.tf_recovery_codes, after.tf_set_up_at) == (
        None, None, None, None,
    )  # fmt: skip
    [event] = events("two-factor-reset")
    assert (event.object_id, event.user_id, event.before, event.after) == (
        "gina@example.org", admin.id, {"set_up": True}, {"set_up": False},
    )  # fmt: skip
    assert sent_to_sign_in(theirs.get("/sites"))
    # With nothing set up, there is nothing to reset (and no event).
    nothing = admin_client.post(f"/admin/users/{gina.id}/reset-two-factor")
    assert nothing.status_code == 302 and len(events("two-factor-reset")) == 1


# -- changing what a person is linked to ------------------------------------------------------------------


def change_form(client: IsolatedClient, user_id: int) -> dict[str, Any]:
    """What the change page sends as it is shown (text, hidden fields, checked radios and boxes)."""
    soup = page(client.get(f"/admin/users/{user_id}/change"))
    form = soup.select_one("main form[method=post]")
    assert form is not None
    data: dict[str, Any] = {}
    for field in form.find_all(["input", "textarea"]):
        name = field.get("name")
        if not name:
            continue
        if field.name == "textarea":
            data[name] = field.get_text().lstrip("\n")
        elif field.get("type") in ("radio", "checkbox"):
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field["value"])
        else:
            data[name] = field.get("value", "")
    return data


def test_changing_a_persons_role_and_links_saves_them_and_is_audited(make, admin, admin_client, sites):
    gina = make.user("governor", sites=(sites[0],), email="gina@example.org", name="Gina Governor")
    data = change_form(admin_client, gina.id)
    assert data["role"] == ["governor"] and data["sites"].strip() == "GOV-A" and data["name"] == "Gina Governor"
    assert data["fingerprint"]

    data.update(name="Gina Inspector", role="inspector", remit=["probation:Wales"])
    response = admin_client.post(f"/admin/users/{gina.id}/change", data=data)
    assert response.status_code == 302 and location(response) == f"/admin/users/{gina.id}"
    after = reload(gina.id)
    assert after.name == "Gina Inspector" and [role.name for role in after.roles] == ["inspector"]
    assert [(remit.kind, remit.nation) for remit in after.remits] == [("probation", "Wales")]
    assert after.sites == []
    [event] = [event for event in events("user-changed") if event.user_id == admin.id]
    assert event.before == {"name": "Gina Governor", "roles": ["governor"], "sites": ["GOV-A"], "remit": []}
    assert event.after == {"name": "Gina Inspector", "roles": ["inspector"], "sites": [], "remit": ["probation:Wales"]}

    # Errors are shown like the add page's.
    data = change_form(admin_client, gina.id)
    data.update(role="governor", sites="GOV-A, NOPE")
    refused = admin_client.post(f"/admin/users/{gina.id}/change", data=data)
    assert refused.status_code == 200
    assert error_summary(page(refused)) == [("#sites", "There is no site with the code ‘NOPE’")]
    assert [role.name for role in reload(gina.id).roles] == ["inspector"]


def test_a_change_saved_from_a_page_opened_before_a_colleagues_change_is_refused_with_theirs_shown(
    make, admin, admin_client, client_as, sites
):
    gina = make.user("governor", sites=(sites[0],), email="gina@example.org", name="Gina Governor")
    colleague = client_as(make.user("admin", email="bob.admin@example.org", name="Bob Admin"))
    mine = change_form(admin_client, gina.id)
    theirs = change_form(colleague, gina.id)

    theirs.update(sites="GOV-A\nGOV-B")
    assert colleague.post(f"/admin/users/{gina.id}/change", data=theirs).status_code == 302

    mine.update(name="Gina G. Governor", sites="GOV-B")
    response = admin_client.post(f"/admin/users/{gina.id}/change", data=mine)
    assert response.status_code == 409
    soup = page(response)
    assert error_summary(soup)[0][0] == "#conflict"
    assert "A colleague changed this account" in error_summary(soup)[0][1]
    assert soup.title is not None and soup.title.get_text().startswith("Error: ")
    # The account as it is now (the colleague's sites) is shown, and what I chose is kept in the form.
    assert "HMP Bravo (GOV-B)" in text_of(soup.select_one("#conflict")) and "HMP Alpha" in text_of(
        soup.select_one("#conflict")
    )
    assert soup.find("input", attrs={"name": "name"})["value"] == "Gina G. Governor"
    assert soup.find("textarea", attrs={"name": "sites"}).get_text().strip() == "GOV-B"
    after = reload(gina.id)
    assert after.name == "Gina Governor" and sorted(site.code for site in after.sites) == ["GOV-A", "GOV-B"]
    assert len(events("user-changed")) == 1  # the colleague's only

    # Saving again, having seen theirs, keeps mine.
    resent = {**mine, "fingerprint": soup.find("input", attrs={"name": "fingerprint"})["value"]}
    assert admin_client.post(f"/admin/users/{gina.id}/change", data=resent).status_code == 302
    after = reload(gina.id)
    assert after.name == "Gina G. Governor" and [site.code for site in after.sites] == ["GOV-B"]


def test_an_admin_cannot_take_away_their_own_admin_role(admin, admin_client, sites):
    data = change_form(admin_client, admin.id)
    data.update(role="governor", sites="GOV-A")
    response = admin_client.post(f"/admin/users/{admin.id}/change", data=data)
    assert response.status_code == 403
    assert error_summary(page(response))[0][0] == "#role"
    assert [role.name for role in reload(admin.id).roles] == ["admin"]


# -- one-time links --------------------------------------------------------------------------------------


def test_a_new_link_is_shown_once_and_replaces_the_earlier_one(make, admin, admin_client, new_client, sites):
    gina = make.user("governor", sites=(sites[0],), email="gina@example.org", name="Gina Governor")
    confirm = admin_client.get(f"/admin/users/{gina.id}/password-link")
    assert confirm.status_code == 200 and "Make a link" in h1(page(confirm))
    first = link_on(admin_client.post(f"/admin/users/{gina.id}/password-link"))
    # The person's page says a link is waiting, and never shows it again.
    person = admin_client.get(f"/admin/users/{gina.id}")
    assert "waiting to be used" in text_of(main(page(person)))
    assert first not in person.get_data(as_text=True)
    assert "A new link replaces it" in text_of(main(page(admin_client.get(f"/admin/users/{gina.id}/password-link"))))

    second = link_on(admin_client.post(f"/admin/users/{gina.id}/password-link"))
    assert second != first
    assert new_client().get(first).status_code == 410
    assert new_client().get(second).status_code == 303  # on to the plain /choose-password, which has the form
    made = events("password-link-made")
    assert len(made) == 2 and made[1].after["earlier links replaced"] == 1
    for event in made:
        assert first.rsplit("/", 1)[1] not in repr(event.after) and second.rsplit("/", 1)[1] not in repr(event.after)


def test_no_link_for_a_deactivated_account(make, admin_client, sites):
    from assess.data.users import deactivate_user

    gina = make.user("governor", sites=(sites[0],), email="gina@example.org", name="Gina Governor")
    deactivate_user(gina, None)
    db.session.commit()
    response = admin_client.post(f"/admin/users/{gina.id}/password-link")
    assert response.status_code == 409
    assert "reactivate it first" in error_summary(page(response))[0][1]
    assert events("password-link-made") == []


def test_with_csrf_on_every_action_needs_the_token(app_ctx, make, admin_client, sites):
    gina = make.user("governor", sites=(sites[0],), email="gina@example.org", name="Gina Governor")
    app_ctx.config["WTF_CSRF_ENABLED"] = True
    try:
        for suffix in ("deactivate", "sign-out-everywhere", "password-link", "change"):
            response = admin_client.post(f"/admin/users/{gina.id}/{suffix}", data={"name": "X", "role": "admin"})
            assert response.status_code == 400, suffix
        assert admin_client.post("/admin/users/new", data={"email": "n@example.org"}).status_code == 400
        # With the page's token, it goes through.
        token = page(admin_client.get(f"/admin/users/{gina.id}/deactivate")).find("input", attrs={"name": "csrf_token"})
        assert token is not None
        done = admin_client.post(f"/admin/users/{gina.id}/deactivate", data={"csrf_token": token["value"]})
        assert done.status_code == 302
    finally:
        app_ctx.config["WTF_CSRF_ENABLED"] = False
    assert not reload(gina.id).active
    assert len(events("user-deactivated")) == 1 and events("password-link-made") == []
