"""Disclosure control: which peer groups may be shown, and why the others are not (as data; the templates
write the sentences).

`decide_disclosure` decides a site's peer groups. `decide_figures` decides any set of figures a person can see
together (an area's sites against national groups, docs/disclosure.md): besides pairs, it checks combinations (a
broader group less the disjoint narrower groups shown inside it), and it works on counts, so that each area of
the questionnaire, where some sites have no score, can be decided as well as the groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Final, Literal

# Reason codes (the templates match on them).
TOO_FEW_SITES: Final = "too-few-sites"
DIFFERS_BY_ONE_SITE: Final = "differs-by-one-site"
LEAVES_ONE_SITE: Final = "leaves-one-site"


@dataclass(frozen=True)
class NotShown:
    """Why a group is not shown.

    - TOO_FEW_SITES: only `sites` other sites are in it, fewer than `min_size`;
    - DIFFERS_BY_ONE_SITE: it differs from the group shown as `broader` (its label) by exactly one site;
    - LEAVES_ONE_SITE: `broader` less this group and the groups labelled `together` (all shown inside it, none
      overlapping) leaves exactly one site."""

    code: Literal["too-few-sites", "differs-by-one-site", "leaves-one-site"]
    sites: int
    min_size: int
    broader: str | None = None
    together: tuple[str, ...] = ()


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


# -- Figures a person sees together (an area's sites against national groups) -------------------------------


@dataclass(frozen=True)
class Figure:
    """One figure a person could see: drawn from the sites in `members`, counting `count` of them (None: all
    of them, as a group's own size; fewer for one area of the questionnaire, where some sites have no score).
    Members are only the sites the person cannot see by name: the caller leaves out the ones they can."""

    id: str
    label: str
    members: frozenset[int]
    count: int | None = None

    @property
    def counted(self) -> int:
        return len(self.members) if self.count is None else self.count


def _one_apart(one: Figure, other: Figure) -> bool:
    """Whether the two figures could count sets of sites that differ by exactly one site.

    The sites counted by a figure are its members with a score (the same sites for every figure, as a site
    has a score in an area or not), so with a = counted only by `one`, b = only by `other`, c = by both:
    a + c = one.counted, b + c = other.counted, a <= |one - other|, b <= |other - one|, c <= |one & other|.
    They clash when some such a, b, c has a + b = 1. For whole groups (every member counted) this is the
    symmetric difference of their members; for a group inside another it is the difference of the counts."""
    only_one = len(one.members - other.members)
    only_other = len(other.members - one.members)
    both = len(one.members & other.members)
    low = max(0, one.counted - only_one, other.counted - only_other)
    high = min(both, one.counted, other.counted)
    return any((one.counted - c) + (other.counted - c) == 1 for c in range(low, high + 1))


def _leaves_one(candidate: Figure, shown: Sequence[Figure]) -> tuple[Figure, tuple[Figure, ...]] | None:
    """A shown figure inside which the candidate and other shown figures (none overlapping) leave exactly one
    counted site: (the broader figure, the others). Inside a broader group every count is exact: the sites a
    narrower group counts are the broader group's counted sites among its members."""
    for broader in shown:
        if not candidate.members < broader.members:
            continue
        inside = [
            figure
            for figure in shown
            if figure is not broader and figure.members < broader.members and not figure.members & candidate.members
        ]
        for size in range(1, len(inside) + 1):
            for others in combinations(inside, size):
                if any(a.members & b.members for a, b in combinations(others, 2)):
                    continue
                left = broader.counted - candidate.counted - sum(figure.counted for figure in others)
                if left == 1:
                    return broader, others
    return None


def decide_figures(figures: Sequence[Figure], min_size: int) -> list[GroupDecision]:
    """Which of the figures a person may see together, in the order given.

    1. A figure counting fewer than `min_size` sites is not shown (TOO_FEW_SITES).
    2. No two shown figures may count sets of sites that differ by exactly one site (DIFFERS_BY_ONE_SITE).
    3. No shown figure, less other shown figures inside it that do not overlap, may leave exactly one site
       (LEAVES_ONE_SITE): all prisons less each category's prisons would otherwise give the one prison of a
       category that is not shown.
    Figures are decided broadest first (most members), so broader figures are kept and narrower ones
    suppressed; a suppressed figure never blocks another. Figures with the same members and count are fine.
    """
    order = sorted(range(len(figures)), key=lambda index: (-len(figures[index].members), index))
    decisions: dict[int, GroupDecision] = {}
    shown: list[Figure] = []
    for index in order:
        figure = figures[index]
        counted = figure.counted
        reason: NotShown | None = None
        if counted < min_size:
            reason = NotShown(TOO_FEW_SITES, counted, min_size)
        elif (clash := next((other for other in shown if _one_apart(figure, other)), None)) is not None:
            reason = NotShown(DIFFERS_BY_ONE_SITE, counted, min_size, broader=clash.label)
        elif (found := _leaves_one(figure, shown)) is not None:
            broader, others = found
            reason = NotShown(
                LEAVES_ONE_SITE, counted, min_size, broader=broader.label, together=tuple(f.label for f in others)
            )
        decisions[index] = GroupDecision(figure.id, figure.label, figure.members, reason is None, reason)
        if reason is None:
            shown.append(figure)
    return [decisions[index] for index in range(len(figures))]
