"""Comparing across questionnaire versions: which domain of a peer's version stands for which of the site's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class VersionMap:
    """For one peer version: which of its domain ids stands for which domain of the site's version."""

    version: str
    to_site_domain: dict[str, str]
    complete: bool  # every domain of both versions is matched, so overall scores are comparable too


def map_versions(
    site_domains: Sequence[str],
    site_previous_ids: Mapping[str, Sequence[str]],
    peer_versions: Mapping[str, Sequence[str]],
    peer_previous_ids: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
) -> dict[str, VersionMap]:
    """Domains are compared only where ids match, directly or through `previous_ids` (a renamed domain
    lists the ids it had in earlier versions). Works in both directions: an older site compared with
    newer peers, and a newer site compared with older peers."""
    peer_previous_ids = peer_previous_ids or {}
    result: dict[str, VersionMap] = {}
    for version, domains in peer_versions.items():
        mapping: dict[str, str] = {}
        newer_names = peer_previous_ids.get(version, {})
        for site_domain in site_domains:
            candidates = {site_domain, *site_previous_ids.get(site_domain, ())}
            for peer_domain in domains:
                if peer_domain in candidates or site_domain in newer_names.get(peer_domain, ()):
                    mapping[peer_domain] = site_domain
                    break
        complete = len(mapping) == len(site_domains) == len(domains)
        result[version] = VersionMap(version, mapping, complete)
    return result
