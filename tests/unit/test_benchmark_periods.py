"""Which period each peer group is compared with (assess.benchmarking.periods.place_groups), and the words a
group compared with an earlier period, or with none, is given (GroupBenchmark.comparison_note, earlier_note)."""

from __future__ import annotations

from assess.benchmarking import (
    DIFFERS_BY_ONE_SITE,
    TOO_FEW_SITES,
    GroupBenchmark,
    GroupDecision,
    NotShown,
    place_groups,
)

OWN = "2026-27"


def _sites(start: int, count: int) -> frozenset[int]:
    return frozenset(range(start, start + count))


class Periods:
    """Candidates by period, recording which periods were asked for, and for which groups."""

    def __init__(self, by_period: dict[str, dict[str, frozenset[int]]]) -> None:
        self.by_period = by_period
        self.asked: list[tuple[str, tuple[str, ...]]] = []
        self.listed = 0

    def own(self) -> list[tuple[str, str, frozenset[int]]]:
        return [(group_id, group_id.title(), found) for group_id, found in self.by_period[OWN].items()]

    def earlier(self) -> list[str]:
        self.listed += 1
        return [period for period in self.by_period if period != OWN]

    def candidates(self, period: str, group_ids) -> list[tuple[str, str, frozenset[int]]]:
        self.asked.append((period, tuple(group_ids)))
        found = self.by_period[period]
        return [(group_id, group_id.title(), found.get(group_id, frozenset())) for group_id in group_ids]

    def place(self, min_size: int = 5):
        return place_groups(OWN, self.own(), self.earlier, self.candidates, min_size)


def test_every_group_shown_for_its_own_period_looks_no_further():
    periods = Periods({OWN: {"national": _sites(1, 8), "region": _sites(1, 6)}, "2025-26": {}})
    placed = periods.place()
    assert [(item.group_id, item.period, item.skipped) for item in placed.groups] == [
        ("national", OWN, ()),
        ("region", OWN, ()),
    ]
    assert periods.listed == 0 and periods.asked == [] and placed.consulted == (OWN,)


def test_too_few_this_year_uses_the_latest_earlier_year_with_enough_and_stops_there():
    periods = Periods(
        {
            OWN: {"national": _sites(1, 2), "region": _sites(1, 1)},
            "2025-26": {"national": _sites(1, 9), "region": _sites(1, 3)},
            "2024-25": {"national": _sites(1, 9), "region": _sites(1, 6)},
            "2023-24": {"national": _sites(1, 9), "region": _sites(1, 7)},
        }
    )
    placed = periods.place()
    national, region = placed.groups
    assert (national.period, national.decision.shown, len(national.decision.members)) == ("2025-26", True, 9)
    assert (region.period, region.decision.shown, len(region.decision.members)) == ("2024-25", True, 6)
    assert [(period, reason.code, reason.sites) for period, reason in national.skipped] == [(OWN, TOO_FEW_SITES, 2)]
    assert [(period, reason.sites) for period, reason in region.skipped] == [(OWN, 1), ("2025-26", 3)]
    # Newest first, every group each time (disclosure for a year is decided over all the site's groups, as
    # that year's own page decides it), and never 2023-24: every group was placed by then.
    assert periods.asked == [("2025-26", ("national", "region")), ("2024-25", ("national", "region"))]
    assert placed.consulted == (OWN, "2025-26", "2024-25")
    assert {period: [item.group_id for item in found] for period, found in placed.by_period().items()} == {
        "2025-26": ["national"],
        "2024-25": ["region"],
    }


def test_later_periods_are_never_used_and_no_period_with_enough_leaves_the_own_reason():
    periods = Periods(
        {
            OWN: {"national": _sites(1, 3)},
            "2027-28": {"national": _sites(1, 9)},  # later than the assessment: never a benchmark for it
            "2025-26": {"national": _sites(1, 4)},
        }
    )
    (national,) = periods.place().groups
    assert national.period is None and not national.decision.shown
    assert national.decision.reason == NotShown(TOO_FEW_SITES, 3, 5)  # the own period's numbers
    assert [period for period, _ in national.skipped] == [OWN, "2025-26"]
    assert [period for period, _ in periods.asked] == ["2025-26"]


