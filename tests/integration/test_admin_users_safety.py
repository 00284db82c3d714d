"""The admin's user pages under a security review (issue 14, item 8): there is always an active administrator
(two admins removing each other at the same moment cannot leave none), a change saved from a page that showed
an older version of the account is refused with a 409 on both databases (a conditional UPDATE on
users.version, since SQLite takes no row lock), and a person with several roles is told that saving sets
exactly the one chosen.

The moment a colleague's change lands is placed inside the request: a wrapper around a data function first
commits the colleague's change on a connection of its own, as their simultaneous request would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select, update

from assess.data import admin_users
from assess.extensions import db
from assess.models import User
from tests.conftest import Factory
from tests.integration.helpers import IsolatedClient, error_summary, inline_error, location, main, page, text_of
from tests.integration.test_admin_users import change_form, events, reload


@pytest.fixture()
def alice(make: Factory) -> Any:
    return make.user("admin", email="alice.admin@example.org", name="Alice Admin")


@pytest.fixture()
def bob(make: Factory) -> Any:
    return make.user("admin", email="bob.admin@example.org", name="Bob Admin")


@pytest.fixture()
def alice_client(client_as: Callable[[Any], IsolatedClient], alice: Any) -> IsolatedClient:
    return client_as(alice)


def committed_elsewhere(*changes: Any) -> None:
    """Run these UPDATEs on a connection of their own and commit them: a colleague's request."""
    with db.engine.begin() as connection:
        for change in changes:
            connection.execute(change)


def active_admins() -> list[str]:
    db.session.rollback()
    return sorted(
        user.email
        for user in db.session.scalars(select(User).where(User.active.is_(True)))
        if "admin" in [role.name for role in user.roles]
    )


@pytest.fixture()
def colleague_deactivates_alice_first(monkeypatch: pytest.MonkeyPatch, alice: Any) -> Iterator[None]:
    """Just before Alice's request locks the active admins, Bob's request (deactivating Alice) commits."""
    real = admin_users.lock_active_admins
    done: list[bool] = []

    def colleague_first() -> list[int]:
        if not done:
            done.append(True)
            committed_elsewhere(update(User).where(User.id == alice.id).values(active=False))
        return real()

    monkeypatch.setattr(admin_users, "lock_active_admins", colleague_first)
    yield


# -- always an active administrator ----------------------------------------------------------------------


def test_an_admin_can_deactivate_another_while_one_is_left(alice, bob, alice_client):
    assert alice_client.post(f"/admin/users/{bob.id}/deactivate").status_code == 302
    assert active_admins() == ["alice.admin@example.org"]


def test_the_last_other_active_admin_cannot_be_deactivated(alice, bob, alice_client, colleague_deactivates_alice_first):
    response = alice_client.post(f"/admin/users/{bob.id}/deactivate")
    assert response.status_code == 409
    soup = page(response)
    [(href, message)] = error_summary(soup)
    assert href == "#refused" and message.startswith("Bob Admin is the only active administrator left")
    assert soup.title is not None and soup.title.get_text().startswith("Error: ")
    assert reload(bob.id).active and active_admins() == ["bob.admin@example.org"]
    assert [event for event in events("user-deactivated") if event.object_id == bob.email] == []


def test_the_last_other_active_admin_cannot_lose_the_admin_role(
    alice, bob, alice_client, make, colleague_deactivates_alice_first
):
    make.site(code="GOV-A", name="HMP Alpha")
    data = change_form(alice_client, bob.id)
    data.update(role="governor", sites="GOV-A")
    response = alice_client.post(f"/admin/users/{bob.id}/change", data=data)
    assert response.status_code == 409
    soup = page(response)
    assert error_summary(soup)[0][0] == "#role"
    assert error_summary(soup)[0][1].startswith("Bob Admin is the only active administrator left")
    assert (inline_error(soup, "role") or "").startswith("Error: Bob Admin is the only active administrator")
    assert [role.name for role in reload(bob.id).roles] == ["admin"] and events("user-changed") == []


