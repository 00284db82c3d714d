"""The access policy (assess.auth.policy): one rule per audience, the union for several roles."""

from __future__ import annotations

from dataclasses import dataclass, field

from assess.auth.policy import NOTHING, RULES, Scope, can_view_site, scope_for


@dataclass
class Role:
    name: str


@dataclass
class Site:
    id: int
    kind: str = "prison"
    nation: str = "England"


@dataclass
class Remit:
    kind: str
    nation: str


@dataclass
class Area:
    sites: list[Site]


@dataclass
class Person:
    roles: list[Role]
    sites: list[Site] = field(default_factory=list)
    is_authenticated: bool = True
    remits: list[Remit] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)


ONE, TWO, THREE = Site(1), Site(2), Site(3, kind="probation", nation="Wales")


def test_a_governor_sees_only_the_sites_linked_to_their_account():
    governor = Person([Role("governor")], [ONE, TWO])
    assert can_view_site(governor, ONE) and can_view_site(governor, TWO)
    assert not can_view_site(governor, THREE)


def test_an_admin_sees_every_site():
    assert all(can_view_site(Person([Role("admin")]), site) for site in (ONE, TWO, THREE))


def test_an_inspector_sees_the_kinds_of_site_and_nations_of_their_remit_only():
    prisons = Person([Role("inspector")], [THREE], remits=[Remit("prison", "England"), Remit("prison", "Wales")])
    assert can_view_site(prisons, ONE) and can_view_site(prisons, Site(4, "prison", "Wales"))
    assert not can_view_site(prisons, THREE)  # probation in Wales; linked sites count for governors only
    assert not can_view_site(prisons, Site(5, "prison", "Scotland"))
    probation = Person([Role("inspector")], remits=[Remit("probation", "Wales")])
    assert can_view_site(probation, THREE) and not can_view_site(probation, ONE)
    assert scope_for(Person([Role("inspector")])).is_empty


def test_a_commissioner_sees_the_sites_of_their_areas_only():
    """Linked sites and remits count for governors and inspectors only."""
    commissioner = Person([Role("commissioner")], [ONE], remits=[Remit("prison", "England")],
                          areas=[Area([TWO]), Area([THREE, TWO])])
    assert scope_for(commissioner) == Scope(site_ids=frozenset({2, 3}))
    assert not can_view_site(commissioner, ONE)
    assert scope_for(Person([Role("commissioner")])).is_empty


def test_roles_without_a_rule_see_nothing():
    assert set(RULES) == {"governor", "inspector", "commissioner", "admin"}
    assert scope_for(Person([Role("made-up")], [ONE])) == NOTHING
    assert not can_view_site(Person([Role("made-up")], [ONE]), ONE)


def test_nobody_and_anonymous_see_nothing():
    assert scope_for(None).is_empty
    assert not can_view_site(Person([Role("admin")], is_authenticated=False), ONE)


def test_several_roles_see_the_union():
    person = Person([Role("governor"), Role("inspector")], [THREE])
    assert scope_for(person) == Scope(site_ids=frozenset({3}))
    assert (Scope(site_ids=frozenset({1})) | Scope(all_sites=True)).allows(THREE)


def test_an_areas_pages_are_for_the_commissioners_who_cover_it_and_admins():
    from assess.auth.policy import can_view_area

    @dataclass
    class AreaWithId:
        id: int
        sites: list[Site] = field(default_factory=list)

    north, south = AreaWithId(1, [ONE]), AreaWithId(2, [TWO])
    commissioner = Person([Role("commissioner")], areas=[north])
    assert can_view_area(commissioner, north) and not can_view_area(commissioner, south)
    assert can_view_area(Person([Role("admin")]), south)
    assert not can_view_area(Person([Role("governor")], [ONE], areas=[north]), north)
    assert not can_view_area(Person([Role("commissioner")], areas=[north], is_authenticated=False), north)
