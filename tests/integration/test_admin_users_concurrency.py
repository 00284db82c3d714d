"""Two administrators removing each other at the same moment (issue 14, item 8), against the real threaded
server (tests/integration/test_concurrency.py's `live` fixture, `Browser` and `together`; its own server and
database, SQLite by default, PostgreSQL with ASSESS_TEST_DB=postgresql).

Each round makes two new administrators (every earlier one deactivated first, so these two are the only active
ones), signs each in through the real form (setting up two-factor sign-in, as at a first sign-in), and sends
"deactivate the other" from both at one moment. Whichever wins, at least one active administrator is left,
and what each was told agrees with the database: the winner's page says it was done; the other is refused
(409, the GOV.UK error) or, when the winner's change had already signed them out, sent to sign in."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from tests import two_factor
from tests.conftest import PASSWORD
from tests.integration import test_concurrency as shared
from tests.integration.test_concurrency import Browser, Live, together

live = shared.live
health = shared.health

ROUNDS = 8
REFUSED = "is the only active administrator left"


def _admin_browser(live: Live, email: str, name: str) -> Browser:
    browser = Browser(live, name)
    form = browser.get("/sign-in")
    reply = browser.post("/sign-in", {"email": email, "password": PASSWORD, "csrf_token": form.hidden("csrf_token")})
    assert reply.status == 302 and reply.location == "/sign-in/set-up-two-factor", reply.describe()
    set_up = browser.get("/sign-in/set-up-two-factor")
    key = set_up.soup.select_one("#two-factor-key")
    assert key is not None, set_up.describe()
    two_factor.KEYS[email] = key.get_text(strip=True)
    done = browser.post(
        "/sign-in/set-up-two-factor", {"code": two_factor.code_for(email), "csrf_token": set_up.hidden("csrf_token")}
    )
    if "Save your recovery codes" not in done.body:
        # The code (the previous time step's) can fall out of the accepted window when a step ends between
        # making it and the server checking it: the page asks again, and the next step's code is taken.
        done = browser.post(
            "/sign-in/set-up-two-factor", {"code": two_factor.code_for(email), "csrf_token": done.hidden("csrf_token")}
        )
    assert done.status == 200 and "Save your recovery codes" in done.body, (done.describe(), done.soup.title)
    listed = browser.get("/admin/users")
    assert listed.status == 200, (listed.describe(), done.describe())
    return browser


def _new_pair(live: Live, number: int) -> list[tuple[int, str]]:
    """Two new admins, the only active ones."""
    from assess.data.users import create_or_update_user, deactivate_user
    from assess.extensions import db
    from assess.models import User

    with live.app.app_context():
        for user in db.session.scalars(select(User)):
            if user.active and "admin" in [role.name for role in user.roles]:
                deactivate_user(user, None)
        made = []
        for letter in "ab":
            email = f"admin{letter}{number}@example.org"
            user = create_or_update_user(email, f"Admin {letter.upper()}{number}", "admin", PASSWORD, [])
            made.append((user.id, email))
        db.session.commit()
    return made


def _active_admins(live: Live) -> list[str]:
    from assess.extensions import db
    from assess.models import User

    with live.app.app_context():
        db.session.remove()
        return sorted(
            user.email
            for user in db.session.scalars(select(User).where(User.active.is_(True)))
            if "admin" in [role.name for role in user.roles]
        )


@pytest.mark.usefixtures("health")
def test_two_admins_deactivating_each_other_at_one_moment_leave_one_active(live: Live) -> None:
    outcomes: Counter[str] = Counter()
    overlapping = 0
    for number in range(ROUNDS):
        (a_id, a_email), (b_id, b_email) = _new_pair(live, number)
        first, second = _admin_browser(live, a_email, "A"), _admin_browser(live, b_email, "B")
        a_form = first.get(f"/admin/users/{b_id}/deactivate")
        b_form = second.get(f"/admin/users/{a_id}/deactivate")
        replies = together(
            live,
            first.prepare("POST", f"/admin/users/{b_id}/deactivate", {"csrf_token": a_form.hidden("csrf_token")}),
            second.prepare("POST", f"/admin/users/{a_id}/deactivate", {"csrf_token": b_form.hidden("csrf_token")}),
        )
        overlapping += live.observed.overlapped(*replies)
        left = _active_admins(live)
        assert len(left) == 1, (left, [reply.describe() for reply in replies])
        done = [reply for reply in replies if reply.status == 302 and reply.location.startswith("/admin/users/")]
        assert len(done) == 1, [reply.describe() for reply in replies]
        winner = done[0]
        assert left == [a_email if winner.who == "A" else b_email]
        [other] = [reply for reply in replies if reply is not winner]
        if other.status == 409:
            assert REFUSED in other.body, other.describe()
            outcomes["refused"] += 1
        else:
            assert other.status == 302 and other.location.startswith("/sign-in"), other.describe()
            outcomes["signed out first"] += 1
    print(f"\nadmins deactivating each other: {dict(outcomes)}, overlapping pairs: {overlapping}/{ROUNDS}")
    assert overlapping >= 1, "no pair was handled at the same moment"
    assert outcomes["refused"] >= 1, outcomes


def _change_fields(browser: Browser, user_id: int, site_code: str) -> dict[str, str]:
    """The change page's form as shown, with the role set to governor of one site."""
    reply = browser.get(f"/admin/users/{user_id}/change")
    assert reply.status == 200, reply.describe()
    form = reply.soup.select_one("main form[method=post]")
    assert form is not None
    fields: dict[str, str] = {}
    for field in form.find_all(["input", "textarea"]):
        name = field.get("name")
        if not name or (field.get("type") in ("radio", "checkbox") and not field.has_attr("checked")):
            continue
        fields[str(name)] = field.get_text().lstrip("\n") if field.name == "textarea" else str(field.get("value", ""))
    fields.update(role="governor", sites=site_code)
    return fields


@pytest.mark.usefixtures("health")
def test_two_admins_taking_each_others_admin_role_at_one_moment_leave_one_admin(live: Live) -> None:
    outcomes: Counter[str] = Counter()
    overlapping = 0
    site_code = live.site_codes[-1]
    for number in range(ROUNDS):
        (a_id, a_email), (b_id, b_email) = _new_pair(live, 100 + number)
        first, second = _admin_browser(live, a_email, "A"), _admin_browser(live, b_email, "B")
        replies = together(
            live,
            first.prepare("POST", f"/admin/users/{b_id}/change", _change_fields(first, b_id, site_code)),
            second.prepare("POST", f"/admin/users/{a_id}/change", _change_fields(second, a_id, site_code)),
        )
        overlapping += live.observed.overlapped(*replies)
        left = _active_admins(live)
        assert len(left) == 1, (left, [reply.describe() for reply in replies])
        done = [reply for reply in replies if reply.status == 302]
        assert len(done) == 1, [reply.describe() for reply in replies]
        assert left == [a_email if done[0].who == "A" else b_email]
        [other] = [reply for reply in replies if reply is not done[0]]
        if other.status == 409:
            assert REFUSED in other.body, other.describe()
            outcomes["refused"] += 1
        else:
            assert other.status == 403, other.describe()  # no longer an admin when their request began
            outcomes["no longer an admin"] += 1
    print(f"\nadmins taking each other's role: {dict(outcomes)}, overlapping pairs: {overlapping}/{ROUNDS}")
    assert overlapping >= 1, "no pair was handled at the same moment"
    assert outcomes["refused"] >= 1, outcomes
