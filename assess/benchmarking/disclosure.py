"""Disclosure control: which peer groups may be shown, and why the others are not (as data; the templates
write the sentences)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

# Reason codes (the templates match on them).
TOO_FEW_SITES: Final = "too-few-sites"
DIFFERS_BY_ONE_SITE: Final = "differs-by-one-site"


@dataclass(frozen=True)
class NotShown:
    """Why a group is not shown.

    - TOO_FEW_SITES: only `sites` other sites are in it, fewer than `min_size`;
    - DIFFERS_BY_ONE_SITE: it differs from the group shown as `broader` (its label) by exactly one site."""

    code: Literal["too-few-sites", "differs-by-one-site"]
    sites: int
    min_size: int
    broader: str | None = None


@dataclass(frozen=True)
class GroupDecision:
    group_id: str
    label: str
    members: frozenset[int]
    shown: bool
    reason: NotShown | None = None  # why it is not shown


def decide_disclosure(candidates: Sequence[tuple[str, str, frozenset[int]]], min_size: int) -> list[GroupDecision]:
    """Which peer groups a respondent may see, from (group id, label, members) in display order.

    1. A group with fewer than `min_size` other sites is not shown.
    2. No two shown groups may differ by exactly one site: otherwise subtracting one group's figures
       from the other's would reveal that site's result. Groups are considered broadest first, so the
       broader group is kept and the narrower one suppressed. Groups with identical members are fine.
    """
    decisions: list[GroupDecision] = []
    shown: list[GroupDecision] = []
    for group_id, label, group_members in sorted(candidates, key=lambda item: -len(item[2])):
        size = len(group_members)
        if size < min_size:
            reason = NotShown(TOO_FEW_SITES, size, min_size)
            decisions.append(GroupDecision(group_id, label, group_members, False, reason))
            continue
        clash = next((other for other in shown if len(other.members ^ group_members) == 1), None)
        if clash is not None:
            reason = NotShown(DIFFERS_BY_ONE_SITE, size, min_size, broader=clash.label)
            decisions.append(GroupDecision(group_id, label, group_members, False, reason))
            continue
        decision = GroupDecision(group_id, label, group_members, True)
        decisions.append(decision)
        shown.append(decision)
    order = {group_id: index for index, (group_id, _, _) in enumerate(candidates)}
    return sorted(decisions, key=lambda decision: order[decision.group_id])
