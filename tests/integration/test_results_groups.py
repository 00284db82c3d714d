"""The peer group asked for in the results page's address (issue 13, one of its smaller things): a group that is
not shown, or that does not exist, is named in an error summary with what is shown instead, never swapped
silently."""

from __future__ import annotations

from tests.integration.helpers import error_summary, page


def test_an_unknown_or_hidden_group_in_the_address_is_named_and_the_shown_group_said(make, client_as):
    governor = make.user("governor", sites=(), email="peers@example.org")
    own = make.site(code="OWN-1", name="HMP Own", region="North West")
    for number in range(6):
        peer = make.site(code=f"PEER-{number}", name=f"HMP Peer {number}", region="South West")
        make.submitted(peer, governor, "2025-26", choice=str(1 + number % 4))
    owner = make.user("governor", sites=(own,), email="own@example.org")
    assessment = make.submitted(own, owner, "2025-26", choice="3")
    client = client_as(owner)
    base = f"/assessments/{assessment.id}/results"

    shown = client.get(f"{base}?group=national")
    assert shown.status_code == 200 and error_summary(page(shown)) == []

    unknown = client.get(f"{base}?group=atlantis")
    assert unknown.status_code == 200
    soup = page(unknown)
    assert soup.title.string.startswith("Error: ")
    [(href, message)] = error_summary(soup)
    assert href == "#group"
    assert message.startswith("There is no peer group ‘atlantis’ for this assessment, so the comparison shows ")
    assert soup.find("input", attrs={"name": "group", "checked": True}) is not None

    hidden = client.get(f"{base}?group=region")  # no other site in the North West: not shown
    [(_, message)] = error_summary(page(hidden))
    assert "is not shown for this assessment (see Groups not shown), so the comparison shows" in message