@pytest.mark.parametrize("action", ["deactivate", "change"])
def test_the_count_after_the_change_refuses_when_none_is_left(alice, bob, alice_client, make, monkeypatch, action):
    """The lock's answer was taken before the colleague's change landed (as on SQLite, which takes no row
    lock): the change is made, counted again in the same transaction, and refused, nothing of it kept."""
    make.site(code="GOV-A", name="HMP Alpha")
    data = change_form(alice_client, bob.id) if action == "change" else {}
    real = admin_users.lock_active_admins
    landed: list[bool] = []

    def stale_answer() -> list[int]:
        if not landed:
            landed.append(True)
            committed_elsewhere(update(User).where(User.id == alice.id).values(active=False))
        real()  # takes the locks (PostgreSQL) as the real one does: on Bob only now
        return sorted([alice.id, bob.id])  # but answers as before the colleague's change landed

    monkeypatch.setattr(admin_users, "lock_active_admins", stale_answer)
    if action == "deactivate":
        response = alice_client.post(f"/admin/users/{bob.id}/deactivate")
        assert response.status_code == 409
        assert error_summary(page(response))[0][1].startswith("Bob Admin is the only active administrator left")
    else:
        data.update(role="governor", sites="GOV-A")
        response = alice_client.post(f"/admin/users/{bob.id}/change", data=data)
        assert response.status_code == 409
        assert error_summary(page(response))[0][0] == "#role"
    after = reload(bob.id)
    assert after.active and [role.name for role in after.roles] == ["admin"]
    assert active_admins() == ["bob.admin@example.org"]
    assert events("user-deactivated") == [] and events("user-changed") == []


def test_in_the_data_layer_no_change_leaves_no_active_admin(app_ctx, alice, bob):
    from assess.data.users import deactivate_user

    deactivate_user(reload(alice.id), None)
    db.session.commit()
    person = reload(bob.id)
    with pytest.raises(admin_users.NoAdminLeft):
        admin_users.deactivate_keeping_an_admin(person, None)
    with pytest.raises(admin_users.NoAdminLeft):
        admin_users.change_user_links(person, "Bob Admin", "governor", None)
    db.session.commit()  # nothing of either was kept, even committed
    after = reload(bob.id)
    assert after.active and [role.name for role in after.roles] == ["admin"]
    assert admin_users.count_active_admins() == 1
    # Another active admin: then it may.
    admin_users.reactivate_user(reload(alice.id), None)
    db.session.commit()
    admin_users.deactivate_keeping_an_admin(reload(bob.id), None)
    db.session.commit()
    assert active_admins() == ["alice.admin@example.org"]


# -- versions: no silent overwrite -------------------------------------------------------------------------


def test_a_change_from_a_page_showing_an_older_version_gets_the_409(alice, alice_client, make):
    """The account's content is as the page showed it (so a comparison of content alone would pass), but its
    version moved on: a colleague's save that passed the same check at the same moment. Refused."""
    site = make.site(code="GOV-A", name="HMP Alpha")
    gina = make.user("governor", sites=(site,), email="gina@example.org", name="Gina Governor")
    mine = change_form(alice_client, gina.id)
    assert mine["fingerprint"].startswith("0.")
    committed_elsewhere(update(User).where(User.id == gina.id).values(version=User.version + 1))

    mine.update(name="Gina G. Governor")
    response = alice_client.post(f"/admin/users/{gina.id}/change", data=mine)
    assert response.status_code == 409
    soup = page(response)
    assert error_summary(soup)[0][0] == "#conflict"
    assert soup.find("input", attrs={"name": "name"})["value"] == "Gina G. Governor"  # nothing typed lost
    after = reload(gina.id)
    assert after.name == "Gina Governor" and after.version == 1 and events("user-changed") == []

    # Saving again from the page that showed version 1 works, and moves it on.
    resent = {**mine, "fingerprint": soup.find("input", attrs={"name": "fingerprint"})["value"]}
    assert resent["fingerprint"].startswith("1.")
    assert alice_client.post(f"/admin/users/{gina.id}/change", data=resent).status_code == 302
    after = reload(gina.id)
    assert after.name == "Gina G. Governor" and after.version == 2


