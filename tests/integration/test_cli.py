"""The maintainers' commands, run through Flask's CLI runner against the suite's database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import func, select

from assess.demo import DEFAULT_DEMO_PASSWORD, DEMO_ACCOUNTS, DEMO_SITES
from assess.extensions import db
from assess.models import Assessment, QuestionnaireVersion, Site, User
from tests import two_factor
from tests.conftest import PASSWORD, ROOT, sign_in
from tests.integration.helpers import location, main, page, text_of

QUESTIONNAIRES = ROOT / "questionnaires"
SOURCE = QUESTIONNAIRES / "sui-maturity" / "1.0.yaml"
HEADER = "code,name,kind,nation,region,category,function,population_band\n"


def run(app: Any, *args: str, env: dict[str, str | None] | None = None) -> Result:
    return app.test_cli_runner().invoke(args=list(args), env=env)


def count(model: Any) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def copy_questionnaire(tmp_path: Path, change: tuple[str, str] | None = None) -> Path:
    """A copy of sui-maturity 1.0 in <tmp>/sui-maturity/1.0.yaml, with one exact text replaced."""
    target = tmp_path / "sui-maturity" / "1.0.yaml"
    target.parent.mkdir(parents=True)
    text = SOURCE.read_text(encoding="utf-8")
    if change is not None:
        old, new = change
        assert text.count(old) == 1, f"{old!r} must appear once in {SOURCE}"
        text = text.replace(old, new)
    target.write_text(text, encoding="utf-8")
    return target


# -- questionnaire validate ---------------------------------------------------------------------------

def test_questionnaire_validate_passes_for_the_published_questionnaires(app_ctx):
    result = run(app_ctx, "questionnaire", "validate", str(QUESTIONNAIRES))
    assert result.exit_code == 0, result.output
    assert "ok  sui-maturity/1.0.yaml: Service user involvement maturity self-assessment, 12 domains" in result.output


def test_questionnaire_validate_without_paths_checks_the_configured_folder(app_ctx):
    result = run(app_ctx, "questionnaire", "validate")
    assert result.exit_code == 0, result.output
    assert "ok  sui-maturity/1.0.yaml" in result.output


def test_questionnaire_validate_names_the_file_and_place_of_a_duplicate_question_id(app_ctx, tmp_path):
    # The second question of the first domain takes the id of the first.
    copy = copy_questionnaire(tmp_path, ("      - id: involvement-strategy\n", "      - id: senior-sponsor\n"))
    result = run(app_ctx, "questionnaire", "validate", str(copy))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "sui-maturity/1.0.yaml: domains[0].questions[1].id: duplicate id 'senior-sponsor'" in lines
    assert lines[-1] == "1 problem found."
    assert "ok  " not in result.stdout


def test_questionnaire_validate_refuses_changes_to_a_version_already_used(app_ctx, make, tmp_path):
    reworded = ("    title: Leadership, strategy and culture\n", "    title: Leadership and culture\n")
    first = tmp_path / "before-use"
    changed = copy_questionnaire(first, reworded)
    # Not used yet: a change is still allowed.
    assert run(app_ctx, "questionnaire", "validate", str(changed)).exit_code == 0

    site = make.site()
    make.draft(site, make.user("governor", sites=(site,)))  # records the version and its content hash
    assert count(QuestionnaireVersion) == 1

    result = run(app_ctx, "questionnaire", "validate", str(changed))
    assert result.exit_code == 1
    assert "sui-maturity/1.0.yaml: this version is already used by assessments" in result.stderr
    assert "publish a new version" in result.stderr

    # Comments and layout are not content: a copy that only adds a comment is still the same version.
    comment_only = copy_questionnaire(tmp_path / "comment",
                                      ("id: sui-maturity\n", "# a new comment\nid: sui-maturity\n"))
    assert run(app_ctx, "questionnaire", "validate", str(comment_only)).exit_code == 0


# -- users create ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("password", "reason"), [
    ("password", "Password must be at least 12 characters"),
    ("passwordpassword", None),  # long enough, easy to guess: zxcvbn gives the reason
    ("weak@example.org1", "Password not complex enough"),
])
def test_users_create_refuses_a_weak_password_with_the_reason(app_ctx, make, password, reason):
    make.site(code="GOV-A")
    result = run(app_ctx, "users", "create", "--email", "weak@example.org", "--name", "Wes Weak", "--role",
                 "governor", "--site", "GOV-A", env={"ASSESS_PASSWORD": password})
    assert result.exit_code == 2
    assert "password refused:" in result.output
    given = result.output.split("password refused:", 1)[1].strip()
    if reason is None:
        assert given and "at least 12 characters" not in given, result.output
    else:
        assert given == reason
    assert count(User) == 0


def test_users_create_makes_an_account_that_can_sign_in(app_ctx, make, new_client):
    make.site(code="GOV-A", name="HMP Alpha")
    result = run(app_ctx, "users", "create", "--email", "New.Person@Example.org", "--name", "Nia Person",
                 "--role", "governor", "--site", "gov-a", env={"ASSESS_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    assert "Saved new.person@example.org (governor, sites: GOV-A)." in result.output

    user = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
    assert user is not None and user.has_audience("governor")
    assert [site.code for site in user.sites] == ["GOV-A"]
    assert user.password != PASSWORD  # hashed

    client = sign_in(new_client(), user)
    sites = page(client.get("/sites"))
    assert "HMP Alpha" in text_of(main(sites))


def test_users_create_for_an_existing_email_updates_it_and_signs_out_its_sessions(app_ctx, make, client_as):
    site_a = make.site(code="GOV-A")
    site_b = make.site(code="GOV-B", name="HMP Beta")
    user = make.user("governor", sites=(site_a,), email="gov@example.org")
    old_session = client_as(user)
    assert old_session.get("/sites").status_code == 200

    new_password = "another-Long-passphrase-for-Gov-77"
    result = run(app_ctx, "users", "create", "--email", "gov@example.org", "--name", "Gov Renamed", "--role",
                 "governor", "--site", "GOV-B", env={"ASSESS_PASSWORD": new_password})
    assert result.exit_code == 0, result.output
    assert count(User) == 1
    db.session.expire_all()
    assert (user.name, [site.code for site in user.sites]) == ("Gov Renamed", ["GOV-B"])
    assert site_b.code == "GOV-B"

    # The old session ended with the old password.
    assert location(old_session.get("/sites")).startswith("/sign-in")
    client = old_session
    assert client.post("/sign-in", data={"email": "gov@example.org", "password": PASSWORD}).status_code == 200
    response = client.post("/sign-in", data={"email": "gov@example.org", "password": new_password})
    assert location(response) == "/sites"


def test_users_create_refuses_a_governor_without_a_site(app_ctx):
    result = run(app_ctx, "users", "create", "--email", "g@example.org", "--name", "Gil", "--role", "governor",
                 env={"ASSESS_PASSWORD": PASSWORD})
    assert result.exit_code == 2
    assert "--site: a governor must be linked to at least one site" in result.output
    assert count(User) == 0


def test_users_create_refuses_an_unknown_site_code(app_ctx, make):
    make.site(code="GOV-A")
    result = run(app_ctx, "users", "create", "--email", "g@example.org", "--name", "Gil", "--role", "governor",
                 "--site", "GOV-A", "--site", "NOPE", env={"ASSESS_PASSWORD": PASSWORD})
    assert result.exit_code == 2
    assert "--site: no site with code 'NOPE' (import sites first)" in result.output
    assert count(User) == 0


def test_users_create_without_a_site_is_fine_for_other_roles(app_ctx, new_client):
    result = run(app_ctx, "users", "create", "--email", "admin@example.org", "--name", "Ada Admin",
                 "--role", "admin", env={"ASSESS_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    client = new_client()
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert location(response) == "/sign-in/set-up-two-factor"  # an admin's first sign-in sets up a second factor
    client.post("/sign-in/set-up-two-factor", data={"code": two_factor.set_up_from_page(client, user.email)})
    assert client.get("/admin/").status_code == 200


def test_users_create_sets_an_inspectors_remit_which_decides_their_caseload(app_ctx, make, new_client):
    make.site(code="P-ENG", name="HMP England", kind="prison", nation="England")
    make.site(code="P-SCO", name="HMP Scotland", kind="prison", nation="Scotland")
    make.site(code="PR-WAL", name="Wales Probation", kind="probation", nation="Wales")
    result = run(app_ctx, "users", "create", "--email", "inspector@example.org", "--name", "Ira Inspector",
                 "--role", "inspector", "--remit", "prisons:england,Wales", env={"ASSESS_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    assert "remit: Prisons in England and Wales" in result.output
    user = db.session.scalar(select(User).where(User.email == "inspector@example.org"))
    assert [(remit.kind, remit.nation) for remit in user.remits] == [("prison", "England"), ("prison", "Wales")]
    client = sign_in(new_client(), user)  # with the second factor set up on the way
    listed = text_of(main(page(client.get("/caseload"))))
    assert "HMP England" in listed and "HMP Scotland" not in listed and "Wales Probation" not in listed
    # Running it again with another remit replaces it.
    result = run(app_ctx, "users", "create", "--email", "inspector@example.org", "--name", "Ira Inspector",
                 "--role", "inspector", "--remit", "all", env={"ASSESS_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert len(db.session.scalar(select(User).where(User.email == "inspector@example.org")).remits) == 8


@pytest.mark.parametrize(
    ("role", "remit", "message"),
    [
        ("inspector", None, "an inspector needs a remit"),
        ("inspector", "castles", "'castles' is not a kind of site"),
        ("inspector", "prison:Atlantis", "'Atlantis' is not a nation"),
        ("commissioner", "prison", "only an inspector has a remit"),
    ],
)
def test_users_create_refuses_a_missing_or_wrong_remit_with_the_reason(app_ctx, role, remit, message):
    args = ["users", "create", "--email", "x@example.org", "--name", "X", "--role", role]
    if remit:
        args += ["--remit", remit]
    result = run(app_ctx, *args, env={"ASSESS_PASSWORD": PASSWORD})
    assert result.exit_code != 0
    assert message in result.output
    assert count(User) == 0


# -- sites import ----------------------------------------------------------------------------------

def sites_by_code() -> dict[str, Site]:
    db.session.expire_all()
    return {site.code: site for site in db.session.scalars(select(Site))}


def test_sites_import_creates_then_updates_by_code(app_ctx, tmp_path):
    csv_file = tmp_path / "sites.csv"
    csv_file.write_text(HEADER +
                        "HMP-ONE,HMP One,prison,England,North West,Category C,Training,500-999\n"
                        "pdu-two,Two Probation Delivery Unit,probation,wales,Wales,,,\n", encoding="utf-8")
    result = run(app_ctx, "sites", "import", str(csv_file))
    assert result.exit_code == 0, result.output
    assert "Imported 2 sites: 2 new, 0 updated." in result.output
    sites = sites_by_code()
    assert set(sites) == {"HMP-ONE", "PDU-TWO"}
    assert (sites["HMP-ONE"].name, sites["HMP-ONE"].kind, sites["HMP-ONE"].category) == ("HMP One", "prison",
                                                                                         "Category C")
    assert (sites["PDU-TWO"].nation, sites["PDU-TWO"].category) == ("Wales", None)
    first_ids = {code: site.id for code, site in sites.items()}

    csv_file.write_text(HEADER +
                        "HMP-ONE,HMP One (renamed),prison,England,North East,Category B,Local,1000+\n"
                        "PDU-TWO,Two Probation Delivery Unit,probation,Wales,Wales,,,\n", encoding="utf-8")
    result = run(app_ctx, "sites", "import", str(csv_file))
    assert result.exit_code == 0, result.output
    assert "Imported 2 sites: 0 new, 2 updated." in result.output
    sites = sites_by_code()
    assert {code: site.id for code, site in sites.items()} == first_ids
    assert (sites["HMP-ONE"].name, sites["HMP-ONE"].region, sites["HMP-ONE"].category) == (
        "HMP One (renamed)", "North East", "Category B")


def test_sites_import_reports_every_bad_line_and_imports_nothing(app_ctx, tmp_path):
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text(HEADER +
                        "GOOD-1,A good site,prison,England,North West,,,\n"
                        "BAD-2,A jail,jail,England,North West,,,\n"
                        "BAD-3,Atlantis,prison,Atlantis,Nowhere,,,\n"
                        "GOOD-1,Same code again,prison,England,North West,,,\n", encoding="utf-8")
    result = run(app_ctx, "sites", "import", str(csv_file))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "bad.csv: line 3: kind 'jail' must be one of: prison, probation" in lines
    assert "bad.csv: line 4: nation 'Atlantis' must be one of: England, Wales, Scotland, Northern Ireland" in lines
    assert "bad.csv: line 5: code 'GOOD-1' is already used on line 2" in lines
    assert lines[-1] == "Nothing was imported."
    assert count(Site) == 0


def test_sites_import_reports_missing_columns(app_ctx, tmp_path):
    csv_file = tmp_path / "columns.csv"
    csv_file.write_text("code,name,kind\nX-1,X,prison\n", encoding="utf-8")
    result = run(app_ctx, "sites", "import", str(csv_file))
    assert result.exit_code == 1
    assert "columns.csv: line 1: missing columns: nation, region" in result.stderr
    assert count(Site) == 0


# -- demo seed -------------------------------------------------------------------------------------

def test_demo_seed_creates_data_once_and_is_idempotent(app_ctx, new_client):
    result = run(app_ctx, "demo", "seed", "--sites", "0", env={"DEMO_PASSWORD": None})
    assert result.exit_code == 0, result.output
    assert (count(Site), count(User)) == (len(DEMO_SITES), len(DEMO_ACCOUNTS))
    created = count(Assessment)
    assert created == 2 * len(DEMO_SITES)
    assert f"{created} new submitted assessments" in result.output
    assert all(assessment.is_submitted for assessment in db.session.scalars(select(Assessment)))

    again = run(app_ctx, "demo", "seed", "--sites", "0", env={"DEMO_PASSWORD": None})
    assert again.exit_code == 0, again.output
    assert "0 new submitted assessments" in again.output
    assert (count(Site), count(User), count(Assessment)) == (len(DEMO_SITES), len(DEMO_ACCOUNTS), created)

    # The demo governor signs in with the documented password and sees their sites' results.
    client = new_client()
    response = client.post("/sign-in", data={"email": "governor@example.org", "password": DEFAULT_DEMO_PASSWORD})
    assert location(response) == "/sites"
    sites = text_of(main(page(client.get("/sites"))))
    assert "HMP Fellwater (fictional)" in sites and "View results" in sites


def test_demo_seed_adds_the_national_dataset_with_the_options_given(app_ctx):
    result = run(app_ctx, "demo", "seed", "--sites", "24", "--periods", "2", "--seed", "7")
    assert result.exit_code == 0, result.output
    assert count(Site) == len(DEMO_SITES) + 24
    assert "National demo data: 32 sites (24 new), 2 periods" in result.output
    national = count(Assessment) - 2 * len(DEMO_SITES)
    assert 0 < national <= 24 * 2 + 2 * len(DEMO_SITES)  # demo sites may gain the older period too
    again = run(app_ctx, "demo", "seed", "--sites", "24", "--periods", "2", "--seed", "7")
    assert "(0 new), 2 periods, 0 new submitted assessments" in again.output


def test_demo_seed_if_empty_does_nothing_when_there_are_accounts(app_ctx, make):
    make.user("admin")
    result = run(app_ctx, "demo", "seed", "--if-empty")
    assert result.exit_code == 0, result.output
    assert "already has accounts" in result.output
    assert (count(Site), count(Assessment)) == (0, 0)


def test_demo_seed_refuses_in_production(app_ctx):
    app_ctx.config["PRODUCTION"] = True
    try:
        result = run(app_ctx, "demo", "seed")
    finally:
        app_ctx.config["PRODUCTION"] = False
    assert result.exit_code == 1
    assert "Refusing to load demo data" in result.stderr
    assert (count(Site), count(User), count(Assessment)) == (0, 0, 0)


@pytest.fixture(autouse=True)
def _source_is_untouched() -> Any:
    """These tests copy the questionnaire; the published file itself must never change."""
    before = SOURCE.read_bytes()
    yield
    assert SOURCE.read_bytes() == before
