"""Which period each peer group is compared with: the assessment's own, or, early in a year when too few
others have submitted, the latest earlier period for which the group may be shown (issue 13).

Pure: the caller passes a function that gives a period's candidates (group id, label, members), so that it
reads the database only for the periods actually needed, newest first, and stops when every group is placed.

Disclosure control runs per period over EVERY group of the site (decide_disclosure), exactly as the site's own
results page for that period decides them, and a group is shown from an earlier period only when that decision
shows it. Deciding among the groups still to be placed alone would not do: a group hidden on the earlier year's
page because it differs by one site from a broader group shown there could then be shown from that year on this
year's page, and the two pages together would reveal that site. Groups shown from different periods are drawn
from different submissions, so their figures cannot be subtracted one from the other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .disclosure import GroupDecision, NotShown, decide_disclosure

Candidate = tuple[str, str, frozenset[int]]  # (group id, label, members: the other sites with a submission)


@dataclass(frozen=True)
class Placement:
    """Where one group's figures come from.

    `period` is the period it is shown from (None: no period may show it) and `decision` the decision to use:
    the shown one from `period`, or, when none may show it, the decision for the assessment's own period (its
    reason is then the one to give). `skipped` lists each period tried before, newest first, with the reason
    the group could not be shown for it (the own period first); empty when it is shown for its own period."""

    group_id: str
    period: str | None
    decision: GroupDecision
    skipped: tuple[tuple[str, NotShown], ...] = ()


@dataclass(frozen=True)
class Placements:
    """Every group's placement, in the order of the own period's candidates, and the periods consulted."""

    groups: tuple[Placement, ...]
    consulted: tuple[str, ...]

    def by_period(self) -> dict[str, list[Placement]]:
        """The shown groups by the period they are shown from."""
        found: dict[str, list[Placement]] = {}
        for item in self.groups:
            if item.period is not None:
                found.setdefault(item.period, []).append(item)
        return found


def place_groups(
    own_period: str,
    own_candidates: Sequence[Candidate],
    earlier_periods: Callable[[], Sequence[str]],
    candidates_for: Callable[[str, Sequence[str]], Sequence[Candidate]],
    min_size: int,
) -> Placements:
    """Place each group in the newest period, from its own one back, in which disclosure control shows it.

    `own_candidates`: every group for the assessment's own period, in display order. `earlier_periods`: the
    periods before it that might have enough (any order; called only if some group is not shown for its own
    period). `candidates_for(period, group_ids)`: those groups' candidates for an earlier period (called once
    per period consulted, newest first, with every group, until no group is left to place)."""
    own = decide_disclosure(own_candidates, min_size)
    placed: dict[str, Placement] = {}
    skipped: dict[str, list[tuple[str, NotShown]]] = {}
    for decision in own:
        if decision.shown:
            placed[decision.group_id] = Placement(decision.group_id, own_period, decision)
        else:
            assert decision.reason is not None
            skipped[decision.group_id] = [(own_period, decision.reason)]
    consulted = [own_period]
    remaining = [decision.group_id for decision in own if not decision.shown]
    if remaining:
        for period in sorted({item for item in earlier_periods() if item < own_period}, reverse=True):
            consulted.append(period)
            every = tuple(decision.group_id for decision in own)
            asked = set(remaining)
            found = [item for item in candidates_for(period, every) if item[0] in set(every)]
            for decision in decide_disclosure(found, min_size):
                if decision.group_id not in asked:
                    continue
                if decision.shown:
                    placed[decision.group_id] = Placement(
                        decision.group_id, period, decision, tuple(skipped[decision.group_id])
                    )
                else:
                    assert decision.reason is not None
                    skipped[decision.group_id].append((period, decision.reason))
            remaining = [group_id for group_id in remaining if group_id not in placed]
            if not remaining:
                break
    groups = tuple(
        placed.get(decision.group_id) or Placement(decision.group_id, None, decision, tuple(skipped[decision.group_id]))
        for decision in own
    )
    return Placements(groups, tuple(consulted))
