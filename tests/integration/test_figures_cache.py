"""The figures cache (issue 15, item 3): the national groups an area's distribution page compares with are kept
in the database once worked out (assess.services.area_stats.cached_national), shared by every worker, and
worked out again when anything they depend on changes: a new submission anywhere, or a change to a site. What
the page shows changes at once. Real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assess.data.sites import SITE_FIELDS, upsert_sites
from assess.extensions import db
from assess.models import FiguresCacheEntry
from assess.services.area_stats import (
    OUTSIDE_YOUR_AREAS,
    area_distribution,
    decide_national,
    decode_national,
    encode_national,
    excluded_sites,
    national_groups,
)
from assess.services.questionnaires import latest
from tests.integration.helpers import page
from tests.integration.test_area_stats import MIN_SIZE, PERIOD, commissioner_for, make_area, prisons, table_rows
from tests.integration.test_results_cache import peer_counts, statements


@pytest.fixture()
def admin(make):  # type: ignore[no-untyped-def]
    return make.user("admin")


def rows() -> dict[str, str]:
    db.session.expire_all()
    return {row.name: row.key for row in db.session.scalars(select(FiguresCacheEntry))}


def leadership(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    table = page(response).find(id="chart-prison").find_parent("figure").find("table")
    return next(row for row in table_rows(table) if row[0] == "Leadership, strategy and culture")[1:5]


def world(make, admin):  # type: ignore[no-untyped-def]
    area_sites = prisons(make, admin, ["4", "2"], category="Category C")
    others = prisons(make, admin, ["1", "2", "2", "4", "5", "3"], category="Category C", region="Wales")
    area = make_area("NW", "North West", area_sites)
    return area, area_sites, others


def test_the_national_figures_are_kept_and_read_back_without_working_them_out(make, admin, client_as):
    area, _, _ = world(make, admin)
    client = client_as(commissioner_for(make, area))

    first = leadership(client.get("/areas/NW/distribution"))
    assert first == ["6", "2.0", "2.5", "3.8"]  # 1 2 2 3 4 5
    kept = rows()
    assert len(kept) == 1
    with statements() as seen:
        again = leadership(client.get("/areas/NW/distribution"))
    assert again == first
    assert peer_counts(seen) == []  # read from the cache: no group counts worked out
    assert rows() == kept


def test_a_submission_outside_the_area_changes_the_figures_shown(make, admin, client_as):
    area, _, _ = world(make, admin)
    client = client_as(commissioner_for(make, area))
    before = leadership(client.get("/areas/NW/distribution"))
    assert before[0] == "6"
    kept = rows()

    prisons(make, admin, ["5"], category="Category C", region="Wales")  # a seventh other prison submits

    with statements() as seen:
        after = leadership(client.get("/areas/NW/distribution"))
    assert after[0] == "7" and after[2] == "3.0"  # 1 2 2 3 4 5 5: the median moved
    assert peer_counts(seen) != []  # worked out again
    assert rows().keys() == kept.keys() and rows() != kept  # the same row, replaced


def category_c(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    table = page(response).find(id="chart-prison-category-c").find_parent("figure").find("table")
    return next(row for row in table_rows(table) if row[0] == "Leadership, strategy and culture")[1:]


def test_a_change_to_a_site_changes_the_figures_shown(make, admin, client_as):
    area, _, others = world(make, admin)
    client = client_as(commissioner_for(make, area))
    assert category_c(client.get("/areas/NW/distribution"))[0] == "6"
    kept = rows()

    moved = others[0]
    row = {name: getattr(moved, name) for name in SITE_FIELDS} | {"code": moved.code, "category": "Category B"}
    upsert_sites([row])  # one other Category C prison fewer: now one site short of all other prisons
    db.session.commit()

    assert category_c(client.get("/areas/NW/distribution"))[0] == "Not shown: it would reveal one site's result"
    assert rows() != kept


def test_the_encoding_gives_back_what_was_decided(make, admin, app_ctx):
    area, area_sites, _ = world(make, admin)
    distribution = area_distribution(area, None, {site.id for site in area_sites}, MIN_SIZE)
    assert distribution.period == PERIOD

    sites = sorted(area.sites, key=lambda site: site.name)
    groups = [group for group, _, _, _ in national_groups(sites, OUTSIDE_YOUR_AREAS)]
    decided = decide_national(groups, excluded_sites(area, None), PERIOD, latest().definition, MIN_SIZE)
    assert decode_national(encode_national(decided)) == decided
