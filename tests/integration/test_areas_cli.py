"""Areas (issue 12): `flask areas import` (all or nothing, every problem with its line, updates by code) and
commissioner accounts with `--area`, whose areas decide the sites they may see."""

from __future__ import annotations

from sqlalchemy import select

from assess.extensions import db
from assess.models import Area, AuditEvent, User
from tests.conftest import PASSWORD
from tests.integration.test_cli import count, run

HEADER = "area_code,area_name,area_type,site_code\n"


def _write(tmp_path, text: str):
    path = tmp_path / "areas.csv"
    path.write_text(text, encoding="utf-8")
    return path


def areas() -> dict[str, Area]:
    db.session.expire_all()
    return {area.code: area for area in db.session.scalars(select(Area))}


def test_areas_import_creates_then_replaces_each_areas_sites_by_code(app_ctx, make, tmp_path):
    for code in ("P-ONE", "P-TWO", "PR-ONE"):
        make.site(code=code, name=f"Site {code}")
    path = _write(tmp_path, HEADER + "nw,North West,Region,p-one\nNW,North West,region,PR-ONE\n"
                  "PG-1,Prison Group One,prison group,P-ONE\nPG-1,Prison Group One,Prison group,P-TWO\n")
    result = run(app_ctx, "areas", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Imported 2 areas (4 site memberships): 2 new, 0 updated." in result.output
    found = areas()
    assert (found["NW"].name, found["NW"].type, [site.code for site in found["NW"].sites]) == (
        "North West", "region", ["P-ONE", "PR-ONE"])
    assert [site.code for site in found["PG-1"].sites] == ["P-ONE", "P-TWO"]

    path = _write(tmp_path, HEADER + "NW,North West region,region,P-TWO\n")
    result = run(app_ctx, "areas", "import", str(path))
    assert result.exit_code == 0, result.output
    found = areas()
    assert found["NW"].name == "North West region" and [site.code for site in found["NW"].sites] == ["P-TWO"]
    assert [site.code for site in found["PG-1"].sites] == ["P-ONE", "P-TWO"]  # not in the file: left alone
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "area-imported")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.after == {"name": "North West region", "sites added": ["P-TWO"],
                           "sites removed": ["P-ONE", "PR-ONE"]}


def test_a_bad_areas_file_is_reported_line_by_line_and_nothing_is_imported(app_ctx, make, tmp_path):
    make.site(code="P-ONE")
    path = _write(tmp_path, HEADER + "NW,North West,region,P-ONE\n"
                  "NW,North-West,region,P-ONE\n"
                  "x,Somewhere,county,P-ONE\n"
                  "PG,Group,prison group,NOPE\n")
    result = run(app_ctx, "areas", "import", str(path))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [
        "areas.csv: line 3: area 'NW' is named 'North West' on line 2, not 'North-West'",
        "areas.csv: line 3: site 'P-ONE' is already in area 'NW' on line 2",
        "areas.csv: line 4: area_code 'x' must be 2 to 20 letters, digits or hyphens",
        "areas.csv: line 4: area_type 'county' must be one of: region, prison group, probation region, "
        "contract, pcc area",
        "Nothing was imported.",
    ]
    path = _write(tmp_path, HEADER + "PG,Group,prison group,NOPE\n")
    result = run(app_ctx, "areas", "import", str(path))
    assert result.exit_code == 1
    assert "areas.csv: line 2: no site with code 'NOPE' (import sites first)" in result.output
    assert count(Area) == 0
    result = run(app_ctx, "areas", "import", str(_write(tmp_path, "code,name\nA,B\n")))
    assert result.exit_code == 1 and "missing columns: area_code, area_name, area_type, site_code" in result.output


def test_a_commissioner_needs_an_area_and_sees_only_its_sites(app_ctx, make, tmp_path, new_client):
    from assess.auth.policy import scope_for

    one, two = make.site(code="P-ONE"), make.site(code="P-TWO")
    run(app_ctx, "areas", "import", str(_write(tmp_path, HEADER + "NW,North West,region,P-ONE\n")))
    args = ["users", "create", "--email", "cam@example.org", "--name", "Cam", "--role", "commissioner"]
    result = run(app_ctx, *args, env={"ASSESS_PASSWORD": PASSWORD})
    assert result.exit_code == 2 and "a commissioner needs at least one area" in result.output
    result = run(app_ctx, *args, "--area", "NOPE", env={"ASSESS_PASSWORD": PASSWORD})
    assert result.exit_code == 2 and "--area: no area with code 'NOPE'" in result.output
    result = run(app_ctx, "users", "create", "--email", "g@example.org", "--name", "G", "--role", "governor",
                 "--site", "P-ONE", "--area", "NW", env={"ASSESS_PASSWORD": PASSWORD})
    assert result.exit_code == 2 and "only a commissioner has areas" in result.output
    result = run(app_ctx, *args, "--area", "nw", env={"ASSESS_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    assert "areas: NW" in result.output
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "cam@example.org"))
    assert [area.code for area in user.areas] == ["NW"]
    scope = scope_for(user)
    assert scope.allows(one) and not scope.allows(two)