def test_disclosure_for_an_earlier_year_is_decided_over_every_group_as_that_years_page_decides_it():
    # This year only the national group has enough. Last year national (6) and category (5) differ by exactly
    # one site, so last year's own results page shows national and hides category. Showing category from last
    # year on this year's page would let the two pages together reveal that one site: it stays hidden.
    periods = Periods(
        {
            OWN: {"national": _sites(1, 6), "region": _sites(1, 2), "category": _sites(1, 2)},
            "2025-26": {"national": _sites(1, 6), "region": _sites(1, 9), "category": _sites(1, 5)},
        }
    )
    national, region, category = periods.place().groups
    assert national.period == OWN
    assert region.period == "2025-26" and region.decision.shown
    assert category.period is None and not category.decision.shown
    assert category.decision.reason == NotShown(TOO_FEW_SITES, 2, 5)
    assert [(period, reason.code) for period, reason in category.skipped] == [
        (OWN, TOO_FEW_SITES),
        ("2025-26", DIFFERS_BY_ONE_SITE),
    ]
    assert periods.asked == [("2025-26", ("national", "region", "category"))]


def test_a_group_shown_from_an_earlier_year_is_one_that_years_own_page_shows():
    # Two groups still to place, and last year's national group (not to place: shown from this year) differs
    # from one of them by a site. Deciding among the groups to place alone would show it.
    periods = Periods(
        {
            OWN: {"national": _sites(1, 9), "region": _sites(1, 3), "category": _sites(20, 3)},
            "2025-26": {"national": _sites(1, 8), "region": _sites(1, 7), "category": _sites(20, 6)},
        }
    )
    national, region, category = periods.place().groups
    assert national.period == OWN
    assert region.period is None and region.skipped[-1][1].code == DIFFERS_BY_ONE_SITE
    assert category.period == "2025-26" and category.decision.shown


def test_a_group_hidden_this_year_for_differing_by_one_site_falls_back_too():
    periods = Periods(
        {
            OWN: {"national": _sites(1, 7), "region": _sites(1, 6)},
            "2025-26": {"region": _sites(1, 5)},
        }
    )
    national, region = periods.place().groups
    assert national.period == OWN
    assert region.period == "2025-26" and region.skipped[0][1].code == DIFFERS_BY_ONE_SITE


def _benchmark(period, own_period, skipped, shown=True, min_size=5):
    reason = None if shown else skipped[0][1]
    decision = GroupDecision("region", "Prisons in North West", _sites(1, 6), shown, reason)
    return GroupBenchmark(
        decision=decision, min_size=min_size, period=period, own_period=own_period, skipped_periods=skipped
    )


def test_the_comparison_note_names_both_years_and_the_threshold():
    own = _benchmark(OWN, OWN, ())
    assert not own.from_earlier_period and own.comparison_note("prisons") == "" and own.earlier_note() == ""
    earlier = _benchmark("2025-26", OWN, ((OWN, NotShown(TOO_FEW_SITES, 2, 5)),))
    assert earlier.from_earlier_period
    assert earlier.comparison_note("prisons") == (
        "Compared with 2025-26, the latest year in which at least 5 other prisons in this group submitted an "
        "assessment. Not enough had submitted for 2026-27 yet."
    )
    older = _benchmark(
        "2023-24",
        OWN,
        ((OWN, NotShown(TOO_FEW_SITES, 0, 3)), ("2024-25", NotShown(TOO_FEW_SITES, 2, 3))),
        min_size=3,
    )
    assert older.comparison_note("probation services").startswith(
        "Compared with 2023-24, the latest year in which at least 3 other probation services in this group"
    )
    clash = _benchmark("2025-26", OWN, ((OWN, NotShown(DIFFERS_BY_ONE_SITE, 6, 5, broader="All prisons")),))
    assert clash.comparison_note("prisons") == (
        "Compared with 2025-26, the latest year for which this group can be shown without revealing any site's "
        "result. For 2026-27 it differs from ‘All prisons’ by exactly one site, so it cannot be shown for that year."
    )
    assert earlier.earlier_note() == ""  # shown: nothing to say about earlier years


def test_a_group_no_year_can_show_says_so_and_an_areas_group_says_nothing_of_years():
    too_few = _benchmark(
        OWN, OWN, ((OWN, NotShown(TOO_FEW_SITES, 4, 5)), ("2025-26", NotShown(TOO_FEW_SITES, 1, 5))), False
    )
    assert too_few.looked_earlier and too_few.earlier_note() == "No earlier year had at least 5 either."
    mixed = _benchmark(
        OWN, OWN, ((OWN, NotShown(TOO_FEW_SITES, 4, 5)), ("2025-26", NotShown(DIFFERS_BY_ONE_SITE, 6, 5, "All"))), False
    )
    assert mixed.earlier_note() == "No earlier year could be shown either."
    hidden = GroupDecision("national", "All prisons", _sites(1, 2), False, NotShown(TOO_FEW_SITES, 2, 5))
    area = GroupBenchmark(decision=hidden, min_size=5)
    assert not area.looked_earlier and area.earlier_note() == "" and area.comparison_note("prisons") == ""