def test_of_two_saves_that_both_passed_the_check_the_second_gets_the_409(
    alice, bob, alice_client, client_as, make, monkeypatch
):
    """SQLite ignores FOR UPDATE, so two saves can both find the page's fingerprint current: the colleague's
    save lands between this one's check and its write (placed there by a wrapper); the conditional UPDATE from
    the version this page showed finds it moved on."""
    site = make.site(code="GOV-A", name="HMP Alpha")
    gina = make.user("governor", sites=(site,), email="gina@example.org", name="Gina Governor")
    mine = change_form(alice_client, gina.id)
    if db.engine.dialect.name == "postgresql":
        # PostgreSQL's row lock already keeps the colleague out until this request ends: the colleague's save
        # is simulated by the version moving on inside this transaction, as the claim then finds it.
        real = admin_users.claim_version

        def colleague_first(user: Any, seen: int) -> None:
            db.session.execute(update(User).where(User.id == user.id).values(version=User.version + 1))
            real(user, seen)

    else:
        real = admin_users.claim_version

        def colleague_first(user: Any, seen: int) -> None:
            committed_elsewhere(update(User).where(User.id == user.id).values(version=User.version + 1, name="Theirs"))
            real(user, seen)

    monkeypatch.setattr(admin_users, "claim_version", colleague_first)
    mine.update(name="Mine")
    response = alice_client.post(f"/admin/users/{gina.id}/change", data=mine)
    assert response.status_code == 409
    assert "A colleague changed this account" in error_summary(page(response))[0][1]
    after = reload(gina.id)
    assert after.name != "Mine" and events("user-changed") == []


@pytest.mark.parametrize("action", ["deactivate", "sign-out-everywhere", "reactivate"])
def test_every_admin_action_on_an_account_moves_its_version_on(alice, alice_client, make, action):
    site = make.site(code="GOV-A", name="HMP Alpha")
    gina = make.user("governor", sites=(site,), email="gina@example.org", name="Gina Governor")
    if action == "reactivate":
        assert alice_client.post(f"/admin/users/{gina.id}/deactivate").status_code == 302
    before = reload(gina.id).version
    assert alice_client.post(f"/admin/users/{gina.id}/{action}").status_code == 302
    assert reload(gina.id).version == before + 1


@pytest.mark.parametrize("fingerprint", ["", "x", "99999999999999999999.abc", "-1." + "0" * 32, "1" * 5000, "0"])
def test_a_fingerprint_not_of_the_right_shape_is_a_409_never_a_500(alice, alice_client, make, fingerprint):
    site = make.site(code="GOV-A", name="HMP Alpha")
    gina = make.user("governor", sites=(site,), email="gina@example.org", name="Gina Governor")
    data = {**change_form(alice_client, gina.id), "fingerprint": fingerprint, "name": "Changed"}
    assert alice_client.post(f"/admin/users/{gina.id}/change", data=data).status_code == 409
    assert reload(gina.id).name == "Gina Governor"


# -- a person with several roles ---------------------------------------------------------------------------


def test_the_change_page_says_saving_sets_exactly_the_role_chosen(alice, alice_client, make):
    from assess.data.users import ensure_roles

    site = make.site(code="GOV-A", name="HMP Alpha")
    gina = make.user("governor", sites=(site,), email="gina@example.org", name="Gina Governor")
    person = reload(gina.id)
    person.roles = [*person.roles, ensure_roles()["inspector"]]
    db.session.commit()

    soup = page(alice_client.get(f"/admin/users/{gina.id}/change"))
    roles = soup.select_one("#current-roles")
    assert roles is not None
    assert "Governor, Inspector" in text_of(roles)
    assert "has 2 roles" in text_of(roles) and "only the role you choose" in text_of(roles)
    data = change_form(alice_client, gina.id)
    response = alice_client.post(f"/admin/users/{gina.id}/change", data=data)
    assert response.status_code == 302 and location(response) == f"/admin/users/{gina.id}"
    assert [role.name for role in reload(gina.id).roles] == ["governor"]
    [event] = events("user-changed")
    assert event.before == {"roles": ["governor", "inspector"]} and event.after == {"roles": ["governor"]}

    # With one role, no such warning.
    assert page(alice_client.get(f"/admin/users/{gina.id}/change")).select_one("#current-roles") is None
    assert "only the role you choose" not in text_of(main(page(alice_client.get(f"/admin/users/{gina.id}/change"))))
