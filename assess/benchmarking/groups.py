"""Peer groups: sets of sites chosen by the values of their attributes.

The catalogue (PEER_GROUPS) says which attributes each kind of group uses; `peer_groups_for` turns it into
concrete groups for one site, each carrying its filters as values ({kind: prison, region: North West}).
Membership depends on those values only, never on the site they were taken from, so the same group can
compare a site with its peers, or an area's sites with all prisons nationally: the subject's own sites are
left out by the caller (`exclude`), not by the group.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

# The site attributes a group may filter on (each is a column of sites).
FILTER_ATTRIBUTES = ("kind", "region", "category", "function", "population_band")

Filter = tuple[str, str]  # (attribute, value): ("region", "North West")


@dataclass(frozen=True)
class SiteAttributes:
    site_id: int
    kind: str
    region: str
    category: str | None = None
    function: str | None = None
    population_band: str | None = None


@dataclass(frozen=True)
class GroupDefinition:
    """An entry in the catalogue: a kind of peer group, sites of the same kind sharing these attributes."""

    id: str
    attributes: tuple[str, ...]
    order: int

    def applies_to(self, site: SiteAttributes) -> bool:
        return all(getattr(site, name) for name in self.attributes)


# The one place peer groups are defined. Every group is the same kind of site (prisons are compared with
# prisons, probation with probation); each adds attributes that must match.
PEER_GROUPS: tuple[GroupDefinition, ...] = (
    GroupDefinition("national", (), 1),
    GroupDefinition("region", ("region",), 2),
    GroupDefinition("category", ("category",), 3),
    GroupDefinition("function", ("function",), 4),
    GroupDefinition("population", ("population_band",), 5),
)


def group_definition(group_id: str) -> GroupDefinition:
    return next(group for group in PEER_GROUPS if group.id == group_id)


@dataclass(frozen=True)
class PeerGroup:
    """A concrete group: every site whose attributes have these values."""

    id: str
    label: str
    filters: tuple[Filter, ...]

    def __post_init__(self) -> None:
        unknown = [name for name, _ in self.filters if name not in FILTER_ATTRIBUTES]
        if unknown:
            raise ValueError(f"peer group {self.id!r} filters on unknown attributes {unknown}")

    def contains(self, site: SiteAttributes) -> bool:
        return all(getattr(site, name) == value for name, value in self.filters)


def kind_plural(kind: str) -> str:
    return "prisons" if kind == "prison" else "probation services"


def group_label(definition: GroupDefinition, site: SiteAttributes) -> str:
    """'All prisons', 'Prisons in North West', 'Prisons in the same category (Category C)'."""
    kinds = kind_plural(site.kind)
    if definition.id == "national":
        return f"All {kinds}"
    if definition.id == "region":
        return f"{kinds.capitalize()} in {site.region}"
    if definition.id == "category":
        return f"{kinds.capitalize()} in the same category ({site.category})"
    if definition.id == "function":
        return f"{kinds.capitalize()} with the same function ({site.function})"
    return f"{kinds.capitalize()} of the same size ({site.population_band})"


def peer_group(definition: GroupDefinition, site: SiteAttributes) -> PeerGroup:
    """The group of this definition that the site belongs to: its kind and its values of the attributes."""
    filters = (("kind", site.kind), *((name, str(getattr(site, name))) for name in definition.attributes))
    return PeerGroup(definition.id, group_label(definition, site), filters)


def peer_groups_for(site: SiteAttributes) -> list[PeerGroup]:
    """Every catalogue group that applies to the site (it has the attributes), in catalogue order."""
    return [peer_group(definition, site) for definition in PEER_GROUPS if definition.applies_to(site)]


def national_group(kind: str) -> PeerGroup:
    """All sites of a kind: what an area's sites are compared with."""
    return PeerGroup("national", f"All {kind_plural(kind)}", (("kind", kind),))


def shared_filters(groups: Sequence[PeerGroup]) -> tuple[Filter, ...]:
    """The filters every one of the groups has (so a query may apply them to all rows at once)."""
    if not groups:
        return ()
    rest = [set(group.filters) for group in groups[1:]]
    return tuple(item for item in groups[0].filters if all(item in filters for filters in rest))


def members(group: PeerGroup, sites: Iterable[SiteAttributes], exclude: Collection[int] = ()) -> frozenset[int]:
    """The sites in the group, less the excluded ones (the subject is never its own peer)."""
    return frozenset(site.site_id for site in sites if site.site_id not in exclude and group.contains(site))
